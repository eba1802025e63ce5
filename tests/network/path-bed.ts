/**
 * A routed path with a small MTU in the middle, for the MTU tests, on
 * tests/support/netns.ts's namespaces:
 *
 *     client ──(1500)── r1 ──(bottleneck MTU)── r2 ──(1500)── server
 *
 * Both ends' first hop is 1,500 bytes, so an oversize datagram leaves its
 * sender whole (with DF: Linux's default PMTU discovery for UDP) and the
 * router in front of the bottleneck drops it and answers with ICMP
 * fragmentation-needed, as on a real path. Plus: tcpdump in a namespace,
 * and the IPv4 packets of its capture (sizes, fragments, ICMP).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createCertificate, generateKeyPair, certificateToPem, privateKeyToPem } from '../../runtime/crypto.js';
import { systemTool, TestBed } from '../support/netns.js';

export class PathBed {
  readonly bed = new TestBed();
  readonly client: string;
  readonly r1: string;
  readonly r2: string;
  readonly server: string;
  readonly clientAddress: string;
  readonly serverAddress: string;
  /** The bottleneck's interface in r1 (toward r2). */
  readonly bottleneckDevice: string;

  readonly bottleneckMtu: number;

  constructor(bottleneckMtu: number) {
    this.bottleneckMtu = bottleneckMtu;
    const { bed } = this;
    try {
      const o = bed.octet;
      this.client = bed.namespace('c');
      this.r1 = bed.namespace('r');
      this.r2 = bed.namespace('q');
      this.server = bed.namespace('s');
      const [lan, core, wan] = [`10.221.${o}`, `10.222.${o}`, `10.223.${o}`];
      let bottleneck: string | undefined;
      for (const [a, b, subnet, mtu] of [
        [this.r1, this.client, lan, undefined], // r1 .1, client .2
        [this.r1, this.r2, core, bottleneckMtu], // r1 .1, r2 .2
        [this.r2, this.server, wan, undefined], // r2 .1, server .2
      ] as const) {
        const ends = bed.link(a, b, subnet, mtu);
        if (subnet === core) bottleneck = ends.a;
        // No UDP GSO across the veths: the kernel cuts a GSO send into its datagrams before the interface (and tcpdump)
        // sees it, as on a NIC without UDP segmentation offload. Otherwise tcpdump would show a batch of datagrams as one
        // packet larger than the MTU. What the library hands the kernel is the same either way.
        bed.exec(a, 'ip', 'link', 'set', 'dev', ends.a, 'gso_max_segs', '1');
        bed.exec(b, 'ip', 'link', 'set', 'dev', ends.b, 'gso_max_segs', '1');
      }
      if (bottleneck === undefined) throw new Error('no bottleneck link');
      this.bottleneckDevice = bottleneck;
      this.clientAddress = `${lan}.2`;
      this.serverAddress = `${wan}.2`;
      bed.exec(this.client, 'ip', 'route', 'add', 'default', 'via', `${lan}.1`);
      bed.exec(this.server, 'ip', 'route', 'add', 'default', 'via', `${wan}.1`);
      bed.exec(this.r1, 'ip', 'route', 'add', `${wan}.0/24`, 'via', `${core}.2`);
      bed.exec(this.r2, 'ip', 'route', 'add', `${lan}.0/24`, 'via', `${core}.1`);
      for (const r of [this.r1, this.r2]) bed.exec(r, 'sysctl', '-q', '-w', 'net.ipv4.ip_forward=1');
      // Every namespace starts with Linux's defaults; made sure of, since the tests depend on them.
      for (const ns of [this.client, this.server]) bed.exec(ns, 'sysctl', '-q', '-w', 'net.ipv4.ip_no_pmtu_disc=0');
    } catch (e) {
      bed.destroy();
      throw e;
    }
  }

  /** The path MTU the kernel has learned for `to`, as seen from `ns` (`ip route get`), or undefined when it has none. */
  learnedMtu(ns: string, to: string): number | undefined {
    const m = /\bmtu (\d+)/.exec(this.bed.exec(ns, 'ip', 'route', 'get', to));
    return m ? Number(m[1]) : undefined;
  }

  destroy(): void {
    this.bed.destroy();
  }
}

/** A running tcpdump; {@link stop} ends it and resolves once its file is complete (again: at once). */
export interface Capture {
  stop(): Promise<void>;
}

/**
 * `tcpdump -i DEVICE` (default: every interface) inside `ns`, every
 * packet's first 128 bytes to `file`. Resolves once it is capturing (it
 * says so on stderr, after its socket is bound; no filter is attached later).
 */
