import test from 'ava';
import { decodeClientHello, type ClientHello } from '../../generated/wire/client-hello.js';
import { readDtlsHandshake } from '../../generated/wire/dtls-handshake.js';
import { readDtls12Record } from '../../generated/wire/dtls12-record.js';
import { offeredVersions } from '../../runtime/shared/offered-versions.js';
import { DtlsConnection, type DtlsOptions } from '../../runtime/connection/connection.js';
import { Reader } from '../../runtime/wire/reader.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';

/**
 * The versions a ClientHello offers (runtime/shared/offered-versions.ts, RFC 8446 §4.2.1): with supported_versions
 * only what it lists, whatever legacy_version says; without it, legacy_version.
 */

const id = makeIdentity('p256', 'localhost');
const client: DtlsOptions = { wallClock: () => TEST_TIME, trustAnchors: [id.caDer], serverName: 'localhost' };

function realHello(options: DtlsOptions): ClientHello {
  const c = DtlsConnection.client({ ...client, ...options });
  c.connect(0);
  const record = readDtls12Record(new Reader(c.pollTransmit()!, 'Datagram'));
  return decodeClientHello(readDtlsHandshake(new Reader(record.fragment, 'Handshake')).fragment);
}

function listing(hello: ClientHello, versions: readonly string[] | undefined): ClientHello {
  const extensions = hello.extensions.filter((e) => e.extensionType !== 'supported_versions');
  const sv = { extensionType: 'supported_versions', extensionData: { versions } };
  return {
    ...hello,
    extensions: versions === undefined ? extensions : ([sv, ...extensions] as ClientHello['extensions']),
  };
}

test('real ClientHellos: one offering both, a 1.3-only one, a 1.2-only one', (t) => {
  t.deepEqual(offeredVersions(realHello({})), { dtls13: true, dtls12: true });
  t.deepEqual(offeredVersions(realHello({ minVersion: 'DTLSv1.3' })), { dtls13: true, dtls12: false });
  t.deepEqual(offeredVersions(realHello({ maxVersion: 'DTLSv1.2' })), { dtls13: false, dtls12: true });
});

test('supported_versions alone says what is offered; without it, legacy_version', (t) => {
  const hello = realHello({});
  t.is(hello.legacyVersion, 'dtls1_2');
  t.deepEqual(offeredVersions(listing(hello, ['dtls1_3'])), { dtls13: true, dtls12: false });
  t.deepEqual(offeredVersions(listing(hello, ['dtls1_0'])), { dtls13: false, dtls12: false });
  t.deepEqual(offeredVersions(listing(hello, [])), { dtls13: false, dtls12: false });
  t.deepEqual(offeredVersions(listing(hello, undefined)), { dtls13: false, dtls12: true });
  t.deepEqual(offeredVersions(listing({ ...hello, legacyVersion: 'dtls1_0' }, undefined)), {
    dtls13: false,
    dtls12: false,
  });
});
