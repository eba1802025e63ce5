import { openServerSul } from '../../../learn/mapper/server-sul.js';
import type { StepRecord } from '../../../learn/mapper/session.js';
import type { SulSession, SystemUnderLearning } from '../../../learn/sul.js';
import { Prng } from '../../support/prng.js';

/** What an output symbol looks like: `timeout`, `closed`, or names joined with `+`. */
export const OUTPUT = /^(timeout|closed|[A-Za-z][A-Za-z0-9_()]*(\+[A-Za-z][A-Za-z0-9_()]*)*)$/;

/** The outputs of `inputs` stepped in one fresh session, which is closed after. */
export async function walk(sul: SystemUnderLearning, inputs: readonly string[]): Promise<string[]> {
  const s: SulSession = await sul.open();
  try {
    const out: string[] = [];
    for (const i of inputs) out.push(await s.step(i));
    return out;
  } finally {
    await s.close();
  }
}

/** `count` input words of `length` drawn from the alphabet with a seeded generator (the seed is in the test's title). */
export function randomWords(alphabet: readonly string[], seed: number, count: number, length: number): string[][] {
  const p = new Prng(seed);
  return Array.from({ length: count }, () => Array.from({ length }, () => alphabet[p.below(alphabet.length)]!));
}

/** Debian's python3 on UDP {port} of 127.0.0.1, running `body` (python statements; `s` the socket) once bound. */
export const pythonUdpServer = (body: string): string =>
  `exec python3 -c 'import socket, sys, time\ns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n` +
  `s.bind(("127.0.0.1", {port}))\n${body}'`;

/** A plaintext fatal unexpected_message alert (type 21, DTLS 1.2 record version, epoch 0, sequence 0), in python. */
export const PYTHON_ALERT = 'bytes([21, 0xFE, 0xFD, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 10])';

/** `inputs` walked in one session of a 1.3 server started by `command`, with every step's record (`onStep`). */
export async function startedServerSteps(
  command: string,
  inputs: readonly string[],
  options: { readonly waitMs: number; readonly startMs?: number },
): Promise<{ out: string[]; steps: StepRecord[] }> {
  const steps: StepRecord[] = [];
  const sul = await openServerSul({
    host: '127.0.0.1',
    port: 0,
    version: '1.3',
    parallel: 1,
    serverCommand: command,
    ...options,
    onStep: (s) => steps.push(s),
  });
  try {
    return { out: await walk(sul, inputs), steps };
  } finally {
    await sul.close();
  }
}
