import test from 'ava';
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomWords } from '../../learn/learner/agreement.js';
import type { LearnReport } from '../../learn/learner/report.js';
import { identityFiles } from '../dtls12/openssl12.js';
import { dtls13 } from '../cli/cli-process.js';
import { makeIdentity } from '../support/pki-fixtures.js';

/**
 * scripts/learn-agree.ts against a real peer over UDP: OpenSSL 3.0's `s_server -dtls1_2` (Debian), learned by
 * `dtls13 learn` with a small alphabet. The report records the command, so the script opens the same peer from the
 * report alone; the learned model agrees on every word, and the same report with one transition changed does not.
 */

const SCRIPT = fileURLToPath(new URL('../../scripts/learn-agree.ts', import.meta.url));
const files = identityFiles(makeIdentity('p256', 'localhost', { at: Date.now() }));
test.after.always(() => rmSync(files.dir, { recursive: true, force: true }));

function agree(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import=tsx', SCRIPT, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

const WORDS = ['--words', '6', '--length', '4'];

test.serial(
  'a report of OpenSSL 1.2 server records its command; the model agrees with the server; one changed output does not',
  async (t) => {
    const out = join(files.dir, 'openssl-server12.json');
    const args = [
      '-dtls1_2',
      '--server-command',
      `openssl s_server -dtls1_2 -accept {port} -cert '${files.cert}' -key '${files.key}' -quiet`,
      '--inputs',
      'ClientHello,ClientHelloWithCookie,Finished',
      '--parallel',
      '4',
      '--budget',
      '20',
      '--out',
      out,
    ];
    const learned = await dtls13(['learn', ...args]).done;
    t.is(learned.code, 0, learned.stderr);
    const report = JSON.parse(readFileSync(out, 'utf8')) as LearnReport;
    t.deepEqual(report.command, args, 'the report records the arguments it was made with');

    const ok = await agree([out, ...WORDS]);
    t.is(ok.code, 0, ok.stdout + ok.stderr);
    t.regex(ok.stdout, /^agrees on 6 of 6 words \(3 walks each, majority; length up to 4, word seed 1, /m);
    t.regex(ok.stdout, /^\| 1 \| .* \| 3\/3( 3\/3)* \| yes \|$/m);

    // The first step of the first word the script walks (word seed 1), answered differently in the model.
    const first = randomWords(report.alphabet, 1, 6, 4)[0]![0]!;
    const changed = join(files.dir, 'changed.json');
    writeFileSync(
      changed,
      JSON.stringify({
        ...report,
        model: {
          ...report.model,
          transitions: report.model.transitions.map((tr) =>
            tr.from === 's0' && tr.input === first ? { ...tr, output: 'Alert(internal_error)' } : tr,
          ),
        },
      }),
    );
    const wrong = await agree([changed, ...WORDS]);
    t.is(wrong.code, 1, wrong.stdout + wrong.stderr);
    t.regex(wrong.stdout, /^\| 1 \| .* \| NO \(step 1\) \|$/m);
    t.regex(wrong.stdout, /^walks of /m);
    t.regex(wrong.stdout, /^agrees on [0-5] of 6 words/m);
  },
);

test('a report without a command and no peer options, or a peer of another version, is a usage error (exit 2)', async (t) => {
  const replay = fileURLToPath(new URL('../../docs/learn/dtls13-server13.json', import.meta.url));
  const none = await agree([replay, '--words', '2']);
  t.is(none.code, 2);
  t.regex(none.stderr, /records no command/);
  const version = await agree([replay, '--connect', '127.0.0.1:9', '-dtls1_2', '--words', '2']);
  t.is(version.code, 2);
  t.regex(version.stderr, /a model of a DTLS 1\.3 server; the options open a DTLS 1\.2 server/);
  const bad = await agree([replay, '--replay', replay, '--walks', '0']);
  t.is(bad.code, 2);
  t.regex(bad.stderr, /--walks must be a whole number >= 1/);
});
