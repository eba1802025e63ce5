/**
 * Known state machine bugs, looked for in a learned model (as far as its alphabet can express them), in the terms of
 * learn/symbols.ts:
 * - a handshake completed with a required message skipped or sent too late: a non-empty Certificate without its
 *   CertificateVerify (1.3 both roles; 1.2 when the client authenticates), no ChangeCipherSpec before Finished (1.2),
 *   no ClientKeyExchange (1.2 server);
 * - application data accepted before our Finished;
 * - messages answered after a fatal alert, sent or received (a new ClientHello excepted: it opens a new connection;
 *   answers made only of alerts excepted too);
 * - a ClientHello with the peer's cookie but other parameters accepted (answered with a ServerHello);
 * - a handshake message after the handshake neither refused (an alert, the session over) nor taken as a
 *   retransmission (dropped, or answered by the peer's last flight again, in the same state): the peer acted on it.
 *
 * "Completed" is seen two ways: the peer echoes application data in the state reached (learned peers echo), or it
 * answers our Finished with its own (1.2 server, 1.3 client). `skipped-certificate-verify` counts only a `Certificate`
 * that authenticates us: never `EmptyCertificate` (it needs no CertificateVerify), and a `Certificate` (the mapper's
 * always carries a certificate) only once the hellos were exchanged (the peer's answer had its ServerHello; learning
 * a client, we sent ours), when the peer took it (its state changed: a dropped one authenticates nothing) and no new
 * ServerHello came after it: one sent before the hellos is no part of the handshake that completes. A
 * CertificateVerify counts only after that Certificate. Each pattern is reported once, with a shortest word (a
 * completion seen by the echo: with the ApplicationData that shows it).
 */
import type { InputSymbol, OutputSymbol } from '../sul.js';
import {
  APPLICATION_DATA,
  CERTIFICATE,
  CERTIFICATE_VERIFY,
  CHANGE_CIPHER_SPEC,
  CLIENT_HELLO_WITH_COOKIE_CHANGED,
  CLIENT_KEY_EXCHANGE,
  CLOSED,
  ACK,
  FINISHED,
  NEW_SESSION_TICKET,
  KEY_UPDATE,
  HELLO_REQUEST,
  HELLO_RETRY_REQUEST,
  HELLO_VERIFY_REQUEST,
  SERVER_HELLO,
  isClientHello,
  isFatalAlert,
  outputHas,
  outputParts,
} from '../symbols.js';
import type { MealyMachine } from './mealy.js';

export type BugPatternId =
  | 'skipped-certificate-verify'
  | 'skipped-change-cipher-spec'
  | 'skipped-client-key-exchange'
  | 'data-before-finished'
  | 'answer-after-fatal-alert'
  | 'cookie-parameters-changed'
  | 'handshake-message-after-handshake';

export interface BugPatternFinding {
  readonly pattern: BugPatternId;
  readonly description: string;
  /** A shortest input word that shows it, and the model's answers to it. */
  readonly word: readonly InputSymbol[];
  readonly outputs: readonly OutputSymbol[];
}

export interface BugPatternContext {
  readonly version: '1.2' | '1.3';
  readonly role: 'server' | 'client';
}

/** What a walk carries along a word: flags set by the inputs and outputs so far. */
type Flags = number;

interface Walk {
  readonly state: number;
  readonly flags: Flags;
  readonly word: InputSymbol[];
  readonly outputs: OutputSymbol[];
}

/**
 * Breadth-first over (state, flags): `update` gives the flags after a transition (undefined: do not go on from it);
 * `bad` says whether a transition, taken with the flags before it, shows the pattern. The first one found is shortest.
 */
