/**
 * Issue 55, defect 1: with `groups: ['x25519mlkem768', 'x25519']` (docs/api.md's post-quantum setting) the first
 * ClientHello carried the hybrid key share alone, 1,343 bytes in two fragments, and wolfSSL 5.7.2 timed out: it ignores
 * a first ClientHello in fragments that has no cookie (src/dtls13.c: only a verified ClientHello may come in
 * fragments), so it never answered. Now the hybrid and X25519 shares go together only when the ClientHello fits one
 * datagram (runtime/dtls13/key-share-offer.ts); at the default MTU (1,200) the ML-KEM-768 share alone (1,216
 * bytes) cannot, so the ClientHello goes whole in one datagram with no key share, X25519MLKEM768 still first in
 * supported_groups, and wolfSSL (built without ML-KEM) asks for a classical group of its choosing in its
 * HelloRetryRequest, with its cookie when it does the cookie exchange. With `mtu: 1500` both shares fit, and wolfSSL
 * takes the X25519 share without asking.
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { decodeClientHello, decodeDtlsHandshake } from '../../generated/wire/index.js';
import { findExtension } from '../../runtime/handshake/extensions.js';
import { decodeDatagram } from '../../runtime/wire/datagram.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { ourClient, startWolfServer, writePem } from './wolfssl.js';

const id = makeIdentity('p256', 'localhost', { at: Date.now() });
const pem = writePem(id);
test.after.always(() => pem.remove());

for (const cookies of [true, false]) {
  test(`dtls13 connect, groups [x25519mlkem768, x25519], default MTU ↔ wolfSSL 5.7.2 server (DTLS 1.3, cookies ${cookies ? 'on' : 'off'}): the ClientHello in one datagram, a classical group, no timeout`, async (t) => {
    const { port, run } = await startWolfServer(pem, ['-d', '-e', ...(cookies ? [] : ['-J', 'n'])], 30_000);
    const sent: Uint8Array[] = [];
    const o = await ourClient(
      port,
      {
        ca: readFileSync(pem.ca, 'utf8'),
        servername: 'localhost',
        groups: ['x25519mlkem768', 'x25519'],
        handshakeTimeout: 15_000,
        onDatagram: (direction, d) => direction === 'sent' && sent.push(d.slice()),
      },
      'hello from dtls13',
      (r) => r === 'hello from dtls13',
    );
    const { output } = await run.done;
    t.is(o.error, undefined, output);
    t.is(o.protocol, 'DTLSv1.3');
    // wolfSSL's preference among the groups listed (x25519, and the 1.2 offer's ECDSA curves).
    t.true(['x25519', 'secp256r1', 'secp384r1', 'secp521r1'].includes(o.parameters?.group ?? ''), o.parameters?.group);
    t.deepEqual(o.data, ['hello from dtls13']);
    t.true(o.parameters?.helloRetryRequest, output);
    t.true(
      sent.every((d) => d.length <= 1200),
      sent.map((d) => d.length).join(','),
    );
    // The first datagram is the whole first ClientHello: hybrid first in supported_groups, no key share.
    const [record] = decodeDatagram(sent[0]!);
    t.is(record?.kind, 'plaintext');
    const hs = decodeDtlsHandshake(record!.kind === 'plaintext' ? record!.record.fragment : new Uint8Array(0));
    t.is(hs.msgType, 'client_hello');
    t.is(hs.fragment.length, hs.length, 'not a fragment');
    const ch = decodeClientHello(hs.fragment);
    t.deepEqual(findExtension(ch.extensions, 'supported_groups')?.namedGroupList.slice(0, 2), [
      'x25519mlkem768',
      'x25519',
    ]);
    t.deepEqual(
      findExtension(ch.extensions, 'key_share')?.clientShares.map((s) => s.group),
      [],
    );
  });
}

test('dtls13 connect, groups [x25519mlkem768, x25519], mtu 1500 ↔ wolfSSL 5.7.2 server (no cookies): both shares in one datagram, x25519 taken without a HelloRetryRequest', async (t) => {
  const { port, run } = await startWolfServer(pem, ['-d', '-e', '-J', 'n'], 30_000);
  const sent: number[] = [];
  const o = await ourClient(
    port,
    {
      ca: readFileSync(pem.ca, 'utf8'),
      servername: 'localhost',
      groups: ['x25519mlkem768', 'x25519'],
      mtu: 1500,
      handshakeTimeout: 15_000,
      onDatagram: (direction, d) => direction === 'sent' && sent.push(d.length),
    },
    'hello from dtls13',
    (r) => r === 'hello from dtls13',
  );
  const { output } = await run.done;
  t.is(o.error, undefined, output);
  t.is(o.parameters?.group, 'x25519');
  t.false(o.parameters?.helloRetryRequest);
  t.true(sent[0]! > 1216 && sent[0]! <= 1500, String(sent));
});
