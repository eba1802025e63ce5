/**
 * The figures of the docs that are settings, not measurements: defaults, caps, ranges, timers and thresholds the
 * code fixes. Each one is read from the code (an exported constant, or the literal the code uses) and written out as
 * the doc writes it; the doc's section must say exactly that. A changed default fails here until the doc follows, and
 * so does a doc edited away from the code. The sections checked name this file, which ties their figures for
 * tests/docs/figures.test.ts.
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  DEFAULT_CONNECTION_LIMITS,
  resolveLimits,
  type ConnectionLimits,
} from '../../runtime/shared/connection-limits.js';
import { MAX_HELD_MESSAGES, MAX_HELD_SEND_BYTES } from '../../runtime/dtls13/peer-confirmation.js';
import { TICKET_KEY_LENGTH } from '../../runtime/session/ticket-keys.js';
import { MAX_USED_COOKIES } from '../../runtime/handshake/used-cookies.js';
import { DEFAULT_PENDING_CLIENT_HELLO_MS } from '../../runtime/dtls13/hello-retry-reassembly.js';
import { TICKET_AGE_TOLERANCE_MS } from '../../runtime/shared/psk-selection.js';
import { DEFAULT_ANTI_REPLAY_WAIT } from '../../runtime/node/anti-replay-wait.js';
import { WAITING_BYTES, WAITING_MESSAGES } from '../../runtime/api/message-inbox.js';
import { MAX_WAITING_FLIGHTS } from '../../runtime/dtls13/post-handshake-queue.js';
import {
  DEFAULT_MAX_MESSAGE_LENGTH,
  DEFAULT_MAX_MESSAGES_AHEAD,
  DEFAULT_MAX_RANGES_PER_MESSAGE,
  RANGE_OVERHEAD,
} from '../../runtime/handshake/reassembler.js';
import { MAX_REQUESTS_ANSWERED } from '../../runtime/cid/cid-state.js';
import { MAX_HELD_DATAGRAMS } from '../../runtime/cid/cid-context.js';
import { CHALLENGES_PER_PATH } from '../../runtime/cid/path-validation.js';
import { AMPLIFICATION_FACTOR } from '../../runtime/shared/amplification-limit.js';
import { flightTimers } from '../../runtime/handshake/flight-timer-config.js';
import {
  DEFAULT_AEAD_LIMITS,
  INTEGRITY_KEY_UPDATE_THRESHOLD,
  INTEGRITY_RATE_THRESHOLD,
  PACED_INTEGRITY_LIMIT,
} from '../../runtime/record/limits.js';
import { RECEIVE_BATCH } from '../../runtime/node/datagram-io.js';
import { RECORD_TEXT } from '../../cli/line-input.js';
import { CONNECT_OPTION_NAMES, LISTEN_OPTION_NAMES } from '../../runtime/api/option-names.js';
import { CONFIG_OPTIONS } from '../../runtime/shared/config-options.js';

const ROOT = resolve(import.meta.dirname, '../..');

/** The number a source file fixes: the first group of `pattern` (digits, `_` separators, `<< N` shifts). */
function literal(file: string, pattern: RegExp): number {
  const found = pattern.exec(readFileSync(join(ROOT, file), 'utf8'));
  if (!found?.[1]) throw new Error(`${file} no longer matches ${String(pattern)}: the figure moved; update this test`);
  const [value, shift] = found[1].replaceAll('_', '').split(/\s*<<\s*/);
  return Number(value) * 2 ** Number(shift ?? 0);
}

/** As the docs write a count: 1,024. */
const n = (value: number): string => value.toLocaleString('en-US');
/** As the docs write milliseconds in seconds: 10 s. */
const s = (ms: number): string => `${ms / 1000} s`;
/** A power of two as the docs write it: 2^7. */
const pow2 = (value: number): string => `2^${Math.round(Math.log2(value) * 10) / 10}`;
/** What `0` (no limit) becomes, as the docs say it. */
const longest = (ms: number): string => (ms === 3_600_000 ? 'one hour' : `${n(ms)} ms`);

/** One section of a Markdown file: from its heading to the next heading. */
function section(file: string, heading: string): string {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const start = text.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`${file} has no heading '${heading}'`);
  const rest = text.slice(start + heading.length + 2);
  const end = rest.search(/^#{1,6} /m);
  return (end < 0 ? rest : rest.slice(0, end)).replace(/\s+/g, ' ');
}

