/**
 * A path on which a sender's UDP GSO runs and a receiver's UDP GRO runs
 * both happen, for gro-runs.test.ts, on tests/support/netns.ts's
 * namespaces:
 *
 *     client ──veth── router ──veth── server
 *
 * - The client's end has `gso_max_segs 1`: a GSO send is cut into its
 *   datagrams by the client's kernel before the wire, as a NIC with UDP
 *   segmentation offload does, so the router sees each datagram.
 * - The server's end has GRO on (`ethtool -K ... gro on`, which gives a
 *   veth its NAPI), and the router's end TSO off (a veth hands only such a
 *   sender's packets to GRO): datagrams of one flow that arrive together
 *   are coalesced before the server's socket, which reads them as one
 *   buffer per run (UDP_GRO).
 * - In the router, nftables drops a share of the client's application-data
 *   datagrams (any UDP datagram to the server longer than 600 bytes) and
 *   sends another share to an HTB class with a small rate, so they arrive
 *   behind the datagrams sent after them: loss and reordering, per
 *   datagram, as netem's `loss` and `delay`/`reorder` give. This kernel has
 *   no netem (CONFIG_NET_SCH_NETEM unset), and netem would not do: it drops
 *   and delays a GSO packet whole (only its `corrupt` cuts one into
 *   segments), so on the sender's own link it would lose or hold a run as one.
 *   The drops are counted by the rule's counter, and by the qdisc.
 * - `splice` instead: nftables hands the client's datagrams to the server
 *   to splice-relay.ts in the router (DNAT, as lossy-bed.ts does), which
 *   sends application data on in GSO runs of its own making; the server's
 *   socket gets each run as one GSO packet, read as a GRO buffer.
 *
 * Needs root, iproute2, nftables and ethtool.
 */
import { fileURLToPath } from 'node:url';
import { Lines, TestBed } from '../support/netns.js';

const RELAY = fileURLToPath(new URL('./splice-relay.ts', import.meta.url));
/** A UDP datagram to the server longer than this is application data (ACKs and KeyUpdates are shorter). */
export const DATA_LENGTH = 600;

/** A network namespace's UDP counters (/proc/net/snmp), as the kernel counts them. */
export interface UdpCounters {
  /** Datagrams (a GRO buffer: one) handed to sockets, and packets sent (a GSO send: one). */
  readonly InDatagrams: number;
  readonly OutDatagrams: number;
  readonly RcvbufErrors: number;
  readonly InErrors: number;
}

