import assert from 'node:assert/strict';
import { createPublicKey, X509Certificate } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildPkcs12 } from '../../src/server/tls/keystore-writer.ts';
import { Pkcs12Error, parsePkcs12, readPkcs12File, type Pkcs12Store } from '../../src/server/tls/pkcs12.ts';
import { keytoolExport, keytoolGenerate, keytoolList, keytoolTrust, makeTempDir, openssl, opensslCa, opensslSignedCert } from './helpers.ts';

const PASS = 'changeit';

function assertKeyMatchesLeaf(store: Pkcs12Store, alias: string, keyPassword: string, keyType: string): void {
  const entry = store.keyEntries.find((e) => e.alias === alias);
  assert.ok(entry, `entry ${alias} present (have: ${store.keyEntries.map((e) => e.alias).join(', ')})`);
  const { key, pem } = entry.decryptPrivateKey(keyPassword);
  assert.equal(key.asymmetricKeyType, keyType);
  assert.match(pem, /^-----BEGIN PRIVATE KEY-----/);
  const leaf = entry.chain[0];
  assert.ok(leaf);
  assert.deepEqual(createPublicKey(key).export({ type: 'spki', format: 'der' }), leaf.publicKey.export({ type: 'spki', format: 'der' }));
}

describe('PKCS#12 reader on files made by keytool and openssl', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  before(async () => ({ dir, cleanup } = await makeTempDir('p12read')));
  after(async () => cleanup());

  it('reads keytool current format (PBES2/AES-256, HmacSHA256) with several aliases, EC and RSA', async () => {
    const file = join(dir, 'modern.p12');
    await keytoolGenerate({ keystore: file, storepass: PASS, alias: 'ecserver', dname: 'CN=ec.example, O=Test', keyalg: 'EC' });
    await keytoolGenerate({ keystore: file, storepass: PASS, alias: 'rsaserver', dname: 'CN=rsa.example', keyalg: 'RSA', keysize: 2048 });
    const store = await readPkcs12File(file, PASS);
    assert.equal(store.mac, 'HmacPBESHA256 (10000 iterations)');
    assert.ok(store.safeProtection.some((p) => p.startsWith('PBES2 (PBKDF2-HmacSHA256, AES-256-CBC')), store.safeProtection.join('; '));
    assert.deepEqual(store.keyEntries.map((e) => e.alias).sort(), ['ecserver', 'rsaserver']);
    for (const e of store.keyEntries) assert.match(e.stored.protection, /^PBES2 \(PBKDF2-HmacSHA256, AES-256-CBC/);
    assertKeyMatchesLeaf(store, 'ecserver', PASS, 'ec');
    assertKeyMatchesLeaf(store, 'rsaserver', PASS, 'rsa');
    assert.equal(store.keyEntries.find((e) => e.alias === 'ecserver')?.chain[0].subject, 'O=Test\nCN=ec.example');
    assert.equal(store.trustedEntries.length, 0);
  });

  it('reads keytool legacy format (3DES key bags, RC2-40 certificate bags, SHA-1 MAC)', async () => {
    const file = join(dir, 'legacy.p12');
    await keytoolGenerate({ keystore: file, storepass: PASS, alias: 'legacyrsa', dname: 'CN=legacy-rsa', keyalg: 'RSA', legacy: true });
    await keytoolGenerate({ keystore: file, storepass: PASS, alias: 'legacyec', dname: 'CN=legacy-ec', keyalg: 'EC', legacy: true });
    const info = (await openssl(['pkcs12', '-info', '-nokeys', '-noout', '-in', file, '-passin', `pass:${PASS}`, '-legacy'])).stderr;
    const store = await readPkcs12File(file, PASS);
    assert.match(store.mac ?? '', /^HmacPBESHA1 /);
    assert.ok(store.safeProtection.some((p) => p.startsWith('PBEWithSHA1AndRC2_40')), `${store.safeProtection.join('; ')} / ${info}`);
    for (const e of store.keyEntries) assert.match(e.stored.protection, /^PBEWithSHA1AndDESede/);
    assertKeyMatchesLeaf(store, 'legacyrsa', PASS, 'rsa');
    assertKeyMatchesLeaf(store, 'legacyec', PASS, 'ec');
  });

  it('reads openssl pkcs12 -export default output with a CA chain', async () => {
    const ca = await opensslCa(dir, 'ca1', 'Read Test CA');
    const leaf = await opensslSignedCert(dir, 'leaf1', 'leaf.example', ca);
    const file = join(dir, 'openssl.p12');
    await openssl(['pkcs12', '-export', '-in', leaf.cert, '-inkey', leaf.key, '-certfile', ca.cert, '-name', 'osslkey', '-passout', 'pass:s3cret!', '-out', file]);
    const store = await readPkcs12File(file, 's3cret!');
    assert.match(store.mac ?? '', /^HmacPBESHA256 /);
    assert.equal(store.keyEntries.length, 1);
    const entry = store.keyEntries[0];
    assert.equal(entry.alias, 'osslkey');
    assert.match(entry.stored.protection, /^PBES2 \(PBKDF2-HmacSHA256, AES-256-CBC/);
    assert.deepEqual(entry.chain.map((c) => c.subject), ['CN=leaf.example', 'CN=Read Test CA']);
    assertKeyMatchesLeaf(store, 'osslkey', 's3cret!', 'ec');
    // The CA certificate is part of the chain, not a trusted entry (it is not marked as one).
    assert.equal(store.trustedEntries.length, 0);
  });

  it('reads openssl pkcs12 -export -legacy output (or the closest this openssl can write)', async (t) => {
    const ca = await opensslCa(dir, 'ca2', 'Legacy CA');
    const leaf = await opensslSignedCert(dir, 'leaf2', 'legacy-leaf', ca);
    const file = join(dir, 'openssl-legacy.p12');
    const base = ['pkcs12', '-export', '-in', leaf.cert, '-inkey', leaf.key, '-certfile', ca.cert, '-name', 'legacykey', '-passout', `pass:${PASS}`, '-out', file];
    let expectCertPbe = 'PBEWithSHA1AndRC2_40';
    try {
      await openssl([...base, '-legacy']);
    } catch (error) {
      t.diagnostic(`openssl -legacy unavailable (${(error as Error).message.split('\n')[0]}); using 3DES for both bag kinds`);
      await openssl([...base, '-certpbe', 'PBE-SHA1-3DES', '-keypbe', 'PBE-SHA1-3DES', '-macalg', 'sha1']);
      expectCertPbe = 'PBEWithSHA1AndDESede';
    }
    const store = await readPkcs12File(file, PASS);
    assert.match(store.mac ?? '', /^HmacPBESHA1 /);
    assert.ok(store.safeProtection.some((p) => p.startsWith(expectCertPbe)), store.safeProtection.join('; '));
    assert.match(store.keyEntries[0].stored.protection, /^PBEWithSHA1AndDESede/);
    assert.deepEqual(store.keyEntries[0].chain.map((c) => c.subject), ['CN=legacy-leaf', 'CN=Legacy CA']);
    assertKeyMatchesLeaf(store, 'legacykey', PASS, 'ec');
  });

  it('reads a keytool truststore: trustedCertEntry bags, no key', async () => {
    const ks = join(dir, 'forexport.p12');
    await keytoolGenerate({ keystore: ks, storepass: PASS, alias: 'a', dname: 'CN=first' });
    await keytoolGenerate({ keystore: ks, storepass: PASS, alias: 'b', dname: 'CN=second', keyalg: 'RSA' });
    await keytoolExport(ks, PASS, 'a', join(dir, 'a.pem'));
    await keytoolExport(ks, PASS, 'b', join(dir, 'b.pem'));
    const ts = join(dir, 'trust.p12');
    await keytoolTrust(ts, PASS, 'first-ca', join(dir, 'a.pem'));
    await keytoolTrust(ts, PASS, 'second-ca', join(dir, 'b.pem'));
    const store = await readPkcs12File(ts, PASS);
    assert.equal(store.keyEntries.length, 0);
    assert.deepEqual(store.trustedEntries.map((e) => e.alias).sort(), ['first-ca', 'second-ca']);
    for (const e of store.trustedEntries) assert.deepEqual(e.trustedKeyUsage, ['2.5.29.37.0']);
    const first = store.trustedEntries.find((e) => e.alias === 'first-ca');
    assert.equal(first?.certificate.toString(), new X509Certificate(await readFile(join(dir, 'a.pem'))).toString());
  });

  it('rejects a wrong store password (MAC) with a typed error naming the file, not the password', async () => {
    const file = join(dir, 'modern.p12');
    await assert.rejects(readPkcs12File(file, 'not-the-password'), (error: unknown) => {
      assert.ok(error instanceof Pkcs12Error);
      assert.equal(error.code, 'bad-store-password');
      assert.ok(error.message.includes(file));
      assert.ok(!error.message.includes('not-the-password'));
      return true;
    });
    const legacy = join(dir, 'legacy.p12');
    await assert.rejects(readPkcs12File(legacy, 'wrongpass'), (error: unknown) => error instanceof Pkcs12Error && error.code === 'bad-store-password');
  });

  it('distinguishes the key password from the store password', async () => {
    const source = await readPkcs12File(join(dir, 'modern.p12'), PASS);
    const entry = source.keyEntries.find((e) => e.alias === 'ecserver');
    assert.ok(entry);
    const pkcs8 = entry.decryptPrivateKey(PASS).pkcs8;
    const data = buildPkcs12({ keyEntries: [{ alias: 'split', key: { kind: 'encrypt', pkcs8, password: 'key-pass-1' }, chain: entry.chain }], trustedEntries: [] }, 'store-pass-1');
    const file = join(dir, 'split.p12');
    await writeFile(file, data);
    assert.match(await keytoolList(file, 'store-pass-1'), /Alias name: split/);
    const store = parsePkcs12(data, 'store-pass-1', { name: file });
    assert.equal(store.keyEntries[0].decryptPrivateKey('key-pass-1').key.asymmetricKeyType, 'ec');
    assert.throws(() => store.keyEntries[0].decryptPrivateKey('store-pass-1'), (error: unknown) => {
      assert.ok(error instanceof Pkcs12Error);
      assert.equal(error.code, 'bad-key-password');
      assert.ok(error.message.includes(file) && error.message.includes("'split'"));
      assert.ok(!error.message.includes('store-pass-1'));
      return true;
    });
  });

  it('rejects garbage, empty and truncated input as malformed', async () => {
    assert.throws(() => parsePkcs12(Buffer.alloc(0), PASS), (e: unknown) => e instanceof Pkcs12Error && e.code === 'malformed');
    assert.throws(() => parsePkcs12(Buffer.from('not a keystore at all'), PASS), (e: unknown) => e instanceof Pkcs12Error && e.code === 'malformed');
    const good = await readFile(join(dir, 'modern.p12'));
    for (const cut of [10, 100, good.length - 10]) {
      assert.throws(() => parsePkcs12(good.subarray(0, cut), PASS), (e: unknown) => e instanceof Pkcs12Error, `cut at ${cut}`);
    }
    const corrupted = Buffer.from(good);
    corrupted[Math.floor(corrupted.length / 2)] ^= 0x01;
    assert.throws(() => parsePkcs12(corrupted, PASS), (e: unknown) => e instanceof Pkcs12Error);
  });
});
