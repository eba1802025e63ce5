/**
 * The DTLS 1.2 parsers and record protection (runtime/dtls12) on arbitrary
 * bytes: `decodeDatagram12` with a receive CID length of 0 and of 4; every
 * plaintext handshake record's messages through the 1.2 schemas (and
 * ServerKeyExchange / ClientKeyExchange through each key exchange's form);
 * ChangeCipherSpec; and every protected record through an epoch's
 * EpochCipher12 and replay window, with keys the seeds were sealed with, so
 * mutations of real records reach the decryption and the inner plaintext.
 * Invariants: DecodeError is the only exception; what decodes encodes back to
 * the same bytes; opening never throws.
 */
import { IntegrityMonitor } from '../../../runtime/record/integrity-monitor.js';
import { readFileSync } from 'node:fs';
import { decodeChangeCipherSpec } from '../../../generated/wire/change-cipher-spec.js';
import {
  decodeClientKeyExchangeEcdhe,
  decodeClientKeyExchangeEcdhePsk,
  decodeClientKeyExchangePsk,
  encodeClientKeyExchangeEcdhe,
  encodeClientKeyExchangeEcdhePsk,
  encodeClientKeyExchangePsk,
} from '../../../generated/wire/client-key-exchange.js';
import { readDtlsHandshake } from '../../../generated/wire/dtls-handshake.js';
import { handshakeTypeToNumber } from '../../../generated/wire/enums.js';
import {
  decodeServerKeyExchangeEcdhe,
  decodeServerKeyExchangeEcdhePsk,
  decodeServerKeyExchangePsk,
  encodeServerKeyExchangeEcdhe,
  encodeServerKeyExchangeEcdhePsk,
  encodeServerKeyExchangePsk,
} from '../../../generated/wire/server-key-exchange.js';
import { decodeTls12Handshake, encodeTls12Handshake } from '../../../generated/wire/tls12-handshake.js';
import { nobleProvider } from '../../../runtime/crypto/noble/index.js';
import { decodeDatagram12, encodeDatagram12, type Dtls12WireRecord } from '../../../runtime/record/datagram12.js';
import { EpochCipher12 } from '../../../runtime/record/epoch-cipher12.js';
import { ReadEpoch12 } from '../../../runtime/record/epochs12.js';
import { DTLS12_CIPHER_SUITES } from '../../../runtime/versions/suites12.js';
import { DecodeError } from '../../../runtime/wire/errors.js';
import { Reader } from '../../../runtime/wire/reader.js';
import { InvariantViolation, type FuzzTarget } from '../engine/target.js';

const CID_LENGTHS = [0, 4] as const;
const CID = Uint8Array.of(0xc1, 0xd0, 0xc2, 0xd3);
const GCM = DTLS12_CIPHER_SUITES.tls_ecdhe_ecdsa_with_aes_128_gcm_sha256;
const CHACHA = DTLS12_CIPHER_SUITES.tls_ecdhe_ecdsa_with_chacha20_poly1305_sha256;
/** Fixed keys: the seeds are sealed with them, so mutated seeds still open (or fail authentication late). */
const GCM_KEYS = { key: new Uint8Array(16).fill(0x11), iv: new Uint8Array(4).fill(0x22) };
const CHACHA_KEYS = { key: new Uint8Array(32).fill(0x33), iv: new Uint8Array(12).fill(0x44) };

const toHex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');

/** Decodes with `decode`; what decodes must encode back to `bytes`. DecodeError is the documented failure. */
function roundTrip<T>(
  what: string,
  bytes: Uint8Array,
  decode: (b: Uint8Array) => T,
  encode: (v: T) => Uint8Array,
): void {
  let v: T;
  try {
    v = decode(bytes);
  } catch (e) {
    if (e instanceof DecodeError) return;
    throw e;
  }
  const again = encode(v);
  if (toHex(again) !== toHex(bytes))
    throw new InvariantViolation(
      `${what}: ${bytes.length} bytes decode, and encode back to ${again.length} different bytes`,
    );
}

