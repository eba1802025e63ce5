/**
 * `--msg` and `--trace` for the client and server: every datagram the
 * connection sends or receives goes through the dissector (dissect/), with
 * the connection's own key log lines as its key log, so protected records
 * are shown decrypted, in the version the conversation turns out to speak
 * (dissect/live-conversation.ts). A received datagram is shown once the connection has
 * processed it (its keys may come from a record in it).
 */
import type { DatagramObserver } from '../runtime/shared/datagram-observer.js';
import { nodeProvider } from '../runtime/crypto/node/index.js';
import { recordLine, traceLines } from './dissect/describe.js';
import { addKeyLogLine, type KeyLog } from './dissect/key-log.js';
import { LiveConversation } from './dissect/live-conversation.js';

export interface MessageTrace {
  readonly onDatagram: DatagramObserver;
  /** Feed every key log line of the connection here. */
  readonly keyLog: (line: string) => void;
}

/**
 * A tracer for `role`'s side. On a server all connections share one
 * observer, so a new ClientHello starts a new conversation: the trace is
 * right for one client at a time (as s_server serves them).
 */
export function messageTrace(role: 'client' | 'server', fields: boolean, write: (line: string) => void): MessageTrace {
  const keys: KeyLog = new Map();
  let conversation = new LiveConversation(keys, nodeProvider);
  const show = (direction: 'received' | 'sent', datagram: Uint8Array): void => {
    const from = direction === 'sent' ? role : role === 'client' ? 'server' : 'client';
    // A ClientHello (record type 22, msg_type 1) whose message_seq (bytes 17-18) is 0 or, after a stateless HelloRetryRequest, 1.
    const firstClientHello =
      role === 'server' &&
      direction === 'received' &&
      datagram[0] === 22 &&
      datagram[13] === 1 &&
      datagram[17] === 0 &&
      datagram[18]! <= 1;
    if (firstClientHello) conversation = new LiveConversation(keys, nodeProvider);
    for (const r of conversation.dissect(from, datagram)) {
      write(`${direction === 'sent' ? '>>>' : '<<<'} ${recordLine(r)}\n`);
      if (fields) for (const line of traceLines(r)) write(`${line}\n`);
    }
  };
  // Received datagrams wait until the connection has processed them (their keys come from it), and at the
  // latest until the connection sends something: what it sends answers what it received.
  const received: Uint8Array[] = [];
  const flush = (): void => {
    for (const d of received.splice(0)) show('received', d);
  };
  return {
    onDatagram: (direction, datagram) => {
      const copy = Uint8Array.from(datagram);
      if (direction === 'sent') {
        flush();
        show(direction, copy);
      } else {
        received.push(copy);
        queueMicrotask(flush);
      }
    },
    keyLog: (line) => addKeyLogLine(keys, line),
  };
}
