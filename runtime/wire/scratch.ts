import { EncodeError } from './errors.js';
import { Writer } from './writer.js';

let scratch = new Writer('', 2048);

/** A scratch buffer grown past this by one large message is replaced, so it is not kept for the life of the process. */
const KEEP_AT_MOST = 64 * 1024;

/** The shared writer generated `encode…` functions write into (encoding is synchronous and never nests). */
export function scratchWriter(root: string): Writer {
  if (scratch.buf.length > KEEP_AT_MOST) scratch = new Writer('', 2048);
  scratch.reset(root);
  return scratch;
}

/** Runs `write` against the scratch writer and returns the EncodeError it raises, if any. */
export function validateWith(root: string, write: (w: Writer) => void): EncodeError | undefined {
  try {
    write(scratchWriter(root));
    return undefined;
  } catch (e) {
    if (e instanceof EncodeError) return e;
    throw e;
  }
}
