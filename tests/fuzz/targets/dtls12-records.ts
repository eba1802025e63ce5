/**
 * The DTLS 1.2 record protection open path under real keys: OpenSSL's
 * recorded epoch-1 records (every suite it negotiated: AES-128/256-GCM,
 * ChaCha20-Poly1305, AES-128-CCM and CCM_8; dtls12-traffic.ts), each
 * direction with the keys derived from its key log, as tls12 records and
 * resealed as tls12_cid records (RFC 9146) under the same keys. The first
 * input byte picks the connection, direction and framing; the rest is a
 * datagram, decoded with `decodeDatagram12` and every record handed to a
 * fresh `ReadEpoch12` on each provider the record layer may use (the
 * default one, which is the addon's where it loads, and node:crypto).
 *
 * Invariants: nothing but DecodeError is thrown; every provider decides
 * the same (opened with the same type and content, or refused for the same
 * reason); an opened record reseals to the very bytes it came in (same
 * explicit nonce, sequence number, CID and padding); it holds at most 2^14
 * bytes; and the same record again is refused as a replay.
 */
import { IntegrityMonitor } from '../../../runtime/record/integrity-monitor.js';
import { defaultProvider } from '../../../runtime/crypto/registry.js';
import { nodeProvider } from '../../../runtime/crypto/node/index.js';
import type { CryptoProvider } from '../../../runtime/crypto/provider.js';
import { decodeDatagram12, encodeDatagram12, type Dtls12WireRecord } from '../../../runtime/record/datagram12.js';
import { EpochCipher12, type Opened12, type Refused12 } from '../../../runtime/record/epoch-cipher12.js';
import { MAX_PLAINTEXT_12 } from '../../../runtime/record/codec12.js';
import { ReadEpoch12 } from '../../../runtime/record/epochs12.js';
import type { Dtls12SuiteParams } from '../../../runtime/versions/suites12.js';
import type { WriteKeys } from '../../../runtime/dtls12/key-derivation.js';
import { DecodeError } from '../../../runtime/wire/errors.js';
import { InvariantViolation, type FuzzTarget, type MutationTools } from '../engine/target.js';
import { recordedTraffic12 } from './dtls12-traffic.js';

const CID = Uint8Array.of(0xc1, 0xd0, 0xc2, 0xd3, 0xc4);

/** One way of reading records: a recorded connection's direction, plain or with a CID. */
interface Context {
  readonly label: string;
  readonly suite: Dtls12SuiteParams;
  readonly keys: WriteKeys;
  readonly cid: Uint8Array | undefined;
  /** The direction's recorded protected datagrams (resealed as tls12_cid when `cid`). */
  readonly datagrams: readonly Uint8Array[];
}

const toHex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');
const pick = <T>(rng: MutationTools['rng'], options: readonly T[]): T => options[rng.below(options.length)]!;

let contexts: Context[] | undefined;

function providers(): CryptoProvider[] {
  const d = defaultProvider();
  return d === nodeProvider ? [nodeProvider] : [d, nodeProvider];
}

/** Each recorded epoch-1 record of `datagram`, opened with the real keys and sealed again as a tls12_cid record. */
function resealWithCid(suite: Dtls12SuiteParams, keys: WriteKeys, datagram: Uint8Array, padding: number): Uint8Array {
  const reader = new EpochCipher12(nodeProvider, suite, keys, 1);
  const writer = new EpochCipher12(nodeProvider, suite, keys, 1, { cid: CID, padding: () => padding });
  const out: Uint8Array[] = [];
  for (const w of decodeDatagram12(datagram)) {
    const o = reader.open(w);
    if (!o.ok) throw new Error(`a recorded ${suite.name} record does not open with its key log: ${o.reason}`);
    out.push(writer.seal(o.type, o.sequenceNumber, o.content));
  }
  return Uint8Array.from(out.flatMap((b) => [...b]));
}

function allContexts(): Context[] {
  if (contexts) return contexts;
  contexts = [];
  for (const t of recordedTraffic12()) {
    for (const from of ['client', 'server'] as const) {
      // The epoch-1 records of each datagram (the Finished comes after ChangeCipherSpec in one datagram), as a datagram of their own.
      const plain = t.datagrams
        .filter((d) => d.from === from)
        .map((d) => decodeDatagram12(d.bytes).filter((w) => w.record.epoch === 1))
        .filter((ws) => ws.length > 0)
        .map((ws) => encodeDatagram12(ws));
      const keys = t.keys[from];
      contexts.push({ label: `${t.suite.name} ${from}`, suite: t.suite, keys, cid: undefined, datagrams: plain });
      contexts.push({
        label: `${t.suite.name} ${from} tls12_cid`,
        suite: t.suite,
        keys,
        cid: CID,
        datagrams: plain.map((d, i) => resealWithCid(t.suite, keys, d, i % 3)),
      });
    }
  }
  return contexts;
}

function same(a: Opened12 | Refused12, b: Opened12 | Refused12): boolean {
  if (a.ok !== b.ok) return false;
  if (!a.ok || !b.ok) return !a.ok && !b.ok && a.reason === b.reason;
  return a.type === b.type && a.sequenceNumber === b.sequenceNumber && toHex(a.content) === toHex(b.content);
}

