/**
 * What a user of the package entry needs for DTLS 1.2 sessions (issue 28):
 * `Dtls12FeatureError` (what only DTLS 1.3 has, asked of a 1.2 session),
 * `isDtls12` and the `SessionParameters` / `Negotiated12Parameters` types,
 * imported from runtime/index.ts as `import { … } from 'dtls13'` gets them,
 * and the same classes the sessions throw and report.
 */
import test from 'ava';
import {
  connect,
  createThrowawayIdentity,
  Dtls12FeatureError,
  isDtls12,
  listen,
  type Negotiated12Parameters,
  type SessionParameters,
} from '../../runtime/index.js';

const id = createThrowawayIdentity({ serverName: 'localhost', caName: 'dtls12 entry CA' });

/** A version-independent reader, as an application would write one with the entry's types. */
function describe(p: SessionParameters): string {
  if (isDtls12(p)) {
    const twelve: Negotiated12Parameters = p;
    return `DTLS 1.2 ${twelve.cipherSuite} ems=${String(twelve.extendedMasterSecret)}`;
  }
  return `DTLS 1.3 ${p.cipherSuite}`;
}

test('from the package entry: a 1.2 session throws the entry Dtls12FeatureError; isDtls12 tells the versions apart', async (t) => {
  const server = listen((s) => (s.onmessage = (m) => s.send(m)), {
    cert: [...id.chain],
    key: id.privateKey,
    host: '127.0.0.1',
  });
  const { port } = await server.listening;
  try {
    const old = connect('127.0.0.1', port, { ca: id.caDer, servername: 'localhost', maxVersion: 'DTLSv1.2' });
    await old.opened;
    try {
      t.is(describe(old.parameters!), 'DTLS 1.2 tls_ecdhe_ecdsa_with_aes_128_gcm_sha256 ems=true');
      const e = t.throws(() => old.updateKeys(), { instanceOf: Dtls12FeatureError });
      t.is(e?.feature, 'updateKeys');
      t.is(e?.code, 'ERR_DTLS_NOT_IN_DTLS12');
      t.throws(() => old.requestClientCertificate(), { instanceOf: Dtls12FeatureError });
    } finally {
      await old.close();
    }
    const current = connect('127.0.0.1', port, { ca: id.caDer, servername: 'localhost' });
    await current.opened;
    try {
      t.false(isDtls12(current.parameters!));
      t.regex(describe(current.parameters!), /^DTLS 1\.3 tls_aes_/);
      t.notThrows(() => current.updateKeys());
    } finally {
      await current.close();
    }
  } finally {
    await server.close();
  }
});
