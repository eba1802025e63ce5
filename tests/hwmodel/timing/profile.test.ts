import test from 'ava';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../../runtime/config-error.js';
import {
  CryptoTimingModel,
  DEFAULT_PROFILE,
  US,
  checkProfile,
  fitLinearCost,
  loadProfile,
  parseProfile,
  profileFromMeasurements,
  saveProfile,
  serializeProfile,
} from '../../../hwmodel/timing/index.js';

/** A deep copy of the default profile as plain JSON, to break on purpose. */
function json(): Record<string, unknown> {
  return JSON.parse(JSON.stringify(DEFAULT_PROFILE)) as Record<string, unknown>;
}

/** Sets `value` at a dotted path of `obj` (undefined deletes). */
function set(obj: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const parts = path.split('.');
  let o = obj;
  for (const p of parts.slice(0, -1)) o = o[p] as Record<string, unknown>;
  const last = parts[parts.length - 1] ?? '';
  if (value === undefined) delete o[last];
  else o[last] = value;
  return obj;
}

function optionOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof ConfigError) return e.option;
    throw e;
  }
  return undefined;
}

test('the default profile is valid and survives serialize → parse unchanged', (t) => {
  t.deepEqual(checkProfile(json()), DEFAULT_PROFILE);
  t.deepEqual(parseProfile(serializeProfile(DEFAULT_PROFILE)), DEFAULT_PROFILE);
  t.is(DEFAULT_PROFILE.metadata.source, 'default');
});

test('validation errors name the field path', (t) => {
  const cases: [string, unknown, string][] = [
    [
      'crypto.software.table.aead.TLS_AES_128_CCM_8_SHA256',
      undefined,
      'crypto.software.table.aead.TLS_AES_128_CCM_8_SHA256',
    ],
    [
      'crypto.software.table.aead.TLS_AES_128_GCM_SHA256.seal.perByteNs',
      -1,
      'crypto.software.table.aead.TLS_AES_128_GCM_SHA256.seal.perByteNs',
    ],
    ['crypto.software.table.signature.ed25519.verifyUs', 'fast', 'crypto.software.table.signature.ed25519.verifyUs'],
    [
      'crypto.software.table.keyExchange.x9999',
      { generateUs: 1, deriveUs: 1 },
      'crypto.software.table.keyExchange.x9999',
    ],
    ['crypto.software.lanes', 0, 'crypto.software.lanes'],
    [
      'crypto.accelerated.aead.TLS_AES_128_GCM_SHA256.seal.bytesPerCycle',
      -1,
      'crypto.accelerated.aead.TLS_AES_128_GCM_SHA256.seal.bytesPerCycle',
    ],
    [
      'crypto.accelerated.keyExchange.x25519.deriveCycles',
      undefined,
      'crypto.accelerated.keyExchange.x25519.deriveCycles',
    ],
    ['crypto.accelerated.speedup', { aead: 10 }, 'crypto.accelerated.speedup'],
    ['network', { latencyUs: 5 }, 'network'],
    ['metadata.date', 'yesterday', 'metadata.date'],
    ['metadata.source', 'guess', 'metadata.source'],
    ['loadFactor', -2, 'loadFactor'],
    ['processing', undefined, 'processing'],
    ['processing.messageUs', -1, 'processing.messageUs'],
    ['processing.recordUs', 'fast', 'processing.recordUs'],
    ['processing.recordUs', undefined, 'processing.recordUs'],
    ['processing.perByteNs', 1, 'processing.perByteNs'],
    ['version', 1, 'version'],
    ['format', 'other', 'format'],
  ];
  for (const [path, value, expected] of cases) {
    t.is(
      optionOf(() => checkProfile(set(json(), path, value))),
      expected,
      `${path} = ${JSON.stringify(value)}`,
    );
  }
  t.is(
    optionOf(() => parseProfile('{ not json')),
    'profile',
  );
  t.is(
    optionOf(() => checkProfile([])),
    'profile',
  );
});

