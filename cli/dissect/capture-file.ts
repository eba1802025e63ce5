/**
 * A reader for capture files as tcpdump and tshark write them: classic pcap
 * (microsecond or nanosecond, either byte order) and pcapng (Section Header,
 * Interface Description, Enhanced and Simple Packet Blocks; other blocks are
 * skipped). Only the packets' link type, time and bytes are kept.
 */

/** One captured packet: its link layer type (LINKTYPE_*), seconds since the epoch, and the captured bytes. */
export interface CapturedPacket {
  readonly linkType: number;
  readonly time: number;
  readonly data: Uint8Array;
}

/** A capture file that cannot be read, with the byte offset of the fault. */
export class CaptureFormatError extends Error {
  override readonly name = 'CaptureFormatError';
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(`${message} (at byte ${offset})`);
    this.offset = offset;
  }
}

const PCAP_MICRO = 0xa1b2c3d4;
const PCAP_NANO = 0xa1b23c4d;
const PCAPNG_SHB = 0x0a0d0d0a;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;

/** Every packet of a pcap or pcapng file, in file order. */
export function readCapture(file: Uint8Array): CapturedPacket[] {
  if (file.length < 4) throw new CaptureFormatError('too short for a capture file', 0);
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const magicBE = view.getUint32(0, false);
  if (magicBE === PCAPNG_SHB) return readPcapng(file, view);
  for (const little of [false, true]) {
    const magic = view.getUint32(0, little);
    if (magic === PCAP_MICRO || magic === PCAP_NANO)
      return readPcap(file, view, little, magic === PCAP_NANO ? 1e-9 : 1e-6);
  }
  throw new CaptureFormatError(`magic 0x${magicBE.toString(16).padStart(8, '0')} is neither pcap nor pcapng`, 0);
}

function readPcap(file: Uint8Array, view: DataView, little: boolean, fraction: number): CapturedPacket[] {
  if (file.length < 24) throw new CaptureFormatError('pcap global header cut short', file.length);
  const linkType = view.getUint32(20, little) & 0x0fffffff;
  const packets: CapturedPacket[] = [];
  let at = 24;
  while (at < file.length) {
    if (at + 16 > file.length) throw new CaptureFormatError('pcap record header cut short', at);
    const seconds = view.getUint32(at, little);
    const sub = view.getUint32(at + 4, little);
    const captured = view.getUint32(at + 8, little);
    if (at + 16 + captured > file.length)
      throw new CaptureFormatError(`pcap record of ${captured} bytes cut short`, at + 8);
    packets.push({ linkType, time: seconds + sub * fraction, data: file.subarray(at + 16, at + 16 + captured) });
    at += 16 + captured;
  }
  return packets;
}

interface PcapngInterface {
  readonly linkType: number;
  /** Seconds per timestamp unit (if_tsresol; default microseconds). */
  readonly unit: number;
}

function readPcapng(file: Uint8Array, view: DataView): CapturedPacket[] {
  const packets: CapturedPacket[] = [];
  let little = true;
  let interfaces: PcapngInterface[] = [];
  let at = 0;
  while (at < file.length) {
    if (at + 12 > file.length) throw new CaptureFormatError('pcapng block header cut short', at);
    const type = view.getUint32(at, little);
    if (type === PCAPNG_SHB) {
      const order = view.getUint32(at + 8, true);
      if (order === BYTE_ORDER_MAGIC) little = true;
      else if (view.getUint32(at + 8, false) === BYTE_ORDER_MAGIC) little = false;
      else throw new CaptureFormatError('pcapng section header without its byte-order magic', at + 8);
      interfaces = [];
    }
    const length = view.getUint32(at + 4, little);
    if (length < 12 || length % 4 !== 0 || at + length > file.length)
      throw new CaptureFormatError(`pcapng block length ${length} is not valid`, at + 4);
    const body = at + 8;
    if (type === 1) {
      interfaces.push({
        linkType: view.getUint16(body, little),
        unit: interfaceUnit(file, view, body + 8, at + length - 4, little),
      });
    } else if (type === 6) {
      const iface = interfaces[view.getUint32(body, little)];
      if (!iface) throw new CaptureFormatError('enhanced packet block names an interface not described', body);
      const high = view.getUint32(body + 4, little);
      const low = view.getUint32(body + 8, little);
      const captured = view.getUint32(body + 12, little);
      if (body + 20 + captured > at + length)
        throw new CaptureFormatError(`packet of ${captured} bytes longer than its block`, body + 12);
      packets.push({
        linkType: iface.linkType,
        time: (high * 2 ** 32 + low) * iface.unit,
        data: file.subarray(body + 20, body + 20 + captured),
      });
    } else if (type === 3) {
      const iface = interfaces[0];
      if (!iface) throw new CaptureFormatError('simple packet block before any interface', body);
      const original = view.getUint32(body, little);
      const captured = Math.min(original, length - 16);
      packets.push({ linkType: iface.linkType, time: 0, data: file.subarray(body + 4, body + 4 + captured) });
    }
    at += length;
  }
  return packets;
}

/** The if_tsresol option of an Interface Description Block, as seconds per unit. */
function interfaceUnit(file: Uint8Array, view: DataView, from: number, to: number, little: boolean): number {
  let at = from;
  while (at + 4 <= to) {
    const code = view.getUint16(at, little);
    const length = view.getUint16(at + 2, little);
    if (code === 0) break;
    if (code === 9 && length === 1) {
      const v = file[at + 4]!;
      return v & 0x80 ? 2 ** -(v & 0x7f) : 10 ** -(v & 0x7f);
    }
    at += 4 + Math.ceil(length / 4) * 4;
  }
  return 1e-6;
}
