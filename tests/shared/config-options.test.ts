/**
 * runtime/shared/config-options.ts, the connection's option table, read by resolveConfig row by row: every kind's row
 * refuses another kind, every side's row the other side, every integer row its bounds, and a row's default is the
 * value resolved; the limits' rows (connection-limits.ts) alike. DtlsConfig names exactly the table's options.
 */
import test from 'ava';
import { ConfigError, type ConfigErrorCode } from '../../runtime/config-error.js';
import { resolveConfig, type ResolvedConfig } from '../../runtime/shared/config.js';
import { CONFIG_OPTIONS, type DtlsConfig } from '../../runtime/shared/config-options.js';
import { DEFAULT_CONNECTION_LIMITS, LIMIT_OPTIONS, resolveLimits } from '../../runtime/shared/connection-limits.js';
import type { OptionRow } from '../../runtime/option-row.js';
import { makeIdentity } from '../support/pki-fixtures.js';

const id = makeIdentity('p256', 'server.test');
const base = {
  server: { certificate: { chain: id.chain, privateKey: id.privateKey } },
  client: { checkServerIdentity: false },
} as const;
const rows = Object.entries(CONFIG_OPTIONS) as [keyof DtlsConfig, OptionRow][];

/** The type-level half: `DtlsConfig` has a key for each row and no other (a missing or extra one fails to compile). */
const sameKeys: [keyof DtlsConfig] extends [keyof typeof CONFIG_OPTIONS]
  ? [keyof typeof CONFIG_OPTIONS] extends [keyof DtlsConfig]
    ? true
    : false
  : false = true;

function resolve(role: 'client' | 'server', o: Record<string, unknown>): ResolvedConfig {
  return resolveConfig(role, { ...base[role], ...o } as DtlsConfig);
}

function refused(t: import('ava').ExecutionContext, run: () => unknown, option: string, code: ConfigErrorCode): void {
  const e = t.throws(run, { instanceOf: ConfigError }, option);
  t.is(e?.option, option);
  t.is(e?.code, code, e?.message);
}

test('DtlsConfig names exactly the rows of CONFIG_OPTIONS', (t) => {
  t.true(sameKeys);
  t.true(rows.length > 30);
});

test("every kind's or choice's row: another kind is a ConfigError naming the option, on the side that takes it", (t) => {
  let checked = 0;
  for (const [name, row] of rows) {
    if (row.kind === undefined && row.oneOf === undefined) continue;
    const role = row.side ?? 'client';
    const wrong = row.kind === 'boolean' ? 'yes' : row.kind === 'function' ? 'not a function' : 'none of them';
    refused(
      t,
      () => resolve(role, { [name]: wrong }),
      name,
      row.oneOf ? 'ERR_INVALID_ARG_VALUE' : 'ERR_INVALID_ARG_TYPE',
    );
    checked++;
  }
  t.true(checked >= 5, `${checked} rows`);
});

test("every side's row: given to the other side it is refused, saying whose it is; false is no option", (t) => {
  let checked = 0;
  for (const [name, row] of rows) {
    if (row.side === undefined) continue;
    const other = row.side === 'client' ? 'server' : 'client';
    const e = t.throws(() => resolve(other, { [name]: row.kind === 'boolean' ? true : 1 }), {
      instanceOf: ConfigError,
    });
    t.is(e?.option, name);
    t.is(e?.reason, `is a ${row.side} option`);
    if (row.kind === 'boolean') t.notThrows(() => resolve(other, { [name]: false }));
    checked++;
  }
  t.true(checked >= 6, `${checked} rows`);
});

test('every integer row: its default is the value resolved, its bounds taken, one past either refused', (t) => {
  let checked = 0;
  for (const [name, row] of rows) {
    if (row.min === undefined || row.max === undefined) continue;
    const role = row.side ?? 'server';
    const value = (o: Record<string, unknown>): unknown =>
      (resolve(role, o) as unknown as Record<string, unknown>)[name];
    t.is(value({}), row.default, `${name}'s default`);
    t.is(value({ [name]: row.min }), row.min);
    t.is(value({ [name]: row.max }), row.max);
    refused(t, () => resolve(role, { [name]: row.min! - 1 }), name, 'ERR_OUT_OF_RANGE');
    refused(t, () => resolve(role, { [name]: row.max! + 1 }), name, 'ERR_OUT_OF_RANGE');
    checked++;
  }
  t.true(checked >= 5, `${checked} rows`);
});

test('every limit row: its default in DEFAULT_CONNECTION_LIMITS, its bounds, and an error naming limits.<name>', (t) => {
  for (const [name, row] of Object.entries(LIMIT_OPTIONS) as [keyof typeof LIMIT_OPTIONS, OptionRow][]) {
    t.is(DEFAULT_CONNECTION_LIMITS[name] as unknown, row.default, name);
    if (row.min === undefined || row.max === undefined) {
      refused(t, () => resolveLimits({ [name]: 'stall' }), `limits.${name}`, 'ERR_INVALID_ARG_VALUE');
      continue;
    }
    t.is(resolveLimits({ [name]: row.max })[name], row.max);
    refused(t, () => resolveLimits({ [name]: row.min! - 1 }), `limits.${name}`, 'ERR_OUT_OF_RANGE');
    refused(t, () => resolveLimits({ [name]: row.max! + 1 }), `limits.${name}`, 'ERR_OUT_OF_RANGE');
  }
});
