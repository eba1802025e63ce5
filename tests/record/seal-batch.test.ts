import crypto from 'node:crypto';
import test from 'ava';
import { ContentType } from '../../generated/wire/enums.js';
import { nativeProvider } from '../../runtime/crypto/native/index.js';
import { nodeProvider } from '../../runtime/crypto/node/index.js';
import type { CryptoProvider } from '../../runtime/crypto/provider.js';
import { ALL_CIPHER_SUITES, type SupportedCipherSuite } from '../../runtime/crypto/suites.js';
import { RecordLayer, type RecordLayerConfig } from '../../runtime/record/record-layer.js';
import { RecordLayerError } from '../../runtime/record/record-writer.js';
import { StagedRecords } from '../../runtime/record/staged-records.js';
import { hex } from '../support/canon.js';
import { keysFor } from '../support/record-pair.js';

/**
 * Burst sealing (RecordLayer.writer: sealBatch and stage / sealStaged, what a
 * connection's sends between two pollTransmit calls go through): the same
 * bytes as one seal() per record at the same sequence numbers, for every
 * suite, both providers with a record path (node's composed one and the
 * addon's batch call) and the header variants; each record opens alone on
 * a reader that has seen nothing else.
 */

const PROVIDERS: readonly CryptoProvider[] = [nodeProvider, ...(nativeProvider ? [nativeProvider] : [])];

const VARIANTS: readonly {
  readonly name: string;
  readonly cid?: Uint8Array;
  readonly config: Partial<RecordLayerConfig>;
}[] = [
  { name: 'defaults', config: {} },
  {
    name: 'CID, 8-bit record numbers, no length',
    cid: Uint8Array.of(9, 8, 7),
    config: { sequenceNumberLength: 8, includeLength: false },
  },
  { name: 'padding to 64', config: { padding: (length) => 63 - (length % 64) } },
];

/** A writer in epoch 3 of `suite`, and a way to make a reader of the same keys that has seen nothing. */
function writerAndReader(
  provider: CryptoProvider,
  suite: SupportedCipherSuite,
  variant: (typeof VARIANTS)[number],
): { tx: RecordLayer; fresh: () => RecordLayer } {
  const keys = keysFor(nodeProvider, suite, 3);
  const tx = new RecordLayer({ provider, sendConnectionId: variant.cid, ...variant.config });
  tx.installWriteKeys(3, suite, keys);
  const fresh = (): RecordLayer => {
    const rx = new RecordLayer({ provider: nodeProvider, receiveConnectionId: variant.cid, ...variant.config });
    rx.reader.installReadKeys(3, suite, keys);
    return rx;
  };
  return { tx, fresh };
}

/** Contents of every size class: empty, tiny, around the mask sample, an MTU's worth, and one past the slab's carving (8 KiB). */
const contents = (): Uint8Array[] => [0, 1, 15, 16, 100, 1200, 1200, 9000, 3, 1200].map((n) => crypto.randomBytes(n));