export async function captureIn(ns: string, file: string, device = 'any'): Promise<Capture> {
  const child = spawn(
    systemTool('ip'),
    ['netns', 'exec', ns, systemTool('tcpdump'), '-i', device, '--immediate-mode', '-U', '-n', '-s', '128', '-w', file],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  let gone = false;
  void exited.then(() => (gone = true));
  for (let i = 0; !/listening on/.test(stderr); i++) {
    if (gone) throw new Error(`tcpdump in ${ns} exited: ${stderr}`);
    if (i > 200) throw new Error(`tcpdump in ${ns} did not start in 10 s: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  await new Promise((r) => setTimeout(r, 100));
  return {
    stop: async () => {
      if (gone) return;
      await new Promise((r) => setTimeout(r, 200));
      child.kill('SIGINT');
      await exited;
    },
  };
}

/** One IPv4 packet of a capture. */
export interface IpPacket {
  readonly src: string;
  readonly dst: string;
  /** The IP total length. */
  readonly length: number;
  readonly protocol: number;
  readonly dontFragment: boolean;
  /** A fragment: more fragments follow, or its offset is not 0. */
  readonly fragment: boolean;
  /** UDP: the payload length (first fragments and whole datagrams only). */
  readonly udpPayload: number | undefined;
  /** ICMP destination unreachable, fragmentation needed (type 3 code 4): the next-hop MTU it names. */
  readonly fragmentationNeeded: number | undefined;
}

/** The IPv4 packets of a pcap file (Ethernet or Linux cooked capture v1/v2), in capture order. */
export function ipPackets(file: string): IpPacket[] {
  const b = readFileSync(file);
  if (b.length < 24) return [];
  const little = b.readUInt32LE(0) === 0xa1b2c3d4;
  const u32 = (o: number): number => (little ? b.readUInt32LE(o) : b.readUInt32BE(o));
  const linkType = u32(20);
  const linkHeader = linkType === 1 ? 14 : linkType === 113 ? 16 : linkType === 276 ? 20 : -1;
  if (linkHeader < 0) throw new Error(`pcap link type ${linkType} is not Ethernet or Linux cooked`);
  const etherType = (o: number): number => (linkType === 276 ? b.readUInt16BE(o) : b.readUInt16BE(o + linkHeader - 2));
  const out: IpPacket[] = [];
  const addr = (p: number): string => `${b[p]}.${b[p + 1]}.${b[p + 2]}.${b[p + 3]}`;
  for (let o = 24; o + 16 <= b.length;) {
    const captured = u32(o + 8);
    const frame = o + 16;
    const ip = frame + linkHeader;
    o = frame + captured;
    if (ip + 20 > o || etherType(frame) !== 0x0800 || b[ip]! >> 4 !== 4) continue;
    const ihl = (b[ip]! & 0x0f) * 4;
    const flags = b.readUInt16BE(ip + 6);
    const fragment = (flags & 0x2000) !== 0 || (flags & 0x1fff) !== 0;
    const protocol = b[ip + 9]!;
    const l4 = ip + ihl;
    const firstPart = (flags & 0x1fff) === 0;
    out.push({
      src: addr(ip + 12),
      dst: addr(ip + 16),
      length: b.readUInt16BE(ip + 2),
      protocol,
      dontFragment: (flags & 0x4000) !== 0,
      fragment,
      udpPayload: protocol === 17 && firstPart && l4 + 8 <= o ? b.readUInt16BE(l4 + 4) - 8 : undefined,
      fragmentationNeeded:
        protocol === 1 && l4 + 8 <= o && b[l4] === 3 && b[l4 + 1] === 4 ? b.readUInt16BE(l4 + 6) : undefined,
    });
  }
  return out;
}

/** PEM files' contents of an RSA-2048 chain: root → intermediate → leaf `localhost`; `cert` holds the leaf and the intermediate. */
export function rsaChain(): { readonly cert: string; readonly key: string; readonly ca: string } {
  const year = 365 * 24 * 3600 * 1000;
  const notBefore = new Date(Date.now() - year);
  const notAfter = new Date(Date.now() + year);
  const root = generateKeyPair('rsa2048');
  const rootCert = createCertificate({
    subjectCommonName: 'dtls13 MTU test root',
    subjectPublicKey: root.publicKey,
    issuer: { selfSigned: true, privateKey: root.privateKey },
    notBefore,
    notAfter,
    isCa: true,
  });
  const mid = generateKeyPair('rsa2048');
  const midCert = createCertificate({
    subjectCommonName: 'dtls13 MTU test intermediate',
    subjectPublicKey: mid.publicKey,
    issuer: { certificateDer: rootCert.der, privateKey: root.privateKey },
    notBefore,
    notAfter,
    isCa: true,
    pathLenConstraint: 0,
  });
  const leaf = generateKeyPair('rsa2048');
  const leafCert = createCertificate({
    subjectCommonName: 'localhost',
    subjectPublicKey: leaf.publicKey,
    issuer: { certificateDer: midCert.der, privateKey: mid.privateKey },
    notBefore,
    notAfter,
    dnsNames: ['localhost'],
  });
  return {
    cert: certificateToPem(leafCert.der) + certificateToPem(midCert.der),
    key: privateKeyToPem(leaf.pkcs8Der),
    ca: certificateToPem(rootCert.der),
  };
}
