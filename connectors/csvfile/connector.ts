/**
 * The CSV file connector: one __ACCOUNT__ object per row of a CSV file, identified by the uid column (which is
 * also its __NAME__). Behaves as the Java CSVFileConnector does, with atomic, serialized writes.
 */
import { randomUUID, createHash, timingSafeEqual } from 'node:crypto';
import {
  AlreadyExistsException,
  Attribute,
  AttributeInfo,
  AttributeNames,
  ConfigurationException,
  ConnectorObject,
  GuardedString,
  IllegalArgumentException,
  InvalidAttributeValueException,
  InvalidCredentialException,
  InvalidPasswordException,
  JavaClass,
  Name,
  ObjectClass,
  ObjectClassInfo,
  Schema,
  SearchResult,
  SyncDelta,
  SyncToken,
  Uid,
  UnknownUidException,
  namesEqual,
  type ApiOperationName,
  type Connector,
  type ConnectorContext,
  type ConnectorLogger,
  type Filter,
  type OperationContext,
  type OperationOptions,
  type ResultsHandler,
  type SyncDeltaType,
  type SyncResultsHandler,
} from '../../src/spi/index.ts';
import { resolveConfiguration, validateConfiguration, type CsvFileConfiguration, type ResolvedConfiguration } from './configuration.ts';
import { CsvTable, type CsvRow } from './csv-table.ts';
import { CsvFileStore, decodeUtf8, removeStaleTempFiles } from './file-store.ts';
import { mayMatch } from './filter-eval.ts';
import { SnapshotStore } from './snapshots.ts';
import { cellValue, cellValues } from './values.ts';

/** Operations whose schema entry lists __ACCOUNT__, as the Java connector's schema does. */
const SCHEMA_OPERATIONS: readonly ApiOperationName[] = [
  'AuthenticationApiOp',
  'CreateApiOp',
  'DeleteApiOp',
  'GetApiOp',
  'ResolveUsernameApiOp',
  'SearchApiOp',
  'SyncApiOp',
  'UpdateApiOp',
];

const STRING = JavaClass.of('String');
const GUARDED_STRING = JavaClass.of('GuardedString');

/** Where an attribute goes in a row. */
type Target = { kind: 'uid' } | { kind: 'password'; column: number } | { kind: 'column'; column: number } | { kind: 'ignored' };

/** Which attributes a caller asked for (null = the default set: all). */
type Wanted = ReadonlySet<string> | null;

const cleanedPaths = new Set<string>();

function requireAccount(objectClass: ObjectClass): void {
  if (!objectClass || !objectClass.is(ObjectClass.ACCOUNT_NAME)) {
    throw new IllegalArgumentException(
      `Operation requires ObjectClass ${ObjectClass.ACCOUNT_NAME}, received ${objectClass ? objectClass.toString() : 'null'}`,
    );
  }
}

function wantedAttributes(options: OperationOptions | null | undefined): Wanted {
  const names = options?.attributesToGet;
  return names ? new Set(names.map((n) => n.toUpperCase())) : null;
}

function isWanted(wanted: Wanted, name: string): boolean {
  return wanted === null || wanted.has(name.toUpperCase());
}

/** Parses a sync token value (Java Long; also accepted: a number or a string of digits). */
function tokenValue(token: SyncToken): bigint {
  const v = token.value;
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
  if (typeof v === 'string' && /^[0-9]{1,19}$/.test(v)) return BigInt(v);
  throw new IllegalArgumentException('Invalid sync token: expected a Long value');
}

function sameCells(a: readonly (string | null)[], b: readonly (string | null)[]): boolean {
  return a.length === b.length && a.every((v, k) => v === b[k]);
}

function passwordsEqual(given: GuardedString, stored: string): boolean {
  const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();
  return given.access((clear) => timingSafeEqual(digest(clear), digest(stored)));
}

export class CsvFileConnector implements Connector<CsvFileConfiguration> {
  private raw!: CsvFileConfiguration;
  private cfg!: ResolvedConfiguration;
  private store!: CsvFileStore;
  private snapshots!: SnapshotStore;
  private log!: ConnectorLogger;

