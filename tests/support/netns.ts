/**
 * Real kernel networks for tests: network namespaces joined by veth pairs
 * (iproute2), `tc netem` for loss, duplication, reordering and delay, small
 * MTUs, and a router namespace doing real NAT (nftables masquerade) whose
 * mapping a test changes mid-session. Needs root, iproute2, nftables and
 * conntrack (`.ci/run` installs them); a missing tool is an error, not a
 * skip. Everything made is removed by {@link TestBed.destroy}, which also
 * runs when the process exits.
 */
import { execFileSync, spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * The system's `name` (iproute2's ip and tc, nft, conntrack, sysctl), by
 * absolute path: under npm, PATH starts with node_modules/.bin, where an
 * unrelated package's `nft` (@vercel/nft) lives.
 */
export function systemTool(name: string): string {
  for (const dir of ['/usr/sbin', '/sbin', '/usr/bin', '/bin'])
    if (existsSync(`${dir}/${name}`)) return `${dir}/${name}`;
  throw new Error(`${name} is not installed (.ci/run installs iproute2, nftables, conntrack and ethtool)`);
}

/** A command's failure, with its stderr. */
function run(command: string, args: readonly string[]): string {
  try {
    return execFileSync(systemTool(command), args, { stdio: 'pipe' }).toString();
  } catch (e) {
    const stderr = (e as { stderr?: Buffer }).stderr?.toString().trim() ?? '';
    throw new Error(`${command} ${args.join(' ')} failed: ${stderr || String(e)}`, { cause: e });
  }
}

/** Tags in use by this process (each bed gets its own names and subnets). */
let beds = 0;

/**
 * One test's networks. Names carry the process id and a counter, so
 * parallel test processes do not collide; subnets are 10.X.Y.0/24 with Y
 * from the same tag.
 */
export class TestBed {
  readonly tag: string;
  private readonly namespaces: string[] = [];
  private readonly rootLinks: string[] = [];
  private readonly children = new Set<ChildProcessWithoutNullStreams>();
  private destroyed = false;
  private readonly onExit = (): void => this.destroy();
  /** The third octet of this bed's subnets. */
  readonly octet: number;

  constructor() {
    const n = beds++;
    this.tag = `${process.pid % 100_000}${String.fromCharCode(97 + (n % 26))}`;
    this.octet = (process.pid * 7 + n * 31) % 250;
    process.on('exit', this.onExit);
  }

  /** A new namespace with its loopback up; its name. */
  namespace(role: string): string {
    const name = `d13${role}${this.tag}`;
    run('ip', ['netns', 'add', name]);
    this.namespaces.push(name);
    this.exec(name, 'ip', 'link', 'set', 'lo', 'up');
    return name;
  }

  /** Runs a command inside `ns` (undefined: this namespace); its stdout. */
  exec(ns: string | undefined, command: string, ...args: string[]): string {
    return ns === undefined ? run(command, args) : run('ip', ['netns', 'exec', ns, systemTool(command), ...args]);
  }

  /**
   * A veth pair between `a` and `b` (undefined: this namespace), with
   * `a`'s end at `${subnet}.1/24` and `b`'s at `${subnet}.2/24`, both up,
   * with `mtu` when given. Returns the two interface names.
   */
  link(
    a: string | undefined,
    b: string | undefined,
    subnet: string,
    mtu?: number,
  ): { readonly a: string; readonly b: string } {
    const n = this.rootLinks.length + this.namespaces.length;
    const names = { a: `d13a${this.tag}${n}`, b: `d13b${this.tag}${n}` };
    run('ip', ['link', 'add', names.a, 'type', 'veth', 'peer', 'name', names.b]);
    this.rootLinks.push(names.a, names.b); // deleted by name too, in case a namespace move failed half way
    for (const [ns, dev, host] of [
      [a, names.a, 1],
      [b, names.b, 2],
    ] as const) {
      if (ns !== undefined) run('ip', ['link', 'set', dev, 'netns', ns]);
      this.exec(ns, 'ip', 'addr', 'add', `${subnet}.${host}/24`, 'dev', dev);
      if (mtu !== undefined) this.exec(ns, 'ip', 'link', 'set', dev, 'mtu', String(mtu));
      this.exec(ns, 'ip', 'link', 'set', dev, 'up');
    }
    return names;
  }

  /** `tc qdisc replace ... netem SPEC` on `dev` in `ns` (e.g. `loss 10% delay 5ms 3ms reorder 25%`). */
  netem(ns: string | undefined, dev: string, spec: string): void {
    this.exec(ns, 'tc', 'qdisc', 'replace', 'dev', dev, 'root', 'netem', ...spec.split(' '));
  }

  /** Starts `node --import=tsx SCRIPT ARGS...` inside `ns` (stdin/stdout piped); killed by {@link destroy}. */
  node(ns: string, script: string, args: readonly string[]): ChildProcessWithoutNullStreams {
    const child = spawn(systemTool('ip'), ['netns', 'exec', ns, process.execPath, '--import=tsx', script, ...args]);
    this.children.add(child);
    child.on('close', () => this.children.delete(child));
    return child;
  }

