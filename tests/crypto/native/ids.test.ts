/**
 * runtime/crypto/native/ids.ts: the algorithm numbers handed to the addon are the ones its C enums give
 * (native/src/cipher.h, kdf.h, read here), so no AEAD, mask or hash is ever run as another; and the sn_key lengths.
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { AEAD_ID, HASH_ID, MASK_ID, maskKeyLength } from '../../../runtime/crypto/native/ids.js';

/** `NAME = n` pairs of one C enum. */
function cEnum(file: string, name: string): Map<string, number> {
  const source = readFileSync(new URL(`../../../native/src/${file}`, import.meta.url), 'utf8');
  const body = new RegExp(`enum ${name} \\{([^}]*)\\}`).exec(source)?.[1] ?? '';
  return new Map([...body.matchAll(/(\w+)\s*=\s*(\d+)/g)].map((m) => [m[1]!, Number(m[2])]));
}

const cName = (prefix: string, algorithm: string): string => `${prefix}_${algorithm.toUpperCase().replace(/-/g, '_')}`;

test('AEAD, mask and hash ids are the addon enums, one to one', (t) => {
  for (const [table, file, name, prefix] of [
    [AEAD_ID, 'cipher.h', 'aead_id', 'AEAD'],
    [MASK_ID, 'cipher.h', 'mask_id', 'MASK'],
    [HASH_ID, 'kdf.h', 'hash_id', 'HASH'],
  ] as const) {
    const c = cEnum(file, name);
    t.is(c.size, Object.keys(table).length, `${name}: as many values`);
    for (const [algorithm, id] of Object.entries(table))
      t.is(c.get(cName(prefix, algorithm)), id, `${name} ${algorithm}`);
  }
});

test('sn_key lengths: 16 for AES-128, 32 for AES-256 and ChaCha20', (t) => {
  t.is(maskKeyLength('aes-128'), 16);
  t.is(maskKeyLength('aes-256'), 32);
  t.is(maskKeyLength('chacha20'), 32);
});
