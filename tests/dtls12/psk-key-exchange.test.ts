/**
 * The DTLS 1.2 PSK key exchanges (runtime/dtls12/psk-key-exchange.ts): plain PSK (RFC 4279 §2) and ECDHE_PSK (RFC
 * 5489 §2), both ends of ServerKeyExchange and ClientKeyExchange and the premaster secret, the ECDHE one checked
 * against node:crypto's own X25519. Against a hostile peer: a curve not offered, an unknown or altered identity, a
 * truncated message, an invalid point each end with a typed error, and the server's key share is released whatever
 * happens.
 */
import { createPublicKey, diffieHellman, generateKeyPairSync } from 'node:crypto';
import test, { type ExecutionContext } from 'ava';
import type { AlertDescriptionName } from '../../generated/wire/enums.js';
import { encodeServerKeyExchangeEcdhePsk } from '../../generated/wire/server-key-exchange.js';
import {
  encodeClientKeyExchangeEcdhePsk,
  decodeClientKeyExchangeEcdhePsk,
} from '../../generated/wire/client-key-exchange.js';
import { nodeProvider } from '../../runtime/crypto/node/index.js';
import { CryptoError, type KeyShare } from '../../runtime/crypto/provider.js';
import {
  acceptPskClientKeyExchange12,
  isPskSuite,
  pskClientKeyExchange12,
  pskServerKeyExchange12,
  readPskServerKeyExchange12,
} from '../../runtime/dtls12/psk-key-exchange.js';
import { ProtocolError } from '../../runtime/handshake/protocol-error.js';
import type { ResolvedPsk } from '../../runtime/session/external-psk.js';
import { DecodeError } from '../../runtime/wire/errors.js';
import { dtls12Suite, type Dtls12CipherSuite } from '../../runtime/versions/suites12.js';
import { PROVIDERS } from '../support/providers.js';

const suite = (name: Dtls12CipherSuite) => dtls12Suite(name)!;
const PSK = suite('tls_psk_with_aes_128_gcm_sha256');
const ECDHE_PSK = suite('tls_ecdhe_psk_with_aes_128_gcm_sha256');
const psk: ResolvedPsk = {
  identity: new TextEncoder().encode('device-7'),
  key: new Uint8Array(16).fill(0x5a),
  hash: 'sha256',
};
const lookup = (identity: Uint8Array): ResolvedPsk | undefined =>
  Buffer.from(identity).equals(Buffer.from(psk.identity)) ? psk : undefined;
const u16 = (n: number) => [n >> 8, n & 0xff];

function released(share: KeyShare): boolean {
  try {
    share.deriveSecret(nodeProvider.generateKeyShare(share.group).publicKey);
    return false;
  } catch {
    return true;
  }
}

function refused(t: ExecutionContext, f: () => unknown, alert: AlertDescriptionName, message: RegExp): void {
  const e = t.throws(f, { instanceOf: ProtocolError, message });
  t.is(e?.alert, alert);
}

test('isPskSuite: the PSK and ECDHE_PSK suites, not the certificate ones', (t) => {
  t.true(isPskSuite(PSK));
  t.true(isPskSuite(ECDHE_PSK));
  t.false(isPskSuite(suite('tls_ecdhe_ecdsa_with_aes_128_gcm_sha256')));
  t.false(isPskSuite(suite('tls_ecdhe_rsa_with_aes_128_gcm_sha256')));
});

for (const provider of PROVIDERS) {
  test(`${provider.name}: plain PSK: no ServerKeyExchange without a hint; premaster N zeros then the PSK (RFC 4279 §2)`, (t) => {
    t.deepEqual(pskServerKeyExchange12(provider, PSK, undefined, undefined), { body: undefined, share: undefined });
    const hinted = pskServerKeyExchange12(provider, PSK, Uint8Array.of(0x68, 0x69), undefined);
    const params = readPskServerKeyExchange12(PSK, hinted.body!, ['x25519']);
    t.deepEqual([...params.hint], [0x68, 0x69]);
    t.is(params.ecdh, undefined);
    const client = pskClientKeyExchange12(provider, PSK, psk, params);
    t.is(client.group, undefined);
    const expected = [...u16(16), ...new Array<number>(16).fill(0), ...u16(16), ...psk.key];
    t.deepEqual([...client.premaster], expected);
    const server = acceptPskClientKeyExchange12(lookup, PSK, client.body, undefined);
    t.deepEqual([...server.premaster], expected);
    t.deepEqual([...server.identity], [...psk.identity]);
    t.is(server.psk, psk);
  });

  test(`${provider.name}: ECDHE_PSK: both ends make the same premaster, [len Z][Z][len PSK][PSK] (RFC 5489 §2)`, (t) => {
    const { body, share } = pskServerKeyExchange12(provider, ECDHE_PSK, undefined, 'x25519');
    const params = readPskServerKeyExchange12(ECDHE_PSK, body!, ['secp256r1', 'x25519']);
    t.is(params.hint.length, 0, 'ECDHE_PSK always sends the (empty) hint');
    t.is(params.ecdh?.group, 'x25519');
    const client = pskClientKeyExchange12(provider, ECDHE_PSK, psk, params);
    t.is(client.group, 'x25519');
    const server = acceptPskClientKeyExchange12(lookup, ECDHE_PSK, client.body, share);
    t.deepEqual([...server.premaster], [...client.premaster]);
    t.deepEqual([...client.premaster.subarray(0, 2)], u16(32));
    t.deepEqual([...client.premaster.subarray(34)], [...u16(16), ...psk.key]);
    t.true(released(share!), 'the server share is released');
  });
}

