/**
 * Attacker: a resumption ticket taken from one listener and offered to
 * another (issue 56 finding 1). A ticket resumes only at a listener that
 * shares its ticketKeys and would grant the same now: the same
 * client-authentication policy (requestCert/rejectUnauthorized, ca,
 * fingerprint pins, raw-key pins) and a PSK identity it knows
 * (docs/security/tickets.md). Each case gets a ticket from the issuing
 * listener, then offers it to the target, with the target's ticketKeys left
 * out (each listener's own random key) and with the issuer's given to both.
 * The attacker holds the ticket and the issuer's credentials, never the
 * target's: a resumption that opens and echoes data is a cross-listener
 * acceptance. Controls: the ticket still resumes at its own listener, and
 * at a listener of the same policy sharing the keys (a fleet).
 *
 * Over real UDP, DTLS 1.3 and 1.2, through listen() and connect().
 */
import test from 'ava';
import { createPublicKey } from 'node:crypto';
import { connect, listen } from '../../runtime/index.js';
import type { ConnectOptions, ListenOptions } from '../../runtime/api/options.js';
import { certificateFingerprint } from '../../runtime/pki/fingerprint.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { credentials } from '../dtls12/negotiation-support.js';

const server = credentials(makeIdentity('p256', 'localhost'));
const clientA = makeIdentity('p256', 'client-a');
const clientB = makeIdentity('p256', 'client-b');
const a = credentials(clientA);
const b = credentials(clientB);
const clientRaw = createPublicKey(a.key).export({ type: 'spki', format: 'pem' }).toString();
const SHARED_KEYS = new Uint8Array(32).fill(0x6d);
const ALPHA = new Uint8Array(32).fill(0xa1);
const BETA = new Uint8Array(32).fill(0xb2);
const VERSIONS = ['DTLSv1.3', 'DTLSv1.2'] as const;
const TIMEOUT = 8_000;

interface Case {
  readonly name: string;
  /** The listener that issues the ticket, and the client options that earn it. */
  readonly issuer: Partial<ListenOptions>;
  readonly issuerClient: Partial<ConnectOptions>;
  /** The listener the ticket is carried to, and what the attacker connects with there (the ticket comes on top). */
  readonly target: Partial<ListenOptions>;
  readonly attacker: Partial<ConnectOptions>;
}

const certClientA = { cert: a.cert, key: a.key };
const CASES: readonly Case[] = [
  {
    name: 'no client auth → requestCert + rejectUnauthorized (ca)',
    issuer: {},
    issuerClient: {},
    target: { requestCert: true, rejectUnauthorized: true, ca: a.ca },
    attacker: {},
  },
  {
    name: 'no client auth → fingerprint pin',
    issuer: {},
    issuerClient: {},
    target: { fingerprint: certificateFingerprint(clientA.chain[0]!) },
    attacker: {},
  },
  {
    name: 'no client auth → raw-key pin',
    issuer: {},
    issuerClient: {},
    target: { rawPublicKey: true, peerPublicKey: clientRaw },
    attacker: {},
  },
  {
    name: 'client CA A → client CA B',
    issuer: { requestCert: true, rejectUnauthorized: true, ca: a.ca },
    issuerClient: certClientA,
    target: { requestCert: true, rejectUnauthorized: true, ca: b.ca },
    attacker: {},
  },
  {
    name: 'fingerprint pin of client A → fingerprint pin of client B',
    issuer: { fingerprint: certificateFingerprint(clientA.chain[0]!) },
    issuerClient: certClientA,
    target: { fingerprint: certificateFingerprint(clientB.chain[0]!) },
    attacker: {},
  },
  {
    name: 'PSK identity alpha → PSK identity beta',
    issuer: { psk: { alpha: ALPHA } },
    issuerClient: { psk: { identity: 'alpha', key: ALPHA } },
    target: { psk: { beta: BETA } },
    attacker: { psk: { identity: 'alpha', key: ALPHA } },
  },
];

/** An echo listener on loopback under `options`, with the server's certificate unless it is a PSK listener. */
async function echoListener(options: Partial<ListenOptions>): Promise<{ port: number; close(): Promise<void> }> {
  const own = options.psk === undefined ? { cert: server.cert, key: server.key } : {};
  const listener = listen(
    (s) => {
      s.onmessage = (m) => s.send(Buffer.concat([Buffer.from('echo: '), m]));
    },
    { ...own, host: '127.0.0.1', handshakeTimeout: TIMEOUT, ...options } as ListenOptions,
  );
  listener.onhandshakeerror = () => {};
  const { port } = await listener.listening;
  return { port, close: () => listener.close() };
}