/** Calls `ask` and waits up to 60 s for what `out` says after it, the first match of `pattern` there. */
export async function answer(out: Lines, ask: () => void, pattern: RegExp): Promise<RegExpMatchArray> {
  const from = out.all.length;
  ask();
  for (let waited = 0; waited < 60_000; waited += 20) {
    const m = out.all.slice(from).match(pattern);
    if (m) return m;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no ${String(pattern)} within 60 s in: ${out.all.slice(from).slice(-2000)}`);
}

export class GroBed {
  readonly bed = new TestBed();
  readonly client: string;
  readonly router: string;
  readonly server: string;
  readonly clientAddress: string;
  readonly serverAddress: string;
  /** The router's end of the link to the server (its qdisc holds the slow class). */
  private readonly toServer: string;
  private readonly lanAddress: string;
  private relay: { write(line: string): void; out: Lines } | undefined;

  constructor() {
    const { bed } = this;
    try {
      const o = bed.octet;
      this.client = bed.namespace('c');
      this.router = bed.namespace('r');
      this.server = bed.namespace('s');
      const [lan, wan] = [`10.226.${o}`, `10.227.${o}`];
      const lanLink = bed.link(this.router, this.client, lan); // router .1, client .2
      const wanLink = bed.link(this.router, this.server, wan); // router .1, server .2
      this.toServer = wanLink.a;
      this.lanAddress = `${lan}.1`;
      this.clientAddress = `${lan}.2`;
      this.serverAddress = `${wan}.2`;
      bed.exec(this.client, 'ip', 'link', 'set', 'dev', lanLink.b, 'gso_max_segs', '1');
      bed.exec(this.router, 'ethtool', '-K', wanLink.a, 'tso', 'off');
      bed.exec(this.server, 'ethtool', '-K', wanLink.b, 'gro', 'on');
      bed.exec(this.client, 'ip', 'route', 'add', 'default', 'via', `${lan}.1`);
      bed.exec(this.server, 'ip', 'route', 'add', 'default', 'via', `${wan}.1`);
      bed.exec(this.router, 'sysctl', '-q', '-w', 'net.ipv4.ip_forward=1');
      // The slow class: datagrams the forward chain gives priority 1:20 wait for its 20 Mbit/s, one at a time.
      const tc = (...args: string[]): string => bed.exec(this.router, 'tc', ...args);
      tc('qdisc', 'add', 'dev', wanLink.a, 'root', 'handle', '1:', 'htb', 'default', '10');
      tc('class', 'add', 'dev', wanLink.a, 'parent', '1:', 'classid', '1:10', 'htb', 'rate', '10gbit');
      tc('class', 'add', 'dev', wanLink.a, 'parent', '1:', 'classid', '1:20', 'htb', 'rate', '20mbit');
      tc(
        'class',
        'change',
        'dev',
        wanLink.a,
        'classid',
        '1:20',
        'htb',
        'rate',
        '20mbit',
        'burst',
        '1500',
        'cburst',
        '1500',
      );
      bed.exec(this.router, 'nft', 'add', 'table', 'ip', 'path');
      bed.exec(this.router, 'nft', 'add', 'chain', 'ip', 'path', 'onward', '{ type filter hook forward priority 0 ; }');
    } catch (e) {
      bed.destroy();
      throw e;
    }
  }

  /**
   * The router drops `lossPerMille`/1000 of the client's application-data datagrams and holds back `slowPercent`% of
   * the others in the slow class; {@link dropped} and {@link slowed} count from here.
   */
  impair(lossPerMille: number, slowPercent: number): void {
    // The rule's counter starts again with the rule; the qdisc's counts do not.
    this.since = { dropped: 0, slowed: 0 };
    this.since = { dropped: this.queueDrops(), slowed: this.slowed() };
    const nft = (...args: string[]): string => this.bed.exec(this.router, 'nft', ...args);
    nft('flush', 'chain', 'ip', 'path', 'onward');
    const data = ['ip', 'daddr', this.serverAddress, 'udp', 'length', '>', String(DATA_LENGTH)];
    const rule = (...tail: string[]): string =>
      nft('add', 'rule', 'ip', 'path', 'onward', ...data, 'numgen', 'random', 'mod', ...tail);
    rule('1000', '<', String(lossPerMille), 'counter', 'drop');
    rule('100', '<', String(slowPercent), 'meta', 'priority', 'set', '1:20');
  }

  /** The counts {@link impair} started from. */
  private since = { dropped: 0, slowed: 0 };

  /** Datagrams the path dropped since {@link impair}: the router's drop rule, and its qdisc (a full queue). */
  dropped(): number {
    const rules = this.bed.exec(this.router, 'nft', 'list', 'chain', 'ip', 'path', 'onward');
    const byRule = [...rules.matchAll(/counter packets (\d+)/g)].reduce((n, m) => n + Number(m[1]), 0);
    return byRule + this.queueDrops() - this.since.dropped;
  }

  /** What the router's qdisc dropped in all (a full queue). */
  private queueDrops(): number {
    const qdisc = this.bed.exec(this.router, 'tc', '-s', 'qdisc', 'show', 'dev', this.toServer);
    return Number(/dropped (\d+)/.exec(qdisc)?.[1] ?? 0);
  }

  /** Datagrams the slow class sent since {@link impair} (each arrived behind later ones, or alone). */
  slowed(): number {
    const classes = this.bed.exec(this.router, 'tc', '-s', 'class', 'show', 'dev', this.toServer);
    const m = /class htb 1:20[^]*?Sent \d+ bytes (\d+) pkt/.exec(classes);
    return Number(m?.[1] ?? 0) - this.since.slowed;
  }

  /** `ns`'s UDP counters. */
  udp(ns: string): UdpCounters {
    const lines = this.bed
      .exec(ns, 'cat', '/proc/net/snmp')
      .split('\n')
      .filter((l) => l.startsWith('Udp:'));
    const [names, values] = lines.map((l) => l.split(/\s+/).slice(1));
    const field = (name: keyof UdpCounters): number => Number(values![names!.indexOf(name)]);
    return {
      InDatagrams: field('InDatagrams'),
      OutDatagrams: field('OutDatagrams'),
      RcvbufErrors: field('RcvbufErrors'),
      InErrors: field('InErrors'),
    };
  }

  /**
   * Hands the client's datagrams to the server's `port` to splice-relay.ts in the router instead of forwarding them
   * (`seed` for its choices); the server then sees the router as its client.
   */
  async splice(port: number, seed: number): Promise<void> {
    const nft = (...args: string[]): string => this.bed.exec(this.router, 'nft', ...args);
    nft('add', 'table', 'ip', 'splice');
    nft('add', 'chain', 'ip', 'splice', 'pre', '{ type nat hook prerouting priority -100 ; }');
    nft(
      'add',
      'rule',
      'ip',
      'splice',
      'pre',
      'ip',
      'saddr',
      this.clientAddress,
      'ip',
      'daddr',
      this.serverAddress,
      'meta',
      'l4proto',
      'udp',
      'dnat',
      'to',
      this.lanAddress,
    );
    const child = this.bed.node(this.router, RELAY, [this.serverAddress, String(port), String(seed >>> 0)]);
    const out = new Lines(child.stdout);
    this.relay = { write: (line: string) => void child.stdin.write(`${line}\n`), out };
    await out.wait(/^relaying\n/, 30_000);
  }

  /** Sends `line` to the relay and waits for its answer, which matches `pattern`. */
  async ask(line: string, pattern: RegExp): Promise<RegExpMatchArray> {
    const relay = this.relay;
    if (relay === undefined) throw new Error('no relay: splice() first');
    return answer(relay.out, () => relay.write(line), pattern);
  }

  destroy(): void {
    this.bed.destroy();
  }
}
