/**
 * The co-check scenario format: one scenario is a small text program that
 * both kernels run, the hwmodel kernel (run-ts.ts) and Accellera SystemC
 * (sc-runner.cpp). Lines are words; `#` starts a comment; blocks end with
 * `end`. Declarations: `event E`, `signal S INITIAL`, `btarget T LATENCY`,
 * `nbtarget T END_REQ_DELAY RESP_DELAY [MODE]`, `initiator I TARGET
 * [resp_delay N]`, `fifo F SIZE`, `clock C PERIOD [DUTY%] [START]
 * [negedge_first]`, `peq Q [then now|PS]`, `event_queue E`,
 * `thread P [sensitive E..] [dont_initialize]`, `method P [sensitive E..]
 * [dont_initialize] [limit N]`, `main`. Operations are listed in
 * docs/hwmodel/cocheck.md.
 */

/** One operation: its words, and the body of a `loop`. */
export interface ScenarioOp {
  readonly words: readonly string[];
  readonly line: number;
  readonly body: readonly ScenarioOp[];
}

/** A declared process. */
export interface ScenarioProcess {
  readonly kind: 'thread' | 'method';
  readonly name: string;
  readonly sensitive: readonly string[];
  readonly dontInitialize: boolean;
  /** A method's activations that run its body (the rest do nothing); -1: no limit. */
  readonly limit: number;
  readonly body: readonly ScenarioOp[];
}

/**
 * How an `nbtarget` answers BEGIN_REQ: `accept` (TLM_ACCEPTED; END_REQ and
 * BEGIN_RESP later on the backward path), `updated` (TLM_UPDATED with
 * END_REQ after its END_REQ delay; BEGIN_RESP later), `respond` (TLM_UPDATED
 * with BEGIN_RESP after both delays: END_REQ skipped), `complete`
 * (TLM_COMPLETED after both delays: early completion).
 */
export type NbTargetMode = 'accept' | 'updated' | 'respond' | 'complete';
export const NB_TARGET_MODES: readonly NbTargetMode[] = ['accept', 'updated', 'respond', 'complete'];

/** A declared TLM part. */
export type ScenarioPart =
  | { readonly kind: 'btarget'; readonly name: string; readonly latency: number }
  | {
      readonly kind: 'nbtarget';
      readonly name: string;
      readonly endReq: number;
      readonly resp: number;
      readonly mode: NbTargetMode;
    }
  /** `respDelay` undefined: BEGIN_RESP answered TLM_COMPLETED; else TLM_ACCEPTED and END_RESP sent that many ps later. */
  | {
      readonly kind: 'initiator';
      readonly name: string;
      readonly target: string;
      readonly respDelay: number | undefined;
    };

/** A declared channel: `fifo F SIZE`, `clock C PERIOD [DUTY%] [START] [negedge_first]`, `peq Q [then now|PS]`, `event_queue E`. */
export type ScenarioChannel =
  | { readonly kind: 'fifo'; readonly name: string; readonly size: number }
  | {
      readonly kind: 'clock';
      readonly name: string;
      readonly period: number;
      readonly dutyPercent: number;
      readonly start: number;
      readonly posedgeFirst: boolean;
    }
  /** `chain`: the callback notifies the next phase (END_RESP ends) immediately ('now'), or with that delay in ps; undefined: it only logs. */
  | { readonly kind: 'peq'; readonly name: string; readonly chain: 'now' | number | undefined }
  | { readonly kind: 'event_queue'; readonly name: string };

/** A parsed scenario. */
export interface Scenario {
  readonly name: string;
  readonly events: readonly string[];
  readonly signals: readonly { readonly name: string; readonly initial: number }[];
  readonly parts: readonly ScenarioPart[];
  readonly channels: readonly ScenarioChannel[];
  /**
   * Why the scenario's outcome depends on the order of runnable processes
   * (a `# order-dependent: REASON` line), or undefined: it must not.
   */
  readonly orderDependent: string | undefined;
  readonly processes: readonly ScenarioProcess[];
  readonly main: readonly ScenarioOp[];
}

/** A scenario text that does not parse: names the file and line. */
export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
  constructor(file: string, line: number, message: string) {
    super(`${file}:${line}: ${message}`);
  }
}

interface Line {
  readonly words: string[];
  readonly line: number;
}

