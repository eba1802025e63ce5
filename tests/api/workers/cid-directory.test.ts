import test from 'ava';
import { randomBytes } from 'node:crypto';
import {
  CidDirectory,
  MAX_PROBE,
  cidDirectoryInit,
  directorySlots,
} from '../../../runtime/api/workers/cid-directory.js';

/** A datagram whose first record is a DTLS 1.3 record carrying `cid` (unified header 0x3c, then the CID). */
const record = (cid: Uint8Array): Uint8Array => Uint8Array.of(0x3c, ...cid, 0, 0, 0, 20, ...new Uint8Array(20));
/** A tls12_cid record (content type 25) carrying `cid` at byte 11. */
const record12 = (cid: Uint8Array): Uint8Array =>
  Uint8Array.of(25, 0xfe, 0xfd, 0, 1, 0, 0, 0, 0, 0, 1, ...cid, 0, 20, ...new Uint8Array(20));
const cidOf = (worker: number, rest: Uint8Array = randomBytes(6)): Uint8Array => Uint8Array.of(0, worker, ...rest);

test('a CID one worker publishes is seen by the other, in either record form, until withdrawn', (t) => {
  const init = cidDirectoryInit(2, 1024, 8);
  const owner = new CidDirectory(init, 0);
  const other = new CidDirectory(init, 1);
  const cid = cidOf(0);
  t.false(other.mayHold(0, record(cid)));
  owner.add(cid);
  t.true(other.mayHold(0, record(cid)));
  t.true(other.mayHold(0, record12(cid)));
  t.false(other.mayHold(1, record(cid)), 'another worker\u2019s table does not have it');
  owner.remove(cid);
  t.false(other.mayHold(0, record(cid)));
  owner.add(cid);
  t.true(other.mayHold(0, record(cid)), 'a freed slot is taken again');
});

test('forged CIDs, truncated records, junk and unknown workers are refused without throwing', (t) => {
  const init = cidDirectoryInit(2, 1024, 8);
  const owner = new CidDirectory(init, 0);
  const other = new CidDirectory(init, 1);
  for (let i = 0; i < 200; i++) owner.add(cidOf(0));
  for (let i = 0; i < 2000; i++) t.false(other.mayHold(0, record(cidOf(0))));
  t.false(other.mayHold(0, Uint8Array.of(0x3c, 0, 0)));
  t.false(other.mayHold(0, new Uint8Array(0)));
  t.false(other.mayHold(0, Uint8Array.of(22, 0xfe, 0xfd)));
  t.false(other.mayHold(7, record(cidOf(7))));
});

test('CIDs that find no slot within the probe make the owner\u2019s table answer "maybe" until they are withdrawn', (t) => {
  const init = cidDirectoryInit(2, 1024, 8);
  const owner = new CidDirectory(init, 0);
  const other = new CidDirectory(init, 1);
  // Every CID with the same first random bytes starts its probe at the same slot.
  const same = (i: number): Uint8Array => cidOf(0, Uint8Array.of(1, 2, 3, 4, i >> 8, i & 0xff));
  for (let i = 0; i < MAX_PROBE; i++) owner.add(same(i));
  const forged = record(cidOf(0));
  t.false(other.mayHold(0, forged), 'all placed: a forgery is refused');
  owner.add(same(MAX_PROBE));
  t.true(other.mayHold(0, record(same(MAX_PROBE))), 'the unplaced one is let through');
  t.true(other.mayHold(0, forged), 'and so is anything, while one is unplaced');
  owner.remove(same(MAX_PROBE));
  t.false(other.mayHold(0, forged), 'withdrawn: refused again');
  for (let i = 0; i < MAX_PROBE; i++) t.true(other.mayHold(0, record(same(i))));
});

test('a table is sized for the sessions a worker holds, within bounds', (t) => {
  t.is(directorySlots(1), 1024);
  t.is(directorySlots(10_000), 131_072);
  t.is(directorySlots(10_000_000), 262_144);
});