  /** Runs {@link node} to its end: its exit code and everything it wrote. */
  async nodeOutput(
    ns: string,
    script: string,
    args: readonly string[],
  ): Promise<{ readonly code: number | null; readonly stdout: string; readonly stderr: string }> {
    const child = this.node(ns, script, args);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    return { code, stdout, stderr };
  }

  /** Kills the children, deletes the namespaces (and with them their interfaces) and the links left here. Idempotent. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    process.off('exit', this.onExit);
    for (const c of this.children) c.kill('SIGKILL');
    const ip = systemTool('ip');
    for (const ns of this.namespaces) spawnSync(ip, ['netns', 'del', ns]);
    for (const dev of this.rootLinks) spawnSync(ip, ['link', 'del', dev], { stdio: 'ignore' });
  }
}

/** The ports a NAT maps to, per mapping generation: each rebinding moves to a range no earlier mapping used. */
const NAT_PORT_BASE = 20_000;
const NAT_PORT_SPAN = 100;

/**
 * A client behind a real NAT: `client` namespace ─ veth ─ `router`
 * namespace (forwarding, nftables masquerade on its outside interface) ─
 * veth ─ this namespace, where the server runs. The server sees the
 * router's outside address and a port from the current mapping's range.
 */
export class NatBed {
  readonly bed = new TestBed();
  readonly client: string;
  readonly router: string;
  /** The server's address (this namespace) and the router's outside address (what the server sees). */
  readonly serverAddress: string;
  readonly outsideAddress: string;
  /** Another address on the server's side of the link (a third party's). */
  readonly thirdAddress: string;
  readonly clientAddress: string;
  /** The inside link's client end, for netem. */
  readonly clientDevice: string;
  private generation = 0;

  constructor(options: { readonly mtu?: number } = {}) {
    try {
      ({
        client: this.client,
        router: this.router,
        clientDevice: this.clientDevice,
        wan: this.wan,
      } = this.build(options.mtu));
    } catch (e) {
      this.bed.destroy();
      throw e;
    }
    const outside = `10.214.${this.bed.octet}`;
    this.serverAddress = `${outside}.1`;
    this.outsideAddress = `${outside}.2`;
    this.thirdAddress = `${outside}.3`;
    this.clientAddress = `10.215.${this.bed.octet}.2`;
  }

  private build(mtu: number | undefined): { client: string; router: string; clientDevice: string; wan: string } {
    const { bed } = this;
    const client = bed.namespace('c');
    const router = bed.namespace('r');
    const outside = `10.214.${bed.octet}`;
    const inside = `10.215.${bed.octet}`;
    // Outside: this namespace (the server) at .1 (and a third party at .3), the router at .2; inside: the router at .1, the client at .2.
    const wan = bed.link(undefined, router, outside, mtu);
    const lan = bed.link(router, client, inside, mtu);
    bed.exec(undefined, 'ip', 'addr', 'add', `${outside}.3/24`, 'dev', wan.a);
    bed.exec(client, 'ip', 'route', 'add', 'default', 'via', `${inside}.1`);
    bed.exec(router, 'sysctl', '-q', '-w', 'net.ipv4.ip_forward=1');
    bed.exec(router, 'nft', 'add', 'table', 'ip', 'nat');
    bed.exec(router, 'nft', 'add', 'chain', 'ip', 'nat', 'post', '{ type nat hook postrouting priority 100 ; }');
    this.masquerade(router, wan.b);
    return { client, router, clientDevice: lan.b, wan: wan.b };
  }

  private readonly wan: string;
  /** The port range the current mapping takes its ports from. */
  get ports(): { readonly low: number; readonly high: number } {
    const low = NAT_PORT_BASE + this.generation * NAT_PORT_SPAN;
    return { low, high: low + NAT_PORT_SPAN - 1 };
  }

  /**
   * Changes the mapping as a NAT does after a quiet period: the masquerade
   * moves to a new port range and the connection tracking entries are
   * flushed, so the client's next datagram leaves from a new outside port
   * and datagrams to the old one reach nobody.
   */
  rebind(): void {
    this.generation++;
    this.bed.exec(this.router, 'nft', 'flush', 'chain', 'ip', 'nat', 'post');
    this.masquerade(this.router, this.wan);
    this.bed.exec(this.router, 'conntrack', '-F');
  }

  destroy(): void {
    this.bed.destroy();
  }

  private masquerade(router: string, wan: string): void {
    const { low, high } = this.ports;
    this.bed.exec(
      router,
      'nft',
      'add',
      'rule',
      'ip',
      'nat',
      'post',
      'oifname',
      wan,
      'meta',
      'l4proto',
      'udp',
      'masquerade',
      'to',
      `:${low}-${high}`,
    );
  }
}

/** A child's output stream as lines, awaited by pattern. */
export class Lines {
  private text = '';
  constructor(stream: NodeJS.ReadableStream) {
    stream.on('data', (d: Buffer) => (this.text += d.toString()));
  }
  get all(): string {
    return this.text;
  }
  /** The first match of `pattern` in what came so far, waiting up to `timeoutMs` for it. */
  async wait(pattern: RegExp, timeoutMs = 20_000): Promise<RegExpMatchArray> {
    for (let waited = 0; waited < timeoutMs; waited += 20) {
      const m = this.text.match(pattern);
      if (m) return m;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`no ${String(pattern)} within ${timeoutMs} ms in: ${this.text.slice(-2000)}`);
  }
}
