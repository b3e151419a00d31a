/**
 * runScriptOnConnector for tests: the script text is the body of an async JavaScript function whose parameters
 * are `connector` (the connector instance), `args` (every script argument) and each argument whose name is a
 * plain identifier.
 */
import {
  ConnectorException,
  IllegalArgumentException,
  JavaThrowable,
  type ScriptContext,
} from '../../src/spi/index.ts';

const RESERVED = new Set(
  ('break case catch class const continue debugger default delete do else enum export extends false finally for ' +
    'function if import in instanceof new null return super switch this throw true try typeof var void while with ' +
    'yield let static implements interface package private protected public await arguments eval connector args').split(' '),
);

type AsyncFn = (...args: unknown[]) => Promise<unknown>;
const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (...params: string[]) => AsyncFn;

export async function runJavaScript(script: ScriptContext, connector: object): Promise<unknown> {
  if (!/^(javascript|js|ecmascript)$/i.test(script.language)) {
    throw new IllegalArgumentException(`Unsupported script language: ${script.language}`);
  }
  const names = [...script.scriptArguments.keys()].filter((n) => /^[A-Za-z_$][\w$]*$/.test(n) && !RESERVED.has(n));
  let fn: AsyncFn;
  try {
    fn = new AsyncFunction('connector', 'args', ...names, script.text);
  } catch (err) {
    throw new IllegalArgumentException(`Script does not compile: ${(err as Error).message}`);
  }
  const args = Object.fromEntries(script.scriptArguments);
  try {
    return await fn(connector, args, ...names.map((n) => script.scriptArguments.get(n)));
  } catch (err) {
    if (err instanceof JavaThrowable) throw err;
    throw new ConnectorException(`Script failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}
