/** `dtls13 generate` refuses to write into node_modules (an installed package is not regenerated in place); --check there is fine. */
import test from 'ava';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dtls13 } from './cli-process.js';

test('generate --root inside node_modules exits 2 naming the directory and writes nothing', async (t) => {
  const base = mkdtempSync(join(tmpdir(), 'dtls13-nm-'));
  try {
    const root = join(base, 'node_modules', 'dtls13');
    mkdirSync(root, { recursive: true });
    const r = await dtls13(['generate', '--root', root]).done;
    t.is(r.code, 2);
    t.regex(r.stderr, /refusing to write generated\/ under node_modules \(.*node_modules\/dtls13\)/);
    t.deepEqual(readdirSync(root), []);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});
