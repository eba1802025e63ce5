/**
 * The inspector's copy of a chart (runtime/machine/inspected-chart.ts), on a small chart built here the way
 * `dtls13 generate` builds them (generated/charts/<id>-machine.ts: the actor's context is the binding of an
 * implementation and the steps' context): the copy takes the transition the machine's own guard chooses for the state
 * the event arrived in, runs none of the chart's actions, and takes a timer's transition only when it is sent XState's
 * delayed event (its own timers never fire). tests/charts/inspected-agreement.test.ts holds the real charts to it.
 */
import test from 'ava';
import { setup, type InspectionEvent } from 'xstate';
import { InspectedChart, type GuardTable } from '../../runtime/machine/inspected-chart.js';

interface Implementation {
  readonly actions: Record<string, () => void>;
  readonly guards: Record<string, (args: { readonly context: unknown; readonly event: unknown }) => boolean>;
  readonly delays: Record<string, () => number>;
}
interface Bound {
  readonly context: unknown;
  readonly implementation: Implementation;
}
type ToyEvent = { readonly type: 'go' } | { readonly type: 'wait' };

/** idle --go [big]--> large / --go--> small; small --wait--> waiting --after(pause)--> idle. */
function toyMachine() {
  return setup({
    types: { context: {} as Bound, events: {} as ToyEvent, input: {} as Bound },
    actions: {
      record: ({ context }) => context.implementation.actions['record']!(),
    },
    guards: {
      big: ({ context, event }) => context.implementation.guards['big']!({ context: context.context, event }),
    },
    delays: { pause: ({ context }) => context.implementation.delays['pause']!() },
  }).createMachine({
    id: 'toy',
    context: ({ input }) => input,
    initial: 'idle',
    states: {
      idle: {
        on: {
          go: [
            { guard: 'big', target: 'large', actions: 'record' },
            { target: 'small', actions: 'record' },
          ],
        },
      },
      large: {},
      small: { on: { wait: 'waiting' } },
      waiting: { after: { pause: 'idle' } },
    },
  });
}

const bind = (implementation: never, context: never): object => ({ context, implementation });

/** The machine's state the guard reads: how many records it holds. */
interface ToyState {
  readonly held: number;
}
const guards: GuardTable = { big: ((state: ToyState) => state.held > 1) as never };

function copy(delays: readonly string[] = []): { chart: InspectedChart; states: string[]; actions: string[] } {
  const states: string[] = [];
  const actions: string[] = [];
  const inspect = (e: InspectionEvent): void => {
    if (e.type === '@xstate.snapshot') states.push(String((e.snapshot as { value?: unknown }).value));
    if (e.type === '@xstate.action') actions.push(e.action.type);
  };
  return { chart: new InspectedChart(toyMachine, bind, ['record'], guards, inspect, delays), states, actions };
}

test("the copy takes the transition the machine's guard chose for the state the event arrived in", (t) => {
  const big = copy();
  big.chart.took({ type: 'go' }, { held: 2 } satisfies ToyState, {});
  t.is(big.states.at(-1), 'large');
  const small = copy();
  small.chart.took({ type: 'go' }, { held: 0 } satisfies ToyState, {});
  t.is(small.states.at(-1), 'small');
});

test('every action of the chart is bound to a no-op: the inspector hears of it, nothing of the machine runs twice', (t) => {
  const { chart, actions } = copy();
  // An action left unbound would throw here (the chart calls its implementation's `record`).
  t.notThrows(() => chart.took({ type: 'go' }, { held: 0 } satisfies ToyState, {}));
  t.true(actions.includes('record'));
});

test('a timer: the copy leaves its state only when sent the delayed event, which the caller sends', async (t) => {
  const { chart, states } = copy(['pause']);
  chart.took({ type: 'go' }, { held: 0 } satisfies ToyState, {});
  chart.took({ type: 'wait' }, { held: 0 } satisfies ToyState, {});
  t.is(states.at(-1), 'waiting');
  // The copy's delay is 0 ms: on a real clock its timer, armed first, would fire before this one. Its clock never fires.
  await new Promise((resolve) => setTimeout(resolve, 1));
  t.is(states.at(-1), 'waiting');
  chart.took({ type: 'xstate.after.pause.toy.waiting' }, { held: 0 } satisfies ToyState, {});
  t.is(states.at(-1), 'idle');
});
