import test from 'ava';
import { nativeProvider } from '../../runtime/crypto/native/index.js';
import { OPEN_RUNS, OPENED_AHEAD } from '../../runtime/record/opened-ahead.js';
import { bed, message, MESSAGE, until } from './batch-bed.js';

/**
 * A replayed datagram costs one decryption (docs/security/README.md), in a run too. The addon opened the k-th record of
 * a run expecting sequence number `expected + k`, while the window, when the record is taken, expects less if the
 * records before it in the run were replays: a DTLS 1.3 record's 16-bit sequence number about 2^15 behind then
 * reconstructed to another number, take() refused the result and the record was opened again alone (7 of 8 replays
 * opened twice). The addon now expects what the window will: one past the newest record that authenticated. Over
 * real UDP: the relay keeps 8 of the client's datagrams, 32,760 more follow, then one new datagram and the 8 kept ones
 * arrive in one receive batch. Without the addon (DTLS13_NATIVE=0) there are no runs: each record is opened alone, with
 * the window's own expectation, so the same burst checks that nothing is opened ahead and every replay is dropped; the
 * 32,760 records between serve only the addon's case (a sequence number about 2^15 behind), so the fallback sends 64.
 */

const runs = nativeProvider !== undefined && OPEN_RUNS;
const OLD = 8;
const BETWEEN = runs ? 32_760 : 64;

test.serial(
  `DTLSv1.3: old datagrams replayed in a ${runs ? 'run are each opened once' : 'batch (no runs without the addon) are dropped, none opened ahead'}`,
  async (t) => {
    const b = await bed(t, 'DTLSv1.3', () => {});
    const old = await b.burst(OLD, 0);
    b.release(old);
    await until(`${OLD} messages`, () => b.received.length >= OLD);
    for (let sent = 0; sent < BETWEEN;) {
      const n = Math.min(64, BETWEEN - sent);
      for (let i = 0; i < n; i++) b.client.send(message(OLD + sent + i));
      sent += n;
      await until(`${OLD + sent} messages`, () => b.received.length >= OLD + sent, 30_000);
    }
    const fresh = await b.burst(1, OLD + BETWEEN);
    const before = { ...OPENED_AHEAD };
    b.release([...fresh, ...old]);
    await until('the new message', () => b.received.length >= OLD + BETWEEN + 1);
    const session = b.session()!;
    await until('the replays to be dropped', () => {
      const d = session.stats.connectionStats!.drops;
      return d.replay + d['too-old'] + d.authentication >= OLD;
    });
    const opened = OPENED_AHEAD.opened - before.opened;
    const taken = OPENED_AHEAD.taken - before.taken;
    t.log(`${opened} opened in the run, ${taken} taken from it; drops`, session.stats.connectionStats!.drops);
    t.is(b.received.length, OLD + BETWEEN + 1);
    t.is(b.received.at(-1), message(OLD + BETWEEN));
    t.true(b.received.every((m) => m.length === MESSAGE));
    t.is(opened, runs ? OLD + 1 : 0, 'the new datagram and the replays were opened in one run (without runs: none)');
    t.is(taken, opened, 'no record of the run was opened a second time');
  },
);
