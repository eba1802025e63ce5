/** On-path changes to DTLS 1.2 handshake messages in transit, epoch 0 (tests of what a peer refuses). */
import { encodeDtlsHandshake, readDtlsHandshake, type DtlsHandshake } from '../../generated/wire/dtls-handshake.js';
import type { HandshakeTypeName } from '../../generated/wire/enums.js';
import {
  decodeTls12ServerHello,
  encodeTls12ServerHello,
  type Tls12ServerHello,
} from '../../generated/wire/tls12-server-hello.js';
import { decodeDatagram12, encodeDatagram12, type Dtls12WireRecord } from '../../runtime/record/datagram12.js';
import { Reader } from '../../runtime/wire/reader.js';

/**
 * `d` with each whole plaintext `msgType` message's body replaced by `change(body)` (its lengths made to fit); other
 * datagrams, records and messages as they were.
 */
export function rewriteMessage(
  d: Uint8Array,
  msgType: HandshakeTypeName,
  change: (body: Uint8Array) => Uint8Array,
): Uint8Array {
  let records: Dtls12WireRecord[];
  try {
    records = decodeDatagram12(d);
  } catch {
    return d;
  }
  let changed = false;
  const out = records.map((w): Dtls12WireRecord => {
    if (w.kind !== 'record' || w.record.epoch !== 0 || w.record.type !== 'handshake') return w;
    const r = new Reader(w.record.fragment, 'Handshake');
    const parts: Uint8Array[] = [];
    while (r.pos < r.end) {
      const f: DtlsHandshake = readDtlsHandshake(r);
      if (f.msgType === msgType && f.fragmentOffset === 0 && f.fragment.length === f.length) {
        const body = change(f.fragment);
        parts.push(encodeDtlsHandshake({ ...f, length: body.length, fragment: body }));
        changed = true;
      } else parts.push(encodeDtlsHandshake(f));
    }
    return { kind: 'record', record: { ...w.record, fragment: Buffer.concat(parts) } };
  });
  return changed ? encodeDatagram12(out) : d;
}

/** `d` with its whole ServerHello replaced by `change(serverHello)`; other datagrams and records as they were. */
export function rewriteServerHello(d: Uint8Array, change: (sh: Tls12ServerHello) => Tls12ServerHello): Uint8Array {
  return rewriteMessage(d, 'server_hello', (body) => encodeTls12ServerHello(change(decodeTls12ServerHello(body))));
}
