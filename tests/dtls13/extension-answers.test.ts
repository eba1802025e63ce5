/**
 * The ClientHello extensions a 1.3 server answers in EncryptedExtensions (runtime/dtls13/extension-answers.ts):
 * record_size_limit (RFC 8449 §4) and use_srtp (RFC 5764 §4.1.1). A hostile client's limit below 64 is refused, one
 * above 2^14+1 is clamped; a hostile server's limit outside 64..2^14+1 and an SRTP answer we did not offer are refused
 * with illegal_parameter; the record layer's limits follow each side's answers.
 */
import test from 'ava';
import {
  decodeClientHello,
  encodeEncryptedExtensions,
  decodeEncryptedExtensions,
  type ClientHello,
  type EncryptedExtensionsExtension,
} from '../../generated/wire/index.js';
import { X509_TYPES } from '../../runtime/shared/certificate-types.js';
import { resolveConfig } from '../../runtime/shared/config.js';
import type { DtlsConfig } from '../../runtime/shared/config-options.js';
import {
  applyServerAnswers,
  clientOfferedMore,
  serverExtensionAnswers,
  serverExtensionChoices,
} from '../../runtime/dtls13/extension-answers.js';
import { clientHelloBody } from '../../runtime/shared/messages.js';
import { nodeProvider } from '../../runtime/crypto/node/index.js';
import { ProtocolError } from '../../runtime/handshake/protocol-error.js';
import { RecordLayer } from '../../runtime/record/record-layer.js';

const psk = { identity: 'c', key: new Uint8Array(32).fill(1) };
const client = (o: Partial<DtlsConfig> = {}) => resolveConfig('client', { checkServerIdentity: false, psk, ...o });
const server = (o: Partial<DtlsConfig> = {}) => resolveConfig('server', { psk: { c: psk.key }, ...o });
const noTypes = { types: X509_TYPES, serverAnswer: undefined, clientAnswer: undefined };

function hello(o: Partial<DtlsConfig>, limit?: number): ClientHello {
  const ch = decodeClientHello(clientHelloBody(client(o), new Uint8Array(32), [], undefined));
  if (limit === undefined) return ch;
  return {
    ...ch,
    extensions: ch.extensions.map((e) =>
      e.extensionType === 'record_size_limit'
        ? { extensionType: 'record_size_limit', extensionData: { recordSizeLimit: limit } }
        : e,
    ),
  };
}

/** A real record layer; the receive limit its read half is given is recorded on the way through. */
function records(): { layer: RecordLayer; receive: (number | undefined)[] } {
  const layer = new RecordLayer({ provider: nodeProvider });
  const receive: (number | undefined)[] = [];
  const reader = layer.reader;
  const set = reader.setReceiveInnerLimit.bind(reader);
  reader.setReceiveInnerLimit = (limit) => {
    receive.push(limit);
    set(limit);
  };
  return { layer, receive };
}

function illegal(t: import('ava').ExecutionContext, f: () => unknown, message: RegExp): void {
  const e = t.throws(f, { instanceOf: ProtocolError, message });
  t.is(e?.alert, 'illegal_parameter');
}

test('server: a client limit in range is applied as is; we answer with ours and the layer sends within theirs', (t) => {
  const config = server({ recordSizeLimit: 1000 });
  const choices = serverExtensionChoices(config, hello({ recordSizeLimit: 300 }), noTypes);
  t.is(choices.peerRecordSizeLimit, 300);
  const { layer, receive } = records();
  const answers = serverExtensionAnswers(config, layer, choices);
  t.deepEqual(answers, [{ extensionType: 'record_size_limit', extensionData: { recordSizeLimit: 1000 } }]);
  t.is(layer.writer.sendLimit, 300);
  t.deepEqual(receive, [1000]);
});

test('server: without a limit of our own we answer 2^14+1; a client that sent none gets no answer and no limit', (t) => {
  const { layer } = records();
  const answers = serverExtensionAnswers(
    server(),
    layer,
    serverExtensionChoices(server(), hello({ recordSizeLimit: 64 }), noTypes),
  );
  t.deepEqual(answers, [{ extensionType: 'record_size_limit', extensionData: { recordSizeLimit: 2 ** 14 + 1 } }]);
  t.is(layer.writer.sendLimit, 64);
  const quiet = records();
  const none = serverExtensionChoices(server({ recordSizeLimit: 500 }), hello({}), noTypes);
  t.is(none.peerRecordSizeLimit, undefined);
  t.deepEqual(serverExtensionAnswers(server({ recordSizeLimit: 500 }), quiet.layer, none), []);
  t.is(quiet.layer.writer.sendLimit, undefined);
  t.deepEqual(quiet.receive, []);
});

