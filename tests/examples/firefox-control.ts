/**
 * The web server a Firefox test drives its page through (firefox-page.html):
 * it serves the page, hands it commands one at a time (GET /next, held until
 * the test has one), answers each offer the page POSTs to /offer with a
 * {@link WebRtcPeer} of the options the test gave, and passes on the
 * connection states the page POSTs to /report.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { WebRtcPeer, type PeerOptions } from '../../examples/webrtc/peer.js';
import { parseOffer, type Offer } from '../../examples/webrtc/sdp.js';

const PAGE = readFileSync(new URL('firefox-page.html', import.meta.url));

/** What the page says of one connection once it is connected: the selected ICE candidate pair's stats. */
export type PageReport = Readonly<Record<string, unknown>>;

/** One peer connection on the page and ours that answered it. */
export interface PageConnection {
  readonly id: number;
  readonly peer: WebRtcPeer;
  readonly offer: Offer;
  /** Settles when the page says `connected` (with its candidate pair); rejects on `failed` or an error there. */
  readonly connected: Promise<PageReport>;
  /** Each state the page reported, in order. */
  readonly states: readonly string[];
}

interface Pending {
  readonly options: PeerOptions;
  readonly via: ((port: number) => Promise<number>) | undefined;
  readonly made: (c: PageConnection) => void;
  readonly failed: (e: Error) => void;
  connection?: PageConnection;
  report?: (body: { state?: string; message?: string; pair?: PageReport }) => void;
}

const body = async (request: IncomingMessage): Promise<string> => {
  let text = '';
  for await (const chunk of request) {
    text += String(chunk);
    if (text.length > 262_144) throw new Error('body too long');
  }
  return text;
};

/** How long a GET /next is held before it is answered with nothing to do (the page asks again). */
const IDLE_MS = 20_000;

export class FirefoxControl {
  private readonly commands: string[] = [];
  private waiting: ServerResponse | undefined;
  private idle: NodeJS.Timeout | undefined;
  private readonly pending = new Map<number, Pending>();
  private readonly peers = new Set<WebRtcPeer>();
  private nextId = 1;
  /** The page's address. */
  readonly url: string;

  private readonly server: ReturnType<typeof createServer>;

  private constructor(server: ReturnType<typeof createServer>, host: string, port: number) {
    this.server = server;
    this.url = `http://${host}:${port}/`;
  }

  /** Starts the server on `host` (any free port); our peers' candidates are on `host` too. */
  static async start(host: string): Promise<FirefoxControl> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, host, resolve));
    const address = server.address();
    const control = new FirefoxControl(
      server,
      host,
      typeof address === 'object' && address !== null ? address.port : 0,
    );
    server.on('request', (request, response) => control.serve(request, response, host));
    return control;
  }

  /**
   * Has the page open a connection, answered by a peer with `options`;
   * resolves once the answer is sent. With `via`, the answer's candidate is
   * the port `via` returns for our peer's (a relay the test puts between).
   */
  open(options: PeerOptions, via?: (port: number) => Promise<number>): Promise<PageConnection> {
    const id = this.nextId++;
    return new Promise<PageConnection>((made, failed) => {
      this.pending.set(id, { options, via, made, failed });
      this.send({ open: id });
    });
  }

  /** Has the page close connection `id` (RTCPeerConnection.close()). */
  closeOnPage(id: number): void {
    this.send({ close: id });
  }

  async close(): Promise<void> {
    clearTimeout(this.idle);
    this.waiting?.writeHead(503).end();
    await Promise.all([...this.peers].map((p) => p.close()));
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private send(command: object): void {
    this.commands.push(JSON.stringify(command));
    this.flush();
  }

  private flush(): void {
    if (!this.waiting || this.commands.length === 0) return;
    clearTimeout(this.idle);
    this.waiting.writeHead(200, { 'content-type': 'application/json' }).end(this.commands.shift());
    this.waiting = undefined;
  }

  private serve(request: IncomingMessage, response: ServerResponse, host: string): void {
    const url = new URL(request.url ?? '/', `http://${host}`);
    const id = Number(url.searchParams.get('id'));
    if (request.method === 'GET' && url.pathname === '/') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
    } else if (request.method === 'GET' && url.pathname === '/next') {
      this.waiting?.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      this.waiting = response;
      clearTimeout(this.idle);
      this.idle = setTimeout(() => {
        if (this.waiting === response) this.waiting = undefined;
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      }, IDLE_MS);
      this.flush();
    } else if (request.method === 'POST' && url.pathname === '/offer' && this.pending.has(id)) {
      const p = this.pending.get(id)!;
      body(request)
        .then(async (sdp) => {
          const offer = parseOffer(sdp);
          if (typeof offer === 'string') throw new Error(`the page's offer: ${offer}`);
          const peer = await WebRtcPeer.answer(sdp, p.options);
          this.peers.add(peer);
          let answer = peer.answer;
          const port = answer.match(/^a=candidate:\S+ 1 udp \d+ \S+ (\d+) typ host/m)?.[1];
          if (p.via && port !== undefined) answer = answer.replaceAll(` ${port} `, ` ${await p.via(Number(port))} `);
          const states: string[] = [];
          const connected = new Promise<PageReport>((resolve, reject) => {
            p.report = (r) => {
              states.push(r.state ?? '?');
              if (r.state === 'connected') resolve(r.pair ?? {});
              if (r.state === 'failed' || r.state === 'error')
                reject(new Error(`the page's connection ${id}: ${r.state} ${r.message ?? ''}`));
            };
          });
          connected.catch(() => {}); // the test awaits it; one it does not await must not end the process
          p.connection = { id, peer, offer, connected, states };
          response.writeHead(200, { 'content-type': 'application/sdp' }).end(answer);
          p.made(p.connection);
        })
        .catch((e: unknown) => {
          const error = e instanceof Error ? e : new Error(String(e));
          response.writeHead(400).end(error.message);
          p.failed(error);
        });
    } else if (request.method === 'POST' && url.pathname === '/report' && this.pending.has(id)) {
      const p = this.pending.get(id)!;
      body(request)
        .then((text) => {
          const r = JSON.parse(text) as { state?: string; message?: string; pair?: PageReport };
          if (p.report) p.report(r);
          else if (r.state === 'error') p.failed(new Error(`the page: ${r.message ?? ''}`));
          response.writeHead(204).end();
        })
        .catch(() => response.writeHead(400).end());
    } else {
      response.writeHead(404).end();
    }
  }
}
