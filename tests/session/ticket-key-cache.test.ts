/**
 * Ticket keys per server (runtime/session/ticket-key-cache.ts): without `ticketKeys`, each server (options object)
 * gets random keys of its own, so a ticket one listener issued opens at no other; with the option, servers given
 * the same option object share keys, and rotating them there reaches every one; released keys open nothing.
 */
import test from 'ava';
import { nodeProvider } from '../../runtime/crypto/node/index.js';
import { releaseOwnTicketKeys, rotateTicketKeys, ticketKeysFor } from '../../runtime/session/ticket-key-cache.js';

const contents = Uint8Array.of(1, 2, 3, 4);

test('without the option: one key ring per owner, made once; another owner cannot open its tickets', (t) => {
  const a = {};
  const b = {};
  const keysA = ticketKeysFor(nodeProvider, undefined, a);
  t.is(ticketKeysFor(nodeProvider, undefined, a), keysA, 'the same ring on every call for one server');
  const keysB = ticketKeysFor(nodeProvider, undefined, b);
  t.not(keysB, keysA);
  const ticket = keysA.seal(contents);
  t.deepEqual(keysA.open(ticket), contents);
  t.is(keysB.open(ticket), undefined, 'a ticket taken to another listener opens nothing there');
});

test('with the option: servers given the same option object share one ring; rotation reaches it', (t) => {
  const option = [new Uint8Array(32).fill(1)];
  const one = ticketKeysFor(nodeProvider, option, {});
  t.is(ticketKeysFor(nodeProvider, option, {}), one);
  const old = one.seal(contents);
  t.true(rotateTicketKeys(option, [new Uint8Array(32).fill(2), new Uint8Array(32).fill(1)]));
  const fresh = one.seal(contents);
  t.deepEqual(one.open(old), contents, 'the old key still opens while it is in the ring');
  t.deepEqual(one.open(fresh), contents);
  t.true(rotateTicketKeys(option, new Uint8Array(32).fill(3)));
  t.is(one.open(old), undefined, 'dropped from the ring: its tickets open no more');
  t.is(one.open(fresh), undefined);
  t.false(rotateTicketKeys([new Uint8Array(32)], new Uint8Array(32)), 'an option object no server was made with');
});

test("released own keys open nothing, and the owner's next ring is a new one", (t) => {
  const owner = {};
  const keys = ticketKeysFor(nodeProvider, undefined, owner);
  const ticket = keys.seal(contents);
  releaseOwnTicketKeys(owner);
  t.is(keys.open(ticket), undefined);
  const again = ticketKeysFor(nodeProvider, undefined, owner);
  t.not(again, keys);
  t.is(again.open(ticket), undefined);
  t.notThrows(() => releaseOwnTicketKeys({}), 'an owner with no keys');
});
