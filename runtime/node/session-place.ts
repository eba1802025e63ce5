/**
 * Where a listener's session sits: its place in the transport's demux (address key, CIDs, the ClientHello.random that
 * made it, whether it is still handshaking) and in admission and resting (the host it counts against, its handshake
 * keys' end). The session holds it (`DtlsSession.place`); the transport and the listener read and move it. A client's
 * session has one too, never placed.
 */
export interface SessionPlace {
  /** `address|port` (it changes when the session migrates). */
  key: string;
  /** Its connection IDs, as routing keys (made with the first). */
  cids: Set<string> | undefined;
  /** ClientHello.random (hex) of the handshake that made it, once seen. */
  random: string | undefined;
  handshaking: boolean;
  /** The host it counts against for admission (see hostKey; it changes when the session migrates to a validated path). */
  host: string;
  /** Until when it may still hold its handshake keys (epoch 2), once established. */
  handshakeKeysUntil: number | undefined;
}
