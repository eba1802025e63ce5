/**
 * cli/optional-packages.ts: a command that needs an optional peer package says which, and the `npm install` line,
 * before it runs; `dtls13 size` looks for yaml that way, so a missing yaml is not reported as a bad `--profile` (the
 * engine file it could not parse), an option the user did not give.
 */
import test from 'ava';
import { installed, needingInstalled } from '../../cli/optional-packages.js';

test('needingInstalled: a package that is not installed is named with its npm install line, and nothing loads', async (t) => {
  let loaded = false;
  const e = await t.throwsAsync(
    needingInstalled(['yaml', 'dtls13-test-no-such-package'], async () => {
      loaded = true;
      return 0;
    }),
  );
  t.is(
    e?.message,
    "this needs the package 'dtls13-test-no-such-package', which 'npm install dtls13' does not install (an optional peer dependency): npm install yaml dtls13-test-no-such-package",
  );
  t.false(loaded);
});

test('needingInstalled: with every package installed, the module loads', async (t) => {
  t.true(installed('yaml'));
  t.is(await needingInstalled(['yaml'], async () => 'loaded'), 'loaded');
});
