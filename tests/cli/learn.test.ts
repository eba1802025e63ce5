import test from 'ava';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { learn } from '../../learn/learner/learn.js';
import { machineSul } from '../../learn/learner/machine-sul.js';
import { distinguishingWord, run } from '../../learn/learner/mealy.js';
import { learnReport, modelFromReport, type LearnReport } from '../../learn/learner/report.js';
import { certificateToPem, privateKeyToPem } from '../../runtime/pki/pem.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { server13 } from '../learn/machines.js';
import { dtls13 } from './cli-process.js';
import { createServer } from 'node:net';

/** A TCP port the kernel gave and let go (the page binds it a moment later; another process could take it first, rarely). */
async function freeTcpPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const dir = mkdtempSync(join(tmpdir(), 'dtls13-learn-cli-'));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

/** A saved report of a model (learned in process from a known machine), as `--out` writes it. */
async function savedReport(name: string, changes: Parameters<typeof server13>[0]): Promise<string> {
  const report = learnReport(await learn(machineSul(server13(changes)), { budget: 200 }));
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify(report));
  return path;
}

const usage: [string, string[], RegExp][] = [
  ['no peer', [], /learn needs one of --connect/],
  ['--listen without --client-command', ['--listen', '127.0.0.1:0'], /--listen needs --client-command/],
  [
    'a client command without {port}',
    ['--listen', '127.0.0.1:0', '--client-command', 'true'],
    /must contain '\{port\}'/,
  ],
  ['both versions', ['--connect', '127.0.0.1:4433', '-dtls1_2', '-dtls1_3'], /-dtls1_2 and -dtls1_3/],
  ['a bad --parallel', ['--connect', '127.0.0.1:4433', '--parallel', '0'], /--parallel must be a whole number >= 1/],
  ['--cert without --key', ['--connect', '127.0.0.1:4433', '--cert', 'x.pem'], /--cert and --key go together/],
  ['a short --psk', ['--connect', '127.0.0.1:4433', '--psk', 'abcd'], /--psk: at least 16 bytes/],
  ['--server-command without {port}', ['--server-command', 'true'], /--server-command must contain '\{port\}'/],
  [
    '--server-command with --connect',
    ['--server-command', 'x {port}', '--connect', '127.0.0.1:4433'],
    /learn needs one of/,
  ],
  [
    '--server-command with --client-command',
    ['--server-command', 'x {port}', '--client-command', 'y {port}'],
    /--client-command goes with --listen/,
  ],
  [
    '--reference self with --replay',
    ['--replay', 'r.json', '--reference', 'self'],
    /--reference self learns our own peer beside a live one/,
  ],
  [
    '--reference self for a client without --cert',
    ['--listen', '127.0.0.1:0', '--client-command', 'x {port}', '--reference', 'self'],
    /needs --cert and --key/,
  ],
  [
    'a bad --peer-retransmissions',
    ['--connect', '127.0.0.1:4433', '-dtls1_2', '--peer-retransmissions', 'maybe'],
    /--peer-retransmissions must be 'show' or 'hide', got 'maybe'/,
  ],
  [
    '--peer-retransmissions hide with --replay',
    ['--replay', 'r.json', '--peer-retransmissions', 'hide'],
    /--peer-retransmissions is what the mapper reads from a peer: --replay has none/,
  ],
  [
    '--own-client with --client-command',
    ['--listen', '127.0.0.1:0', '--own-client', '--ca', 'ca.pem', '--client-command', 'x {port}'],
    /--own-client learns dtls13's own client: leave out --client-command/,
  ],
  ['--own-client without --listen', ['--connect', '127.0.0.1:4433', '--own-client'], /--own-client goes with --listen/],
  ['--own-client without --ca', ['--listen', '127.0.0.1:0', '--own-client'], /--own-client needs --ca/],
  ['--inputs naming no input', ['--connect', '127.0.0.1:4433', '--inputs', ' , '], /--inputs names no input/],
  [
    'an unknown option',
    ['--connect', '127.0.0.1:4433', '--paralel', '2'],
    /unknown option '--paralel'; did you mean '--parallel'/,
  ],
];

