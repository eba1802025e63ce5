import test from 'ava';
import { connect, listen } from '../../runtime/index.js';
import { nextMessage, pemIdentity, sleep } from '../api/fixtures.js';
import { LossyProxy } from '../support/udp-relay.js';

/**
 * Issue 27 item 3 over real UDP: `updateKeys()` after the session idled
 * sends the KeyUpdate once, not with a burst of "retransmissions" timed
 * from the last time the connection was told; the datagrams are counted
 * by a relay between the peers.
 */

const id = pemIdentity('localhost');

test('updateKeys() after 2 s of idleness: one datagram until the server acknowledges', async (t) => {
  const listener = listen((s) => (s.onmessage = (data) => s.send(data)), {
    cert: id.cert,
    key: id.key,
    host: '127.0.0.1',
  });
  const { port } = await listener.listening;
  let counting = false;
  let fromClient = 0;
  let answered: (() => void) | undefined;
  const serverAnswered = new Promise<void>((resolve) => (answered = resolve));
  const relay = await LossyProxy.start(port, (from) => {
    if (counting) {
      if (from === 'client') fromClient++;
      else answered?.();
    }
    return 'pass';
  });
  const session = connect('127.0.0.1', relay.port, { ca: id.ca, servername: 'localhost' });
  await session.opened;
  const reply = nextMessage(session);
  session.send('before the idle period');
  t.is((await reply).toString(), 'before the idle period');
  await sleep(2000);
  counting = true;
  session.updateKeys(false);
  await serverAnswered;
  await sleep(100); // a burst of retransmissions leaves within a millisecond; the first real one is due 1 s after the KeyUpdate
  counting = false;
  t.is(fromClient, 1, 'the KeyUpdate, once');
  const after = nextMessage(session);
  session.send('after the KeyUpdate');
  t.is((await after).toString(), 'after the KeyUpdate');
  await session.close();
  relay.close();
  await listener.close();
});
