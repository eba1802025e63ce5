import test from 'ava';
import { COMMANDS } from '../../cli/commands.js';
import { RUN_OPTIONS } from '../../cli/simulate-args.js';

test('dtls13 simulate --help names every option simulate takes', (t) => {
  const help = COMMANDS.find((c) => c.name === 'simulate')?.help() ?? '';
  const missing = Object.keys(RUN_OPTIONS).filter((name) => !help.includes(`--${name}`));
  t.deepEqual(missing, []);
});
