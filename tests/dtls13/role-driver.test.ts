import test from 'ava';
import { DtlsConnection, type DtlsOptions } from '../../runtime/connection/connection.js';
import type { DtlsVersionName } from '../../runtime/versions/versions.js';
import { Dtls13Connection } from '../../runtime/dtls13/connection.js';
import { Connection12 } from '../../runtime/dtls12/connection.js';
import { Link } from '../support/link.js';
import { transmitted } from '../support/poll.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';

/**
 * The role driver (runtime/dtls13/role-driver.ts) and the hello phase that chooses for it
 * (runtime/connection/hello-phase.ts) between real connections in memory: each first answer (a 1.3 ServerHello, a
 * HelloRetryRequest, a 1.2 ServerHello, a HelloVerifyRequest) to a client offering DTLS 1.2 and 1.3 and to a 1.3-only
 * one; a 1.2-only ClientHello handed to a server's 1.2 state; what `protocolVersion` reports before and after each; an
 * attacker's answer arriving before the real one. The HelloVerifyRequest reader and the forged, replayed, truncated and
 * late HelloVerifyRequests are first-answer.test.ts's, not repeated here. Each test fails under the one-line mutation
 * its comment names.
 */

const id = makeIdentity('p256', 'localhost');
const client: DtlsOptions = { wallClock: () => TEST_TIME, trustAnchors: [id.caDer], serverName: 'localhost' };
const server: DtlsOptions = {
  wallClock: () => TEST_TIME,
  certificate: { chain: id.chain, privateKey: id.privateKey },
  amplificationLimit: false, // an in-memory peer: tests/shared/amplification-limit.test.ts tests the limit
};

const CLIENTS = { 'offering 1.2 and 1.3': {}, '1.3 only': { minVersion: 'DTLSv1.3' } } as const;
type ClientKind = keyof typeof CLIENTS;

/** The server's first answers, each by a real server. */
const SERVERS = {
  '1.3 ServerHello': { minVersion: 'DTLSv1.3' },
  '1.2 ServerHello': { maxVersion: 'DTLSv1.2', helloVerify: false },
  HelloVerifyRequest: { maxVersion: 'DTLSv1.2' },
} as const;
type Answer = keyof typeof SERVERS;

/** What each client does with each first answer: the version it reports once it read it, and how the handshake ends. */
const EXPECTED: Record<
  ClientKind,
  Record<Answer, { version: DtlsVersionName; end: 'connected' | 'protocol_version'; why?: RegExp }>
> = {
  'offering 1.2 and 1.3': {
    '1.3 ServerHello': { version: 'DTLSv1.3', end: 'connected' },
    '1.2 ServerHello': { version: 'DTLSv1.2', end: 'connected' },
    HelloVerifyRequest: { version: 'DTLSv1.2', end: 'connected' },
  },
  '1.3 only': {
    '1.3 ServerHello': { version: 'DTLSv1.3', end: 'connected' },
    '1.2 ServerHello': { version: 'DTLSv1.3', end: 'protocol_version', why: /did not select DTLS 1.3/ },
    HelloVerifyRequest: { version: 'DTLSv1.3', end: 'protocol_version', why: /answered with a HelloVerifyRequest/ },
  },
};

for (const kind of Object.keys(CLIENTS) as ClientKind[]) {
  for (const answer of Object.keys(SERVERS) as Answer[]) {
    const expected = EXPECTED[kind][answer];
    test(`a client ${kind}, answered with a ${answer}: ${expected.version}, ${expected.end}`, (t) => {
      // Mutations: in HelloPhase.clientReceive, `answer.version === 'DTLSv1.3' ||` → `true ||` fails the 1.2 answers to
      // the client offering both; `else if (answer.helloVerifyRequest)` → `else if (false)` fails the HelloVerifyRequest
      // to the 1.3-only client (left waiting instead of refusing it); in client-handshake.ts, `if (selectedVersion !==
      // 'dtls1_3')` → `if (false)` fails the 1.2 ServerHello to the 1.3-only client.
      const c = DtlsConnection.client({ ...client, ...CLIENTS[kind] });
      const s = DtlsConnection.server({ ...server, ...SERVERS[answer] });
      // A 1.2 server refuses a 1.3-only ClientHello with an alert: the 1.2 answer a 1.3-only client gets is the one a
      // client offering both got (as an attacker or a confused path hands it on).
      const asker = expected.end === 'connected' ? c : DtlsConnection.client({ ...client });
      // Before the first answer a client offering both speaks no version yet; a 1.3-only one speaks 1.3 from the start.
      const from = kind === '1.3 only' ? 'DTLSv1.3' : undefined;
      t.is(c.protocolVersion, from);
      c.connect(0);
      if (asker !== c) asker.connect(0);
      t.is(c.protocolVersion, from, 'the ClientHello sent, still no answer');
      for (const d of transmitted(asker)) s.receive(d, 0);
      const answers = transmitted(s);
      t.is(answers.length, 1, "one datagram: the first answer, or a 1.2 server's first flight");
      transmitted(c);
      c.receive(answers[0]!, 0);
      t.is(c.protocolVersion, expected.version);
      const twelve = expected.version === 'DTLSv1.2';
      t.is(c.versionState instanceof Connection12, twelve, 'the version state that speaks');
      t.is(c.versionState instanceof Dtls13Connection, !twelve);
      if (expected.end === 'protocol_version') {
        t.is(c.state, 'failed', 'refused at once');
        t.is(c.failure?.alert, 'protocol_version');
        t.regex(c.failure?.message ?? '', expected.why ?? /^$/, 'by the check that names why');
        t.is(transmitted(c).length, 1, 'the alert sent');
        return;
      }
      const link = new Link(c, s);
      link.run();
      t.is(c.state, 'connected');
      t.is(s.state, 'connected');
      t.is(c.protocolVersion, expected.version, 'kept to the end');
    });
  }
}

