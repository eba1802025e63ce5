/**
 * The example's web server: it serves the page, and for each offer the page
 * POSTs to /offer it starts a {@link WebRtcPeer} and returns its answer. The
 * page's query string picks our side: `setup` (active or passive), `version`
 * (1.2 or 1.3: the highest we offer or take) and `srtp` (one profile name).
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import { SRTP_PROFILES, type SrtpProfileName } from '../../runtime/sans-io.js';
import { WebRtcPeer, type PeerOptions } from './peer.js';

const PAGE = readFileSync(new URL('page.html', import.meta.url));

export interface ExampleServer {
  /** The page's address. */
  readonly url: string;
  /** Called with each peer the page makes, before its answer is sent. */
  onpeer: (peer: WebRtcPeer) => void;
  close(): Promise<void>;
}

/** Our side's options from the page's query string; a string saying what is wrong otherwise. */
export function peerOptions(query: URLSearchParams): PeerOptions | string {
  const setup = query.get('setup') ?? 'passive';
  const version = query.get('version') ?? '1.3';
  const srtp = query.get('srtp');
  if (setup !== 'active' && setup !== 'passive') return `setup must be active or passive, got ${setup}`;
  if (version !== '1.2' && version !== '1.3') return `version must be 1.2 or 1.3, got ${version}`;
  if (srtp !== null && !Object.hasOwn(SRTP_PROFILES, srtp))
    return `srtp must be one of ${Object.keys(SRTP_PROFILES).join(', ')}`;
  return {
    setup,
    maxVersion: version === '1.2' ? 'DTLSv1.2' : 'DTLSv1.3',
    ...(srtp === null ? {} : { srtp: [srtp as SrtpProfileName] }),
  };
}

const body = async (request: IncomingMessage): Promise<string> => {
  let text = '';
  for await (const chunk of request) {
    text += String(chunk);
    if (text.length > 65_536) throw new Error('offer too long');
  }
  return text;
};

/** Starts the web server on 127.0.0.1 (`port` 0: any free port). */
export async function startExample(port = 0): Promise<ExampleServer> {
  const peers = new Set<WebRtcPeer>();
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (request.method === 'GET' && url.pathname === '/') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
      return;
    }
    if (request.method !== 'POST' || url.pathname !== '/offer') {
      response.writeHead(404).end();
      return;
    }
    const options = peerOptions(url.searchParams);
    if (typeof options === 'string') {
      response.writeHead(400).end(options);
      return;
    }
    body(request)
      .then((sdp) => WebRtcPeer.answer(sdp, options))
      .then((peer) => {
        peers.add(peer);
        example.onpeer(peer);
        response.writeHead(200, { 'content-type': 'application/sdp' }).end(peer.answer);
      })
      .catch((e: unknown) => response.writeHead(400).end(e instanceof Error ? e.message : String(e)));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address();
  const example: ExampleServer = {
    url: `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : port}/`,
    onpeer: () => {},
    async close() {
      await Promise.all([...peers].map((p) => p.close()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return example;
}
