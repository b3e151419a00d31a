/**
 * Fault injection: a delay and/or a typed failure per operation, from the configuration
 * ({"create": {"delayMs": 50}, "delete": {"fail": "UnknownUidException", "message": "..."}}) or from the
 * operation options faultDelayMs / faultFail / faultMessage, which win over the configuration.
 */
import {
  abortableDelay,
  ConfigurationException,
  IllegalArgumentException,
  exceptionForJavaClass,
  javaClassForName,
  type JavaThrowable,
  type OperationOptions,
} from '../../src/spi/index.ts';

export const FAULT_OPTION_DELAY = 'faultDelayMs';
export const FAULT_OPTION_FAIL = 'faultFail';
export const FAULT_OPTION_MESSAGE = 'faultMessage';

export interface FaultSpec {
  delayMs?: number;
  /** Simple or qualified Java exception class name. */
  fail?: string;
  message?: string;
}

/** Operation names faults are keyed by (the SPI method names), plus "*" for every operation. */
export const FAULT_OPERATIONS = [
  'test',
  'schema',
  'create',
  'update',
  'addAttributeValues',
  'removeAttributeValues',
  'delete',
  'getObject',
  'search',
  'sync',
  'getLatestSyncToken',
  'authenticate',
  'resolveUsername',
] as const;
export type FaultOperation = (typeof FAULT_OPERATIONS)[number];

const ALIASES: Record<string, FaultOperation> = { get: 'getObject', latestsynctoken: 'getLatestSyncToken' };

function canonicalOperation(name: string): FaultOperation | '*' | undefined {
  if (name === '*') return '*';
  const lower = name.toLowerCase();
  return FAULT_OPERATIONS.find((op) => op.toLowerCase() === lower) ?? ALIASES[lower];
}

export type FaultPlan = ReadonlyMap<FaultOperation | '*', FaultSpec>;

function delayValue(v: unknown, where: string, error: (m: string) => Error): number | undefined {
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'bigint' ? Number(v) : typeof v === 'string' ? Number(v) : typeof v === 'number' ? v : NaN;
  if (!Number.isFinite(n) || n < 0) throw error(`${where}: delayMs must be a non-negative number`);
  return n;
}

/** Parses the faultInjection configuration text; bad input is a ConfigurationException. */
export function parseFaultInjection(text: string | null): FaultPlan {
  const plan = new Map<FaultOperation | '*', FaultSpec>();
  if (text === null || text.trim() === '') return plan;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ConfigurationException(`faultInjection is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigurationException('faultInjection must be a JSON object keyed by operation name');
  }
  const cfgError = (m: string): Error => new ConfigurationException(m);
  for (const [name, rawSpec] of Object.entries(parsed)) {
    const op = canonicalOperation(name);
    if (!op) throw new ConfigurationException(`faultInjection: unknown operation ${name}`);
    if (typeof rawSpec !== 'object' || rawSpec === null || Array.isArray(rawSpec)) {
      throw new ConfigurationException(`faultInjection.${name} must be an object`);
    }
    const s = rawSpec as Record<string, unknown>;
    const spec: FaultSpec = {};
    const delay = delayValue(s.delayMs, `faultInjection.${name}`, cfgError);
    if (delay !== undefined) spec.delayMs = delay;
    if (s.fail !== undefined && s.fail !== null) {
      if (typeof s.fail !== 'string' || s.fail.trim() === '') throw new ConfigurationException(`faultInjection.${name}.fail must be a class name`);
      spec.fail = s.fail.trim();
    }
    if (s.message !== undefined && s.message !== null) spec.message = String(s.message);
    plan.set(op, spec);
  }
  return plan;
}

/** The fault for one call: options override the operation's entry, which overrides "*". */
export function faultFor(op: FaultOperation, plan: FaultPlan, options: OperationOptions | null | undefined): FaultSpec {
  const spec: FaultSpec = { ...plan.get('*'), ...plan.get(op) };
  if (options) {
    const argError = (m: string): Error => new IllegalArgumentException(m);
    const delay = delayValue(options.get(FAULT_OPTION_DELAY), FAULT_OPTION_DELAY, argError);
    if (delay !== undefined) spec.delayMs = delay;
    const fail = options.get(FAULT_OPTION_FAIL);
    if (typeof fail === 'string' && fail.trim() !== '') spec.fail = fail.trim();
    const message = options.get(FAULT_OPTION_MESSAGE);
    if (typeof message === 'string') spec.message = message;
  }
  return spec;
}

/** The exception for a class name: the model's class when known, else a ConnectorException carrying the name. */
export function faultException(className: string, message: string): JavaThrowable {
  return exceptionForJavaClass(javaClassForName(className) ?? className, message);
}

/** Applies the fault planned for an operation: waits, then throws the configured exception if any. */
export async function injectFault(op: FaultOperation, plan: FaultPlan, options: OperationOptions | null | undefined, signal: AbortSignal): Promise<void> {
  const spec = faultFor(op, plan, options);
  if (spec.delayMs !== undefined) await abortableDelay(spec.delayMs, signal);
  if (spec.fail !== undefined) throw faultException(spec.fail, spec.message ?? `Injected failure of ${op}`);
}
