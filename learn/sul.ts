/**
 * The system under learning (SUL) as the learner sees it: an abstract input alphabet and fresh sessions, each
 * starting from the peer's initial state. The mapper (learn/mapper/) makes these concrete: it turns each abstract
 * input into real records with correct cryptography over the transcript so far, and abstracts the peer's answer to
 * one output symbol. The learner (learn/learner/) only sees symbols.
 */

/** An abstract message the learner sends, such as `ClientHello`, `Finished` or `ApplicationData`. */
export type InputSymbol = string;

/**
 * The peer's answer to one input, abstracted to one symbol: the flight's messages joined with `+`
 * (`ServerHello+EncryptedExtensions+Certificate+CertificateVerify+Finished`), `HelloRetryRequest`,
 * `Alert(unexpected_message)`, `ACK`, `timeout` (nothing within the mapper's wait), or `closed` (the session is over:
 * every later input also answers `closed`, without touching the network).
 */
export type OutputSymbol = string;

/** The output after which a session is over: the learner may prune every query that extends it. */
export const CLOSED: OutputSymbol = 'closed';

/** One query's conversation with the peer, from its initial state. */
export interface SulSession {
  /** Send one abstract input and return the peer's abstracted answer. Never throws for anything the peer does. */
  step(input: InputSymbol): Promise<OutputSymbol>;
  /** End the session and release its socket (and the peer process, when the mapper started one). */
  close(): Promise<void>;
}

/** A peer to learn, in one version and role, with the alphabet for them. */
export interface SystemUnderLearning {
  /** The DTLS version learned. */
  readonly version: '1.2' | '1.3';
  /** The peer's role: `server` when we play the client, `client` when we play the server. */
  readonly role: 'server' | 'client';
  /** The abstract inputs, in a stable order. */
  readonly inputs: readonly InputSymbol[];
  /** How many sessions may be open at once. */
  readonly parallel: number;
  /** Start a fresh session from the peer's initial state. */
  open(): Promise<SulSession>;
  /** Release everything the SUL holds (sockets, peer processes). */
  close(): Promise<void>;
}

/**
 * The SUL with its alphabet cut down to `inputs` (each one of its own, in the order given): a smaller alphabet learns
 * in a fraction of the time, at the price of what the missing inputs would show. RangeError naming an input the SUL
 * does not have, or for an empty list.
 */
export function restrictInputs(sul: SystemUnderLearning, inputs: readonly InputSymbol[]): SystemUnderLearning {
  if (inputs.length === 0) throw new RangeError('the restricted alphabet is empty');
  const unknown = inputs.filter((i) => !sul.inputs.includes(i));
  if (unknown.length > 0)
    throw new RangeError(
      `${unknown.join(', ')} ${unknown.length === 1 ? 'is not an input' : 'are not inputs'} of this SUL (its inputs: ${sul.inputs.join(', ')})`,
    );
  return {
    version: sul.version,
    role: sul.role,
    inputs: [...new Set(inputs)],
    parallel: sul.parallel,
    open: () => sul.open(),
    close: () => sul.close(),
  };
}
