/**
 * The workload a chip team specifies for `dtls13 size`: open-loop traffic
 * in each direction (Gbit/s of application data sealed toward the network
 * and opened from it), a record-size mix, burstiness (records arriving in
 * trains at the link rate, and a burst phase), a session population with
 * its active working set and popularity, and a handshake rate independent
 * of the data rate. Each bad value is a ConfigError naming its option.
 */
import { ConfigError } from '../../../runtime/config-error.js';
import { checkEvents, type ProtocolEvents } from './protocol-events.js';

/** One record size of the mix and its share of the records (by count). */
export interface MixEntry {
  readonly bytes: number;
  readonly weight: number;
}

/** What a handshake costs: a full one (key exchange and the certificate's signature), PSK with (EC)DHE, or PSK alone. */
export type HandshakeKind = 'full' | 'psk-dhe' | 'psk';

export interface Traffic {
  /** Application data opened (network → host) and sealed (host → network), Gbit/s each. */
  readonly openGbps: number;
  readonly sealGbps: number;
  /** Record sizes (application bytes) and their shares of the records. */
  readonly mix: readonly MixEntry[];
  /** Records a train holds on average (geometric; 1: Poisson arrivals), its records back to back at `linkGbps`. */
  readonly trainRecords: number;
  readonly linkGbps: number;
  /** New sessions a second (handshakes), Poisson, independent of the data rate. */
  readonly handshakesPerSecond: number;
  readonly handshake: HandshakeKind;
  /** Sessions established, and those sending in the window (the working set); popularity 0 = uniform, else Zipf's exponent. */
  readonly sessions: number;
  readonly activeSessions: number;
  readonly zipf: number;
  /** The burst phase after the steady window: every rate × `burstFactor` for `burstUs` µs (factor 1: none). */
  readonly burstFactor: number;
  readonly burstUs: number;
  /** Key updates, forged and replayed records beside the records (protocol-events.ts; default none). */
  readonly events: ProtocolEvents;
}

/** The defaults beside the rates: one train a record (Poisson), 400 Gbit/s links, all sessions active, uniform, no burst. */
export const TRAFFIC_DEFAULTS = {
  trainRecords: 1,
  linkGbps: 400,
  handshake: 'full' as HandshakeKind,
  zipf: 0,
  burstFactor: 1,
  burstUs: 100,
} as const;

/**
 * The simple IMIX (7 : 4 : 1 by count of 64, 576 and 1,500 bytes), the
 * mix `--mix imix` names; 354 bytes a record on average.
 */
export const IMIX: readonly MixEntry[] = [
  { bytes: 64, weight: 7 },
  { bytes: 576, weight: 4 },
  { bytes: 1500, weight: 1 },
];

/** `imix`, a single size (`1200`), or `64:7,576:4,1500:1` (bytes:weight). */
export function parseMix(text: string): MixEntry[] {
  if (text.trim().toLowerCase() === 'imix') return [...IMIX];
  const entries = text.split(',').map((part) => {
    const [b, w, ...rest] = part.trim().split(':');
    const bytes = Number(b);
    const weight = w === undefined ? 1 : Number(w);
    if (rest.length > 0 || b === undefined || b === '' || !Number.isFinite(bytes) || !Number.isFinite(weight))
      throw new ConfigError('mix', `'${part}' is not bytes or bytes:weight (as in 64:7,576:4,1500:1, or imix)`);
    return { bytes, weight };
  });
  return checkMix(entries);
}

function checkMix(mix: readonly MixEntry[]): MixEntry[] {
  if (mix.length === 0) throw new ConfigError('mix', 'must hold at least one record size');
  for (const m of mix) {
    if (!(Number.isInteger(m.bytes) && m.bytes >= 1 && m.bytes <= 16_000))
      throw new ConfigError(
        'mix',
        `record sizes must be whole numbers of bytes from 1 to 16000, got ${String(m.bytes)}`,
      );
    if (!(m.weight > 0 && Number.isFinite(m.weight)))
      throw new ConfigError('mix', `weights must be above 0, got ${String(m.weight)}`);
  }
  return [...mix];
}

