/** Textual IPv4 and IPv6 addresses (RFC 4291 §2.2, no zone) to an iPAddress GeneralName's 4 or 16 octets, and back. */

/** The 4 or 16 octets of `text`, or `undefined` when it is not an IP address. */
export function parseIpAddress(text: string): Uint8Array | undefined {
  return text.includes(':') ? parseIpv6(text) : parseIpv4(text);
}

/** Dotted-quad text, character by character (a server parses its peer's address several times per handshake). */
function parseIpv4(text: string): Uint8Array | undefined {
  let address = 0; // the parts so far, big-endian (bytes made only for an address: most names are none)
  let part = 0;
  let value = 0;
  let digits = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 0x2e; // the end closes the last part as a dot would
    if (c === 0x2e) {
      if (digits === 0 || part > 3) return undefined;
      address = address * 256 + value;
      part++;
      value = 0;
      digits = 0;
    } else if (c >= 0x30 && c <= 0x39) {
      // No leading zeros: `010` is octal to some parsers and decimal to others.
      if (digits === 1 && value === 0) return undefined;
      value = value * 10 + (c - 0x30);
      if (++digits > 3 || value > 255) return undefined;
    } else return undefined;
  }
  if (part !== 4) return undefined;
  // Written byte by byte: from an array literal, V8 makes the array and reads it back through the iterator.
  const bytes = new Uint8Array(4);
  bytes[0] = address >>> 24;
  bytes[1] = address >>> 16;
  bytes[2] = address >>> 8;
  bytes[3] = address;
  return bytes;
}

function parseIpv6(text: string): Uint8Array | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string): number[] | undefined => {
    if (s === '') return [];
    const out: number[] = [];
    const parts = s.split(':');
    for (const [i, part] of parts.entries()) {
      if (i === parts.length - 1 && part.includes('.')) {
        const v4 = parseIpv4(part);
        if (v4 === undefined) return undefined;
        out.push(((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0));
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(part)) return undefined;
        out.push(parseInt(part, 16));
      }
    }
    return out;
  };
  const head = groups(halves[0] ?? '');
  const tail = halves.length === 2 ? groups(halves[1] ?? '') : [];
  if (head === undefined || tail === undefined) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const all = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  const out = new Uint8Array(16);
  for (const [i, g] of all.entries()) {
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 0xff;
  }
  return out;
}

/** The text of 4 or 16 address octets: dotted quad, or RFC 5952 §4 IPv6 (longest zero run as `::`). */
export function formatIpAddress(octets: Uint8Array): string {
  if (octets.length === 4) return `${octets[0]}.${octets[1]}.${octets[2]}.${octets[3]}`;
  const groups: number[] = [];
  for (let i = 0; i + 1 < octets.length; i += 2) groups.push(((octets[i] ?? 0) << 8) | (octets[i + 1] ?? 0));
  let best = { start: -1, length: 0 };
  for (let i = 0; i < groups.length;) {
    let j = i;
    while (j < groups.length && groups[j] === 0) j++;
    if (j - i > best.length && j - i > 1) best = { start: i, length: j - i };
    i = j === i ? i + 1 : j;
  }
  const hex = (gs: number[]): string => gs.map((g) => g.toString(16)).join(':');
  if (best.start < 0) return hex(groups);
  return `${hex(groups.slice(0, best.start))}::${hex(groups.slice(best.start + best.length))}`;
}
