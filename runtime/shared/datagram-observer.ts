/**
 * An observer of the datagrams a connection takes in and hands out, for tools that print the traffic (the CLI's --msg
 * and --trace). It sees the bytes as they are on the wire and cannot change them.
 */
export type DatagramObserver = (direction: 'received' | 'sent', datagram: Uint8Array) => void;
