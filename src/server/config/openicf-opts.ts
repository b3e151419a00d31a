/**
 * The OPENICF_OPTS environment variable: JVM-style options, of which `-Dconnectorserver.<name>=<value>` entries
 * override the properties file. Words are split like a POSIX shell does (single quotes, double quotes, backslash),
 * so `-Dconnectorserver.bundleDir="/opt/my connectors"` works; every other option is ignored.
 */

/** Raised for an OPENICF_OPTS value that cannot be split into words (an unclosed quote). */
export class OpenIcfOptsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OpenIcfOptsError';
  }
}

/** Split a command-line string into words the way `sh` would (no expansions). */
export function splitShellWords(input: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < input.length; i++) {
    const c = input[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      continue;
    }
    inWord = true;
    if (c === "'") {
      const close = input.indexOf("'", i + 1);
      if (close < 0) throw new OpenIcfOptsError('OPENICF_OPTS has an unclosed single quote');
      word += input.slice(i + 1, close);
      i = close;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < input.length && input[j] !== '"'; j++) {
        // Inside double quotes a backslash only escapes ", \, $ and `.
        if (input[j] === '\\' && j + 1 < input.length && '"\\$`'.includes(input[j + 1])) j++;
        word += input[j];
      }
      if (j >= input.length) throw new OpenIcfOptsError('OPENICF_OPTS has an unclosed double quote');
      i = j;
    } else if (c === '\\') {
      if (i + 1 < input.length) word += input[++i];
    } else {
      word += c;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/** The `-Dconnectorserver.*` system properties of an OPENICF_OPTS string, later entries winning. */
export function parseOpenIcfOpts(input: string | undefined): Map<string, string> {
  const result = new Map<string, string>();
  if (!input) return result;
  for (const word of splitShellWords(input)) {
    if (!word.startsWith('-Dconnectorserver.')) continue;
    const definition = word.slice(2);
    const eq = definition.indexOf('=');
    // `-Dname` without a value defines the property as empty, as the JVM does.
    if (eq < 0) result.set(definition, '');
    else result.set(definition.slice(0, eq), definition.slice(eq + 1));
  }
  return result;
}
