/**
 * Fuzz targets for DtlsConnection.receive in a given handshake state. Each
 * input names a scenario (variant, victim side, chart state); the target
 * rebuilds that state by running a deterministic pair up to it, then feeds
 * the input's chunks to the victim (see input.ts) through the public
 * sans-I/O API only.
 *
 * Invariants: nothing throws out of receive, handleTimeout, pollTransmit,
 * pollEvent, pollTimeout, state, failure or stats (send, close and
 * updateKeys may throw ConnectionStateError only); at most 64 datagrams and
 * 64 events per chunk, none over the configured datagram size; a finite
 * timeout; a failure, once reported, reported the same way from then on;
 * and the connection's own retained state does not grow past
 * RETENTION_LIMITS over the input.
 */
import { concatBytes } from '../../../../runtime/wire/bytes.js';
import { contentTypeFromNumber } from '../../../../generated/wire/enums.js';
import { ConnectionStateError, type DtlsConnection } from '../../../../runtime/connection/connection.js';
import { nodeProvider } from '../../../../runtime/crypto/node/index.js';
import { Dtls12FeatureError } from '../../../../runtime/dtls12/feature-error.js';
import type { SupportedCipherSuite } from '../../../../runtime/crypto/suites.js';
import type { TrafficKeys } from '../../../../runtime/keyschedule/derived-keys.js';
import { RecordLayer } from '../../../../runtime/record/record-layer.js';
import { decodeDatagram } from '../../../../runtime/wire/datagram.js';
import { InvariantViolation, type FuzzTarget } from '../../engine/target.js';
import { CHUNK, chunk, describeInput, encodeInput, EPOCHS, mutateInput, parseInput, type Chunk } from './input.js';
import { drive, makePair, other, splitRecords, type Pair, type Side, type Variant } from './pair.js';
import { recording } from './recording.js';
import { footprint, growth, reachable } from './retention.js';

export interface Scenario {
  readonly victim: Side;
  readonly variant: Variant;
  /** The chart state the victim is in when the input starts. */
  readonly state: string;
  /** Datagrams the victim must have received by then (tells a second waitServerHello from the first). */
  readonly afterDatagrams?: number;
}

const MAX_DATAGRAM = 1200;
const MAX_PER_CHUNK = 64;
/** Chunks executed at most per input, repeats included. */
const MAX_STEPS = 4096;
const MAX_LENGTH = 4096;

/** The flags value (bits 0-1) that selects `epoch`. */
const epochFlag = (epoch: number): number => Math.max(0, (EPOCHS as readonly number[]).indexOf(epoch));

const scenarioName = (s: Scenario): string =>
  `${s.victim} in ${s.state} (${s.variant}${s.afterDatagrams ? `, after ${s.afterDatagrams} datagrams` : ''})`;

/** Protects records as the victim's peer would, from the recorded write keys; sequence numbers start past the recorded ones. */
class Sealer {
  private readonly layer = new RecordLayer({ provider: nodeProvider });

  constructor(keys: ReadonlyMap<number, TrafficKeys>, suite: SupportedCipherSuite) {
    for (const [epoch, k] of keys) {
      this.layer.installWriteKeys(epoch, suite, k);
      for (let i = 0; i < 8; i++) this.layer.writer.seal('application_data', new Uint8Array(0), { epoch });
    }
    for (let i = 0; i < 8; i++) this.layer.writer.sealPlaintext('alert', new Uint8Array(2));
  }

  /** A record, or undefined when the harness itself cannot make it (not a finding). */
  seal(
    epoch: number,
    contentType: number,
    content: Uint8Array,
    seq8: boolean,
    noLength: boolean,
  ): Uint8Array | undefined {
    try {
      const type = contentTypeFromNumber(contentType);
      if (epoch === 0) return this.layer.writer.sealPlaintext(type, content).bytes;
      return this.layer.writer.seal(type, content, {
        epoch,
        sequenceNumberLength: seq8 ? 8 : 16,
        includeLength: !noLength,
      }).bytes;
    } catch {
      return undefined;
    }
  }
}

