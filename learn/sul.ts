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
