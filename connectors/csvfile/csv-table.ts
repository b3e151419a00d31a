/**
 * A CSV file as a table: the header, the rows in file order and an index by uid. Immutable: changes make a new
 * table, so a failed change never alters what is on disk or in the cache.
 */
import { ConfigurationException, ConnectorIOException } from '../../src/spi/index.ts';
import { CsvSyntaxError, formatRecord, parseCsv, type CsvDialect } from './csv-format.ts';

export interface TableLayout extends CsvDialect {
  /** Name of the uid column. */
  readonly headerUid: string;
  /** Name of the password column, or null when none is configured. */
  readonly headerPassword: string | null;
}

export interface CsvRow {
  /** One value per header column; null = absent. */
  readonly cells: readonly (string | null)[];
  /** Source text when the row is unchanged since it was read (written back as it was), else null. */
  readonly raw: string | null;
}

export class CsvTable {
  private readonly uidIndex: Map<string, number>;

  private constructor(
    readonly layout: TableLayout,
    readonly header: readonly string[],
    private readonly headerRaw: string,
    readonly rows: readonly CsvRow[],
    private readonly hasBom: boolean,
    /** Index of the uid column. */
    readonly uidColumn: number,
    /** Index of the password column, -1 when the file has none. */
    readonly passwordColumn: number,
    uidIndex?: Map<string, number>,
  ) {
    this.uidIndex = uidIndex ?? new Map(rows.map((r, k) => [r.cells[uidColumn] as string, k]));
  }

  /** Parses file text; `file` names the file in error messages. */
  static parse(text: string, layout: TableLayout, file: string): CsvTable {
    let parsed;
    try {
      parsed = parseCsv(text, layout);
    } catch (err) {
      if (err instanceof CsvSyntaxError) {
        throw new ConnectorIOException(`Malformed CSV file '${file}' at line ${err.line}: ${err.message}`);
      }
      throw err;
    }
    const [headerRecord, ...records] = parsed.records;
    if (!headerRecord) {
      throw new ConfigurationException(`File '${file}' has no header line. A file containing a csv header must exist.`);
    }
    const header: string[] = [];
    const seen = new Map<string, number>();
    headerRecord.fields.forEach((name, k) => {
      if (name === null || name === '') {
        throw new ConfigurationException(
          `Invalid empty header in column ${k + 1} at line ${headerRecord.line}. Verify the format in the file '${file}'.`,
        );
      }
      if (seen.has(name)) {
        throw new ConfigurationException(
          `Header contains duplicate columns: '${name}' (columns ${seen.get(name)! + 1} and ${k + 1} at line ${headerRecord.line} of file '${file}').`,
        );
      }
      seen.set(name, k);
      header.push(name);
    });
    const uidColumn = header.indexOf(layout.headerUid);
    if (uidColumn < 0) {
      throw new ConfigurationException(
        `CSV file does not contain required ${layout.headerUid} column (header at line ${headerRecord.line} of file '${file}').`,
      );
    }
    const passwordColumn = layout.headerPassword ? header.indexOf(layout.headerPassword) : -1;

    const rows: CsvRow[] = [];
    const uidIndex = new Map<string, number>();
    const uidLines = new Map<string, number>();
    for (const rec of records) {
      if (rec.fields.length !== header.length) {
        throw new ConnectorIOException(
          `Malformed CSV file '${file}' at line ${rec.line}: expected ${header.length} fields as in the header but found ${rec.fields.length}.`,
        );
      }
      const uid = rec.fields[uidColumn];
      if (uid === null || uid === '' || uid === undefined) {
        throw new ConnectorIOException(`Malformed CSV file '${file}' at line ${rec.line}: the ${layout.headerUid} column is empty.`);
      }
      const first = uidLines.get(uid);
      if (first !== undefined) {
        throw new ConnectorIOException(
          `Malformed CSV file '${file}' at line ${rec.line}: duplicate ${layout.headerUid} '${uid}' (first at line ${first}).`,
        );
      }
      uidLines.set(uid, rec.line);
      uidIndex.set(uid, rows.length);
      rows.push({ cells: rec.fields, raw: rec.raw });
    }
    return new CsvTable(layout, header, headerRecord.raw, rows, parsed.hasBom, uidColumn, passwordColumn, uidIndex);
  }

  get size(): number {
    return this.rows.length;
  }

  /** Row position of a uid, or -1. */
  indexOf(uid: string): number {
    return this.uidIndex.get(uid) ?? -1;
  }

  row(uid: string): CsvRow | undefined {
    const k = this.uidIndex.get(uid);
    return k === undefined ? undefined : this.rows[k];
  }

  /** Column of an attribute name: exact match first, else the only case-insensitive match; -1 when none. */
  column(name: string): number {
    const exact = this.header.indexOf(name);
    if (exact >= 0) return exact;
    const up = name.toUpperCase();
    const matches = this.header.flatMap((h, k) => (h.toUpperCase() === up ? [k] : []));
    return matches.length === 1 ? matches[0]! : -1;
  }

  withRowAppended(cells: readonly (string | null)[]): CsvTable {
    return this.withRows([...this.rows, { cells, raw: null }]);
  }

  withRowReplaced(index: number, cells: readonly (string | null)[]): CsvTable {
    const rows = [...this.rows];
    rows[index] = { cells, raw: null };
    return this.withRows(rows);
  }

  withRowRemoved(index: number): CsvTable {
    return this.withRows(this.rows.filter((_, k) => k !== index));
  }

  private withRows(rows: CsvRow[]): CsvTable {
    const table = new CsvTable(this.layout, this.header, this.headerRaw, rows, this.hasBom, this.uidColumn, this.passwordColumn);
    if (table.uidIndex.size !== rows.length) throw new Error('internal error: duplicate uid in table');
    return table;
  }

  /** The file text: unchanged rows as they were read, changed rows always quoted, each ended by the newline. */
  serialize(): string {
    const nl = this.layout.newline;
    let out = (this.hasBom ? '\uFEFF' : '') + this.headerRaw + nl;
    for (const r of this.rows) out += (r.raw ?? formatRecord(r.cells, this.layout)) + nl;
    return out;
  }
}