function handshakeFragment(
  msgType: number,
  length: number,
  messageSeq: number,
  offset: number,
  fragment: Uint8Array,
): Uint8Array {
  const out = new Uint8Array(12 + fragment.length);
  out[0] = msgType;
  out[1] = (length >>> 16) & 0xff;
  out[2] = (length >>> 8) & 0xff;
  out[3] = length & 0xff;
  out[4] = messageSeq >>> 8;
  out[5] = messageSeq & 0xff;
  out[6] = (offset >>> 16) & 0xff;
  out[7] = (offset >>> 8) & 0xff;
  out[8] = offset & 0xff;
  out[9] = (fragment.length >>> 16) & 0xff;
  out[10] = (fragment.length >>> 8) & 0xff;
  out[11] = fragment.length & 0xff;
  out.set(fragment, 12);
  return out;
}

/** The records of a datagram the victim sent, e.g. `ciphertext 1251 bytes` or `handshake 98 bytes`. */
function summarize(datagram: Uint8Array): string {
  try {
    return decodeDatagram(datagram)
      .map((r) =>
        r.kind === 'plaintext'
          ? `${String(r.record.type)} ${r.record.fragment.length} bytes`
          : `ciphertext ${r.encryptedRecord.length} bytes`,
      )
      .join(', ');
  } catch (e) {
    return `undecodable: ${e instanceof Error ? e.message : String(e)}`;
  }
}

/** Runs `f` on the victim: an exception escaping it is a finding, unless `allowed` says it is the API's documented refusal. */
function call<T>(what: string, f: () => T, allowed?: (e: unknown) => boolean): T | undefined {
  try {
    return f();
  } catch (e) {
    if (allowed?.(e)) return undefined;
    if (!(e instanceof Error)) throw new InvariantViolation(`${what} threw a non-Error: ${String(e)}`);
    // The same exception, named after the call it escaped from (the original stays as the cause).
    const escaped = new Error(`${what} threw: ${e.message}`, { cause: e });
    escaped.name = e.name;
    escaped.stack = `${e.name}: ${escaped.message}${(e.stack ?? '').slice((e.stack ?? '').indexOf('\n'))}`;
    throw escaped;
  }
}

