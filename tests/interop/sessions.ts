import type { ExecutionContext } from 'ava';
import type { ConnectionEvent, NegotiatedParameters } from '../../runtime/shared/events.js';
import { openClientEndpoint, type UdpClientEndpoint, type UdpClientOptions } from '../support/udp-client.js';
import { listen } from '../../runtime/api/listener.js';
import type { ListenOptions } from '../../runtime/api/options.js';
import type { DtlsSession } from '../../runtime/api/session.js';
import type { KeyPairKind } from '../../runtime/pki/key-pair.js';
import { makeIdentity, type Identity } from '../support/pki-fixtures.js';
import { LossyProxy, type FateOf } from '../support/udp-relay.js';
import { runWolf, startWolfServer, writePem } from './wolfssl.js';

/** One session with wolfSSL's example programs, each way. */

// wolfSSL's example client → our listen(): the client sends "hello wolfssl!" and prints our reply.
const REPLY = 'reply from dtls13';
const identities = new Map<KeyPairKind, Identity>();
export const identity = (kind: KeyPairKind): Identity => {
  let id = identities.get(kind);
  if (!id) identities.set(kind, (id = makeIdentity(kind, 'localhost', { at: Date.now() })));
  return id;
};

export interface Served {
  readonly output: string;
  readonly code: number | null;
  /** The first message of the last session that got one (each session answers its own first message). */
  readonly received: string | undefined;
  /** The session listen() made for the client (the last, if several), once a ClientHello passed the cookie exchange. */
  readonly session: DtlsSession | undefined;
  /** What every session's handshake settled, in the order they completed. */
  readonly handshakes: NegotiatedParameters[];
  /** Every event of the sessions' connections, as it came (alerts we sent, 0-RTT data, a late client certificate). */
  readonly events: ConnectionEvent[];
  readonly proxy: LossyProxy | undefined;
}

/** listen()'s options, less the certificate (`serverId`'s) and the address (loopback, any port). */
export type ServeOptions = Omit<ListenOptions, 'cert' | 'key' | 'host' | 'port'>;

/** Serves one wolfSSL client run on listen(); each session answers REPLY to its own first message. */
export async function serveWolfClient(
  serverId: Identity,
  options: ServeOptions,
  clientArgs: readonly string[],
  fate?: FateOf,
  afterHandshake?: (session: DtlsSession) => void,
): Promise<Served> {
  const pem = writePem(serverId);
  let last: DtlsSession | undefined;
  let received: string | undefined;
  const handshakes: NegotiatedParameters[] = [];
  const events: ConnectionEvent[] = [];
  const server = listen(
    (session) => {
      last = session;
      // Per session: wolfSSL's -r runs a second connection, which waits for its own reply.
      let answered = false;
      session.eventTap = (e) => {
        events.push(e);
        if (e.type === 'handshakeComplete') handshakes.push(e.parameters as NegotiatedParameters);
      };
      session.onmessage = (data) => {
        if (answered) return;
        answered = true;
        received = new TextDecoder().decode(data);
        session.send(REPLY);
      };
      session.onerror = () => {}; // the assertions look at the session's connection
      session.opened.then(
        () => afterHandshake?.(session),
        () => {},
      );
    },
    { cert: [...serverId.chain], key: serverId.privateKey, host: '127.0.0.1', ...options },
  );
  const { port } = await server.listening;
  const proxy = fate ? await LossyProxy.start(port, fate) : undefined;
  try {
    const { code, output } = await runWolf('client', [
      '-u',
      '-v',
      '4',
      '-p',
      String(proxy?.port ?? port),
      '-A',
      pem.ca,
      ...clientArgs,
    ]).done;
    return { code, output, received, session: last, handshakes, events, proxy };
  } finally {
    proxy?.close();
    await server.close();
    pem.remove();
  }
}

/** The alerts our server sent (wolfSSL prints only "received alert fatal error"). */
export function alertsSent(s: Served): (string | number)[] {
  return s.events.flatMap((e) => (e.type === 'alert' && e.sent ? [e.description] : []));
}

