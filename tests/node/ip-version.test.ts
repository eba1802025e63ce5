import test from 'ava';
import { isIP } from 'node:net';
import { ipVersion } from '../../runtime/node/ip-version.js';
import { Prng } from '../support/prng.js';

/** ipVersion is node:net's isIP, only skipping its patterns where they cannot match: the same answer for every text. */

const ADDRESSES = [
  '127.0.0.1',
  '0.0.0.0',
  '255.255.255.255',
  '192.0.2.1',
  '::',
  '::1',
  '1:2:3:4:5:6:7:8',
  '1::8',
  'fe80::1%eth0',
  'fe80::1%1',
  '::ffff:192.0.2.1',
  '64:ff9b::192.0.2.33',
  '2001:db8::',
  'FFFF:ffff::',
];
const NOT_ADDRESSES = [
  '',
  'localhost',
  'example.org',
  'warm-up.invalid',
  '256.0.0.1',
  '01.2.3.4',
  '1.2.3',
  '1.2.3.4.5',
  '1.2.3.4 ',
  ' 1.2.3.4',
  '1..2.3',
  '1:2:3:4:5:6:7:8:9',
  ':::',
  '1:::2',
  'g::1',
  '[::1]',
  '::1%',
  '1.2.3.4%eth0',
  '१.२.३.४',
  '12345',
];

test('the addresses and the names a client meets: the same answer as isIP', (t) => {
  for (const text of [...ADDRESSES, ...NOT_ADDRESSES]) t.is(Number(ipVersion(text)), isIP(text), text);
  t.is(Number(ipVersion('127.0.0.1')), 4);
  t.is(Number(ipVersion('fe80::1%eth0')), 6);
  t.is(Number(ipVersion('localhost')), 0);
});

test('random texts over the characters of addresses: the same answer as isIP', (t) => {
  const alphabet = '0123456789.:abcdefABCDEF%g- ';
  // A fixed seed: the same texts every run.
  const prng = new Prng(0x2545f491);
  const next = (): number => prng.next();
  let addresses = 0;
  for (let i = 0; i < 20000; i++) {
    const length = next() % 24;
    let text = '';
    for (let j = 0; j < length; j++) text += alphabet[next() % alphabet.length];
    // Mostly digits and separators, so that some texts are addresses.
    if (i % 3 === 0) text = text.replace(/[^0-9.]/g, '.');
    if (i % 3 === 1) text = text.replace(/[^0-9a-f:]/gi, ':');
    t.is(Number(ipVersion(text)), isIP(text), text);
    if (isIP(text) !== 0) addresses++;
  }
  t.true(addresses > 0, 'some random texts are addresses');
});

test('a value that is not a string is read as node:net reads it', (t) => {
  for (const value of [123, undefined, null, { toString: () => '::1' }])
    t.is(Number(ipVersion(value as unknown as string)), isIP(value as unknown as string));
});

test('dotted texts of three to five parts, every part at the edges of 0–255: the same answer as isIP', (t) => {
  const parts = [
    '0',
    '00',
    '01',
    '1',
    '9',
    '10',
    '99',
    '100',
    '199',
    '200',
    '249',
    '250',
    '255',
    '256',
    '300',
    '1000',
    '',
  ];
  let checked = 0;
  for (const a of parts)
    for (const b of parts)
      for (const c of parts) {
        for (const tail of [[], ...parts.map((d) => [d]), [parts[3]!, parts[12]!]]) {
          const text = [a, b, c, ...tail].join('.');
          if (ipVersion(text) !== isIP(text)) t.fail(text);
          checked++;
        }
      }
  t.true(checked > 80000);
  t.is(Number(ipVersion('255.250.0.1')), 4);
});