/** A connection fuzz target over `scenarios` (the input's first byte picks one). */
export function connectionTarget(name: string, scenarios: readonly Scenario[]): FuzzTarget {
  let shared: ReadonlySet<object> = new Set();
  /** Per scenario: the datagrams the peer sent in the recorded connection, whole and split into records. */
  const recorded = new Map<Scenario, Uint8Array[]>();

  const scenarioOf = (n: number): Scenario => scenarios[n % scenarios.length]!;

  const rebuild = (s: Scenario): Pair => {
    const pair = makePair(s.variant);
    const victim = pair[s.victim];
    const d = drive(pair, () => victim.state === s.state && victim.stats.datagramsReceived >= (s.afterDatagrams ?? 0));
    if (!d.reached) throw new Error(`harness: ${scenarioName(s)} was not reached (victim in ${victim.state})`);
    return pair;
  };

  const recordedFor = (s: Scenario): Uint8Array[] => {
    let list = recorded.get(s);
    if (!list) {
      const whole = recording(s.variant).sent[other(s.victim)];
      list = [...whole];
      for (const d of whole) {
        const parts = splitRecords(d);
        if (parts.length > 1) list.push(...parts);
      }
      recorded.set(s, list);
    }
    return list;
  };

  /** The first failure the victim reported in this run: a failed connection stays failed with the same alert (architecture: errors are latched). */
  let latched: { readonly alert: string; readonly message: string } | undefined;
  /**
   * Sends the victim took in this input. Each may come out in a later step:
   * a client holds what it is given until the server confirms the handshake,
   * then seals it all at once, a datagram per message (peer-confirmation.ts).
   * That output is the application's, not the peer's doing.
   */
  let sendsTaken = 0;

  /** Checks what the victim queued after `step` (named in the messages). */
  const drain = (victim: DtlsConnection, step: string): void => {
    let datagrams = 0;
    const most = MAX_PER_CHUNK + sendsTaken;
    for (
      let d = call('pollTransmit', () => victim.pollTransmit());
      d !== undefined;
      d = call('pollTransmit', () => victim.pollTransmit())
    ) {
      if (++datagrams > most)
        throw new InvariantViolation(`more than ${MAX_PER_CHUNK} datagrams (and one per send) queued after ${step}`);
      if (d.length > MAX_DATAGRAM)
        throw new InvariantViolation(
          `a ${d.length}-byte datagram (${summarize(d)}) after ${step}, over maxDatagramSize ${MAX_DATAGRAM}`,
        );
    }
    let events = 0;
    while (call('pollEvent', () => victim.pollEvent()) !== undefined) {
      if (++events > MAX_PER_CHUNK)
        throw new InvariantViolation(`more than ${MAX_PER_CHUNK} events queued after ${step}`);
    }
    const t = call('pollTimeout', () => victim.pollTimeout());
    if (t !== undefined && !Number.isFinite(t))
      throw new InvariantViolation(`pollTimeout() returned ${t} after ${step}`);
    call('state', () => victim.state);
    const failure = call('failure', () => victim.failure);
    if (latched !== undefined && (failure?.alert !== latched.alert || failure.message !== latched.message)) {
      throw new InvariantViolation(
        `the connection failed with ${latched.alert} (${latched.message}), after ${step} it reports ${failure ? `${failure.alert} (${failure.message})` : 'no failure'}`,
      );
    }
    latched ??= failure;
    call('stats', () => victim.stats);
  };

  const run = (input: Uint8Array): void => {
    const v = parseInput(input);
    const s = scenarioOf(v.scenario);
    const rec = recording(s.variant);
    const victim = rebuild(s)[s.victim];
    latched = undefined;
    sendsTaken = 0;
    drain(victim, 'reaching the state');
    const before = footprint(victim, shared);
    let now = 0;
    let steps = 0;
    let sealer: Sealer | undefined;
    const seal = (
      epoch: number,
      contentType: number,
      content: Uint8Array,
      seq8: boolean,
      noLength: boolean,
    ): Uint8Array | undefined => {
      sealer ??= new Sealer(rec.writeKeys[other(s.victim)], rec.suite);
      return sealer.seal(epoch, contentType, content, seq8, noLength);
    };
    const deliver = (d: Uint8Array | undefined): void => {
      if (d !== undefined) call('receive', () => victim.receive(d, now));
    };
    let index = 0;
    const apply = (c: Chunk, previous: Chunk | undefined): void => {
      if (++steps > MAX_STEPS) return;
      const d = c.data;
      switch (c.kind) {
        case CHUNK.raw:
          deliver(d);
          break;
        case CHUNK.recorded: {
          const list = recordedFor(s);
          const copy = Uint8Array.from(list[(d[0] ?? 0) % list.length]!);
          for (let i = 1; i + 1 < d.length; i += 2) if (copy.length > 0) copy[d[i]! % copy.length]! ^= d[i + 1]!;
          deliver(copy);
          break;
        }
        case CHUNK.sealed: {
          const flags = d[1] ?? 0;
          deliver(seal(EPOCHS[flags & 3]!, d[0] ?? 22, d.subarray(2), (flags & 4) !== 0, (flags & 8) !== 0));
          break;
        }
        case CHUNK.handshake: {
          const flags = d[2] ?? 0;
          const body = d.subarray(3);
          const length = body.length + ((flags & 0x40) !== 0 ? 1 : 0);
          const mid = (flags & 0x10) !== 0 ? body.length >>> 1 : body.length;
          const fragments = [handshakeFragment(d[0] ?? 0, length, d[1] ?? 0, 0, body.subarray(0, mid))];
          if (mid < body.length)
            fragments.push(handshakeFragment(d[0] ?? 0, length, d[1] ?? 0, mid, body.subarray(mid)));
          if ((flags & 0x20) !== 0) fragments.reverse();
          const records = fragments.map((f) => seal(EPOCHS[flags & 3]!, 22, f, false, false));
          if (records.every((r) => r !== undefined))
            deliver(concatBytes(records.filter((r): r is Uint8Array => r !== undefined)));
          break;
        }
        case CHUNK.time:
          now += d.length >= 2 ? (d[0]! << 8) | d[1]! : 1000;
          call('handleTimeout', () => victim.handleTimeout(now));
          break;
        case CHUNK.repeat:
          if (previous !== undefined) for (let i = 0; i < 1 + ((d[0] ?? 1) % 64); i++) apply(previous, undefined);
          break;
        default: {
          const refused = (e: unknown): boolean => e instanceof ConnectionStateError;
          const what = (d[0] ?? 0) % 3;
          if (what === 0)
            call(
              'send',
              () => {
                victim.send(d.subarray(1));
                sendsTaken++;
              },
              refused,
            );
          else if (what === 1) call('close', () => victim.close(), refused);
          else {
            // A ClientHello the input turned into a 1.2 one makes a dual-version server speak 1.2, which has no KeyUpdate.
            const no12 = (e: unknown): boolean =>
              refused(e) || (e instanceof Dtls12FeatureError && victim.protocolVersion === 'DTLSv1.2');
            call('updateKeys', () => victim.updateKeys(((d[1] ?? 0) & 1) === 1), no12);
          }
        }
      }
      drain(victim, `chunk ${index}`);
    };
    let previous: Chunk | undefined;
    for (const c of v.chunks) {
      apply(c, previous);
      if (c.kind !== CHUNK.repeat) previous = c;
      index++;
    }
    // Every timer the input left running, then once more much later (an application that called handleTimeout late).
    for (const [later, what] of [
      [now + 120_000, 'handleTimeout(+2 min) after the input'],
      [now + 3_600_000, 'handleTimeout(+1 h) after the input'],
    ] as const) {
      call('handleTimeout', () => victim.handleTimeout(later));
      drain(victim, what);
    }
    const grew = growth(before, footprint(victim, shared));
    if (grew !== undefined) throw new InvariantViolation(`retained state grew: ${grew}`);
  };

  const seeds = (): Uint8Array[] => {
    const out: Uint8Array[] = [];
    scenarios.forEach((s, n) => {
      const rec = recording(s.variant);
      const peer = other(s.victim);
      const list = recordedFor(s);
      const one = (...chunks: Chunk[]): void => {
        out.push(encodeInput({ scenario: n, chunks }));
      };
      one();
      one(...rec.sent[peer].map((_, i) => chunk(CHUNK.recorded, [i])));
      list.forEach((_, i) => one(chunk(CHUNK.recorded, [i])));
      for (const d of rec.sent[peer]) one(chunk(CHUNK.raw, d));
      for (const m of rec.messages[peer])
        one(chunk(CHUNK.handshake, [m.msgType, m.messageSeq, epochFlag(m.epoch)], m.body));
      for (const r of rec.records[peer])
        if (r.contentType !== 22) one(chunk(CHUNK.sealed, [r.contentType, epochFlag(r.epoch)], r.content));
      one(chunk(CHUNK.time, [0x03, 0xe8]));
      one(chunk(CHUNK.time, [0xea, 0x60]), chunk(CHUNK.repeat, [16]));
      one(chunk(CHUNK.act, [0], new TextEncoder().encode('hello')));
      one(chunk(CHUNK.act, [1]));
      one(chunk(CHUNK.act, [2, 1]));
    });
    return out;
  };

  return {
    name,
    maxLength: MAX_LENGTH,
    setup() {
      for (const s of scenarios) {
        recording(s.variant);
        rebuild(s);
      }
      // What a connection shares with every other (charts, constants, module state) is not its own retained state.
      const reference = makePair('plain');
      drive(reference, () => false);
      shared = reachable([reference.client, reference.server]);
    },
    run,
    seeds,
    mutate: (input, tools) => mutateInput(input, tools, scenarios.length, MAX_LENGTH),
    describe: (input) => describeInput(input, (n) => scenarioName(scenarioOf(n))),
  };
}
