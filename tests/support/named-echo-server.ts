import { listen, type DtlsListener, type DtlsListenOptions } from '../../runtime/index.js';
import type { CryptoProvider } from '../../runtime/crypto.js';
import type { PemIdentity } from '../api/fixtures.js';

/** A server over real UDP that keeps every message its sessions receive. */
export interface NamedEchoServer {
  readonly listener: DtlsListener;
  readonly port: number;
  /** What the server received, by the first message each session sent. */
  readonly received: Map<string, Buffer[]>;
}

/**
 * A server on 127.0.0.1 that keeps every message (sessions named by their first message's first word, up to a '-')
 * and sends back a copy of each one `echo` accepts (default: all): the original stays for the test to look at.
 */
export async function namedEchoServer(
  id: PemIdentity,
  provider: CryptoProvider,
  options: DtlsListenOptions = {},
  echo: (data: Buffer) => boolean = () => true,
): Promise<NamedEchoServer> {
  const received = new Map<string, Buffer[]>();
  const listener = listen(
    (s) => {
      let name: string | undefined;
      s.onmessage = (data) => {
        name ??= data.toString('latin1').split('-')[0]!;
        const list = received.get(name) ?? [];
        list.push(data);
        received.set(name, list);
        if (echo(data)) s.send(Buffer.from(data));
      };
    },
    { cert: id.cert, key: id.key, host: '127.0.0.1', provider, ...options },
  );
  const { port } = await listener.listening;
  return { listener, port, received };
}