  async init(configuration: CsvFileConfiguration, context: ConnectorContext): Promise<void> {
    this.raw = configuration;
    this.cfg = resolveConfiguration(configuration);
    this.log = context.log;
    this.store = new CsvFileStore(this.cfg.csvPath, this.cfg.layout);
    this.snapshots = new SnapshotStore(this.cfg.csvPath);
    if (!cleanedPaths.has(this.cfg.csvPath)) {
      cleanedPaths.add(this.cfg.csvPath);
      await removeStaleTempFiles(this.cfg.csvPath);
    }
  }

  async test(): Promise<void> {
    validateConfiguration(this.raw);
    await this.store.load();
  }

  async schema(): Promise<Schema> {
    const { table } = await this.store.load();
    const infos: AttributeInfo[] = [new AttributeInfo(AttributeNames.NAME, STRING, ['REQUIRED'])];
    table.header.forEach((column, k) => {
      if (k === table.uidColumn) infos.push(new AttributeInfo(AttributeNames.UID, STRING));
      else if (k === table.passwordColumn) {
        infos.push(new AttributeInfo(AttributeNames.PASSWORD, GUARDED_STRING, ['NOT_READABLE', 'NOT_RETURNED_BY_DEFAULT']));
      } else infos.push(new AttributeInfo(column, STRING));
    });
    const byOperation = new Map<ApiOperationName, readonly string[]>(SCHEMA_OPERATIONS.map((op) => [op, [ObjectClass.ACCOUNT_NAME]]));
    return new Schema([new ObjectClassInfo(ObjectClass.ACCOUNT_NAME, infos, false)], [], byOperation, new Map());
  }

  // ---- reading ----

  private toObject(table: CsvTable, row: CsvRow, wanted: Wanted): ConnectorObject {
    const attrs: Attribute[] = [];
    table.header.forEach((column, k) => {
      const v = row.cells[k];
      if (v === null || v === undefined) return;
      if (k === table.uidColumn) {
        attrs.push(new Uid(v), new Name(v));
        if (isWanted(wanted, column)) attrs.push(new Attribute(column, [v]));
      } else if (k === table.passwordColumn) {
        // As the Java connector does: the password comes back only as a GuardedString.
        if (isWanted(wanted, AttributeNames.PASSWORD)) attrs.push(new Attribute(AttributeNames.PASSWORD, [new GuardedString(v)]));
      } else if (isWanted(wanted, column)) {
        attrs.push(new Attribute(column, [v]));
      }
    });
    return new ConnectorObject(ObjectClass.ACCOUNT, attrs);
  }

  /** The values of an attribute of a row, for filters and sorting (null: not judged natively). */
  private lookup(table: CsvTable, row: CsvRow, name: string): readonly string[] | undefined | null {
    if (namesEqual(name, AttributeNames.UID) || namesEqual(name, AttributeNames.NAME)) return [row.cells[table.uidColumn]!];
    if (namesEqual(name, AttributeNames.PASSWORD)) return null;
    const k = table.column(name);
    if (k < 0 || k === table.passwordColumn) return undefined;
    const v = row.cells[k];
    return v === null || v === undefined ? undefined : [v];
  }

  async getObject(objectClass: ObjectClass, uid: Uid, options: OperationOptions): Promise<ConnectorObject | null> {
    requireAccount(objectClass);
    const { table } = await this.store.load();
    const row = table.row(uid.value);
    return row ? this.toObject(table, row, wantedAttributes(options)) : null;
  }

