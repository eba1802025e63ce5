import { EncodeError } from './errors.js';
import { Writer } from './writer.js';

const scratch = new Writer('', 2048);

/**
 * The shared writer generated `encode…` functions write into before copying
 * the result out. Encoding is synchronous and never nests `encode…` calls, so
 * one buffer serves them all and grows to the largest message seen.
 */
export function scratchWriter(root: string): Writer {
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
