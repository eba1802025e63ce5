import { createHash, createHmac } from 'node:crypto';
import test from 'ava';
import fc from 'fast-check';
import { hkdfExpandLabel, scheduleContext } from '../../runtime/keyschedule/context.js';
import {
  exportKeyingMaterial,
  nextApplicationTrafficSecret,
  trafficKeys,
} from '../../runtime/keyschedule/derived-keys.js';
import { EarlyStage } from '../../runtime/keyschedule/stages.js';
import { hex } from '../support/canon.js';
import { PROVIDERS } from '../support/providers.js';

/**
 * Derivations RFC 8448 has no vectors for, checked against a second,
 * deliberately plain implementation of RFC 8446 §7.1 / §7.5 on node:crypto's
 * HMAC: DTLS labels, sn_key (RFC 9147 §4.2.3), the KeyUpdate secret (RFC 8446
 * §7.2) and the exporter (RFC 8446 §7.5).
 */

function expand(prk: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  const out: number[] = [];
  let t = Buffer.alloc(0);
  for (let i = 1; out.length < length; i++) {
    t = createHmac('sha256', prk)
      .update(Buffer.concat([t, info, Buffer.of(i)]))
      .digest();
    out.push(...t);
  }
  return Uint8Array.from(out.slice(0, length));
}

function expandLabel(secret: Uint8Array, label: string, context: Uint8Array, length: number): Uint8Array {
  const full = Buffer.from(`dtls13${label}`, 'ascii');
  return expand(
    secret,
    Buffer.concat([Buffer.of(length >> 8, length & 0xff, full.length), full, Buffer.of(context.length), context]),
    length,
  );
}

const sha256 = (b: Uint8Array): Uint8Array => createHash('sha256').update(b).digest();

for (const provider of PROVIDERS) {
  const ctx = scheduleContext(provider, 'sha256');

  test(`${provider.name}: traffic key, iv and sn_key use the "dtls13" labels key, iv and sn`, (t) => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (secret) => {
        const k = trafficKeys(ctx, secret, 'tls_chacha20_poly1305_sha256');
        return (
          hex(k.key) === hex(expandLabel(secret, 'key', new Uint8Array(), 32)) &&
          hex(k.iv) === hex(expandLabel(secret, 'iv', new Uint8Array(), 12)) &&
          hex(k.snKey) === hex(expandLabel(secret, 'sn', new Uint8Array(), 32))
        );
      }),
      { numRuns: 30 },
    );
    t.pass();
  });

  test(`${provider.name}: KeyUpdate's next application traffic secret is HKDF-Expand-Label(secret, "traffic upd", "", Hash.length)`, (t) => {
    const secret = new Uint8Array(32).fill(0x42);
    const next = nextApplicationTrafficSecret(ctx, secret);
    t.is(hex(next), hex(expandLabel(secret, 'traffic upd', new Uint8Array(), 32)));
    t.not(hex(nextApplicationTrafficSecret(ctx, next)), hex(next));
  });

  test(`${provider.name}: the exporter is HKDF-Expand-Label(Derive-Secret(secret, label, ""), "exporter", Hash(context), length)`, (t) => {
    const secret = new Uint8Array(32).fill(7);
    const context = new TextEncoder().encode('context value');
    const perLabel = expandLabel(secret, 'EXPORTER-Test', sha256(new Uint8Array()), 32);
    t.is(
      hex(exportKeyingMaterial(ctx, secret, 'EXPORTER-Test', context, 42)),
      hex(expandLabel(perLabel, 'exporter', sha256(context), 42)),
    );
    // No context is an empty context (RFC 8446 §7.5).
    t.is(
      hex(exportKeyingMaterial(ctx, secret, 'EXPORTER-Test', undefined, 16)),
      hex(exportKeyingMaterial(ctx, secret, 'EXPORTER-Test', new Uint8Array(), 16)),
    );
  });
}

test('HKDF-Expand-Label keeps being right for labels seen again and past the labels it keeps encoded (exporter labels)', (t) => {
  const ctx = scheduleContext(PROVIDERS[0]!, 'sha256');
  const secret = new Uint8Array(32).fill(9);
  const labels = Array.from({ length: 100 }, (_, i) => `EXPORTER-label ${i}`);
  for (let round = 0; round < 2; round++) {
    for (const label of [...labels, 'key', 'iv', 'traffic upd']) {
      t.is(
        hex(hkdfExpandLabel(ctx, secret, label, new Uint8Array([round]), 32)),
        hex(expandLabel(secret, label, new Uint8Array([round]), 32)),
        label,
      );
    }
  }
});

