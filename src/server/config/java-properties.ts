/**
 * Java `.properties` files with java.util.Properties semantics, plus an editor that changes one property while
 * keeping every other byte of the file as it was.
 *
 * Reading: lines end with \n, \r or \r\n; a line whose first non-blank character is `#` or `!` is a comment; a
 * line ending in an odd number of backslashes continues on the next one, whose leading blanks are dropped; the key
 * ends at the first unescaped `=`, `:` or blank, and blanks plus one `=`/`:` separate it from the value; escapes
 * are \t \n \r \f \uXXXX, and a backslash before any other character stands for that character.
 */

/** Raised for text Java would refuse to load (a malformed \uXXXX escape). */
export class PropertiesSyntaxError extends Error {
  /** 1-based line on which the offending logical line starts. */
  readonly line: number;
  constructor(message: string, line: number) {
    super(`line ${line}: ${message}`);
    this.name = 'PropertiesSyntaxError';
    this.line = line;
  }
}

/** One key/value pair as it appears in the text (duplicates are kept, in order). */
export interface PropertyEntry {
  key: string;
  value: string;
  /** 1-based line on which the entry starts. */
  line: number;
}

/** Where an entry sits in the text, for the editor. Offsets index the original string. */
interface LocatedEntry extends PropertyEntry {
  /** Offset of the first character of the value (or of the end of the entry when the value is empty). */
  valueStart: number;
  /** Offset just past the last character of the entry, before its line terminator. */
  end: number;
  /** The line holds a key and nothing after it, not even a separator. */
  bare: boolean;
}

const BLANK = new Set([' ', '\t', '\f']);

/** Leading blanks Java skips; a byte-order mark at the very start counts as one. */
function isLeadingBlank(text: string, offset: number): boolean {
  const c = text[offset];
  return c !== undefined && (BLANK.has(c) || (offset === 0 && c === '\uFEFF'));
}

interface PhysicalLine {
  start: number;
  /** Offset just past the content, before the terminator. */
  end: number;
  number: number;
}

function splitLines(text: string): PhysicalLine[] {
  const lines: PhysicalLine[] = [];
  let start = 0;
  let number = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n' || c === '\r') {
      lines.push({ start, end: i, number: number++ });
      if (c === '\r' && text[i + 1] === '\n') i++;
      start = i + 1;
    }
  }
  if (start < text.length) lines.push({ start, end: text.length, number });
  return lines;
}

/** Number of consecutive backslashes ending at `end` (exclusive), not reaching before `from`. */
function trailingBackslashes(text: string, from: number, end: number): number {
  let n = 0;
  while (end - n - 1 >= from && text[end - n - 1] === '\\') n++;
  return n;
}

function decodeEscapes(raw: string, line: number): string {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = raw[++i];
    if (next === undefined) break; // a lone trailing backslash is dropped, as Java does at end of input
    switch (next) {
      case 't': out += '\t'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 'f': out += '\f'; break;
      case 'u': {
        const hex = raw.slice(i + 1, i + 5);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new PropertiesSyntaxError('malformed \\uXXXX escape', line);
        out += String.fromCharCode(parseInt(hex, 16));
        i += 4;
        break;
      }
      default: out += next;
    }
  }
  return out;
}

/** Walk the text logical line by logical line, keeping a map from logical characters back to text offsets. */
function locateEntries(text: string): LocatedEntry[] {
  const entries: LocatedEntry[] = [];
  const lines = splitLines(text);
  for (let li = 0; li < lines.length; li++) {
    const first = lines[li];
    let pos = first.start;
    while (pos < first.end && isLeadingBlank(text, pos)) pos++;
    if (pos === first.end) continue; // blank line
    if (text[pos] === '#' || text[pos] === '!') continue; // comments never continue
    // A lone backslash continues nothing: Java reads the next line as the start of a new one, except at the
    // very end of the input (no terminator, or a one-character one) where it makes an entry with an empty key.
    if (text[pos] === '\\' && pos + 1 === first.end) {
      const terminator = text.startsWith('\r\n', first.end) ? 2 : first.end < text.length ? 1 : 0;
      const endsInput = terminator === 0 || (terminator === 1 && first.end + 1 === text.length);
      if (!endsInput) continue;
    }

    // Join continuation lines into one logical string, remembering where each character came from.
    let logical = '';
    const origin: number[] = [];
    let segStart = pos;
    let segEnd = first.end;
    let end = first.end;
    for (;;) {
      const backslashes = trailingBackslashes(text, segStart, segEnd);
      const continues = backslashes % 2 === 1;
      const contentEnd = continues ? segEnd - 1 : segEnd;
      for (let i = segStart; i < contentEnd; i++) {
        logical += text[i];
        origin.push(i);
      }
      end = segEnd;
      if (!continues || li + 1 >= lines.length) break;
      const next = lines[++li];
      segStart = next.start;
      while (segStart < next.end && isLeadingBlank(text, segStart)) segStart++;
      segEnd = next.end;
      end = next.end;
      if (segStart === segEnd) break; // an empty continuation line ends the entry
    }

    // Split key and value the way java.util.Properties does.
    let keyEnd = 0;
    let valueIndex = logical.length;
    let hasSeparator = false;
    let escaped = false;
    for (; keyEnd < logical.length; keyEnd++) {
      const c = logical[keyEnd];
      if (!escaped && (c === '=' || c === ':')) {
        valueIndex = keyEnd + 1;
        hasSeparator = true;
        break;
      }
      if (!escaped && BLANK.has(c)) {
        valueIndex = keyEnd + 1;
        break;
      }
      escaped = c === '\\' ? !escaped : false;
    }
    while (valueIndex < logical.length) {
      const c = logical[valueIndex];
      if (!BLANK.has(c)) {
        if (!hasSeparator && (c === '=' || c === ':')) hasSeparator = true;
        else break;
      }
      valueIndex++;
    }
    entries.push({
      key: decodeEscapes(logical.slice(0, keyEnd), first.number),
      value: decodeEscapes(logical.slice(valueIndex), first.number),
      line: first.number,
      // An empty value is written right after what was read of the line, dropping any continuation after it.
      valueStart: valueIndex < origin.length ? origin[valueIndex] : valueIndex > 0 ? origin[valueIndex - 1] + 1 : pos,
      end,
      bare: keyEnd >= logical.length,
    });
  }
  return entries;
}