/** Each handshake message of a plaintext record, through the 1.2 schemas. */
function handshakeMessages(fragment: Uint8Array): void {
  const r = new Reader(fragment, 'Fragment');
  while (r.pos < r.end) {
    let msg;
    try {
      msg = readDtlsHandshake(r);
    } catch (e) {
      if (e instanceof DecodeError) return;
      throw e;
    }
    if (msg.fragmentOffset !== 0 || msg.fragment.length !== msg.length) continue;
    const n = msg.length;
    const framed = Uint8Array.of(
      handshakeTypeToNumber(msg.msgType),
      n >>> 16,
      (n >>> 8) & 0xff,
      n & 0xff,
      ...msg.fragment,
    );
    roundTrip('Tls12Handshake', framed, decodeTls12Handshake, encodeTls12Handshake);
    if (msg.msgType === 'server_key_exchange') {
      roundTrip('ServerKeyExchangeEcdhe', msg.fragment, decodeServerKeyExchangeEcdhe, encodeServerKeyExchangeEcdhe);
      roundTrip(
        'ServerKeyExchangeEcdhePsk',
        msg.fragment,
        decodeServerKeyExchangeEcdhePsk,
        encodeServerKeyExchangeEcdhePsk,
      );
      roundTrip('ServerKeyExchangePsk', msg.fragment, decodeServerKeyExchangePsk, encodeServerKeyExchangePsk);
    } else if (msg.msgType === 'client_key_exchange') {
      roundTrip('ClientKeyExchangeEcdhe', msg.fragment, decodeClientKeyExchangeEcdhe, encodeClientKeyExchangeEcdhe);
      roundTrip(
        'ClientKeyExchangeEcdhePsk',
        msg.fragment,
        decodeClientKeyExchangeEcdhePsk,
        encodeClientKeyExchangeEcdhePsk,
      );
      roundTrip('ClientKeyExchangePsk', msg.fragment, decodeClientKeyExchangePsk, encodeClientKeyExchangePsk);
    }
  }
}

function openAll(readers: readonly ReadEpoch12[], wire: Dtls12WireRecord): void {
  for (const reader of readers) {
    const res = reader.receive(
      encodeDatagram12([wire], { cidLength: wire.kind === 'cid' ? wire.record.cid.length : 0 }),
      0,
    );
    if (res.ok && res.content.length > 16384)
      throw new InvariantViolation(`an opened record holds ${res.content.length} bytes, over 2^14`);
  }
}

export const dtls12Target: FuzzTarget = {
  name: 'dtls12',
  maxLength: 4096,
  run(input) {
    // Fresh replay windows per input, so one input cannot change what the next one sees.
    const readers = [
      new ReadEpoch12(new EpochCipher12(nobleProvider, GCM, GCM_KEYS, 1), new IntegrityMonitor(1_000_000, 0)),
      new ReadEpoch12(new EpochCipher12(nobleProvider, CHACHA, CHACHA_KEYS, 1), new IntegrityMonitor(1_000_000, 0)),
      new ReadEpoch12(
        new EpochCipher12(nobleProvider, GCM, GCM_KEYS, 1, { cid: CID }),
        new IntegrityMonitor(1_000_000, 0),
      ),
    ];
    for (const cidLength of CID_LENGTHS) {
      let records: Dtls12WireRecord[];
      try {
        records = decodeDatagram12(input, { cidLength });
      } catch (e) {
        if (e instanceof DecodeError) continue;
        throw e;
      }
      const again = encodeDatagram12(records, { cidLength });
      if (toHex(again) !== toHex(input))
        throw new InvariantViolation(
          `cidLength ${cidLength}: ${records.length} record(s) encode to bytes that differ from the input`,
        );
      for (const wire of records) {
        if (wire.kind === 'record' && wire.record.epoch === 0) {
          if (wire.record.type === 'handshake') handshakeMessages(wire.record.fragment);
          else if (wire.record.type === 'change_cipher_spec')
            roundTrip('ChangeCipherSpec', wire.record.fragment, decodeChangeCipherSpec, () => Uint8Array.of(1));
        } else {
          openAll(readers, wire);
        }
      }
    }
  },
  seeds() {
    const out: Uint8Array[] = [];
    const recorded = JSON.parse(
      readFileSync(new URL('../../vectors/openssl-dtls12-handshakes.json', import.meta.url), 'utf8'),
    ) as {
      captures: readonly { datagrams: readonly { hex: string }[] }[];
    };
    for (const c of recorded.captures.slice(0, 2))
      for (const d of c.datagrams) out.push(new Uint8Array(Buffer.from(d.hex, 'hex')));
    const content = new TextEncoder().encode('seed application data');
    out.push(new EpochCipher12(nobleProvider, GCM, GCM_KEYS, 1).seal(23, 1, content));
    out.push(new EpochCipher12(nobleProvider, CHACHA, CHACHA_KEYS, 1).seal(22, 2, content));
    out.push(new EpochCipher12(nobleProvider, GCM, GCM_KEYS, 1, { cid: CID, padding: () => 4 }).seal(23, 3, content));
    return out;
  },
  describe(input) {
    return `${input.length} bytes: ${toHex(input)}`;
  },
};
