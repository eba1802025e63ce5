import test from 'ava';
import { connect, DtlsSessionError } from '../../runtime/index.js';
import { certificateToPem, privateKeyToPem } from '../../runtime/pki/pem.js';
import { makeIdentity, type Identity } from '../support/pki-fixtures.js';
import { identity } from './sessions.js';
import { startWolfServer, writePem } from './wolfssl.js';

// node:dtls's `opened` against wolfSSL's example server requiring a client certificate (-A CA -F): a refusal after our
// Finished rejects `opened` with the alert; an accepted certificate opens and data flows (runtime/dtls13/peer-confirmation.ts).

const serverId = identity('p256');
const clientId = makeIdentity('p256', 'client.test', { at: Date.now() });
const pemOf = (id: Identity) => ({
  cert: id.chain.map((c) => certificateToPem(c)).join(''),
  key: privateKeyToPem(id.privateKey),
});

async function againstWolf(
  client: Identity | undefined,
): Promise<{ opened: Promise<unknown>; echo: () => Promise<string>; finish: () => Promise<string> }> {
  const serverPem = writePem(serverId);
  const clientCa = writePem(clientId);
  const { port, run } = await startWolfServer(serverPem, ['-e', '-A', clientCa.ca, '-F']);
  const session = connect('127.0.0.1', port, {
    ca: certificateToPem(serverId.caDer),
    servername: 'localhost',
    ...(client ? pemOf(client) : {}),
  });
  const echo = (): Promise<string> =>
    new Promise((resolve) => {
      session.onmessage = (d) => resolve(d.toString());
      session.send('ping through wolfSSL');
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

test('dtls13 client → wolfSSL server requiring a certificate, none sent: opened rejects with certificate_required', async (t) => {
  const s = await againstWolf(undefined);
  const error = await t.throwsAsync(s.opened, { instanceOf: DtlsSessionError });
  const output = await s.finish();
  t.is(error?.alert, 'certificate_required', output);
  t.is(error?.code, 'ERR_DTLS_ALERT');
});

test('dtls13 client → wolfSSL server requiring a certificate, from a CA it does not trust: opened rejects with its unknown_ca', async (t) => {
  const s = await againstWolf(makeIdentity('p256', 'client.test', { at: Date.now() }));
  const error = await t.throwsAsync(s.opened, { instanceOf: DtlsSessionError });
  const output = await s.finish();
  t.is(error?.alert, 'unknown_ca', output);
  t.is(error?.code, 'ERR_DTLS_ALERT');
});

test('dtls13 client → wolfSSL server requiring a certificate, ours trusted: opened resolves once the server acknowledged, and data flows', async (t) => {
  const s = await againstWolf(clientId);
  t.deepEqual(await s.opened, { protocol: 'DTLSv1.3' });
  t.is(await s.echo(), 'ping through wolfSSL');
  await s.finish();
});
