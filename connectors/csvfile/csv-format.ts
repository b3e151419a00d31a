/**
 * CSV text format: a tolerant reader and an always-quoting writer.
 *
 * Reading: records end at \n, \r\n or \r outside quotes; blank lines are skipped; a field may be quoted with the
 * quote character (a doubled quote stands for one quote, delimiters and line breaks inside are data); blanks
 * around a quoted field are ignored. Values are trimmed as Java's String.trim does. An empty unquoted field is
 * an absent value (null); a quoted empty field is the empty string.
 * Writing: every present value is quoted (quotes doubled), an absent value is written as nothing.
 */

export interface CsvDialect {
  /** One character. */
  readonly quote: string;
  /** One character, different from the quote. */
  readonly delimiter: string;
  /** Written after every record. */
  readonly newline: string;
}

export interface ParsedRecord {
  /** Field values; null for an empty unquoted field. */
  readonly fields: readonly (string | null)[];
  /** The record's source text, without its line terminator. */
  readonly raw: string;
  /** 1-based physical line where the record starts. */
  readonly line: number;
}

export interface ParsedCsv {
  readonly hasBom: boolean;
  readonly records: readonly ParsedRecord[];
}

export class CsvSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = 'CsvSyntaxError';
  }
}

/** Java's String.trim: strips code units <= U+0020 at both ends. */
export function javaTrim(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && s.charCodeAt(start) <= 0x20) start++;
  while (end > start && s.charCodeAt(end - 1) <= 0x20) end--;
  return start === 0 && end === s.length ? s : s.slice(start, end);
}

export function parseCsv(text: string, dialect: CsvDialect): ParsedCsv {
  const { quote, delimiter } = dialect;
  const n = text.length;
  const hasBom = text.charCodeAt(0) === 0xfeff;
  const isBlank = (c: string | undefined): boolean => (c === ' ' || c === '\t') && c !== delimiter;
  const records: ParsedRecord[] = [];
  let i = hasBom ? 1 : 0;
  let line = 1;

  while (i < n) {
    const recordStart = i;
    const recordLine = line;
    const fields: (string | null)[] = [];
    let recordEnd = -1;

    for (;;) {
      let j = i;
      while (j < n && isBlank(text[j])) j++;
      if (j < n && text[j] === quote) {
        const quoteLine = line;
        let value = '';
        let segment = ++j;
        let closed = false;
        while (j < n) {
          const c = text[j];
          if (c === quote) {
            if (text[j + 1] === quote) {
              value += text.slice(segment, j + 1);
              j += 2;
              segment = j;
              continue;
            }
            value += text.slice(segment, j);
            j++;
            closed = true;
            break;
          }
          if (c === '\n' || (c === '\r' && text[j + 1] !== '\n')) line++;
          j++;
        }
        if (!closed) throw new CsvSyntaxError('unterminated quoted field', quoteLine);
        while (j < n && isBlank(text[j])) j++;
        fields.push(javaTrim(value));
        i = j;
      } else {
        let k = i;
        while (k < n) {
          const c = text[k];
          if (c === delimiter || c === '\n' || c === '\r') break;
          k++;
        }
        const v = javaTrim(text.slice(i, k));
        fields.push(v === '' ? null : v);
        i = k;
      }

      if (i >= n) {
        recordEnd = n;
        break;
      }
      const c = text[i];
      if (c === delimiter) {
        i++;
        continue;
      }
      if (c === '\n' || c === '\r') {
        recordEnd = i;
        i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
        line++;
        break;
      }
      throw new CsvSyntaxError(`unexpected character '${c}' after a closing quote`, line);
    }

    // A line holding nothing but blanks is not a record.
    if (fields.length === 1 && fields[0] === null) continue;
    records.push({ fields, raw: text.slice(recordStart, recordEnd), line: recordLine });
  }
  return { hasBom, records };
}

/** One record in the written form (no terminator). */
export function formatRecord(fields: readonly (string | null)[], dialect: CsvDialect): string {
  const { quote, delimiter } = dialect;
  const doubled = quote + quote;
  let out = '';
  for (let k = 0; k < fields.length; k++) {
    if (k > 0) out += delimiter;
    const f = fields[k];
    if (f !== null && f !== undefined) out += quote + f.split(quote).join(doubled) + quote;
  }
  return out;
}
