/** Connector objects, schema, options, sync and batch types (Java's CommonObjectHandlers, after the exceptions). */
import {
  ATTRIBUTE_INFO_FLAGS,
  Attribute,
  AttributeInfo,
  BatchEmptyResult,
  BatchResult,
  BatchToken,
  ConnectorObject,
  CreateBatchTask,
  DeleteBatchTask,
  JavaClass,
  JavaEnum,
  Name,
  ObjectClass,
  ObjectClassInfo,
  OperationOptionInfo,
  OperationOptions,
  QualifiedUid,
  SYNC_DELTA_TYPES,
  Schema,
  Script,
  ScriptContext,
  SearchResult,
  SortKey,
  SyncDelta,
  SyncToken,
  Uid,
  UpdateBatchTask,
  buildAttribute,
  isApiOperationName,
} from '../../../model/index.ts';
import type {
  ApiOperationName,
  AttributeInfoFlag,
  CountPolicy,
  JavaEnumType,
  SyncDeltaType,
  UpdateBatchType,
} from '../../../model/index.ts';
import { defineHandler, type FieldReader, type TypeHandler } from '../handler.ts';
import { build, elementsOf, expectInstance, invalid, wrongField } from './util.ts';

export const COUNT_POLICIES: readonly CountPolicy[] = ['NONE', 'ESTIMATE', 'EXACT'];
const UPDATE_TYPES: readonly UpdateBatchType[] = ['UPDATE', 'ADDVALUES', 'REMOVEVALUES'];

const ENUM_CONSTANTS: Readonly<Record<JavaEnumType, readonly string[]>> = {
  AttributeInfoFlag: ATTRIBUTE_INFO_FLAGS,
  CountPolicy: COUNT_POLICIES,
  SyncDeltaType: SYNC_DELTA_TYPES,
};

/** Java's EnumSerializationHandler: one string field "value" holding the constant name. */
function enumHandler(type: JavaEnumType): TypeHandler {
  return defineHandler(
    type,
    { value: 'string' },
    null,
    (o, v) => o.string('value', (v as JavaEnum).value),
    (i) => {
      const value = i.string('value', null);
      if (value === null || !ENUM_CONSTANTS[type].includes(value)) {
        throw invalid(type, value === null ? 'missing constant name' : `no enum constant ${JSON.stringify(value)}`);
      }
      return new JavaEnum(type, value);
    },
  );
}

function enumValue<T extends string>(v: unknown, type: JavaEnumType, i: FieldReader, field: string, nullable: boolean): T | null {
  if (v === null && nullable) return null;
  if (v instanceof JavaEnum && v.enumType === type) return v.value as T;
  throw wrongField(i.typeName, field, `a ${type}`);
}

function attributesOf(v: unknown, i: FieldReader, field: string): Attribute[] | null {
  const items = elementsOf(v, i.typeName, field);
  if (items === null) return null;
  return items.map((a) => {
    if (!(a instanceof Attribute)) throw wrongField(i.typeName, field, 'Attribute elements');
    return a;
  });
}

function typed<T>(v: unknown, ctor: abstract new (...args: never[]) => T, i: FieldReader, field: string): T[] {
  const items = elementsOf(v, i.typeName, field);
  if (items === null) throw wrongField(i.typeName, field, 'a Set');
  return items.map((e) => expectInstance(e, ctor, i.typeName, field, false)!);
}

function objectClassOf(i: FieldReader, nullable: boolean): ObjectClass | null {
  return expectInstance(i.object('ObjectClass', null), ObjectClass, i.typeName, 'ObjectClass', nullable);
}
function uidOf(i: FieldReader, field: string, nullable: boolean): Uid | null {
  return expectInstance(i.object(field, null), Uid, i.typeName, field, nullable);
}
function optionsOf(i: FieldReader): OperationOptions | null {
  return expectInstance(i.object('Options', null), OperationOptions, i.typeName, 'Options', true);
}

