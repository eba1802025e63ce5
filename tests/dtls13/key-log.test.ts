import test from 'ava';
import { nodeProvider } from '../../runtime/crypto/node/index.js';
import { CIPHER_SUITES } from '../../runtime/crypto/suites.js';
import { scheduleContext } from '../../runtime/keyschedule/context.js';
import { trafficKeys } from '../../runtime/keyschedule/derived-keys.js';
import { RecordLayer } from '../../runtime/record/record-layer.js';
import { handshake } from '../support/handshake.js';
import { makeIdentity } from '../support/pki-fixtures.js';

const serverId = makeIdentity('p256', 'server.test');
const LABELS = [
  'CLIENT_HANDSHAKE_TRAFFIC_SECRET',
  'SERVER_HANDSHAKE_TRAFFIC_SECRET',
  'CLIENT_TRAFFIC_SECRET_0',
  'SERVER_TRAFFIC_SECRET_0',
  'EXPORTER_SECRET',
];

for (const suite of ['tls_aes_128_gcm_sha256', 'tls_aes_256_gcm_sha384'] as const) {
  test(`the NSS key log (${suite}): both sides log the same five secrets, and they decrypt a captured record`, (t) => {
    const logs = { client: [] as string[], server: [] as string[] };
    const { link } = handshake(serverId, {
      client: {
        trustAnchors: [serverId.caDer],
        serverName: 'server.test',
        cipherSuites: [suite],
        keyLog: (l) => logs.client.push(l),
      },
      server: { keyLog: (l) => logs.server.push(l) },
    });
    t.is(link.client.state, 'connected');
    t.deepEqual(logs.client, logs.server);
    t.deepEqual(
      logs.client.map((l) => l.split(' ')[0]),
      LABELS,
    );
    const hashLength = CIPHER_SUITES[suite].hashLength;
    for (const line of logs.client) t.regex(line, new RegExp(`^[A-Z_0-9]+ [0-9a-f]{64} [0-9a-f]{${2 * hashLength}}$`));

    // Decrypt what the client sends, as a capture tool would, from the logged secret alone.
    link.client.send(new TextEncoder().encode('read me from the key log'));
    const datagram = link.client.pollTransmit()!;
    const secretHex = logs.client.find((l) => l.startsWith('CLIENT_TRAFFIC_SECRET_0 '))!.split(' ')[2]!;
    const secret = Uint8Array.from(secretHex.match(/../g)!, (h) => parseInt(h, 16));
    const reader = new RecordLayer({ provider: nodeProvider });
    reader.reader.installReadKeys(
      3,
      suite,
      trafficKeys(scheduleContext(nodeProvider, CIPHER_SUITES[suite].hash, 'dtls13'), secret, suite),
      0,
    );
    const [record] = reader.reader.receive(datagram, 0);
    t.true(record?.kind === 'record' && new TextDecoder().decode(record.content) === 'read me from the key log');
  });
}

test('a key log sink whose wanted() says no gets no line, and none is formatted for it; it gets them once it says yes', (t) => {
  const lines: string[] = [];
  let wanted = false;
  let asked = 0;
  const sink = Object.assign((l: string) => lines.push(l), {
    wanted: () => {
      asked++;
      return wanted;
    },
  });
  handshake(serverId, {
    client: { trustAnchors: [serverId.caDer], serverName: 'server.test' },
    server: { keyLog: sink },
  });
  t.deepEqual(lines, []);
  t.is(asked, LABELS.length);
  wanted = true;
  handshake(serverId, {
    client: { trustAnchors: [serverId.caDer], serverName: 'server.test' },
    server: { keyLog: sink },
  });
  t.deepEqual(
    lines.map((l) => l.split(' ')[0]),
    LABELS,
  );
});
