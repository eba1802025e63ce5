/**
 * pion/dtls 2.2.6 (Debian's golang-github-pion-dtls.v2-dev) as an
 * independent DTLS 1.2 peer: the small Go program tests/interop/pion/peer.go,
 * built offline by build-pion.sh into ${DTLS13_CACHE:-$HOME/.cache/dtls13}
 * (rebuilt when its source changes), run as a client or a server.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PeerProcess } from './iot-peers.js';

let binary: string | undefined;

/** The peer program; builds it on first use (seconds, once per change of peer.go). */
export function pionPeer(): string {
  if (binary) return binary;
  const script = fileURLToPath(new URL('./build-pion.sh', import.meta.url));
  const out = execFileSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const path = out.trim().split('\n').at(-1) ?? '';
  if (!existsSync(path)) throw new Error(`build-pion.sh printed ${path}, which is no program`);
  binary = path;
  return path;
}

/** What the peer printed for its connection `n` (1-based): `handshake n key=value ...`, the reply or message, an error. */
export interface PionConnection {
  readonly sessionId: string;
  readonly peerCerts: number;
  readonly alpn: string;
  readonly srtp: string;
  readonly exporter: string;
  /** A client with sessions: 'yes' when the server echoed the session ID it offered (abbreviated), 'no' if not; '-' else. */
  readonly resumed: string;
}

export function pionHandshakes(out: string): PionConnection[] {
  const found: PionConnection[] = [];
  for (const m of out.matchAll(/^handshake (\d+) (.*)$/gm)) {
    const fields = Object.fromEntries(m[2]!.split(' ').map((kv) => kv.split('=') as [string, string]));
    found[Number(m[1]) - 1] = {
      sessionId: fields['session-id'] ?? '',
      peerCerts: Number(fields['peer-certs']),
      alpn: fields.alpn ?? '',
      srtp: fields.srtp ?? '',
      exporter: fields.exporter ?? '',
      resumed: fields.resumed ?? '',
    };
  }
  return found;
}

/** The peer as a client of 127.0.0.1:`port`. */
export function pionClient(port: number, args: readonly string[]): PeerProcess {
  return new PeerProcess(pionPeer(), ['-role', 'client', '-connect', `127.0.0.1:${port}`, ...args]);
}

/** The peer as a server on 127.0.0.1, once it listens: the process and its port. */
export async function pionServer(
  args: readonly string[],
): Promise<{ readonly peer: PeerProcess; readonly port: number }> {
  const peer = new PeerProcess(pionPeer(), ['-role', 'server', '-port', '0', ...args]);
  await peer.waitFor(/^listening \d+$/m);
  return { peer, port: Number(/^listening (\d+)$/m.exec(peer.out)![1]) };
}
