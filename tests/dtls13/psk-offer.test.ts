/**
 * The PSK a client offers (runtime/dtls13/psk-offer.ts, RFC 8446 §4.2.9 to §4.2.11): which one (a live ticket of a
 * suite we still offer, else the external PSK if its hash fits a suite), the obfuscated ticket age and its wrap,
 * the extensions with pre_shared_key last, whether early data fits the ticket, and the binder written over the
 * placeholder of an encoded ClientHello.
 */
import { createHash } from 'node:crypto';
import test from 'ava';
import { decodeClientHello } from '../../generated/wire/index.js';
import { resolveConfig } from '../../runtime/shared/config.js';
import type { DtlsConfig } from '../../runtime/shared/config-options.js';
import { clientHelloBody } from '../../runtime/shared/messages.js';
import { binderFor } from '../../runtime/shared/psk-binder.js';
import {
  bindClientHello,
  earlyDataFits,
  obfuscatedTicketAge,
  pskExtensions,
  pskOfferFor,
  ticketModesExtension,
  type PskOffer,
} from '../../runtime/dtls13/psk-offer.js';
import { nodeProvider } from '../../runtime/crypto/node/index.js';
import { Transcript } from '../../runtime/keyschedule/transcript.js';
import type { ClientSession } from '../../runtime/session/client-session.js';

const NOW = Date.UTC(2026, 10, 27);
const ticket: ClientSession = {
  suite: 'tls_aes_256_gcm_sha384',
  serverName: undefined,
  ticket: Uint8Array.of(1, 2, 3, 4),
  psk: new Uint8Array(48).fill(7),
  ticketAgeAdd: 0xffff_fff0,
  receivedAt: NOW - 10_000,
  lifetimeSeconds: 3600,
  maxEarlyData: 1000,
};
const external = { identity: 'client-1', key: new Uint8Array(32).fill(9) };

const client = (o: Partial<DtlsConfig>) => resolveConfig('client', { checkServerIdentity: false, ...o });

test('a live ticket of a suite we offer is offered as resumption, with its ticket as the identity', (t) => {
  const offer = pskOfferFor(client({ session: ticket, psk: external }), NOW);
  t.is(offer?.kind, 'resumption');
  t.deepEqual([...(offer?.identity ?? [])], [1, 2, 3, 4]);
  t.is(offer?.hash, 'sha384');
  t.is(offer?.session, ticket);
});

test('an expired ticket is not offered: the external PSK is, and at the last millisecond the ticket still is', (t) => {
  const expiresAt = ticket.receivedAt + ticket.lifetimeSeconds * 1000;
  t.is(pskOfferFor(client({ session: ticket, psk: external }), expiresAt - 1)?.kind, 'resumption');
  const after = pskOfferFor(client({ session: ticket, psk: external }), expiresAt);
  t.is(after?.kind, 'external');
  t.deepEqual([...(after?.identity ?? [])], [...new TextEncoder().encode('client-1')]);
  t.is(after?.session, undefined);
  t.is(pskOfferFor(client({ session: ticket }), expiresAt), undefined);
});

test('a ticket of a suite no longer configured is not offered', (t) => {
  const config = client({ session: ticket, cipherSuites: ['tls_aes_128_gcm_sha256'] });
  t.is(pskOfferFor(config, NOW), undefined);
  t.is(pskOfferFor(client({ session: ticket, cipherSuites: ['tls_aes_256_gcm_sha384'] }), NOW)?.kind, 'resumption');
});

test('an external PSK whose hash goes with none of our suites is not offered; the function gets the server name', (t) => {
  const sha384 = { ...external, hash: 'sha384' as const };
  t.is(pskOfferFor(client({ psk: sha384, cipherSuites: ['tls_aes_128_gcm_sha256'] }), NOW), undefined);
  t.is(pskOfferFor(client({ psk: sha384, cipherSuites: ['tls_aes_256_gcm_sha384'] }), NOW)?.hash, 'sha384');
  const asked: (string | undefined)[] = [];
  const byName = client({
    serverName: 'psk.example',
    psk: (name: string | undefined) => (asked.push(name), name === 'psk.example' ? external : undefined),
  });
  t.is(pskOfferFor(byName, NOW)?.kind, 'external');
  t.deepEqual(asked, ['psk.example']);
  t.is(pskOfferFor(client({ serverName: 'other.example', psk: () => undefined }), NOW), undefined);
});

