/** A misspelled option gets the nearest one the command has (`--conect` -> `--connect`); a word that is no typo gets none. */
import test from 'ava';
import { nearestOption, optionsInHelp } from '../../cli/nearest-option.js';
import { dtls13 } from './cli-process.js';

test('dtls13 client --conect suggests --connect and exits 2', async (t) => {
  const r = await dtls13(['client', '--conect', '127.0.0.1:4433']).done;
  t.is(r.code, 2);
  t.regex(r.stderr, /unknown option '--conect'; did you mean '--connect'\?/);
});

test('an option far from every option gets no suggestion', async (t) => {
  const r = await dtls13(['server', '--zzzzzzzz']).done;
  t.is(r.code, 2);
  t.regex(r.stderr, /unknown option '--zzzzzzzz'\n/);
  t.notRegex(r.stderr, /did you mean/);
});

test('nearestOption: one edit for a short name, none past the limit, the value ignored', (t) => {
  const known = optionsInHelp(
    '  --connect HOST:PORT  where\n  --ca FILE  roots\n  --check  only check\n  --json  JSON',
  );
  t.deepEqual(known, ['--connect', '--ca', '--check', '--json']);
  t.is(nearestOption('--conect', known), '--connect');
  t.is(nearestOption('--jsno', known), '--json');
  t.is(nearestOption('--chekc=1', known), '--check');
  t.is(nearestOption('--cb', known), '--ca');
  t.is(nearestOption('--verbose', known), undefined);
});