function search(
  m: MealyMachine,
  update: (flags: Flags, input: InputSymbol, output: OutputSymbol, from: number, to: number) => Flags | undefined,
  bad: (flags: Flags, input: InputSymbol, output: OutputSymbol, from: number, to: number) => boolean,
): { word: InputSymbol[]; outputs: OutputSymbol[] } | undefined {
  const queue: Walk[] = [{ state: 0, flags: 0, word: [], outputs: [] }];
  const seen = new Set<string>(['0,0']);
  for (let k = 0; k < queue.length; k++) {
    const w = queue[k]!;
    for (let i = 0; i < m.inputs.length; i++) {
      const input = m.inputs[i]!;
      const output = m.output[w.state]![i]!;
      const to = m.next[w.state]![i]!;
      if (bad(w.flags, input, output, w.state, to))
        return { word: [...w.word, input], outputs: [...w.outputs, output] };
      const flags = update(w.flags, input, output, w.state, to);
      if (flags === undefined || seen.has(`${to},${flags}`)) continue;
      seen.add(`${to},${flags}`);
      queue.push({ state: to, flags, word: [...w.word, input], outputs: [...w.outputs, output] });
    }
  }
  return undefined;
}

/** Whether the peer echoes application data in a state: its connection is up. */
function connected(m: MealyMachine, state: number): boolean {
  const i = m.inputs.indexOf(APPLICATION_DATA);
  return i >= 0 && outputHas(m.output[state]![i]!, APPLICATION_DATA);
}

/** Whether a transition completes the handshake: into an echoing state from one that is not, or Finished for Finished. */
function completes(m: MealyMachine, input: InputSymbol, output: OutputSymbol, from: number, to: number): boolean {
  if (connected(m, from)) return false;
  return connected(m, to) || (input === FINISHED && outputHas(output, FINISHED));
}

/**
 * A completion shown by the echo in the state reached (not by Finished for Finished) gets the ApplicationData that
 * shows it appended, so that replaying the word against the peer checks the echo too.
 */
function withEcho(
  m: MealyMachine,
  hit: { word: InputSymbol[]; outputs: OutputSymbol[] } | undefined,
): { word: InputSymbol[]; outputs: OutputSymbol[] } | undefined {
  if (hit === undefined) return undefined;
  const last = hit.word.length - 1;
  if (hit.word[last] === FINISHED && outputHas(hit.outputs[last]!, FINISHED)) return hit;
  return withData(m, hit);
}

/** The word with the ApplicationData after it that shows the state reached, and the model's answer to it. */
function withData(
  m: MealyMachine,
  hit: { word: InputSymbol[]; outputs: OutputSymbol[] },
): { word: InputSymbol[]; outputs: OutputSymbol[] } {
  let state = 0;
  for (const input of hit.word) state = m.next[state]![m.inputs.indexOf(input)]!;
  const i = m.inputs.indexOf(APPLICATION_DATA);
  return { word: [...hit.word, APPLICATION_DATA], outputs: [...hit.outputs, m.output[state]![i]!] };
}

/** Our Finished was sent (data-before-finished); our Finished was taken, the handshake over (after the handshake). */
const SENT_FINISHED = 1;
const FINISHED_TAKEN = 1;
/** Our Certificate, sent after the hellos (it authenticates us), with no ServerHello since. */
const SENT_CERTIFICATE = 1;
/** Our CertificateVerify, sent after that Certificate. */
const SENT_CERTIFICATE_VERIFY = 2;
const SENT_CCS = 4;
const SENT_CKE = 8;
/** The hellos were exchanged: the server's ServerHello came (learning a server) or we sent ours (learning a client). */
const HELLOS = 16;

/** The handshake-skipping rules that apply to a version and role and that the alphabet can express. */
function skipRules(
  m: MealyMachine,
  c: BugPatternContext,
): { id: BugPatternId; description: string; violated: (f: Flags) => boolean }[] {
  const has = (...symbols: string[]): boolean => symbols.every((s) => m.inputs.includes(s));
  const rules: { id: BugPatternId; description: string; violated: (f: Flags) => boolean }[] = [];
  if (has(CERTIFICATE, CERTIFICATE_VERIFY) && !(c.version === '1.2' && c.role === 'client'))
    rules.push({
      id: 'skipped-certificate-verify',
      description:
        'the handshake completed after a Certificate (not empty, sent after the hellos) without a CertificateVerify',
      violated: (f) => (f & SENT_CERTIFICATE) !== 0 && (f & SENT_CERTIFICATE_VERIFY) === 0,
    });
  if (c.version === '1.2' && has(CHANGE_CIPHER_SPEC, FINISHED))
    rules.push({
      id: 'skipped-change-cipher-spec',
      description: 'the handshake completed without a ChangeCipherSpec before Finished',
      violated: (f) => (f & SENT_CCS) === 0,
    });
  if (c.version === '1.2' && c.role === 'server' && has(CLIENT_KEY_EXCHANGE, FINISHED))
    rules.push({
      id: 'skipped-client-key-exchange',
      description: 'the handshake completed without a ClientKeyExchange',
      violated: (f) => (f & SENT_CKE) === 0,
    });
  return rules;
}

