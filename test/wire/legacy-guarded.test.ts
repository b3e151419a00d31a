import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GuardedByteArray, GuardedString } from '../../src/model/index.ts';
import {
  LegacyFormatError,
  decryptGuardedBytes,
  decryptGuardedString,
  deserializeLegacy,
  encryptGuardedBytes,
  encryptGuardedString,
  serializeLegacy,
} from '../../src/wire/legacy/index.ts';
import { hexOf } from './legacy-support.ts';

/** Ciphertexts produced by Java's default encryptor. */
const JAVA_CIPHERTEXTS: ReadonlyArray<readonly [string, string]> = [
  ['secret', 'ddbd5beba9223b2e33e32194d47fc844'],
  ['', '2c9482cd30af7cf39c1a64a133b8ee7a'],
  ['x', '9a4c0883b4e136bf063edac67908c6a6'],
  // The shared key of the legacy protocol transcripts.
  ['changeit', 'b550c0ed83b018c1690951e47183093aac9287aee4d907c98935a635fa85a24a'],
];

describe('GuardedString / GuardedByteArray wire encryption', () => {
  for (const [clear, cipher] of JAVA_CIPHERTEXTS) {
    it(`"${clear}" encrypts to Java's bytes and back`, () => {
      assert.equal(hexOf(encryptGuardedString(clear)), cipher);
      assert.equal(decryptGuardedString(Buffer.from(cipher, 'hex')), clear);
    });
  }

  it('GuardedByteArray {1,2,3} matches Java', () => {
    assert.equal(hexOf(encryptGuardedBytes(new Uint8Array([1, 2, 3]))), '7a7e078cf12e1dd46470edc3630f10eb');
    assert.deepStrictEqual([...decryptGuardedBytes(Buffer.from('7a7e078cf12e1dd46470edc3630f10eb', 'hex'))], [1, 2, 3]);
  });

  it('a GuardedString record is the spec §6 vector', () => {
    assert.equal(
      hexOf(serializeLegacy(new GuardedString('secret'))),
      '0000fafb00000002000000010000000d47756172646564537472696e67000000003d00000000460000001400000010ddbd5beba9223b2e33e32194d47fc84448',
    );
  });

  it('keeps astral characters and unpaired surrogates as UTF-16 units', () => {
    for (const clear of ['é😀', '\uD83D', 'a\u0000b']) {
      const back = deserializeLegacy(serializeLegacy(new GuardedString(clear)));
      assert.ok(back instanceof GuardedString);
      back.access((s) => assert.equal(s, clear));
    }
    const gba = deserializeLegacy(serializeLegacy(new GuardedByteArray(new Uint8Array([0, 255, 7]))));
    assert.ok(gba instanceof GuardedByteArray);
    gba.access((b) => assert.deepStrictEqual([...b], [0, 255, 7]));
  });

  it('rejects a ciphertext that does not decrypt, without showing it', () => {
    const bad = Buffer.from('ddbd5beba9223b2e33e32194d47fc845', 'hex');
    assert.throws(() => decryptGuardedString(bad), (e: unknown) => e instanceof LegacyFormatError && e.code === 'BAD_CIPHERTEXT' && !e.message.includes('ddbd'));
    assert.throws(() => decryptGuardedString(new Uint8Array(5)), LegacyFormatError);
  });
});
