/**
 * The one `Machine` (runtime/machine/machine.ts) that runs both versions' generated charts, on a small chart of its own:
 * a step moves the state or declines the event; events a step sends wait for it and are taken in order; a step that
 * throws leaves the state as it was and the machine usable; the driver's hook hears a move before the inspector's
 * copy does, and `settle` follows each dispatch.
 */
import test from 'ava';
import { Machine, type ChartBinding, type ChartWatcher } from '../../runtime/machine/machine.js';

type State =
  { readonly kind: 'idle' } | { readonly kind: 'open'; readonly opened: number } | { readonly kind: 'closed' };
type Event =
  | { readonly type: 'open' }
  | { readonly type: 'close' }
  | { readonly type: 'ping' }
  | { readonly type: 'boom' }
  | { readonly type: 'openThenClose' }
  | { readonly type: 'sendUntaken' };

/** What the steps did, in order: the test's window into the chart. */
interface Log {
  readonly lines: string[];
  machine?: ToyMachine;
}

/** The chart: idle --open--> open --close--> closed; `ping` in open counts; `boom` throws after changing nothing. */
const chart: ChartBinding<Log, State, Event> = {
  step: (log, state, event) => {
    log.lines.push(`${state.kind}+${event.type}`);
    switch (state.kind) {
      case 'idle':
        if (event.type === 'open') return { kind: 'open', opened: 1 };
        if (event.type === 'openThenClose') {
          // Sent from inside a step: it must wait until this step has returned its state.
          const taken = log.machine!.dispatch({ type: 'close' });
          log.lines.push(`close queued: ${String(taken)}`);
          return { kind: 'open', opened: 1 };
        }
        if (event.type === 'sendUntaken') {
          log.machine!.dispatch({ type: 'open' }); // taken after this step, in `open`, which does not take it
          return { kind: 'open', opened: 1 };
        }
        return undefined;
      case 'open':
        if (event.type === 'ping') return { kind: 'open', opened: state.opened + 1 };
        if (event.type === 'close') return { kind: 'closed' };
        if (event.type === 'boom') throw new Error('the step failed');
        return undefined;
      case 'closed':
        return undefined;
    }
  },
  takes: {
    idle: new Set(['open', 'openThenClose', 'sendUntaken']),
    open: new Set(['ping', 'close', 'boom']),
  },
};

class ToyMachine extends Machine<Log, State, Event> {
  readonly moves: string[] = [];
  /** Where the hook and a watcher both write, when a test wants their order. */
  heard: string[] | undefined;
  settled = 0;

  get current(): State {
    return this.state;
  }

  protected override took(before: State, event: Event, next: State): void {
    this.moves.push(`${before.kind}-${event.type}->${next.kind}`);
    this.heard?.push(`hook ${before.kind}-${event.type}->${next.kind}`);
  }

  protected override settle(): void {
    this.settled++;
  }
}

function machine(watcher?: ChartWatcher): { m: ToyMachine; log: Log } {
  const log: Log = { lines: [] };
  const m = new ToyMachine({ kind: 'idle' }, log, chart, watcher);
  log.machine = m;
  return { m, log };
}

test('an event the state takes moves it by the step; the kind and what it takes follow the new state', (t) => {
  const { m } = machine();
  t.is(m.stateKind(), 'idle');
  t.true(m.handles('open'));
  t.false(m.handles('ping'));
  t.true(m.dispatch({ type: 'open' }));
  t.is(m.stateKind(), 'open');
  t.true(m.handles('ping'));
  t.false(m.handles('open'));
  t.true(m.dispatch({ type: 'ping' }));
  t.deepEqual(m.current, { kind: 'open', opened: 2 });
  t.deepEqual(m.moves, ['idle-open->open', 'open-ping->open']);
});

test('an event the step declines returns false and changes nothing; a state with no takes entry takes nothing', (t) => {
  const { m } = machine();
  t.false(m.dispatch({ type: 'close' }));
  t.is(m.stateKind(), 'idle');
  t.deepEqual(m.moves, []);
  m.dispatch({ type: 'open' });
  m.dispatch({ type: 'close' });
  t.is(m.stateKind(), 'closed');
  t.false(m.handles('open'));
  t.false(m.dispatch({ type: 'open' }));
  t.is(m.stateKind(), 'closed');
});

test('an event sent from a step waits for that step, then is taken in order in the same dispatch', (t) => {
  const { m, log } = machine();
  t.true(m.dispatch({ type: 'openThenClose' }));
  // The inner dispatch was queued (it returned at once), and `close` was taken from the state the step returned.
  t.deepEqual(log.lines, ['idle+openThenClose', 'close queued: true', 'open+close']);
  t.deepEqual(m.moves, ['idle-openThenClose->open', 'open-close->closed']);
  t.is(m.settled, 1, 'settle runs once, after the queue is empty');
});

test('an event sent from a step that the next state does not take is passed over; the outer event still counts', (t) => {
  const { m, log } = machine();
  t.true(m.dispatch({ type: 'sendUntaken' }));
  t.deepEqual(log.lines, ['idle+sendUntaken', 'open+open']);
  t.deepEqual(m.current, { kind: 'open', opened: 1 });
  t.deepEqual(m.moves, ['idle-sendUntaken->open']);
  t.true(m.dispatch({ type: 'ping' }), 'nothing is left queued: the next event is taken');
  t.deepEqual(m.current, { kind: 'open', opened: 2 });
});

test('a step that throws: the error reaches the caller, the state is as before, and the machine goes on', (t) => {
  const { m } = machine();
  m.dispatch({ type: 'open' });
  m.dispatch({ type: 'ping' });
  const before = m.current;
  t.throws(() => m.dispatch({ type: 'boom' }), { message: 'the step failed' });
  t.is(m.current, before);
  t.deepEqual(m.moves, ['idle-open->open', 'open-ping->open']);
  // Not left busy: the next event is taken now, not queued behind the failed one.
  t.true(m.dispatch({ type: 'close' }));
  t.is(m.stateKind(), 'closed');
});

test("the driver's hook hears each move before the watcher (the inspector's copy), which gets the state left", (t) => {
  const heard: string[] = [];
  const watcher: ChartWatcher = {
    took: (event, state) => heard.push(`watcher ${event.type} from ${(state as State).kind}`),
  };
  const { m } = machine(watcher);
  m.heard = heard;
  m.dispatch({ type: 'openThenClose' });
  t.deepEqual(heard, [
    'hook idle-openThenClose->open',
    'watcher openThenClose from idle',
    'hook open-close->closed',
    'watcher close from open',
  ]);
});
