/**
 * The one table of a connection's protocol options, both versions': each row types its option and its comment
 * documents it ({@link DtlsConfig}), and says what checks it (runtime/option-row.ts): its kind or choices, its range
 * and default, the side that takes it. config.ts resolves them; what no row can say (lists, credentials, nested
 * objects) is checked by the module that reads the option.
 */
import type { ConnectionIdOption, RrcProcedure } from '../cid/cid-options.js';
import type { CryptoProvider, KeyExchangeGroup, SignatureAlgorithm } from '../crypto/provider.js';
import type { SupportedCipherSuite } from '../crypto/suites.js';
import type { FlightTimerConfig } from '../handshake/flight-timer-config.js';
import { integer, option, type RowType } from '../option-row.js';
import type { CertificateVerifier } from '../pki/verify-chain.js';
import type { SyncAntiReplay } from '../session/anti-replay.js';
import type { ServerAlpnOption } from '../session/alpn.js';
import type { ClientSession } from '../session/client-session.js';
import type { ClientPskOption, PskKeyExchangeModeName, ServerPskOption } from '../session/external-psk.js';
import type { DtlsVersionName } from '../versions/versions.js';
import { MESSAGE_BUFFERS, type MessageBuffers } from '../wire/message-arena.js';
import type { ConnectionLimits } from './connection-limits.js';
import type { RawPublicKeyOption } from './raw-public-key-option.js';
import type { SniOption } from './sni-selection.js';
import type { DatagramObserver } from './datagram-observer.js';
import type { StatelessRetry } from './stateless-retry.js';

/** `maxDatagramSize` bounds in bytes (node:dtls's `mtu`; max: the largest UDP payload over IPv4). */
export const DATAGRAM_SIZE = { min: 256, max: 65_507, default: 1200 } as const;

/** What `keyLog` is called with, as its ConfigError says it. */
export const KEY_LOG_SHAPE = '(line: string) => void, called with each NSS key log line';

