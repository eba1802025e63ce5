import test from 'ava';
import { ConfigError } from '../../runtime/config-error.js';
import { ConnectionStateError } from '../../runtime/shared/connection-api.js';
import { exportKeying } from '../../runtime/shared/export-keying.js';
import { DtlsConnection, type DtlsOptions } from '../../runtime/connection/connection.js';
import { createThrowawayIdentity } from '../../runtime/pki/throwaway-identity.js';

/**
 * The one check of an exporter call (runtime/shared/export-keying.ts) in front of the exporter each version's
 * completing step installs in the common state (runtime/dtls13/exporter.ts, runtime/dtls12/exporter.ts): before
 * completion a ConnectionStateError, a bad length, label or context a ConfigError naming it, in both versions alike;
 * the same bytes on both sides; a 1.3 session's exporter gone once it ended, a 1.2 one's kept (as before the move).
 */

const NOW = Date.UTC(2026, 10, 21);
const id = createThrowawayIdentity({ serverName: 'export.test', caName: 'export CA', at: NOW });
const serverOptions: DtlsOptions = {
  certificate: { chain: id.chain, privateKey: id.privateKey },
  wallClock: () => NOW,
  amplificationLimit: false, // an in-memory peer: tests/shared/amplification-limit.test.ts tests the limit
};
const clientOptions: DtlsOptions = { trustAnchors: [id.caDer], serverName: 'export.test', wallClock: () => NOW };

function pump(client: DtlsConnection, server: DtlsConnection, now: number): void {
  for (let moved = true; moved;) {
    moved = false;
    for (let d = client.pollTransmit(); d; d = client.pollTransmit(), moved = true) server.receive(d, now);
    for (let d = server.pollTransmit(); d; d = server.pollTransmit(), moved = true) client.receive(d, now);
  }
}

test('no exporter installed: a ConnectionStateError saying the connection is not connected', (t) => {
  const e = t.throws(() => exportKeying(undefined, 32, 'EXPERIMENTAL x', undefined), {
    instanceOf: ConnectionStateError,
  });
  t.is(e?.message, 'keying material can only be exported from a connected connection');
});

for (const [version, limit] of [
  ['DTLSv1.3', 255 * 32],
  ['DTLSv1.2', 65_535],
] as const) {
  test(`${version}: one check before the exporter, the exporter installed at completion`, (t) => {
    const only = { minVersion: version, maxVersion: version };
    const client = DtlsConnection.client({ ...clientOptions, ...only, cipherSuites: ['tls_aes_128_gcm_sha256'] });
    const server = DtlsConnection.server({ ...serverOptions, ...only });
    client.connect(0);
    const early = t.throws(() => client.exportKeyingMaterial(32, 'EXPERIMENTAL x'), {
      instanceOf: ConnectionStateError,
    });
    t.is(early?.message, 'keying material can only be exported from a connected connection');
    pump(client, server, 1);
    t.is(client.state, 'connected');
    const named = (call: () => unknown, option: string): void => {
      const e = t.throws(call, { instanceOf: ConfigError }, option);
      t.is(e?.option, option);
    };
    named(() => client.exportKeyingMaterial(0, 'EXPERIMENTAL x'), 'length');
    named(() => client.exportKeyingMaterial(1.5, 'EXPERIMENTAL x'), 'length');
    named(() => client.exportKeyingMaterial(limit + 1, 'EXPERIMENTAL x'), 'length');
    named(() => client.exportKeyingMaterial(32, ''), 'label');
    named(() => client.exportKeyingMaterial(32, 5 as unknown as string), 'label');
    named(() => client.exportKeyingMaterial(32, 'EXPERIMENTAL x', 'ctx' as unknown as Uint8Array), 'context');
    const context = Uint8Array.of(1, 2, 3);
    const mine = client.exportKeyingMaterial(limit, 'EXPERIMENTAL x', context);
    t.is(mine.length, limit);
    t.deepEqual(server.exportKeyingMaterial(limit, 'EXPERIMENTAL x', context), mine, 'the same on both sides');
    t.notDeepEqual(client.exportKeyingMaterial(32, 'EXPERIMENTAL y'), mine.subarray(0, 32), 'another label');
    client.close();
    if (version === 'DTLSv1.3')
      t.throws(() => client.exportKeyingMaterial(32, 'EXPERIMENTAL x'), { instanceOf: ConnectionStateError });
    else t.is(client.exportKeyingMaterial(32, 'EXPERIMENTAL x').length, 32, 'a 1.2 result outlives the close');
  });
}
