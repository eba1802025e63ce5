import test from 'ava';
import { decodeClientHello, decodeDtlsHandshake } from '../../generated/wire/index.js';
import { ConfigError } from '../../runtime/config-error.js';
import { certificateSignatureSchemes } from '../../runtime/shared/certificate-schemes.js';
import { findExtension } from '../../runtime/handshake/extensions.js';
import { parseCertificate } from '../../runtime/pki/certification-path.js';
import { derExplicit, derInteger, derNull, derOid, derSequence } from '../../runtime/wire/der-writer.js';
import { PKI_OID } from '../../runtime/pki/oids.js';
import { decodeDatagram } from '../../runtime/wire/datagram.js';
import { handshake } from '../support/handshake.js';
import { makeIdentity, type Identity } from '../support/pki-fixtures.js';
import { makePair } from '../support/stepper.js';

// signature_algorithms_cert (RFC 8446 §4.2.3): the schemes accepted in the peer's certificates, sent and honoured.

const p256 = makeIdentity('p256', 'server.test'); // leaf signed by a P-256 CA: ecdsa-with-SHA256
const edSigned = makeIdentity('p256', 'server.test', { caKind: 'ed25519' });
const pssSigned = makeIdentity('p256', 'server.test', { caKind: 'rsa-pss2048' });

const schemesOf = (identity: Identity): readonly string[] => {
  const parsed = parseCertificate(identity.chain[0]!, 'leaf');
  if (typeof parsed === 'string') throw new Error(parsed);
  return certificateSignatureSchemes(parsed.fields.signatureAlgorithmOid, parsed.fields.signatureAlgorithm);
};

test("certificate signatures map to TLS schemes (ECDSA by hash, Ed25519, RSASSA-PSS by its parameters' hash)", (t) => {
  t.deepEqual(schemesOf(p256), ['ecdsa_secp256r1_sha256']);
  t.deepEqual(schemesOf(edSigned), ['ed25519']);
  t.deepEqual(schemesOf(pssSigned), ['rsa_pss_rsae_sha256', 'rsa_pss_pss_sha256']);
});

test('a client sends it when configured, and refuses a chain signed otherwise with unsupported_certificate', (t) => {
  const { client } = makePair(p256, { client: { signatureAlgorithmsCert: ['ed25519', 'ecdsa_secp256r1_sha256'] } });
  client.connect(0);
  const [record] = decodeDatagram(client.pollTransmit()!);
  if (record?.kind !== 'plaintext') return void t.fail('no ClientHello');
  const ch = decodeClientHello(decodeDtlsHandshake(record.record.fragment).fragment);
  t.deepEqual(findExtension(ch.extensions, 'signature_algorithms_cert')?.supportedSignatureAlgorithms, [
    'ed25519',
    'ecdsa_secp256r1_sha256',
  ]);
  const { client: plain } = makePair(p256);
  plain.connect(0);
  const [plainRecord] = decodeDatagram(plain.pollTransmit()!);
  if (plainRecord?.kind !== 'plaintext') return void t.fail('no ClientHello');
  t.is(
    findExtension(
      decodeClientHello(decodeDtlsHandshake(plainRecord.record.fragment).fragment).extensions,
      'signature_algorithms_cert',
    ),
    undefined,
  );

  t.truthy(handshake(p256, { client: { signatureAlgorithmsCert: ['ecdsa_secp256r1_sha256'] } }).parameters);
  t.truthy(handshake(edSigned, { client: { signatureAlgorithmsCert: ['ed25519'] } }).parameters);
  t.truthy(handshake(pssSigned, { client: { signatureAlgorithmsCert: ['rsa_pss_rsae_sha256'] } }).parameters);
  const refused = handshake(p256, { client: { signatureAlgorithmsCert: ['ed25519', 'rsa_pss_rsae_sha256'] } });
  t.is(refused.parameters, undefined);
  t.is(refused.link.client.failure?.alert, 'unsupported_certificate');
  t.regex(refused.link.client.failure?.message ?? '', /ecdsa_secp256r1_sha256/);
  t.is(
    handshake(pssSigned, { client: { signatureAlgorithmsCert: ['rsa_pss_rsae_sha384'] } }).link.client.failure?.alert,
    'unsupported_certificate',
  );
});

test('a server checks the client chain with it (and lists it in its CertificateRequest)', (t) => {
  const clientEd = makeIdentity('p256', 'client.test', { caKind: 'ed25519' });
  const clientEc = makeIdentity('p256', 'client.test');
  const server = { clientAuthentication: 'required' as const, signatureAlgorithmsCert: ['ed25519' as const] };
  t.truthy(handshake(p256, { clientId: clientEd, server }).parameters);
  const refused = handshake(p256, { clientId: clientEc, server });
  t.is(refused.link.server.failure?.alert, 'unsupported_certificate');
});

test('the option is a non-empty list of scheme names', (t) => {
  for (const bad of [[], ['sha1'], 'ed25519']) {
    t.is(
      t.throws(() => handshake(p256, { client: { signatureAlgorithmsCert: bad as ['ed25519'] } }), {
        instanceOf: ConfigError,
      })?.option,
      'signatureAlgorithmsCert',
    );
  }
});

test('RSASSA-PSS counts as a scheme only when hash, MGF1 hash and salt are all of one hash (RFC 8446 §4.2.3)', (t) => {
  const hash = (oid: string, withNull: boolean): Uint8Array =>
    derSequence(withNull ? [derOid(oid), derNull()] : [derOid(oid)]);
  const pss = (main: string, mgf: string, salt: number, withNull = true): Uint8Array =>
    derSequence([
      derOid(PKI_OID.rsassaPss),
      derSequence([
        derExplicit(0, hash(main, withNull)),
        derExplicit(1, derSequence([derOid(PKI_OID.mgf1), hash(mgf, withNull)])),
        derExplicit(2, derInteger(BigInt(salt))),
      ]),
    ]);
  const schemes = (id: Uint8Array): readonly string[] => certificateSignatureSchemes(PKI_OID.rsassaPss, id);
  t.deepEqual(schemes(pss(PKI_OID.sha384, PKI_OID.sha384, 48)), ['rsa_pss_rsae_sha384', 'rsa_pss_pss_sha384']);
  t.deepEqual(
    schemes(pss(PKI_OID.sha256, PKI_OID.sha256, 32, false)),
    ['rsa_pss_rsae_sha256', 'rsa_pss_pss_sha256'],
    'hash parameters absent',
  );
  t.deepEqual(schemes(pss(PKI_OID.sha384, PKI_OID.sha256, 48)), [], 'MGF1 with another hash is no TLS scheme');
  t.deepEqual(schemes(pss(PKI_OID.sha256, PKI_OID.sha256, 20)), [], 'a salt shorter than the digest is no TLS scheme');
});
