/** nodeAead (runtime/crypto/node/aead.ts): node:crypto's AEADs as AeadKeys, against published vectors and forgeries. */
import test from 'ava';
import { nodeAead } from '../../../runtime/crypto/node/aead.js';
import { checkAeadMaker } from '../aead-checks.js';

test('every AEAD: vectors, OpenSSL, forgeries, release, key lengths', (t) => checkAeadMaker(t, nodeAead));