test('a HelloRetryRequest as the first answer settles DTLS 1.3 at once, while the client still waits for a ServerHello', (t) => {
  // Mutation: `this.parts.common.protocolVersion = 'DTLSv1.3'` in HelloPhase.clientReceive deleted fails this (nothing
  // else says so before the ServerHello).
  const c = DtlsConnection.client({ ...client, groups: ['x25519', 'secp256r1'] });
  const s = DtlsConnection.server({ ...server, groups: ['secp256r1'] });
  c.connect(0);
  for (const d of transmitted(c)) s.receive(d, 0);
  for (const d of transmitted(s)) c.receive(d, 0);
  t.is(c.state, 'waitServerHello', 'the HelloRetryRequest read, the second ClientHello sent');
  t.is(c.protocolVersion, 'DTLSv1.3');
  const link = new Link(c, s);
  link.run();
  t.is(c.state, 'connected');
  t.is(c.protocolVersion, 'DTLSv1.3');
});

const SERVER_KINDS = { 'doing 1.2 and 1.3': {}, '1.3 only': { minVersion: 'DTLSv1.3' } } as const;

for (const [kind, options] of Object.entries(SERVER_KINDS)) {
  test(`a server ${kind}: a 1.3 ClientHello stays in 1.3; a 1.2-only one is handed over to 1.2, or refused`, (t) => {
    // Mutations: in `took`, `next.kind !== 'waitServerHello'` → `false` fails the version a server doing both reports
    // after a 1.3 ClientHello; in hello-phase.ts `chooseVersion`, `return 'DTLSv1.2'` → `return undefined` fails the
    // hand-over (the 1.3 state refuses the 1.2 ClientHello).
    const both = kind === 'doing 1.2 and 1.3';
    for (const [hello, clientOptions] of [
      ['1.3', {}],
      ['1.2-only', { maxVersion: 'DTLSv1.2' }],
    ] as const) {
      const s = DtlsConnection.server({ ...server, ...options });
      const c = DtlsConnection.client({ ...client, ...clientOptions });
      t.is(s.protocolVersion, both ? undefined : 'DTLSv1.3', `${hello}: before any ClientHello`);
      c.connect(0);
      for (const d of transmitted(c)) s.receive(d, 0);
      const twelve = hello === '1.2-only';
      if (twelve && !both) {
        t.is(s.failure?.alert, 'protocol_version', 'a 1.3-only server refuses a 1.2-only ClientHello');
        continue;
      }
      t.is(s.protocolVersion, twelve ? 'DTLSv1.2' : 'DTLSv1.3', `${hello}: after the first ClientHello`);
      t.is(s.versionState instanceof Connection12, twelve, `${hello}: the state that answers`);
      const link = new Link(c, s);
      link.run();
      t.is(s.state, 'connected', hello);
      t.is(c.state, 'connected', hello);
      t.is(c.protocolVersion, s.protocolVersion, hello);
    }
  });
}

test('an attacker’s 1.2 answer before the real 1.3 one: the client goes to 1.2 and refuses it, never connected', (t) => {
  // Mutation: in HelloPhase.clientReceive, `answer.version === 'DTLSv1.3' ||` → `true ||` fails this (the 1.3 state
  // refuses it with protocol_version instead of the 1.2 state with decrypt_error).
  // The attacker's own 1.2 server answering its own ClientHello: a whole first flight, signed over another random.
  const attackerClient = DtlsConnection.client({ ...client });
  const attacker = DtlsConnection.server({ ...server, maxVersion: 'DTLSv1.2', helloVerify: false });
  attackerClient.connect(0);
  for (const d of transmitted(attackerClient)) attacker.receive(d, 0);
  const forged = transmitted(attacker);
  t.is(forged.length, 1);

  const c = DtlsConnection.client({ ...client });
  const s = DtlsConnection.server({ ...server });
  c.connect(0);
  const hello = transmitted(c);
  c.receive(forged[0]!, 0);
  t.is(c.protocolVersion, 'DTLSv1.2', 'a 1.2 ServerHello is the first answer');
  t.is(
    c.failure?.alert,
    'decrypt_error',
    'the ServerKeyExchange is signed over the attacker’s client random, not ours',
  );
  t.regex(c.failure?.message ?? '', /ServerKeyExchange signature/);
  for (const d of hello) s.receive(d, 0);
  new Link(c, s).run();
  t.is(c.state, 'failed');
  t.not(s.state, 'connected');
});
