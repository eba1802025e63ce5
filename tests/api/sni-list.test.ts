import test from 'ava';
import { ConfigError, connect, createSecureContext, listen } from '../../runtime/index.js';
import { certificateToPem, privateKeyToPem } from '../../runtime/pki/pem.js';
import { createThrowawayIdentity } from '../../runtime/pki/throwaway-identity.js';

// listen's sni with several identities for one name (an ECDSA and an Ed25519 certificate): the one the client's
// signature_algorithms fit is presented, over real UDP; an empty list is a ConfigError naming the entry.

const name = 'dual.example.com';
const ecdsa = createThrowawayIdentity({ serverName: name, caName: 'dual test CA (ECDSA)', kind: 'p256' });
const ed25519 = createThrowawayIdentity({ serverName: name, caName: 'dual test CA (Ed25519)', kind: 'ed25519' });
const pem = (id: typeof ecdsa): { cert: string; key: string; ca: string } => ({
  cert: id.chain.map((c) => certificateToPem(c)).join(''),
  key: privateKeyToPem(id.privateKey),
  ca: certificateToPem(id.caDer),
});

test('several identities for a name: the client’s signature algorithms choose', async (t) => {
  const [e, d] = [pem(ecdsa), pem(ed25519)];
  for (const form of ['map', 'function'] as const) {
    const entry = [{ cert: e.cert, key: e.key }, createSecureContext({ cert: d.cert, key: d.key })];
    const sni = form === 'map' ? { [name]: entry } : (servername: string) => (servername === name ? entry : undefined);
    const endpoint = listen(() => {}, { host: '127.0.0.1', sni });
    const { port } = await endpoint.listening;
    for (const [ca, signatureAlgorithms, expected] of [
      [d.ca, ['ed25519'], 'ed25519'],
      [e.ca, ['ecdsa_secp256r1_sha256'], 'ecdsa_secp256r1_sha256'],
    ] as const) {
      const session = connect('127.0.0.1', port, {
        ca,
        servername: name,
        signatureAlgorithms: [...signatureAlgorithms],
      });
      await session.opened;
      t.is(session.parameters?.signatureAlgorithm, expected, `${form}: ${expected}`);
      await session.close();
    }
    await endpoint.close();
  }
});

test('an empty list is a ConfigError naming the entry', (t) => {
  const error = t.throws(() => listen(() => {}, { host: '127.0.0.1', sni: { [name]: [] } }), {
    instanceOf: ConfigError,
  });
  t.is(error?.option, `sni['${name}']`);
});
