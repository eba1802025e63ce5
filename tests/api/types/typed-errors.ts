// Must compile (tests/api/typed-api.test.ts runs tsc on it; `npm run typecheck` checks it too): what node:dtls code
// does with an error, typed: `onerror` gets a DtlsError with `code` and, when an alert ended the session, `alert`.
import { connect, listen, type DtlsError, type DtlsListener, type DtlsSession } from '../../../runtime/index.js';

export function watch(session: DtlsSession): void {
  session.onerror = (e) => {
    const code: string = e.code;
    const alert: string | undefined = e.alert;
    if (e.code === 'ERR_DTLS_ALERT') console.error(`refused with ${e.alert ?? 'an alert'}`);
    else if (e.code === 'ERR_DTLS_HANDSHAKE_TIMEOUT' || e.code === 'ECONNREFUSED') console.error(`no server: ${code}`);
    else console.error(code, alert, e.message);
  };
}

export async function opened(host: string, port: number): Promise<string> {
  const session = connect(host, port, { servername: 'localhost' });
  watch(session);
  try {
    return (await session.opened).protocol;
  } catch (error) {
    const e = error as DtlsError;
    return `${e.code}${e.alert === undefined ? '' : ` (${e.alert})`}`;
  }
}

export function serve(): DtlsListener {
  const listener = listen(
    (session) => {
      watch(session);
      session.onkeylog = (line) => void line;
    },
    { port: 0 },
  );
  listener.busy = false;
  const { bytesSent, packetsSent, clientSessions, serverBusyCount, serverRejectedCount, serverRefusedCount } =
    listener.stats;
  void [bytesSent, packetsSent, clientSessions, serverBusyCount, serverRejectedCount, serverRefusedCount];
  return listener;
}
