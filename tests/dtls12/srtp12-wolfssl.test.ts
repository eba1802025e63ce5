import test from 'ava';
import { SRTP_EXPORTER_LABEL } from '../../runtime/shared/srtp.js';
import { DtlsConnection } from '../../runtime/connection/connection.js';
import { runWolf, startWolfServer, writePem } from '../interop/wolfssl.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { negotiated, Udp12 } from './udp12.js';

/** DTLS 1.2 only, through the one DtlsConnection. */
const ONLY_12 = { minVersion: 'DTLSv1.2', maxVersion: 'DTLSv1.2' } as const;

/**
 * DTLS-SRTP and ALPN in DTLS 1.2 against wolfSSL 5.7.2 (`-u -v 3 --srtp …
 * -L C:…`) over real UDP, both directions: the profile and protocol, and
 * the EXTRACTOR-dtls_srtp keying material wolfSSL's example programs print
 * ("DTLS SRTP: Exported key material") equal to ours.
 */

const now = Date.now();
const id = makeIdentity('p256', 'localhost', { at: now });
const pem = writePem(id);
const certificate = { chain: id.chain, privateKey: id.privateKey };
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const wolfEkm = (output: string): string | undefined =>
  /Exported key material: ?([0-9A-Fa-f ]+)/.exec(output)?.[1]?.replace(/ /g, '').toLowerCase();

test.serial(
  'dtls13 1.2 client -> wolfSSL -v 3 server --srtp -L: the profile, ALPN and the same SRTP keys',
  async (t) => {
    const server = await startWolfServer(pem, ['-v', '3', '-d', '--srtp', 'SRTP_AES128_CM_SHA1_80', '-L', 'C:coap']);
    const udp = await Udp12.client(
      DtlsConnection.client({
        ...ONLY_12,
        trustAnchors: [id.caDer],
        serverName: 'localhost',
        alpn: ['h2', 'coap'],
        srtp: ['SRTP_AEAD_AES_128_GCM', 'SRTP_AES128_CM_SHA1_80'],
      }),
      server.port,
    );
    try {
      await udp.waitFor((e) => e.type === 'handshakeComplete', 15_000, 'handshake');
      t.is(negotiated(udp)?.srtpProfile, 'SRTP_AES128_CM_SHA1_80');
      t.is(negotiated(udp)?.alpnProtocol, 'coap');
      const ours = hex(udp.conn.exportKeyingMaterial(60, SRTP_EXPORTER_LABEL));
      udp.send(new TextEncoder().encode('hello wolfSSL'));
      await udp.waitFor(() => udp.text().length > 0, 10_000, 'reply');
      await udp.close();
      // The server ends by itself after its one connection (our close_notify); killed, it could lose its buffered output.
      const ended = await Promise.race([
        server.run.done,
        new Promise<undefined>((resolve) => setTimeout(resolve, 10_000, undefined)),
      ]);
      server.run.kill();
      const { output } = ended ?? (await server.run.done);
      t.is(wolfEkm(output), ours, output);
    } finally {
      await udp.close();
      server.run.kill();
    }
  },
);

test.serial(
  'wolfSSL -v 3 client --srtp -L -> dtls13 1.2 server: our profile and ALPN choice, the same SRTP keys',
  async (t) => {
    const udp = await Udp12.server(
      DtlsConnection.server({
        ...ONLY_12,
        certificate,
        alpn: ['coap', 'h2'],
        srtp: ['SRTP_AES128_CM_SHA1_80', 'SRTP_AES128_CM_SHA1_32'],
      }),
    );
    try {
      const run = runWolf('client', [
        '-u',
        '-v',
        '3',
        '-h',
        '127.0.0.1',
        '-p',
        String(udp.port),
        '-A',
        pem.ca,
        '--srtp',
        'SRTP_AES128_CM_SHA1_80',
        '-L',
        'C:h2,coap',
      ]);
      await udp.waitFor((e) => e.type === 'data', 15_000, 'data');
      t.is(negotiated(udp)?.srtpProfile, 'SRTP_AES128_CM_SHA1_80');
      t.is(negotiated(udp)?.alpnProtocol, 'coap');
      udp.send(new TextEncoder().encode('I hear you, wolfSSL'));
      const { code, output } = await run.done;
      t.is(code, 0, output);
      t.is(wolfEkm(output), hex(udp.conn.exportKeyingMaterial(60, SRTP_EXPORTER_LABEL)), output);
    } finally {
      await udp.close();
    }
  },
);
