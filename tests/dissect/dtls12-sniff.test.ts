/**
 * How the dissector tells a 1.2 conversation from a 1.3 one before
 * dissecting it (cli/dissect/version-sniff.ts), on real hellos: a 1.2
 * ServerHello (OpenSSL 3.0's, recorded) has no supported_versions, a 1.3
 * one (dtls13's server) has; HelloVerifyRequest, ChangeCipherSpec and
 * tls12_cid records mean 1.2, a unified header 1.3; ClientHellos alone
 * decide nothing.
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { sniffVersion } from '../../cli/dissect/version-sniff.js';
import { DtlsConnection } from '../../runtime/connection/connection.js';
import { makeIdentity } from '../support/pki-fixtures.js';

const recorded = JSON.parse(
  readFileSync(new URL('../vectors/openssl-dtls12-handshakes.json', import.meta.url), 'utf8'),
) as {
  captures: readonly { datagrams: readonly { from: string; hex: string }[] }[];
};
const datagrams = recorded.captures[0]!.datagrams.map((d) => ({
  from: d.from,
  bytes: new Uint8Array(Buffer.from(d.hex, 'hex')),
}));
/** The recorded datagram whose first record is a handshake message of `msgType`. */
const first = (msgType: number): Uint8Array =>
  datagrams.find((d) => d.bytes[0] === 22 && d.bytes[13] === msgType)!.bytes;

test('a 1.2 ServerHello alone says 1.2; a 1.3 ServerHello (supported_versions) says 1.3', (t) => {
  t.is(sniffVersion([first(2)]), '1.2');
  const id = makeIdentity('p256', 'localhost', { at: Date.now() });
  const client = DtlsConnection.client({ trustAnchors: [id.caDer], serverName: 'localhost' });
  const server = DtlsConnection.server({
    certificate: { chain: id.chain, privateKey: id.privateKey },
    amplificationLimit: false, // an in-memory peer: tests/shared/amplification-limit.test.ts tests the limit
  });
  client.connect(0);
  server.receive(client.pollTransmit()!, 0);
  const answer = server.pollTransmit()!;
  t.is(answer[13], 2, 'a ServerHello (or HelloRetryRequest)');
  t.is(sniffVersion([answer]), '1.3');
});

test('ClientHellos decide nothing; HelloVerifyRequest, ChangeCipherSpec, tls12_cid mean 1.2; a unified header 1.3', (t) => {
  const hellos = datagrams.filter((d) => d.from === 'client' && d.bytes[13] === 1).map((d) => d.bytes);
  t.is(hellos.length, 2);
  t.is(sniffVersion(hellos), '1.3', 'nothing decisive: the default');
  t.is(sniffVersion([...hellos, first(3)]), '1.2');
  t.is(sniffVersion([Uint8Array.of(20, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 1)]), '1.2');
  t.is(sniffVersion([Uint8Array.of(25, 0xfe, 0xfd, 0, 1, 0, 0, 0, 0, 0, 1, 1, 2, 0, 0)]), '1.2');
  t.is(sniffVersion([Uint8Array.of(0x2c, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19)]), '1.3');
  // Cut short or garbage: no decision, no throw.
  t.is(sniffVersion([first(2).subarray(0, 40), Uint8Array.of(22, 0xfe), new Uint8Array(0)]), '1.3');
});