export function assertServed(t: ExecutionContext, s: Served): void {
  // wolfSSL names no alert it received: our side's sent alerts go with its output, so a failure says which.
  t.is(s.code, 0, `${s.output}\nalerts our server sent: ${alertsSent(s).join(', ') || 'none'}`);
  t.regex(s.output, /SSL version is DTLSv1\.3/);
  t.true(s.output.includes(REPLY), s.output);
  t.is(s.received, 'hello wolfssl!');
}

// Our openClientEndpoint client → wolfSSL's example server in echo mode (-e): it returns every record's data and exits on close_notify.
const WOLF_REPLY = 'I hear you fa shizzle!';
export const MESSAGES = [
  new TextEncoder().encode('hello from dtls13'),
  Uint8Array.from({ length: 1000 }, (_, i) => (i * 7) & 0xff),
  Uint8Array.of(0),
];

export interface Outcome {
  readonly parameters: NegotiatedParameters | undefined;
  readonly error: string | undefined;
  /** What came back: the echoes, or wolfSSL's one reply (-e not given). */
  readonly replies: Uint8Array[];
  readonly serverOutput: string;
  readonly serverCode: number | null;
  readonly client: UdpClientEndpoint;
  readonly proxy: LossyProxy | undefined;
}

export async function talkToWolfServer(
  serverId: Identity,
  serverArgs: readonly string[],
  options: Partial<UdpClientOptions> = {},
  extra: { fate?: FateOf; beforeSend?: (c: UdpClientEndpoint) => void; messages?: readonly Uint8Array[] } = {},
): Promise<Outcome> {
  const pem = writePem(serverId);
  const echo = !serverArgs.includes('-U');
  const { port, run } = await startWolfServer(pem, echo ? ['-e', ...serverArgs] : serverArgs);
  const proxy = extra.fate ? await LossyProxy.start(port, extra.fate) : undefined;
  const client = openClientEndpoint({
    port: proxy?.port ?? port,
    trustAnchors: [serverId.caDer],
    serverName: 'localhost',
    ...options,
  });
  let parameters: NegotiatedParameters | undefined;
  const replies: Uint8Array[] = [];
  let error: string | undefined;
  // A server that exits before it answers ends the wait for its reply (the client has no deadline once connected).
  const exited = run.done.then(({ code }) => {
    throw new Error(`wolfSSL's server exited (code ${code}) before it answered`);
  });
  exited.catch(() => {});
  try {
    parameters = await client.handshake;
    extra.beforeSend?.(client);
    for (const m of echo ? (extra.messages ?? MESSAGES) : MESSAGES.slice(0, 1)) {
      client.send(m);
      replies.push(await Promise.race([client.receive(), exited]));
    }
    client.close();
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
    run.kill();
  }
  const { code, output } = await run.done; // the relay stays up until the server is done (it may still retransmit)
  proxy?.close();
  pem.remove();
  return { parameters, error, replies, serverOutput: output, serverCode: code, client, proxy };
}

/** wolfSSL echoed every message (or, without -e, answered), then exited cleanly on our close_notify. */
export function assertTalked(t: ExecutionContext, o: Outcome, messages: readonly Uint8Array[] = MESSAGES): void {
  t.is(o.error, undefined, `${o.serverOutput}\n(our client: ${JSON.stringify(diagnostics(o))})`);
  if (o.replies.length === 1) t.is(new TextDecoder().decode(o.replies[0]), WOLF_REPLY);
  else t.deepEqual(o.replies, messages);
  t.regex(o.serverOutput, /SSL version is DTLSv1\.3/);
  t.is(o.serverCode, 0, o.serverOutput);
}

/** What our client saw of the exchange, for a failure's message. */
function diagnostics(o: Outcome): object {
  const s = o.client.connection.stats;
  return {
    state: o.client.connection.state,
    retransmissions: s.retransmissions,
    datagramsSent: s.datagramsSent,
    datagramsReceived: s.datagramsReceived,
    drops: s.drops,
  };
}
