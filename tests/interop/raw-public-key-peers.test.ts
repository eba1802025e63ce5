/**
 * Raw public keys (RFC 7250) against real peers, both roles, DTLS 1.2 (neither peer has DTLS 1.3): GnuTLS 3.7's
 * `gnutls-serv` / `gnutls-cli --udp` (`--rawpkkeyfile`, `--rawpkfile`, priority `+CTYPE-SRV-RAWPK:+CTYPE-CLI-RAWPK`)
 * and libcoap 4.3's GnuTLS build (`coap-server-gnutls` / `coap-client-gnutls -M`). libcoap's OpenSSL build says
 * "no RPK support" (OpenSSL 3.0 has none) and Debian ships no Mbed TLS or tinydtls build, so those are not here.
 * Each side presents its key as a SubjectPublicKeyInfo; dtls13 pins the peer's key, and a wrong pin ends the
 * handshake with bad_certificate. gnutls-cli cannot pin a raw key (its check is against CAs or TOFU), so it runs
 * with --insecure and the check that counts is dtls13's.
 */
import test from 'ava';
import { createPublicKey } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, listen, type DtlsSession } from '../../runtime/index.js';
import { generateKeyPair } from '../../runtime/pki/certificate-builder.js';
import { privateKeyToPem } from '../../runtime/pki/pem.js';
import { certificateFingerprint } from '../../runtime/pki/fingerprint.js';
import { freeUdpPort } from '../dtls12/openssl12.js';
import { coapGet, decodeCoap, serveTemperature } from '../support/coap.js';
import { iotMaterial, PeerProcess, requireCommand } from './iot-peers.js';

const files = iotMaterial();
test.after.always(() => files.remove());

/** A P-256 key as PEM texts and files: the private key, the public key, and both in one file (libcoap's -M). */
function keyFiles(name: string): {
  key: string;
  publicKey: string;
  keyFile: string;
  publicKeyFile: string;
  bothFile: string;
} {
  const key = privateKeyToPem(generateKeyPair('p256').pkcs8Der);
  const publicKey = createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString();
  const [keyFile, publicKeyFile, bothFile] = ['key', 'pub', 'both'].map((k) =>
    join(files.dir, `${name}-rpk-${k}.pem`),
  ) as [string, string, string];
  writeFileSync(keyFile, key);
  writeFileSync(publicKeyFile, publicKey);
  writeFileSync(bothFile, publicKey + key);
  return { key, publicKey, keyFile, publicKeyFile, bothFile };
}

const server = keyFiles('server');
const client = keyFiles('client');
const other = keyFiles('other');
const RAWPK = 'NORMAL:+CTYPE-SRV-RAWPK:+CTYPE-CLI-RAWPK';
const nextMessage = (s: DtlsSession): Promise<string> =>
  new Promise((resolve) => (s.onmessage = (m) => resolve(m.toString())));

async function gnutlsServer(priority: string): Promise<{ process: PeerProcess; port: number }> {
  requireCommand('gnutls-serv', 'gnutls-bin');
  const port = await freeUdpPort();
  const args = [
    '--udp',
    '--echo',
    '-p',
    String(port),
    '--priority',
    priority,
    '--rawpkkeyfile',
    server.keyFile,
    '--rawpkfile',
    server.publicKeyFile,
  ];
  const process = new PeerProcess('gnutls-serv', [...args, '--require-client-cert']);
  await process.ready(/listening on IPv4/);
  return { process, port };
}

for (const c of [
  { name: 'ECDHE_ECDSA', priority: RAWPK, ours: {}, suite: /^tls_ecdhe_ecdsa_with_aes_/ },
  {
    name: "AES-128-CCM-8, profile 'rfc7925'",
    priority: `${RAWPK}:+AES-128-CCM-8`,
    ours: { profile: 'rfc7925' as const },
    suite: /_ccm_8$/,
  },
]) {
  test.serial(`dtls13 connect → gnutls-serv --udp, raw public keys both ways: ${c.name}`, async (t) => {
    const { process, port } = await gnutlsServer(c.priority);
    try {
      const session = connect('127.0.0.1', port, {
        ...c.ours,
        rawPublicKey: true,
        key: client.key,
        peerPublicKey: server.publicKey,
      });
      t.is((await session.opened).protocol, 'DTLSv1.2');
      t.regex(String(session.parameters?.cipherSuite), c.suite);
      const echoed = nextMessage(session);
      session.send('reading 21.5 C');
      t.is(await echoed, 'reading 21.5 C');
      await session.close();
      await process.waitFor("Peer's certificate was NOT verified"); // gnutls-serv took our key (it checks none)
    } finally {
      process.stop();
    }
  });
}

