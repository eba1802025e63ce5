import test, { type ExecutionContext } from 'ava';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { modelFromReport, type LearnReport } from '../../learn/learner/report.js';
import { identityFiles } from '../dtls12/openssl12.js';
import { requireCommand } from '../interop/iot-peers.js';
import { makeNssDb, nssBuild } from '../interop/nss.js';
import { wolfsslBuild } from '../interop/wolfssl.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import {
  agreeWithPeer,
  describeDifferences,
  disagreements,
  DOCS_OPTIONS,
  I12,
  I13,
  learnPeer,
  learnPeerInProcess,
  storedDifferences,
  storedModel,
  type LearnedPeer,
  storedReport,
  walkDifferences,
  walkPaced,
} from './peer-learning.js';

/**
 * Peers learned as regression tests: OpenSSL's, GnuTLS's and wolfSSL's DTLS 1.2 servers and NSS's 1.3 server, each
 * learned with docs/learn-peers.md's command (the handshake alphabet, `--parallel 4 --budget 100 --wait 300`, seed 1, a
 * P-256 certificate made here), then
 * - checked against its peer on WORDS random words of length up to 7, 3 walks each, the majority per step
 *   (scripts/learn-agree.ts's check; 50 words in the docs' runs, fewer here for CI time: each walk starts a server);
 * - diffed against the stored report in docs/learn/: the models must be equivalent, or the test prints the
 *   distinguishing words.
 * Serial: each run starts up to 4 servers at once (GnuTLS's from its stored model 8), and two runs at once would make
 * each other's answers late.
 *
 * CI runs wolfSSL's and NSS's with the docs' command, and OpenSSL's started from its stored model (learn()'s `start`)
 * with the conformance test at k = 0 (`--extra-states 0`): the docs' command, at k = 1, takes some 2,500 queries (over
 * ten minutes on the 2-core machine), the start and k = 0 some 570, and a stored model the server no longer is does not
 * come back out (tests/learn/start-model.test.ts). GnuTLS's server answers a handshake message after the handshake by
 * the time since its last flight (the test below walks that), so its row is learned with `--peer-retransmissions
 * hide` (its model is the server's without its repeated flights) and a 150 ms wait; CI learns it from its stored model
 * at k = 0 as OpenSSL's, with 8 sessions at once (some 1,200 queries, 8,000 steps, nearly all of them waits: 3 min 31 s
 * and 4 min 18 s at load average 7 to 10). DTLS13_LEARN_PEERS=all registers the docs' commands for OpenSSL and GnuTLS
 * from nothing at k = 1; docs/learn.md, "What CI learns".
 */
const ALL_PEERS = process.env['DTLS13_LEARN_PEERS'] === 'all';

const WORDS = 20;
const id = makeIdentity('p256', 'localhost', { at: Date.now() });
const files = identityFiles(id);
test.after.always(() => rmSync(files.dir, { recursive: true, force: true }));
const REFERENCE12 = ['--reference', storedReport('dtls13-server12')];
/**
 * GnuTLS's row's own options (after the docs'): the mapper leaves out a repeated flight (its programs repeat it on a
 * timer with no option to change it), and a 150 ms wait (at 300 ms its run reached the 20-minute limit).
 */
const GNUTLS_ROW = ['--peer-retransmissions', 'hide', '--wait', '150'];

/** Longer than a run may take on a loaded machine (the test reports its time); ava's 5 minutes would cut one short. */
const RUN_LIMIT_MS = 20 * 60_000;

async function learnAndCheck(t: ExecutionContext, name: string, args: readonly string[]): Promise<void> {
  t.timeout(RUN_LIMIT_MS);
  await checkLearned(t, name, await learnPeer(name, args));
}

/** A learned peer checked: complete, agreeing with its peer on WORDS random words, equivalent to the stored model. */
async function checkLearned(t: ExecutionContext, name: string, learned: LearnedPeer): Promise<void> {
  const r = learned.report;
  t.log(
    `${name}: ${r.states} states, ${r.queries} queries (${r.steps} steps), ${learned.seconds.toFixed(1)} s; ${r.guarantee}`,
  );
  t.true(learned.status === 0 || learned.status === 1, `dtls13 learn exited ${learned.status}:\n${learned.stderr}`);
  t.true(r.complete, r.guarantee);
  const begun = performance.now();
  const agreement = await agreeWithPeer(learned, WORDS);
  t.log(
    `${name}: agrees on ${agreement.agreed} of ${agreement.words.length} words (3 walks each, majority), ${((performance.now() - begun) / 1000).toFixed(1)} s`,
  );
  t.is(agreement.agreed, agreement.words.length, `the model disagrees with the peer:\n${disagreements(agreement)}`);
  const differences = storedDifferences(learned.model, storedReport(name));
  if (differences.length === 0) {
    t.pass(`equivalent to docs/learn/${name}.json`);
    return;
  }
  // Which model does the peer agree with on the distinguishing words? The learned one: the stored one is wrong
  // (replace it, DTLS13_LEARNED_DIR); the stored one: the learner regressed.
  const peer = await walkDifferences(learned, differences);
  t.fail(
    `the model differs from docs/learn/${name}.json (${r.states} states learned; the peer agrees with the learned one on ${peer.agreed} of ${differences.length} words):\n${describeDifferences(differences, peer)}`,
  );
}