  async search(
    objectClass: ObjectClass,
    filter: Filter | null,
    handler: ResultsHandler,
    options: OperationOptions,
    ctx: OperationContext,
  ): Promise<SearchResult | void> {
    requireAccount(objectClass);
    if (typeof handler !== 'function') throw new IllegalArgumentException('ResultsHandler cannot be null');
    const { table } = await this.store.load();
    let rows = table.rows.filter((row) => mayMatch(filter, (name) => this.lookup(table, row, name)));

    const sortKeys = options?.sortKeys ?? [];
    if (sortKeys.length > 0) {
      const keyOf = (row: CsvRow, field: string): string | undefined => this.lookup(table, row, field)?.[0];
      rows = [...rows].sort((a, b) => {
        for (const key of sortKeys) {
          const x = keyOf(a, key.field);
          const y = keyOf(b, key.field);
          if (x === y) continue;
          // Absent values sort last whatever the direction.
          if (x === undefined) return 1;
          if (y === undefined) return -1;
          const c = x < y ? -1 : 1;
          return key.ascending ? c : -c;
        }
        return 0;
      });
    }

    const pageSize = options?.pageSize ?? 0;
    let offset = 0;
    if (pageSize > 0) {
      const cookie = options.pagedResultsCookie;
      if (cookie !== undefined) {
        const decoded = Buffer.from(cookie, 'base64').toString('utf8');
        if (!/^[0-9]{1,9}$/.test(decoded)) throw new IllegalArgumentException('PagedResultsCookie is invalid');
        offset = Number(decoded);
      } else if (options.pagedResultsOffset !== undefined && options.pagedResultsOffset > 0) {
        offset = options.pagedResultsOffset;
      }
    }
    const page = pageSize > 0 ? rows.slice(offset, offset + pageSize) : rows;
    const wanted = wantedAttributes(options);
    for (const row of page) {
      ctx?.signal?.throwIfAborted();
      if (!(await handler(this.toObject(table, row, wanted)))) break;
    }
    if (pageSize <= 0) return;
    const next = offset + pageSize;
    const cookie = next < rows.length ? Buffer.from(String(next), 'utf8').toString('base64') : null;
    return new SearchResult(cookie, 'EXACT', rows.length, Math.max(0, rows.length - next));
  }

  // ---- writing ----

  private target(table: CsvTable, name: string): Target {
    if (namesEqual(name, AttributeNames.UID) || namesEqual(name, AttributeNames.NAME)) return { kind: 'uid' };
    if (namesEqual(name, AttributeNames.PASSWORD)) {
      return table.passwordColumn >= 0 ? { kind: 'password', column: table.passwordColumn } : { kind: 'ignored' };
    }
    const k = table.column(name);
    if (k < 0) return { kind: 'ignored' };
    return k === table.uidColumn ? { kind: 'uid' } : { kind: 'column', column: k };
  }

  private ignored(attr: Attribute): void {
    this.log?.debug('Attribute has no column in the CSV file; ignored', { attribute: attr.name });
  }

  /** The new uid an attribute asks for; throws when empty. */
  private uidFrom(attr: Attribute, current: string | undefined): string {
    const v = cellValue(attr);
    if (v === null || v === '') throw new InvalidAttributeValueException(`Attribute ${attr.name} must have a non-empty value.`);
    if (current !== undefined && current !== v) {
      throw new InvalidAttributeValueException(`Conflicting values for ${this.cfg.layout.headerUid}: '${current}' and '${v}'.`);
    }
    return v;
  }

  async create(objectClass: ObjectClass, attributes: readonly Attribute[]): Promise<Uid> {
    requireAccount(objectClass);
    if (!attributes || attributes.length === 0) throw new IllegalArgumentException('Attributes may not be null or empty.');
    return this.store.change((table) => {
      const cells: (string | null)[] = table.header.map(() => null);
      let uid: string | undefined;
      for (const attr of attributes) {
        const t = this.target(table, attr.name);
        if (t.kind === 'uid') uid = this.uidFrom(attr, uid);
        else if (t.kind === 'password') cells[t.column] = cellValue(attr, true);
        else if (t.kind === 'column') cells[t.column] = cellValue(attr);
        else this.ignored(attr);
      }
      uid ??= randomUUID();
      cells[table.uidColumn] = uid;
      if (table.indexOf(uid) >= 0) throw new AlreadyExistsException(`Account ${uid} already exists.`);
      return { table: table.withRowAppended(cells), result: new Uid(uid) };
    });
  }

  async update(objectClass: ObjectClass, uid: Uid, attributes: readonly Attribute[]): Promise<Uid> {
    requireAccount(objectClass);
    return this.changeRow(uid, attributes, (attr, t, cells) => {
      if (t.kind === 'password') cells[t.column] = cellValue(attr, true);
      else if (t.kind === 'column') cells[t.column] = cellValue(attr);
    });
  }

