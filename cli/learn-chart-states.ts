/**
 * Our chart's states for a reference model's states (`dtls13 learn --reference`, the reference being our own peer):
 * each reference state's shortest access word run through our chart of the version and role (generated/charts/), the
 * reference's own answers deciding what the word alone does not. A message becomes the chart's event of its name
 * (`ClientHelloWithCookie` a ClientHello, `EmptyCertificate` a Certificate; an alert `alertReceived`, close_notify
 * `closeNotify` where the state takes it). A guard is decided where the symbols tell (a HelloRetryRequest or
 * HelloVerifyRequest answered, a CertificateRequest sent, an empty Certificate, a Certificate sent earlier, a server
 * flight with or without a Certificate); else the chart may go either way and every target is kept. A message the
 * state does not take fails the chart where the reference answered with a fatal alert or `closed`, and is dropped
 * (the state kept) where it did not; a record the chart has no event for (ApplicationData, ACK) keeps the state. So a
 * name is where our chart is after those words as far as the chart and the answers tell, not a trace of the runtime.
 */
import type { LearnedStateMatch, StateMatching } from '../learn/learner/state-matching.js';
import type { MealyMachine } from '../learn/learner/mealy.js';
import { accessWords, run } from '../learn/learner/mealy.js';
import type { InputSymbol, OutputSymbol } from '../learn/sul.js';
import { CLOSED } from '../learn/sul.js';
import {
  CERTIFICATE,
  CERTIFICATE_REQUEST,
  EMPTY_CERTIFICATE,
  HELLO_RETRY_REQUEST,
  HELLO_VERIFY_REQUEST,
  SERVER_HELLO,
  alertDescription,
  isClientHello,
  isFatalAlert,
  outputHas,
} from '../learn/symbols.js';
import { dtls12ClientChart } from '../generated/charts/dtls12-client.js';
import { dtls12ServerChart } from '../generated/charts/dtls12-server.js';
import { dtls13ClientChart } from '../generated/charts/dtls13-client.js';
import { dtls13ServerChart } from '../generated/charts/dtls13-server.js';
import { ourChartId } from './learn-inspect.js';

interface ChartTransition {
  readonly target?: string;
  readonly guard?: string;
  readonly actions?: unknown;
  readonly description?: string;
}
type ChartOn = Readonly<Record<string, string | ChartTransition | readonly ChartTransition[]>>;
interface ChartState {
  readonly type?: string;
  readonly on?: ChartOn;
}
interface Chart {
  readonly initial: string;
  readonly on?: ChartOn;
  readonly states: Readonly<Record<string, ChartState>>;
}

const CHARTS: Readonly<Record<string, Chart>> = {
  'dtls12-client': dtls12ClientChart,
  'dtls12-server': dtls12ServerChart,
  'dtls13-client': dtls13ClientChart,
  'dtls13-server': dtls13ServerChart,
};

/** One step: the input, the reference's answer to it, and the inputs before it. */
interface Step {
  readonly input: InputSymbol;
  readonly output: OutputSymbol;
  readonly before: readonly InputSymbol[];
}

const serverFlight = (s: Step): boolean | undefined => (outputHas(s.output, SERVER_HELLO) ? true : undefined);
const count = (s: Step, name: string): number => s.before.filter((i) => i === name).length;

/** What the symbols tell of a guard: true, false, or undefined (either way). */
const GUARDS: Readonly<Record<string, (s: Step) => boolean | undefined>> = {
  helloRetryNeeded: (s) => outputHas(s.output, HELLO_RETRY_REQUEST),
  cookieMissing: (s) => outputHas(s.output, HELLO_VERIFY_REQUEST),
  clientAuthentication: (s) => (serverFlight(s) ? outputHas(s.output, CERTIFICATE_REQUEST) : undefined),
  clientCertificateRequested: (s) => (serverFlight(s) ? outputHas(s.output, CERTIFICATE_REQUEST) : undefined),
  // A server that authenticates with a certificate took no PSK, no early data, resumed no session.
  pskAccepted: (s) => (serverFlight(s) ? !outputHas(s.output, CERTIFICATE) : undefined),
  earlyDataAccepted: (s) => (serverFlight(s) && outputHas(s.output, CERTIFICATE) ? false : undefined),
  resumableSession: (s) => (serverFlight(s) ? !outputHas(s.output, CERTIFICATE) : undefined),
  emptyCertificate: (s) => s.input === EMPTY_CERTIFICATE,
  clientCertificateSent: (s) => count(s, CERTIFICATE) > 0,
  firstHelloRetryRequest: (s) => count(s, HELLO_RETRY_REQUEST) === 0,
  firstHelloVerifyRequest: (s) => count(s, HELLO_VERIFY_REQUEST) === 0,
};