/**
 * The flags after we sent `input` and the peer answered `output`, going from state `from` to `to`: a Certificate
 * counts once the hellos were exchanged and when the peer took it (its state changed; one it drops changes nothing).
 */
function handshakeFlags(
  flags: Flags,
  input: InputSymbol,
  output: OutputSymbol,
  moved: boolean,
  c: BugPatternContext,
): Flags {
  const hello = c.role === 'server' ? outputHas(output, SERVER_HELLO) : input === SERVER_HELLO;
  // A ServerHello starts the flights again: a Certificate before it is not this handshake's.
  if (hello) return (flags & ~(SENT_CERTIFICATE | SENT_CERTIFICATE_VERIFY)) | HELLOS;
  if (input === CERTIFICATE)
    return (flags & HELLOS) === 0 || !moved ? flags : (flags | SENT_CERTIFICATE) & ~SENT_CERTIFICATE_VERIFY;
  if (input === CERTIFICATE_VERIFY) return (flags & SENT_CERTIFICATE) === 0 ? flags : flags | SENT_CERTIFICATE_VERIFY;
  if (input === CHANGE_CIPHER_SPEC) return flags | SENT_CCS;
  if (input === CLIENT_KEY_EXCHANGE) return flags | SENT_CKE;
  return flags;
}

/** The bug patterns this alphabet can express, for a version and role. */
export function applicableBugPatterns(m: MealyMachine, c: BugPatternContext): BugPatternId[] {
  const ids: BugPatternId[] = skipRules(m, c).map((r) => r.id);
  if (m.inputs.includes(APPLICATION_DATA) && m.inputs.includes(FINISHED)) ids.push('data-before-finished');
  ids.push('answer-after-fatal-alert');
  if (m.inputs.includes(CLIENT_HELLO_WITH_COOKIE_CHANGED)) ids.push('cookie-parameters-changed');
  if (m.inputs.includes(APPLICATION_DATA) && m.inputs.includes(FINISHED) && m.inputs.some(postHandshakeCandidate))
    ids.push('handshake-message-after-handshake');
  return ids;
}

/**
 * A handshake message that has no business after the handshake: not a hello (a new handshake or renegotiation, which
 * a peer may take or refuse), not a post-handshake message (KeyUpdate, NewSessionTicket, HelloRequest), not an ACK.
 */
function postHandshakeCandidate(input: InputSymbol): boolean {
  if (isClientHello(input) || input === KEY_UPDATE || input === NEW_SESSION_TICKET || input === HELLO_REQUEST)
    return false;
  if (input === ACK || input === APPLICATION_DATA || input === CHANGE_CIPHER_SPEC || input.startsWith('Alert('))
    return false;
  return true;
}

/** What a peer may answer to a retransmitted last message: nothing, or its own last flight again. */
const RETRANSMISSION_ANSWER = new Set([CHANGE_CIPHER_SPEC, FINISHED, NEW_SESSION_TICKET, ACK]);

/**
 * Whether the peer, connected in `from`, acted on handshake message `input`: no alert, the session not over, and an
 * answer that is not a retransmission's (nothing, or its last flight), or a state reached that no longer echoes our
 * data. A state change that still echoes is not counted: the mapper's own state moves with our inputs too (a second
 * ClientKeyExchange gives us new keys), so such a change need not be the peer's.
 */
