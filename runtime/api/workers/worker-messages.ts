/** What the primary and a worker thread of `listen({ workers })` tell each other. */
import type { MessagePort } from 'node:worker_threads';
import type { DtlsErrorCode } from '../error-codes.js';
import type { CidDirectoryInit } from './cid-directory.js';
import type { FleetConfig } from './fleet-options.js';
import type { AdmitAnswer, AdmitRequest } from './shared-anti-replay.js';
import type { EndedSession } from './worker-death.js';

/** The socket a worker serves on: a descriptor the primary made (SO_REUSEPORT, native addon), or one it binds itself with node:dgram's reusePort. */
export type WorkerSocket =
  | { readonly kind: 'fd'; readonly fd: number; readonly family: 'udp4' | 'udp6' }
  | {
      readonly kind: 'reusePort';
      readonly family: 'udp4' | 'udp6';
      readonly host: string;
      readonly port: number;
      readonly ipv6Only: boolean;
    };

/** workerData of a worker thread. */
export interface WorkerInit {
  readonly worker: number;
  readonly workers: number;
  readonly hostId: number;
  readonly module: string;
  readonly socket: WorkerSocket;
  /** The listen options the worker uses (the module's own are added to them). */
  readonly options: Readonly<Record<string, unknown>>;
  /** The CID length (0: none) and the rest of the `cid` option. */
  readonly cid: { readonly length: number; readonly rest: Readonly<Record<string, unknown>> } | undefined;
  readonly stats: SharedArrayBuffer;
  /** The listener's `busy` when the worker starts. */
  readonly busy: boolean;
  /** Ports to the other workers, by worker number (undefined at its own). */
  readonly peers: readonly (MessagePort | undefined)[];
  /** Whether the anti-replay store is the primary's (no `antiReplay` from the module). */
  readonly sharedAntiReplay: boolean;
  /** The primary's store's generation (session/anti-replay.ts). */
  readonly antiReplayGeneration: Uint8Array;
  /** The fleet's hosts and link key, when this host is one of a fleet. */
  readonly fleet: FleetConfig | undefined;
  /** Every worker's CIDs (cid-directory.ts), when CIDs name their worker. */
  readonly directory: CidDirectoryInit | undefined;
}

export type ToPrimary =
  | { readonly type: 'ready'; readonly address: string; readonly family: string; readonly port: number }
  | {
      readonly type: 'failed';
      readonly message: string;
      readonly code: string | undefined;
      readonly option: string | undefined;
    }
  | {
      readonly type: 'handshakeError';
      readonly message: string;
      readonly code: DtlsErrorCode;
      readonly alert: string | undefined;
      readonly address: string;
      readonly port: number;
    }
  /** Closed: the peers of the sessions it closed with close_notify (the endpoint's close). */
  | { readonly type: 'closed'; readonly sessions: readonly EndedSession[] }
  /** Thrown out of its event loop: these sessions ended with internal_error, and the thread ends. */
  | { readonly type: 'dying'; readonly message: string; readonly sessions: readonly EndedSession[] }
  | AdmitRequest;

export type ToWorker =
  | { readonly type: 'close' }
  | { readonly type: 'destroy'; readonly message: string | undefined }
  | { readonly type: 'ticketKeys'; readonly keys: readonly Uint8Array[] }
  | { readonly type: 'busy'; readonly busy: boolean }
  /** Worker `worker` died and a new one took its place: `port` reaches the new one (the old port is closed). */
  | { readonly type: 'peer'; readonly worker: number; readonly port: MessagePort }
  | AdmitAnswer;

/** A datagram one worker hands another: bytes, and where it came from. */
export type Forwarded = readonly [datagram: Uint8Array, address: string, port: number];

/** What one worker hands another in one message: the datagrams of one read of its socket, in order. */
export type ForwardedBatch = readonly Forwarded[];