function lines(text: string): Line[] {
  const out: Line[] = [];
  text.split('\n').forEach((raw, i) => {
    const hash = raw.indexOf('#');
    const words = (hash >= 0 ? raw.slice(0, hash) : raw).split(/\s+/).filter((w) => w.length > 0);
    if (words.length > 0) out.push({ words, line: i + 1 });
  });
  return out;
}

/** Parses a scenario; `name` is used in errors and traces. */
export function parseScenario(name: string, text: string): Scenario {
  const all = lines(text);
  let at = 0;
  const num = (l: Line, i: number): number => {
    const w = l.words[i];
    if (w === undefined || !/^-?\d+$/.test(w))
      throw new ScenarioError(name, l.line, `word ${i + 1} must be an integer, got ${String(w)}`);
    return Number(w);
  };
  const block = (open: Line): ScenarioOp[] => {
    const ops: ScenarioOp[] = [];
    while (at < all.length) {
      const l = all[at++]!;
      if (l.words[0] === 'end') return ops;
      ops.push({ words: l.words, line: l.line, body: l.words[0] === 'loop' ? block(l) : [] });
    }
    throw new ScenarioError(name, open.line, `"${open.words.join(' ')}" has no matching "end"`);
  };
  const events: string[] = [];
  const signals: { name: string; initial: number }[] = [];
  const parts: ScenarioPart[] = [];
  const channels: ScenarioChannel[] = [];
  const marker = /^#\s*order-dependent:\s*(.+)$/m.exec(text);
  const orderDependent = marker?.[1]?.trim();
  const processes: ScenarioProcess[] = [];
  let main: ScenarioOp[] = [];
  while (at < all.length) {
    const l = all[at++]!;
    const [kind, id] = l.words;
    if (id === undefined && kind !== 'main') throw new ScenarioError(name, l.line, `"${String(kind)}" needs a name`);
    switch (kind) {
      case 'event':
        events.push(id!);
        break;
      case 'signal':
        signals.push({ name: id!, initial: num(l, 2) });
        break;
      case 'btarget':
        parts.push({ kind, name: id!, latency: num(l, 2) });
        break;
      case 'nbtarget': {
        const mode = (l.words[4] ?? 'accept') as NbTargetMode;
        if (!NB_TARGET_MODES.includes(mode))
          throw new ScenarioError(
            name,
            l.line,
            `nbtarget mode must be one of ${NB_TARGET_MODES.join(', ')}, got ${mode}`,
          );
        parts.push({ kind, name: id!, endReq: num(l, 2), resp: num(l, 3), mode });
        break;
      }
      case 'initiator': {
        if (l.words.length > 3 && l.words[3] !== 'resp_delay')
          throw new ScenarioError(name, l.line, `initiator options: resp_delay N`);
        parts.push({
          kind,
          name: id!,
          target: l.words[2] ?? '',
          respDelay: l.words.length > 3 ? num(l, 4) : undefined,
        });
        break;
      }
      case 'fifo':
        channels.push({ kind, name: id!, size: num(l, 2) });
        break;
      case 'clock':
        channels.push({
          kind,
          name: id!,
          period: num(l, 2),
          dutyPercent: l.words.length > 3 ? num(l, 3) : 50,
          start: l.words.length > 4 ? num(l, 4) : 0,
          posedgeFirst: l.words[5] !== 'negedge_first',
        });
        break;
      case 'peq': {
        if (l.words.length > 2 && (l.words[2] !== 'then' || l.words.length !== 4))
          throw new ScenarioError(name, l.line, 'peq options: then now|PS');
        const chain = l.words.length > 2 ? (l.words[3] === 'now' ? 'now' : num(l, 3)) : undefined;
        channels.push({ kind, name: id!, chain });
        break;
      }
      case 'event_queue':
        channels.push({ kind, name: id! });
        break;
      case 'thread':
      case 'method': {
        const sensitive: string[] = [];
        let dontInitialize = false;
        let limit = -1;
        for (let i = 2; i < l.words.length; i++) {
          const w = l.words[i]!;
          if (w === 'dont_initialize') dontInitialize = true;
          else if (w === 'limit') limit = num(l, ++i);
          else if (w !== 'sensitive') sensitive.push(w);
        }
        processes.push({ kind, name: id!, sensitive, dontInitialize, limit, body: block(l) });
        break;
      }
      case 'main':
        main = block(l);
        break;
      default:
        throw new ScenarioError(name, l.line, `unknown declaration "${String(kind)}"`);
    }
  }
  return { name, events, signals, parts, channels, orderDependent, processes, main };
}
