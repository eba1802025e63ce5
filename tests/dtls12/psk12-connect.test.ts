import test from 'ava';
import { connect } from '../../runtime/api/connect.js';
import { listen } from '../../runtime/api/listener.js';

/**
 * DTLS 1.2 PSK through the public API: the same `psk` option as 1.3 on
 * `connect` and on a `listen` without a certificate, both ends limited to
 * DTLS 1.2: the PSK suites are offered and chosen, data goes both ways.
 */

const KEY = Uint8Array.from({ length: 32 }, (_, i) => 3 * i);

test.serial('connect/listen with psk, both limited to DTLS 1.2: a PSK handshake and data both ways', async (t) => {
  const listener = listen(
    (s) => {
      s.onmessage = (m) => s.send(Buffer.concat([Buffer.from('echo: '), m]));
    },
    { host: '127.0.0.1', psk: { 'sensor-17': KEY }, maxVersion: 'DTLSv1.2' },
  );
  const { port } = await listener.listening;
  const session = connect('127.0.0.1', port, { psk: { identity: 'sensor-17', key: KEY }, maxVersion: 'DTLSv1.2' });
  try {
    t.deepEqual(await session.opened, { protocol: 'DTLSv1.2' });
    t.regex(session.cipher?.standardName ?? '', /^TLS_ECDHE_PSK_WITH_/, 'a PSK suite (ECDHE_PSK first by default)');
    t.is(session.peerCertificate, undefined);
    const reply = new Promise<string>((resolve) => (session.onmessage = (m) => resolve(m.toString())));
    session.send('over psk');
    t.is(await reply, 'echo: over psk');
  } finally {
    await session.close();
    await listener.close();
  }
});