/** Each claim is a phrase made from the code's figure; the section must contain it (spaces and line breaks alike). */
function checkSection(file: string, heading: string, claims: () => string[]): void {
  test(`${file} ${heading}: its figures are the code's`, (t) => {
    const text = section(file, heading);
    t.true(
      text.includes('tests/docs/documented-figures.test.ts'),
      'the section names this test as its figures’ source',
    );
    const missing = claims().filter((claim) => !text.includes(claim.replace(/\s+/g, ' ')));
    t.deepEqual(missing, [], `${file} '${heading}' no longer says these (the code's figures)`);
  });
}

// listen's and connect's integer options: their defaults and what 0 becomes, from the one table (option-names.ts).
const listenHandshakeMs = (): number => LISTEN_OPTION_NAMES.handshakeTimeout.default;
const connectHandshakeMs = (): number => CONNECT_OPTION_NAMES.handshakeTimeout.default;
const longestHandshakeMs = (): number => LISTEN_OPTION_NAMES.handshakeTimeout.zero;
const cookieLifetimeMs = (): number => literal('runtime/handshake/cookie.ts', /lifetimeMs = ([\d_]+)/);

checkSection('docs/api.md', '## Sessions: PSKs, resumption, 0-RTT, post-handshake authentication', () => [
  `\`ticketKeys\` (${TICKET_KEY_LENGTH} bytes each`,
  `at most ${n(MAX_HELD_MESSAGES)} messages and ${MAX_HELD_SEND_BYTES / 1024} KiB`,
]);

checkSection('docs/benchmarks.md', '### Receiver memory', () => [
  `The cap is ${literal('native/src/owned-bytes.h', /OWNED_IDLE_MAX \(\(uint64_t\)(\d+ << \d+)\)/) / 2 ** 20} MiB per thread`,
]);

checkSection('docs/benchmarks.md', '### Why a same-run ratio differs between machines', () => [
  `recvmmsg call takes (${RECEIVE_BATCH}, dtls13's own`,
  `caps the ${literal('bench/network/index.ts', /envInt\('BENCH_NET_BUFFER', (\d+) \* 1024 \* 1024\)/)} MiB asked`,
]);

checkSection('docs/cli.md', '## client and server', () => [
  `packed into records of up to ${RECORD_TEXT / 1024} KiB`,
  `less than ${literal('cli/client-command.ts', /FIRST_WORDS_MS = (\d+)/)} ms before`,
  `(${literal('cli/client-command.ts', /WINDOW = (\d+)/)} records in flight; a record not answered within ${literal('cli/client-command.ts', /WINDOW_WAIT_MS = (\d+)/)} ms`,
  `${s(literal('cli/client-command.ts', /handshakeTimeout: timeout \?\? ([\d_]+)/))} by default`,
  `or \`--idle-timeout\`, ${s(literal('cli/net-options.ts', /REPLY_SILENCE_MS = ([\d_]+)/))} in which nothing comes`,
  `(\`no reply for ${literal('cli/net-options.ts', /REPLY_SILENCE_MS = ([\d_]+)/)} ms ...\`)`,
  `is ${TICKET_KEY_LENGTH} × N raw bytes`,
]);

checkSection('docs/node-dtls.md', '## `connect` options', () => [
  `\`handshakeTimeout\`, default ${n(connectHandshakeMs())} ms; \`0\` means ${longest(longestHandshakeMs())}`,
]);

checkSection('docs/security/admission.md', '## The order of checks for a ClientHello from a new peer', () => {
  const handshakes = LISTEN_OPTION_NAMES.maxHandshakes.default;
  const sessions = LISTEN_OPTION_NAMES.maxSessions.default;
  const perHostHandshakes = LISTEN_OPTION_NAMES.maxHandshakesPerHost.default;
  const perHostSessions = LISTEN_OPTION_NAMES.maxSessionsPerHost.default;
  return [
    `(\`maxHandshakes\`, ${n(handshakes)})`,
    `(\`maxSessions\`, ${n(sessions)})`,
    `(\`maxHandshakesPerHost\`, ${n(perHostHandshakes)})`,
    `(\`maxSessionsPerHost\`, ${n(perHostSessions)})`,
    `good for ${s(cookieLifetimeMs())}`,
    `at most ${n(MAX_USED_COOKIES)} used cookies`,
    `\`handshakeTimeout\` (${s(listenHandshakeMs())})`,
    `at most ${perHostHandshakes} handshakes and ${perHostSessions} sessions per host`,
  ];
});

