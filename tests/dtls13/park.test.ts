import test from 'ava';
import { HANDSHAKE_KEYS_RETENTION_MS } from '../../runtime/connection/connection.js';
import { nativeProvider } from '../../runtime/crypto/native/index.js';
import { nodeProvider } from '../../runtime/crypto/node/index.js';
import { handshake, roundTrip } from '../support/handshake.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { answerWithin, retransmittedFinished } from '../support/retransmitted-finished.js';
import { makePair } from '../support/stepper.js';

/**
 * DtlsConnection.park: what a quiet session sheds. Its keys' contexts go
 * (made again by the next record), and once the handshake is twice the MSL
 * old its handshake keys (epoch 2) go too: until then the server still
 * answers a retransmitted final flight with its ACK (RFC 9147 §5.8.1).
 */

const serverId = makeIdentity('p256', 'server.test');
const SUITES = [
  'tls_aes_128_gcm_sha256',
  'tls_aes_256_gcm_sha384',
  'tls_chacha20_poly1305_sha256',
  'tls_aes_128_ccm_sha256',
] as const;
const providers = [...(nativeProvider ? [nativeProvider] : []), nodeProvider];

for (const provider of providers)
  for (const suite of SUITES)
    test(`${provider.name}, ${suite}: records flow both ways after park, again and again, and through a KeyUpdate`, (t) => {
      const options = { provider, cipherSuites: [suite] };
      const { link, parameters } = handshake(serverId, { client: options, server: options });
      t.is(parameters?.cipherSuite, suite);
      for (let round = 0; round < 3; round++) {
        link.client.park(link.now);
        link.server.park(link.now);
        t.deepEqual(roundTrip(link, `round ${round}`).atServer.at(-1), `round ${round} to server`);
        t.deepEqual(roundTrip(link, `more ${round}`).atClient.at(-1), `more ${round} to client`);
      }
      link.server.park(link.now);
      link.client.updateKeys(true);
      link.run(link.now + 60_000);
      link.client.park(link.now);
      t.deepEqual(roundTrip(link, 'updated').atServer.at(-1), 'updated to server');
      t.is(link.client.state, 'connected');
      t.is(link.server.state, 'connected');
    });

/** A server whose client resent its Finished (its answers lost): the copies captured, and the time of connecting. */
function retransmittedFinishedAtServer(): {
  server: ReturnType<typeof makePair>['server'];
  copies: Uint8Array[];
  now: number;
} {
  const { client, server } = makePair(serverId, { server: { tickets: 0 } });
  return { server, ...retransmittedFinished(client, server, 2) };
}

test('parked before 2 × MSL the server still ACKs a retransmitted Finished; parked after it, the handshake keys are gone and it is dropped', (t) => {
  const { server, copies, now } = retransmittedFinishedAtServer();
  t.is(server.state, 'connected');
  t.true(copies.length >= 2, 'the client resent its Finished twice');
  while (server.pollTransmit());
  server.park(now + 1000);
  server.receive(copies[0]!, now + 1000);
  t.truthy(answerWithin(server, now + 1000), 'an ACK: the epoch 2 keys are still held');
  const late = now + HANDSHAKE_KEYS_RETENTION_MS + 1;
  server.park(late);
  server.receive(copies[1]!, late);
  t.is(answerWithin(server, late), undefined, 'nothing: the epoch 2 keys went');
  t.is(server.state, 'connected', 'the session carries on');
});
