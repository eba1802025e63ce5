/** extendedMasterSecretOption (runtime/api/ems-option.ts): 'required' (default), 'preferred', nothing else. */
import test from 'ava';
import { ConfigError } from '../../runtime/config-error.js';
import { extendedMasterSecretOption } from '../../runtime/api/ems-option.js';

test("'required' requires, 'preferred' does not, absent is the default", (t) => {
  t.is(extendedMasterSecretOption('required'), true);
  t.is(extendedMasterSecretOption('preferred'), false);
  t.is(extendedMasterSecretOption(undefined), undefined);
});

test('anything else is a ConfigError naming the option and what it got', (t) => {
  for (const [value, got] of [
    [true, 'boolean'],
    [false, 'boolean'],
    ['Required', 'Required'],
    ['off', 'off'],
    [null, 'null'],
  ] as const) {
    const e = t.throws(() => extendedMasterSecretOption(value), { instanceOf: ConfigError })!;
    t.is(e.option, 'extendedMasterSecret');
    t.true(e.message.includes(got), e.message);
  }
});
