/**
 * Protocol events beside the records a workload question may name, and
 * what each costs the device (flow-model.ts runs them; none by default):
 *
 * - A key update (a new epoch, RFC 9147 §8; RFC 8446 §4.6.3), at a rate
 *   per active session: its record (the KeyUpdate message) takes an intake
 *   entry, a pipeline slot, its key context and a DMA in like an opened
 *   record; on a symmetric lane it is opened, then the next traffic secret
 *   and its key, IV and record-number key are derived (four HKDF-Expand-
 *   Label steps, RFC 8446 §7.2, RFC 9147 §4.2.3: no public-key work), and
 *   installed in the session's key slot and written to its context in
 *   DRAM. The slot holds the old epoch's keys beside the new (RFC 9147 §8:
 *   a receiver keeps the old epoch's keys for records still arriving in
 *   it), so no record of the session is lost across the change.
 * - A forged record (a tag failure), as Gbit/s of the mix's sizes toward
 *   the device (a background rate or a flood), each claiming a session of
 *   the working set: it costs everything an opened record costs up to and
 *   including its full decryption (the tag is checked last), then is
 *   dropped; counted apart from the SLO's drops.
 * - A replayed record, as a share of the opened records' rate arriving
 *   again: its record number is decrypted and checked against the replay
 *   window (RFC 9147 §4.5.1) before the AEAD, so it costs the intake, its
 *   key context, its DMA in and the record-number mask, the command decode
 *   and the window's check on a lane, then is dropped; counted apart.
 *
 * Events of either kind dropped at a full intake are counted apart too
 * (their senders retransmit or give up; the SLO rows are the genuine
 * records'). The flood and the key updates are not scaled by the margin
 * (the question names them); replays follow the opened traffic, so they
 * are, and they grow in the burst with it.
 */
import { ConfigError } from '../../../runtime/config-error.js';

export interface ProtocolEvents {
  /** Key updates a second per active session. */
  readonly keyUpdatesPerSession: number;
  /** Forged records arriving toward the device, Gbit/s of application bytes of the mix. */
  readonly forgedGbps: number;
  /** Replayed records: arrivals a second as a share of the opened records' rate. */
  readonly replayShare: number;
}

/** The default: no protocol events beside the records and handshakes. */
export const NO_EVENTS: ProtocolEvents = { keyUpdatesPerSession: 0, forgedGbps: 0, replayShare: 0 };

/** HKDF-Expand-Label steps of one direction's key update: the next secret, its key, IV and record-number key. */
export const KEY_UPDATE_HKDF_STEPS = 4;

/** A KeyUpdate record's plaintext: the DTLS handshake header (12 bytes) and the one-byte message body. */
export const KEY_UPDATE_BYTES = 13;

/** Cycles of the replay window's check beside the record-number mask and the command decode (a 64-bit bitmap test). */
export const REPLAY_WINDOW_CYCLES = 2;

/** Checks `e` (ConfigError naming the option), filling the defaults. */
export function checkEvents(e: Partial<ProtocolEvents> = {}): ProtocolEvents {
  const out = { ...NO_EVENTS, ...e };
  const rate = (name: keyof ProtocolEvents, max: number): void => {
    const v = out[name];
    if (!(Number.isFinite(v) && v >= 0 && v <= max))
      throw new ConfigError(name, `must be a number from 0 to ${max}, got ${String(v)}`);
  };
  rate('keyUpdatesPerSession', 1_000_000);
  rate('forgedGbps', 10_000);
  rate('replayShare', 10);
  return out;
}

/** Whether the question names any event. */
export function anyEvents(e: ProtocolEvents): boolean {
  return e.keyUpdatesPerSession > 0 || e.forgedGbps > 0 || e.replayShare > 0;
}

/** The events as the answer states them, with a key update's and a replay's lane time (ns). */
export function eventsText(e: ProtocolEvents, keyUpdateNs: number, replayCheckNs: number): string {
  if (!anyEvents(e))
    return 'Protocol events: none named (--key-updates, --forged-gbps, --replays): no key update, forged or replayed record is run';
  return (
    `Protocol events run beside the records: ${e.keyUpdatesPerSession} key updates/s a session (each a lane's open ` +
    `and ${KEY_UPDATE_HKDF_STEPS} HKDF steps, ${keyUpdateNs.toFixed(0)} ns, a key-slot install and a context write), ` +
    `${e.forgedGbps} Gbit/s of forged records (each fully decrypted, then dropped), replays at ${e.replayShare} × ` +
    `the opened records' rate (each through the replay check, ${replayCheckNs.toFixed(0)} ns, then dropped); their ` +
    `drops are counted apart from the SLO's, the flood and the key updates are not scaled by the margin`
  );
}
