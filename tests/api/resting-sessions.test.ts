/**
 * RestingSessions (runtime/api/resting-sessions.ts), its sweep run over real server sessions on UDP: a session quiet
 * for idleMs is closed (close_notify: its client sees the end), one quiet for parkMs is parked (and hibernated at
 * rest), and one that talks again is scheduled anew. Without limits there is no sweep at all.
 */
import test from 'ava';
import { RestingSessions } from '../../runtime/api/resting-sessions.js';
import { until } from '../node/support.js';
import { echo, echoPair } from './echo-pair.js';

test('a session quiet past idleMs is closed, and its client hears close_notify', async (t) => {
  // The listener's own sweep is off (idleTimeout and parkAfterMs 0): only this one acts.
  const pair = await echoPair({ idleTimeout: 0, parkAfterMs: 0 });
  const resting = new RestingSessions({ idleMs: 50, parkMs: 0 });
  try {
    let clientClosed = false;
    void pair.client.closed.then(() => (clientClosed = true));
    resting.schedule(pair.server.driver);
    await until(() => clientClosed);
    t.true(clientClosed, 'the client heard the end');
    t.true(pair.server.driver.isEnded);
    t.is(resting.counts.idleClosed, 1);
    t.is(resting.counts.parked, 0);
  } finally {
    resting.close();
    await pair.close();
  }
});

test('a session quiet past parkMs is parked and hibernated; talking wakes it, and it is parked again', async (t) => {
  const pair = await echoPair({ idleTimeout: 0, parkAfterMs: 0 });
  const resting = new RestingSessions({ idleMs: 0, parkMs: 50 });
  try {
    resting.schedule(pair.server.driver);
    await until(() => pair.server.driver.rest.parked);
    t.true(pair.server.driver.rest.parked);
    // At least once: on a loaded machine a late datagram of the handshake can wake it, and it is parked again.
    t.true(resting.counts.parked >= 1);
    await until(() => pair.server.driver.rest.hibernated);
    t.true(resting.counts.hibernated >= 1);
    t.is(await echo(pair.client, 'wake'), 'wake');
    t.false(pair.server.driver.rest.parked);
    const parked = resting.counts.parked;
    resting.woke(pair.server.driver);
    await until(() => resting.counts.parked === parked + 1);
    t.is(resting.counts.parked, parked + 1, 'quiet again: parked again');
    t.is(resting.counts.idleClosed, 0);
    t.false(pair.server.driver.isEnded);
  } finally {
    resting.close();
    await pair.close();
  }
});

test('a cancelled session is not swept; without limits nothing is', async (t) => {
  const pair = await echoPair({ idleTimeout: 0, parkAfterMs: 0 });
  const resting = new RestingSessions({ idleMs: 20, parkMs: 0 });
  const none = new RestingSessions({ idleMs: 0, parkMs: 0 });
  try {
    resting.schedule(pair.server.driver);
    none.schedule(pair.server.driver);
    resting.cancel(pair.server.driver);
    // A second session, scheduled after: once it is swept, the first one's time was long past too.
    const other = await pair.another();
    resting.schedule(pair.accepted[1]!.driver);
    await until(() => pair.accepted[1]!.driver.isEnded);
    t.true(pair.accepted[1]!.driver.isEnded);
    void other;
    t.is(resting.counts.idleClosed, 1);
    t.false(pair.server.driver.isEnded, 'the cancelled one is still open');
    t.is(await echo(pair.client, 'still'), 'still');
    t.deepEqual(none.counts, { idleClosed: 0, parked: 0, hibernated: 0 });
  } finally {
    resting.close();
    none.close();
    await pair.close();
  }
});
