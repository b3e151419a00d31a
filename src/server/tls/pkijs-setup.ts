/**
 * The one place pkijs is loaded: its crypto engine is Node's WebCrypto. Modules that work with pkijs import `pkijs`
 * from here. (The PKCS#12 code decrypts and MACs synchronously with node:crypto; the engine is there for the pkijs
 * classes that ask for one.)
 */
import { webcrypto } from 'node:crypto';
import * as pkijs from 'pkijs';

pkijs.setEngine('node', new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto as unknown as ConstructorParameters<typeof pkijs.CryptoEngine>[0]['crypto'] }));

export { pkijs };