/** The chart's event for an input in a state (undefined: a record the chart has no event for). */
function eventOf(chart: Chart, state: ChartState, input: InputSymbol, events: ReadonlySet<string>): string | undefined {
  const alert = alertDescription(input);
  if (alert !== undefined)
    return alert === 'close_notify' && state.on?.closeNotify !== undefined ? 'closeNotify' : 'alertReceived';
  const name = isClientHello(input) ? 'ClientHello' : input === EMPTY_CERTIFICATE ? CERTIFICATE : input;
  return events.has(name) ? name : undefined;
}

function allEvents(chart: Chart): Set<string> {
  const out = new Set(Object.keys(chart.on ?? {}));
  for (const s of Object.values(chart.states)) for (const e of Object.keys(s.on ?? {})) out.add(e);
  return out;
}

/** The states a transition list may lead to from `from`. */
function targets(from: string, on: ChartOn[string], step: Step): string[] {
  const list: readonly (string | ChartTransition)[] = Array.isArray(on) ? on : [on as string | ChartTransition];
  const out: string[] = [];
  for (const t of list) {
    const target = typeof t === 'string' ? t : (t.target ?? from);
    const guard = typeof t === 'string' ? undefined : t.guard;
    const holds = guard === undefined ? true : GUARDS[guard]?.(step);
    if (holds === false) continue;
    out.push(target.replace(/^\./, ''));
    if (holds === true) break;
  }
  return out;
}

/** The chart states after each step of a word, as sets (the chart's guards may go either way). */
export function chartStates(chartId: string, word: readonly InputSymbol[], answers: readonly OutputSymbol[]): string[] {
  const chart = CHARTS[chartId];
  if (chart === undefined) return [];
  const events = allEvents(chart);
  let at = new Set([chart.initial]);
  // A client chart starts by connecting: the session starts the client, which sends its ClientHello.
  const start = chart.states[chart.initial]?.on?.connect;
  if (start !== undefined) at = new Set(targets(chart.initial, start, { input: '', output: '', before: [] }));
  word.forEach((input, k) => {
    const step: Step = { input, output: answers[k]!, before: word.slice(0, k) };
    const next = new Set<string>();
    for (const s of at) {
      const state = chart.states[s]!;
      const event = eventOf(chart, state, input, events);
      const on = event === undefined ? undefined : (state.on?.[event] ?? chart.on?.[event]);
      if (state.type === 'final' || event === undefined) next.add(s);
      else if (on !== undefined) for (const t of targets(s, on, step)) next.add(t);
      else next.add(isFatalAlert(step.output) || step.output === CLOSED ? 'failed' : s);
    }
    at = next;
  });
  return [...at].sort();
}

/** The matching with our chart's states for each matched learned state (by its reference state's access word). */
export function withChartStates(
  matching: StateMatching,
  reference: MealyMachine,
  version: '1.2' | '1.3',
  role: 'server' | 'client',
): StateMatching {
  const chartId = ourChartId(version, role);
  const access = accessWords(reference);
  const named = (m: LearnedStateMatch): LearnedStateMatch => {
    const word = m.reference === undefined ? undefined : access[Number(m.reference.slice(1))];
    return word === undefined ? m : { ...m, chart: chartStates(chartId, word, run(reference, word)) };
  };
  return { ...matching, learned: matching.learned.map(named), chartId };
}
