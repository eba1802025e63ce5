import test from 'ava';
import { nativeProvider } from '../../runtime/crypto/native/index.js';
import { defaultProvider } from '../../runtime/crypto.js';
import { padToMultipleOf } from '../../runtime/record/inner-plaintext.js';
import { OPEN_RUNS, OPENED_AHEAD } from '../../runtime/record/opened-ahead.js';
import type { ReceivedRecord } from '../../runtime/record/record-reader.js';
import { beginReceiveBatch, endReceiveBatch } from '../../runtime/wire/message-arena.js';
import { recordPair } from '../support/record-pair.js';
import { Batch } from '../support/receive-batch.js';

/**
 * A 'batch' receiver opens the records of a receive batch in one addon call (runtime/record/opened-ahead.ts), and the
 * addon finds each DTLSInnerPlaintext's content type as it opens it: the last non-zero byte, after any zero padding.
 * Records padded to 64 bytes, one whose content ends in zeros of its own, an empty one and a handshake record in the
 * middle are read out of one batch as the same records, content and type, as each opened alone; the records are laid
 * out in one receive buffer and lent as views of it, as the socket reader lends them. Without the addon
 * (DTLS13_NATIVE=0) each record opens alone, and the same records come out. (An all-zero plaintext, which no sealer
 * here makes, is tests/crypto/native-open-run.test.ts's.)
 */

const provider = nativeProvider ?? defaultProvider();
const runs = nativeProvider !== undefined && OPEN_RUNS;
const utf8 = new TextEncoder();

const plain = (r: ReceivedRecord): string =>
  r.kind === 'record' ? `${r.contentType}:${Buffer.from(r.content).toString('hex')}` : 'deferred';

test("a 'batch' receive batch: padded records, content ending in zeros, a handshake record among them keep their types", (t) => {
  const { tx, rx } = recordPair({
    sender: provider,
    suite: 'tls_aes_128_gcm_sha256',
    config: { padding: padToMultipleOf(64), messageBuffers: 'batch' },
  });
  const contents: ['application_data' | 'handshake', Uint8Array][] = [
    ['application_data', utf8.encode('alpha, padded to 64 bytes')],
    ['application_data', Uint8Array.of(1, 2, 0, 0)], // the content's own zeros are content, not padding
    ['handshake', utf8.encode('a handshake message in the middle of the run')],
    ['application_data', new Uint8Array(0)],
    ['application_data', utf8.encode('omega')],
  ];
  const datagrams = contents.map(([type, content]) => tx.writer.seal(type, content).bytes);
  const batch = new Batch(datagrams);
  const before = OPENED_AHEAD.taken;
  const received: ReceivedRecord[] = [];
  const outer = beginReceiveBatch(batch);
  try {
    for (let i = 0; i < datagrams.length; i++) received.push(...rx.reader.receive(batch.deliver(i), 0));
  } finally {
    endReceiveBatch(outer);
  }
  t.deepEqual(
    received.map(plain),
    contents.map(([type, content]) => `${type}:${Buffer.from(content).toString('hex')}`),
  );
  t.deepEqual(
    received.map((r) => (r.kind === 'record' ? r.sequenceNumber : -1)),
    [0, 1, 2, 3, 4],
  );
  if (runs) t.is(OPENED_AHEAD.taken - before, datagrams.length, 'every record taken from the run');
  // The receive buffer is reused by the next read: what was handed up survives it.
  batch.buffer.fill(0xee);
  t.deepEqual(
    received.map(plain),
    contents.map(([type, content]) => `${type}:${Buffer.from(content).toString('hex')}`),
  );
});
