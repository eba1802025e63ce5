import { listen, type DtlsListener, type DtlsSession, type DtlsListenOptions } from '../../runtime/index.js';

/**
 * A server that echoes each message as `echo TEXT` and records where its
 * session moves; closed when `teardown` runs its callback (ava's
 * `t.teardown`). The migration tests' server.
 */
export async function echoServer(
  options: DtlsListenOptions,
  teardown: (fn: () => Promise<void>) => void,
): Promise<{
  readonly listener: DtlsListener;
  readonly port: number;
  session: () => DtlsSession | undefined;
  readonly migrations: number[];
}> {
  let server: DtlsSession | undefined;
  const migrations: number[] = [];
  const listener = listen((s) => {
    server = s;
    s.onmessage = (data) => s.send(`echo ${data.toString()}`);
    s.onmigrate = (_from, to) => migrations.push(to.port);
  }, options);
  teardown(() => listener.close());
  const { port } = await listener.listening;
  return { listener, port, session: () => server, migrations };
}
