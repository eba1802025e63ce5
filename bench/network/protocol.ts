/**
 * Messages between the network bench (the parent process: clients and
 * senders) and its peer process (a child: the dtls13 server and the plain
 * UDP sink, i.e. the receivers). Sent over the fork IPC channel with
 * `serialization: 'advanced'`, so byte arrays pass as they are.
 */

/** The peer's receivers: a dtls13 server per crypto provider, the native one again with `messageBuffers: 'batch'`, and the plain UDP sink. */
export type Receiver = 'dtls-node' | 'dtls-native' | 'dtls-native-batch' | 'udp';

/** What the peer counted at its application since the last `reset`. */
export interface ReceiveCount {
  /** Application bytes delivered (payload bytes, not datagram bytes). */
  readonly bytes: number;
  /** Payloads delivered. */
  readonly messages: number;
  /** Peer's performance.now() at the first and last delivery (NaN when none). */
  readonly firstAt: number;
  readonly lastAt: number;
  /** The peer process's CPU time so far (user + system, µs). */
  readonly cpuMicros: number;
  /** The CPU the peer's main thread last ran on (-1: unknown). */
  readonly onCpu: number;
  /** Of the datagrams the server's own reading took since the reset, the share that came in UDP GRO runs (NaN: none read that way). */
  readonly coalesced: number;
}

export type ToPeer =
  | {
      readonly type: 'start';
      /** The dtls13 server's certificate chain and key. */
      readonly certificate: { readonly chain: readonly Uint8Array[]; readonly privateKey: Uint8Array };
      /** SO_RCVBUF/SO_SNDBUF for both receiving sockets (0: the system default). */
      readonly bufferSize: number;
    }
  | { readonly type: 'reset'; readonly id: number }
  | { readonly type: 'count'; readonly id: number; readonly which: Receiver }
  | { readonly type: 'stop' };

export type FromPeer =
  | {
      readonly type: 'ready';
      /** The dtls13 server on the node provider (the one the handshake bench uses), and the one on the native provider when its addon loaded there. */
      readonly dtlsPort: number;
      readonly nativePort: number | undefined;
      /** The native server with `messageBuffers: 'batch'`. */
      readonly nativeBatchPort: number | undefined;
      readonly udpPort: number;
      readonly bufferSize: { readonly recv: number; readonly send: number };
    }
  | { readonly type: 'reset'; readonly id: number; readonly cpuMicros: number }
  | ({ readonly type: 'count'; readonly id: number } & ReceiveCount);
