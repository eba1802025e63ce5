/** `dtls13 generate` refuses to write into node_modules (an installed package is not regenerated in place), and says where to run it when there are no sources. */
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

test('generate --check where there are no sources (no spec/wire/) exits 2 saying to run it in a clone', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'dtls13-nosrc-'));
  try {
    const r = await dtls13(['generate', '--check', '--root', root]).done;
    t.is(r.code, 2);
    t.regex(r.stderr, /no sources under .*dtls13-nosrc-.* \(no spec\/wire\/\): generate runs in a clone of dtls13/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('generate --check with spec/ but no generated/ (an installed package) exits 2 saying to check in a clone', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'dtls13-nogen-'));
  try {
    mkdirSync(join(root, 'spec', 'wire'), { recursive: true });
    const r = await dtls13(['generate', '--check', '--root', root]).done;
    t.is(r.code, 2);
    t.regex(
      r.stderr,
      /nothing to check under .* \(no generated\/wire\/; an installed package ships the built code, not generated\/\)/,
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
