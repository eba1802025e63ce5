import test from 'ava';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildSystemC } from '../../../hwmodel/cocheck/index.js';
import { loadArchitecture } from '../../../generator/hw/load-architecture.js';

const ROOT = join(import.meta.dirname, '../../..');
const DIR = join(ROOT, 'generated/systemc');

test('the generated SystemC skeletons compile against libsystemc and elaborate the whole architecture', (t) => {
  const arch = loadArchitecture(ROOT, 'spec/hw');
  const headers = readdirSync(DIR)
    .filter((f) => f.endsWith('.h'))
    .map((f) => join(DIR, f));
  t.is(headers.length, arch.modules.length + 1, 'one header per module plus the top level');
  const binary = buildSystemC(join(DIR, 'main.cpp'), 'skeletons', ['-I', DIR, '-Werror'], headers);
  const r = spawnSync(binary, [], { encoding: 'utf8' });
  t.is(r.status, 0, r.stderr);
  t.true(
    r.stdout.includes(
      `elaborated ${arch.name}: ${arch.modules.length} modules, ${arch.connections.length} bindings, ${arch.externals.length} external sockets`,
    ),
    r.stdout,
  );
  t.false(/Error|Warning/.test(r.stdout + r.stderr), 'SystemC reported no binding error or warning');
});