test('each stage yields only what exists at that point of the handshake (misuse does not compile)', (t) => {
  const ctx = scheduleContext(PROVIDERS[0]!, 'sha256');
  const early = EarlyStage.start(ctx);
  const hash = new Uint8Array(32);
  // @ts-expect-error an application secret does not exist before the master secret
  t.throws(() => early.clientApplicationTrafficSecret(hash));
  const hs = early.handshake(new Uint8Array(32));
  // @ts-expect-error nor does a resumption secret at the handshake stage
  t.throws(() => hs.resumptionMasterSecret(hash));
  const master = hs.master();
  // @ts-expect-error and the binder key belongs to the early stage only
  t.throws(() => master.binderKey('resumption'));
  t.is(master.clientApplicationTrafficSecret(hash).length, 32);
});

/** Early Secret, Handshake Secret and Master Secret written out from RFC 8446 §7.1 with node's HMAC (SHA-256, "dtls13" labels). */
function plainSchedule(
  psk: Uint8Array | undefined,
  ecdhe: Uint8Array,
): { early: string; handshake: string; master: string } {
  const zeros = new Uint8Array(32);
  const extract = (salt: Uint8Array, ikm: Uint8Array): Uint8Array => createHmac('sha256', salt).update(ikm).digest();
  const early = extract(zeros, psk ?? zeros);
  const handshake = extract(expandLabel(early, 'derived', sha256(new Uint8Array()), 32), ecdhe);
  const master = extract(expandLabel(handshake, 'derived', sha256(new Uint8Array()), 32), zeros);
  return { early: hex(early), handshake: hex(handshake), master: hex(master) };
}

for (const provider of PROVIDERS) {
  test(`${provider.name}: the no-PSK Early Secret and its "derived" salt, kept per provider, stay right after stages zero theirs`, (t) => {
    const ctx = scheduleContext(provider, 'sha256');
    const ecdhe = new Uint8Array(32).fill(5);
    const want = plainSchedule(undefined, ecdhe);
    for (let round = 0; round < 3; round++) {
      const early = EarlyStage.start(ctx);
      t.is(hex(early.secret), want.early, `round ${round}`);
      const hs = early.handshake(ecdhe.slice());
      early.release();
      t.is(hex(hs.secret), want.handshake, `round ${round}`);
      const master = hs.master();
      hs.release();
      t.is(hex(master.secret), want.master, `round ${round}`);
      master.release();
    }
    // A PSK (even HashLen zeros, whose Early Secret equals the no-PSK one) takes the computed path and gives its own schedule.
    for (const psk of [new Uint8Array(32).fill(1), new Uint8Array(32)]) {
      const early = EarlyStage.start(ctx, psk);
      t.is(hex(early.handshake(ecdhe.slice()).secret), plainSchedule(psk, ecdhe).handshake);
    }
    // The "tls13 " prefix has constants of its own.
    const tls = EarlyStage.start(scheduleContext(provider, 'sha256', 'tls13 ')).handshake(ecdhe.slice());
    t.not(hex(tls.secret), want.handshake);
  });
}

test('the no-PSK constants are computed once per provider object: a later schedule asks for one extract, not three', (t) => {
  const calls: string[] = [];
  const base = PROVIDERS[0]!;
  const counting = {
    ...base,
    hkdfExtract: (a: 'sha256' | 'sha384', salt: Uint8Array, ikm: Uint8Array) => (
      calls.push('extract'),
      base.hkdfExtract(a, salt, ikm)
    ),
    hkdfExpand: (a: 'sha256' | 'sha384', prk: Uint8Array, info: Uint8Array, n: number) => (
      calls.push('expand'),
      base.hkdfExpand(a, prk, info, n)
    ),
    digest: (a: 'sha256' | 'sha384', data: Uint8Array) => (calls.push('digest'), base.digest(a, data)),
  };
  const ctx = scheduleContext(counting, 'sha256');
  const first = EarlyStage.start(ctx).handshake(new Uint8Array(32).fill(3));
  t.deepEqual(calls, ['extract', 'digest', 'expand', 'extract']);
  calls.length = 0;
  const second = EarlyStage.start(ctx).handshake(new Uint8Array(32).fill(3));
  t.deepEqual(calls, ['extract']);
  t.is(hex(second.secret), hex(first.secret));
  t.is(hex(second.secret), plainSchedule(undefined, new Uint8Array(32).fill(3)).handshake);
});
