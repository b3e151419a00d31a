/**
 * Java's AttributesToGetResultsHandler.reduceToAttrsToGet: keeps __UID__ and __NAME__ plus the requested
 * attributes the object has (names compare case-insensitively; requested names the object lacks are ignored).
 */
import { ConnectorObject, SyncDelta, type Attribute } from '../model/index.ts';

export function reduceToAttributesToGet(obj: ConnectorObject, attributesToGet: readonly string[]): ConnectorObject {
  const kept: Attribute[] = [obj.uid, obj.attribute('__NAME__')!];
  const seen = new Set(kept.map((a) => a.name.toUpperCase()));
  for (const name of attributesToGet) {
    const a = obj.attribute(name);
    if (a && !seen.has(a.name.toUpperCase())) {
      seen.add(a.name.toUpperCase());
      kept.push(a);
    }
  }
  return new ConnectorObject(obj.objectClass, kept);
}

/** The same reduction applied to a sync delta's object (Java's AttributesToGetSyncResultsHandler). */
export function reduceDeltaToAttributesToGet(delta: SyncDelta, attributesToGet: readonly string[]): SyncDelta {
  if (!delta.object) return delta;
  return new SyncDelta({
    token: delta.token,
    deltaType: delta.deltaType,
    uid: delta.uid,
    previousUid: delta.previousUid,
    objectClass: delta.objectClass,
    object: reduceToAttributesToGet(delta.object, attributesToGet),
  });
}
