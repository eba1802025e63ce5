/**
 * Lines from stdin as they arrive, with commands on lines of their own
 * (`:keyupdate`, `:quit`; `::TEXT` is the text `:TEXT`). Text lines that
 * arrive together (a pipe) are joined into records of at most
 * {@link RECORD_TEXT} bytes; a line typed on a terminal is a record of its
 * own. Reading pauses while `backlog()` is above a high-water mark, so a
 * large pipe is not read faster than it is sent.
 */
import { createInterface } from 'node:readline';

/** Text bytes per record: fits one datagram of the default size with room for headers and tag. */
export const RECORD_TEXT = 1024;
const HIGH_WATER = 64 * 1024;

export type InputItem =
  { readonly kind: 'text'; readonly text: string } | { readonly kind: 'command'; readonly name: string };

export interface LineInput {
  /** Starts reading; `onItems` gets what one burst of input held, `onEnd` the end of input. */
  start(onItems: (items: InputItem[]) => void, onEnd: () => void): void;
  /** Call when the backlog went down: reading resumes once it is below the mark. */
  drained(): void;
  stop(): void;
}

const utf8 = new TextEncoder();

/** The items of `lines`: commands, and text joined into records of at most RECORD_TEXT bytes (a longer line is split). */
export function inputItems(lines: readonly string[]): InputItem[] {
  const out: InputItem[] = [];
  let text = '';
  const flush = (): void => {
    if (text !== '') out.push({ kind: 'text', text });
    text = '';
  };
  for (const line of lines) {
    if (line.startsWith(':') && !line.startsWith('::')) {
      flush();
      out.push({ kind: 'command', name: line.slice(1).trim() });
      continue;
    }
    let rest = `${line.startsWith('::') ? line.slice(1) : line}\n`;
    // A line goes whole into a record when it fits one; only a longer line is split.
    if (utf8.encode(text + rest).length > RECORD_TEXT) flush();
    while (rest !== '') {
      const take = fitting(rest, RECORD_TEXT - utf8.encode(text).length);
      if (take === 0) {
        flush();
        continue;
      }
      text += rest.slice(0, take);
      rest = rest.slice(take);
    }
  }
  flush();
  return out;
}

/** How many UTF-16 units of `s` fit in `room` bytes of UTF-8 without splitting a character. */
function fitting(s: string, room: number): number {
  if (utf8.encode(s).length <= room) return s.length;
  let bytes = 0;
  let i = 0;
  for (const ch of s) {
    const n = utf8.encode(ch).length;
    if (bytes + n > room) break;
    bytes += n;
    i += ch.length;
  }
  return i;
}

export function stdinLines(backlog: () => number): LineInput {
  const rl = createInterface({ input: process.stdin, terminal: false, crlfDelay: Infinity });
  let pending: string[] = [];
  let scheduled = false;
  let paused = false;
  let handler: ((items: InputItem[]) => void) | undefined;
  const deliver = (): void => {
    scheduled = false;
    const lines = pending;
    pending = [];
    if (lines.length > 0) handler?.(inputItems(lines));
    if (backlog() > HIGH_WATER && !paused) {
      paused = true;
      rl.pause();
    }
  };
  return {
    start(onItems, onEnd) {
      handler = onItems;
      rl.on('line', (line) => {
        pending.push(line);
        if (!scheduled) {
          scheduled = true;
          setImmediate(deliver);
        }
      });
      rl.on('close', () => {
        deliver();
        onEnd();
      });
    },
    drained() {
      if (paused && backlog() <= HIGH_WATER / 2) {
        paused = false;
        rl.resume();
      }
    },
    stop() {
      rl.removeAllListeners('close');
      rl.close();
      process.stdin.destroy();
    },
  };
}