test('server, hostile client: a limit below 64 is illegal_parameter; one above 2^14+1 is taken as 2^14+1', (t) => {
  illegal(t, () => serverExtensionChoices(server(), hello({ recordSizeLimit: 64 }, 63), noTypes), /below 64/);
  illegal(t, () => serverExtensionChoices(server(), hello({ recordSizeLimit: 64 }, 0), noTypes), /below 64/);
  t.is(
    serverExtensionChoices(server(), hello({ recordSizeLimit: 64 }, 65_535), noTypes).peerRecordSizeLimit,
    2 ** 14 + 1,
  );
});

test('server: SRTP by its own preference among the client’s profiles, answered with that one profile', (t) => {
  const config = server({ srtp: ['SRTP_AEAD_AES_256_GCM', 'SRTP_AES128_CM_SHA1_80'] });
  const choices = serverExtensionChoices(
    config,
    hello({ srtp: ['SRTP_AES128_CM_SHA1_80', 'SRTP_AEAD_AES_256_GCM'] }),
    noTypes,
  );
  t.is(choices.srtpProfile, 'SRTP_AEAD_AES_256_GCM');
  t.deepEqual(serverExtensionAnswers(config, records().layer, choices), [
    {
      extensionType: 'use_srtp',
      extensionData: { protectionProfiles: ['srtp_aead_aes_256_gcm'], srtpMki: new Uint8Array(0) },
    },
  ]);
  t.is(serverExtensionChoices(config, hello({ srtp: ['SRTP_AES128_CM_SHA1_32'] }), noTypes).srtpProfile, undefined);
  t.is(serverExtensionChoices(server(), hello({ srtp: ['SRTP_AES128_CM_SHA1_80'] }), noTypes).srtpProfile, undefined);
});

test('clientOfferedMore names what the client offered beyond extension-policy’s list', (t) => {
  t.deepEqual(clientOfferedMore(client()), []);
  t.deepEqual(clientOfferedMore(client({ recordSizeLimit: 100, srtp: ['SRTP_AES128_CM_SHA1_80'] })), [
    'record_size_limit',
    'use_srtp',
  ]);
});

const ee = (...extensions: EncryptedExtensionsExtension[]) =>
  decodeEncryptedExtensions(encodeEncryptedExtensions({ extensions }));

test('client: the server’s limit caps what we send, ours applies to what we receive; nothing answered, nothing set', (t) => {
  const config = client({ recordSizeLimit: 200, srtp: ['SRTP_AES128_CM_SHA1_80'] });
  const { layer, receive } = records();
  const got = applyServerAnswers(
    config,
    layer,
    ee(
      { extensionType: 'record_size_limit', extensionData: { recordSizeLimit: 512 } },
      {
        extensionType: 'use_srtp',
        extensionData: { protectionProfiles: ['srtp_aes128_cm_hmac_sha1_80'], srtpMki: new Uint8Array(0) },
      },
    ),
  );
  t.deepEqual(got, { srtpProfile: 'SRTP_AES128_CM_SHA1_80', peerRecordSizeLimit: 512, certificateTypes: X509_TYPES });
  t.is(layer.writer.sendLimit, 512);
  t.deepEqual(receive, [200]);
  const quiet = records();
  t.deepEqual(applyServerAnswers(config, quiet.layer, ee()), {
    srtpProfile: undefined,
    peerRecordSizeLimit: undefined,
    certificateTypes: X509_TYPES,
  });
  t.is(quiet.layer.writer.sendLimit, undefined);
  t.deepEqual(quiet.receive, []);
});

test('client, hostile server: a limit outside 64..2^14+1 and an SRTP answer we did not offer are illegal_parameter', (t) => {
  const config = client({ recordSizeLimit: 200, srtp: ['SRTP_AES128_CM_SHA1_80'] });
  const limit = (n: number) => ({ extensionType: 'record_size_limit' as const, extensionData: { recordSizeLimit: n } });
  illegal(t, () => applyServerAnswers(config, records().layer, ee(limit(2 ** 14 + 2))), /above DTLS 1.3/);
  illegal(t, () => applyServerAnswers(config, records().layer, ee(limit(63))), /below 64/);
  const srtp = (protectionProfiles: ('srtp_aes128_cm_hmac_sha1_80' | 'srtp_aead_aes_128_gcm')[], mki = 0) => ({
    extensionType: 'use_srtp' as const,
    extensionData: { protectionProfiles, srtpMki: new Uint8Array(mki) },
  });
  illegal(
    t,
    () => applyServerAnswers(config, records().layer, ee(srtp(['srtp_aead_aes_128_gcm']))),
    /not one profile we offered/,
  );
  illegal(
    t,
    () =>
      applyServerAnswers(
        config,
        records().layer,
        ee(srtp(['srtp_aes128_cm_hmac_sha1_80', 'srtp_aes128_cm_hmac_sha1_80'])),
      ),
    /not one profile we offered/,
  );
  illegal(t, () => applyServerAnswers(config, records().layer, ee(srtp(['srtp_aes128_cm_hmac_sha1_80'], 2))), /MKI/);
});
