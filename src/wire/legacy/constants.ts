/** Tag bytes and constants of the OpenICF legacy binary object stream (big-endian, DataOutputStream style). */
export const OBJECT_MAGIC = 0xfafb;
export const ENCODING_VERSION = 2;

export const OBJECT_TYPE_NULL = 60;
export const OBJECT_TYPE_CLASS = 61;
export const OBJECT_TYPE_ARRAY = 62;

export const FIELD_TYPE_ANONYMOUS = 70;
export const FIELD_TYPE_NAMED = 71;
export const FIELD_TYPE_END_OBJECT = 72;

/** Maximum nesting of object records (and array dimensions) the codec accepts, both ways. */
export const MAX_DEPTH = 512;

/** Java arrays have at most 255 dimensions. */
export const MAX_ARRAY_DIMENSIONS = 255;