/** Every option of a DTLS connection of either version (client or server), by its row. */
export const CONFIG_OPTIONS = {
  /** Crypto provider (default: native when its addon is built, else node; `DTLS13_NATIVE=0` keeps node). */
  provider: option<CryptoProvider>(),
  /** Cipher suites in preference order (default: AES-128-GCM, AES-256-GCM, ChaCha20-Poly1305). */
  cipherSuites: option<readonly SupportedCipherSuite[]>(),
  /**
   * Let `cipherSuites` name TLS_AES_128_CCM_8_SHA256 (default false). Its 8-byte tag lets anyone on the path end the
   * session with 2^7 forged records (RFC 9147 §4.5.3, Appendix B.3). For constrained links where that is accepted.
   */
  allowCcm8: option<boolean>({ kind: 'boolean' }),
  /** Key exchange groups in preference order; a client sends a key share for the first (default: x25519, secp256r1, secp384r1). */
  groups: option<readonly KeyExchangeGroup[]>(),
  /** Signature schemes accepted from the peer, in preference order. */
  signatureAlgorithms: option<readonly SignatureAlgorithm[]>(),
  /** Our certificate chain (DER, leaf first) and the leaf's private key (PKCS#8 DER). Required for a server. */
  certificate: option<{ readonly chain: readonly Uint8Array[]; readonly privateKey: Uint8Array }>(),
  /** Trust anchors (DER) for the peer's chain. */
  trustAnchors: option<readonly Uint8Array[]>(),
  /**
   * Client: the server's DNS name (sent as server_name) or IP address, which its certificate must match (RFC 9525 §6).
   * Required with the built-in verification, unless `checkServerIdentity` is false.
   */
  serverName: option<string>(),
  /** Client: check the server certificate against `serverName` (default true; false: any name the anchors vouch for). */
  checkServerIdentity: option<boolean>({ kind: 'boolean' }),
  /** Replaces the built-in chain verification. */
  verifyPeer: option<CertificateVerifier>(),
  /**
   * Raw public keys (RFC 7250). `privateKey` (PKCS#8 DER): ours, offered before X.509 (a `certificate` given too must
   * hold the same key). `verifyPeer`: the peer must present a raw key, and this checks it.
   */
  rawPublicKey: option<RawPublicKeyOption>(),
  /** Server: whether to ask for a client certificate (default 'none'). */
  clientAuthentication: option<'none' | 'optional' | 'required'>(),
  /** Largest datagram to send (default 1,200 bytes). */
  maxDatagramSize: integer({ ...DATAGRAM_SIZE }),
  /** The handshake's retransmission timer (RFC 9147 §5.8): its first timeout, its longest, and how it backs off. */
  retransmission: option<FlightTimerConfig>(),
  /** Anti-replay window in records (default 64). */
  replayWindow: integer({ min: 64, max: 1 << 20, default: 64 }),
  /**
   * How received application data is held (docs/security/buffers.md): 'batch' (default), each message a view of one
   * untransferable ArrayBuffer per session and receive batch, as Node's pooled Buffers are; 'own', an ArrayBuffer per
   * message, for an application that transfers or writes outside its messages.
   */
  messageBuffers: option<MessageBuffers>({ oneOf: MESSAGE_BUFFERS }),
  /** Receives one line per secret in the NSS key log format (SSLKEYLOGFILE). Secrets leave the process: debugging only. */
  keyLog: option<(line: string) => void>({ kind: 'function', shape: KEY_LOG_SHAPE }),
  /** What one connection may hold for its peer at most (defaults in connection-limits.ts). */
  limits: option<Partial<ConnectionLimits>>(),
  /**
   * External pre-shared keys (RFC 8446 §4.2.11). Client: `{ identity, key }` or a function of the server name. Server:
   * identity → key as a Map, object or synchronous function; with no certificate it takes PSK clients only.
   */
  psk: option<ClientPskOption | ServerPskOption>(),
  /** PSK key exchange modes (RFC 8446 §4.2.9), default `['psk_dhe_ke']`; `psk_ke` (no forward secrecy) only when listed. */
  pskKeyExchangeModes: option<readonly PskKeyExchangeModeName[]>(),
  /** Client: a session from an earlier connection's `sessionTicket` event, to resume (RFC 8446 §2.2). */
  session: option<Uint8Array | ClientSession>({ side: 'client' }),
  /**
   * Server: ticket sealing keys, 32 bytes each (one Uint8Array of 32 × N bytes, or an array), the first current. Servers
   * sharing them resume each other's sessions (docs/security/tickets.md). Default: random, per options object.
   */
  ticketKeys: option<Uint8Array | readonly Uint8Array[]>({ side: 'server' }),
  /** Server: NewSessionTickets sent after each handshake (default 1; 0 sends none). */
  tickets: integer({ min: 0, max: 16, default: 1, side: 'server' }),
  /** Server: ticket_lifetime in seconds (default 7200; at most 604800, RFC 8446 §4.6.1). */
  ticketLifetime: integer({ min: 1, max: 604_800, default: 7200 }),
  /** Client: offer post_handshake_auth, so the server may ask for our certificate after the handshake (RFC 8446 §4.6.2). */
  postHandshakeAuth: option<boolean>({ kind: 'boolean', side: 'client' }),
  /**
   * Client: 0-RTT data sent with a resumed ClientHello (RFC 8446 §4.2.10). An attacker can replay it: idempotent
   * requests only. The `earlyData` event says whether the server took it.
   */
  earlyData: option<Uint8Array>({ side: 'client' }),
  /** Server: the most 0-RTT data a ticket allows (its max_early_data_size; default 0: no 0-RTT). */
  maxEarlyData: integer({ min: 0, max: 0xffff_ffff, default: 0 }),
  /** Server: the store that lets a given ClientHello's early data in once (RFC 8446 §8; default: this process's memory). */
  antiReplay: option<SyncAntiReplay>(),
  /**
   * Connection IDs (RFC 9146, RFC 9147 §9): our CIDs' length (0..20), or an object with `generate`, `spares` and caps.
   * Used when both sides offer the extension.
   */
  cid: option<number | ConnectionIdOption>(),
  /**
   * Return routability checks (RFC 9853) before moving a session to a new address: true or 'basic' (the default with
   * `cid`), 'enhanced' (ask the old address first), false (none: RFC 9146 §6's rule moves the session).
   */
  rrc: option<boolean | RrcProcedure>(),
  /** The check's timer T (RFC 9853 §5.5; default 1000 ms). */
  rrcTimeoutMs: option<number>(),
  /**
   * Server, for wolfSSL 5.7.2 clients only: echo legacy_session_id, which RFC 9147 §5 forbids (default false); without
   * it wolfSSL cannot resume.
   */
  echoLegacySessionId: option<boolean>({ kind: 'boolean', side: 'server' }),
  /**
   * ALPN (RFC 7301): names preferred first, or (server) a function of the offered names and server name; none in common
   * is no_application_protocol. The choice is `alpnProtocol`.
   */
  alpn: option<readonly string[] | ServerAlpnOption>(),
  /**
   * Server: certificates by server_name (RFC 6066): host name → `{ chain, privateKey }` (or several: the first the
   * client's signature_algorithms fit) as a Map or object (`'*.example.com'`, `'*'` for any other), or a function. No
   * entry: unrecognized_name; no name sent: `certificate`, else `'*'`. Names compare case-insensitively.
   */
  sni: option<SniOption>({ side: 'server' }),
  /**
   * record_size_limit (RFC 8449) we advertise: the largest DTLSInnerPlaintext we take, 64..16385 (larger is
   * record_overflow). Client default: not sent; a server answers one with this (default 16385).
   */
  recordSizeLimit: option<number>(),
  /**
   * DTLS-SRTP (RFC 5764): protection profiles preferred first, as an array or colon-separated string; none in common
   * means no SRTP. The choice is `srtpProfile`; `srtpKeyingMaterial` derives the keys.
   */
  srtp: option<readonly string[] | string>(),
  /**
   * signature_algorithms_cert (RFC 8446 §4.2.3): schemes we accept in the peer's certificates (else
   * unsupported_certificate). Default: not sent; signature_algorithms governs certificates too.
   */
  signatureAlgorithmsCert: option<readonly SignatureAlgorithm[]>(),
  /** The versions to negotiate, as `session.protocol` reports them: 'DTLSv1.2' (default min) to 'DTLSv1.3' (default max). */
  minVersion: option<DtlsVersionName>(),
  /** The highest version to negotiate: 'DTLSv1.3' (default) or 'DTLSv1.2'. */
  maxVersion: option<DtlsVersionName>(),
};

