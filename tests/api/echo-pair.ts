/** A listener on 127.0.0.1 echoing what it receives, and one client connected to it: real sockets, real handshakes. */
import { connect, listen, type DtlsListener, type DtlsSession } from '../../runtime/index.js';
import type { ConnectOptions, ListenOptions } from '../../runtime/api/options.js';
import { pemIdentity } from './fixtures.js';
import { until } from '../node/support.js';

const id = pemIdentity('localhost');

export interface EchoPair {
  readonly listener: DtlsListener;
  readonly port: number;
  readonly client: DtlsSession;
  /** The server's side of the client's session. */
  readonly server: DtlsSession;
  /** Every session the listener accepted, in order. */
  readonly accepted: DtlsSession[];
  /** Connects one more client. */
  another(options?: ConnectOptions): Promise<DtlsSession>;
  /** Ends every session and the listener. */
  close(): Promise<void>;
}

export async function echoPair(
  listenOptions: ListenOptions = {},
  connectOptions: ConnectOptions = {},
): Promise<EchoPair> {
  const accepted: DtlsSession[] = [];
  const clients: DtlsSession[] = [];
  const listener = listen(
    (s) => {
      accepted.push(s);
      s.onmessage = (data) => void s.send(data);
    },
    { cert: id.cert, key: id.key, host: '127.0.0.1', ...listenOptions },
  );
  const { port } = await listener.listening;
  const another = async (options: ConnectOptions = connectOptions): Promise<DtlsSession> => {
    const before = accepted.length;
    const client = connect('127.0.0.1', port, { ca: id.ca, servername: 'localhost', ...options });
    clients.push(client);
    await client.opened;
    await until(() => accepted.length > before);
    return client;
  };
  const client = await another();
  return {
    listener,
    port,
    client,
    server: accepted[0]!,
    accepted,
    another,
    close: async () => {
      for (const c of clients) c.destroy();
      await listener.close();
    },
  };
}

/** Sends `text` and waits for its echo. */
export async function echo(session: DtlsSession, text: string): Promise<string> {
  const reply = new Promise<Buffer>((resolve) => (session.onmessage = resolve));
  session.send(text);
  return (await reply).toString();
}
