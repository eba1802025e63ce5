/**
 * The 1.2 handshake log (runtime/dtls12/handshake-log.ts): each message enters with the 12-byte header of one whole
 * fragment (RFC 6347 §4.2.6), so the hash and the kept bytes are the same whatever fragments the message came in; a
 * HelloVerifyRequest exchange restarts both; the bytes are copies (a caller reusing its buffer changes nothing) and
 * are gone once released, with an error that says so.
 */
import { createHash } from 'node:crypto';
import test from 'ava';
import { HandshakeLog12 } from '../../runtime/dtls12/handshake-log.js';
import { nodeProvider } from '../../runtime/crypto/node/index.js';
import { nativeProvider } from '../../runtime/crypto/native/index.js';

const header = (type: number, seq: number, n: number) =>
  Buffer.from([
    type,
    n >> 16,
    (n >> 8) & 0xff,
    n & 0xff,
    seq >> 8,
    seq & 0xff,
    0,
    0,
    0,
    n >> 16,
    (n >> 8) & 0xff,
    n & 0xff,
  ]);

test('messages enter with a whole-fragment header; the digest and the bytes agree with node:crypto', (t) => {
  const log = new HandshakeLog12(nodeProvider);
  const hello = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
  const serverHello = Uint8Array.of(9, 9, 9);
  log.add(1, 0, hello);
  log.choose('sha384');
  log.add(2, 0x0102, serverHello);
  const expected = Buffer.concat([header(1, 0, 300), hello, header(2, 0x0102, 3), serverHello]);
  t.deepEqual(Buffer.from(log.messages()), expected);
  t.is(Buffer.from(log.digest()).toString('hex'), createHash('sha384').update(expected).digest('hex'));
});

test('the kept bytes are copies: a caller reusing its buffer does not change the log', (t) => {
  const log = new HandshakeLog12(nodeProvider);
  const buffer = Uint8Array.of(1, 2, 3);
  log.add(11, 1, buffer);
  buffer.fill(0);
  t.deepEqual([...log.messages().subarray(12)], [1, 2, 3]);
});

test('restart after a HelloVerifyRequest: the first ClientHello is forgotten by the hash and the bytes', (t) => {
  const log = new HandshakeLog12(nodeProvider);
  log.add(1, 0, Uint8Array.of(1));
  log.add(3, 0, Uint8Array.of(3));
  log.restart();
  log.add(1, 1, Uint8Array.of(4));
  log.choose('sha256');
  const expected = Buffer.concat([header(1, 1, 1), Buffer.of(4)]);
  t.deepEqual(Buffer.from(log.messages()), expected);
  t.is(Buffer.from(log.digest()).toString('hex'), createHash('sha256').update(expected).digest('hex'));
});

test('released: the hash goes on, the bytes are gone and asking for them says why', (t) => {
  const log = new HandshakeLog12(nodeProvider);
  log.choose('sha256');
  log.add(1, 0, Uint8Array.of(1));
  log.release();
  log.add(20, 5, Uint8Array.of(2));
  const expected = Buffer.concat([header(1, 0, 1), Buffer.of(1), header(20, 5, 1), Buffer.of(2)]);
  t.is(Buffer.from(log.digest()).toString('hex'), createHash('sha256').update(expected).digest('hex'));
  t.throws(() => log.messages(), { message: /released: no CertificateVerify needs them/ });
  t.throws(() => log.restart(), { message: /restarts only before the hash is chosen/ });
  const early = new HandshakeLog12(nodeProvider);
  early.add(1, 0, Uint8Array.of(1));
  early.release();
  early.restart();
  early.add(1, 1, Uint8Array.of(2));
  t.throws(() => early.messages(), { message: /released/ }, 'a restart does not bring them back');
});

test('messages past the first kept array (a long chain) are kept whole and hashed once each, on every provider', (t) => {
  const providers = [nodeProvider, ...(nativeProvider ? [nativeProvider] : [])];
  for (const provider of providers) {
    const log = new HandshakeLog12(provider);
    const hello = Uint8Array.from({ length: 700 }, (_, i) => (i * 7) & 0xff);
    const chain = Uint8Array.from({ length: 5000 }, (_, i) => (i * 13) & 0xff);
    const done = Uint8Array.of();
    log.add(1, 0, hello);
    log.add(11, 1, chain); // past the first array: grown, the hello copied along
    log.choose('sha256');
    log.add(14, 2, done);
    log.add(16, 3, chain); // after the hash is chosen: kept and hashed
    const expected = Buffer.concat([
      header(1, 0, 700),
      hello,
      header(11, 1, 5000),
      chain,
      header(14, 2, 0),
      header(16, 3, 5000),
      chain,
    ]);
    t.deepEqual(Buffer.from(log.messages()), expected, provider.name);
    t.is(Buffer.from(log.digest()).toString('hex'), createHash('sha256').update(expected).digest('hex'), provider.name);
  }
});
