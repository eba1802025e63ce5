import test from 'ava';
import { SRTP_EXPORTER_LABEL } from '../../runtime/shared/srtp.js';
import { toHex } from '../../runtime/wire/bytes.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { assertServed, assertTalked, identity, serveWolfClient, talkToWolfServer } from './sessions.js';

// SNI (RFC 6066), DTLS-SRTP (RFC 5764) and record_size_limit (RFC 8449) with wolfSSL 5.7.2 (built with --enable-sni --enable-srtp).

const creds = (id: { chain: readonly Uint8Array[]; privateKey: Uint8Array }) => ({
  cert: [...id.chain],
  key: id.privateKey,
});
/** A certificate wolfSSL's client cannot verify (another CA): presenting it would fail the handshake. */
const stranger = makeIdentity('p256', 'localhost', { at: Date.now() });

/** The key material wolfSSL's example programs print ("DTLS SRTP: Exported key material: <hex>"), lower-case hex. */
const wolfEkm = (output: string): string | undefined =>
  /Exported key material: ?([0-9A-Fa-f ]+)/.exec(output)?.[1]?.replace(/ /g, '').toLowerCase();

test('wolfSSL client -S ↔ dtls13 server: the name picks the certificate, servername is reported; an unknown name is refused', async (t) => {
  const id = identity('p256');
  const sni = { 'a.test': creds(id), 'b.test': creds(stranger) };
  const s = await serveWolfClient(id, { sni }, ['-S', 'a.test']);
  assertServed(t, s);
  t.is(s.handshakes[0]?.servername, 'a.test');
  const other = await serveWolfClient(id, { sni }, ['-S', 'b.test']);
  t.not(other.code, 0, 'the stranger certificate was presented for b.test and refused');
  t.is(other.handshakes.length, 0);
  const unknown = await serveWolfClient(id, { sni }, ['-S', 'c.test']);
  t.not(unknown.code, 0);
  t.regex(unknown.output, /unrecognized|112|alert/i);
  t.is(unknown.handshakes.length, 0);
});

test('dtls13 client ↔ wolfSSL server -S: our name is sent and acknowledged; a name the server does not know is refused', async (t) => {
  const id = identity('p256');
  const o = await talkToWolfServer(id, ['-d', '-S', 'localhost']);
  assertTalked(t, o);
  t.is(o.parameters?.servername, 'localhost');
  const other = await talkToWolfServer(id, ['-d', '-S', 'localhost'], {
    serverName: 'other.test',
    checkServerIdentity: false,
  });
  t.not(other.error, undefined, other.serverOutput);
  t.regex(other.error ?? '', /unrecognized_name/);
});

test('wolfSSL client --srtp ↔ dtls13 server: the profile is negotiated and both export the same EXTRACTOR-dtls_srtp keys', async (t) => {
  const id = identity('p256');
  let ours: string | undefined;
  const s = await serveWolfClient(
    id,
    { srtp: ['SRTP_AEAD_AES_128_GCM', 'SRTP_AES128_CM_SHA1_80'] },
    ['--srtp', 'SRTP_AES128_CM_SHA1_80'],
    undefined,
    (session) => {
      ours = toHex(session.exportKeyingMaterial(60, SRTP_EXPORTER_LABEL));
    },
  );
  assertServed(t, s);
  t.is(s.handshakes[0]?.srtpProfile, 'SRTP_AES128_CM_SHA1_80');
  t.truthy(ours);
  t.is(wolfEkm(s.output), ours, s.output);
});

// -J n: without it wolfSSL 5.7.2's server refuses any second ClientHello carrying use_srtp after its cookie HelloRetryRequest
// ("Cookie does not match one sent in HelloRetryRequest"), its own example client's included.
test('dtls13 client ↔ wolfSSL server --srtp: the profile is negotiated and both export the same keys', async (t) => {
  const id = identity('p256');
  let ours: string | undefined;
  const o = await talkToWolfServer(
    id,
    ['-d', '-J', 'n', '--srtp', 'SRTP_AEAD_AES_128_GCM'],
    { srtp: ['SRTP_AES128_CM_SHA1_80', 'SRTP_AEAD_AES_128_GCM'] },
    {
      beforeSend: (c) => {
        ours = toHex(c.connection.exportKeyingMaterial(56, SRTP_EXPORTER_LABEL));
      },
    },
  );
  assertTalked(t, o);
  t.is(o.parameters?.srtpProfile, 'SRTP_AEAD_AES_128_GCM');
  t.is(wolfEkm(o.serverOutput), ours, o.serverOutput);
});

// wolfSSL 5.7.2 does not implement RFC 8449 (no record_size_limit in its source): the extension must be ignored both ways.
test('record_size_limit against a peer without RFC 8449: our offer is ignored, nothing is limited, data flows both ways', async (t) => {
  const id = identity('p256');
  const o = await talkToWolfServer(id, ['-d'], { recordSizeLimit: 512 });
  assertTalked(t, o); // the 1000-byte message comes back whole: no limit was negotiated
  t.is(o.parameters?.recordSizeLimit, undefined);
  const s = await serveWolfClient(id, { recordSizeLimit: 64 }, []);
  assertServed(t, s);
  t.is(s.handshakes[0]?.recordSizeLimit, undefined);
});