  /** Single-valued columns: adding a value sets it, as the Java connector does. */
  async addAttributeValues(objectClass: ObjectClass, uid: Uid, attributes: readonly Attribute[]): Promise<Uid> {
    requireAccount(objectClass);
    return this.changeRow(uid, attributes, (attr, t, cells) => {
      if (t.kind === 'uid' || t.kind === 'ignored') return;
      const v = cellValue(attr, t.kind === 'password');
      if (v !== null) cells[t.column] = v;
    });
  }

  /** Single-valued columns: removing the value a column holds clears it; other values are not there to remove. */
  async removeAttributeValues(objectClass: ObjectClass, uid: Uid, attributes: readonly Attribute[]): Promise<Uid> {
    requireAccount(objectClass);
    return this.changeRow(
      uid,
      attributes,
      (attr, t, cells, table) => {
        if (t.kind === 'ignored') return;
        const values = cellValues(attr, t.kind === 'password');
        if (t.kind === 'uid') {
          if (values.includes(cells[table.uidColumn] ?? '')) {
            throw new InvalidAttributeValueException(`The ${this.cfg.layout.headerUid} value cannot be removed.`);
          }
          return;
        }
        const current = cells[t.column];
        if (current !== null && current !== undefined && values.includes(current)) cells[t.column] = null;
      },
      false,
    );
  }

  /**
   * Changes one row: `apply` edits a copy of its cells for each non-uid attribute. With `renames`, uid attributes
   * rename the row (refused when the new uid exists). Writes nothing when nothing changed.
   */
  private changeRow(
    uid: Uid,
    attributes: readonly Attribute[],
    apply: (attr: Attribute, target: Target, cells: (string | null)[], table: CsvTable) => void,
    renames = true,
  ): Promise<Uid> {
    if (!uid) throw new IllegalArgumentException('Uid may not be null');
    if (!attributes) throw new IllegalArgumentException('Attribute set may not be null');
    return this.store.change((table) => {
      const index = table.indexOf(uid.value);
      if (index < 0) throw new UnknownUidException(`Uid ${uid.value} does not exist`);
      const before = table.rows[index]!.cells;
      const cells = [...before];
      let newUid: string | undefined;
      for (const attr of attributes) {
        const t = this.target(table, attr.name);
        if (t.kind === 'ignored') this.ignored(attr);
        if (t.kind === 'uid' && renames) newUid = this.uidFrom(attr, newUid);
        else apply(attr, t, cells, table);
      }
      const finalUid = newUid ?? uid.value;
      if (finalUid !== uid.value && table.indexOf(finalUid) >= 0) {
        throw new AlreadyExistsException(`Account ${finalUid} already exists.`);
      }
      cells[table.uidColumn] = finalUid;
      const result = new Uid(finalUid);
      if (sameCells(before, cells)) return { table, result };
      return { table: table.withRowReplaced(index, cells), result };
    });
  }

  async delete(objectClass: ObjectClass, uid: Uid): Promise<void> {
    requireAccount(objectClass);
    if (!uid) throw new IllegalArgumentException('Uid cannot be null');
    await this.store.change((table) => {
      const index = table.indexOf(uid.value);
      if (index < 0) {
        throw new UnknownUidException(`Object for uid Attribute: {Name=${AttributeNames.UID}, Value=[${uid.value}]} does not exist`);
      }
      return { table: table.withRowRemoved(index), result: undefined };
    });
  }

  // ---- authentication ----

  async authenticate(objectClass: ObjectClass, username: string, password: GuardedString): Promise<Uid> {
    requireAccount(objectClass);
    if (!password) throw new InvalidPasswordException('Password cannot be null.');
    const { table } = await this.store.load();
    if (table.passwordColumn < 0) throw new ConfigurationException('Password column must be defined and exist in the CSV.');
    const row = this.findAccount(table, username);
    const stored = row.cells[table.passwordColumn];
    if (stored === null || stored === undefined || !passwordsEqual(password, stored)) {
      throw new InvalidPasswordException('Invalid username and/or password.');
    }
    return new Uid(username);
  }

  async resolveUsername(objectClass: ObjectClass, username: string): Promise<Uid> {
    requireAccount(objectClass);
    const { table } = await this.store.load();
    this.findAccount(table, username);
    return new Uid(username);
  }

