/** The memory connector's schema: its object classes with operation option infos and per-operation support. */
import {
  AttributeInfo,
  JavaClass,
  JavaClasses,
  ObjectClassInfo,
  OperationOptionInfo,
  OptionNames,
  Schema,
  type ApiOperationName,
} from '../../src/spi/index.ts';
import type { ObjectClassDefinition } from './fixture.ts';
import { FAULT_OPTION_DELAY, FAULT_OPTION_FAIL, FAULT_OPTION_MESSAGE } from './faults.ts';

const FAULT_OPTIONS = [FAULT_OPTION_DELAY, FAULT_OPTION_FAIL, FAULT_OPTION_MESSAGE];
const SEARCH_OPTIONS = [
  OptionNames.ATTRS_TO_GET,
  OptionNames.PAGE_SIZE,
  OptionNames.PAGED_RESULTS_COOKIE,
  OptionNames.PAGED_RESULTS_OFFSET,
  OptionNames.SORT_KEYS,
];

const OPTION_INFOS: readonly OperationOptionInfo[] = [
  new OperationOptionInfo(OptionNames.ATTRS_TO_GET, JavaClasses.StringArray),
  new OperationOptionInfo(OptionNames.PAGE_SIZE, JavaClasses.Integer),
  new OperationOptionInfo(OptionNames.PAGED_RESULTS_COOKIE, JavaClasses.String),
  new OperationOptionInfo(OptionNames.PAGED_RESULTS_OFFSET, JavaClasses.Integer),
  new OperationOptionInfo(OptionNames.SORT_KEYS, JavaClass.arrayOf(JavaClass.of('SortKey'))),
  new OperationOptionInfo(FAULT_OPTION_DELAY, JavaClasses.Integer),
  new OperationOptionInfo(FAULT_OPTION_FAIL, JavaClasses.String),
  new OperationOptionInfo(FAULT_OPTION_MESSAGE, JavaClasses.String),
];

const READ_OPERATIONS: readonly ApiOperationName[] = ['GetApiOp', 'SearchApiOp', 'SyncApiOp', 'AuthenticationApiOp', 'ResolveUsernameApiOp'];
const WRITE_OPERATIONS: readonly ApiOperationName[] = ['CreateApiOp', 'UpdateApiOp', 'DeleteApiOp'];

export function buildSchema(definitions: readonly ObjectClassDefinition[], readOnly: boolean): Schema {
  const infos = definitions.map(
    (d) => new ObjectClassInfo(d.type, d.attributes.map((a) => new AttributeInfo(a.name, a.type, a.flags)), d.container),
  );
  const types = definitions.map((d) => d.type);
  const byOperation = new Map<ApiOperationName, readonly string[]>();
  const optionsByOperation = new Map<ApiOperationName, readonly string[]>();
  for (const op of [...(readOnly ? [] : WRITE_OPERATIONS), ...READ_OPERATIONS]) byOperation.set(op, types);
  for (const op of [...byOperation.keys(), 'SchemaApiOp', 'TestApiOp'] as ApiOperationName[]) {
    const extra = op === 'SearchApiOp' ? SEARCH_OPTIONS : op === 'GetApiOp' || op === 'SyncApiOp' ? [OptionNames.ATTRS_TO_GET] : [];
    optionsByOperation.set(op, [...extra, ...FAULT_OPTIONS]);
  }
  return new Schema(infos, OPTION_INFOS, byOperation, optionsByOperation);
}
