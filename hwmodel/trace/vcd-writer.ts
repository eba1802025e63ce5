/**
 * A Value Change Dump writer (IEEE 1364-2005 §18): declarations with
 * hierarchical scopes from dotted names, initial values under `$dumpvars`,
 * then `#time` sections in increasing time order, streamed to a sink.
 * Time is `SimTime` (picoseconds), so the timescale is `1ps`.
 */
import type { SimTime } from '../kernel/time.js';
import type { TraceSink } from './sink.js';
import { identifierCode, realValue, scalarValue, vectorValue } from './vcd-format.js';
import type { VcdValue } from './vcd-format.js';

/** Header options. */
export interface VcdOptions {
  /** `$date` text; omitted when not given, so the same run gives the same bytes. */
  readonly date?: string;
  /** `$version` text. */
  readonly version?: string;
  /** `$comment` text. */
  readonly comment?: string;
  /** Scope for signal names without a dot (default `top`). */
  readonly topScope?: string;
}

/** VCD variable kinds this writer declares. */
export type VcdVarType = 'wire' | 'integer' | 'real';

/** A declared variable; pass it to {@link VcdWriter.change}. */
export interface VcdSignal {
  /** Dotted full name, e.g. `top.cryptoEngine.busy`. */
  readonly name: string;
  /** Identifier code in the dump. */
  readonly id: string;
  readonly type: VcdVarType;
  readonly width: number;
}

interface Scope {
  readonly children: Map<string, Scope | VcdSignal>;
}

/** Writes one VCD file. Declare every signal first; the header goes out with the first value change (or {@link VcdWriter.begin}). */
export class VcdWriter {
  readonly #sink: TraceSink;
  readonly #options: VcdOptions;
  readonly #root: Scope = { children: new Map() };
  readonly #signals: VcdSignal[] = [];
  readonly #initial: VcdValue[] = [];
  readonly #last = new Map<VcdSignal, string>();
  #started = false;
  #closed = false;
  #time: SimTime = 0;
  #timeWritten = false;

  constructor(sink: TraceSink, options: VcdOptions = {}) {
    this.#sink = sink;
    this.#options = options;
  }

  /** A wire of `width` bits (1 = scalar), starting at `initial` (default 0). */
  wire(name: string, width = 1, initial: VcdValue = 0): VcdSignal {
    if (!Number.isSafeInteger(width) || width < 1 || width > 4096)
      throw new RangeError(`signal ${name}: width must be an integer in 1..4096, got ${String(width)}`);
    return this.#declare(name, 'wire', width, initial);
  }

  /** An `integer` variable (32 bits, two's complement) starting at `initial`. */
  integer(name: string, initial: VcdValue = 0): VcdSignal {
    return this.#declare(name, 'integer', 32, initial);
  }

  /** A `real` variable starting at `initial`. */
  real(name: string, initial = 0): VcdSignal {
    return this.#declare(name, 'real', 64, initial);
  }

  /** The declared signals' full names, in declaration order. */
  get signalNames(): string[] {
    return this.#signals.map((s) => s.name);
  }

  /** The latest time written (or 0). */
  get time(): SimTime {
    return this.#time;
  }

  /** Writes the header and the initial values; no signal can be declared afterwards. Called by the first change. */
  begin(): void {
    if (this.#started) return;
    this.#started = true;
    const o = this.#options;
    const out: string[] = [];
    if (o.date !== undefined) out.push(`$date ${oneLine(o.date)} $end`);
    out.push(`$version ${oneLine(o.version ?? 'dtls13 hwmodel')} $end`);
    if (o.comment !== undefined) out.push(`$comment ${oneLine(o.comment)} $end`);
    out.push('$timescale 1ps $end');
    writeScope(this.#root, out);
    out.push('$enddefinitions $end', '#0', '$dumpvars');
    this.#signals.forEach((s, i) => {
      const text = this.#encode(s, this.#initial[i] ?? 0);
      this.#last.set(s, text);
      out.push(text);
    });
    out.push('$end', '');
    this.#timeWritten = true;
    this.#sink.write(out.join('\n'));
  }

  /**
   * Records that `signal` takes `value` at `time`. Time never goes back
   * (RangeError); a value equal to the last one written is not repeated.
   */
  change(time: SimTime, signal: VcdSignal, value: VcdValue): void {
    this.#advance(time);
    const text = this.#encode(signal, value);
    if (this.#last.get(signal) === text) return;
    this.#last.set(signal, text);
    if (!this.#timeWritten) {
      this.#sink.write(`#${time}\n`);
      this.#timeWritten = true;
    }
    this.#sink.write(`${text}\n`);
  }

  /** Ends the dump: writes `#endTime` when given (so viewers show the trace up to then) and closes the sink. */
  close(endTime?: SimTime): void {
    if (this.#closed) return;
    this.begin();
    if (endTime !== undefined) {
      this.#advance(endTime);
      if (!this.#timeWritten) this.#sink.write(`#${endTime}\n`);
    }
    this.#closed = true;
    this.#sink.close();
  }

  #advance(time: SimTime): void {
    if (this.#closed) throw new Error('VCD writer is closed');
    if (!Number.isSafeInteger(time) || time < 0)
      throw new RangeError(`VCD time must be a non-negative integer number of picoseconds, got ${String(time)}`);
    if (time < this.#time) throw new RangeError(`VCD time cannot go back: ${time} ps is before ${this.#time} ps`);
    this.begin();
    if (time > this.#time) {
      this.#time = time;
      this.#timeWritten = false;
    }
  }

  #encode(signal: VcdSignal, value: VcdValue): string {
    let text: string;
    if (signal.type === 'real') text = `r${realValue(value, signal.name)} ${signal.id}`;
    else if (signal.width === 1) text = `${scalarValue(value, signal.name)}${signal.id}`;
    else text = `b${vectorValue(value, signal.width, signal.name)} ${signal.id}`;
    return text;
  }

  #declare(name: string, type: VcdVarType, width: number, initial: VcdValue): VcdSignal {
    if (this.#started) throw new Error(`signal ${name}: declare every signal before the first value change`);
    const path = name.includes('.') ? name.split('.') : [this.#options.topScope ?? 'top', name];
    if (path.some((p) => !/^[^\s.]+$/.test(p)))
      throw new RangeError(`signal name ${JSON.stringify(name)} must be dot-separated parts without spaces`);
    let scope = this.#root;
    for (const part of path.slice(0, -1)) {
      const next = scope.children.get(part) ?? { children: new Map() };
      if (!('children' in next)) throw new RangeError(`signal ${name}: ${part} is already a signal, not a scope`);
      scope.children.set(part, next);
      scope = next;
    }
    const leaf = path[path.length - 1] ?? name;
    if (scope.children.has(leaf)) throw new RangeError(`signal ${name} is already declared`);
    const signal: VcdSignal = { name, id: identifierCode(this.#signals.length), type, width };
    this.#encode(signal, initial); // checks the initial value now
    scope.children.set(leaf, signal);
    this.#signals.push(signal);
    this.#initial.push(initial);
    return signal;
  }
}

function writeScope(scope: Scope, out: string[]): void {
  for (const [name, child] of scope.children) {
    if ('children' in child) {
      out.push(`$scope module ${name} $end`);
      writeScope(child, out);
      out.push('$upscope $end');
    } else out.push(`$var ${child.type} ${child.width} ${child.id} ${name} $end`);
  }
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/\$end/g, '');
}
