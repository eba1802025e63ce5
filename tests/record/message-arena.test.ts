import test, { type ExecutionContext } from 'ava';
import type { CryptoProvider } from '../../runtime/crypto.js';
import type { ReceivedRecord } from '../../runtime/record/record-reader.js';
import { concatBytes } from '../../runtime/wire/bytes.js';
import { beginReceiveBatch, endReceiveBatch } from '../../runtime/wire/message-arena.js';
import { PROVIDERS } from '../support/providers.js';
import { recordPair } from '../support/record-pair.js';

/**
 * `messageBuffers: 'batch'` in the record layer (runtime/wire/message-arena.ts): the application data of one
 * datagram, or of one receive batch, in one ArrayBuffer; nothing else in it, whatever a peer sends.
 */

const utf8 = new TextEncoder();
const latin1 = (b: Uint8Array | ArrayBufferLike): string =>
  Buffer.from(b instanceof Uint8Array ? b : new Uint8Array(b)).toString('latin1');

function contents(out: readonly ReceivedRecord[]): Extract<ReceivedRecord, { kind: 'record' }>[] {
  return out.filter((r): r is Extract<ReceivedRecord, { kind: 'record' }> => r.kind === 'record');
}

/** A receive batch as the socket reader starts one, telling how many bytes may still come. */
function inBatch<T>(f: () => T): T {
  const outer = beginReceiveBatch({ bytesAhead: () => 4096 });
  try {
    return f();
  } finally {
    endReceiveBatch(outer);
  }
}

for (const provider of PROVIDERS) {
  // Every provider's plaintext lands in the arena: the addon decrypts into it, the others' is copied in (their own
  // array zeroed), so a message's buffer is the same kind of memory whichever provider opened it.
  test(`${provider.name}: forged, replayed and handshake records leave nothing in a datagram's shared ArrayBuffer`, (t) => {
    const { tx, rx } = recordPair({
      sender: provider,
      suite: 'tls_aes_128_gcm_sha256',
      config: { messageBuffers: 'batch' },
    });
    const alpha = tx.writer.seal('application_data', utf8.encode('alpha')).bytes;
    const forged = tx.writer.seal('application_data', utf8.encode('charlie-forged')).bytes;
    forged[forged.length - 1]! ^= 1; // the tag no longer authenticates
    const truncated = tx.writer.seal('application_data', utf8.encode('delta-cut')).bytes.subarray(0, 10);
    const handshake = tx.writer.seal('handshake', utf8.encode('echo-handshake')).bytes;
    const bravo = tx.writer.seal('application_data', utf8.encode('bravo')).bytes;
    // alpha, its replay, a forgery, a handshake record, bravo; and a truncated record that ends the datagram.
    const got = contents(rx.reader.receive(concatBytes([alpha, alpha, forged, handshake, bravo, truncated]), 0));
    t.deepEqual(
      got.map((r) => [r.contentType, latin1(r.content)]),
      [
        ['application_data', 'alpha'],
        ['handshake', 'echo-handshake'],
        ['application_data', 'bravo'],
      ],
    );
    t.is(rx.reader.drops.replay, 1);
    t.is(rx.reader.drops.authentication, 1);
    const [a, h, b] = got;
    t.not(h!.content.buffer, a!.content.buffer, 'a handshake record is a copy of its own');
    t.is(a!.content.buffer, b!.content.buffer, "the datagram's application data share one ArrayBuffer");
    const whole = latin1(a!.content.buffer);
    // The inner plaintexts (content, type 23) one after the other, then zeros: no replayed copy, no forged or handshake bytes.
    t.is(whole.replace(/\0+$/, ''), 'alpha\x17bravo\x17');
    t.false(whole.includes('charlie'));
    t.false(whole.includes('echo'));
  });

  test(`${provider.name}: within a receive batch datagrams share one ArrayBuffer, outside each has its own`, (t) => {
    const next = opener(t, provider);
    const [one, two, three] = inBatch(() => [next('one'), next('two'), next('three')]);
    const outside = [next('four'), next('five')];
    t.not(outside[0]!.buffer, outside[1]!.buffer, 'outside a batch, one datagram per ArrayBuffer');
    t.true(two.buffer === one.buffer && three.buffer === one.buffer);
  });

  test(`${provider.name}: a transfer list leaves an arena in place (Node's pooled-Buffer contract); transfer() starts a new one`, (t) => {
    const next = opener(t, provider);
    const [one, two, after] = inBatch(() => {
      const one = next('one');
      const two = next('two');
      // As for a Buffer from Node's pool: Node 20 copies an untransferable ArrayBuffer listed for transfer, Node 21 and
      // later refuse it with a DataCloneError. Neither detaches what the application holds.
      const copy = transferList(t, one.buffer as ArrayBuffer);
      if (copy !== undefined) t.is(latin1(new Uint8Array(copy, one.byteOffset, 3)), 'one', 'the copy holds the bytes');
      t.is(latin1(one) + latin1(two), 'onetwo', 'a transfer list detached nothing');
      // ArrayBuffer.prototype.transfer detaches it where the runtime lets it (ava turns the method on for Node 20).
      detach(t, one.buffer as ArrayBuffer);
      return [one, two, next('three')] as const;
    });
    t.is(one.length, 0);
    t.is(two.length, 0, 'transfer() detached the batch so far');
    t.not(after.buffer, one.buffer, 'a record after it goes into a new ArrayBuffer');
    t.is(latin1(after), 'three');
  });
}

