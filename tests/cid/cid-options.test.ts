/**
 * resolveConnectionIds (runtime/cid/cid-options.ts): the `cid`, `rrc` and `rrcTimeoutMs` options. Each bad value is a
 * ConfigError naming the option; the generator is checked at configuration and on every CID it makes.
 */
import test from 'ava';
import { ConfigError } from '../../runtime/config-error.js';
import { MAX_CID_LENGTH, resolveConnectionIds } from '../../runtime/cid/cid-options.js';

function configError(t: import('ava').ExecutionContext, fn: () => unknown, option: string): ConfigError {
  const error = t.throws(fn, { instanceOf: ConfigError }) as ConfigError;
  t.is(error.option, option, error.message);
  return error;
}

test('no cid: no connection IDs, and rrc without one is refused', (t) => {
  t.is(resolveConnectionIds(undefined, undefined, undefined), undefined);
  t.is(resolveConnectionIds(undefined, false, undefined), undefined);
  configError(t, () => resolveConnectionIds(undefined, true, undefined), 'rrc');
  configError(t, () => resolveConnectionIds(undefined, 'enhanced', undefined), 'rrc');
});

test('a length alone: the defaults (8 issued, 8 kept, no spares, basic rrc, T = 1 s)', (t) => {
  const r = resolveConnectionIds(8, undefined, undefined)!;
  t.like(r, { length: 8, spares: 0, maxIssued: 8, maxPeer: 8, rrc: 'basic', rrcTimeoutMs: 1000 });
  const a = r.generate(8);
  const b = r.generate(8);
  t.is(a.length, 8);
  t.notDeepEqual(a, b, 'the CSPRNG');
});

test('the length is an integer in 0..20', (t) => {
  t.is(resolveConnectionIds(0, undefined, undefined)!.length, 0);
  t.is(resolveConnectionIds(MAX_CID_LENGTH, undefined, undefined)!.length, 20);
  t.is(configError(t, () => resolveConnectionIds(21, undefined, undefined), 'cid.length').code, 'ERR_OUT_OF_RANGE');
  configError(t, () => resolveConnectionIds(-1, undefined, undefined), 'cid.length');
  configError(t, () => resolveConnectionIds(2.5, undefined, undefined), 'cid.length');
  configError(t, () => resolveConnectionIds({ length: '8' }, undefined, undefined), 'cid.length');
  configError(t, () => resolveConnectionIds('8', undefined, undefined), 'cid');
  configError(t, () => resolveConnectionIds(null, undefined, undefined), 'cid');
});

test('rrc: true and undefined are basic, false none, enhanced kept, anything else refused', (t) => {
  t.is(resolveConnectionIds(4, true, undefined)!.rrc, 'basic');
  t.is(resolveConnectionIds(4, false, undefined)!.rrc, undefined);
  t.is(resolveConnectionIds(4, 'enhanced', undefined)!.rrc, 'enhanced');
  t.is(resolveConnectionIds(4, 'basic', undefined)!.rrc, 'basic');
  t.regex(configError(t, () => resolveConnectionIds(4, 'strict', undefined), 'rrc').message, /strict/);
  t.is(resolveConnectionIds(4, undefined, 10)!.rrcTimeoutMs, 10);
  configError(t, () => resolveConnectionIds(4, undefined, 9), 'rrcTimeoutMs');
  configError(t, () => resolveConnectionIds(4, undefined, 60_001), 'rrcTimeoutMs');
});

test('spares: below maxIssued, none with a zero-length CID', (t) => {
  t.is(resolveConnectionIds({ length: 4, spares: 3, maxIssued: 4 }, undefined, undefined)!.spares, 3);
  configError(
    t,
    () => resolveConnectionIds({ length: 4, spares: 4, maxIssued: 4 }, undefined, undefined),
    'cid.spares',
  );
  configError(t, () => resolveConnectionIds({ length: 0, spares: 1 }, undefined, undefined), 'cid.spares');
  configError(t, () => resolveConnectionIds({ length: 4, maxIssued: 0 }, undefined, undefined), 'cid.maxIssued');
  configError(t, () => resolveConnectionIds({ length: 4, maxIssued: 65 }, undefined, undefined), 'cid.maxIssued');
  configError(t, () => resolveConnectionIds({ length: 4, maxPeer: 65 }, undefined, undefined), 'cid.maxPeer');
  t.is(resolveConnectionIds({ length: 4, maxPeer: 64 }, undefined, undefined)!.maxPeer, 64);
});

test('a generator: called at configuration, its CIDs copied and checked each time', (t) => {
  let calls = 0;
  let out: unknown = Uint8Array.of(1, 2, 3, 4);
  const generate = (): Uint8Array => {
    calls++;
    return out as Uint8Array;
  };
  const r = resolveConnectionIds({ length: 4, generate }, undefined, undefined)!;
  t.is(calls, 1, 'checked once at configuration');
  const cid = r.generate(4);
  t.deepEqual(cid, Uint8Array.of(1, 2, 3, 4));
  (out as Uint8Array)[0] = 9;
  t.is(cid[0], 1, 'a copy: the generator keeps no handle on a CID in use');
  out = Uint8Array.of(1, 2, 3);
  t.regex(configError(t, () => r.generate(4), 'cid.generate').message, /4 bytes, returned 3 bytes/);
  out = 'abcd';
  t.regex(configError(t, () => r.generate(4), 'cid.generate').message, /returned string/);
});

test('a bad generator is refused at configuration', (t) => {
  configError(t, () => resolveConnectionIds({ length: 4, generate: 5 }, undefined, undefined), 'cid.generate');
  configError(
    t,
    () => resolveConnectionIds({ length: 4, generate: () => new Uint8Array(5) }, undefined, undefined),
    'cid.generate',
  );
  // A zero-length CID never calls it.
  t.notThrows(() => resolveConnectionIds({ length: 0, generate: () => new Uint8Array(5) }, undefined, undefined));
});
