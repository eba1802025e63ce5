import test from 'ava';
import { COMMANDS } from '../../cli/commands.js';
import { helpText, type OptionTable } from '../../cli/option-table.js';

const HELP_COLUMN = 30;

/** The lines of an option group's help that carry help text (not the `  --flag` lines whose text follows on the same line). */
function helpLines(text: string): string[] {
  return text.split('\n').filter((l) => l.startsWith(' '.repeat(HELP_COLUMN)));
}

test('helpText: a long flag gets a line of its own and its help starts at the same column as every other line', (t) => {
  const table: OptionTable = [
    { name: 'short', type: 'string', value: 'N', help: 'one\ntwo' },
    { name: 'a-very-long-option-name', type: 'string', value: 'FILE.json|self', help: 'first line\nsecond line' },
  ];
  const text = helpText('x [options]', 'about', table);
  const lines = text.split('\n');
  const short = lines.find((l) => l.includes('--short'))!;
  t.is(short.indexOf('one'), HELP_COLUMN);
  const first = lines.find((l) => l.includes('first line'))!;
  const second = lines.find((l) => l.includes('second line'))!;
  t.is(first.indexOf('first line'), HELP_COLUMN);
  t.is(second.indexOf('second line'), HELP_COLUMN);
});

test('dtls13 learn --help (helpText): no help line starts past the help column', (t) => {
  const help = COMMANDS.find((c) => c.name === 'learn')?.help() ?? '';
  t.true(help.includes('--reference FILE.json|self'));
  t.deepEqual(
    helpLines(help).filter((l) => l[HELP_COLUMN] === ' '),
    [],
  );
});
