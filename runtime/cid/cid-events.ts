/** The events connection-ID handling reports to the application, in the connection's queue (runtime/shared/events.ts). */
export type CidEvent =
  /** A connection ID of ours that records to us may carry from now (the UDP server routes datagrams by it). */
  | { readonly type: 'connectionIdIssued'; readonly cid: Uint8Array }
  /** A connection ID of ours the peer moved past: records carrying it are no longer taken. */
  | { readonly type: 'connectionIdRetired'; readonly cid: Uint8Array }
  /** The peer moved to `to`: `validated` by RRC (RFC 9853), or not (RFC 9146 §6: the address may be spoofed). */
  | { readonly type: 'pathMigrated'; readonly from: string; readonly to: string; readonly validated: boolean };

/** Where a CID context puts its events: the connection's event queue. */
export interface CidEventSink {
  push(event: CidEvent): unknown;
}
