/**
 * The system error codes of DtlsErrorCode (runtime/api/error-codes.ts)
 * against the running Node: every libuv error name Node knows
 * (`util.getSystemErrorMap()`) and every code of node:dns's errors is in the
 * union, so a system error passed on to `onerror` always has a code the type
 * names. A Node that adds a code fails this test until the list has it.
 */
import test from 'ava';
import * as dns from 'node:dns';
import { getSystemErrorMap } from 'node:util';
import { DNS_ERROR_CODES, LIBUV_ERROR_CODES } from '../../runtime/api/error-codes.js';

test("every libuv error name of this Node is in DtlsErrorCode's list", (t) => {
  const names = [...new Set([...getSystemErrorMap().values()].map(([name]) => name))].sort();
  t.deepEqual(
    names.filter((n) => !(LIBUV_ERROR_CODES as readonly string[]).includes(n)),
    [],
  );
  t.true(names.length > 50, `util.getSystemErrorMap() has ${names.length} names`);
});

test("every code of node:dns's errors is in DtlsErrorCode's list", (t) => {
  const codes = Object.entries(dns)
    .filter(([key, value]) => /^[A-Z_]+$/.test(key) && typeof value === 'string' && /^E[A-Z_]+$/.test(value))
    .map(([, value]) => value as string);
  t.true(codes.includes('ENOTFOUND'));
  t.deepEqual(
    codes.filter((c) => !(DNS_ERROR_CODES as readonly string[]).includes(c)),
    [],
  );
});
