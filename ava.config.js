import { availableParallelism } from 'node:os';

// The test runner's configuration (ava). A file rather than package.json's "ava" key for one reason: the runtime
// defends 'batch' message buffers against ArrayBuffer.prototype.transfer, which Node 21 and later have and which detaches
// an ArrayBuffer marked untransferable on some releases (runtime/wire/untransferable.ts). Node 20 has the method behind
// a V8 flag only: the tests turn it on there, so that tests/buffers exercise that defence on every Node they run on.
const hasTransfer = typeof Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'transfer')?.value === 'function';

// Most test files wait on sockets, peers' processes and timers rather than compute: during the interop files the load
// average stays near 0.1 with one file per core. Two files per core keep the cores busy; the files that take longest
// start first, so that no long file is left running alone at the end. The learning runs against real peers and against
// dtls13's own ends wait almost all the time (tests/learn/self.test.ts: some 26 s of CPU in 15 minutes), so they start
// at once, in slots of their own beyond the two per core, so that they neither hold back the files that compute nor
// end the run by starting late.
const FILES_PER_CORE = 2;
const WAITING_LEARN_RUNS = [
  '/tests/learn/peers.test.ts',
  '/tests/learn/self.test.ts',
  '/tests/learn/self-client.test.ts',
];
const LONGEST_FIRST = [
  ...WAITING_LEARN_RUNS,
  // npm installs of the packed tarball, some 6 minutes each on a 2-core machine: sorted by name they started last and
  // ran alone at the end.
  '/tests/package/',
  '/tests/wire/fuzz.test.ts',
  '/tests/dtls13/matrix.test.ts',
  '/tests/cli/learn',
  '/tests/docs/code-blocks.test.ts',
  '/tests/crypto/signature.test.ts',
  '/tests/cli/sessions.test.ts',
  '/tests/hwmodel/sizing/',
  '/tests/crypto/key-exchange.test.ts',
  '/tests/api/workers/',
  '/tests/hwmodel/',
  '/tests/cli/',
  '/tests/interop/',
  '/tests/learn/',
];
const rank = (file) => {
  const i = LONGEST_FIRST.findIndex((part) => file.includes(part));
  return i < 0 ? LONGEST_FIRST.length : i;
};

export default {
  concurrency: FILES_PER_CORE * availableParallelism() + WAITING_LEARN_RUNS.length,
  sortTestFiles: (a, b) => rank(a) - rank(b) || a.localeCompare(b, [], { numeric: true }),
  extensions: { ts: 'module' },
  nodeArguments: ['--import=tsx', ...(hasTransfer ? [] : ['--harmony-rab-gsab-transfer'])],
  files: ['tests/**/*.test.ts'],
  timeout: '5m',
  workerThreads: false,
  require: ['./tests/support/open-handles.ts', './tests/support/cpu-ledger.ts'],
};
