import test from 'ava';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError as RuntimeConfigError } from '../../../runtime/config-error.js';
import { ConfigError as KernelConfigError } from '../../../hwmodel/kernel/config-error.js';
import { ROOT } from '../../support/spec.js';

test('the kernel imports nothing outside hwmodel/kernel (no runtime, no generator)', (t) => {
  const dir = join(ROOT, 'hwmodel/kernel');
  const outside: string[] = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.ts'))) {
    for (const m of readFileSync(join(dir, f), 'utf8').matchAll(/from '([^']+)'/g))
      if (m[1]!.startsWith('..')) outside.push(`${f}: ${m[1]}`);
  }
  t.deepEqual(outside, []);
});

test("the kernel's ConfigError and the runtime's are each an instance of the other", (t) => {
  t.true(new KernelConfigError('seed', 'x') instanceof RuntimeConfigError);
  t.true(new RuntimeConfigError('port', 'x') instanceof KernelConfigError);
  t.false(new Error('option seed: x') instanceof RuntimeConfigError);
});
