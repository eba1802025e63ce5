import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { inspectorPage, PAGE_CHARTS } from './inspector-page.js';
import { WebSocket, WebSocketServer } from 'ws';
import { CliUsageError } from './usage-error.js';

/** Messages kept for viewers that connect later (the last ones). */
const REPLAY = 500;
/** The Stately inspector the bridge page embeds. */
const INSPECTOR_URL = 'https://stately.ai/inspect';

/**
 * The page at /stately (one click from the offline page): it embeds the Stately inspector in a frame and
 * hands it, by postMessage, every inspection event the relay sends, holding
 * them until the inspector says it is ready (`@statelyai.connected`).
 */
function bridgePage(port: number): string {
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>dtls13: handshake charts</title>
<style>html,body,iframe{margin:0;border:0;width:100%;height:100%}</style></head>
<body><iframe id="inspector" src="${INSPECTOR_URL}"></iframe>
<script>
const frame = document.getElementById('inspector');
const waiting = [];
let ready = false;
addEventListener('message', (m) => {
  if (m.data && m.data.type === '@statelyai.connected') {
    ready = true;
    for (const e of waiting.splice(0)) frame.contentWindow.postMessage(e, '*');
  }
});
const socket = new WebSocket('ws://127.0.0.1:${port}');
socket.onmessage = (m) => {
  const e = JSON.parse(m.data);
  if (ready) frame.contentWindow.postMessage(e, '*'); else waiting.push(e);
};
</script></body></html>
`;
}

/** A chart picture from generated/charts/ (cli/ in the sources; dist/cli/ once built, the SVGs shipped beside dist/). */
function chartSvg(id: string): string | undefined {
  for (const dir of ['../generated/charts/', '../../generated/charts/']) {
    try {
      return readFileSync(new URL(`${dir}${id}.svg`, import.meta.url), 'utf8');
    } catch {
      // not in this layout
    }
  }
  return undefined;
}

/** A running relay. */
export interface InspectorRelay {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * The inspector server, on 127.0.0.1 only: HTTP serves the offline page (/),
 * the chart pictures (/charts/ID.svg) and the Stately bridge page (/stately), and
 * a WebSocket on the same port relays every message one client sends (the
 * process's @statelyai/inspect WebSocket inspector) to every other client
 * (browsers, tests), replaying the last 500 to each newcomer. It is
 * wire-compatible with @statelyai/inspect's own server, which listens on all
 * interfaces and so would show the handshakes to the whole network.
 */
export async function startInspectorRelay(port: number): Promise<InspectorRelay> {
  const http: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const chart = /^\/charts\/([\w-]+)\.svg$/.exec(path ?? '')?.[1];
    if (path === '/' || path === '/index.html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(inspectorPage(port));
    } else if (path === '/stately') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(bridgePage(port));
    } else if (
      chart !== undefined &&
      (PAGE_CHARTS as readonly string[]).includes(chart) &&
      chartSvg(chart) !== undefined
    ) {
      res.writeHead(200, { 'content-type': 'image/svg+xml' });
      res.end(chartSvg(chart));
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', (e) => reject(new CliUsageError(`--inspect=${port}: ${e.message}`)));
    http.listen(port, '127.0.0.1', () => resolve());
  });
  const wss = new WebSocketServer({ server: http }); // after listening: it would re-emit a listen error as its own, unhandled
  const replay: string[] = [];
  wss.on('connection', (ws) => {
    for (const m of replay) ws.send(m);
    ws.on('message', (data: WebSocket.RawData) => {
      const m = data.toString();
      replay.push(m);
      if (replay.length > REPLAY) replay.shift();
      for (const other of wss.clients) if (other !== ws && other.readyState === WebSocket.OPEN) other.send(m);
    });
  });
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        http.close(() => resolve());
      }),
  };
}