for (const [what, args, message] of usage) {
  test(`learn: ${what} is a usage error (exit 2)`, async (t) => {
    const r = await dtls13(['learn', ...args]).done;
    t.is(r.code, 2, r.stderr);
    t.regex(r.stderr, message);
  });
}

test('learn --replay: a model with a bug pattern exits 1 and writes the report and the DOT', async (t) => {
  const saved = await savedReport('broken', [['verify', 'Finished', 'ACK', 'connected']]);
  const out = join(dir, 'out.json');
  const dot = join(dir, 'out.dot');
  const r = await dtls13(['learn', '--replay', saved, '--parallel', '3', '--out', out, '--dot', dot, '--budget', '200'])
    .done;
  t.is(r.code, 1, r.stderr);
  t.regex(r.stdout, /learned DTLS 1\.3 server \(replayed from .*\): \d+ states/);
  t.regex(r.stdout, /bug pattern skipped-certificate-verify: .*: ClientHello Certificate Finished/);
  const report = JSON.parse(readFileSync(out, 'utf8')) as LearnReport;
  t.deepEqual(
    report.bugPatterns.map((b) => b.pattern),
    ['skipped-certificate-verify'],
  );
  t.is(distinguishingWord(modelFromReport(report), server13([['verify', 'Finished', 'ACK', 'connected']])), undefined);
  t.regex(readFileSync(dot, 'utf8'), /^digraph "DTLS 1\.3 server/);
});

test('learn --inputs: the model is learned with those inputs only; an input the mapper lacks is a usage error', async (t) => {
  const saved = await savedReport('for-inputs', [['verify', 'Finished', 'ACK', 'connected']]);
  const out = join(dir, 'inputs.json');
  const inputs = ['ClientHello', 'Certificate', 'CertificateVerify', 'Finished', 'ApplicationData'];
  const r = await dtls13(['learn', '--replay', saved, '--inputs', inputs.join(','), '--out', out, '--budget', '100'])
    .done;
  t.is(r.code, 1, r.stderr);
  const report = JSON.parse(readFileSync(out, 'utf8')) as LearnReport;
  t.deepEqual(report.alphabet, inputs);
  t.deepEqual(
    report.bugPatterns.map((b) => b.word.join(' ')),
    ['ClientHello Certificate Finished ApplicationData'],
  );
  const bad = await dtls13(['learn', '--replay', saved, '--inputs', 'ClientHello,Bogus']).done;
  t.is(bad.code, 2, bad.stderr);
  t.regex(bad.stderr, /--inputs: Bogus is not an input of this SUL/);
});

test('learn --replay --reference: a correct model exits 0 and lists its differences from the reference', async (t) => {
  const correct = await savedReport('correct', []);
  const broken = await savedReport('broken-ref', [['verify', 'Finished', 'ACK', 'connected']]);
  const out = join(dir, 'against-reference.json');
  const r = await dtls13(['learn', '--replay', correct, '--reference', broken, '--budget', '200', '--out', out]).done;
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /bug patterns: none of skipped-certificate-verify, data-before-finished, answer-after-fatal-alert/);
  t.regex(
    r.stdout,
    /differs from the reference: ClientHello Certificate Finished -> Alert\(unexpected_message\) \(reference: ACK\)/,
  );
  // Every learned state is one of the reference's, named by our chart's state its access word reaches. The broken
  // reference is connected after ClientHello Certificate Finished (ACK), a Finished our chart does not take in
  // waitClientCertificateVerify: not answered with an alert, the chart stays there.
  t.regex(r.stdout, /learned states matched to the reference \(our dtls13-server\)'s: 6 of 6\n/);
  const matching = (JSON.parse(readFileSync(out, 'utf8')) as LearnReport).stateMatching!;
  t.is(matching.chartId, 'dtls13-server');
  t.deepEqual(matching.unmatchedReference, []);
  t.deepEqual(matching.learned.map((s) => s.chart?.join(' | ')).sort(), [
    'failed',
    'waitClientCertificate',
    'waitClientCertificateVerify',
    'waitClientCertificateVerify',
    'waitClientFinished',
    'waitClientHello',
  ]);
});

test('learn --inspect serves our 1.3 server chart beside the learned model, its states matched, and its XState config', async (t) => {
  const saved = await savedReport('inspected', []);
  const reference = await savedReport('inspected-reference', [['verify', 'Finished', 'ACK', 'connected']]);
  const port = await freeTcpPort();
  const live = dtls13(
    ['learn', '--replay', saved, '--reference', reference, '--budget', '300', `--inspect=${port}`],
    null,
  );
  try {
    await new Promise<void>((resolve, reject) => {
      live.child.stdout!.on('data', () => {
        if (/inspector: http:\/\/localhost:\d+/.test(live.out().stdout)) resolve();
      });
      void live.done.then((r) => reject(new Error(`exited: ${r.stderr}`)));
    });
    const html = await (await fetch(`http://127.0.0.1:${port}/`)).text();
    t.regex(html, /our chart: dtls13-server/);
    t.regex(html, /<section id="ours">.*<svg/s);
    t.regex(html, /<section id="learned">.*<svg/s);
    t.regex(html, /<div class="matching">learned states matched to the reference \(our dtls13-server\)'s: 6 of 6/);
    t.regex(html, /<section id="learned">.*>= ref s\d+: waitClientCertificateVerify</s);
    const config = (await (await fetch(`http://127.0.0.1:${port}/learned.json`)).json()) as {
      initial: string;
      states: Record<string, unknown>;
    };
    const { createMachine } = await import('xstate');
    t.is(createMachine(config as Parameters<typeof createMachine>[0]).config.initial, 's0');
    t.is(Object.keys(config.states).length, (JSON.parse(readFileSync(saved, 'utf8')) as LearnReport).states);
  } finally {
    live.child.kill('SIGTERM');
  }
  t.is((await live.done).code, 0);
});

test('learn --extra-states: the report states the bound it was given; none is random tests only; bad values name the flag', async (t) => {
  const saved = await savedReport('for-extra-states', []);
  const out = join(dir, 'extra-states.json');
  const two = await dtls13(['learn', '--replay', saved, '--extra-states', '2', '--out', out, '--budget', '50']).done;
  t.is(two.code, 0, two.stderr);
  const report = JSON.parse(readFileSync(out, 'utf8')) as LearnReport;
  t.is(report.coverage?.extraStates, 2);
  t.regex(report.guarantee, /^complete: no counterexample up to 2 extra states, \d+ tests/);
  const args = [
    'learn',
    '--replay',
    saved,
    '--extra-states',
    'none',
    '--edits',
    'none',
    '--out',
    out,
    '--budget',
    '50',
  ];
  const none = await dtls13(args).done;
  t.is(none.code, 0, none.stderr);
  t.regex((JSON.parse(readFileSync(out, 'utf8')) as LearnReport).guarantee, /random words \(no bound\)$/);
  const bad = await dtls13(['learn', '--replay', saved, '--extra-states', '-1']).done;
  t.is(bad.code, 2);
  t.regex(bad.stderr, /--extra-states must be a whole number >= 0, got '-1'/);
});

test('learn --edits and --max-time: the bound given is stated; a stopped run states what it passed; bad values name the flag', async (t) => {
  const saved = await savedReport('for-edits', []);
  const out = join(dir, 'edits.json');
  const two = await dtls13(['learn', '--replay', saved, '--edits', '2', '--out', out, '--budget', '50']).done;
  t.is(two.code, 0, two.stderr);
  const report = JSON.parse(readFileSync(out, 'utf8')) as LearnReport;
  t.is(report.coverage?.edits, 2);
  t.regex(
    report.guarantee,
    /^complete: no counterexample up to 1 extra state, \d+ tests; within 2 edits of a normal handshake, \d+ tests/,
  );
  const stopped = await dtls13(['learn', '--replay', saved, '--max-queries', '150', '--out', out, '--budget', '50'])
    .done;
  t.is(stopped.code, 0, stopped.stderr);
  t.regex(
    (JSON.parse(readFileSync(out, 'utf8')) as LearnReport).guarantee,
    /^incomplete: the budget of 150 queries is spent/,
  );
  for (const [flag, value, message] of [
    ['--edits', '1.5', /--edits must be a whole number >= 0, got '1.5'/],
    ['--max-time', '0', /--max-time must be a whole number >= 1, got '0'/],
    ['--max-flipping', 'few', /--max-flipping must be a whole number >= 0, got 'few'/],
  ] as const) {
    const bad = await dtls13(['learn', '--replay', saved, flag, value]).done;
    t.is(bad.code, 2);
    t.regex(bad.stderr, message);
  }
});

test("learn --own-client: dtls13's own client hosted in process, learned over real UDP through the CLI", async (t) => {
  const id = makeIdentity('p256', 'localhost', { at: Date.now() });
  const ca = join(dir, 'own-ca.pem');
  const cert = join(dir, 'own-server.pem');
  const key = join(dir, 'own-server.key');
  writeFileSync(ca, certificateToPem(id.caDer));
  writeFileSync(cert, id.chain.map(certificateToPem).join(''));
  writeFileSync(key, privateKeyToPem(id.privateKey));
  const out = join(dir, 'own-client.json');
  const flight = ['ServerHello', 'EncryptedExtensions', 'Certificate', 'CertificateVerify', 'Finished'];
  const r = await dtls13([
    'learn',
    '--listen',
    '127.0.0.1:0',
    '--own-client',
    '--ca',
    ca,
    '--cert',
    cert,
    '--key',
    key,
    '--inputs',
    flight.join(','),
    '--wait',
    '80',
    '--edits',
    'none',
    '--budget',
    '20',
    '--out',
    out,
  ]).done;
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /learned DTLS 1\.3 client \(dtls13's own, hosted in process\): \d+ states/);
  t.regex(r.stdout, /complete: no counterexample up to 1 extra state/);
  const report = JSON.parse(readFileSync(out, 'utf8')) as LearnReport;
  t.true(report.command?.includes('--own-client') ?? false, 'the report records the command that reproduces it');
  t.deepEqual(run(modelFromReport(report), flight), ['timeout', 'timeout', 'timeout', 'timeout', 'Finished']);
});

test("learn --start: the saved model's words are asked first, and the peer's answers make the model", async (t) => {
  const saved = await savedReport('start', [['verify', 'Finished', 'ACK', 'connected']]);
  const out = join(dir, 'started.json');
  const r = await dtls13([
    'learn',
    '--replay',
    saved,
    '--start',
    saved,
    '--budget',
    '0',
    '--edits',
    'none',
    '--out',
    out,
  ]).done;
  t.is(r.code, 1, r.stderr);
  t.regex(r.stderr, /; start model; /);
  const expected = modelFromReport(JSON.parse(readFileSync(saved, 'utf8')) as LearnReport);
  t.is(distinguishingWord(modelFromReport(JSON.parse(readFileSync(out, 'utf8')) as LearnReport), expected), undefined);
  // A start model the peer is not: it only chooses words, the peer's model comes out.
  const other = await savedReport('start-other', []);
  const again = await dtls13(['learn', '--replay', saved, '--start', other, '--budget', '0', '--out', out]).done;
  t.is(again.code, 1, again.stderr);
  t.is(distinguishingWord(modelFromReport(JSON.parse(readFileSync(out, 'utf8')) as LearnReport), expected), undefined);
});

test('learn --start: a report of another version or role, or no report, is a usage error before any peer opens', async (t) => {
  const saved = await savedReport('start-13-server', []);
  const other = await dtls13(['learn', '--connect', '127.0.0.1:9', '-dtls1_2', '--start', saved]).done;
  t.is(other.code, 2, other.stderr);
  t.regex(other.stderr, /--start .*: a model of DTLS 1\.3's server; this run learns DTLS 1\.2's server/);
  const missing = await dtls13(['learn', '--connect', '127.0.0.1:9', '--start', join(dir, 'absent.json')]).done;
  t.is(missing.code, 2, missing.stderr);
  t.regex(missing.stderr, /--start .*absent\.json: ENOENT/);
});
