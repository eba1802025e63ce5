import test from 'ava';
import { dtls13ClientChart } from '../../generated/charts/dtls13-client.js';
import { dtls13ServerChart } from '../../generated/charts/dtls13-server.js';
import { encodeCertificateVerify, encodeFinished, handshakeTypeToNumber } from '../../generated/wire/index.js';
import { dtls13ClientTakes } from '../../generated/charts/dtls13-client-transitions.js';
import { dtls13ServerTakes } from '../../generated/charts/dtls13-server-transitions.js';
import { HANDSHAKE_HANDLERS } from '../../runtime/dtls13/handler-table.js';
import { handshake } from '../support/handshake.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';
import { makePair, reach, type Pair } from '../support/stepper.js';
import { injectHandshakeMessage, injectRecord } from '../support/inject.js';

/**
 * Negative tests generated from the charts (RFC 8446 §6.2, RFC 9147 §5):
 * in every state a connection can reach, every handshake message the state
 * does not expect ends the handshake with unexpected_message, and so does an
 * expected message in the wrong epoch.
 */

const serverId = makeIdentity('p256', 'server.test');
const clientId = makeIdentity('p256', 'client.test');

/**
 * Scenarios that between them pass through every state. The servers do 1.3 only: a server doing both has no 1.3 state
 * before its first ClientHello (runtime/connection/first-client-hello.ts), and its waitClientHello is the hello phase's.
 */
const only13 = { minVersion: 'DTLSv1.3' } as const;
const scenarios = [
  { server: only13 },
  { server: { ...only13, clientAuthentication: 'required' as const }, clientId },
  {
    client: { groups: ['x25519' as const, 'secp256r1' as const] },
    server: { ...only13, groups: ['secp256r1' as const] },
  },
];

/** The epoch each message type normally arrives in. */
const EPOCH: Record<string, number> = {
  client_hello: 0,
  server_hello: 0,
  end_of_early_data: 1,
  encrypted_extensions: 2,
  certificate_request: 2,
  certificate: 2,
  certificate_verify: 2,
  finished: 2,
  new_session_ticket: 3,
  key_update: 3,
  new_connection_id: 3,
  request_connection_id: 3,
};

function pairIn(side: 'client' | 'server', state: string): Pair | undefined {
  for (const s of scenarios) {
    const p = reach(makePair(serverId, s), side, state);
    if (p) return p;
  }
  return undefined;
}

for (const [side, chart] of [
  ['client', dtls13ClientChart],
  ['server', dtls13ServerChart],
] as const) {
  const states = Object.entries(chart.states)
    .filter(([, s]) => !('type' in s && s.type === 'final'))
    .map(([name]) => name);
  for (const state of states.filter((s) => s !== 'start')) {
    test(`${side} in ${state}: unexpected messages and wrong epochs end the handshake with unexpected_message`, (t) => {
      if (!pairIn(side, state)) return void t.fail(`no scenario reaches ${side} ${state}`);
      let checked = 0;
      for (const [msgType, handler] of Object.entries(HANDSHAKE_HANDLERS)) {
        const takes: Readonly<Record<string, ReadonlySet<string>>> =
          side === 'client' ? dtls13ClientTakes : dtls13ServerTakes;
        const handled = handler.events.some((event) => takes[state]!.has(event));
        // After the handshake, its messages come under application keys (post-handshake authentication).
        const normal = state === 'connected' && handler.afterHandshake ? 3 : EPOCH[msgType]!;
        const epochs = handled ? [0, 2, 3].filter((e) => e !== normal && !(normal === 3 && e > 3)) : [normal];
        for (const epoch of epochs) {
          const pair = pairIn(side, state)!;
          const victim = pair[side];
          injectHandshakeMessage(victim, handshakeTypeToNumber(msgType as never), new Uint8Array(0), epoch);
          t.is(
            victim.failure?.alert,
            'unexpected_message',
            `${msgType} in epoch ${epoch}${handled ? ' (wrong epoch)' : ''}`,
          );
          t.is(victim.state, 'failed', `${msgType} in epoch ${epoch}`);
          checked++;
        }
      }
      t.true(checked > 0);
    });
  }
}

