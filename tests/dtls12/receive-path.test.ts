/**
 * The DTLS 1.2 receive path with lent datagrams (the server's receive
 * buffer, valid only while receive() runs: DatagramIo.receive's `lend`):
 * nothing a DtlsConnection hands up or keeps may view the datagram. Every
 * datagram here is handed over as a view of one shared buffer, overwritten
 * right after receive() returns: the handshake with fragments reassembled
 * across datagrams and epoch-1 records held for the ChangeCipherSpec, the
 * common one-record application data datagram (read in place) and several
 * records in one datagram. The drops of the in-place read are those of the
 * record-by-record one. Both providers: the addon's 1.2 record path and
 * node:crypto's.
 */
import test from 'ava';
import { nativeProvider } from '../../runtime/crypto/native/index.js';
import { nodeProvider } from '../../runtime/crypto/node/index.js';
import type { CryptoProvider } from '../../runtime/crypto/provider.js';
import { DtlsConnection } from '../../runtime/connection/connection.js';
import { decodeDatagram12, encodeDatagram12 } from '../../runtime/record/datagram12.js';
import type { MessageBuffers } from '../../runtime/wire/message-arena.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { pair12, pump, type Pair12 } from './pair12.js';

/** DTLS 1.2 only, through the one DtlsConnection. */
const ONLY_12 = { minVersion: 'DTLSv1.2', maxVersion: 'DTLSv1.2' } as const;

const id = makeIdentity('p256', 'server.test', { at: Date.now() });
const certificate = { chain: id.chain, privateKey: id.privateKey };
const SUITE = 'tls_ecdhe_ecdsa_with_aes_128_gcm_sha256';
const providers: readonly CryptoProvider[] =
  nativeProvider === undefined ? [nodeProvider] : [nativeProvider, nodeProvider];

/** One receive buffer for every datagram, as the server's reading has. */
const slab = new Uint8Array(65_536);

/** Delivers `d` to `to` as a view of the slab at an offset, then overwrites the slab (the next read). */
function lend(to: DtlsConnection, d: Uint8Array, now: number): void {
  slab.set(d, 100);
  to.receive(slab.subarray(100, 100 + d.length), now);
  slab.fill(0xee);
}

/** pump() with every datagram lent; a datagram holding a ChangeCipherSpec has its epoch-1 records sent ahead of it (reordered), so they are held. */
function pumpLent(p: Pair12<DtlsConnection>, rounds = 200): void {
  const heldAhead = { count: 0 };
  pump(
    p,
    (from, d) => {
      const to = from === 'client' ? p.server : p.client;
      let records;
      try {
        records = decodeDatagram12(d);
      } catch {
        return d; // a tls12_cid datagram: not in these tests
      }
      const ccs = records.findIndex((r) => r.kind === 'record' && r.record.type === 'change_cipher_spec');
      const epoch1 = records.filter((r) => r.record.epoch === 1);
      if (ccs >= 0 && epoch1.length > 0) {
        heldAhead.count++;
        lend(to, encodeDatagram12(epoch1), p.now);
        lend(to, encodeDatagram12(records.filter((r) => r.record.epoch === 0)), p.now);
      } else lend(to, d, p.now);
      return undefined;
    },
    rounds,
  );
  if (heldAhead.count === 0) throw new Error('no epoch-1 record went ahead of its ChangeCipherSpec');
}

function connectedLent(provider: CryptoProvider, messageBuffers: MessageBuffers = 'batch'): Pair12<DtlsConnection> {
  // 300-byte datagrams: the certificate and other messages arrive in fragments, reassembled across datagrams.
  const p = pair12(
    DtlsConnection.client({
      ...ONLY_12,
      provider,
      trustAnchors: [id.caDer],
      serverName: 'server.test',
      cipherSuites12: [SUITE],
      maxDatagramSize: 300,
    }),
    DtlsConnection.server({
      ...ONLY_12,
      provider,
      certificate,
      cipherSuites12: [SUITE],
      maxDatagramSize: 300,
      messageBuffers,
    }),
  );
  p.client.connect(0);
  pumpLent(p);
  return p;
}

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/**
 * What `buffer` holds besides messages of `texts` and zeros (nothing, in 'batch' mode): the messages that view it, and
 * the plaintext of a second record of its datagram, which went to the application as a copy of its own (apartFromWaiting).
 */
