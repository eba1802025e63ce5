/**
 * CIDs that name their owner (runtime/cid/cid-owner.ts): the generator puts host and worker in bytes 0 and 1; a
 * datagram's owner is read back from a DTLS 1.3 record or a DTLS 1.2 tls12_cid record, and anything else (a
 * ClientHello, junk, a datagram cut short) names no owner and throws nothing.
 */
import test from 'ava';
import { ConfigError } from '../../runtime/config-error.js';
import { MIN_OWNER_CID_LENGTH, datagramCidAt, datagramOwner, ownerCidGenerator } from '../../runtime/cid/cid-owner.js';

test('the generator writes host and worker, then random bytes', (t) => {
  const generate = ownerCidGenerator({ host: 7, worker: 3 });
  const a = generate(8);
  const b = generate(8);
  t.is(a.length, 8);
  t.deepEqual([a[0], a[1]], [7, 3]);
  t.deepEqual([b[0], b[1]], [7, 3]);
  t.notDeepEqual(a.subarray(2), b.subarray(2), 'the rest is random');
  t.is(generate(20).length, 20);
});

test('owners outside 0..255 and CIDs shorter than 6 are refused, naming the option', (t) => {
  t.is(t.throws(() => ownerCidGenerator({ host: 256, worker: 0 }), { instanceOf: ConfigError })!.option, 'hostId');
  t.is(t.throws(() => ownerCidGenerator({ host: 0, worker: -1 }), { instanceOf: ConfigError })!.option, 'workers');
  const generate = ownerCidGenerator({ host: 255, worker: 255 });
  t.is(generate(MIN_OWNER_CID_LENGTH)[0], 255);
  const error = t.throws(() => generate(MIN_OWNER_CID_LENGTH - 1), { instanceOf: ConfigError })!;
  t.is(error.option, 'cid.length');
});

/** A DTLS 1.3 unified header with the C bit (001 1 S L EE) and `cid` after it, then a few bytes. */
const record13 = (cid: Uint8Array): Uint8Array => Uint8Array.of(0x3c, ...cid, 0, 1, 0, 4, 1, 2, 3, 4);
/** A DTLS 1.2 tls12_cid record header: type 25, version, epoch, sequence number, then `cid`. */
const record12 = (cid: Uint8Array): Uint8Array => Uint8Array.of(25, 0xfe, 0xfd, 0, 1, 0, 0, 0, 0, 0, 9, ...cid, 0, 4);

test('the owner is read from a 1.3 record at byte 1 and a tls12_cid record at byte 11', (t) => {
  const cid = ownerCidGenerator({ host: 4, worker: 9 })(8);
  t.deepEqual(datagramOwner(record13(cid), 8), { host: 4, worker: 9 });
  t.is(datagramCidAt(record13(cid), 8), 1);
  t.deepEqual(datagramOwner(record12(cid), 8), { host: 4, worker: 9 });
  t.is(datagramCidAt(record12(cid), 8), 11);
});

test('anything else names no owner: ClientHello, 1.2 without CID, junk, empty, cut short, short CIDs', (t) => {
  const cid = Uint8Array.of(4, 9, 1, 2, 3, 4, 5, 6);
  const cases: [string, Uint8Array, number][] = [
    ['a handshake record (ClientHello)', Uint8Array.of(22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9), 8],
    ['a 1.2 application record without CID', Uint8Array.of(23, 0xfe, 0xfd, 0, 1, 0, 0, 0, 0, 0, 1, 4, 9, 0, 0), 8],
    ['a 1.3 header without the C bit', Uint8Array.of(0x2c, 4, 9, 1, 2, 3, 4, 5, 6, 0), 8],
    ['a 1.3 ciphertext header of the 010 form', Uint8Array.of(0x5c, 4, 9, 1, 2, 3, 4, 5, 6), 8],
    ['empty', new Uint8Array(0), 8],
    ['a 1.3 record cut inside its CID', record13(cid).subarray(0, 8), 8],
    ['a tls12_cid record cut inside its CID', record12(cid).subarray(0, 18), 8],
    ['a server with CIDs too short to name an owner', record13(cid), 5],
  ];
  for (const [what, datagram, length] of cases) {
    t.is(datagramOwner(datagram, length), undefined, what);
    t.is(datagramCidAt(datagram, length), -1, what);
  }
  // The shortest datagram that holds the whole CID is enough.
  t.deepEqual(datagramOwner(record13(cid).subarray(0, 9), 8), { host: 4, worker: 9 });
  t.is(datagramCidAt(record12(cid).subarray(0, 19), 8), 11);
});

test('random datagrams never throw', (t) => {
  let seed = 1;
  const next = (): number => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 16;
  for (let i = 0; i < 5000; i++) {
    const d = Uint8Array.from({ length: next() % 40 }, () => next() & 0xff);
    const length = next() % 22;
    const owner = datagramOwner(d, length);
    const at = datagramCidAt(d, length);
    t.is(owner === undefined, at === -1);
    if (owner !== undefined) t.deepEqual(owner, { host: d[at]!, worker: d[at + 1]! });
  }
});
