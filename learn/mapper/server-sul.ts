import type { CryptoProvider } from '../../runtime/crypto/provider.js';
import { defaultProvider } from '../../runtime/crypto/registry.js';
import type { SulSession, SystemUnderLearning } from '../sul.js';
import { INPUTS_12_SERVER, INPUTS_13_SERVER } from '../symbols.js';
import { Client12 } from './client12.js';
import { Client13 } from './client13.js';
import { loadCredentials, type CredentialOptions } from './credentials.js';
import { DatagramChannel } from './datagram-channel.js';
import { DEFAULT_WAIT_MS, MapperSession } from './session.js';

/** Learning a server: where it listens, the version, how many sessions at once, and our client credentials. */
export interface ServerSulOptions extends CredentialOptions {
  readonly host: string;
  readonly port: number;
  readonly version: '1.2' | '1.3';
  readonly parallel: number;
  /**
   * Trust anchors as `dtls13 client` takes them. Accepted for the CLI's sake and not checked: the mapper learns the
   * server's state machine, not its trust decision, so it reads the server's certificate without validating it.
   */
  readonly ca?: Uint8Array | readonly Uint8Array[];
  /** How long a step waits for the server's answer, in milliseconds (default 300; a step ends early after a flight). */
  readonly waitMs?: number;
  /** The crypto provider (default: the package's default). */
  readonly provider?: CryptoProvider;
}

/** A {@link SystemUnderLearning} whose sessions each have their own socket and address. */
class SessionsOverUdp implements SystemUnderLearning {
  readonly version: '1.2' | '1.3';
  readonly role: 'server' | 'client';
  readonly inputs: readonly string[];
  readonly parallel: number;
  private readonly opener: () => Promise<SulSession>;
  private readonly open_ = new Set<SulSession>();
  private readonly onClose: (() => Promise<void>) | undefined;

  constructor(
    version: '1.2' | '1.3',
    role: 'server' | 'client',
    inputs: readonly string[],
    parallel: number,
    opener: () => Promise<SulSession>,
    onClose?: () => Promise<void>,
  ) {
    this.version = version;
    this.role = role;
    this.inputs = inputs;
    this.parallel = parallel;
    this.opener = opener;
    this.onClose = onClose;
  }

  async open(): Promise<SulSession> {
    const s = await this.opener();
    this.open_.add(s);
    return {
      step: (input) => s.step(input),
      close: async () => {
        this.open_.delete(s);
        await s.close();
      },
    };
  }

  async close(): Promise<void> {
    const all = [...this.open_];
    this.open_.clear();
    await Promise.all(all.map((s) => s.close()));
    await this.onClose?.();
  }
}

export { SessionsOverUdp };

/** A positive integer option, or a RangeError naming it. */
export function checkedCount(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}

/** The wait of a step, checked. */
export function checkedWait(value: number | undefined): number {
  if (value === undefined) return DEFAULT_WAIT_MS;
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`waitMs must be a positive number of milliseconds, got ${value}`);
  return value;
}

/**
 * Learn a DTLS server at host:port: we play the client, each session from its own UDP socket (its own port), so the
 * server sees every query as a new client and can serve `parallel` of them at once.
 */
export async function openServerSul(options: ServerSulOptions): Promise<SystemUnderLearning> {
  const provider = options.provider ?? defaultProvider();
  const credentials = loadCredentials(provider, options);
  const waitMs = checkedWait(options.waitMs);
  const parallel = checkedCount('parallel', options.parallel);
  if (options.version !== '1.2' && options.version !== '1.3') throw new RangeError(`version must be '1.2' or '1.3', got ${String(options.version)}`);
  const peer = { host: options.host, port: options.port };
  const inputs = options.version === '1.3' ? INPUTS_13_SERVER : INPUTS_12_SERVER;
  return new SessionsOverUdp(options.version, 'server', inputs, parallel, async () => {
    const channel = await DatagramChannel.toPeer(peer);
    const side = options.version === '1.3' ? new Client13(provider, credentials) : new Client12(provider, credentials);
    return new MapperSession(channel, side, waitMs);
  });
}
