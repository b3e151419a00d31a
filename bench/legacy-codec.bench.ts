/**
 * Legacy binary codec throughput: a ConnectorObject with 50 attributes, encoded and decoded, next to
 * JSON.stringify / JSON.parse of the same data measured in the same run.
 */
import { pathToFileURL } from 'node:url';
import { Attribute, ConnectorObject, Name, ObjectClass, Uid } from '../src/model/index.ts';
import { deserializeLegacy, serializeLegacy } from '../src/wire/legacy/index.ts';

function sampleObject(): ConnectorObject {
  const attrs: Attribute[] = [new Uid('0a1b2c3d-4e5f-6789-abcd-ef0123456789'), new Name('bjensen')];
  for (let i = 0; i < 48; i++) {
    const values =
      i % 4 === 0 ? [`value-${i}`, `second-${i}`] : i % 4 === 1 ? [i * 1000] : i % 4 === 2 ? [i % 8 === 2] : [`München ${i} ✓`];
    attrs.push(new Attribute(`attribute${i}`, values));
  }
  return new ConnectorObject(ObjectClass.ACCOUNT, attrs);
}

/** The same data as plain JSON (what a JSON protocol would carry). */
function asJson(o: ConnectorObject): unknown {
  return {
    objectClass: o.objectClass.type,
    attributes: o.attributes.map((a) => ({ name: a.name, values: a.values })),
  };
}

/** Runs fn repeatedly for about `ms` milliseconds; returns operations per second. */
function measure(fn: () => unknown, ms = 400): number {
  for (let i = 0; i < 200; i++) fn();
  let ops = 0;
  const start = process.hrtime.bigint();
  const limit = BigInt(ms) * 1_000_000n;
  let elapsed = 0n;
  while (elapsed < limit) {
    for (let i = 0; i < 50; i++) fn();
    ops += 50;
    elapsed = process.hrtime.bigint() - start;
  }
  return (ops * 1e9) / Number(elapsed);
}

export async function run(): Promise<Record<string, unknown>> {
  const object = sampleObject();
  const bytes = serializeLegacy(object);
  const plain = asJson(object);
  const json = JSON.stringify(plain);

  const legacyEncode = measure(() => serializeLegacy(object));
  const legacyDecode = measure(() => deserializeLegacy(bytes));
  const jsonEncode = measure(() => JSON.stringify(plain));
  const jsonDecode = measure(() => JSON.parse(json));

  return {
    subject: 'ConnectorObject with 50 attributes',
    legacyBytes: bytes.length,
    jsonBytes: Buffer.byteLength(json),
    legacyEncodeOpsPerSec: Math.round(legacyEncode),
    legacyDecodeOpsPerSec: Math.round(legacyDecode),
    jsonStringifyOpsPerSec: Math.round(jsonEncode),
    jsonParseOpsPerSec: Math.round(jsonDecode),
    legacyEncodeMBPerSec: +((legacyEncode * bytes.length) / 1e6).toFixed(1),
    legacyDecodeMBPerSec: +((legacyDecode * bytes.length) / 1e6).toFixed(1),
    /** > 1 means the legacy codec is slower than JSON by that factor. */
    encodeSlowdownVsJson: +(jsonEncode / legacyEncode).toFixed(2),
    decodeSlowdownVsJson: +(jsonDecode / legacyDecode).toFixed(2),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await run(), null, 2));
}
