/**
 * Network timing: a one-way link that serializes datagrams at its bandwidth
 * (first in, first out: the link is busy while it serializes), then delays
 * them by latency plus seeded jitter, and loses some with a seeded
 * probability. Two links make a path ({@link DuplexLink}).
 */
import { draw } from './random.js';
import type { RandomSource } from './random.js';
import { checkTime } from '../kernel/time.js';
import { SEC, US } from './time.js';
import type { SimTime } from './time.js';
import { boolean, join, number, object, onlyKeys } from './validate.js';

/** Parameters of one direction of a network path. */
export interface NetworkParams {
  /** One-way propagation and processing delay, µs. */
  readonly latencyUs: number;
  /** Link rate, bits per second. */
  readonly bandwidthBitsPerSecond: number;
  /** Extra delay drawn uniformly from [0, jitterUs) per datagram, µs. */
  readonly jitterUs: number;
  /** Probability in [0, 1] that a datagram is lost in transit. */
  readonly lossProbability: number;
  /** When false a datagram never arrives before the one sent ahead of it; when true jitter may reorder them. */
  readonly reorder: boolean;
  /** Bytes added to every datagram on the wire (IPv4 20 + UDP 8 = 28; Ethernet framing adds 38 more). */
  readonly overheadBytes: number;
}

/** What happened to one datagram. */
export type Delivery =
  | {
      readonly dropped: false;
      readonly serializationStart: SimTime;
      readonly serializationEnd: SimTime;
      readonly deliveryTime: SimTime;
    }
  | { readonly dropped: true; readonly serializationStart: SimTime; readonly serializationEnd: SimTime };

/** Counts of one link. */
export interface LinkStats {
  readonly sent: number;
  readonly dropped: number;
  readonly delivered: number;
  /** Datagram bytes handed to the link (without overhead). */
  readonly bytes: number;
  /** Time the link spent serializing. */
  readonly busyTime: SimTime;
}

/** Checks network parameters, naming the bad field under `path` (ConfigError). */
export function checkNetworkParams(value: unknown, path = 'network'): NetworkParams {
  const v = object(value, path);
  onlyKeys(v, path, ['latencyUs', 'bandwidthBitsPerSecond', 'jitterUs', 'lossProbability', 'reorder', 'overheadBytes']);
  return {
    latencyUs: number(v['latencyUs'], join(path, 'latencyUs'), { min: 0 }),
    bandwidthBitsPerSecond: number(v['bandwidthBitsPerSecond'], join(path, 'bandwidthBitsPerSecond'), {
      min: 0,
      exclusiveMin: true,
    }),
    jitterUs: number(v['jitterUs'], join(path, 'jitterUs'), { min: 0 }),
    lossProbability: number(v['lossProbability'], join(path, 'lossProbability'), { min: 0, max: 1 }),
    reorder: boolean(v['reorder'], join(path, 'reorder')),
    overheadBytes: number(v['overheadBytes'], join(path, 'overheadBytes'), { min: 0, integer: true }),
  };
}

/** Serialization time of `bytes` (plus overhead) at the link rate: bytes × 8 / bandwidth, in whole picoseconds. */
export function serializationTime(params: NetworkParams, bytes: number): SimTime {
  return Math.round(((bytes + params.overheadBytes) * 8 * SEC) / params.bandwidthBitsPerSecond);
}

/**
 * One direction of a path. Each `send` draws exactly two numbers from the
 * random source (loss, then jitter), so a given seed gives the same
 * deliveries whatever the loss and jitter settings.
 */
export class NetworkLink {
  readonly name: string;
  readonly params: NetworkParams;
  readonly #random: RandomSource;
  #busyUntil: SimTime = 0;
  #lastSend: SimTime = 0;
  #lastDelivery: SimTime = 0;
  #sent = 0;
  #dropped = 0;
  #bytes = 0;
  #busyTime = 0;

  constructor(name: string, params: NetworkParams, random: RandomSource) {
    this.name = name;
    this.params = checkNetworkParams(params, name);
    this.#random = random;
  }

  /** Put a datagram of `bytes` bytes on the link at `at` (non-decreasing across calls). */
  send(bytes: number, at: SimTime): Delivery {
    checkTime(at, 'at');
    if (!Number.isSafeInteger(bytes) || bytes < 0)
      throw new RangeError(`${this.name}: datagram length must be a non-negative integer, got ${String(bytes)}`);
    if (at < this.#lastSend)
      throw new RangeError(`${this.name}: send at ${at} is before the previous send at ${this.#lastSend}`);
    this.#lastSend = at;
    const lost = draw(this.#random) < this.params.lossProbability;
    const jitter = Math.round(draw(this.#random) * this.params.jitterUs * US);
    const serializationStart = Math.max(at, this.#busyUntil);
    const serializationEnd = checkTime(serializationStart + serializationTime(this.params, bytes), 'serializationEnd');
    this.#busyUntil = serializationEnd;
    this.#busyTime += serializationEnd - serializationStart;
    this.#sent++;
    this.#bytes += bytes;
    if (lost) {
      this.#dropped++;
      return { dropped: true, serializationStart, serializationEnd };
    }
    let deliveryTime = checkTime(serializationEnd + Math.round(this.params.latencyUs * US) + jitter, 'deliveryTime');
    if (!this.params.reorder) deliveryTime = Math.max(deliveryTime, this.#lastDelivery);
    this.#lastDelivery = Math.max(this.#lastDelivery, deliveryTime);
    return { dropped: false, serializationStart, serializationEnd, deliveryTime };
  }

  /** When the link finishes serializing what it has been given. */
  get busyUntil(): SimTime {
    return this.#busyUntil;
  }

  /** Counts so far. */
  get stats(): LinkStats {
    return {
      sent: this.#sent,
      dropped: this.#dropped,
      delivered: this.#sent - this.#dropped,
      bytes: this.#bytes,
      busyTime: this.#busyTime,
    };
  }
}

/** Both directions of a path between two endpoints, each with its own random stream. */
export class DuplexLink {
  /** Endpoint A to endpoint B (client to server, by convention). */
  readonly forward: NetworkLink;
  /** Endpoint B to endpoint A. */
  readonly reverse: NetworkLink;

  constructor(name: string, params: NetworkParams, forwardRandom: RandomSource, reverseRandom: RandomSource) {
    this.forward = new NetworkLink(`${name}.forward`, params, forwardRandom);
    this.reverse = new NetworkLink(`${name}.reverse`, params, reverseRandom);
  }
}
