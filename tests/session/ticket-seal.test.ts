import test from 'ava';
import { TicketKeys } from '../../runtime/session/ticket-keys.js';
import {
  decodeTicketContents,
  encodeTicketContents,
  sealTicketContents,
  type TicketContents,
} from '../../runtime/session/ticket-contents.js';
import { ticketAddressOf } from '../../runtime/session/ticket-address.js';
import { scratchWriter } from '../../runtime/wire/scratch.js';
import { PROVIDERS } from '../support/providers.js';

/**
 * A server seals each ticket's contents straight from the scratch writer
 * (sealTicketContents): the ticket opens to the same contents as one sealed
 * from encodeTicketContents, and the scratch keeps no copy of the PSK after.
 */

const contents = (psk: Uint8Array): TicketContents => ({
  suite: 'tls_aes_128_gcm_sha256',
  psk,
  issuedAt: 1_700_000_000_000,
  lifetimeSeconds: 7200,
  ticketAgeAdd: 0x01020304,
  serverName: 'localhost',
  clientAuthenticated: false,
  maxEarlyData: 0,
  alpn: 'h3',
  address: ticketAddressOf('192.0.2.7:4433'),
  pskIdentity: new TextEncoder().encode('device-7'),
  grant: new Uint8Array(16).fill(0x5c),
  replayGeneration: new Uint8Array(16).fill(0x3e),
});

/** Whether `hay` holds `needle` anywhere. */
function holds(hay: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

for (const provider of PROVIDERS) {
  test(`${provider.name}: a ticket sealed from the scratch writer opens to its contents, and the scratch no longer holds the PSK`, (t) => {
    const keys = TicketKeys.random(provider);
    const psk = new Uint8Array(32).fill(0xa7);
    const ticket = sealTicketContents(keys, contents(psk));
    t.false(holds(scratchWriter('check').buf, psk));
    const opened = keys.open(ticket);
    t.truthy(opened);
    t.deepEqual(decodeTicketContents(opened!), contents(psk));
    // The same contents sealed the other way: same length (key id, nonce, tag), a different nonce.
    const other = keys.seal(encodeTicketContents(contents(psk)));
    t.is(other.length, ticket.length);
    t.notDeepEqual(other.subarray(4, 16), ticket.subarray(4, 16));
    t.deepEqual(decodeTicketContents(keys.open(other)!), contents(psk));
  });
}
