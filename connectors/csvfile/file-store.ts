/**
 * Reading and writing the CSV file.
 *
 * Reads are cached per file and re-done when the file's identity, size or modification time changed (edits by
 * other tools are seen). Writes are atomic: the new content goes to a temporary file in the same directory,
 * which is flushed to disk and renamed over the original, then the directory is flushed; a crash leaves either
 * the old or the new file. Changes run one at a time per file under a process-wide mutex.
 */
import { randomBytes } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { open, readdir, realpath, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { isUtf8 } from 'node:buffer';
import { ConnectorIOException } from '../../src/spi/index.ts';
import { CsvTable, type TableLayout } from './csv-table.ts';
import { mutexFor, type AsyncMutex } from './mutex.ts';

/** A parsed file with the exact bytes it was parsed from. */
export interface LoadedFile {
  readonly table: CsvTable;
  readonly bytes: Buffer;
}

interface CacheEntry {
  readonly layoutKey: string;
  readonly signature: string;
  readonly loaded: LoadedFile;
}

const CACHE_KEY = Symbol.for('openicf.csvfile.parsedFiles');
const FAULT_HOOK_KEY = Symbol.for('openicf.csvfile.faultHook');

/** Stages at which a test may make a write fail, through `globalThis[Symbol.for('openicf.csvfile.faultHook')]`. */
export type WriteStage = 'afterTempWrite';
type FaultHook = (stage: WriteStage, target: string) => void;

function cache(): Map<string, CacheEntry> {
  const holder = globalThis as unknown as Record<symbol, Map<string, CacheEntry> | undefined>;
  return (holder[CACHE_KEY] ??= new Map());
}

function faultHook(): FaultHook | undefined {
  const hook = (globalThis as unknown as Record<symbol, unknown>)[FAULT_HOOK_KEY];
  return typeof hook === 'function' ? (hook as FaultHook) : undefined;
}

function layoutKey(l: TableLayout): string {
  return JSON.stringify([l.quote, l.delimiter, l.newline, l.headerUid, l.headerPassword]);
}

function signatureOf(st: { dev: bigint; ino: bigint; size: bigint; mtimeNs: bigint }): string {
  return `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}`;
}

function ioError(message: string, cause: unknown): ConnectorIOException {
  return new ConnectorIOException(message, { cause });
}

function errnoCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null ? (err as { code?: string }).code : undefined;
}

/** Decodes UTF-8 strictly, naming the first line that is not valid UTF-8. */
export function decodeUtf8(bytes: Buffer, file: string): string {
  if (!isUtf8(bytes)) {
    let line = 1;
    let start = 0;
    for (let k = 0; k <= bytes.length; k++) {
      if (k === bytes.length || bytes[k] === 0x0a) {
        if (!isUtf8(bytes.subarray(start, k))) break;
        line++;
        start = k + 1;
      }
    }
    throw new ConnectorIOException(`File '${file}' is not valid UTF-8 text (line ${line}).`);
  }
  return bytes.toString('utf8');
}

/**
 * Writes `data` to `target` atomically (see the module comment). The file keeps its permission bits and, when
 * allowed, its owner. Anything that fails before the rename leaves `target` untouched. Returns the new file's
 * cache signature (a rename keeps the inode and modification time).
 */