checkSection('docs/security/admission.md', '## Anti-amplification: three times what the address sent', () => {
  const words: Record<number, string> = { 2: 'two', 3: 'three', 4: 'four' };
  const initial = flightTimers({}).initialTimeout;
  return [
    `at most ${words[AMPLIFICATION_FACTOR] ?? AMPLIFICATION_FACTOR} times what it received`,
    `${AMPLIFICATION_FACTOR} × received − sent`,
    `one per retransmission timeout (${s(initial)}, doubling)`,
    `default \`handshakeTimeout\` (${s(listenHandshakeMs())})`,
  ];
});

/** A `limits.*` row of buffers.md: `(DEFAULT; MIN..MAX` as the code's default and the bounds resolveLimits takes. */
function limitClaim(name: keyof ConnectionLimits, min: number, max: number): string {
  const accepts = (value: number): boolean => {
    try {
      resolveLimits({ [name]: value });
      return true;
    } catch {
      return false;
    }
  };
  if (!accepts(min) || accepts(min - 1) || !accepts(max) || accepts(max + 1))
    return `limits.${name}: the code's bounds are not ${n(min)}..${n(max)}`;
  return `\`limits.${name}\` (${n(DEFAULT_CONNECTION_LIMITS[name] as number)}; ${n(min)}..${n(max)}`;
}

checkSection('docs/security/buffers.md', '## Per connection', () => {
  const ccm8 = DEFAULT_AEAD_LIMITS['aes-128-ccm-8'].integrity;
  const gcm = DEFAULT_AEAD_LIMITS['aes-128-gcm'].integrity;
  const ccm = DEFAULT_AEAD_LIMITS['aes-128-ccm'].integrity;
  const rated = Math.max(
    1,
    Math.floor((ccm8 * (1 - INTEGRITY_RATE_THRESHOLD)) / DEFAULT_CONNECTION_LIMITS.integrityBudgetSeconds),
  );
  const replay = CONFIG_OPTIONS.replayWindow;
  return [
    limitClaim('maxReassemblyBytes', 4_096, 16_777_216),
    limitClaim('maxDeferredBytes', 0, 16_777_216),
    limitClaim('maxAckRecords', 1, 1_000),
    limitClaim('maxReadEpochs', 2, 64),
    limitClaim('maxRecordsPerDatagram', 1, 65_535),
    limitClaim('maxFailedAuthenticationsPerSecond', 1, 1_000_000),
    `${limitClaim('integrityBudgetSeconds', 0, 86_400)}, 0: none)`,
    `at least 1: ${rated} for AES-128-CCM-8 (limit ${pow2(ccm8)})`,
    `(${pow2(gcm)}, ${pow2(ccm)})`,
    `\`replayWindow\` (${replay.default} records; ${replay.min}..${n(replay.max)})`,
    `| ${MAX_WAITING_FLIGHTS}, fixed |`,
    `plus ${RANGE_OVERHEAD} for each extra gap`,
    `At most ${DEFAULT_MAX_MESSAGES_AHEAD} messages past the next`,
    `at most ${DEFAULT_MAX_RANGES_PER_MESSAGE} separate pieces and is at most ${DEFAULT_MAX_MESSAGE_LENGTH / 1024} KiB long`,
    `\`cid.maxPeer\` (${literal('runtime/cid/cid-options.ts', /o\.maxPeer \?\? (\d+), 1, 64\)/)}; 1..64)`,
    `\`cid.maxIssued\` (${literal('runtime/cid/cid-options.ts', /o\.maxIssued \?\? (\d+), 1, 64\)/)}; 1..64)`,
    `RequestConnectionIds answered over the session's life | ${MAX_REQUESTS_ANSWERED}, fixed`,
    `is checked | ${MAX_HELD_DATAGRAMS}, fixed`,
    `another address | ${literal('runtime/cid/cid-context.ts', /MAX_PATH_DATAGRAMS = (\d+)/)}, fixed`,
    `| ${literal('runtime/cid/off-path-forwarding.ts', /MAX_SEEN_RECORDS = (\d+)/)} and ${literal('runtime/cid/off-path-forwarding.ts', /MAX_SUSPECT_PATHS = (\d+)/)}, fixed |`,
  ];
});

checkSection('docs/security/buffers.md', '## Per session (`listen` and `connect`)', () => [
  `${n(WAITING_MESSAGES)} messages and ${WAITING_BYTES / 2 ** 20} MiB, fixed`,
]);

