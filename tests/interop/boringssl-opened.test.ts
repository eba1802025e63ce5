import test from 'ava';
import { connect, DtlsSessionError } from '../../runtime/index.js';
import { certificateToPem, privateKeyToPem } from '../../runtime/pki/pem.js';
import { makeIdentity, type Identity } from '../support/pki-fixtures.js';
import { startBoringServer } from './boringssl.js';
import { identity } from './sessions.js';
import { writePem } from './wolfssl.js';

// node:dtls's `opened` against a real DTLS 1.3 server that requires a client certificate (BoringSSL's peer program,
// --require-cert): a refusal after our Finished rejects `opened` with the alert, an accepted certificate opens and
// data flows (runtime/connection/peer-confirmation.ts, docs/node-dtls.md).

const serverId = identity('p256');
const clientId = makeIdentity('p256', 'client.test', { at: Date.now() });
const pemOf = (id: Identity) => ({ cert: id.chain.map((c) => certificateToPem(c)).join(''), key: privateKeyToPem(id.privateKey) });

async function againstBoring(client: Identity | undefined): Promise<{ opened: Promise<unknown>; echo: () => Promise<string>; finish: () => Promise<string> }> {
  const serverPem = writePem(serverId);
  const clientCa = writePem(clientId);
  const { port, run } = await startBoringServer(serverPem, ['--ca', clientCa.ca, '--require-cert']);
  const session = connect('127.0.0.1', port, { ca: certificateToPem(serverId.caDer), servername: 'localhost', ...(client ? pemOf(client) : {}) });
  const echo = (): Promise<string> =>
    new Promise((resolve) => {
      session.onmessage = (d) => resolve(d.toString());
      session.send('ping through BoringSSL');
    });
  const finish = async (): Promise<string> => {
    await session.close();
    if (session.closeReason !== 'local') run.kill();
    const { output } = await run.done;
    serverPem.remove();
    clientCa.remove();
    return output;
  };
  return { opened: session.opened, echo, finish };
}

test('dtls13 client → BoringSSL server requiring a certificate, none sent: opened rejects with certificate_required', async (t) => {
  const s = await againstBoring(undefined);
  const error = await t.throwsAsync(s.opened, { instanceOf: DtlsSessionError });
  const output = await s.finish();
  t.is(error?.alert, 'certificate_required', output);
  t.is(error?.code, 'ERR_DTLS_ALERT');
});

test('dtls13 client → BoringSSL server requiring a certificate, from a CA it does not trust: opened rejects with its alert', async (t) => {
  const s = await againstBoring(makeIdentity('p256', 'client.test', { at: Date.now() }));
  const error = await t.throwsAsync(s.opened, { instanceOf: DtlsSessionError });
  const output = await s.finish();
  t.regex(error?.alert ?? '', /^(unknown_ca|bad_certificate|certificate_unknown)$/, output);
});

test('dtls13 client → BoringSSL server requiring a certificate, ours trusted: opened resolves once the server acknowledged, and data flows', async (t) => {
  const s = await againstBoring(clientId);
  t.deepEqual(await s.opened, { protocol: 'DTLSv1.3' });
  t.is(await s.echo(), 'ping through BoringSSL');
  await s.finish();
});
