/**
 * Input format of the connection targets:
 *
 *   scenario:u8, then chunks: kind:u8 length:u16 data[length]
 *
 * (a length past the end takes the rest). Kinds, modulo 7:
 *
 * - 0 raw: `data` is a datagram.
 * - 1 recorded: a datagram the peer sent in the recorded connection,
 *   `data[0]` picks it; the pairs (`at`, `x`) that follow XOR `x` into byte `at`.
 * - 2 sealed: a record the fuzz harness protects as the peer would:
 *   `data[0]` content type, `data[1]` flags (bits 0-1 epoch 0/2/3/4, bit 2
 *   8-bit sequence number, bit 3 no length field), then the content.
 * - 3 handshake: a handshake message in such a record: `data[0]` msg_type,
 *   `data[1]` message_seq, `data[2]` flags (bits 0-1 epoch as above, bit 4
 *   two fragments, bit 5 fragments in reverse order, bit 6 length one too
 *   long), then the body.
 * - 4 time: the clock moves on by `data` as u16 milliseconds (1000 when
 *   shorter), then handleTimeout.
 * - 5 repeat: the previous chunk `data[0]` (1..64) more times.
 * - 6 act: the application calls the victim: `data[0]` 0 send(rest),
 *   1 close(), 2 updateKeys(`data[1]` odd).
 */
import type { MutationTools } from '../../engine/target.js';

export const CHUNK = { raw: 0, recorded: 1, sealed: 2, handshake: 3, time: 4, repeat: 5, act: 6 } as const;
export const CHUNK_KINDS = 7;
const KIND_NAMES = ['raw', 'recorded', 'sealed', 'handshake', 'time', 'repeat', 'act'] as const;

/** Epochs the flags select (bits 0-1). */
export const EPOCHS = [0, 2, 3, 4] as const;

export interface Chunk {
  readonly kind: number;
  readonly data: Uint8Array;
}

export interface ConnectionInput {
  readonly scenario: number;
  readonly chunks: readonly Chunk[];
}

export function parseInput(input: Uint8Array): ConnectionInput {
  const chunks: Chunk[] = [];
  let at = 1;
  while (at < input.length) {
    const kind = input[at]! % CHUNK_KINDS;
    const length = ((input[at + 1] ?? 0) << 8) | (input[at + 2] ?? 0);
    const start = Math.min(at + 3, input.length);
    const end = Math.min(start + length, input.length);
    chunks.push({ kind, data: input.subarray(start, end) });
    at = end;
  }
  return { scenario: input[0] ?? 0, chunks };
}

export function encodeInput(v: ConnectionInput): Uint8Array {
  const out = new Uint8Array(1 + v.chunks.reduce((n, c) => n + 3 + c.data.length, 0));
  out[0] = v.scenario;
  let at = 1;
  for (const c of v.chunks) {
    out[at] = c.kind;
    out[at + 1] = c.data.length >>> 8;
    out[at + 2] = c.data.length & 0xff;
    out.set(c.data, at + 3);
    at += 3 + c.data.length;
  }
  return out;
}

export const chunk = (kind: number, ...parts: (Uint8Array | readonly number[])[]): Chunk => {
  const data = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    data.set(p, at);
    at += p.length;
  }
  return { kind, data };
};

/** One line per chunk. */
export function describeInput(input: Uint8Array, scenarioName: (n: number) => string): string {
  const v = parseInput(input);
  const hex = (b: Uint8Array): string =>
    b.length > 48
      ? `${Buffer.from(b.subarray(0, 48)).toString('hex')}… (${b.length} bytes)`
      : Buffer.from(b).toString('hex');
  return [
    `scenario ${v.scenario}: ${scenarioName(v.scenario)}`,
    ...v.chunks.map((c, i) => `  chunk ${i} ${KIND_NAMES[c.kind]}: ${hex(c.data)}`),
  ].join('\n');
}

const MAX_CHUNKS = 32;

/** Structure-aware mutations: whole chunks added, dropped, copied, reordered, retyped; one chunk's data mutated; the scenario changed. */
export function mutateInput(input: Uint8Array, tools: MutationTools, scenarios: number, maxLength: number): Uint8Array {
  const v = parseInput(input);
  const chunks = [...v.chunks];
  let scenario = v.scenario;
  const { rng } = tools;
  const pick = (): number => rng.below(chunks.length);
  const op = rng.below(10);
  if (op === 0 || chunks.length === 0) {
    if (chunks.length === 0 || rng.below(2) === 0) scenario = rng.below(scenarios);
    const donor = parseInput(tools.donor()).chunks;
    const from = donor[rng.below(Math.max(donor.length, 1))];
    if (from && chunks.length < MAX_CHUNKS) chunks.splice(rng.below(chunks.length + 1), 0, from);
  } else if (op <= 4) {
    const i = pick();
    const c = chunks[i]!;
    chunks[i] = { kind: c.kind, data: tools.bytes(c.data) };
  } else if (op === 5) {
    chunks.splice(pick(), 1);
  } else if (op === 6 && chunks.length < MAX_CHUNKS) {
    const i = pick();
    chunks.splice(rng.below(chunks.length + 1), 0, chunks[i]!);
  } else if (op === 7) {
    const i = pick();
    const j = pick();
    const c = chunks[i]!;
    chunks[i] = chunks[j]!;
    chunks[j] = c;
  } else if (op === 8) {
    const i = pick();
    chunks[i] = { kind: rng.below(CHUNK_KINDS), data: chunks[i]!.data };
  } else if (chunks.length < MAX_CHUNKS) {
    // A new small chunk: time, repeat, an application call, or a recorded datagram with one byte flipped.
    const k = rng.below(4);
    const fresh =
      k === 0
        ? chunk(CHUNK.time, [rng.below(256), rng.below(256)])
        : k === 1
          ? chunk(CHUNK.repeat, [1 + rng.below(64)])
          : k === 2
            ? chunk(CHUNK.act, [rng.below(3), rng.below(256)])
            : chunk(CHUNK.recorded, [rng.below(256), rng.below(256), 1 << rng.below(8)]);
    chunks.splice(rng.below(chunks.length + 1), 0, fresh);
  }
  const out = encodeInput({ scenario, chunks });
  return out.length > maxLength ? out.slice(0, maxLength) : out;
}
