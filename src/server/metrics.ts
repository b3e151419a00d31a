/**
 * GET /metrics: the server's counters and gauges in the Prometheus text exposition format (version 0.0.4).
 * Only names, outcomes and counts are exposed: never a key, a facade key or a configuration value.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EngineMetrics } from '../rpc/engine-types.ts';

export const METRICS_PATH = '/metrics';
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Upgrade refusals counted by HTTP status, always shown (as 0 until they happen). */
export const AUTH_FAILURE_STATUSES: readonly number[] = [401, 403, 429];

export interface MetricsSources {
  /** The engine's accounting; absent when the engine keeps none. */
  engineMetrics?: () => EngineMetrics;
  /** Open WebSocket connections on the listener. */
  openConnections: () => number;
  /** Refused upgrades by HTTP status (401, 403, 429). */
  authFailures: () => ReadonlyMap<number, number>;
  /** Connectors the registry serves. */
  connectorsLoaded: () => number;
  /** When the server started (ms since the epoch). */
  startTime: number;
  /** Server version; default: this package's version. */
  version?: string;
}

type MetricType = 'counter' | 'gauge' | 'histogram';
type Labels = Record<string, string>;

/** Builds the exposition text: each family's HELP and TYPE, then its samples. */
class Exposition {
  private readonly lines: string[] = [];

  family(name: string, type: MetricType, help: string): void {
    this.lines.push(`# HELP ${name} ${escapeHelp(help)}`, `# TYPE ${name} ${type}`);
  }

  sample(name: string, value: number, labels: Labels = {}): void {
    const pairs = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabelValue(v)}"`);
    this.lines.push(`${name}${pairs.length > 0 ? `{${pairs.join(',')}}` : ''} ${formatValue(value)}`);
  }

  /** A family with a single unlabelled sample. */
  single(name: string, type: MetricType, help: string, value: number): void {
    this.family(name, type, help);
    this.sample(name, value);
  }

  text(): string {
    return this.lines.join('\n') + '\n';
  }
}

/** Label values escape backslash, double quote and line feed. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

let cachedVersion: string | undefined;

/** This package's version, read once from its package.json. */
export function serverVersion(): string {
  if (cachedVersion === undefined) {
    try {
      const file = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../package.json');
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown };
      cachedVersion = typeof parsed.version === 'string' ? parsed.version : 'unknown';
    } catch {
      cachedVersion = 'unknown';
    }
  }
  return cachedVersion;
}

function renderEngine(out: Exposition, m: EngineMetrics | undefined): void {
  out.family('rcs_operations_total', 'counter', 'Operations executed for peers, by operation and outcome (ok, cancelled, or the Java exception class).');
  for (const o of m?.operations ?? []) out.sample('rcs_operations_total', o.count, { operation: o.operation, outcome: o.outcome });

  out.family('rcs_operation_duration_seconds', 'histogram', 'Time from the start of an operation to its last response, in seconds.');
  for (const d of m?.durations ?? []) {
    m!.durationBuckets.forEach((bound, i) => {
      out.sample('rcs_operation_duration_seconds_bucket', d.bucketCounts[i] ?? 0, { operation: d.operation, le: formatValue(bound) });
    });
    out.sample('rcs_operation_duration_seconds_bucket', d.count, { operation: d.operation, le: '+Inf' });
    out.sample('rcs_operation_duration_seconds_sum', d.sum, { operation: d.operation });
    out.sample('rcs_operation_duration_seconds_count', d.count, { operation: d.operation });
  }

  out.family('rcs_objects_streamed_total', 'counter', 'Objects (search) and deltas (sync) streamed to peers.');
  for (const s of m?.objectsStreamed ?? []) out.sample('rcs_objects_streamed_total', s.count, { operation: s.operation });

  out.single('rcs_operations_in_flight', 'gauge', 'Operations currently executing for peers.', m?.inFlightOperations ?? 0);
  out.single('rcs_sessions', 'gauge', 'Live OpenICF sessions (connection groups).', m?.sessions ?? 0);
}

/** The whole /metrics body. */
export function renderMetrics(sources: MetricsSources): string {
  const out = new Exposition();
  renderEngine(out, sources.engineMetrics?.());

  out.single('rcs_websocket_connections', 'gauge', 'Open WebSocket connections.', sources.openConnections());
  out.family('rcs_auth_failures_total', 'counter', 'Refused WebSocket upgrades by HTTP status (401 no credentials, 403 wrong key, 429 throttled).');
  const failures = sources.authFailures();
  const statuses = new Set([...AUTH_FAILURE_STATUSES, ...failures.keys()]);
  for (const status of [...statuses].sort((a, b) => a - b)) {
    out.sample('rcs_auth_failures_total', failures.get(status) ?? 0, { status: String(status) });
  }
  out.single('rcs_connectors_loaded', 'gauge', 'Connectors served (from all loaded bundles).', sources.connectorsLoaded());

  const memory = process.memoryUsage();
  out.single('process_resident_memory_bytes', 'gauge', 'Resident set size of the process, in bytes.', memory.rss);
  out.single('nodejs_heap_size_used_bytes', 'gauge', 'V8 heap in use, in bytes.', memory.heapUsed);
  out.single('nodejs_heap_size_total_bytes', 'gauge', 'V8 heap allocated, in bytes.', memory.heapTotal);
  out.single('rcs_uptime_seconds', 'gauge', 'Seconds since the server started.', Math.max(0, (Date.now() - sources.startTime) / 1000));
  out.single('rcs_start_time_seconds', 'gauge', 'When the server started, in seconds since the Unix epoch.', sources.startTime / 1000);

  out.family('rcs_info', 'gauge', 'Server version (always 1).');
  out.sample('rcs_info', 1, { version: sources.version ?? serverVersion() });
  return out.text();
}