/** The mean record size of a mix (bytes, by count). */
export function meanRecordBytes(mix: readonly MixEntry[]): number {
  const w = mix.reduce((s, m) => s + m.weight, 0);
  return mix.reduce((s, m) => s + m.bytes * m.weight, 0) / w;
}

/** Records a second a direction carries at `gbps` of the mix. */
export function recordsPerSecond(gbps: number, mix: readonly MixEntry[]): number {
  return (gbps * 1e9) / (8 * meanRecordBytes(mix));
}

/** Checks `t`, filling the defaults; a ConfigError names the first bad option. */
export function checkTraffic(
  t: Partial<Omit<Traffic, 'events'>> &
    Pick<Traffic, 'openGbps' | 'sealGbps' | 'mix' | 'handshakesPerSecond' | 'sessions'> & {
      readonly events?: Partial<ProtocolEvents>;
    },
): Traffic {
  const rate = (option: string, v: number, max: number, zero: boolean): void => {
    if (!(Number.isFinite(v) && (zero ? v >= 0 : v > 0) && v <= max))
      throw new ConfigError(
        option,
        `must be a number ${zero ? 'from 0' : 'above 0 and'} ${zero ? 'to' : 'at most'} ${max}, got ${String(v)}`,
      );
  };
  rate('openGbps', t.openGbps, 10_000, true);
  rate('sealGbps', t.sealGbps, 10_000, true);
  if (t.openGbps + t.sealGbps === 0) throw new ConfigError('gbps', 'some data must flow one way or the other');
  rate('handshakesPerSecond', t.handshakesPerSecond, 10_000_000, true);
  const whole = (option: string, v: number, max: number): void => {
    if (!(Number.isInteger(v) && v >= 1 && v <= max))
      throw new ConfigError(option, `must be a whole number from 1 to ${max}, got ${String(v)}`);
  };
  whole('sessions', t.sessions, 100_000_000);
  const activeSessions = t.activeSessions ?? t.sessions;
  whole('activeSessions', activeSessions, t.sessions);
  const trainRecords = t.trainRecords ?? TRAFFIC_DEFAULTS.trainRecords;
  rate('trainRecords', trainRecords, 10_000, false);
  if (trainRecords < 1) throw new ConfigError('trainRecords', `must be 1 or more, got ${String(trainRecords)}`);
  const linkGbps = t.linkGbps ?? Math.max(TRAFFIC_DEFAULTS.linkGbps, 2 * Math.max(t.openGbps, t.sealGbps));
  rate('linkGbps', linkGbps, 100_000, false);
  if (linkGbps < Math.max(t.openGbps, t.sealGbps))
    throw new ConfigError('linkGbps', `must be at least the data rate of a direction, got ${linkGbps}`);
  const zipf = t.zipf ?? TRAFFIC_DEFAULTS.zipf;
  rate('zipf', zipf, 4, true);
  const burstFactor = t.burstFactor ?? TRAFFIC_DEFAULTS.burstFactor;
  rate('burstFactor', burstFactor, 100, false);
  if (burstFactor < 1) throw new ConfigError('burstFactor', `must be 1 (no burst) or more, got ${String(burstFactor)}`);
  const burstUs = t.burstUs ?? TRAFFIC_DEFAULTS.burstUs;
  rate('burstUs', burstUs, 1_000_000, false);
  const handshake = t.handshake ?? TRAFFIC_DEFAULTS.handshake;
  if (!['full', 'psk-dhe', 'psk'].includes(handshake))
    throw new ConfigError('handshake', `must be full, psk-dhe or psk, got '${String(handshake)}'`);
  return {
    openGbps: t.openGbps,
    sealGbps: t.sealGbps,
    mix: checkMix(t.mix),
    trainRecords,
    linkGbps,
    handshakesPerSecond: t.handshakesPerSecond,
    handshake,
    sessions: t.sessions,
    activeSessions,
    zipf,
    burstFactor,
    burstUs,
    events: checkEvents(t.events),
  };
}

/** The traffic with every rate × `factor` (the margin policy: the device is sized for the load × (1 + margin)). */
export function scaleTraffic(t: Traffic, factor: number): Traffic {
  return {
    ...t,
    openGbps: t.openGbps * factor,
    sealGbps: t.sealGbps * factor,
    handshakesPerSecond: t.handshakesPerSecond * factor,
  };
}