checkSection('docs/security/ccm8.md', '## DTLS 1.3: new keys, not a stall', () => {
  const limit = DEFAULT_AEAD_LIMITS['aes-128-ccm-8'].integrity;
  const rateFrom = limit * INTEGRITY_RATE_THRESHOLD;
  const updateAt = limit * INTEGRITY_KEY_UPDATE_THRESHOLD;
  const quarter = limit - rateFrom;
  return [
    `Below 3/4 of the limit (${rateFrom} of ${pow2(limit)})`,
    `At 1/8 of the limit (${updateAt})`,
    `At 1 forged record a second that means a new key every ${updateAt} s`,
    `last quarter (${quarter} failures) therefore lasts at least ${quarter} s`,
    `there are ${rateFrom - updateAt} failures: at 1,000 forgeries a second that is ${rateFrom - updateAt} ms`,
    `not a whole second's CPU budget (${DEFAULT_CONNECTION_LIMITS.maxFailedAuthenticationsPerSecond})`,
    `integrity limit is at most ${pow2(PACED_INTEGRITY_LIMIT)}`,
    `1.2's \`'close'\` needs ${pow2(limit)} forged datagrams`,
    `\`limits.integrityBudgetSeconds\` (default ${DEFAULT_CONNECTION_LIMITS.integrityBudgetSeconds}`,
  ];
});

checkSection('docs/security/ccm8.md', '## DTLS 1.2: `limits.integrityPolicy12`', () => [
  `\`'count'\` (default)`,
  `under 2^-57 for the first ${DEFAULT_CONNECTION_LIMITS.integrityBudgetSeconds} s`,
  `at ${pow2(DEFAULT_AEAD_LIMITS['aes-128-ccm-8'].integrity)} failures the session ends`,
]);

checkSection('docs/security/rrc.md', '## Moving a session', () => {
  const [fallback, min, max] = /rrcTimeoutMs as number \| undefined\) \?\? (\d+), (\d+), ([\d_]+)\)/
    .exec(readFileSync(join(ROOT, 'runtime/cid/cid-options.ts'), 'utf8'))!
    .slice(1)
    .map((v) => Number(v.replaceAll('_', '')));
  const times = ['', 'one', 'two', 'Three', 'Four'][CHALLENGES_PER_PATH];
  return [
    `\`rrcTimeoutMs\` (${n(fallback!)} ms, the §5.5 default without an RTT estimate; ${n(min!)}..${n(max!)})`,
    `${times} path_challenges per address, at 0, T/${CHALLENGES_PER_PATH} and 2T/${CHALLENGES_PER_PATH}`,
    `random ${literal('runtime/cid/path-validation.ts', /this\.host\.random\((\d+)\)/)}-byte cookie`,
  ];
});

checkSection('docs/security/timers.md', '## Handshake', () => {
  const timers = flightTimers({});
  return [
    `${s(timers.initialTimeout)} at first, doubling at each retransmission up to ${s(timers.maxTimeout)}; at most ${timers.maxRetransmissions} retransmissions`,
    `the timer becomes ${literal('runtime/handshake/flight-steps.ts', /Math\.round\(([\d.]+) \* \(c\.clock\.now/)} × the measured round trip`,
    `(\`listen\`, ${n(listenHandshakeMs())} ms; 0 means ${longest(longestHandshakeMs())})`,
    `(\`connect\`, ${n(connectHandshakeMs())} ms; 0 means ${longest(longestHandshakeMs())})`,
    `| ${s(DEFAULT_PENDING_CLIENT_HELLO_MS)}, fixed |`,
    `| ${s(cookieLifetimeMs())}, fixed | A cookie is good for ${s(cookieLifetimeMs())}`,
    `between ${literal('runtime/api/opening.ts', /TICKET_WAIT_MIN_MS = (\d+)/)} ms and ${s(literal('runtime/api/opening.ts', /TICKET_WAIT_MAX_MS = (\d+)/))}`,
    `\`antiReplayWait.timeoutMs\` (${n(DEFAULT_ANTI_REPLAY_WAIT.timeoutMs)} ms)`,
  ];
});

checkSection('docs/security/zero-rtt.md', '## When the server takes early data', () => [
  `to within ${s(TICKET_AGE_TOLERANCE_MS)} (RFC 8446 §8.3)`,
  `in the last ${s(2 * TICKET_AGE_TOLERANCE_MS)} (twice the age tolerance)`,
]);