test('obfuscated_ticket_age: age in ms plus ticket_age_add mod 2^32, never a negative age, 0 for an external PSK', (t) => {
  const offer = pskOfferFor(client({ session: ticket }), NOW)!;
  t.is(obfuscatedTicketAge(offer, NOW), (10_000 + 0xffff_fff0) % 2 ** 32);
  t.is(obfuscatedTicketAge(offer, NOW), 9_984);
  // A wall clock set back before the ticket arrived counts as age 0.
  t.is(obfuscatedTicketAge(offer, ticket.receivedAt - 5_000), 0xffff_fff0);
  t.is(obfuscatedTicketAge(pskOfferFor(client({ psk: external }), NOW)!, NOW), 0);
});

test('pskExtensions: early_data first when asked, the modes, and pre_shared_key last with a placeholder binder', (t) => {
  const offer = pskOfferFor(client({ session: ticket }), NOW)!;
  const withEarly = pskExtensions(offer, ['psk_ke', 'psk_dhe_ke'], NOW, true);
  t.deepEqual(
    withEarly.map((e) => e.extensionType),
    ['early_data', 'psk_key_exchange_modes', 'pre_shared_key'],
  );
  const without = pskExtensions(offer, ['psk_dhe_ke'], NOW, false);
  t.deepEqual(
    without.map((e) => e.extensionType),
    ['psk_key_exchange_modes', 'pre_shared_key'],
  );
  const psk = without[1];
  if (psk?.extensionType !== 'pre_shared_key' || !('binders' in psk.extensionData)) return t.fail('no offered PSKs');
  t.is(psk.extensionData.identities[0]?.obfuscatedTicketAge, 9_984);
  t.deepEqual([...(psk.extensionData.binders[0]?.binder ?? [])], new Array<number>(48).fill(0));
  t.deepEqual(ticketModesExtension(['psk_ke']), [
    { extensionType: 'psk_key_exchange_modes', extensionData: { keModes: ['psk_ke'] } },
  ]);
});

test('earlyDataFits: only with a resumption ticket, 1 byte up to its max_early_data_size', (t) => {
  const resumed = pskOfferFor(client({ session: ticket }), NOW)!;
  const ext = pskOfferFor(client({ psk: external }), NOW)!;
  t.true(earlyDataFits(resumed, new Uint8Array(1000)));
  t.false(earlyDataFits(resumed, new Uint8Array(1001)));
  t.false(earlyDataFits(resumed, new Uint8Array(0)));
  t.false(earlyDataFits(resumed, undefined));
  t.false(earlyDataFits(ext, new Uint8Array(1)));
  t.false(earlyDataFits(undefined, new Uint8Array(1)));
  const noEarly: PskOffer = { ...resumed, session: { ...ticket, maxEarlyData: 0 } };
  t.false(earlyDataFits(noEarly, new Uint8Array(1)));
});

test('bindClientHello writes the binder over the placeholder, computed over the hello before its binders', (t) => {
  const config = client({ session: ticket });
  const offer = pskOfferFor(config, NOW)!;
  const shares = [{ group: 'x25519' as const, publicKey: new Uint8Array(32).fill(5) }];
  const body = clientHelloBody(
    config,
    new Uint8Array(32),
    shares,
    undefined,
    pskExtensions(offer, ['psk_dhe_ke'], NOW, false),
  );
  const unbound = body.slice();
  bindClientHello(nodeProvider, body, offer, new Transcript(nodeProvider));
  const bindersBytes = 2 + 1 + 48;
  t.deepEqual([...body.subarray(0, body.length - 48)], [...unbound.subarray(0, body.length - 48)]);
  const n = body.length;
  const helloHash = createHash('sha384')
    .update(Uint8Array.of(1, n >> 16, (n >> 8) & 0xff, n & 0xff))
    .update(body.subarray(0, n - bindersBytes))
    .digest();
  const expected = binderFor(nodeProvider, offer, helloHash);
  const psk = decodeClientHello(body).extensions.at(-1);
  if (psk?.extensionType !== 'pre_shared_key' || !('binders' in psk.extensionData)) return t.fail('not last');
  t.deepEqual([...(psk.extensionData.binders[0]?.binder ?? [])], [...expected]);
});

test('bindClientHello refuses a transcript a HelloRetryRequest fixed to another hash', (t) => {
  const config = client({ session: ticket });
  const offer = pskOfferFor(config, NOW)!;
  const before = new Transcript(nodeProvider);
  before.selectHash('sha256');
  const body = clientHelloBody(
    config,
    new Uint8Array(32),
    [],
    undefined,
    pskExtensions(offer, ['psk_dhe_ke'], NOW, false),
  );
  t.throws(() => bindClientHello(nodeProvider, body, offer, before), {
    message: /PSK offered with a transcript of another hash/,
  });
});
