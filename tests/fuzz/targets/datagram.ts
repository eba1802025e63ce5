/**
 * `decodeDatagram` (runtime/wire/datagram.ts) on arbitrary bytes, with a
 * connection ID length of 0 and of 4. Invariants: the only exception is
 * DecodeError (its documented failure), and a datagram that decodes encodes
 * back to the same bytes.
 */
import { decodeDatagram, encodeDatagram } from '../../../runtime/wire/datagram.js';
import { DecodeError } from '../../../runtime/wire/errors.js';
import { InvariantViolation, type FuzzTarget } from '../engine/target.js';
import { recordedTraffic } from './connection/recording.js';

const CID_LENGTHS = [0, 4] as const;

const toHex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');

export const datagramTarget: FuzzTarget = {
  name: 'datagram',
  maxLength: 4096,
  run(input) {
    for (const cidLength of CID_LENGTHS) {
      let records: ReturnType<typeof decodeDatagram>;
      try {
        records = decodeDatagram(input, { cidLength });
      } catch (e) {
        if (e instanceof DecodeError) continue;
        throw e;
      }
      const again = encodeDatagram(records, { cidLength });
      if (toHex(again) !== toHex(input)) {
        throw new InvariantViolation(
          `cidLength ${cidLength}: ${records.length} decoded record(s) encode to ${again.length} bytes that differ from the ${input.length} input bytes`,
        );
      }
    }
  },
  seeds() {
    const out: Uint8Array[] = [];
    for (const t of recordedTraffic()) out.push(...t.sent.client, ...t.sent.server);
    return out;
  },
  describe(input) {
    return `${input.length} bytes: ${toHex(input)}`;
  },
};
