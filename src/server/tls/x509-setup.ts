/**
 * The one place @peculiar/x509 is loaded: it needs reflect-metadata before it is evaluated and a WebCrypto
 * provider (Node's). Modules that work with @peculiar/x509 import `x509` from here.
 */
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

// Node's webcrypto is a complete WebCrypto implementation; its type comes from @types/node, not the DOM library.
x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export { x509 };
