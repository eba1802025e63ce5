/**
 * Issue 55, defect 1: docs/api.md's post-quantum setting, `groups: ['x25519mlkem768', 'x25519']`, against Debian's
 * OpenSSL 3.0 `s_server -dtls1_2` with an ECDSA P-256 certificate. The 1.2 part of the offer named x25519 alone in
 * supported_groups, and in DTLS 1.2 that list also names the curves of the ECDSA certificates the client accepts
 * (RFC 8422 §5.1): OpenSSL found no ECDHE_ECDSA suite it could use ("no shared cipher"). The offer now appends the
 * curve of each ECDSA scheme it verifies (runtime/versions/groups12.ts), in the dual-version ClientHello and in a
 * 1.2-only one. A message goes each way.
 */
import test from 'ava';
import { connect } from '../../runtime/index.js';
import type { ConnectOptions } from '../../runtime/api/options.js';
import { iotMaterial } from '../interop/iot-peers.js';
import { freeUdpPort, OpenSslPeer } from './openssl12.js';

const files = iotMaterial();
test.after.always(() => files.remove());

const CASES: readonly [string, ConnectOptions][] = [
  ['1.2 and 1.3 offered (the default range)', {}],
  ['DTLS 1.2 only', { maxVersion: 'DTLSv1.2' }],
];

for (const [name, range] of CASES) {
  test.serial(
    `groups [x25519mlkem768, x25519], ${name} → openssl s_server -dtls1_2 (ECDSA P-256): ECDHE_ECDSA, a message each way`,
    async (t) => {
      const port = await freeUdpPort();
      const server = new OpenSslPeer([
        's_server',
        '-dtls1_2',
        '-accept',
        String(port),
        '-cert',
        files.server.certFile,
        '-key',
        files.server.keyFile,
      ]);
      try {
        await server.waitFor('ACCEPT');
        const session = connect('127.0.0.1', port, {
          ca: files.server.ca,
          servername: 'localhost',
          groups: ['x25519mlkem768', 'x25519'],
          handshakeTimeout: 10_000,
          ...range,
        });
        await session.opened.catch((e: Error) =>
          Promise.reject(new Error(`${e.message}\nopenssl: ${server.out}\n${server.err}`)),
        );
        t.is(session.protocol, 'DTLSv1.2');
        t.regex(session.cipher?.standardName ?? '', /^TLS_ECDHE_ECDSA_WITH_/);
        const fromServer = new Promise<string>((resolve) => (session.onmessage = (m) => resolve(m.toString())));
        session.send('hello openssl\n');
        await server.waitFor('hello openssl');
        server.write('hello dtls13\n');
        t.is(await fromServer, 'hello dtls13\n');
        await session.close();
      } finally {
        server.stop();
      }
    },
  );
}
