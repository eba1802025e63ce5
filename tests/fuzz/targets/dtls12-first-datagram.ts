/**
 * A server's first datagram from an unknown address, in DTLS 1.2: the
 * version choice (`chooseServerVersion`, runtime/connection/version-negotiation.ts)
 * with each set of enabled versions, then, when it picks 1.2, a fresh
 * 1.2-only `DtlsConnection` server (`maxVersion: 'DTLSv1.2'`) with
 * HelloVerifyRequest on (the cookie check of runtime/dtls12/cookie.ts). The first input byte picks the enabled
 * versions; the rest is the datagram. Seeds are real ClientHellos:
 * OpenSSL's (tests/vectors/openssl-dtls12-handshakes.json), dtls13's 1.2
 * client's first and second (the second with a cookie valid for this
 * server's secret and the peer's address), and dtls13's 1.3+1.2 client's.
 *
 * Invariants: nothing escapes `chooseServerVersion` or `receive`; the
 * choice is an enabled version or a named refusal, 1.3 only for a hello
 * that offers it; a hello without a valid cookie leaves the server in
 * waitClientHello with nothing kept, answered by at most one datagram, a
 * HelloVerifyRequest carrying the cookie made for that hello.
 */
import { decodeClientHello, type ClientHello } from '../../../generated/wire/client-hello.js';
import { readDtlsHandshake } from '../../../generated/wire/dtls-handshake.js';
import { readDtls12Record } from '../../../generated/wire/dtls12-record.js';
import { decodeHelloVerifyRequest } from '../../../generated/wire/hello-verify-request.js';
import { DtlsConnection } from '../../../runtime/connection/connection.js';
import { nodeProvider } from '../../../runtime/crypto/node/index.js';
import { cookieValid12, makeCookie12 } from '../../../runtime/dtls12/cookie.js';
import { decodeDatagram12 } from '../../../runtime/record/datagram12.js';
import { chooseServerVersion } from '../../../runtime/connection/version-negotiation.js';
import type { DtlsVersionName } from '../../../runtime/versions/versions.js';
import { findExtension } from '../../../runtime/handshake/extensions.js';
import { DecodeError } from '../../../runtime/wire/errors.js';
import { Reader } from '../../../runtime/wire/reader.js';
import { makeIdentity } from '../../support/pki-fixtures.js';
import { InvariantViolation, type FuzzTarget } from '../engine/target.js';
import { recordedTraffic12 } from './dtls12-traffic.js';

const ENABLED: readonly (readonly DtlsVersionName[])[] = [['DTLSv1.3', 'DTLSv1.2'], ['DTLSv1.2'], ['DTLSv1.3']];
const COOKIE_SECRET = new Uint8Array(32).fill(7);
const PEER = '192.0.2.1:5000';

let identity: ReturnType<typeof makeIdentity> | undefined;
const id = (): ReturnType<typeof makeIdentity> =>
  (identity ??= makeIdentity('p256', 'server.test', { at: Date.now() }));

function server(): DtlsConnection {
  const { chain, privateKey } = id();
  return DtlsConnection.server({
    maxVersion: 'DTLSv1.2',
    certificate: { chain, privateKey },
    cookieSecret: COOKIE_SECRET,
    peer: PEER,
  });
}

/**
 * The datagram's ClientHello as the version choice reads it: the first record
 * only, whole in one fragment, whatever follows it (a 1.3 flight may carry
 * protected records after it), or undefined.
 */
function clientHello(datagram: Uint8Array): ClientHello | undefined {
  try {
    const first = readDtls12Record(new Reader(datagram, 'Datagram12'));
    if (first.type !== 'handshake' || first.epoch !== 0) return undefined;
    const f = readDtlsHandshake(new Reader(first.fragment, 'Handshake'));
    if (f.msgType !== 'client_hello' || f.fragmentOffset !== 0 || f.fragment.length !== f.length) return undefined;
    return decodeClientHello(f.fragment);
  } catch (e) {
    if (e instanceof DecodeError) return undefined;
    throw e;
  }
}

