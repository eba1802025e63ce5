/** Where a listener's session sits in the demux (address, CIDs, ClientHello.random), admission and resting. */
export class SessionPlace {
  /** `address|port` (it changes when the session migrates). */
  key = '';
  /** Its connection IDs, as routing keys (made with the first). */
  cids: Set<string> | undefined = undefined;
  /** ClientHello.random (hex) of the handshake that made it, once seen. */
  random: string | undefined = undefined;
  handshaking = true;
  /** The host it counts against for admission (see hostKey; it changes when the session migrates to a validated path). */
  host = '';
  /** Until when it may still hold its handshake keys (epoch 2), once established. */
  handshakeKeysUntil: number | undefined = undefined;
}
