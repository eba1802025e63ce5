/**
 * contentKey (runtime/api/content-key.ts): credential options as a cache key. Equal content gives equal keys
 * whatever the object or buffer; any difference (a byte, a type, a length boundary, a field name) gives another;
 * what cannot be keyed by content (a SecureContext, a class instance, a function) gives none.
 */
import test from 'ava';
import { createSecureContext } from '../../runtime/pki/secure-context.js';
import { contentKey } from '../../runtime/api/content-key.js';

test('the same content in other objects and buffers gives the same key; field order does not matter', (t) => {
  const a = contentKey({ cert: 'PEM', key: Uint8Array.of(1, 2, 3), ca: ['x', Buffer.from('y')] });
  const b = contentKey({ ca: ['x', Buffer.from('y')], key: Buffer.from([1, 2, 3]), cert: 'PEM' });
  t.is(typeof a, 'string');
  t.is(a, b);
  t.is(contentKey({ cert: 'PEM', passphrase: undefined }), contentKey({ cert: 'PEM' }), 'undefined fields are absent');
});

test('any difference gives another key', (t) => {
  const keys = [
    contentKey('ab'),
    contentKey(['a', 'b']),
    contentKey(['ab']),
    contentKey(Uint8Array.of(0x61, 0x62)),
    contentKey({ cert: 'ab' }),
    contentKey({ key: 'ab' }),
    contentKey({ cert: 'a', key: 'b' }),
    contentKey(1),
    contentKey('1'),
    contentKey(true),
    contentKey('true'),
    contentKey(Uint8Array.of(1, 2, 4)),
    contentKey(Uint8Array.of(1, 2, 3)),
    contentKey([]),
    contentKey({}),
  ];
  t.is(new Set(keys).size, keys.length, JSON.stringify(keys));
  // Length prefixes keep a separator inside a string from making two fields look like one.
  for (const forged of ['akey=s:b', 'akey=s1:b'])
    t.not(contentKey({ cert: 'a', key: 'b' }), contentKey({ cert: forged }), forged);
  t.not(contentKey(['a', 'b']), contentKey(['as:b']));
  t.not(contentKey(['a', 'b']), contentKey(['as1:b']));
});

test('a SecureContext, class instances, functions and null have no content key, even nested', (t) => {
  const context = createSecureContext();
  class Options {
    cert = 'PEM';
  }
  for (const v of [context, new Options(), () => 1, null, undefined, Symbol('s'), 1n, new Map()])
    t.is(contentKey(v), undefined, String(typeof v));
  t.is(contentKey({ secureContext: context }), undefined);
  t.is(contentKey({ ca: ['x', context] }), undefined);
  t.is(contentKey([{ cert: 'a' }, () => 1]), undefined);
});
