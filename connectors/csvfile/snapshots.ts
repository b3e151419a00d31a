/**
 * Sync snapshots: copies of the CSV file named "<file>.<token>", the token being a 13-digit millisecond time, as
 * the Java CSV connector names them (so its snapshots and tokens keep working). Only the newest
 * syncFileRetentionCount copies are kept.
 */
import { readdir, readFile, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ConnectorIOException } from '../../src/spi/index.ts';
import { writeFileAtomically } from './file-store.ts';

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export class SnapshotStore {
  constructor(
    /** Absolute path of the CSV file. */
    readonly csvPath: string,
  ) {}

  pathOf(token: bigint): string {
    return `${this.csvPath}.${token}`;
  }

  /** Tokens of the snapshots on disk, oldest first. */
  async list(): Promise<bigint[]> {
    const pattern = new RegExp(`^${escapeRegExp(basename(this.csvPath))}\\.([0-9]{13})$`);
    let names: string[];
    try {
      names = await readdir(dirname(this.csvPath));
    } catch (err) {
      throw new ConnectorIOException(`Cannot list the directory of ${this.csvPath}`, { cause: err });
    }
    const tokens: bigint[] = [];
    for (const name of names) {
      const m = pattern.exec(name);
      if (m) tokens.push(BigInt(m[1]!));
    }
    return tokens.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** The snapshot's bytes, or null when there is none for this token. */
  async read(token: bigint): Promise<Buffer | null> {
    try {
      return await readFile(this.pathOf(token));
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'ENOENT' || code === 'ENAMETOOLONG') return null;
      throw new ConnectorIOException(`Error reading sync snapshot ${this.pathOf(token)}`, { cause: err });
    }
  }

  /** Saves `bytes` as a new snapshot with a token later than every existing one; returns the token. */
  async create(bytes: Buffer, existing: readonly bigint[]): Promise<bigint> {
    const newest = existing.length ? existing[existing.length - 1]! : 0n;
    const now = BigInt(Date.now());
    const token = now > newest ? now : newest + 1n;
    await writeFileAtomically(this.pathOf(token), bytes);
    return token;
  }

  /** Deletes all but the newest `keep` snapshots (at least one is always kept). */
  async prune(keep: number): Promise<void> {
    const tokens = await this.list();
    const excess = tokens.length - Math.max(1, keep);
    for (let k = 0; k < excess; k++) await unlink(this.pathOf(tokens[k]!)).catch(() => undefined);
  }
}
