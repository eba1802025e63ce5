/**
 * What both version states build on (runtime/shared/version-state-base.ts), through real connections of each
 * version: a record the record-rule table sets aside counted by its reason; an application callback that failed ends
 * the connection with internal_error, the throw kept; a deadline that passed reports `closed` as `timeout` (the idle
 * one after close_notify); keys freed only once the connection has ended.
 */
import test from 'ava';
import { DtlsConnection, type DtlsOptions } from '../../runtime/connection/connection.js';
import type { ConnectionEvent } from '../../runtime/shared/events.js';
import { createThrowawayIdentity } from '../../runtime/pki/throwaway-identity.js';
import { plaintextRecord } from '../support/attacker.js';

const NOW = Date.UTC(2026, 10, 21);
const id = createThrowawayIdentity({ serverName: 'base.test', caName: 'base CA', at: NOW });
const serverOptions: DtlsOptions = {
  certificate: { chain: id.chain, privateKey: id.privateKey },
  wallClock: () => NOW,
  amplificationLimit: false, // an in-memory peer: tests/shared/amplification-limit.test.ts tests the limit
};
const clientOptions: DtlsOptions = { trustAnchors: [id.caDer], serverName: 'base.test', wallClock: () => NOW };

function pair(version: 'DTLSv1.2' | 'DTLSv1.3', extra: DtlsOptions = {}) {
  const only = { minVersion: version, maxVersion: version };
  return {
    client: DtlsConnection.client({ ...clientOptions, ...only, ...extra }),
    server: DtlsConnection.server({ ...serverOptions, ...only, ...extra }),
  };
}

function pump(client: DtlsConnection, server: DtlsConnection, now: number): void {
  for (let moved = true; moved;) {
    moved = false;
    for (let d = client.pollTransmit(); d; d = client.pollTransmit(), moved = true) server.receive(d, now);
    for (let d = server.pollTransmit(); d; d = server.pollTransmit(), moved = true) client.receive(d, now);
  }
}

function drain(c: DtlsConnection): ConnectionEvent[] {
  const out: ConnectionEvent[] = [];
  for (let e = c.pollEvent(); e; e = c.pollEvent()) out.push(e);
  return out;
}

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const received = (events: readonly ConnectionEvent[]): string[] =>
  events.flatMap((e) => (e.type === 'data' ? [new TextDecoder().decode(e.data)] : []));

for (const version of ['DTLSv1.2', 'DTLSv1.3'] as const) {
  test(`${version}: a record its rows refuse before the handshake is set aside, counted once by its reason`, (t) => {
    const { client, server } = pair(version);
    // Plaintext application data (1.2), a plaintext ACK (1.3: its record layer drops plaintext application data itself).
    const forged = version === 'DTLSv1.2' ? 'application_data' : 'ack';
    server.receive(plaintextRecord(forged, Uint8Array.of(0, 0), 1), 0);
    t.is(server.stats.ignored['unauthenticated-violation'], 1);
    t.is(server.failure, undefined);
    client.connect(0);
    pump(client, server, 1);
    t.is(server.state, 'connected', 'the handshake completes after it');
    t.is(server.stats.ignored['unauthenticated-violation'], 1);
  });

  test(`${version}: a failed application callback ends it with internal_error, the throw kept; later ones change nothing`, (t) => {
    const { client, server } = pair(version);
    client.connect(0);
    pump(client, server, 1);
    const thrown = new Error('the handler threw');
    client.failForCallback('onmessage', thrown);
    t.is(client.failure?.alert, 'internal_error');
    t.is(client.failure?.callbackError, thrown);
    client.failForCallback('onmessage', new Error('again'));
    t.is(client.failure?.callbackError, thrown, 'the first failure stays');
    t.like(drain(client).at(-1), { type: 'closed', reason: 'failed' });
  });

  test(`${version}: the idle deadline closes with close_notify, reported closed as timeout`, (t) => {
    const { client, server } = pair(version, { idleTimeoutMs: 1_000 });
    client.connect(0);
    pump(client, server, 1);
    drain(server);
    server.handleTimeout(1_001);
    t.is(server.expired, 'idle');
    t.is(server.state, 'closed');
    t.deepEqual(drain(server).at(-1), { type: 'closed', reason: 'timeout' });
    for (let d = server.pollTransmit(); d; d = server.pollTransmit()) client.receive(d, 1_001);
    t.is(client.state, 'closed', 'its close_notify closed the client');
    t.like(drain(client).at(-1), { type: 'closed', reason: 'close_notify' });
  });

  test(`${version}: the handshake deadline fails it with handshake_failure, reported closed as timeout`, (t) => {
    const { client } = pair(version, { handshakeTimeoutMs: 1_000 });
    client.connect(0);
    while (client.pollTransmit());
    client.handleTimeout(1_000);
    t.is(client.expired, 'handshake');
    t.is(client.failure?.alert, 'handshake_failure');
    t.deepEqual(drain(client).at(-1), { type: 'closed', reason: 'timeout' });
  });

  test(`${version}: keys are freed only once ended: before, the session goes on`, (t) => {
    const { client, server } = pair(version);
    client.connect(0);
    pump(client, server, 1);
    client.releaseKeys();
    server.releaseKeys();
    client.send(text('still'), 2);
    server.send(text('talking'), 2);
    pump(client, server, 2);
    t.deepEqual(received(drain(server)), ['still']);
    t.deepEqual(received(drain(client)), ['talking']);
  });
}
