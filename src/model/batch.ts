/** Batch operation types (OpenICF BatchApiOp). */
import type { Attribute, ObjectClass, Uid } from './objects.ts';
import type { OperationOptions } from './options.ts';
import type { JavaClass } from './java-values.ts';

export class CreateBatchTask {
  constructor(
    readonly objectClass: ObjectClass,
    readonly attributes: readonly Attribute[],
    readonly options: OperationOptions | null = null,
  ) {}
}

export class DeleteBatchTask {
  constructor(
    readonly objectClass: ObjectClass,
    readonly uid: Uid,
    readonly options: OperationOptions | null = null,
  ) {}
}

export type UpdateBatchType = 'UPDATE' | 'ADDVALUES' | 'REMOVEVALUES';

export class UpdateBatchTask {
  constructor(
    readonly objectClass: ObjectClass,
    readonly uid: Uid,
    readonly attributes: readonly Attribute[],
    readonly updateType: UpdateBatchType,
    readonly options: OperationOptions | null = null,
  ) {}
}

export type BatchTask = CreateBatchTask | DeleteBatchTask | UpdateBatchTask;

export class BatchEmptyResult {
  constructor(readonly message: string | null = null) {}
}

export class BatchToken {
  constructor(
    readonly tokens: readonly string[] = [],
    readonly queryRequired = false,
    readonly asynchronousResults = false,
    readonly returnsResults = true,
  ) {}
}

export class BatchResult {
  constructor(
    readonly result: unknown,
    readonly token: BatchToken | null,
    readonly resultId: string | null,
    readonly complete = false,
    readonly error = false,
    /** The result's class as written by the peer (Java writes the runtime class). */
    readonly resultClass: JavaClass | null = null,
  ) {}
}
