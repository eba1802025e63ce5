import { createHash, createHmac } from 'node:crypto';
import test from 'ava';
import fc from 'fast-check';
import { hkdfExpandLabel, scheduleContext } from '../../runtime/keyschedule/context.js';
import { exportKeyingMaterial, nextApplicationTrafficSecret, trafficKeys } from '../../runtime/keyschedule/derived-keys.js';
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
  return expand(secret, Buffer.concat([Buffer.of(length >> 8, length & 0xff, full.length), full, Buffer.of(context.length), context]), length);
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
    t.is(hex(exportKeyingMaterial(ctx, secret, 'EXPORTER-Test', context, 42)), hex(expandLabel(perLabel, 'exporter', sha256(context), 42)));
    // No context is an empty context (RFC 8446 §7.5).
    t.is(hex(exportKeyingMaterial(ctx, secret, 'EXPORTER-Test', undefined, 16)), hex(exportKeyingMaterial(ctx, secret, 'EXPORTER-Test', new Uint8Array(), 16)));
  });
}

test('HKDF-Expand-Label keeps being right for labels seen again and past the labels it keeps encoded (exporter labels)', (t) => {
  const ctx = scheduleContext(PROVIDERS[0]!, 'sha256');
  const secret = new Uint8Array(32).fill(9);
  const labels = Array.from({ length: 100 }, (_, i) => `EXPORTER-label ${i}`);
  for (let round = 0; round < 2; round++) {
    for (const label of [...labels, 'key', 'iv', 'traffic upd']) {
      t.is(hex(hkdfExpandLabel(ctx, secret, label, new Uint8Array([round]), 32)), hex(expandLabel(secret, label, new Uint8Array([round]), 32)), label);
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
