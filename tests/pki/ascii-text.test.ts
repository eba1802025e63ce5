import test from 'ava';
import {
  allCodesIn,
  asciiLowerCase,
  hasControlCharacter,
  isHostLabel,
  isNumericLabel,
} from '../../runtime/pki/ascii-text.js';
import { Prng } from '../support/prng.js';

/** Each function of runtime/pki/ascii-text.ts gives the answer of the regular expression it stands for, on every text. */

/** Texts over characters at the edges of each class (controls, DEL, A–Z, a–z, digits, '-', '_', 'x', non-ASCII). */
function texts(): string[] {
  const chars = [
    '\x00',
    '\x1f',
    ' ',
    '!',
    '-',
    '.',
    '/',
    '0',
    '9',
    ':',
    '@',
    'A',
    'Z',
    '[',
    '_',
    '`',
    'a',
    'f',
    'g',
    'x',
    'z',
    '{',
    '~',
    '\x7f',
    '\x80',
    'É',
    'ß',
    'İ',
    'ﬀ',
    '€',
  ];
  const out = ['', '0x', '0X1', '0x1f', '0xg', 'localhost', 'Example.ORG', 'warm-up.invalid', 'xn--bcher-kva', 'a_b'];
  // A fixed seed: the same texts every run.
  const prng = new Prng(0x9e3779b9);
  const next = (): number => prng.next();
  for (let i = 0; i < 20000; i++) {
    let text = i % 4 === 0 ? '0x' : '';
    for (let j = next() % 8; j > 0; j--) text += chars[next() % chars.length];
    out.push(text);
  }
  return out;
}

test('each function answers as its pattern', (t) => {
  let mismatches = 0;
  for (const text of texts()) {
    const expected = [
      /^[\x21-\x7e]*$/.test(text),
      // eslint-disable-next-line no-control-regex -- the pattern hasControlCharacter stands for
      /[\x00-\x1f\x7f]/.test(text),
      text.replace(/[A-Z]+/g, (m) => m.toLowerCase()),
      /^[a-z0-9_-]+$/.test(text),
      /^([0-9]+|0x[0-9a-f]*)$/.test(text),
    ];
    const actual = [
      allCodesIn(text, 0x21, 0x7e),
      hasControlCharacter(text),
      asciiLowerCase(text),
      isHostLabel(text),
      isNumericLabel(text),
    ];
    if (JSON.stringify(actual) !== JSON.stringify(expected)) {
      mismatches++;
      t.deepEqual(actual, expected, JSON.stringify(text));
    }
  }
  t.is(mismatches, 0);
});

test('the classes on names a client meets', (t) => {
  t.true(allCodesIn('localhost', 0x21, 0x7e));
  t.false(allCodesIn('bücher.example', 0x21, 0x7e));
  t.true(hasControlCharacter('a\x00b'));
  t.false(hasControlCharacter('a b'));
  t.is(asciiLowerCase('WWW.Example.ORG'), 'www.example.org');
  t.is(asciiLowerCase('İSTANBUL.Ünİ'), 'İstanbul.Ünİ');
  t.true(isHostLabel('warm-up_1'));
  t.false(isHostLabel(''));
  t.true(isNumericLabel('127'));
  t.true(isNumericLabel('0x'));
  t.false(isNumericLabel('com'));
});