  private findAccount(table: CsvTable, username: string): CsvRow {
    if (username === null || username === undefined) throw new InvalidCredentialException('Name cannot be null.');
    const row = table.row(username);
    if (!row) throw new InvalidCredentialException(`Account ${username} does not exist.`);
    return row;
  }

  // ---- sync ----

  async getLatestSyncToken(objectClass: ObjectClass): Promise<SyncToken> {
    requireAccount(objectClass);
    return this.store.mutex.run(async () => {
      const current = await this.store.load();
      const tokens = await this.snapshots.list();
      const newest = tokens[tokens.length - 1];
      if (newest !== undefined) {
        const bytes = await this.snapshots.read(newest);
        if (bytes && bytes.equals(current.bytes)) return new SyncToken(newest);
      }
      const token = await this.snapshots.create(current.bytes, tokens);
      await this.snapshots.prune(this.cfg.syncFileRetentionCount);
      return new SyncToken(token);
    });
  }

  /**
   * Compares the snapshot of `token` with the current file: deletions first (in snapshot order), then creations
   * and updates (in file order). Every delta carries the token it was computed from, so a sync that stops half
   * way is repeated from there; once all deltas were handled, the current content becomes a new snapshot whose
   * token is returned. Without a usable snapshot (no token, or one no longer retained) every row is reported as
   * CREATE_OR_UPDATE.
   */
  async sync(
    objectClass: ObjectClass,
    token: SyncToken | null,
    handler: SyncResultsHandler,
    options: OperationOptions,
    ctx: OperationContext,
  ): Promise<SyncToken> {
    requireAccount(objectClass);
    if (typeof handler !== 'function') throw new IllegalArgumentException('ResultsHandler cannot be null');
    const from = token ? tokenValue(token) : null;
    const current = await this.store.load();
    const originBytes = from !== null ? await this.snapshots.read(from) : null;
    const deltaToken = new SyncToken(from ?? 0n);
    if (originBytes && originBytes.equals(current.bytes)) return deltaToken;

    const origin = originBytes
      ? CsvTable.parse(decodeUtf8(originBytes, this.snapshots.pathOf(from!)), this.cfg.layout, this.snapshots.pathOf(from!))
      : null;
    const wanted = wantedAttributes(options);
    const deltas: Array<() => SyncDelta> = [];
    const delta = (type: SyncDeltaType, table: CsvTable, row: CsvRow) => (): SyncDelta =>
      new SyncDelta({ token: deltaToken, deltaType: type, object: this.toObject(table, row, wanted) });
    const cur = current.table;
    if (origin) {
      for (const row of origin.rows) {
        if (cur.indexOf(row.cells[origin.uidColumn]!) < 0) deltas.push(delta('DELETE', origin, row));
      }
      for (const row of cur.rows) {
        const before = origin.row(row.cells[cur.uidColumn]!);
        if (!before) deltas.push(delta('CREATE', cur, row));
        else if (!sameRecord(origin, before, cur, row)) deltas.push(delta('UPDATE', cur, row));
      }
    } else {
      for (const row of cur.rows) deltas.push(delta('CREATE_OR_UPDATE', cur, row));
    }

    for (const make of deltas) {
      ctx?.signal?.throwIfAborted();
      if (!(await handler(make()))) return deltaToken;
    }
    if (origin && deltas.length === 0) return deltaToken;
    return this.store.mutex.run(async () => {
      const next = await this.snapshots.create(current.bytes, await this.snapshots.list());
      await this.snapshots.prune(this.cfg.syncFileRetentionCount);
      return new SyncToken(next);
    });
  }
}

/** Two rows hold the same values by column name (the columns may differ in order). */
function sameRecord(ta: CsvTable, a: CsvRow, tb: CsvTable, b: CsvRow): boolean {
  const values = (t: CsvTable, r: CsvRow): Map<string, string> => {
    const m = new Map<string, string>();
    t.header.forEach((h, k) => {
      const v = r.cells[k];
      if (v !== null && v !== undefined) m.set(h, v);
    });
    return m;
  };
  const x = values(ta, a);
  const y = values(tb, b);
  if (x.size !== y.size) return false;
  for (const [k, v] of x) if (y.get(k) !== v) return false;
  return true;
}

