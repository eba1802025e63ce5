import test from 'ava';
import { decodeClientHello, decodeDtlsHandshake, type ClientHello } from '../../generated/wire/index.js';
import type { ConnectionOptions } from '../../runtime/connection/connection.js';
import { findExtension } from '../../runtime/handshake/extensions.js';
import { decodeDatagram } from '../../runtime/wire/datagram.js';
import { handshake } from '../support/handshake.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { makePair } from '../support/stepper.js';

// A client without a ticket still lists psk_key_exchange_modes: RFC 8446 §4.2.9 ties the tickets a server may issue to
// the modes the client lists, and servers that follow it send no NewSessionTicket to a client that lists none, so
// without it such a client could never resume.

const id = makeIdentity('p256', 'server.test');

function firstClientHello(client: ConnectionOptions = {}): ClientHello {
  const pair = makePair(id, { client });
  pair.client.connect(0);
  const [record] = decodeDatagram(pair.client.pollTransmit()!);
  if (record?.kind !== 'plaintext') throw new Error('no ClientHello');
  return decodeClientHello(decodeDtlsHandshake(record.record.fragment).fragment);
}

test('a first ClientHello without a ticket offers psk_key_exchange_modes psk_dhe_ke, and no pre_shared_key', (t) => {
  const ch = firstClientHello();
  t.deepEqual(findExtension(ch.extensions, 'psk_key_exchange_modes')?.keModes, ['psk_dhe_ke']);
  t.is(findExtension(ch.extensions, 'pre_shared_key'), undefined);
});

test('the modes offered without a ticket are the configured pskKeyExchangeModes', (t) => {
  const ch = firstClientHello({ pskKeyExchangeModes: ['psk_dhe_ke', 'psk_ke'] });
  t.deepEqual(findExtension(ch.extensions, 'psk_key_exchange_modes')?.keModes, ['psk_dhe_ke', 'psk_ke']);
});

test('a ClientHello with a ticket lists the modes once, before pre_shared_key (the last extension)', (t) => {
  const { link } = handshake(id, { server: { ticketKeys: new Uint8Array(32).fill(7) } });
  const ticket = link.events.client.find((e) => e.type === 'sessionTicket');
  if (ticket?.type !== 'sessionTicket') throw new Error('no ticket');
  const ch = firstClientHello({ session: ticket.session });
  const types = ch.extensions.map((e) => e.extensionType);
  t.is(types.filter((x) => x === 'psk_key_exchange_modes').length, 1);
  t.is(types.at(-1), 'pre_shared_key');
});
