/**
 * The addon's externals carry type tags (native/src/external-tag.h): an ECDSA key (ecdsaCreate) and a socket watcher
 * (udpReceiveStart). Each function that takes one, given the other kind, throws a TypeError with the addon's code
 * instead of reading the one struct as the other. Each call runs in a child process: an addon without the check
 * crashes there, or misbehaves without a word, and the test fails either way (DTLS13_TEST_ADDON=<path of a
 * dtls13_native.node>: run the calls on that build instead of this tree's).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { nativeBinding } from '../../runtime/crypto/native/binding.js';

const CHILD = fileURLToPath(new URL('./externals-child.ts', import.meta.url));
const ADDON = fileURLToPath(new URL('../../native/build/Release/dtls13_native.node', import.meta.url));
const linux = process.platform === 'linux' && nativeBinding !== undefined;

function child(call: string): { status: number | null; signal: NodeJS.Signals | null; out: string; err: string } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', CHILD, call, process.env.DTLS13_TEST_ADDON ?? ADDON], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: run.status, signal: run.signal, out: run.stdout.trim(), err: run.stderr.slice(-2000) };
}

(linux ? test : test.skip)(
  'each external taken by its own kind: a key signs, a watcher is unref()d and stopped',
  (t) => {
    const run = child('right');
    t.is(run.signal, null, run.err);
    t.is(run.out, 'right', run.err);
  },
);

for (const [call, wanted] of [
  ['ecdsaSign', /^dtls13 native ecdsaSign: expected a key ecdsaCreate made$/],
  ['udpReceiveStop', /^dtls13 native udpReceiveStop: expected a handle udpReceiveStart made$/],
  ['udpReceiveRef', /^dtls13 native udpReceiveRef: expected a handle udpReceiveStart made/],
] as const)
  (linux ? test : test.skip)(
    `${call} given an external of another kind: a TypeError with code ERR_DTLS13_NATIVE`,
    (t) => {
      const run = child(call);
      t.is(run.signal, null, `the child crashed: ${run.err}`);
      t.is(run.status, 0, run.err);
      const thrown = JSON.parse(run.out.startsWith('{') ? run.out : 'null') as {
        name: string;
        code: string;
        message: string;
      } | null;
      t.truthy(thrown, `${call} threw nothing: ${run.out}`);
      t.is(thrown?.name, 'TypeError');
      t.is(thrown?.code, 'ERR_DTLS13_NATIVE');
      t.regex(thrown?.message ?? '', wanted);
    },
  );