for (const name of ['openssl-server12', 'gnutls-server12-hide'])
  test(`the stored-model check fails on ${name}'s stored model with one transition changed, naming its word`, (t) => {
    const path = storedReport(name);
    const report = JSON.parse(readFileSync(path, 'utf8')) as LearnReport;
    const model = modelFromReport(report);
    t.deepEqual(storedDifferences(model, path), []);
    const [first, ...rest] = report.model.transitions;
    const changed = join(files.dir, `${name}-changed.json`);
    writeFileSync(
      changed,
      JSON.stringify({ ...report, model: { ...report.model, transitions: [{ ...first!, output: 'Wrong' }, ...rest] } }),
    );
    const differences = storedDifferences(model, changed);
    t.is(differences.length, 1);
    t.deepEqual(differences[0]!.word, [first!.input]);
    t.regex(describeDifferences(differences), new RegExp(`^${first!.input}: learned .*, stored Wrong$`));
  });

/** OpenSSL 3.0's `s_server` for DTLS 1.2, started per session on `{port}`. */
function opensslServer(): string {
  requireCommand('openssl', 'openssl');
  return `openssl s_server -dtls1_2 -accept {port} -cert '${files.cert}' -key '${files.key}' -quiet`;
}

/**
 * A 1.2 server learned with the docs' command: `server` starts one on `{port}`, `options` its row's own; `ci`: in every
 * run, else on request.
 */
const SERVERS12: readonly { title: string; name: string; ci: boolean; server: () => string; options?: string[] }[] = [
  {
    title: 'OpenSSL 3.0 s_server',
    name: 'openssl-server12',
    ci: false,
    server: opensslServer,
  },
  {
    title: 'GnuTLS 3.7 gnutls-serv, its repeated flights hidden',
    name: 'gnutls-server12-hide',
    ci: false,
    server: gnutlsServer,
    options: GNUTLS_ROW,
  },
  {
    title: 'wolfSSL 5.7.2 example server',
    name: 'wolfssl-server12',
    ci: true,
    server: () =>
      `cd '${wolfsslBuild()}' && exec ./examples/server/server -u -v 3 -p {port} -c '${files.cert}' -k '${files.key}' -d`,
  },
];

for (const { title, name, ci, server, options } of SERVERS12)
  if (ci || ALL_PEERS)
    test.serial(`${title}, DTLS 1.2: learned, agrees with its peer, the stored model`, async (t) => {
      const args = [
        '-dtls1_2',
        '--server-command',
        server(),
        '--inputs',
        I12,
        ...DOCS_OPTIONS,
        ...(options ?? []),
        ...REFERENCE12,
      ];
      await learnAndCheck(t, name, args);
    });

/**
 * GnuTLS's row learned from its stored model in CI: its options and 8 sessions at once. Its run is the steps' waits (a
 * `timeout` step takes the whole wait; from the stored model some 1,180 queries, 8,000 steps), which more sessions
 * overlap: one `gnutls-serv` per session copes, and the queries and the model are the same at any parallelism.
 */
const GNUTLS_FROM_STORED = [...GNUTLS_ROW, '--parallel', '8'];

/** The 1.2 servers learned from their stored models at k = 0: the stored report's name, the server, its options. */
const FROM_STORED12: readonly {
  title: string;
  name: string;
  ci: boolean;
  server: () => string;
  options?: string[];
}[] = [
  { title: 'OpenSSL 3.0 s_server', name: 'openssl-server12', ci: true, server: opensslServer },
  {
    title: 'GnuTLS 3.7 gnutls-serv, its repeated flights hidden',
    name: 'gnutls-server12-hide',
    ci: true,
    server: gnutlsServer,
    options: GNUTLS_FROM_STORED,
  },
];

