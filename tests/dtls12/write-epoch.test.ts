import { readFileSync } from 'node:fs';
import { IntegrityMonitor } from '../../runtime/record/integrity-monitor.js';
import test from 'ava';
import { decodeDatagram12 } from '../../runtime/record/datagram12.js';
import { EpochCipher12 } from '../../runtime/record/epoch-cipher12.js';
import { ReadEpoch12 } from '../../runtime/record/epochs12.js';
import { RecordLayerError, RecordWriter } from '../../runtime/record/record-writer.js';
import { WRITE12 } from '../../runtime/record/write-form12.js';
import type { AeadLimits } from '../../runtime/record/limits.js';
import { DTLS12_CIPHER_SUITES } from '../../runtime/versions/suites12.js';
import { keyLogger } from '../../runtime/shared/key-material.js';
import { fromHex } from '../support/canon.js';
import { PROVIDERS } from '../support/providers.js';

/** Sequence numbers and per-key limits of a 1.2 write epoch (the one writer over 1.2's form), and the key log line. */

const provider = PROVIDERS[0]!;
const suite = DTLS12_CIPHER_SUITES.tls_ecdhe_ecdsa_with_aes_128_ccm_8;
const keys = { key: new Uint8Array(16).fill(5), iv: new Uint8Array(4).fill(6) };

/** The one record writer with epoch 1's keys, numbering from `first`. */
function writeEpoch(first = 0, limits?: AeadLimits) {
  const w = new RecordWriter(WRITE12, { limits });
  w.install(new EpochCipher12(provider, suite, keys, 1), first);
  return { w, seal: (type: number, content: Uint8Array) => w.seal(type, content).bytes };
}

test('records get 0, 1, 2, ... and each opens once at the reader', (t) => {
  const { w, seal } = writeEpoch();
  const r = new ReadEpoch12(new EpochCipher12(provider, suite, keys, 1), new IntegrityMonitor(1_000_000, 0));
  for (let i = 0; i < 5; i++) {
    const rec = seal(23, Uint8Array.of(i));
    t.is(decodeDatagram12(rec)[0]!.record.sequenceNumber, i);
    const o = r.receive(rec, 0);
    t.true(o.ok && o.content[0] === i);
  }
  t.is(w.writeSequence, 5);
  t.is(w.usage()!.used, 5);
});

test('the last 48-bit sequence number is used, then the epoch refuses instead of wrapping', (t) => {
  const { w, seal } = writeEpoch(2 ** 48 - 2);
  t.is(decodeDatagram12(seal(23, Uint8Array.of(1)))[0]!.record.sequenceNumber, 2 ** 48 - 2);
  t.is(decodeDatagram12(seal(23, Uint8Array.of(1)))[0]!.record.sequenceNumber, 2 ** 48 - 1);
  t.is(w.remaining, 0);
  t.throws(() => seal(23, Uint8Array.of(1)), { instanceOf: RecordLayerError, message: /would wrap/ });
  t.throws(() => writeEpoch(2 ** 48), { instanceOf: RangeError });
});

test("the AEAD's confidentiality limit ends the epoch: 1.2 cannot rekey", (t) => {
  const { w, seal } = writeEpoch(0, { confidentiality: 3, integrity: 1 });
  for (let i = 0; i < 3; i++) seal(23, Uint8Array.of(i));
  t.is(w.remaining, 0);
  t.throws(() => seal(23, Uint8Array.of(9)), { instanceOf: RecordLayerError, message: /usage limit \(3 records\)/ });
  t.is(writeEpoch().w.usage()!.limit, 2 ** 23, 'CCM_8 defaults to RFC 9147 §4.5.3');
});

test('the key logger writes the CLIENT_RANDOM line OpenSSL wrote for the same session (what a 1.2 master secret logs)', (t) => {
  const line = (
    JSON.parse(readFileSync(new URL('../vectors/openssl-dtls12-handshakes.json', import.meta.url), 'utf8')) as {
      captures: { keyLog: string }[];
    }
  ).captures[0]!.keyLog;
  const [, random, master] = line.split(' ');
  const lines: string[] = [];
  keyLogger((l) => lines.push(l))('CLIENT_RANDOM', fromHex(random!), fromHex(master!));
  t.deepEqual(lines, [line]);
});