test('save then load gives the same profile; a missing file or bad field names the file', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dtls13-profile-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'p.json');
  saveProfile(file, DEFAULT_PROFILE);
  t.deepEqual(loadProfile(file), DEFAULT_PROFILE);
  const missing = t.throws(() => loadProfile(join(dir, 'none.json')), { instanceOf: ConfigError });
  t.is(missing?.option, 'profile');
  writeFileSync(file, JSON.stringify(set(json(), 'crypto.accelerated.mask.aes-128.setupCycles', -1)));
  const bad = t.throws(() => loadProfile(file), { instanceOf: ConfigError });
  t.is(bad?.option, 'crypto.accelerated.mask.aes-128.setupCycles');
  t.true(bad?.message.includes(file));
});

test('profileFromMeasurements puts measured figures in and keeps the rest', (t) => {
  const p = profileFromMeasurements({
    machine: 'test box',
    date: '2026-01-02',
    provider: 'noble',
    crypto: {
      aead: {
        TLS_CHACHA20_POLY1305_SHA256: { seal: { setupUs: 7, perByteNs: 3 }, open: { setupUs: 8, perByteNs: 3.5 } },
      },
      keyExchange: { x25519: { generateUs: 300, deriveUs: 310 } },
    },
    lanes: 2,
  });
  t.like(p.metadata, { machine: 'test box', provider: 'noble', source: 'calibrated' });
  t.regex(p.metadata.notes ?? '', /signature\.ed25519/);
  t.notRegex(p.metadata.notes ?? '', /keyExchange\.x25519\b/);
  t.is(p.crypto.software.lanes, 2);
  t.deepEqual(p.crypto.accelerated, DEFAULT_PROFILE.crypto.accelerated);
  const m = new CryptoTimingModel(p.crypto);
  t.is(m.cost({ op: 'aead_open', suite: 'TLS_CHACHA20_POLY1305_SHA256', bytes: 1000 }), 8 * US + 3.5 * 1000 * 1000);
  t.is(m.cost({ op: 'kx_derive', algorithm: 'x25519', bytes: 0 }), 310 * US);
  t.deepEqual(p.crypto.software.table.signature, DEFAULT_PROFILE.crypto.software.table.signature);
  t.deepEqual(p.processing, DEFAULT_PROFILE.processing);
  t.regex(p.metadata.notes ?? '', /processing\.messageUs/);
  const q = profileFromMeasurements({
    machine: 'm',
    date: '2026-01-02',
    provider: 'node',
    crypto: {},
    processing: { recordUs: 4.5 },
  });
  t.deepEqual(q.processing, { messageUs: DEFAULT_PROFILE.processing.messageUs, recordUs: 4.5 });
  t.notRegex(q.metadata.notes ?? '', /processing\.recordUs/);
  const bad = t.throws(
    () =>
      profileFromMeasurements({
        machine: 'm',
        date: '2026-01-02',
        provider: 'node',
        crypto: {},
        processing: { messageUs: Number.NaN },
      }),
    { instanceOf: ConfigError },
  );
  t.is(bad?.option, 'processing.messageUs');
  const e = t.throws(
    () =>
      profileFromMeasurements({
        machine: 'm',
        date: '2026-01-02',
        provider: 'node',
        crypto: { hash: { sha256: { setupUs: -1, perByteNs: 1 } } },
      }),
    { instanceOf: ConfigError },
  );
  t.is(e?.option, 'crypto.software.table.hash.sha256.setupUs');
});

test('fitLinearCost recovers setup and per-byte cost from samples', (t) => {
  const samples = [64, 256, 1024, 4096].map((bytes) => ({ bytes, us: 2.5 + bytes * 0.0008 }));
  const fit = fitLinearCost(samples);
  t.true(Math.abs(fit.setupUs - 2.5) < 1e-9, String(fit.setupUs));
  t.true(Math.abs(fit.perByteNs - 0.8) < 1e-9, String(fit.perByteNs));
  t.throws(
    () =>
      fitLinearCost([
        { bytes: 10, us: 1 },
        { bytes: 10, us: 2 },
      ]),
    { instanceOf: ConfigError },
  );
});