function actedOnAfterHandshake(m: MealyMachine, input: InputSymbol, output: OutputSymbol, to: number): boolean {
  if (!postHandshakeCandidate(input) || output === CLOSED) return false;
  const parts = outputParts(output);
  if (parts.some((p) => p.startsWith('Alert('))) return false;
  return !parts.every((p) => RETRANSMISSION_ANSWER.has(p)) || !connected(m, to);
}

/** The bug patterns a learned model shows, each once with a shortest word. */
export function findBugPatterns(m: MealyMachine, c: BugPatternContext): BugPatternFinding[] {
  const findings: BugPatternFinding[] = [];
  const add = (
    pattern: BugPatternId,
    description: string,
    hit: { word: InputSymbol[]; outputs: OutputSymbol[] } | undefined,
  ): void => {
    if (hit !== undefined) findings.push({ pattern, description, ...hit });
  };
  for (const rule of skipRules(m, c)) {
    const hit = search(
      m,
      (f, input, output, from, to) =>
        connected(m, from) ? undefined : handshakeFlags(f, input, output, from !== to, c),
      (f, input, output, from, to) =>
        completes(m, input, output, from, to) && rule.violated(handshakeFlags(f, input, output, from !== to, c)),
    );
    add(rule.id, rule.description, withEcho(m, hit));
  }
  if (m.inputs.includes(APPLICATION_DATA) && m.inputs.includes(FINISHED)) {
    add(
      'data-before-finished',
      'application data was accepted (echoed) before our Finished',
      search(
        m,
        (f, input) => (input === FINISHED ? f | SENT_FINISHED : f),
        (f, input, output) =>
          (f & SENT_FINISHED) === 0 && input === APPLICATION_DATA && outputHas(output, APPLICATION_DATA),
      ),
    );
  }
  const ALERTED = 1;
  add(
    'answer-after-fatal-alert',
    'the peer answered a message after a fatal alert',
    search(
      m,
      (f, input, output) => {
        // A new ClientHello opens a new connection: what came before it no longer counts.
        const kept = c.role === 'server' && isClientHello(input) ? 0 : f;
        return isFatalAlert(input) || outputParts(output).some(isFatalAlert) ? kept | ALERTED : kept;
      },
      (f, input, output) =>
        (f & ALERTED) !== 0 &&
        !(c.role === 'server' && isClientHello(input)) &&
        outputParts(output).some((part) => !part.startsWith('Alert(')),
    ),
  );
  if (m.inputs.includes(CLIENT_HELLO_WITH_COOKIE_CHANGED)) {
    const REQUESTED = 1;
    add(
      'cookie-parameters-changed',
      "a ClientHello with the peer's cookie but other parameters was answered with a ServerHello",
      search(
        m,
        (f, _input, output) =>
          outputHas(output, HELLO_RETRY_REQUEST) || outputHas(output, HELLO_VERIFY_REQUEST) ? f | REQUESTED : f,
        (f, input, output) =>
          (f & REQUESTED) !== 0 && input === CLIENT_HELLO_WITH_COOKIE_CHANGED && outputHas(output, SERVER_HELLO),
      ),
    );
  }
  if (m.inputs.includes(APPLICATION_DATA) && m.inputs.includes(FINISHED)) {
    const hit = search(
      m,
      // The handshake is over once our Finished took the peer to a connected state (or got its Finished back).
      (f, input, output, _from, to) =>
        input === FINISHED && (connected(m, to) || outputHas(output, FINISHED)) ? f | FINISHED_TAKEN : f,
      (f, input, output, from, to) =>
        (f & FINISHED_TAKEN) !== 0 && connected(m, from) && actedOnAfterHandshake(m, input, output, to),
    );
    // A peer that answered as to a retransmission but stopped echoing: the word shows it with our data after.
    const quiet = hit !== undefined && outputParts(hit.outputs.at(-1)!).every((p) => RETRANSMISSION_ANSWER.has(p));
    add(
      'handshake-message-after-handshake',
      'a handshake message after the handshake was neither refused nor taken as a retransmission: the peer acted on it',
      quiet ? withData(m, hit) : hit,
    );
  }
  return findings;
}
