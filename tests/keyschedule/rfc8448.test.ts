import test from 'ava';
import {
  scheduleContext,
  deriveSecret,
  hkdfExpandLabel,
  type ScheduleContext,
} from '../../runtime/keyschedule/context.js';
import {
  finishedKey,
  finishedVerifyData,
  pskBinder,
  resumptionPsk,
  trafficKeys,
} from '../../runtime/keyschedule/derived-keys.js';
import { EarlyStage } from '../../runtime/keyschedule/stages.js';
import { Transcript } from '../../runtime/keyschedule/transcript.js';
import { fromHex, hex } from '../support/canon.js';
import { PROVIDERS } from '../support/providers.js';
import { blocks, named } from '../vectors/rfc8448-keys.js';
import * as m3 from '../vectors/rfc8448-simple-1rtt.js';

/**
 * RFC 8448 §3 (Simple 1-RTT) and §4 (Resumed 0-RTT) with the "tls13 "
 * prefix: every secret, key, IV, finished value and binder the RFC prints is
 * reproduced by both providers.
 */

const s = named.simple;
const r = named.resumed;
const b = (h: string): Uint8Array => fromHex(h);

for (const provider of PROVIDERS) {
  const ctx: ScheduleContext = scheduleContext(provider, 'sha256', 'tls13 ');

  test(`${provider.name}: every derivation block of RFC 8448 §3 and §4 reproduces`, (t) => {
    let checked = 0;
    for (const blk of blocks) {
      const fields = blk.fields;
      const f = new Proxy(fields, {
        get: (o, k: string) => {
          if (!(k in o)) throw new Error(`RFC 8448 block '${blk.title}' has no field '${k}'`);
          return o[k];
        },
      }) as Readonly<Record<string, string>>;
      const where = `§${blk.section} ${blk.title}`;
      const label = /"tls13 ([^"]+)"/.exec(blk.title)?.[1];
      if (/extract secret/.test(blk.title)) {
        t.is(hex(provider.hkdfExtract('sha256', b(f.salt!), b(f.IKM!))), f.secret!, where);
        checked++;
      } else if (/derive secret/.test(blk.title) && label !== undefined) {
        t.is(hex(deriveSecret(ctx, b(f.PRK!), label, b(f.hash!))), f.expanded!, where);
        checked++;
      } else if (/traffic keys/.test(blk.title)) {
        const k = trafficKeys(ctx, b(f.PRK!), 'tls_aes_128_gcm_sha256');
        t.is(hex(k.key), f['key expanded']!, where);
        t.is(hex(k.iv), f['iv expanded']!, where);
        checked++;
      } else if (/calculate finished/.test(blk.title)) {
        t.is(hex(finishedKey(ctx, b(f.PRK!))), f.expanded!, where);
        checked++;
      } else if (/resumption secret/.test(blk.title)) {
        t.is(hex(hkdfExpandLabel(ctx, b(f.PRK!), 'resumption', b(f.hash!), 32)), f.expanded!, where);
        checked++;
      } else if (/PSK binder/.test(blk.title)) {
        t.is(hex(pskBinder(ctx, b(f.PRK!), b(f['binder hash']!))), f.finished!, where);
        checked++;
      }
    }
    t.true(checked >= 35, `checked ${checked} blocks`);
  });

  test(`${provider.name}: the staged key schedule walks RFC 8448 §3`, (t) => {
    const client = provider.keyShareFromPrivate('x25519', b(s.clientPrivateKey));
    t.is(hex(client.publicKey), s.clientPublicKey);
    const shared = client.deriveSecret(b(s.serverPublicKey));
    t.is(hex(shared), s.sharedSecret);
    const server = provider.keyShareFromPrivate('x25519', b(s.serverPrivateKey));
    t.is(hex(server.deriveSecret(b(s.clientPublicKey))), s.sharedSecret);

    // The transcript, from the messages themselves.
    const transcript = new Transcript(provider);
    transcript.add(b(m3.clientHello.hex));
    transcript.add(b(m3.serverHello.hex));
    transcript.selectHash('sha256');
    const helloHash = transcript.current();
    t.is(hex(helloHash), s.helloHash);

    const early = EarlyStage.start(ctx);
    t.is(hex(early.secret), s.earlySecret);
    const hs = early.handshake(shared);
    t.is(hex(hs.secret), s.handshakeSecret);
    const chts = hs.clientHandshakeTrafficSecret(helloHash);
    const shts = hs.serverHandshakeTrafficSecret(helloHash);
    t.is(hex(chts), s.clientHandshakeTrafficSecret);
    t.is(hex(shts), s.serverHandshakeTrafficSecret);
    const shk = trafficKeys(ctx, shts, 'tls_aes_128_gcm_sha256');
    t.is(hex(shk.key), s.serverHandshakeKey);
    t.is(hex(shk.iv), s.serverHandshakeIv);
    const chk = trafficKeys(ctx, chts, 'tls_aes_128_gcm_sha256');
    t.is(hex(chk.key), s.clientHandshakeKey);
    t.is(hex(chk.iv), s.clientHandshakeIv);

    for (const msg of [m3.encryptedExtensions, m3.certificate, m3.certificateVerify]) transcript.add(b(msg.hex));
    t.is(hex(finishedKey(ctx, shts)), s.serverFinishedKey);
    t.is(hex(finishedVerifyData(ctx, shts, transcript.current())), m3.serverFinished.facts.verifyData);
    transcript.add(b(m3.serverFinished.hex));
    const serverFinishedHash = transcript.current();
    t.is(hex(serverFinishedHash), s.serverFinishedHash);

    const master = hs.master();
    t.is(hex(master.secret), s.masterSecret);
    const cats = master.clientApplicationTrafficSecret(serverFinishedHash);
    const sats = master.serverApplicationTrafficSecret(serverFinishedHash);
    t.is(hex(cats), s.clientApplicationTrafficSecret);
    t.is(hex(sats), s.serverApplicationTrafficSecret);
    t.is(hex(master.exporterMasterSecret(serverFinishedHash)), s.exporterMasterSecret);
    t.is(hex(trafficKeys(ctx, sats, 'tls_aes_128_gcm_sha256').key), s.serverApplicationKey);
    t.is(hex(trafficKeys(ctx, sats, 'tls_aes_128_gcm_sha256').iv), s.serverApplicationIv);
    t.is(hex(trafficKeys(ctx, cats, 'tls_aes_128_gcm_sha256').key), s.clientApplicationKey);
    t.is(hex(trafficKeys(ctx, cats, 'tls_aes_128_gcm_sha256').iv), s.clientApplicationIv);

    t.is(hex(finishedKey(ctx, chts)), s.clientFinishedKey);
    t.is(hex(finishedVerifyData(ctx, chts, serverFinishedHash)), m3.clientFinished.facts.verifyData);
    transcript.add(b(m3.clientFinished.hex));
    const clientFinishedHash = transcript.current();
    t.is(hex(clientFinishedHash), s.clientFinishedHash);
    const rms = master.resumptionMasterSecret(clientFinishedHash);
    t.is(hex(rms), s.resumptionMasterSecret);
    t.is(hex(resumptionPsk(ctx, rms, b(s.ticketNonce))), s.resumptionPsk);
  });

  test(`${provider.name}: the staged key schedule walks RFC 8448 §4 (PSK, binder, early secrets)`, (t) => {
    const early = EarlyStage.start(ctx, b(r.psk));
    t.is(hex(early.secret), r.earlySecret);
    const binderKey = early.binderKey('resumption');
    t.is(hex(binderKey), r.binderKey);
    t.is(hex(finishedKey(ctx, binderKey)), r.binderFinishedKey);
    t.is(hex(pskBinder(ctx, binderKey, b(r.binderHash))), r.binder);
    const ceTraffic = blocks.find((x) => x.section === '4' && /c e traffic/.test(x.title))!;
    t.is(hex(early.clientEarlyTrafficSecret(b(ceTraffic.fields.hash!))), r.clientEarlyTrafficSecret);
    t.is(hex(early.earlyExporterMasterSecret(b(ceTraffic.fields.hash!))), r.earlyExporterMasterSecret);
    const hsBlock = blocks.find((x) => x.section === '4' && /c hs traffic/.test(x.title))!;
    const hs = early.handshake(b(r.sharedSecret));
    t.is(hex(hs.secret), r.handshakeSecret);
    t.is(hex(hs.clientHandshakeTrafficSecret(b(hsBlock.fields.hash!))), r.clientHandshakeTrafficSecret);
    t.is(hex(hs.serverHandshakeTrafficSecret(b(hsBlock.fields.hash!))), r.serverHandshakeTrafficSecret);
    const apBlock = blocks.find((x) => x.section === '4' && /c ap traffic/.test(x.title))!;
    const master = hs.master();
    t.is(hex(master.secret), r.masterSecret);
    t.is(hex(master.clientApplicationTrafficSecret(b(apBlock.fields.hash!))), r.clientApplicationTrafficSecret);
    t.is(hex(master.serverApplicationTrafficSecret(b(apBlock.fields.hash!))), r.serverApplicationTrafficSecret);
    t.is(hex(master.exporterMasterSecret(b(apBlock.fields.hash!))), r.exporterMasterSecret);
    const resBlock = blocks.find((x) => x.section === '4' && /res master/.test(x.title))!;
    t.is(hex(master.resumptionMasterSecret(b(resBlock.fields.hash!))), r.resumptionMasterSecret);
  });

  test(`${provider.name}: a released stage refuses to derive`, (t) => {
    const early = EarlyStage.start(ctx);
    early.release();
    t.throws(() => early.secret, { message: /released/ });
  });
}

test('the DTLS prefix changes every label: "dtls13" gives different secrets than "tls13 "', (t) => {
  const [node] = PROVIDERS;
  const tls = EarlyStage.start(scheduleContext(node!, 'sha256', 'tls13 ')).handshake(b(s.sharedSecret));
  const dtls = EarlyStage.start(scheduleContext(node!, 'sha256', 'dtls13')).handshake(b(s.sharedSecret));
  t.is(hex(tls.secret), s.handshakeSecret);
  t.not(hex(dtls.secret), s.handshakeSecret);
  // HkdfLabel for "dtls13derived": 00 20 | 0d "dtls13derived" | 20 <hash>
  const info = hkdfExpandLabelInfo('dtls13', 'derived', 32);
  t.is(hex(info.subarray(0, 16)), '00200d64746c73313364657269766564');
});

function hkdfExpandLabelInfo(prefix: string, label: string, length: number): Uint8Array {
  const l = new TextEncoder().encode(prefix + label);
  return Uint8Array.of(length >> 8, length & 0xff, l.length, ...l, 0);
}
