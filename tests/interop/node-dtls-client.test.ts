/**
 * node-dtls-client (npm, a devDependency at an exact version) against a dtls13 `listen` server, over real UDP (issue
 * 56, finding 7). Its PSK client sends a ClientHello with no extensions block at all (RFC 5246 §7.4.1.2 allows it),
 * which the server used to drop unanswered, nothing counted: the client timed out. Now the server reads it
 * (runtime/dtls12/client-hello-body.ts). By default the server requires extended_master_secret (RFC 7627), which
 * such a client cannot offer: it is refused at once with a handshake_failure alert. With `extendedMasterSecret:
 * 'preferred'` and psk_ke allowed (node-dtls-client knows plain PSK only), the handshake completes and data goes both
 * ways, with AES-128-GCM and with AES-128-CCM_8.
 */
import test from 'ava';
import { dtls } from 'node-dtls-client';
import { listen, type DtlsListenOptions } from '../../runtime/index.js';

const KEY = Buffer.from('0123456789abcdef');

/** A PSK-only server echoing with a prefix; node-dtls-client connects, sends `text`, and reports the reply or its error. */
async function exchange(
  options: Partial<DtlsListenOptions>,
  ciphers?: string[],
): Promise<{ reply?: string; error?: string }> {
  const listener = listen(
    (s) => {
      s.onmessage = (m) => s.send(Buffer.concat([Buffer.from('echo: '), m]));
    },
    { host: '127.0.0.1', psk: { sensor: KEY }, ...options },
  );
  const { port } = await listener.listening;
  try {
    return await new Promise((resolve) => {
      const socket = dtls.createSocket({
        type: 'udp4',
        address: '127.0.0.1',
        port,
        // node-dtls-client 1.x types a key as a string, the bytes of its ASCII characters.
        psk: { sensor: KEY.toString('ascii') },
        timeout: 10_000,
        ...(ciphers ? { ciphers } : {}),
      } as dtls.Options);
      socket.on('connected', () => socket.send(Buffer.from('hello over psk')));
      socket.on('message', (m: Buffer) => {
        resolve({ reply: m.toString() });
        socket.close();
      });
      socket.on('error', (e: Error) => resolve({ error: e.message }));
    });
  } finally {
    await listener.close();
  }
}

const plainPsk: Partial<DtlsListenOptions> = {
  extendedMasterSecret: 'preferred',
  pskKeyExchangeModes: ['psk_dhe_ke', 'psk_ke'],
};

test.serial(
  'a dtls13 server requiring extended_master_secret (the default) refuses node-dtls-client with handshake_failure, not silence',
  async (t) => {
    const outcome = await exchange({ pskKeyExchangeModes: ['psk_dhe_ke', 'psk_ke'] });
    t.is(outcome.reply, undefined);
    t.regex(outcome.error ?? '', /fatal alert: handshake_failure/);
  },
);

test.serial(
  "node-dtls-client's PSK client (no extensions) completes a handshake with extendedMasterSecret: 'preferred', AES-128-GCM",
  async (t) => {
    t.deepEqual(await exchange(plainPsk), { reply: 'echo: hello over psk' });
  },
);

test.serial(
  "node-dtls-client's PSK client with TLS_PSK_WITH_AES_128_CCM_8 (a CoAP suite) against a dtls13 server that allows CCM_8",
  async (t) => {
    const outcome = await exchange(
      { ...plainPsk, allowCcm8: true, ciphers: 'TLS_AES_128_GCM_SHA256:PSK-AES128-CCM8' },
      ['TLS_PSK_WITH_AES_128_CCM_8'],
    );
    t.deepEqual(outcome, { reply: 'echo: hello over psk' });
  },
);
