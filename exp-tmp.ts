import { listen, type DtlsSession } from './runtime/index.js';
import { openServerSul } from './learn/mapper/server-sul.js';
import { certificateToPem, privateKeyToPem } from './runtime/pki/pem.js';
import { makeIdentity } from './tests/support/pki-fixtures.js';
const id = makeIdentity('p256', 'localhost', { at: Date.now() });
const sessions: DtlsSession[] = [];
const listener = listen((s) => { sessions.push(s); s.onmessage = (d) => s.send(d); s.onerror = () => undefined; }, {
  host: '127.0.0.1', port: 0, cert: certificateToPem(id.chain[0]!), key: privateKeyToPem(id.privateKey),
  minVersion: 'DTLSv1.3', maxVersion: 'DTLSv1.3', maxHandshakesPerHost: 1e6, maxSessionsPerHost: 0, maxSessions: 0 });
const { port } = await listener.listening;
const sul = await openServerSul({ host: '127.0.0.1', port, version: '1.3', parallel: 1, waitMs: 200, onStep: (r) => console.log('  step', r.input, '->', r.output, r.datagrams, 'dgrams', r.bytes, 'bytes') });
for (const w of process.argv.slice(2)) {
  const s = await sul.open();
  for (const i of w.split(' ')) {
    await s.step(i);
    const last = sessions[sessions.length - 1];
    const st = last?.stats as unknown as Record<string, unknown> | undefined;
    console.log('    server:', last?.destroyed, last?.closeReason, JSON.stringify({ drops: Object.fromEntries(Object.entries((st?.["connectionStats"] as Record<string, Record<string, number>> | undefined)?.["drops"] ?? {}).filter(([, v]) => v > 0)), ignored: Object.fromEntries(Object.entries((st?.["connectionStats"] as Record<string, Record<string, number>> | undefined)?.["ignored"] ?? {}).filter(([, v]) => v > 0)), rec: (st?.["connectionStats"] as Record<string, number> | undefined)?.["recordsReceived"] }));
  }
  await s.close();
}
await sul.close(); await listener.close();
