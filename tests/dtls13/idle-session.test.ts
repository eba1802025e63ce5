import test from 'ava';
import type { ConnectionOptions, DtlsConnection } from '../../runtime/connection/connection.js';
import type { RecordLayer } from '../../runtime/record/record-layer.js';
import { RecordLayerError } from '../../runtime/record/record-writer.js';
import { handshake, roundTrip } from '../support/handshake.js';
import { Link } from '../support/link.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { makePair } from '../support/stepper.js';

/**
 * What an idle connected session keeps: no chart actors (the handshake
 * chart's and the flight chart's are let go once connected and at rest, and
 * resumed for the next post-handshake event), and no write keys of the
 * early-data and handshake epochs once the last flight that used them is
 * done. Everything after the handshake still works across the releases.
 */

const serverId = makeIdentity('p256', 'server.test');
const clientId = makeIdentity('p256', 'client.test');

/** The parts of a connection these tests look into (private fields, read only). */
interface Insides {
  readonly driver: { readonly running?: unknown };
  readonly context: {
    readonly records: RecordLayer;
    readonly flight: { readonly running?: unknown; readonly state: string };
  };
}
const insides = (c: DtlsConnection): Insides => c.versionState as unknown as Insides;

function holdsActors(c: DtlsConnection): { handshake: boolean; flight: boolean } {
  const i = insides(c);
  return { handshake: i.driver.running !== undefined, flight: i.context.flight.running !== undefined };
}

/** Whether the record layer can still seal a record under `epoch`'s write keys. */
function writesEpoch(c: DtlsConnection, epoch: number): boolean {
  try {
    insides(c).context.records.writer.seal('handshake', new Uint8Array(4), { epoch });
    return true;
  } catch (e) {
    if (e instanceof RecordLayerError) return false;
    throw e;
  }
}

const idle = { handshake: false, flight: false };

test('once connected and at rest, both sides hold no chart actor and no handshake-epoch write keys', (t) => {
  const { link } = handshake(serverId, { server: { tickets: 1 } });
  link.run(link.now + 60_000); // the ticket flight acknowledged, every timer run out
  for (const side of [link.client, link.server]) {
    t.is(side.state, 'connected');
    t.deepEqual(holdsActors(side), idle, `${side.role}: actors let go`);
    t.false(writesEpoch(side, 2), `${side.role}: epoch 2 write keys dropped`);
    t.true(writesEpoch(side, 3), `${side.role}: epoch 3 still writes`);
    t.is(side.pollTimeout(), undefined, `${side.role}: no timer left`);
  }
  t.deepEqual(roundTrip(link, 'idle'), { atServer: ['idle to server'], atClient: ['idle to client'] });
});

test('the client keeps its epoch 2 write keys until its final flight is acknowledged, and resends it meanwhile', (t) => {
  // The server's first two datagrams once it is connected (its ACK of the client's Finished, and the next) are lost.
  const { client, server } = makePair(serverId, { server: { tickets: 0 } });
  let lost = 0;
  const link = new Link(client, server, {
    filter: (from) => from === 'client' || server.state !== 'connected' || lost++ >= 2,
  });
  client.connect(0);
  link.run(link.now + 500);
  t.is(client.state, 'connected');
  t.true(lost >= 1, 'the ACK of the final flight was lost');
  t.true(writesEpoch(client, 2), 'epoch 2 write keys kept while the final flight is open');
  t.true(holdsActors(client).flight, 'the flight controller is still timing the final flight');
  link.run(link.now + 120_000);
  t.true(client.stats.retransmissions >= 1, 'the final flight was resent under epoch 2');
  t.false(writesEpoch(client, 2), 'dropped once the flight was acknowledged');
  t.deepEqual(holdsActors(client), idle);
});

test('KeyUpdate, tickets, post-handshake authentication and close all run on resumed actors, which are let go again', (t) => {
  const { link } = handshake(serverId, {
    clientId,
    client: { postHandshakeAuth: true },
    server: { tickets: 1, trustAnchors: [clientId.caDer] },
  });
  link.run(link.now + 60_000);
  t.deepEqual(holdsActors(link.server), idle);

  link.client.updateKeys(true);
  link.run(link.now + 60_000);
  t.deepEqual(roundTrip(link, 'after update'), {
    atServer: ['after update to server'],
    atClient: ['after update to client'],
  });
  t.deepEqual(holdsActors(link.client), idle);
  t.deepEqual(holdsActors(link.server), idle);

  link.server.requestClientCertificate();
  link.run(link.now + 60_000);
  t.true(link.events.server.some((e) => e.type === 'clientAuthenticated'));
  t.deepEqual(holdsActors(link.server), idle);
  t.deepEqual(holdsActors(link.client), idle);

  link.client.close();
  link.run(link.now + 60_000);
  t.is(link.client.state, 'closed');
  t.is(link.server.state, 'closed');
});

test('with an inspect callback the actors are kept, so the inspector sees each one throughout', (t) => {
  const events: Parameters<NonNullable<ConnectionOptions['inspect']>>[0][] = [];
  const { link } = handshake(serverId, { server: { tickets: 1, inspect: (e) => events.push(e) } });
  link.run(link.now + 60_000);
  t.deepEqual(holdsActors(link.server), { handshake: true, flight: true });
  t.false(writesEpoch(link.server, 2), 'the keys go all the same');
  const before = events.filter((e) => e.type === '@xstate.actor').length;
  link.client.updateKeys(true);
  link.run(link.now + 60_000);
  t.is(events.filter((e) => e.type === '@xstate.actor').length, before, 'no new actor was created');
});