export async function writeFileAtomically(target: string, data: Buffer): Promise<string> {
  let real: string;
  try {
    real = await realpath(target);
  } catch (err) {
    if (errnoCode(err) !== 'ENOENT') throw ioError(`Cannot resolve file '${target}'`, err);
    real = target;
  }
  const dir = dirname(real);
  const tmp = join(dir, `.${basename(real)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let previous: { mode: number; uid: number; gid: number } | null = null;
  try {
    previous = await stat(real);
  } catch {
    previous = null;
  }
  let handle: FileHandle | null = null;
  let renamed = false;
  let signature: string;
  try {
    handle = await open(tmp, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL, 0o600);
    await handle.writeFile(data);
    if (previous) {
      await handle.chmod(previous.mode & 0o7777);
      await handle.chown(previous.uid, previous.gid).catch(() => undefined);
    }
    await handle.sync();
    signature = signatureOf(await handle.stat({ bigint: true }));
    await handle.close();
    handle = null;
    faultHook()?.('afterTempWrite', target);
    await rename(tmp, real);
    renamed = true;
  } catch (err) {
    if (handle) await handle.close().catch(() => undefined);
    if (!renamed) await unlink(tmp).catch(() => undefined);
    throw ioError(`Error writing file '${target}': ${err instanceof Error ? err.message : String(err)}`, err);
  }
  await syncDirectory(dir);
  return signature;
}

async function syncDirectory(dir: string): Promise<void> {
  // Best effort: the rename has happened and is visible, so a file system that cannot flush a directory (or
  // fails to) must not turn a change that took place into a reported failure.
  let handle: FileHandle | null = null;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    /* see above */
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/** Removes temporary files that writers of this file left behind when their process died. */
export async function removeStaleTempFiles(target: string): Promise<void> {
  let real = target;
  try {
    real = await realpath(target);
  } catch {
    /* keep the configured path */
  }
  const base = basename(real);
  const prefix = `.${base}.`;
  let names: string[];
  try {
    names = await readdir(dirname(real));
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const m = /^(\d+)\.[0-9a-f]{12}\.tmp$/.exec(name.slice(prefix.length));
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || isProcessAlive(pid)) continue;
    await unlink(join(dirname(real), name)).catch(() => undefined);
  }
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errnoCode(err) === 'EPERM';
  }
}

export class CsvFileStore {
  readonly mutex: AsyncMutex;

  constructor(
    /** Absolute path of the CSV file. */
    readonly path: string,
    readonly layout: TableLayout,
  ) {
    this.mutex = mutexFor(path);
  }

  /** The current content, parsed (from the cache when the file did not change). */
  async load(): Promise<LoadedFile> {
    let handle: FileHandle;
    try {
      handle = await open(this.path, 'r');
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') throw ioError(`File ${this.path} does not exist`, err);
      throw ioError(`Error reading from file ${this.path}`, err);
    }
    const key = layoutKey(this.layout);
    let bytes: Buffer;
    let signature: string;
    try {
      const st = await handle.stat({ bigint: true });
      if (st.isDirectory()) throw new ConnectorIOException(`File path '${this.path}' points to a directory.`);
      signature = signatureOf(st);
      const cached = cache().get(this.path);
      if (cached && cached.signature === signature && cached.layoutKey === key) return cached.loaded;
      bytes = await handle.readFile();
    } catch (err) {
      if (err instanceof ConnectorIOException) throw err;
      throw ioError(`Error reading from file ${this.path}`, err);
    } finally {
      await handle.close().catch(() => undefined);
    }
    const table = CsvTable.parse(decodeUtf8(bytes, this.path), this.layout, this.path);
    const loaded: LoadedFile = { table, bytes };
    cache().set(this.path, { layoutKey: key, signature, loaded });
    return loaded;
  }

  /**
   * Runs a change under the file's mutex: `change` gets the current table and returns the new one (or the same
   * table for no change) with a result. The new file is written atomically before the result is returned; if
   * `change` or the write throws, the file is left as it was.
   */
  async change<T>(change: (table: CsvTable) => { table: CsvTable; result: T }): Promise<T> {
    return this.mutex.run(async () => {
      const current = await this.load();
      const { table, result } = change(current.table);
      if (table !== current.table) {
        const text = table.serialize();
        const bytes = Buffer.from(text, 'utf8');
        // Parse what is written, so the cache holds exactly what a later read would see.
        const written = CsvTable.parse(text, this.layout, this.path);
        cache().delete(this.path);
        const signature = await writeFileAtomically(this.path, bytes);
        cache().set(this.path, { layoutKey: layoutKey(this.layout), signature, loaded: { table: written, bytes } });
      }
      return result;
    });
  }

}

