/** nodeMask (runtime/crypto/node/mask.ts): node:crypto's record number masks, against vectors and noble. */
import test from 'ava';
import { nodeMask } from '../../../runtime/crypto/node/mask.js';
import { checkMaskMaker } from '../mask-checks.js';

test('every mask: vectors, noble, sample and key lengths, release', (t) => checkMaskMaker(t, nodeMask));