test('a CertificateVerify or Finished with a wrong value fails the handshake with decrypt_error', (t) => {
  const cases: [string, 'client' | 'server', string, Uint8Array, number, object][] = [
    [
      'server CertificateVerify',
      'client',
      'waitCertificateVerify',
      encodeCertificateVerify({ algorithm: 'ecdsa_secp256r1_sha256', signature: new Uint8Array(70).fill(1) }),
      15,
      {},
    ],
    ['server Finished', 'client', 'waitFinished', encodeFinished({ verifyData: new Uint8Array(32).fill(7) }), 20, {}],
    [
      'client CertificateVerify',
      'server',
      'waitClientCertificateVerify',
      encodeCertificateVerify({ algorithm: 'ecdsa_secp256r1_sha256', signature: new Uint8Array(70).fill(1) }),
      15,
      scenarios[1]!,
    ],
    [
      'client Finished',
      'server',
      'waitClientFinished',
      encodeFinished({ verifyData: new Uint8Array(32).fill(7) }),
      20,
      {},
    ],
  ];
  for (const [what, side, state, body, msgType, scenario] of cases) {
    const pair = reach(makePair(serverId, scenario), side, state);
    if (!pair) return void t.fail(`cannot reach ${side} ${state}`);
    injectHandshakeMessage(pair[side], msgType, body, 2);
    t.is(pair[side].failure?.alert, 'decrypt_error', what);
  }
});

test('an untrusted or expired server certificate fails with unknown_ca or certificate_expired', (t) => {
  const other = makeIdentity('p256', 'server.test');
  const untrusted = handshake(serverId, { client: { trustAnchors: [other.caDer] } });
  t.is(untrusted.link.client.failure?.alert, 'unknown_ca');
  const expired = makeIdentity('p256', 'server.test', { notAfter: TEST_TIME - 1000 });
  const late = handshake(expired);
  t.is(late.link.client.failure?.alert, 'certificate_expired');
  const wrongName = handshake(serverId, { client: { serverName: 'other.test' } });
  t.is(wrongName.link.client.failure?.alert, 'certificate_unknown');
});

test('application data under handshake keys, or before the peer Finished, is never delivered early', (t) => {
  const { link } = handshake(serverId);
  injectRecord(link.client, {
    kind: 'record',
    epoch: 2,
    sequenceNumber: 99,
    contentType: 'application_data',
    content: Uint8Array.of(1, 2, 3),
    protected: true,
  });
  t.is(link.client.pollEvent(), undefined);
  // The server holds epoch-3 data that overtakes the client's Finished until the Finished is in.
  const pair = reach(makePair(serverId), 'server', 'waitClientFinished')!;
  injectRecord(pair.server, {
    kind: 'record',
    epoch: 3,
    sequenceNumber: 0,
    contentType: 'application_data',
    content: Uint8Array.of(9),
    protected: true,
  });
  const before: string[] = [];
  for (let e = pair.server.pollEvent(); e; e = pair.server.pollEvent()) before.push(e.type);
  t.false(before.includes('data'));
  for (let d = pair.server.pollTransmit(); d; d = pair.server.pollTransmit()) pair.client.receive(d, 0);
  for (let d = pair.client.pollTransmit(); d; d = pair.client.pollTransmit()) pair.server.receive(d, 0);
  const after: string[] = [];
  for (let e = pair.server.pollEvent(); e; e = pair.server.pollEvent()) after.push(e.type);
  t.deepEqual(after, ['handshakeComplete', 'data']);
});

test('a failed connection stays failed: later datagrams change nothing and send nothing', (t) => {
  const pair = reach(makePair(serverId), 'client', 'waitEncryptedExtensions')!;
  injectHandshakeMessage(pair.client, 20, new Uint8Array(32), 2);
  const alert = pair.client.failure;
  while (pair.client.pollTransmit()) {
    /* the one fatal alert */
  }
  pair.client.receive(new Uint8Array([22, 254, 253, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0]), 5);
  t.is(pair.client.pollTransmit(), undefined);
  t.deepEqual(pair.client.failure, alert);
});
