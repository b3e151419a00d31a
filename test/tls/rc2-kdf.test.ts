import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pbeDecrypt, legacyPbeEncrypt, PbeDecryptError } from '../../src/server/tls/pbe.ts';
import { OID } from '../../src/server/tls/oids.ts';
import { rc2CbcDecrypt, rc2CbcEncrypt, rc2EncryptBlock } from '../../src/server/tls/rc2.ts';
import { pkcs12Kdf, pkcs12PasswordBytes } from '../../src/server/tls/pkcs12-kdf.ts';
import { makeTempDir, openssl } from './helpers.ts';

describe('RC2 (RFC 2268)', () => {
  it('matches the RFC 2268 test vectors', () => {
    const vectors: [string, number, string, string][] = [
      ['0000000000000000', 63, '0000000000000000', 'ebb773f993278eff'],
      ['ffffffffffffffff', 64, 'ffffffffffffffff', '278b27e42e2f0d49'],
      ['3000000000000000', 64, '1000000000000001', '30649edf9be7d2c2'],
      ['88', 64, '0000000000000000', '61a8a244adacccf0'],
      ['88bca90e90875a', 64, '0000000000000000', '6ccf4308974c267f'],
      ['88bca90e90875a7f0f79c384627bafb2', 64, '0000000000000000', '1a807d272bbe5db1'],
      ['88bca90e90875a7f0f79c384627bafb2', 128, '0000000000000000', '2269552ab0f85ca6'],
    ];
    for (const [key, bits, plain, cipher] of vectors) {
      const out = rc2EncryptBlock(Buffer.from(key, 'hex'), bits, Buffer.from(plain, 'hex'));
      assert.equal(Buffer.from(out).toString('hex'), cipher, `key ${key} / ${bits} bits`);
    }
  });

  it('CBC round-trips and rejects bad padding', () => {
    const key = randomBytes(5);
    const iv = randomBytes(8);
    for (const length of [0, 1, 7, 8, 9, 100]) {
      const plain = randomBytes(length);
      const cipher = rc2CbcEncrypt(key, 40, iv, plain);
      assert.equal(cipher.length % 8, 0);
      assert.deepEqual(rc2CbcDecrypt(key, 40, iv, cipher), plain);
    }
    const cipher = rc2CbcEncrypt(key, 40, iv, Buffer.from('some text'));
    cipher[cipher.length - 1] ^= 0xff;
    assert.throws(() => rc2CbcDecrypt(key, 40, iv, cipher), RangeError);
  });

  describe('against openssl (legacy provider)', () => {
    let dir: string;
    let cleanup: () => Promise<void>;
    before(async () => ({ dir, cleanup } = await makeTempDir('rc2')));
    after(async () => cleanup());

    it('decrypts what openssl enc -rc2-40-cbc encrypts', async (t) => {
      const key = randomBytes(5);
      const iv = randomBytes(8);
      const plain = randomBytes(77);
      const input = join(dir, 'plain.bin');
      const output = join(dir, 'cipher.bin');
      await writeFile(input, plain);
      try {
        await openssl(['enc', '-provider', 'legacy', '-provider', 'default', '-rc2-40-cbc', '-K', key.toString('hex'), '-iv', iv.toString('hex'), '-in', input, '-out', output]);
      } catch (error) {
        t.diagnostic(`openssl has no legacy provider here, compared against RFC vectors only: ${(error as Error).message.split('\n')[0]}`);
        return;
      }
      const { readFile } = await import('node:fs/promises');
      const cipher = await readFile(output);
      assert.deepEqual(rc2CbcDecrypt(key, 40, iv, cipher), plain);
      assert.deepEqual(rc2CbcEncrypt(key, 40, iv, plain), cipher);
    });
  });
});

describe('PKCS#12 KDF (RFC 7292 appendix B)', () => {
  it('encodes passwords as NUL-terminated BMPString', () => {
    assert.equal(pkcs12PasswordBytes('ab').toString('hex'), '006100620000');
    assert.equal(pkcs12PasswordBytes('').toString('hex'), '0000');
  });

  it('derives bytes that depend on purpose, salt and iterations, of the requested length', () => {
    const pass = pkcs12PasswordBytes('changeit');
    const salt = Buffer.from('0102030405060708', 'hex');
    const key = pkcs12Kdf('sha1', pass, salt, 2048, 1, 24);
    const iv = pkcs12Kdf('sha1', pass, salt, 2048, 2, 8);
    assert.equal(key.length, 24);
    assert.equal(iv.length, 8);
    assert.notDeepEqual(key.subarray(0, 8), iv);
    assert.notDeepEqual(pkcs12Kdf('sha1', pass, salt, 2047, 1, 24), key);
    // The first block of a longer output equals the shorter output.
    assert.deepEqual(pkcs12Kdf('sha256', pass, salt, 10, 3, 70).subarray(0, 32), pkcs12Kdf('sha256', pass, salt, 10, 3, 32));
  });

  it('legacy PBE round-trips for 3DES and RC2 and a wrong password is detected', () => {
    for (const scheme of [OID.pbeWithSHAAnd3KeyTripleDESCBC, OID.pbeWithSHAAnd40BitRC2CBC, OID.pbeWithSHAAnd128BitRC2CBC, OID.pbeWithSHAAnd2KeyTripleDESCBC]) {
      const plain = randomBytes(50);
      const { algorithm: alg, ciphertext } = legacyPbeEncrypt(scheme, 'pässword', plain, 100);
      assert.deepEqual(pbeDecrypt(alg, 'pässword', ciphertext, 'test'), plain);
      let wrongDetected = 0;
      for (let i = 0; i < 5; i++) {
        try {
          const out = pbeDecrypt(alg, `wrong${i}`, ciphertext, 'test');
          assert.notDeepEqual(out, plain);
        } catch (error) {
          assert.ok(error instanceof PbeDecryptError);
          wrongDetected++;
        }
      }
      assert.ok(wrongDetected >= 3, 'bad padding should reveal most wrong passwords');
    }
  });
});