function notMessages(buffer: ArrayBufferLike, texts: readonly string[]): string[] {
  const runs = decode(new Uint8Array(buffer))
    .split('\0')
    .filter((r) => r !== '');
  const longestFirst = texts.filter((x) => x !== '').sort((a, b) => b.length - a.length);
  return runs.filter((r) => longestFirst.reduce((left, x) => left.split(x).join(''), r) !== '');
}
const decode = (b: Uint8Array): string => new TextDecoder().decode(b);
const data = (p: Pair12<DtlsConnection>, side: 'client' | 'server'): Uint8Array[] =>
  p.events[side].flatMap((e) => (e.type === 'data' ? [e.data] : []));

for (const provider of providers) {
  test(`${provider.name}: a handshake of lent datagrams completes (fragments across datagrams, epoch-1 records held for the ChangeCipherSpec)`, (t) => {
    const p = connectedLent(provider);
    t.is(p.client.state, 'connected');
    t.is(p.server.state, 'connected');
    t.is(p.server.stats.drops.authentication + p.client.stats.drops.authentication, 0);
  });

  for (const messageBuffers of ['batch', 'own'] as const) {
    test(`${provider.name}, '${messageBuffers}': data from lent datagrams survives the buffer's reuse; its ArrayBuffer holds nothing else`, (t) => {
      const p = connectedLent(provider, messageBuffers);
      const messages = ['one record alone', 'x'.repeat(260), '', 'after the empty one']; // 260: the most one 300-byte datagram carries
      for (const m of messages) {
        p.client.send(text(m));
        lend(p.server, p.client.pollTransmit()!, p.now);
      }
      // Two records in one datagram: the record-by-record path.
      p.client.send(text('first of two'));
      p.client.send(text('second of two'));
      const a = p.client.pollTransmit()!;
      const b = p.client.pollTransmit()!;
      const both = new Uint8Array(a.length + b.length);
      both.set(a);
      both.set(b, a.length);
      lend(p.server, both, p.now);
      pump(p);
      const got = data(p, 'server');
      t.deepEqual(got.map(decode), [...messages, 'first of two', 'second of two']);
      for (const d of got) {
        t.not(d.buffer, slab.buffer);
        if (messageBuffers === 'own')
          t.is(d.buffer.byteLength, d.length, 'the message is the whole of its ArrayBuffer');
        // 'batch': an arena per datagram here (no receive batch); what is not a message of this connection is zeros.
        else t.deepEqual(notMessages(d.buffer, [...messages, 'first of two', 'second of two']), []);
      }
    });
  }

  test(`${provider.name}: the one-record datagram read in place drops as the record-by-record path does`, (t) => {
    const p = connectedLent(provider);
    const seal = (m: string): Uint8Array => {
      p.client.send(text(m));
      return p.client.pollTransmit()!;
    };
    const records = Array.from({ length: 70 }, (_, i) => seal(`m${i}`));
    for (const r of records.slice(1)) lend(p.server, r, p.now);
    const before = { ...p.server.stats.drops };
    const counted = (reason: keyof typeof before): number => p.server.stats.drops[reason] - before[reason];
    lend(p.server, records[69]!, p.now); // seen
    lend(p.server, records[0]!, p.now); // left of the window
    const version = seal('version').slice();
    version[2] = 0xfc; // 0xfefc: DTLS 1.3's number in a 1.2 record
    lend(p.server, version, p.now);
    const tag = seal('tag').slice();
    tag[tag.length - 1]! ^= 1;
    lend(p.server, tag, p.now);
    const short = seal('short')
      .subarray(0, 13 + 8 + 15)
      .slice();
    short[11] = 0;
    short[12] = 8 + 15; // the explicit nonce and 15 bytes: shorter than the tag
    lend(p.server, short, p.now);
    const epoch2 = seal('epoch').slice();
    epoch2[4] = 2;
    lend(p.server, epoch2, p.now);
    const past = seal('past').slice();
    past[12]! += 1; // the length runs past the datagram
    lend(p.server, past, p.now);
    t.is(counted('replay'), 1);
    t.is(counted('too-old'), 1);
    t.is(counted('malformed'), 2);
    t.is(counted('authentication'), 1);
    t.is(counted('too-short'), 1);
    t.is(counted('unknown-epoch'), 1);
    pump(p);
    t.deepEqual(
      data(p, 'server').map(decode),
      Array.from({ length: 69 }, (_, i) => `m${i + 1}`),
    );
    // The refused records moved nothing: the session goes on.
    lend(p.server, seal('after'), p.now);
    pump(p);
    t.is(decode(data(p, 'server').at(-1)!), 'after');
  });
}
