// The test runner's configuration (ava). A file rather than package.json's "ava" key for one reason: the runtime
// defends 'batch' message buffers against ArrayBuffer.prototype.transfer, which Node 21 and later have and which detaches
// an ArrayBuffer marked untransferable on some releases (runtime/wire/untransferable.ts). Node 20 has the method behind
// a V8 flag only: the tests turn it on there, so that tests/buffers exercise that defence on every Node they run on.
const hasTransfer = typeof Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'transfer')?.value === 'function';

export default {
  extensions: { ts: 'module' },
  nodeArguments: ['--import=tsx', ...(hasTransfer ? [] : ['--harmony-rab-gsab-transfer'])],
  files: ['tests/**/*.test.ts'],
  timeout: '5m',
  workerThreads: false,
  require: ['./tests/support/open-handles.ts'],
};
