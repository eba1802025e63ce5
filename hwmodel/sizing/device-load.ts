/**
 * The load a device's power is taken at (the target a chip team specifies,
 * not the burst a simulation offered), and the operations a second it
 * means: records, AEAD bits, commands, public-key operations, SHA-256 bits,
 * bytes moved by DMA, SRAM and DRAM accesses. Each count's derivation is
 * in its comment; `deviceCost` (device-cost.ts) prices them.
 */
import { ConfigError } from '../../runtime/config-error.js';

/** The target load (both directions together). */
export interface TargetLoad {
  /** Record payload through the AEAD, Gbit/s, encrypt and decrypt together. */
  readonly gbps: number;
  /** Mean record payload, bytes (default 1,200). */
  readonly recordBytes?: number;
  /** Full handshakes a second (server side: one key-exchange pair and one signature each). */
  readonly handshakesPerSecond: number;
  /** The AEAD (default TLS_AES_128_GCM_SHA256). */
  readonly suite?: 'TLS_AES_128_GCM_SHA256' | 'TLS_AES_256_GCM_SHA384' | 'TLS_CHACHA20_POLY1305_SHA256';
  /** Default x25519. */
  readonly keyExchange?: 'x25519' | 'secp256r1';
  /** Default ed25519. */
  readonly signature?: 'ed25519' | 'ecdsa_secp256r1_sha256';
  /** Share of records whose key context is not on chip and comes from DRAM (0..1, default 0). */
  readonly keyMissRate?: number;
  /** Bytes a key miss reads from DRAM before its key context: the connection lookup's bucket and entry (default 0). */
  readonly missLookupBytes?: number;
  /**
   * Times each record's datagram crosses DRAM (default 0: records stay on chip). A device whose record buffers live in
   * DRAM, as the workload model's do (its DMA in reads the record from DRAM, its DMA out writes it back), crosses it
   * twice.
   */
  readonly dramCrossingsPerRecord?: number;
}

/** DTLS 1.3 record overhead around the payload: header with a 16-bit sequence number and length (5), content type (1), tag (16). */
export const RECORD_OVERHEAD = 22;
/**
 * SHA-256 bytes a full handshake hashes (estimate): the transcript, about
 * 4 KB of flights with the certificate, hashed once with snapshots; the key
 * schedule's HKDF-Extract and Expand steps (RFC 8446 §7.1), about 20 HMACs of
 * 4 blocks (256 bytes) each, 5 KB: 9 KB.
 */
export const HANDSHAKE_SHA256_BYTES = 9 * 1024;
/** Handshake flights through the AEAD (the server's encrypted flight and the client's Finished): about 2 KB (estimate). */
export const HANDSHAKE_AEAD_BYTES = 2 * 1024;
/** Crypto commands a handshake issues (key exchange, signature, each HKDF step, each flight's records): about 30 (estimate). */
export const HANDSHAKE_COMMANDS = 30;

/** Operations a second at a load. */
export interface OperationRates {
  readonly recordsPerSecond: number;
  readonly aeadBitsPerSecond: number;
  /** Record number masks (RFC 9147 §4.2.3): one AES block a record. */
  readonly maskBlocksPerSecond: number;
  readonly commandsPerSecond: number;
  readonly keyExchangesPerSecond: number;
  readonly signaturesPerSecond: number;
  readonly sha256BitsPerSecond: number;
  /** Into the device's buffers and out again: every record's datagram twice. */
  readonly dmaBytesPerSecond: number;
  /** 64-bit SRAM accesses a second by what they touch. */
  readonly ringWords: number;
  readonly keySlotWords: number;
  readonly commandWords: number;
  readonly connectionWords: number;
  /** 64-bit DRAM accesses a second: key contexts missed on chip, and each record's datagram each time it crosses DRAM. */
  readonly dramWords: number;
  /** Of which the records' datagrams. */
  readonly dramRecordWords: number;
}

/** The load with its defaults, checked. */
export function checkLoad(load: TargetLoad): Required<TargetLoad> {
  const num = (v: number, name: string, min: number, max = Infinity): number => {
    if (!(Number.isFinite(v) && v >= min && v <= max))
      throw new ConfigError(`load.${name}`, `must be a number in ${min}..${max}, got ${String(v)}`);
    return v;
  };
  return {
    gbps: num(load.gbps, 'gbps', 0),
    recordBytes: num(load.recordBytes ?? 1200, 'recordBytes', 1, 16_384),
    handshakesPerSecond: num(load.handshakesPerSecond, 'handshakesPerSecond', 0),
    suite: load.suite ?? 'TLS_AES_128_GCM_SHA256',
    keyExchange: load.keyExchange ?? 'x25519',
    signature: load.signature ?? 'ed25519',
    keyMissRate: num(load.keyMissRate ?? 0, 'keyMissRate', 0, 1),
    missLookupBytes: num(load.missLookupBytes ?? 0, 'missLookupBytes', 0, 4096),
    dramCrossingsPerRecord: num(load.dramCrossingsPerRecord ?? 0, 'dramCrossingsPerRecord', 0, 16),
  };
}

/** What the device does a second at `load`, with `keySlotBytes` of key context read per record. */
export function operationRates(
  load: TargetLoad,
  keySlotBytes: number,
  commandEntryBytes: number,
  connectionEntryBytes: number,
): OperationRates {
  const l = checkLoad(load);
  const records = (l.gbps * 1e9) / (8 * l.recordBytes);
  const words = (bytes: number): number => Math.ceil(bytes / 8);
  const datagram = l.recordBytes + RECORD_OVERHEAD;
  const handshakeCommands = l.handshakesPerSecond * HANDSHAKE_COMMANDS;
  return {
    recordsPerSecond: records,
    aeadBitsPerSecond: l.gbps * 1e9 + l.handshakesPerSecond * HANDSHAKE_AEAD_BYTES * 8,
    maskBlocksPerSecond: records,
    commandsPerSecond: records + handshakeCommands,
    keyExchangesPerSecond: l.handshakesPerSecond * 2,
    signaturesPerSecond: l.handshakesPerSecond,
    sha256BitsPerSecond: l.handshakesPerSecond * HANDSHAKE_SHA256_BYTES * 8,
    dmaBytesPerSecond: records * datagram * 2,
    // A datagram written into its ring and read out; into the pipeline slot and out.
    ringWords: records * words(datagram) * 4,
    // Every record reads its key context; a miss is refilled from DRAM and written back into the slot.
    keySlotWords: records * words(keySlotBytes) * (1 + l.keyMissRate),
    commandWords: (records + handshakeCommands) * words(commandEntryBytes) * 2,
    // Every datagram looks its connection up.
    connectionWords: records * words(connectionEntryBytes),
    dramWords:
      records *
      (l.keyMissRate * (words(keySlotBytes) + words(l.missLookupBytes)) + l.dramCrossingsPerRecord * words(datagram)),
    dramRecordWords: records * l.dramCrossingsPerRecord * words(datagram),
  };
}
