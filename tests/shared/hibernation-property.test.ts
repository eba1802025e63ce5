import test from 'ava';
import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { DtlsConnection } from '../../runtime/connection/connection.js';
import { frozenSessionStats } from '../../runtime/dtls13/connection-hibernation.js';
import { resolveConfig } from '../../runtime/shared/config.js';
import { screenFrozen } from '../../runtime/shared/hibernation.js';
import { bytesFrom, forgedCiphertext, plaintextAlert } from '../support/attacker.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';

/**
 * Hibernation is invisible to the peer: in any run of sends both ways,
 * KeyUpdates either way and time passing, a server that is frozen and
 * thawed whenever it is at rest (and left alone when it is not) delivers
 * and receives every message once and in order, and both ends stay
 * connected; and after two quiet minutes it is always at rest (a peer that
 * updated its keys and has not sent since included). Datagrams in flight
 * when it freezes reach the thawed one. Forged datagrams screened at the
 * frozen session thaw nothing, and what they count shows in the thawed
 * connection's stats.
 */

const serverId = makeIdentity('p256', 'server.test');
const wallClock = (): number => TEST_TIME;
const config = resolveConfig('server', { certificate: { chain: serverId.chain, privateKey: serverId.privateKey } });
const screening = {
  provider: config.provider,
  replayWindow: config.replayWindow,
  maxRecordsPerDatagram: config.limits.maxRecordsPerDatagram,
  ownsConnectionId: (): boolean => false,
};

type Step =
  | { readonly kind: 'clientSend' | 'serverSend'; readonly size: number }
  | { readonly kind: 'clientKeyUpdate' | 'serverKeyUpdate'; readonly requestPeer: boolean }
  | { readonly kind: 'wait'; readonly ms: number }
  | { readonly kind: 'hibernate' };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constantFrom('clientSend' as const, 'serverSend' as const),
    size: fc.integer({ min: 1, max: 1000 }),
  }),
  fc.record({
    kind: fc.constantFrom('clientKeyUpdate' as const, 'serverKeyUpdate' as const),
    requestPeer: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 3000 }) }),
  fc.record({ kind: fc.constant('hibernate' as const) }),
);

/** Two ends over a link of 5 ms each way whose server can be swapped for its thawed self. */
class Run {
  now = 0;
  server = DtlsConnection.serverSharing(config, { wallClock });
  readonly client = DtlsConnection.client({ trustAnchors: [serverId.caDer], serverName: 'server.test', wallClock });
  private readonly wire: { at: number; to: 'client' | 'server'; d: Uint8Array }[] = [];
  readonly received = { client: [] as string[], server: [] as string[] };
  hibernations = 0;
  /** Freezes whose form showed other stats than the connection thawed from it (frozenSessionStats). */
  statsMismatches = 0;
  /** Forged datagrams screened at a frozen session that asked for a thaw. */
  forgedThaws = 0;

  constructor() {
    this.client.connect(0);
    this.advance(2000);
  }

  private end(side: 'client' | 'server'): DtlsConnection {
    return side === 'client' ? this.client : this.server;
  }

  private collect(): void {
    for (const side of ['client', 'server'] as const) {
      const c = this.end(side);
      for (let d = c.pollTransmit(); d; d = c.pollTransmit())
        this.wire.push({ at: this.now + 5, to: side === 'client' ? 'server' : 'client', d });
      for (let e = c.pollEvent(); e; e = c.pollEvent())
        if (e.type === 'data') this.received[side].push(new TextDecoder().decode(e.data));
    }
  }

  /** Delivers and runs timers until `ms` from now. */
  advance(ms: number): void {
    const until = this.now + ms;
    this.collect();
    for (;;) {
      const timers = [this.client.pollTimeout(), this.server.pollTimeout(), ...this.wire.map((w) => w.at)].filter(
        (t): t is number => t !== undefined,
      );
      const next = Math.min(...timers);
      if (!Number.isFinite(next) || next > until) break;
      this.now = Math.max(this.now, next);
      for (const w of this.wire.filter((x) => x.at <= this.now)) this.end(w.to).receive(w.d, this.now);
      this.wire.splice(0, this.wire.length, ...this.wire.filter((x) => x.at > this.now));
      this.client.handleTimeout(this.now);
      this.server.handleTimeout(this.now);
      this.collect();
    }
    this.now = until;
  }

  hibernate(): void {
    let frozen = this.server.hibernate(this.now);
    if (frozen === undefined) return;
    this.hibernations++;
    for (const forged of [
      forgedCiphertext(3, this.hibernations, bytesFrom(this.hibernations, 32)),
      plaintextAlert('fatal', 'bad_record_mac'),
    ]) {
      const kept = screenFrozen(frozen, forged, screening);
      if (kept === undefined) this.forgedThaws++;
      frozen = kept ?? frozen;
    }
    const unthawed = frozenSessionStats(frozen);
    this.server = DtlsConnection.thaw(config, { wallClock }, frozen, this.now);
    if (!isDeepStrictEqual(unthawed, this.server.stats)) this.statsMismatches++;
  }
}

test('frozen and thawed whenever at rest, a server delivers and receives every message once, in order, through KeyUpdates', (t) => {
  let runs = 0;
  let frozen = 0;
  let midRun = 0;
  let statsMismatches = 0;
  let forgedThaws = 0;
  fc.assert(
    fc.property(fc.array(step, { minLength: 1, maxLength: 30 }), (steps) => {
      const r = new Run();
      const sent = { client: [] as string[], server: [] as string[] };
      steps.forEach((s, i) => {
        if (s.kind === 'clientSend' || s.kind === 'serverSend') {
          const side = s.kind === 'clientSend' ? 'client' : 'server';
          const text = `${side} ${i} ${'x'.repeat(s.size)}`;
          sent[side].push(text);
          (side === 'client' ? r.client : r.server).send(new TextEncoder().encode(text), r.now);
        } else if (s.kind === 'clientKeyUpdate' || s.kind === 'serverKeyUpdate') {
          (s.kind === 'clientKeyUpdate' ? r.client : r.server).updateKeys(s.requestPeer, r.now);
        } else if (s.kind === 'wait') r.advance(s.ms);
        else r.hibernate();
        r.advance(1);
      });
      midRun += r.hibernations;
      r.advance(120_000);
      r.hibernate();
      r.advance(1000);
      runs++;
      frozen += r.hibernations;
      statsMismatches += r.statsMismatches;
      forgedThaws += r.forgedThaws;
      return (
        r.client.state === 'connected' &&
        r.server.state === 'connected' &&
        JSON.stringify(r.received.server) === JSON.stringify(sent.client) &&
        JSON.stringify(r.received.client) === JSON.stringify(sent.server)
      );
    }),
    { numRuns: 60, seed: 0x5eed },
  );
  t.is(runs, 60);
  t.is(
    frozen - midRun,
    60,
    'at rest at the end of every run (the peer quiet since its last KeyUpdate, too), and frozen',
  );
  t.true(midRun >= 30, `and in the middle of runs, between sends and KeyUpdates: ${midRun} times`);
  t.is(statsMismatches, 0, 'every frozen form shows the stats of the connection thawed from it');
  t.is(forgedThaws, 0, 'no forged datagram screened at a frozen session asked for a thaw');
  t.log(`${frozen} freezes, ${midRun} of them mid-run`);
});