test.serial(
  'dtls13 connect → gnutls-serv: a wrong pin is bad_certificate; the next connection with the right one opens',
  async (t) => {
    const { process, port } = await gnutlsServer(RAWPK);
    try {
      const wrong = connect('127.0.0.1', port, { rawPublicKey: true, key: client.key, peerPublicKey: other.publicKey });
      t.regex((await t.throwsAsync(wrong.opened))?.message ?? '', /^bad_certificate: .*none of the keys given/);
      const right = connect('127.0.0.1', port, {
        rawPublicKey: true,
        key: client.key,
        peerPublicKey: server.publicKey,
      });
      t.is((await right.opened).protocol, 'DTLSv1.2');
      await right.close();
    } finally {
      process.stop();
    }
  },
);

test.serial('gnutls-cli --udp → dtls13 listen, raw public keys both ways, the client key pinned', async (t) => {
  requireCommand('gnutls-cli', 'gnutls-bin');
  const sessions: DtlsSession[] = [];
  const listener = listen(
    (s) => {
      sessions.push(s);
      s.onmessage = (m) => s.send(`ack ${m.toString()}`);
    },
    { host: '127.0.0.1', rawPublicKey: true, key: server.key, peerPublicKey: client.publicKey },
  );
  const { port } = await listener.listening;
  const args = [
    '--udp',
    '-p',
    String(port),
    '127.0.0.1',
    '--priority',
    RAWPK,
    '--rawpkkeyfile',
    client.keyFile,
    '--rawpkfile',
    client.publicKeyFile,
  ];
  const peer = new PeerProcess('gnutls-cli', [...args, '--insecure']);
  try {
    await peer.waitFor('- Description: (DTLS1.2-Raw Public Key)');
    const s = sessions[0]!;
    await s.opened;
    t.is(
      s.peerFingerprint(),
      certificateFingerprint(createPublicKey(client.key).export({ type: 'spki', format: 'der' })),
      'the fingerprint is over its SPKI',
    );
    peer.write('reading 22.0 C\n');
    await peer.waitFor('ack reading 22.0 C');
  } finally {
    peer.stop();
    await listener.close();
  }
});

test.serial(
  'gnutls-cli with another key → dtls13 listen pinning the client key: bad_certificate, the listener goes on',
  async (t) => {
    requireCommand('gnutls-cli', 'gnutls-bin');
    const failures: string[] = [];
    const listener = listen((s) => s.opened.catch((e: Error) => failures.push(e.message)), {
      host: '127.0.0.1',
      rawPublicKey: true,
      key: server.key,
      peerPublicKey: client.publicKey,
    });
    const { port } = await listener.listening;
    const args = [
      '--udp',
      '-p',
      String(port),
      '127.0.0.1',
      '--priority',
      RAWPK,
      '--rawpkkeyfile',
      other.keyFile,
      '--rawpkfile',
      other.publicKeyFile,
    ];
    const peer = new PeerProcess('gnutls-cli', [...args, '--insecure']);
    try {
      t.not(await peer.exited(), 0);
      t.regex(peer.out, /Bad certificate|bad_certificate|certificate is bad/i);
      t.regex(failures.join('\n'), /bad_certificate/);
    } finally {
      peer.stop();
      await listener.close();
    }
  },
);

test.serial('dtls13 connect → coap-server-gnutls -M: raw public keys both ways, a CoAP GET', async (t) => {
  requireCommand('coap-server-gnutls', 'libcoap3-bin');
  const port = await freeUdpPort();
  const peer = new PeerProcess('coap-server-gnutls', [
    '-A',
    '127.0.0.1',
    '-p',
    String(port - 1),
    '-v',
    '7',
    '-M',
    server.bothFile,
  ]);
  try {
    await peer.waitFor(`created DTLS endpoint 127.0.0.1:${port}`);
    const session = connect('127.0.0.1', port, {
      rawPublicKey: true,
      key: client.key,
      peerPublicKey: server.publicKey,
    });
    t.is((await session.opened).protocol, 'DTLSv1.2');
    const answer = new Promise<Buffer>((resolve) => (session.onmessage = resolve));
    session.send(coapGet('/', 0x2345, new Uint8Array([9])));
    t.is(decodeCoap(await answer).code, 0x45, '2.05 Content');
    await session.close();
    await peer.waitFor("CN 'RPK' presented by client");
  } finally {
    peer.stop();
  }
});

test.serial('coap-client-gnutls -M → dtls13 listen: raw public keys both ways, the client key pinned', async (t) => {
  requireCommand('coap-client-gnutls', 'libcoap3-bin');
  const sessions: DtlsSession[] = [];
  const listener = listen(
    (s) => {
      sessions.push(s);
      serveTemperature(s);
    },
    { host: '127.0.0.1', rawPublicKey: true, key: server.key, peerPublicKey: client.publicKey },
  );
  const { port } = await listener.listening;
  const peer = new PeerProcess('coap-client-gnutls', [
    '-m',
    'get',
    '-B',
    '10',
    '-M',
    client.bothFile,
    `coaps://127.0.0.1:${port}/sensors/temperature`,
  ]);
  try {
    t.is(await peer.exited(), 0, peer.out);
    t.regex(peer.out, /21\.5 C at \/sensors\/temperature/);
    t.is(sessions[0]?.protocol, 'DTLSv1.2');
  } finally {
    peer.stop();
    await listener.close();
  }
});