/** Schema's per-operation map: Class(op) → Set of names; unknown names are dropped as Java does. */
function namesByOperation(v: unknown, i: FieldReader, field: string, known: ReadonlySet<string>): Map<ApiOperationName, string[]> {
  if (!(v instanceof Map)) throw wrongField(i.typeName, field, 'a Map');
  const out = new Map<ApiOperationName, string[]>();
  for (const [k, names] of v) {
    if (!(k instanceof JavaClass)) throw wrongField(i.typeName, field, 'Class keys');
    const list = elementsOf(names, i.typeName, field) ?? [];
    if (isApiOperationName(k.name)) out.set(k.name, list.filter((n): n is string => typeof n === 'string' && known.has(n)));
  }
  return out;
}

function operationMap(m: ReadonlyMap<ApiOperationName, readonly string[]>): Map<JavaClass, Set<string>> {
  const out = new Map<JavaClass, Set<string>>();
  for (const [op, names] of m) out.set(JavaClass.of(op), new Set(names));
  return out;
}

export const COMMON_HANDLERS: readonly TypeHandler[] = [
  defineHandler(
    'Attribute',
    { name: 'string', Values: 'object' },
    null,
    (o, v) => {
      const a = v as Attribute;
      o.string('name', a.name);
      o.object('Values', a.values === null ? null : a.values);
    },
    (i) => {
      const name = i.string('name', null);
      const values = i.object('Values', null);
      if (values !== null && !Array.isArray(values)) throw wrongField(i.typeName, 'Values', 'a List');
      return build(i.typeName, () => buildAttribute(name as string, values as unknown[] | null));
    },
  ),
  enumHandler('AttributeInfoFlag'),
  defineHandler(
    'AttributeInfo',
    { name: 'string', type: 'class' },
    'object',
    (o, v) => {
      const a = v as AttributeInfo;
      o.string('name', a.name);
      o.classField('type', a.type);
      for (const f of a.flags) o.anonObject(new JavaEnum('AttributeInfoFlag', f));
    },
    (i) => {
      const flags: AttributeInfoFlag[] = [];
      for (let n = 0; n < i.anonCount; n++) {
        const f = i.anonObject(n);
        // Java keeps only AttributeInfo.Flags and ignores anything else.
        if (f instanceof JavaEnum && f.enumType === 'AttributeInfoFlag') flags.push(f.value as AttributeInfoFlag);
      }
      const name = i.string('name', null);
      if (name === null || name.trim() === '') throw invalid(i.typeName, 'name must not be blank');
      return new AttributeInfo(name, i.classField('type', null) ?? undefined, flags);
    },
  ),
  defineHandler(
    'ConnectorObject',
    { ObjectClass: 'object', Attributes: 'object' },
    null,
    (o, v) => {
      const c = v as ConnectorObject;
      o.object('ObjectClass', c.objectClass);
      o.object('Attributes', new Set(c.attributes));
    },
    (i) => {
      const oc = objectClassOf(i, false)!;
      const attrs = attributesOf(i.object('Attributes', null), i, 'Attributes') ?? [];
      return build(i.typeName, () => new ConnectorObject(oc, attrs));
    },
  ),
  defineHandler(
    'Name',
    {},
    'string',
    (o, v) => o.anonString((v as Name).value),
    (i) => {
      const s = i.anonString();
      return build(i.typeName, () => new Name(s));
    },
  ),
  defineHandler(
    'ObjectClass',
    { type: 'string' },
    null,
    (o, v) => o.string('type', (v as ObjectClass).type),
    (i) => {
      const type = i.string('type', null);
      if (type === null) throw invalid(i.typeName, 'type cannot be null');
      return new ObjectClass(type);
    },
  ),
  defineHandler(
    'ObjectClassInfo',
    { type: 'string', container: 'boolean', AttributeInfos: 'object' },
    null,
    (o, v) => {
      const c = v as ObjectClassInfo;
      o.string('type', c.type);
      o.bool('container', c.container);
      o.object('AttributeInfos', new Set(c.attributeInfos));
    },
    (i) => {
      const type = i.string('type', null);
      if (type === null) throw invalid(i.typeName, 'type cannot be null');
      const infos = typed(i.object('AttributeInfos', null), AttributeInfo, i, 'AttributeInfos');
      return new ObjectClassInfo(type, infos, i.bool('container', false));
    },
  ),
  defineHandler(
    'Schema',
    { ObjectClassInfos: 'object', OperationOptionInfos: 'object', objectClassesByOperation: 'object', optionsByOperation: 'object' },
    null,
    (o, v) => {
      const s = v as Schema;
      o.object('ObjectClassInfos', new Set(s.objectClassInfos));
      o.object('OperationOptionInfos', new Set(s.operationOptionInfos));
      o.object('objectClassesByOperation', operationMap(s.objectClassesByOperation));
      o.object('optionsByOperation', operationMap(s.optionsByOperation));
    },
    (i) => {
      const classes = typed(i.object('ObjectClassInfos', null), ObjectClassInfo, i, 'ObjectClassInfos');
      const options = typed(i.object('OperationOptionInfos', null), OperationOptionInfo, i, 'OperationOptionInfos');
      const byOp = namesByOperation(i.object('objectClassesByOperation', null), i, 'objectClassesByOperation', new Set(classes.map((c) => c.type)));
      const optByOp = namesByOperation(i.object('optionsByOperation', null), i, 'optionsByOperation', new Set(options.map((c) => c.name)));
      return new Schema(classes, options, byOp, optByOp);
    },
  ),
  defineHandler(
    'Uid',
    { uid: 'string', revision: 'string' },
    null,
    (o, v) => {
      const u = v as Uid;
      o.string('uid', u.value);
      o.string('revision', u.revision);
    },
    (i) => {
      const uid = i.string('uid', null);
      const revision = i.string('revision', null);
      return build(i.typeName, () => new Uid(uid as string, revision));
    },
  ),
  defineHandler(
    'Script',
    { scriptLanguage: 'string', scriptText: 'object' },
    null,
    (o, v) => {
      const s = v as Script;
      o.string('scriptLanguage', s.language);
      o.object('scriptText', s.text);
    },
    (i) => {
      const text = i.object('scriptText', null);
      if (text !== null && typeof text !== 'string') throw wrongField(i.typeName, 'scriptText', 'a String');
      return new Script(i.string('scriptLanguage', null) as string, text as string);
    },
  ),
  defineHandler(
    'ScriptContext',
    { scriptLanguage: 'string', scriptArguments: 'object', scriptText: 'object' },
    null,
    (o, v) => {
      const s = v as ScriptContext;
      o.string('scriptLanguage', s.language);
      o.object('scriptArguments', s.scriptArguments);
      o.object('scriptText', s.text);
    },
    (i) => {
      const args = i.object('scriptArguments', null);
      if (args !== null && !(args instanceof Map)) throw wrongField(i.typeName, 'scriptArguments', 'a Map');
      const text = i.object('scriptText', null);
      if (text !== null && typeof text !== 'string') throw wrongField(i.typeName, 'scriptText', 'a String');
      return new ScriptContext(i.string('scriptLanguage', null) as string, text as string, (args as Map<string, unknown> | null) ?? new Map());
    },
  ),
  defineHandler(
    'OperationOptions',
    { options: 'object' },
    null,
    (o, v) => o.object('options', (v as OperationOptions).options),
    (i) => {
      const options = i.object('options', null);
      if (options !== null && !(options instanceof Map)) throw wrongField(i.typeName, 'options', 'a Map');
      return new OperationOptions((options as Map<string, unknown> | null) ?? new Map());
    },
  ),
  enumHandler('CountPolicy'),
  defineHandler(
    'SearchResult',
    { pagedResultsCookie: 'string', totalPagedResults: 'int', remainingPagedResults: 'int', CountPolicy: 'object' },
    null,
    (o, v) => {
      const r = v as SearchResult;
      o.string('pagedResultsCookie', r.pagedResultsCookie);
      o.int('totalPagedResults', r.totalPagedResults);
      o.int('remainingPagedResults', r.remainingPagedResults);
      o.object('CountPolicy', r.totalPagedResultsPolicy == null ? null : new JavaEnum('CountPolicy', r.totalPagedResultsPolicy));
    },
    (i) => {
      const policy = enumValue<CountPolicy>(i.object('CountPolicy', null), 'CountPolicy', i, 'CountPolicy', true);
      return new SearchResult(
        i.string('pagedResultsCookie', null),
        policy ?? 'NONE',
        i.int('totalPagedResults', -1),
        i.int('remainingPagedResults', -1),
      );
    },
  ),
  defineHandler(
    'SortKey',
    { field: 'string', isAscending: 'boolean' },
    null,
    (o, v) => {
      const k = v as SortKey;
      o.string('field', k.field);
      o.bool('isAscending', k.ascending);
    },
    (i) => new SortKey(i.string('field', null) as string, i.bool('isAscending', true)),
  ),
  defineHandler(
    'OperationOptionInfo',
    { name: 'string', type: 'class' },
    null,
    (o, v) => {
      const info = v as OperationOptionInfo;
      o.string('name', info.name);
      o.classField('type', info.type);
    },
    (i) => new OperationOptionInfo(i.string('name', null) as string, i.classField('type', JavaClass.of('Class')) ?? JavaClass.of('Class')),
  ),
  enumHandler('SyncDeltaType'),
  defineHandler(
    'SyncToken',
    { value: 'object' },
    null,
    (o, v) => o.object('value', (v as SyncToken).value),
    (i) => {
      const value = i.object('value', null);
      return build(i.typeName, () => new SyncToken(value));
    },
  ),
  defineHandler(
    'SyncDelta',
    { SyncDeltaType: 'object', SyncToken: 'object', PreviousUid: 'object', ObjectClass: 'object', Uid: 'object', ConnectorObject: 'object' },
    null,
    (o, v) => {
      const d = v as SyncDelta;
      o.object('SyncDeltaType', new JavaEnum('SyncDeltaType', d.deltaType));
      o.object('SyncToken', d.token);
      o.object('PreviousUid', d.previousUid);
      o.object('ObjectClass', d.objectClass);
      o.object('Uid', d.uid);
      o.object('ConnectorObject', d.object);
    },
    (i) => {
      const deltaType = enumValue<SyncDeltaType>(i.object('SyncDeltaType', null), 'SyncDeltaType', i, 'SyncDeltaType', true);
      const token = expectInstance(i.object('SyncToken', null), SyncToken, i.typeName, 'SyncToken', true);
      const previousUid = uidOf(i, 'PreviousUid', true);
      const objectClass = objectClassOf(i, true);
      const uid = uidOf(i, 'Uid', true);
      const object = expectInstance(i.object('ConnectorObject', null), ConnectorObject, i.typeName, 'ConnectorObject', true);
      return build(
        i.typeName,
        () => new SyncDelta({ deltaType: deltaType as SyncDeltaType, token: token as SyncToken, previousUid, objectClass, uid, object }),
      );
    },
  ),
  defineHandler(
    'QualifiedUid',
    { ObjectClass: 'object', Uid: 'object' },
    null,
    (o, v) => {
      const q = v as QualifiedUid;
      o.object('ObjectClass', q.objectClass);
      o.object('Uid', q.uid);
    },
    (i) => {
      const oc = objectClassOf(i, false)!;
      return new QualifiedUid(oc, uidOf(i, 'Uid', false)!);
    },
  ),
  defineHandler(
    'CreateBatchTask',
    { ObjectClass: 'object', Attributes: 'object', Options: 'object' },
    null,
    (o, v) => {
      const t = v as CreateBatchTask;
      o.object('ObjectClass', t.objectClass);
      o.object('Attributes', new Set(t.attributes));
      o.object('Options', t.options);
    },
    (i) => new CreateBatchTask(objectClassOf(i, false)!, attributesOf(i.object('Attributes', null), i, 'Attributes') ?? [], optionsOf(i)),
  ),
  defineHandler(
    'DeleteBatchTask',
    { ObjectClass: 'object', Uid: 'object', Options: 'object' },
    null,
    (o, v) => {
      const t = v as DeleteBatchTask;
      o.object('ObjectClass', t.objectClass);
      o.object('Uid', t.uid);
      o.object('Options', t.options);
    },
    (i) => new DeleteBatchTask(objectClassOf(i, false)!, uidOf(i, 'Uid', false)!, optionsOf(i)),
  ),
  defineHandler(
    'UpdateBatchTask',
    { ObjectClass: 'object', Uid: 'object', Attributes: 'object', Options: 'object', Type: 'string' },
    null,
    (o, v) => {
      const t = v as UpdateBatchTask;
      o.object('ObjectClass', t.objectClass);
      o.object('Uid', t.uid);
      o.object('Attributes', new Set(t.attributes));
      o.object('Options', t.options);
      o.string('Type', t.updateType);
    },
    (i) => {
      const type = i.string('Type', null);
      if (type === null || !(UPDATE_TYPES as readonly string[]).includes(type)) throw invalid(i.typeName, 'Type must be UPDATE, ADDVALUES or REMOVEVALUES');
      return new UpdateBatchTask(
        objectClassOf(i, false)!,
        uidOf(i, 'Uid', false)!,
        attributesOf(i.object('Attributes', null), i, 'Attributes') ?? [],
        type as UpdateBatchType,
        optionsOf(i),
      );
    },
  ),
  defineHandler(
    'BatchEmptyResult',
    { Message: 'string' },
    null,
    (o, v) => o.string('Message', (v as BatchEmptyResult).message),
    (i) => new BatchEmptyResult(i.string('Message', null)),
  ),
  defineHandler(
    'BatchToken',
    { token: 'object', queryRequired: 'boolean', asynchronousResults: 'boolean', returnsResults: 'boolean' },
    null,
    (o, v) => {
      const t = v as BatchToken;
      o.object('token', [...t.tokens]);
      o.bool('queryRequired', t.queryRequired);
      o.bool('asynchronousResults', t.asynchronousResults);
      o.bool('returnsResults', t.returnsResults);
    },
    (i) => {
      const tokens = i.object('token', null);
      if (!Array.isArray(tokens) || !tokens.every((t) => typeof t === 'string')) throw wrongField(i.typeName, 'token', 'a List of String');
      return new BatchToken(tokens as string[], i.bool('queryRequired', false), i.bool('asynchronousResults', false), i.bool('returnsResults', true));
    },
  ),
  defineHandler(
    'BatchResult',
    { ResultClass: 'class', Result: 'object', Token: 'object', ResultId: 'string', Complete: 'boolean', Error: 'boolean' },
    null,
    (o, v) => {
      const r = v as BatchResult;
      o.classField('ResultClass', r.resultClass ?? o.wireClassOf(r.result));
      o.object('Result', r.result);
      o.object('Token', r.token);
      o.string('ResultId', r.resultId);
      o.bool('Complete', r.complete);
      o.bool('Error', r.error);
    },
    (i) =>
      new BatchResult(
        i.object('Result', null),
        expectInstance(i.object('Token', null), BatchToken, i.typeName, 'Token', true),
        i.string('ResultId', null),
        i.bool('Complete', false),
        i.bool('Error', false),
        i.classField('ResultClass', null),
      ),
  ),
];
