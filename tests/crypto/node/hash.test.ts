/** runtime/crypto/node/hash.ts: digests, incremental hashes, HMAC and HKDF on node:crypto, against published vectors. */
import test from 'ava';
import {
  nodeCreateHash,
  nodeDigest,
  nodeHkdfExpand,
  nodeHkdfExtract,
  nodeHmac,
} from '../../../runtime/crypto/node/hash.js';
import { checkHashes, checkKdf } from '../hash-checks.js';

test('digests and incremental hashes', (t) => checkHashes(t, nodeDigest, nodeCreateHash));
test('HMAC and HKDF', (t) => checkKdf(t, { hmac: nodeHmac, hkdfExtract: nodeHkdfExtract, hkdfExpand: nodeHkdfExpand }));
