import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { createActor, createMachine } from 'xstate';
import { sharedDtls13FlightMachine } from '../../generated/charts/dtls13-flight-machine.js';
import { dtls13FlightInput, type Dtls13FlightImplementation } from '../../generated/charts/index.js';
import { ROOT } from '../support/spec.js';

/** spec/charts: plain XState JSON, loaded unchanged; the generated implementation types catch missing names. */

const charts = readdirSync(join(ROOT, 'spec/charts')).filter((n) => n.endsWith('.json'));

test('every chart loads unchanged with createMachine, and generated/charts carries it for the inspector', (t) => {
  t.true(charts.length >= 3);
  for (const name of charts) {
    const text = readFileSync(join(ROOT, 'spec/charts', name), 'utf8');
    const machine = createMachine(JSON.parse(text));
    t.true(Object.keys(machine.states).length > 3, name);
    t.deepEqual(JSON.parse(readFileSync(join(ROOT, 'generated/charts', name), 'utf8')), JSON.parse(text));
  }
});

test('an implementation missing a named action or guard does not compile', (t) => {
  const complete: Dtls13FlightImplementation<object> = {
    actions: {
      bufferFlight: () => {},
      transmitFlight: () => {},
      backOffTimer: () => {},
      reportTimeout: () => {},
      dropAcknowledged: () => {},
      measureRoundTrip: () => {},
      discardFlight: () => {},
      retransmitAck: () => {},
    },
    guards: { retransmissionsLeft: () => true, flightOptional: () => false },
    delays: { retransmitTimeout: () => 1000 },
  };
  const missing: Dtls13FlightImplementation<object> = {
    ...complete,
    // @ts-expect-error retransmitAck is missing
    actions: { ...complete.actions, retransmitAck: undefined },
  };
  const misspelled: Dtls13FlightImplementation<object> = {
    ...complete,
    // @ts-expect-error a guard the chart does not name
    guards: { retransmissionLeft: () => true, flightOptional: () => false },
  };
  t.truthy(missing && misspelled);
  // The complete implementation runs: the shared machine calls the actor's own actions with the actor's own context.
  const context = { transmitted: 0 };
  const counting: Dtls13FlightImplementation<typeof context> = {
    ...complete,
    actions: { ...complete.actions, transmitFlight: ({ context: c }) => void c.transmitted++ },
  };
  const actor = createActor(sharedDtls13FlightMachine(), { input: dtls13FlightInput(counting, context) }).start();
  actor.send({ type: 'flightReady' });
  t.is(context.transmitted, 1);
  t.is(actor.getSnapshot().value, 'waiting');
  actor.stop(); // its retransmission timer would keep the process alive
});