/** Every entry of the text in order, duplicates included. */
export function parsePropertyEntries(text: string): PropertyEntry[] {
  return locateEntries(text).map(({ key, value, line }) => ({ key, value, line }));
}

/** The properties of the text; a key given twice keeps its last value, as in Java. */
export function parseProperties(text: string): Map<string, string> {
  const result = new Map<string, string>();
  for (const { key, value } of locateEntries(text)) result.set(key, value);
  return result;
}

/** The encoding a file was read with, so that it can be written back unchanged. */
export type PropertiesEncoding = 'utf8' | 'latin1';

/** Decode a file as UTF-8, falling back to ISO-8859-1 when it is not valid UTF-8 (what modern Java does). */
export function decodePropertiesBytes(bytes: Uint8Array): { text: string; encoding: PropertiesEncoding } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes), encoding: 'utf8' };
  } catch {
    return { text: Buffer.from(bytes).toString('latin1'), encoding: 'latin1' };
  }
}

/** Encode text for writing back in the encoding it was read with. */
export function encodePropertiesText(text: string, encoding: PropertiesEncoding): Buffer {
  return Buffer.from(text, encoding);
}

function escape(text: string, isKey: boolean): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const code = c.charCodeAt(0);
    switch (c) {
      case ' ': out += isKey || i === 0 ? '\\ ' : ' '; break;
      case '\t': out += '\\t'; break;
      case '\n': out += '\\n'; break;
      case '\r': out += '\\r'; break;
      case '\f': out += '\\f'; break;
      case '\\': case '=': case ':': case '#': case '!': out += '\\' + c; break;
      default:
        // Non-ASCII as \uXXXX keeps the file valid whether it is read as UTF-8 or ISO-8859-1.
        out += code < 0x20 || code > 0x7e ? '\\u' + code.toString(16).toUpperCase().padStart(4, '0') : c;
    }
  }
  return out;
}

/** Escape a key as java.util.Properties.store writes it. */
export function escapePropertyKey(key: string): string {
  return escape(key, true);
}

/** Escape a value as java.util.Properties.store writes it (`=` becomes `\=`, a leading blank `\ `...). */
export function escapePropertyValue(value: string): string {
  return escape(value, false);
}

/** Whether `edited` reads as `original` with `key` set to `value` (and nothing else changed). */
function editIsExact(original: string, edited: string, key: string, value: string): boolean {
  const expected = parseProperties(original);
  expected.set(key, value);
  const actual = parseProperties(edited);
  if (actual.size !== expected.size) return false;
  for (const [k, v] of expected) if (actual.get(k) !== v) return false;
  return true;
}

/**
 * Set one property in the text of a properties file and return the new text. The last entry for the key (the
 * one Java uses) keeps its indentation, key spelling and separator and gets the new value; when the key is
 * absent, `key=value` is appended. Every other character of the text is left as it was. Throws a
 * PropertiesSyntaxError when the text cannot be read, or an Error in the (contrived) cases where no edit
 * reads back exactly.
 */
export function setProperty(text: string, key: string, value: string): string {
  const escapedValue = escapePropertyValue(value);
  const existing = locateEntries(text).filter((entry) => entry.key === key).at(-1);
  const candidates: string[] = [];
  if (existing) {
    // A key followed by nothing at all needs a separator before the new value.
    const separator = existing.bare ? '=' : '';
    candidates.push(text.slice(0, existing.valueStart) + separator + escapedValue + text.slice(existing.end));
  } else {
    const newline = /\r\n/.test(text) ? '\r\n' : /\r/.test(text) && !/\n/.test(text) ? '\r' : '\n';
    const line = escapePropertyKey(key) + '=' + escapedValue + newline;
    const base = text.length === 0 || /[\r\n]$/.test(text) ? text : text + newline;
    // When the text ends inside a continued line, a blank line first ends it.
    candidates.push(base + line, base + newline + line);
  }
  const exact = candidates.find((candidate) => editIsExact(text, candidate, key, value));
  if (exact === undefined) throw new Error(`cannot set ${key} without changing other properties of this file`);
  return exact;
}
