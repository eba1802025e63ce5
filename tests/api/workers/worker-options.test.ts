/**
 * runtime/api/workers/worker-options.ts: `workers` and `cid` with workers, and which of listen's
 * options can go to a worker thread: what structured clone keeps as it is; a function or class instance is a
 * ConfigError naming the option and pointing to the worker module.
 */
import test from 'ava';
import { availableParallelism } from 'node:os';
import { MessageChannel } from 'node:worker_threads';
import { ConfigError } from '../../../runtime/config-error.js';
import {
  MAX_WORKERS,
  ownerCidOption,
  workerCount,
  workerListenOptions,
} from '../../../runtime/api/workers/worker-options.js';

test("workers: 1..64 or 'auto' (one per core, within 1..64)", (t) => {
  t.is(workerCount(1), 1);
  t.is(workerCount(MAX_WORKERS), 64);
  t.is(workerCount('auto'), Math.max(1, Math.min(64, availableParallelism())));
  for (const bad of [0, 65, 1.5, '2', 'all', null])
    t.is(t.throws(() => workerCount(bad), { instanceOf: ConfigError }).option, 'workers', String(bad));
});

test('cid with workers: at least 6 bytes (or 0), no generator of its own, the rest passed on', (t) => {
  t.is(ownerCidOption(undefined), undefined);
  t.deepEqual(ownerCidOption(8), { length: 8, rest: {} });
  t.deepEqual(ownerCidOption(0), { length: 0, rest: {} });
  t.deepEqual(ownerCidOption({ length: 6, spares: 2 }), { length: 6, rest: { spares: 2 } });
  t.is(t.throws(() => ownerCidOption(5), { instanceOf: ConfigError }).option, 'cid.length');
  t.is(t.throws(() => ownerCidOption(21), { instanceOf: ConfigError }).option, 'cid.length');
  t.is(
    t.throws(() => ownerCidOption({ length: 8, generate: () => new Uint8Array(8) }), { instanceOf: ConfigError })
      .option,
    'cid.generate',
  );
  t.is(t.throws(() => ownerCidOption(null), { instanceOf: ConfigError }).option, 'cid');
});

test('what structured clone keeps goes to the worker as it is; handled and undefined options do not', (t) => {
  const options = {
    cert: '-----BEGIN CERTIFICATE-----',
    key: Buffer.from('k'),
    ciphers: ['a', 'b'],
    ticketKeys: new Map([['k', Uint8Array.of(1)]]),
    nested: { list: [1, 2n, true, null], view: new DataView(new ArrayBuffer(2)) },
    workers: 4,
    idleTimeout: undefined,
  };
  const out = workerListenOptions(options, ['workers']);
  t.deepEqual(Object.keys(out), ['cert', 'key', 'ciphers', 'ticketKeys', 'nested']);
  // It does cross a real thread boundary intact.
  const { port1, port2 } = new MessageChannel();
  try {
    t.notThrows(() => port1.postMessage(out));
  } finally {
    port1.close();
    port2.close();
  }
});

test('a function or class instance, even nested, is refused naming the option', (t) => {
  class Store {}
  const cases: Record<string, unknown> = {
    sni: () => undefined,
    antiReplay: new Store(),
    psk: { identity: 'x', key: () => Uint8Array.of(1) },
    ca: ['pem', new Store()],
    ticketKeys: new Map([['k', () => 1]]),
    inspect: Symbol('x'),
  };
  for (const [name, value] of Object.entries(cases))
    t.is(t.throws(() => workerListenOptions({ [name]: value }, []), { instanceOf: ConfigError }).option, name);
  t.notThrows(() => workerListenOptions({ sni: () => undefined }, ['sni']), 'handled by the primary');
});
