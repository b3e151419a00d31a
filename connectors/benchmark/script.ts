/**
 * runScriptOnConnector of the benchmark connector. Java's TstConnector is scripted in Groovy with `connector`
 * bound to the instance (e.g. `return arg1 + ':' + connector.concat('a','b')`). Here the script text is run as
 * the body of an async JavaScript function, for the languages Groovy and JavaScript: only the subset of Groovy
 * that is also valid JavaScript works. The parameters are `connector`, `args` (all script arguments) and each
 * argument whose name is a plain identifier.
 */
import {
  ConnectorException,
  IllegalArgumentException,
  JavaThrowable,
  type ScriptContext,
} from '../../src/spi/index.ts';

const LANGUAGES = /^(groovy|javascript|js|ecmascript)$/i;

const RESERVED = new Set(
  ('break case catch class const continue debugger default delete do else enum export extends false finally for ' +
    'function if import in instanceof new null return super switch this throw true try typeof var void while with ' +
    'yield let static implements interface package private protected public await arguments eval connector args').split(' '),
);

type AsyncFn = (...args: unknown[]) => Promise<unknown>;
const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (...params: string[]) => AsyncFn;

export async function runConnectorScript(script: ScriptContext, connector: object): Promise<unknown> {
  if (!LANGUAGES.test(script.language.trim())) {
    throw new IllegalArgumentException(`Unsupported script language: ${script.language}`);
  }
  const names = [...script.scriptArguments.keys()].filter((n) => /^[A-Za-z_$][\w$]*$/.test(n) && !RESERVED.has(n));
  let fn: AsyncFn;
  try {
    fn = new AsyncFunction('connector', 'args', ...names, script.text);
  } catch (err) {
    throw new IllegalArgumentException(`Script does not compile as JavaScript: ${(err as Error).message}`);
  }
  try {
    return await fn(connector, Object.fromEntries(script.scriptArguments), ...names.map((n) => script.scriptArguments.get(n)));
  } catch (err) {
    if (err instanceof JavaThrowable) throw err;
    throw new ConnectorException(`Script failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}
