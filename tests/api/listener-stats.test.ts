import test from 'ava';
import { connect, listen } from '../../runtime/index.js';
import { pemIdentity } from './fixtures.js';

const id = pemIdentity('localhost');

test("the listener's stats split refusals by cap: a full server counts refusedGlobal, a host over its share refusedPerHost", async (t) => {
  for (const [limits, reason, other] of [
    [{ maxSessions: 1 }, 'refusedGlobal', 'refusedPerHost'],
    [{ maxSessionsPerHost: 1 }, 'refusedPerHost', 'refusedGlobal'],
  ] as const) {
    const listener = listen(() => {}, { cert: id.cert, key: id.key, host: '127.0.0.1', ...limits });
    const { port } = await listener.listening;
    const first = connect('127.0.0.1', port, { ca: id.ca, servername: 'localhost' });
    await first.opened;
    t.is(listener.stats[reason], 0);
    const refused = connect('127.0.0.1', port, { ca: id.ca, servername: 'localhost', handshakeTimeout: 1500 });
    await t.throwsAsync(refused.opened);
    t.true(listener.stats[reason] >= 1, `${reason}: ${listener.stats[reason]}`);
    t.is(listener.stats[other], 0);
    t.is(listener.stats.serverRefusedCount, listener.stats[reason]);
    t.is(listener.stats.pendingClientHellos, 0);
    t.is(listener.stats.storeRejections, 0);
    t.like(listener.stats.antiReplay, { waiting: 0, overflowed: 0 });
    await first.close();
    await listener.close();
  }
});
