/**
 * Issue 55, defect 5 (docs/node-dtls.md, "Serving X.509 and raw-public-key devices together"): a listener with both
 * `cert` and `rawPublicKey` answers libcoap's RPK client, which lists X.509 before raw keys in
 * server_certificate_type, with its certificate (RFC 7250 §4.2: the client's first type the server can present), and
 * libcoap, which has no CA to check it with, fails. The documented way: RPK devices get a listener of their own
 * (`rawPublicKey`, `key`, `peerPublicKey`, no `cert`), X.509 devices the certificate listener; both work.
 */
import test from 'ava';
import { createPublicKey } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, listen } from '../../runtime/index.js';
import { generateKeyPair } from '../../runtime/pki/certificate-builder.js';
import { privateKeyToPem } from '../../runtime/pki/pem.js';
import { serveTemperature } from '../support/coap.js';
import { iotMaterial, PeerProcess, requireCommand } from './iot-peers.js';

const files = iotMaterial();
test.after.always(() => files.remove());

const serverKey = privateKeyToPem(generateKeyPair('p256').pkcs8Der);
const clientKey = privateKeyToPem(generateKeyPair('p256').pkcs8Der);
const clientPublic = createPublicKey(clientKey).export({ type: 'spki', format: 'pem' }).toString();
const clientBoth = join(files.dir, 'client-rpk-both.pem');
writeFileSync(clientBoth, clientPublic + clientKey);

function coapClient(port: number): PeerProcess {
  requireCommand('coap-client-gnutls', 'libcoap3-bin');
  return new PeerProcess('coap-client-gnutls', [
    '-m',
    'get',
    '-B',
    '10',
    '-M',
    clientBoth,
    `coaps://127.0.0.1:${port}/sensors/temperature`,
  ]);
}

test.serial(
  'one listener with cert and rawPublicKey: coap-client-gnutls -M is sent the certificate and fails',
  async (t) => {
    const failures: string[] = [];
    const listener = listen((s) => s.opened.catch((e: Error) => failures.push(e.message)), {
      host: '127.0.0.1',
      cert: files.server.cert,
      key: files.server.key,
      rawPublicKey: true,
      peerPublicKey: clientPublic,
    });
    const { port } = await listener.listening;
    const peer = coapClient(port);
    try {
      // libcoap 4.3.1 exits 0 all the same: what it prints says what happened.
      await peer.exited();
      t.regex(peer.out, /The peer certificate's CA is unknown/);
      t.regex(peer.out, /cannot send CoAP pdu/);
      t.notRegex(peer.out, /21\.5 C/);
    } finally {
      peer.stop();
      await listener.close();
    }
  },
);

test.serial(
  'two listeners: coap-client-gnutls -M on the raw-key one, an X.509 client on the certificate one',
  async (t) => {
    const rpk = listen((s) => serveTemperature(s), {
      host: '127.0.0.1',
      rawPublicKey: true,
      key: serverKey,
      peerPublicKey: clientPublic,
    });
    const x509 = listen((s) => (s.onmessage = (m) => s.send(m)), {
      host: '127.0.0.1',
      cert: files.server.cert,
      key: files.server.key,
    });
    t.teardown(() => Promise.all([rpk.close(), x509.close()]));
    const [{ port: rpkPort }, { port: x509Port }] = await Promise.all([rpk.listening, x509.listening]);
    const peer = coapClient(rpkPort);
    try {
      t.is(await peer.exited(), 0, peer.out);
      t.regex(peer.out, /21\.5 C at \/sensors\/temperature/);
    } finally {
      peer.stop();
    }
    const device = connect('127.0.0.1', x509Port, { ca: files.server.ca, servername: 'localhost' });
    await device.opened;
    const echoed = new Promise<string>((resolve) => (device.onmessage = (m) => resolve(m.toString())));
    device.send('x509 device');
    t.is(await echoed, 'x509 device');
    await device.close();
  },
);
