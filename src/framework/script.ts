/**
 * runScriptOnConnector for connectors that do not implement it (Java's ScriptOnConnectorImpl runs the script
 * with a ScriptExecutor and binds `connector`). Here JavaScript only: the text becomes the body of an async
 * function run with node:vm in a fresh context, where each script argument is a global variable and `connector`
 * is the (initialised, pooled) connector instance; the function's return value is the result.
 *
 * SECURITY: these are trusted administrator scripts (configured in IDM). node:vm is not a sandbox: a script
 * can reach the process through the objects it is given. Only expose this to trusted callers.
 */
import { runInContext, createContext } from 'node:vm';
import { ConnectorException, type ScriptContext } from '../model/index.ts';
import type { Connector, OperationContext } from '../spi/index.ts';

export const JAVASCRIPT_LANGUAGES: readonly string[] = ['JavaScript', 'ECMAScript', 'js'];

export function isScriptLanguage(language: string, languages: readonly string[] = JAVASCRIPT_LANGUAGES): boolean {
  const wanted = language.trim().toLowerCase();
  return languages.some((l) => l.toLowerCase() === wanted);
}

/** Runs the script as JavaScript; `languages` are the language names accepted (the connector definition's). */
export async function runJavaScript(
  script: ScriptContext,
  connector: Connector<never>,
  ctx: OperationContext,
  languages: readonly string[] = JAVASCRIPT_LANGUAGES,
): Promise<unknown> {
  if (!isScriptLanguage(script.language, languages)) {
    throw new ConnectorException(
      `Script language '${script.language}' is not supported for runScriptOnConnector: this connector does not run scripts itself and the server runs it only for ${languages.join(', ')}`,
    );
  }
  const globals: Record<string, unknown> = { console };
  for (const [name, value] of script.scriptArguments) globals[name] = value;
  globals.connector = connector;
  globals.signal = ctx.signal;
  const context = createContext(globals);
  let run: Promise<unknown>;
  try {
    run = runInContext(`(async () => {\n${script.text}\n})()`, context, { filename: 'runScriptOnConnector.js' }) as Promise<unknown>;
  } catch (e) {
    // A syntax error in the script text.
    throw new ConnectorException(`Script failed to compile: ${(e as Error).message ?? String(e)}`, { cause: e });
  }
  return run;
}
