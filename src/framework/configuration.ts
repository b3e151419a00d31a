/**
 * From an APIConfiguration (decoded from the facade key) to the configuration object a connector receives,
 * like Java's JavaClassProperties.mergeIntoBean: every property is applied by name with a type check, converted
 * to its JS form (see property-types.ts); properties the caller did not send keep the definition's default.
 */
import {
  ConfigurationException,
  GuardedByteArray,
  GuardedString,
  JavaThrowable,
  type ConfigurationProperties,
} from '../model/index.ts';
import type { ConnectorDefinition } from '../spi/index.ts';
import { isPrimitive, javaZeroValue, PropertyTypeMismatch, propertyTypeInfo, wireToJs } from './property-types.ts';

type AnyDefinition = ConnectorDefinition<never>;

/** The JS default of a property: the definition's default, else Java's zero value for primitives, else null. */
function jsDefault(definition: AnyDefinition, name: string): unknown {
  const p = definition.configuration.find((c) => c.name === name)!;
  const t = propertyTypeInfo(p.type);
  if (p.default !== undefined) {
    if (Array.isArray(p.default)) return [...(p.default as unknown[])];
    return p.default;
  }
  return isPrimitive(t) ? wireToJs(t, javaZeroValue(t)) : null;
}

/**
 * Builds the connector configuration object. Throws ConfigurationException for an unknown property name or a
 * value whose Java type does not fit the declared type (naming the property, expected and actual type).
 */
export function buildConfiguration(
  definition: AnyDefinition,
  properties: ConfigurationProperties,
): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  for (const p of definition.configuration) config[p.name] = jsDefault(definition, p.name);
  for (const prop of properties.properties) {
    const decl = definition.configuration.find((c) => c.name === prop.name);
    if (!decl) {
      throw new ConfigurationException(
        `Connector '${definition.name}' does not have a configuration property '${prop.name}'.`,
      );
    }
    try {
      config[prop.name] = wireToJs(propertyTypeInfo(decl.type), prop.value);
    } catch (e) {
      if (e instanceof PropertyTypeMismatch) {
        throw new ConfigurationException(
          `For property '${prop.name}' expected type '${decl.type}' actual type '${e.actual}'.`,
        );
      }
      throw e;
    }
  }
  return config;
}

function isEmptyValue(v: unknown): boolean {
  if (v === null || v === undefined) return true;
  if (typeof v === 'string') return v.trim() === '';
  if (Array.isArray(v)) return v.length === 0;
  if (v instanceof GuardedString) return v.access((s) => s.length === 0);
  if (v instanceof GuardedByteArray) return v.access((b) => b.length === 0);
  return false;
}

/**
 * Validates a built configuration: required properties present and non-empty, then the definition's own
 * validate(). Plain errors from validate() become ConfigurationException; typed ones pass through.
 */
export function validateConfiguration(definition: AnyDefinition, config: Record<string, unknown>): void {
  for (const p of definition.configuration) {
    if (p.required && isEmptyValue(config[p.name])) {
      throw new ConfigurationException(`The configuration property '${p.name}' is required but has no value.`);
    }
  }
  if (!definition.validate) return;
  try {
    (definition.validate as (c: Record<string, unknown>) => void)(config);
  } catch (e) {
    if (e instanceof JavaThrowable) throw e;
    throw new ConfigurationException(e instanceof Error ? e.message : String(e), { cause: e });
  }
}