/** A record pair in 'batch' mode, and a function that seals `text` and returns the plaintext the receiver opened. */
function opener(t: ExecutionContext, provider: CryptoProvider): (text: string) => Uint8Array {
  const { tx, rx } = recordPair({
    sender: provider,
    suite: 'tls_aes_128_gcm_sha256',
    config: { messageBuffers: 'batch' },
  });
  return (text) => {
    const [r] = contents(rx.reader.receive(tx.writer.seal('application_data', utf8.encode(text)).bytes, 0));
    if (r === undefined) throw new Error(`${text} did not open`);
    t.is(latin1(r.content), text);
    return r.content;
  };
}

/**
 * `buffer` listed in structuredClone's transfer list: its copy where the runtime copies an untransferable ArrayBuffer
 * (Node 20), undefined where it refuses it (DataCloneError, Node 21 and later); either way `buffer` keeps its bytes.
 */
function transferList(t: ExecutionContext, buffer: ArrayBuffer): ArrayBuffer | undefined {
  const length = buffer.byteLength;
  let copy: ArrayBuffer | undefined;
  try {
    copy = structuredClone(buffer, { transfer: [buffer] });
  } catch (e) {
    t.is((e as Error).name, 'DataCloneError');
  }
  t.is(buffer.byteLength, length, 'the arena is not detached');
  return copy;
}

/** `buffer` detached with ArrayBuffer.prototype.transfer (present on every Node the tests run: ava.config.js). */
function detach(t: ExecutionContext, buffer: ArrayBuffer): void {
  const transfer = (buffer as ArrayBuffer & { transfer?: () => ArrayBuffer }).transfer;
  if (typeof transfer !== 'function') return t.fail('ArrayBuffer.prototype.transfer is missing: see ava.config.js');
  transfer.call(buffer);
  t.is(buffer.byteLength, 0);
}

test("the record layer without messageBuffers ('own') opens every record into an ArrayBuffer of its own, in a batch too", (t) => {
  for (const provider of PROVIDERS) {
    const { tx, rx } = recordPair({ sender: provider, suite: 'tls_aes_128_gcm_sha256' });
    const records = ['a', 'b'].map((s) => tx.writer.seal('application_data', utf8.encode(s)).bytes);
    const got = inBatch(() => contents(rx.reader.receive(concatBytes(records), 0)));
    t.is(got.length, 2);
    t.not(got[0]!.content.buffer, got[1]!.content.buffer, provider.name);
    t.true(got[0]!.content.buffer.byteLength <= 2 + 255, provider.name);
  }
});