/** The HelloVerifyRequest's cookie in a server datagram, or undefined when it is not one. */
function hvrCookie(d: Uint8Array): Uint8Array | undefined {
  const [w] = decodeDatagram12(d);
  if (w?.kind !== 'record' || w.record.type !== 'handshake') return undefined;
  const f = readDtlsHandshake(new Reader(w.record.fragment, 'Handshake'));
  return f.msgType === 'hello_verify_request' ? decodeHelloVerifyRequest(f.fragment).cookie : undefined;
}

const toHex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');

export const dtls12FirstDatagramTarget: FuzzTarget = {
  name: 'dtls12-first-datagram',
  maxLength: 2048,
  setup() {
    id();
  },
  run(input) {
    const enabled = ENABLED[(input[0] ?? 0) % ENABLED.length]!;
    const datagram = input.subarray(1);
    const choice = chooseServerVersion(datagram, enabled);
    if (choice.version !== undefined && !enabled.includes(choice.version))
      throw new InvariantViolation(`chose ${choice.version}, not enabled`);
    const ch = clientHello(datagram);
    if (
      choice.version === 'DTLSv1.3' &&
      !findExtension(ch?.extensions ?? [], 'supported_versions')?.versions.includes('dtls1_3')
    )
      throw new InvariantViolation('chose 1.3 for a hello that does not offer it');
    if (choice.version !== 'DTLSv1.2') return;
    const s = server();
    s.receive(datagram, 0);
    const sent: Uint8Array[] = [];
    for (let d = s.pollTransmit(); d !== undefined; d = s.pollTransmit()) sent.push(d);
    while (s.pollEvent() !== undefined);
    if (ch === undefined || cookieValid12(nodeProvider, COOKIE_SECRET, PEER, ch)) return;
    // No valid cookie: stateless. At most a HelloVerifyRequest, with the cookie for this very hello.
    if (s.state !== 'waitClientHello')
      throw new InvariantViolation(`a hello without a valid cookie moved the server to ${s.state}`);
    if (sent.length > 1) throw new InvariantViolation(`a hello without a valid cookie got ${sent.length} datagrams`);
    if (sent.length === 1) {
      const cookie = hvrCookie(sent[0]!);
      if (cookie === undefined)
        throw new InvariantViolation(
          'a hello without a valid cookie was answered by something other than a HelloVerifyRequest',
        );
      if (toHex(cookie) !== toHex(makeCookie12(nodeProvider, COOKIE_SECRET, PEER, ch)))
        throw new InvariantViolation('the HelloVerifyRequest cookie is not the one for this hello');
    }
  },
  seeds() {
    const hellos: Uint8Array[] = [];
    for (const t of recordedTraffic12())
      hellos.push(
        ...t.datagrams.filter((d) => d.from === 'client' && d.bytes[0] === 22 && d.bytes[13] === 1).map((d) => d.bytes),
      );
    // dtls13's 1.2 client: its first hello, the HelloVerifyRequest from this server, its second hello (valid cookie).
    const { caDer } = id();
    const c = DtlsConnection.client({ maxVersion: 'DTLSv1.2', trustAnchors: [caDer], serverName: 'server.test' });
    c.connect(0);
    const first = c.pollTransmit();
    if (first) {
      hellos.push(first);
      const s = server();
      s.receive(first, 0);
      const hvr = s.pollTransmit();
      if (hvr) {
        c.receive(hvr, 0);
        const second = c.pollTransmit();
        if (second) hellos.push(second);
      }
    }
    // dtls13's 1.3 client (supported_versions with 1.3).
    const c13 = DtlsConnection.client({ trustAnchors: [caDer], serverName: 'server.test' });
    c13.connect(0);
    const h13 = c13.pollTransmit();
    if (h13) hellos.push(h13);
    return hellos.flatMap((h) => ENABLED.map((_e, i) => Uint8Array.of(i, ...h)));
  },
  describe(input) {
    return `enabled ${ENABLED[(input[0] ?? 0) % ENABLED.length]!.join('+')}; datagram of ${input.length - 1} bytes: ${toHex(input.subarray(1))}`;
  },
};