function describeResult(r: Opened12 | Refused12): string {
  return r.ok ? `opened type ${r.type} seq ${r.sequenceNumber} ${r.content.length} B` : `refused ${r.reason}`;
}

/** The checks on one record that opened: reseals to its own bytes, bounded, a replay the second time. */
function checkOpened(
  ctx: Context,
  provider: CryptoProvider,
  reader: ReadEpoch12,
  wire: Dtls12WireRecord,
  opened: Opened12,
): void {
  if (opened.content.length > MAX_PLAINTEXT_12)
    throw new InvariantViolation(`an opened record holds ${opened.content.length} bytes, over 2^14`);
  const fragment = wire.kind === 'cid' ? wire.record.encContent : wire.record.fragment;
  const explicit = ctx.suite.recordIvLength > 0 ? fragment.subarray(0, ctx.suite.recordIvLength) : undefined;
  const padding =
    wire.kind === 'cid'
      ? fragment.length - ctx.suite.recordIvLength - ctx.suite.tagLength - opened.content.length - 1
      : 0;
  const sealer = new EpochCipher12(
    provider,
    ctx.suite,
    ctx.keys,
    1,
    ctx.cid ? { cid: ctx.cid, padding: () => padding } : {},
  );
  const again = sealer.seal(opened.type, opened.sequenceNumber, opened.content, explicit);
  const original = encodeDatagram12([wire], { cidLength: ctx.cid?.length ?? 0 });
  if (toHex(again) !== toHex(original))
    throw new InvariantViolation(`${provider.name}: an opened ${ctx.label} record reseals to other bytes`);
  const replay = reader.receive(original, 0);
  if (replay.ok || replay.reason !== 'replay')
    throw new InvariantViolation(`${provider.name}: the same record again was ${describeResult(replay)}, not a replay`);
}

export const dtls12RecordsTarget: FuzzTarget = {
  name: 'dtls12-records',
  maxLength: 4096,
  setup() {
    allContexts();
  },
  run(input) {
    const all = allContexts();
    const ctx = all[(input[0] ?? 0) % all.length]!;
    const body = input.subarray(1);
    let records: Dtls12WireRecord[];
    try {
      records = decodeDatagram12(body, { cidLength: ctx.cid?.length ?? 0 });
    } catch (e) {
      if (e instanceof DecodeError) return;
      throw e;
    }
    const ps = providers();
    const readers = ps.map(
      (p) =>
        new ReadEpoch12(
          new EpochCipher12(p, ctx.suite, ctx.keys, 1, ctx.cid ? { cid: ctx.cid } : {}),
          new IntegrityMonitor(1_000_000, 0),
        ),
    );
    for (const wire of records) {
      const bytes = encodeDatagram12([wire], { cidLength: ctx.cid?.length ?? 0 });
      const results = readers.map((r) => r.receive(bytes, 0));
      for (let i = 1; i < results.length; i++)
        if (!same(results[0]!, results[i]!))
          throw new InvariantViolation(
            `${ctx.label}: ${ps[0]!.name} ${describeResult(results[0]!)}, ${ps[i]!.name} ${describeResult(results[i]!)}`,
          );
      results.forEach((r, i) => {
        if (r.ok) checkOpened(ctx, ps[i]!, readers[i]!, wire, r);
      });
    }
  },
  seeds() {
    const out: Uint8Array[] = [];
    allContexts().forEach((ctx, i) => {
      for (const d of ctx.datagrams) out.push(Uint8Array.of(i, ...d));
    });
    return out;
  },
  /** Half the time a header field of the first record is set to an edge value: epoch, sequence number, length, explicit nonce, CID. */
  mutate(input, tools) {
    if (input.length < 14 || tools.rng.below(2) === 0)
      return Uint8Array.of(input[0] ?? 0, ...tools.bytes(input.subarray(1)));
    const out = input.slice();
    const cid = out[1] === 25 ? CID.length : 0;
    const field = tools.rng.below(6);
    const put = (at: number, bytes: readonly number[]): void =>
      bytes.forEach((b, k) => at + k < out.length && (out[at + k] = b));
    if (field === 0)
      put(
        4,
        pick(tools.rng, [
          [0, 0],
          [0, 2],
          [0xff, 0xff],
          [0, 1],
        ]),
      );
    else if (field === 1)
      put(
        6,
        pick(tools.rng, [
          [0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
          [0, 0, 0, 0, 0, 0],
          [0, 0, 0, 0, 0, 0x41],
          [0x80, 0, 0, 0, 0, 0],
        ]),
      );
    else if (field === 2) {
      const n = pick(tools.rng, [0, 1, 7, 8, 9, 16, 23, 24, 25, 0x4800, 0xffff]);
      put(12 + cid, [n >>> 8, n & 0xff]);
    } else if (field === 3) return out.subarray(0, 14 + cid + tools.rng.below(12));
    else if (field === 4) put(14 + cid + tools.rng.below(8), [tools.rng.below(256)]);
    else put(12 + tools.rng.below(Math.max(1, cid)), [tools.rng.below(256)]);
    return out;
  },
  describe(input) {
    const all = allContexts();
    return `${all[(input[0] ?? 0) % all.length]!.label}; datagram of ${input.length - 1} bytes: ${toHex(input.subarray(1))}`;
  },
};