test('ECDHE_PSK against node:crypto’s X25519 as the client: the server’s premaster holds their shared secret', (t) => {
  const { body, share } = pskServerKeyExchange12(nodeProvider, ECDHE_PSK, Uint8Array.of(1), 'x25519');
  const params = readPskServerKeyExchange12(ECDHE_PSK, body!, ['x25519']);
  const ours = generateKeyPairSync('x25519');
  const serverPublic = createPublicKey({
    key: { kty: 'OKP', crv: 'X25519', x: Buffer.from(params.ecdh!.publicKey).toString('base64url') },
    format: 'jwk',
  });
  const z = diffieHellman({ privateKey: ours.privateKey, publicKey: serverPublic });
  const ourPublic = Buffer.from(ours.publicKey.export({ format: 'jwk' }).x!, 'base64url');
  const cke = encodeClientKeyExchangeEcdhePsk({ pskIdentity: psk.identity, ecdhYc: ourPublic });
  const server = acceptPskClientKeyExchange12(lookup, ECDHE_PSK, cke, share);
  t.deepEqual([...server.premaster], [...u16(32), ...z, ...u16(16), ...psk.key]);
});

test('server: ECDHE_PSK with no group in common is handshake_failure', (t) => {
  refused(
    t,
    () => pskServerKeyExchange12(nodeProvider, ECDHE_PSK, undefined, undefined),
    'handshake_failure',
    /no ECDHE group/,
  );
});

test('client, hostile server: a curve not offered is illegal_parameter; a truncated ServerKeyExchange a DecodeError', (t) => {
  const body = encodeServerKeyExchangeEcdhePsk({
    pskIdentityHint: new Uint8Array(0),
    params: { namedCurve: 'secp384r1', publicKey: new Uint8Array(97).fill(4) },
  });
  refused(
    t,
    () => readPskServerKeyExchange12(ECDHE_PSK, body, ['x25519', 'secp256r1']),
    'illegal_parameter',
    /secp384r1, which was not offered/,
  );
  const good = pskServerKeyExchange12(nodeProvider, ECDHE_PSK, Uint8Array.of(7), 'x25519');
  good.share?.release();
  for (const n of [0, 1, 3, good.body!.length - 1])
    t.throws(
      () => readPskServerKeyExchange12(ECDHE_PSK, good.body!.subarray(0, n), ['x25519']),
      { instanceOf: DecodeError },
      `${n} bytes`,
    );
  t.throws(() => readPskServerKeyExchange12(PSK, Uint8Array.of(0, 5, 1), ['x25519']), { instanceOf: DecodeError });
});

test('client: an ECDHE_PSK suite without the server ECDH parameters is unexpected_message', (t) => {
  refused(
    t,
    () => pskClientKeyExchange12(nodeProvider, ECDHE_PSK, psk, { hint: new Uint8Array(0), ecdh: undefined }),
    'unexpected_message',
    /without the server ECDH parameters/,
  );
});

test('server, hostile client: an unknown or altered identity is unknown_psk_identity, named, and the share is released', (t) => {
  for (const identity of [
    new TextEncoder().encode('device-8'),
    psk.identity.subarray(1),
    new Uint8Array(300).fill(0x41),
  ]) {
    const { share } = pskServerKeyExchange12(nodeProvider, ECDHE_PSK, undefined, 'x25519');
    const cke = encodeClientKeyExchangeEcdhePsk({ pskIdentity: identity, ecdhYc: new Uint8Array(32).fill(9) });
    refused(
      t,
      () => acceptPskClientKeyExchange12(lookup, ECDHE_PSK, cke, share),
      'unknown_psk_identity',
      /is not known here/,
    );
    t.true(released(share!));
  }
  refused(
    t,
    () =>
      acceptPskClientKeyExchange12(
        undefined,
        PSK,
        pskClientKeyExchange12(nodeProvider, PSK, psk, { hint: new Uint8Array(0), ecdh: undefined }).body,
        undefined,
      ),
    'unknown_psk_identity',
    /device-7/,
  );
});

test('server, hostile client: a truncated ClientKeyExchange is a DecodeError; an invalid point throws; both release the share', (t) => {
  const { body, share } = pskServerKeyExchange12(nodeProvider, ECDHE_PSK, undefined, 'secp256r1');
  const client = pskClientKeyExchange12(
    nodeProvider,
    ECDHE_PSK,
    psk,
    readPskServerKeyExchange12(ECDHE_PSK, body!, ['secp256r1']),
  );
  t.throws(
    () => acceptPskClientKeyExchange12(lookup, ECDHE_PSK, client.body.subarray(0, client.body.length - 1), share),
    { instanceOf: DecodeError },
  );
  t.true(released(share!));
  const second = pskServerKeyExchange12(nodeProvider, ECDHE_PSK, undefined, 'secp256r1');
  const decoded = decodeClientKeyExchangeEcdhePsk(client.body);
  const notOnCurve = decoded.ecdhYc.slice();
  notOnCurve[64] = (notOnCurve[64] ?? 0) ^ 1;
  const forged = encodeClientKeyExchangeEcdhePsk({ pskIdentity: decoded.pskIdentity, ecdhYc: notOnCurve });
  t.throws(() => acceptPskClientKeyExchange12(lookup, ECDHE_PSK, forged, second.share), { instanceOf: CryptoError });
  t.true(released(second.share!));
});

test('server: an ECDHE_PSK ClientKeyExchange with no share of ours is internal_error', (t) => {
  const cke = encodeClientKeyExchangeEcdhePsk({ pskIdentity: psk.identity, ecdhYc: new Uint8Array(32).fill(9) });
  refused(
    t,
    () => acceptPskClientKeyExchange12(lookup, ECDHE_PSK, cke, undefined),
    'internal_error',
    /without our key share/,
  );
});
