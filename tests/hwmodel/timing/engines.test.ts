/**
 * spec/hw/engines: every cycle figure with its source, read by the one
 * loader (hwmodel/timing/engine-file.ts); the built-in table is the
 * default engine's.
 */
import test from 'ava';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../../runtime/config-error.js';
import { parseSetting } from '../../../cli/simulate-set.js';
import { BASES, ENGINES_DIR, listEngines, loadEngine } from '../../../hwmodel/timing/engine-file.js';
import { CryptoTimingModel, DEFAULT_ACCELERATED_TABLE, DEFAULT_PROFILE, NS } from '../../../hwmodel/timing/index.js';

test('the engines: asic, default, fpga, iot and line-rate-10g', (t) => {
  t.deepEqual(listEngines(), ['asic', 'default', 'fpga', 'iot', 'line-rate-10g']);
});

test('the built-in cycle table is spec/hw/engines/default.yaml, figure for figure', (t) => {
  t.deepEqual(loadEngine('default').table, DEFAULT_ACCELERATED_TABLE);
});

test('every entry of every engine has a basis and names its source; estimates give their reasoning', (t) => {
  for (const name of listEngines()) {
    const e = loadEngine(name);
    const entries = Object.entries(e.provenance);
    t.is(entries.length, 5 + 3 + 2 + 2 + 2 + 6 + 14, `${name}: every suite, mask, hash, HMAC, HKDF, group and scheme`);
    for (const [key, p] of entries) {
      t.true(BASES.includes(p.basis), `${name} ${key}`);
      t.true(p.source.length >= 20, `${name} ${key}: '${p.source}'`);
    }
    t.true(e.area.symmetric.source.length > 0 && e.area.publicKey.source.length > 0);
  }
  // The published figures carry a datasheet's or a paper's name.
  const d = loadEngine('default').provenance;
  t.regex(d['aead.TLS_AES_128_GCM_SHA256']!.source, /CAST AES-GCM-X/);
  t.regex(d['hash.sha256']!.source, /Design Gateway SHA256-IP/);
  t.regex(d['key_exchange.x25519']!.source, /10\.38 µs/);
  t.is(loadEngine('iot').provenance['aead.TLS_AES_128_GCM_SHA256']!.engine, 'iot');
  t.is(loadEngine('iot').provenance['signature.rsa_pkcs1_sha256']!.engine, 'default', 'inherited from the base');
});

test('each engine sets spec/hw parameters that --set accepts, and its table costs what its figures say', (t) => {
  for (const name of listEngines())
    for (const p of loadEngine(name).parameters)
      t.notThrows(() => parseSetting(`${p.path}=${p.text}`), `${name} ${p.path}`);
  const iot = loadEngine('iot');
  t.deepEqual(
    iot.parameters.find((p) => p.path === 'crypto_engine.clock_period'),
    { path: 'crypto_engine.clock_period', text: '10ns' },
  );
  // CAST AES-GCM-S: 44 cycles a 16-byte block; a 1,200-byte record is 75 blocks plus the setup.
  const model = new CryptoTimingModel(
    { ...DEFAULT_PROFILE.crypto, accelerated: iot.table },
    { accelerated: true, clockPeriod: 10 * NS },
  );
  t.is(model.cycles({ op: 'aead_seal', suite: 'TLS_AES_128_GCM_SHA256', bytes: 1200 }), 92 + Math.ceil(1200 / 0.3636));
  const fast = new CryptoTimingModel(
    { ...DEFAULT_PROFILE.crypto, accelerated: loadEngine('line-rate-10g').table },
    { accelerated: true, clockPeriod: 2 * NS },
  );
  t.is(
    fast.latency({ op: 'aead_seal', suite: 'TLS_AES_128_GCM_SHA256', bytes: 1200 }),
    20 * 2 * NS,
    'the pipeline latency beyond the issue interval',
  );
});

test('a bad engine file is a ConfigError naming the file and the key path', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'engines-'));
  const base = readFileSync(join(ENGINES_DIR, 'default.yaml'), 'utf8');
  writeFileSync(join(dir, 'default.yaml'), base);
  const write = (name: string, text: string) => writeFileSync(join(dir, `${name}.yaml`), text);
  const head = (name: string) => `engine: ${name}\ndescription: x\nbase: default\n`;
  write(
    'nosource',
    `${head('nosource')}cycles:\n  hash:\n    sha256: { setup_cycles: 1, bytes_per_cycle: 1, basis: published, source: '' }\n`,
  );
  t.throws(() => loadEngine('nosource', dir), {
    instanceOf: ConfigError,
    message: /engines\/nosource\.yaml: cycles\.hash\.sha256\.source: must name the source/,
  });
  write(
    'badbasis',
    `${head('badbasis')}cycles:\n  hash:\n    sha256: { setup_cycles: 1, bytes_per_cycle: 1, basis: guessed, source: a datasheet of some length }\n`,
  );
  t.throws(() => loadEngine('badbasis', dir), {
    instanceOf: ConfigError,
    message: /cycles\.hash\.sha256\.basis: must be one of published, derived, estimate/,
  });
  write(
    'typo',
    `${head('typo')}cycles:\n  hash:\n    sha265: { setup_cycles: 1, bytes_per_cycle: 1, basis: estimate, source: reasoning of some length }\n`,
  );
  t.throws(() => loadEngine('typo', dir), { instanceOf: ConfigError, message: /cycles\.hash\.sha265: unknown field/ });
  write(
    'partial',
    'engine: partial\ndescription: x\narea: { symmetric: { class: small, source: s }, public_key: { class: small, source: s } }\ncycles: {}\n',
  );
  t.throws(() => loadEngine('partial', dir), {
    instanceOf: ConfigError,
    message: /partial\.yaml: cycles\.aead\.TLS_AES_128_GCM_SHA256: is missing/,
  });
  write('loop', 'engine: loop\ndescription: x\nbase: loop\n');
  t.throws(() => loadEngine('loop', dir), { instanceOf: ConfigError, message: /base chain loops/ });
  t.throws(() => loadEngine('absent', dir), { instanceOf: ConfigError, message: /no engine 'absent'.*engines: / });
});