/** One connection: its session blob (a ticket), and whether it resumed and echoed a message. */
async function attempt(
  port: number,
  options: Partial<ConnectOptions>,
): Promise<{ ticket: Buffer | undefined; resumedWithData: boolean }> {
  const c = connect('127.0.0.1', port, {
    ca: server.ca,
    servername: 'localhost',
    handshakeTimeout: TIMEOUT,
    ...options,
  } as ConnectOptions);
  c.onerror = () => {};
  try {
    await c.opened;
    const echo = new Promise<string>((resolve) => (c.onmessage = (m) => resolve(m.toString())));
    c.send('secret please');
    const answer = await Promise.race([echo, new Promise<string>((resolve) => setTimeout(() => resolve(''), TIMEOUT))]);
    return { ticket: await c.ticket, resumedWithData: c.reused && answer === 'echo: secret please' };
  } catch {
    return { ticket: undefined, resumedWithData: false };
  } finally {
    await c.close().catch(() => {});
  }
}

interface Tally {
  crossAccepted: string[];
  controls: string[];
}

async function runCase(c: Case, version: (typeof VERSIONS)[number], shared: boolean, tally: Tally): Promise<void> {
  const range = { minVersion: version, maxVersion: version } as const;
  const keys = shared ? { ticketKeys: SHARED_KEYS } : {};
  const issuer = await echoListener({ ...c.issuer, ...range, ...keys });
  const target = await echoListener({ ...c.target, ...range, ...keys });
  const twin = shared ? await echoListener({ ...c.issuer, ...range, ...keys }) : undefined;
  try {
    const first = await attempt(issuer.port, { ...c.issuerClient, ...range });
    if (first.ticket === undefined) throw new Error(`${version} ${c.name}: the issuing listener handed out no ticket`);
    const label = `${version} ${shared ? 'shared ticketKeys' : 'own keys'}: ${c.name}`;
    if ((await attempt(target.port, { ...c.attacker, ...range, session: first.ticket })).resumedWithData)
      tally.crossAccepted.push(label);
    // Controls: its own listener, and (shared keys) a twin of the same policy, still resume it.
    const again = await attempt(issuer.port, { ...c.issuerClient, ...range, session: first.ticket });
    if (!again.resumedWithData) tally.controls.push(`${label}: not resumed at its own listener`);
    if (
      twin !== undefined &&
      !(await attempt(twin.port, { ...c.issuerClient, ...range, session: first.ticket })).resumedWithData
    )
      tally.controls.push(`${label}: not resumed at a twin listener sharing the keys`);
  } finally {
    await issuer.close();
    await target.close();
    await twin?.close();
  }
}

for (const version of VERSIONS) {
  test.serial(
    `attacker, ${version}: a ticket from one listener resumes at no listener that would not grant it; it still resumes where it would`,
    async (t) => {
      const tally: Tally = { crossAccepted: [], controls: [] };
      for (const shared of [false, true]) for (const c of CASES) await runCase(c, version, shared, tally);
      t.log(`cross-listener resumptions accepted: ${tally.crossAccepted.length} of ${2 * CASES.length}`);
      for (const line of tally.crossAccepted) t.log(`  accepted: ${line}`);
      t.deepEqual(tally.crossAccepted, []);
      t.deepEqual(tally.controls, []);
    },
  );
}

test('the verifiers made from data describe themselves by it: the same pins give the same policy, other pins another', async (t) => {
  const { verifierPolicy } = await import('../../runtime/pki/verifier-policy.js');
  const { fingerprintOption, fingerprintVerifier } = await import('../../runtime/pki/fingerprint.js');
  const pin = certificateFingerprint(clientA.chain[0]!);
  const other = certificateFingerprint(clientB.chain[0]!);
  t.is(
    verifierPolicy(fingerprintVerifier(fingerprintOption(pin))),
    verifierPolicy(fingerprintVerifier(fingerprintOption([pin, pin]))),
  );
  t.not(
    verifierPolicy(fingerprintVerifier(fingerprintOption(pin))),
    verifierPolicy(fingerprintVerifier(fingerprintOption(other))),
  );
  const application = (): never => {
    throw new Error('not called');
  };
  t.is(verifierPolicy(application), verifierPolicy(application), 'one function: one policy');
  t.not(
    verifierPolicy(application),
    verifierPolicy(() => {}),
    'another function: another',
  );
});
