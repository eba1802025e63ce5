/**
 * A lossy, reordering path between a client namespace and a server
 * namespace, through a router namespace:
 *
 *     client ── router (impair-relay.ts) ── server
 *
 * With netem (`tc qdisc ... netem`) this would be a veth pair with a qdisc
 * on each end; kernels built without it (CONFIG_NET_SCH_NETEM unset, as
 * this project's machines are) get netem's loss, delay and reordering from
 * a relay process in the router instead, fed by nftables DNAT: the peers
 * still use their own kernel sockets and addresses, the client sees the
 * server's address, the server sees the router's (as behind a NAT).
 */
import { fileURLToPath } from 'node:url';
import { Lines, TestBed } from '../support/netns.js';

const RELAY = fileURLToPath(new URL('./impair-relay.ts', import.meta.url));

type Counts = Record<'dropped' | 'now' | 'delayed', number>;

export class LossyBed {
  readonly bed: TestBed;
  readonly client: string;
  readonly router: string;
  readonly server: string;
  readonly clientAddress: string;
  readonly serverAddress: string;
  private readonly relay: { write(line: string): void; out: Lines };
  private answers = 0;

  private constructor(parts: {
    bed: TestBed;
    client: string;
    router: string;
    server: string;
    clientAddress: string;
    serverAddress: string;
    relay: LossyBed['relay'];
  }) {
    ({
      bed: this.bed,
      client: this.client,
      router: this.router,
      server: this.server,
      clientAddress: this.clientAddress,
      serverAddress: this.serverAddress,
      relay: this.relay,
    } = parts);
  }

  /** Builds the namespaces and starts the relay (no impairment until {@link impair}). */
  static async create(seed = Date.now()): Promise<LossyBed> {
    const bed = new TestBed();
    try {
      const o = bed.octet;
      const client = bed.namespace('c');
      const router = bed.namespace('r');
      const server = bed.namespace('s');
      const [lan, wan] = [`10.224.${o}`, `10.225.${o}`];
      const lanLink = bed.link(router, client, lan); // router .1, client .2
      bed.link(router, server, wan); // router .1, server .2
      bed.exec(client, 'ip', 'route', 'add', 'default', 'via', `${lan}.1`);
      bed.exec(server, 'ip', 'route', 'add', 'default', 'via', `${wan}.1`);
      bed.exec(router, 'sysctl', '-q', '-w', 'net.ipv4.ip_forward=1');
      const serverAddress = `${wan}.2`;
      // Every UDP datagram from the client to the server goes to the relay here instead, on the same port.
      bed.exec(router, 'nft', 'add', 'table', 'ip', 'impair');
      bed.exec(router, 'nft', 'add', 'chain', 'ip', 'impair', 'pre', '{ type nat hook prerouting priority -100 ; }');
      bed.exec(
        router,
        'nft',
        'add',
        'rule',
        'ip',
        'impair',
        'pre',
        'iifname',
        lanLink.a,
        'ip',
        'daddr',
        serverAddress,
        'meta',
        'l4proto',
        'udp',
        'dnat',
        'to',
        `${lan}.1`,
      );
      const child = bed.node(router, RELAY, [serverAddress, String(seed >>> 0)]);
      const relay = { write: (line: string) => void child.stdin.write(`${line}\n`), out: new Lines(child.stdout) };
      return new LossyBed({ bed, client, router, server, clientAddress: `${lan}.2`, serverAddress, relay });
    } catch (e) {
      bed.destroy();
      throw e;
    }
  }

  private async ask(line: string, answer: RegExp): Promise<RegExpMatchArray> {
    this.relay.write(line);
    const n = ++this.answers;
    // The n-th answer line (answers come in order).
    return this.relay.out.wait(new RegExp(`^(?:.*\\n){${n - 1}}${answer.source}`), 30_000);
  }

  /** Relays datagrams to the server's `port` (before a server there is used). */
  async forward(port: number): Promise<void> {
    await this.ask(`forward ${port}`, new RegExp(`forwarding ${port}\\n`));
  }

  /** Sets the impairment of both directions, in netem's syntax (`loss 10% delay 10ms reorder 25% 50%`); counts start again. */
  async impair(spec: string): Promise<void> {
    await this.ask(`impair ${spec}`, /impaired\n/);
  }

  /** What the relay did with each direction's datagrams since the last {@link impair}. */
  async counts(): Promise<{ readonly up: Counts; readonly down: Counts }> {
    const m = await this.ask('counts', /counts (.*)\n/);
    return JSON.parse(m[1]!) as { up: Counts; down: Counts };
  }

  destroy(): void {
    this.bed.destroy();
  }
}