for (const { title, name, ci, server, options } of FROM_STORED12)
  if (ci || ALL_PEERS)
    test.serial(
      `${title}, DTLS 1.2: learned from its stored model at k = 0, agrees with it and its peer`,
      async (t) => {
        t.timeout(RUN_LIMIT_MS);
        const args = [
          '-dtls1_2',
          '--server-command',
          server(),
          '--inputs',
          I12,
          ...DOCS_OPTIONS,
          ...(options ?? []),
          '--extra-states',
          '0',
        ];
        const learned = await learnPeerInProcess(args, { start: storedModel(name) });
        await checkLearned(t, name, learned);
      },
    );

/** GnuTLS 3.7.9's `gnutls-serv` for DTLS 1.2, started per session on `{port}`. */
function gnutlsServer(): string {
  requireCommand('gnutls-serv', 'gnutls-bin');
  return `gnutls-serv --udp -p {port} --x509certfile '${files.cert}' --x509keyfile '${files.key}' --echo --priority NORMAL:-VERS-ALL:+VERS-DTLS1.2`;
}

const HANDSHAKE12 = ['ClientHello', 'ClientHelloWithCookie', 'ClientKeyExchange', 'ChangeCipherSpec', 'Finished'];
/** A walk whose last input comes soon after the server's last flight, and one whose last input comes 2.5 s after it. */
const SOON = { waitMs: 150, pauseMs: 0 };
const LATE = { waitMs: 300, pauseMs: 2500 };
/** The answer most of the walks gave to their last input. */
function lastMajority(walks: readonly (readonly string[])[]): string | undefined {
  const counts = new Map<string, number>();
  for (const w of walks) counts.set(w.at(-1)!, (counts.get(w.at(-1)!) ?? 0) + 1);
  return [...counts].find(([, n]) => n * 2 > walks.length)?.[0];
}

/*
 * Why GnuTLS's server is learned with its repeated flights hidden (docs/learn.md, "What CI learns"): a handshake message after the handshake
 * (a second Finished, a ClientKeyExchange) gets its last flight again only when its retransmission timer, 1 s, has run
 * since it last sent that flight; sooner, nothing. The answer depends on the time, not on the inputs, so learning
 * turns time into states and does not settle where a word's last input comes about a second after the flight.
 */
test.serial(
  'GnuTLS 3.7 gnutls-serv, DTLS 1.2: a handshake message after the handshake is answered by the time',
  async (t) => {
    const args = ['-dtls1_2', '--server-command', gnutlsServer(), '--inputs', I12];
    for (const last of ['Finished', 'ClientKeyExchange']) {
      const word = [...HANDSHAKE12, last];
      const soon = await walkPaced(args, word, 3, SOON);
      const late = await walkPaced(args, word, 3, LATE);
      for (const [when, walks] of [
        ['soon', soon],
        ['2.5 s later', late],
      ] as const)
        t.log(`${word.join(' ')}, ${when}: ${walks.map((w) => w.join(' | ')).join('; ')}`);
      for (const walks of [soon, late])
        t.is(lastMajority(walks.map((w) => w.slice(0, -1))), 'ChangeCipherSpec+Finished');
      t.is(lastMajority(soon), 'timeout', `${last} soon after the server's last flight: nothing`);
      t.is(lastMajority(late), 'ChangeCipherSpec', `${last} 2.5 s after it: the flight again (its Finished a repeat)`);
      // With `hide`, after a second Finished the answer no longer depends on the time: nothing, soon or late. After a
      // second ClientKeyExchange the mapper reads under that exchange's keys, which the server never took, so the
      // flight's Finished does not open and its ChangeCipherSpec cannot be told a repeat's: it still shows.
      const hidden = await walkPaced([...args, '--peer-retransmissions', 'hide'], word, 3, LATE);
      t.log(`${word.join(' ')}, 2.5 s later, hidden: ${hidden.map((w) => w.join(' | ')).join('; ')}`);
      t.is(
        lastMajority(hidden),
        last === 'Finished' ? 'timeout' : 'ChangeCipherSpec',
        `${last} 2.5 s after the flight, with hide`,
      );
    }
  },
);

test.serial('NSS 3.110 tstclnt -P server, DTLS 1.3: learned, agrees with its peer, the stored model', async (t) => {
  const db = await makeNssDb(id, id);
  try {
    const nss = nssBuild();
    const server = `LD_LIBRARY_PATH='${nss}/lib' exec '${nss}/bin/tstclnt' -d 'sql:${db.dir}' -V tls1.3:tls1.3 -P server -u -h 127.0.0.1 -p {port} -n ${db.nickname!}`;
    await learnAndCheck(t, 'nss-server13', ['-dtls1_3', '--server-command', server, '--inputs', I13, ...DOCS_OPTIONS]);
  } finally {
    db.remove();
  }
});