/** Options of a DTLS 1.3 connection (client or server): the rows of {@link CONFIG_OPTIONS}. */
export type DtlsConfig = { readonly [K in keyof typeof CONFIG_OPTIONS]?: RowType<(typeof CONFIG_OPTIONS)[K]> };

/**
 * Every option of a connection (connection-api.ts's `ConnectionOptions`): the protocol's and these beside it, and
 * `inspect`, declared there as a method.
 */
export const CONNECTION_OPTIONS = {
  ...CONFIG_OPTIONS,
  /** Wall-clock time (ms since the epoch) for certificate validity; default `Date.now`. */
  wallClock: option<() => number>(),
  /** Server: start after a stateless HelloRetryRequest whose cookie a HelloRetryResponder accepted. */
  statelessRetry: option<StatelessRetry | undefined>(),
  /** Sees every datagram received and sent, as on the wire (e.g. to print a message trace). */
  onDatagram: option<DatagramObserver>(),
  /** Server: whether a CID is already another connection's, so a new one is never a duplicate. */
  connectionIdTaken: option<(cid: Uint8Array) => boolean>(),
  /**
   * Server: the client's IP address. Tickets record it, and 0-RTT is taken only with a ticket that records the same
   * address (RFC 9147 §5.1; runtime/session/ticket-address.ts). Omitted: tickets record none.
   */
  peerAddress: option<string>(),
  /**
   * Server: until the peer's address is validated, send it at most 3x the bytes it sent (RFC 9147 §5.1;
   * runtime/shared/amplification-limit.ts). Default true. `false` only where the address is known to be the
   * peer's already (ICE established it, an in-memory link): `listen` has no such option.
   */
  amplificationLimit: option<boolean>(),
};
