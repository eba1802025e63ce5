import type { SimEvent } from '../kernel/index.js';
import type { DtlsConnection } from '../../runtime/connection/connection.js';
import type { CryptoOpLog } from './crypto-ops.js';
import type { EnterConnection } from './routed-crypto.js';

/** One connection the record layer serves: the real connection, its operation log, and what waits for its worker. */
export interface Endpoint {
  readonly index: number;
  readonly connection: DtlsConnection;
  readonly log: CryptoOpLog;
  /** Routes the shared provider's randomness and log to this connection: called before every call into it. */
  readonly enter: EnterConnection;
  /** Datagrams received, not yet processed. */
  readonly inbox: Uint8Array[];
  /** Application data from the host, not yet sent. */
  readonly sends: Uint8Array[];
  /** Notified when something arrives for the worker. */
  readonly wake: SimEvent;
  /** Client endpoints start the handshake when their worker starts. */
  readonly initiate: boolean;
  /** Counters at the end of the previous call, for the deltas of the next. */
  readonly seen: { messages: number; records: number };
  /** The host asked for close_notify once the queued data is sent. */
  closing: boolean;
  done: boolean;
}
