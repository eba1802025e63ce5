/**
 * A misuse of a TLM-2.0 construct: binding a socket twice, calling through an
 * unbound socket or one whose peer registered no callback, releasing a
 * payload that holds no reference. The message names the object
 * (`subject`: a socket's full name, or `GenericPayload`).
 */
export class TlmError extends Error {
  override readonly name = 'TlmError';
  /** What was misused: a socket's or module's full name, or a class name. */
  readonly subject: string;

  constructor(subject: string, reason: string) {
    super(`${subject}: ${reason}`);
    this.subject = subject;
  }
}