for (const provider of PROVIDERS) {
  for (const variant of VARIANTS) {
    test(`${provider.name}, ${variant.name}: a batch is what seal() gives record by record, and each record opens alone`, (t) => {
      for (const suite of ALL_CIPHER_SUITES) {
        const batch = writerAndReader(provider, suite, variant);
        const single = writerAndReader(nodeProvider, suite, variant);
        batch.tx.writer.seal('application_data', Uint8Array.of(1)); // both at sequence number 1 from here
        single.tx.writer.seal('application_data', Uint8Array.of(1));
        const sent = contents();
        const sealed = batch.tx.writer.sealBatch('application_data', sent);
        const rx = batch.fresh();
        t.is(sealed.length, sent.length);
        for (let i = 0; i < sent.length; i++) {
          t.is(
            hex(sealed[i]!.bytes),
            hex(single.tx.writer.seal('application_data', sent[i]!).bytes),
            `${suite} record ${i}`,
          );
          t.deepEqual(sealed[i]!.number, { epoch: 3, sequenceNumber: i + 1 });
          const got = rx.reader.receive(sealed[i]!.bytes, 0);
          t.is(
            got.length === 1 && got[0]!.kind === 'record' ? hex(got[0]!.content) : 'dropped',
            hex(sent[i]!),
            `${suite} record ${i} opens`,
          );
        }
      }
    });
  }

  test(`${provider.name}: staged records keep their numbers and order; another record, a key change or sealStaged seals them first`, (t) => {
    const suite = 'tls_aes_128_gcm_sha256';
    const { tx, fresh } = writerAndReader(provider, suite, VARIANTS[0]!);
    const { tx: reference } = writerAndReader(nodeProvider, suite, VARIANTS[0]!);
    const queue: Uint8Array[] = [];
    // 60 records of 1,200 bytes fill more than one 64 KiB slab: two runs, two calls.
    const burst = Array.from({ length: 60 }, () => crypto.randomBytes(1200));
    for (const c of burst) tx.writer.stage(ContentType.application_data, c, queue);
    t.is(tx.writer.stagedCount, 60);
    t.is(queue.length, 0, 'nothing leaves before it is sealed');
    t.deepEqual(
      tx.usage().write,
      { epoch: 3, used: 60, limit: tx.usage().write!.limit },
      'counted against the key when numbered',
    );
    const ack = tx.writer.seal('ack', Uint8Array.of(0, 0)); // another record: the burst is sealed into its queue first
    t.is(tx.writer.stagedCount, 0);
    t.is(queue.length, 60);
    t.is(ack.number.sequenceNumber, 60);
    tx.writer.stage(ContentType.application_data, Uint8Array.of(5), queue);
    tx.installWriteKeys(4, suite, keysFor(nodeProvider, suite, 4)); // new keys: what was staged under the old ones is sealed first
    t.is(queue.length, 61);
    const rx = fresh();
    for (let i = 0; i < 60; i++) {
      t.is(hex(queue[i]!), hex(reference.writer.seal('application_data', burst[i]!).bytes), `record ${i}`);
      const got = rx.reader.receive(queue[i]!, 0);
      t.is(got[0]?.kind === 'record' ? hex(got[0].content) : 'dropped', hex(burst[i]!));
    }
    reference.writer.seal('ack', Uint8Array.of(0, 0));
    t.is(
      hex(queue[60]!),
      hex(reference.writer.seal('application_data', Uint8Array.of(5)).bytes),
      'sealed in epoch 3, its own',
    );
  });

  test(`${provider.name}: a staged record is a copy: the sender may reuse its buffer at once`, (t) => {
    const { tx, fresh } = writerAndReader(provider, 'tls_chacha20_poly1305_sha256', VARIANTS[0]!);
    const queue: Uint8Array[] = [];
    const buffer = new Uint8Array(32);
    for (let i = 0; i < 4; i++) {
      buffer.fill(i);
      tx.writer.stage(ContentType.application_data, buffer, queue);
    }
    tx.writer.sealStaged();
    const rx = fresh();
    t.deepEqual(
      queue.map((d) => {
        const got = rx.reader.receive(d, 0)[0];
        return got?.kind === 'record' ? got.content[0] : -1;
      }),
      [0, 1, 2, 3],
    );
  });
}

test('sealBatch checks every record and the usage limit before numbering any', (t) => {
  const { tx } = writerAndReader(nodeProvider, 'tls_aes_128_gcm_sha256', VARIANTS[0]!);
  t.throws(() => tx.writer.sealBatch('application_data', [new Uint8Array(5), new Uint8Array(16385)]), {
    instanceOf: RecordLayerError,
    message: /exceeds 2\^14/,
  });
  const limited = new RecordLayer({ provider: nodeProvider, limits: { confidentiality: 4, integrity: 4 } });
  limited.installWriteKeys(3, 'tls_aes_128_gcm_sha256', keysFor(nodeProvider, 'tls_aes_128_gcm_sha256', 3));
  limited.writer.seal('application_data', Uint8Array.of(0));
  t.throws(
    () =>
      limited.writer.sealBatch('application_data', [
        Uint8Array.of(1),
        Uint8Array.of(2),
        Uint8Array.of(3),
        Uint8Array.of(4),
      ]),
    { message: /usage limit/ },
  );
  t.is(
    limited.writer.sealBatch('application_data', [Uint8Array.of(1), Uint8Array.of(2), Uint8Array.of(3)]).at(-1)?.number
      .sequenceNumber,
    3,
  );
  t.is(tx.writer.seal('application_data', new Uint8Array(1)).number.sequenceNumber, 0);
  const queue: Uint8Array[] = [];
  t.throws(() => limited.writer.stage(ContentType.application_data, Uint8Array.of(5), queue), {
    instanceOf: RecordLayerError,
    message: /usage limit/,
  });
  t.is(limited.writer.stagedCount, 0);
});

test('a staged burst, sealed, is kept as the spare the next burst takes (staged-records.ts)', (t) => {
  const staged = StagedRecords.take();
  staged.seal(true);
  t.is(StagedRecords.take(), staged, 'given back empty, taken again');
  staged.seal();
  t.not(StagedRecords.take(), staged, 'sealed without giving back: not a spare');
});
