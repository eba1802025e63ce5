/**
 * A screenshot of a `dtls13 simulate --trace` file in the Perfetto UI, for
 * docs/hwmodel: the UI build from npm, served on 127.0.0.1 and opened in
 * Debian's chromium, headless (tests/support/perfetto-ui.ts).
 *
 *   npx tsx scripts/hwmodel-perfetto-screenshot.ts small-trace.json docs/hwmodel/perfetto-small-run.png
 *
 * That build draws no track names, so the script writes Perfetto's own
 * names for each row (process and thread, as its importer made them, read
 * from the UI's state) over the row's left edge. It first selects the first
 * public-key operation, so that the details panel shows how Perfetto read
 * the event (name, category, start, duration).
 */
import { readFileSync } from 'node:fs';
import type { ChromeTraceEvent as TraceEvent } from '../hwmodel/trace/index.js';
import { openInPerfetto } from '../tests/support/perfetto-ui.js';

/** Perfetto's names over each thread row's left edge (page-side source, see perfetto-ui.ts). */
const LABEL_ROWS = `(() => {
  const state = window.globals.state;
  for (const row of document.querySelectorAll('.track')) {
    const track = state.tracks[row.id.replace(/^track_/, '')];
    const group = track && state.trackGroups[track.trackGroup];
    if (!track) continue;
    const r = row.getBoundingClientRect();
    const tag = document.createElement('div');
    tag.textContent = (group ? group.name + ' \\u00b7 ' : '') + track.name;
    tag.style.cssText = 'position:fixed;left:' + (r.left + 2) + 'px;top:' + (r.top + 3) + 'px;z-index:10;padding:0 4px;' +
      'font:11px sans-serif;background:rgba(255,255,255,0.75);color:#111;pointer-events:none';
    document.body.appendChild(tag);
  }
})()`;

/** Where the middle of an event (µs) is drawn in the row of `process` / `thread` (page-side source), or null. */
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

async function main(): Promise<void> {
  const [tracePath, out] = process.argv.slice(2);
  if (tracePath === undefined || out === undefined)
    throw new Error('usage: hwmodel-perfetto-screenshot.ts TRACE.json OUT.png');
  const trace = readFileSync(tracePath);
  const events = (JSON.parse(trace.toString('utf8')) as { traceEvents: TraceEvent[] }).traceEvents;
  const processes = new Map(
    events.filter((e) => e.ph === 'M' && e.name === 'process_name').map((e) => [e.pid, e.args?.name ?? '']),
  );
  const threads = new Map(
    events
      .filter((e) => e.ph === 'M' && e.name === 'thread_name')
      .map((e) => [`${e.pid}/${e.tid}`, e.args?.name ?? '']),
  );
  const publicKey = events.find((e) => e.ph === 'X' && (processes.get(e.pid) ?? '').endsWith('.publicKey'));
  const view = await openInPerfetto(trace, threads.size);
  try {
    await view.page.waitForTimeout(2000); // the rows are there; let the last ones draw their slices before the picture
    if (publicKey) {
      const where = whereDrawn(
        publicKey.ts ?? 0,
        publicKey.dur ?? 0,
        processes.get(publicKey.pid)!,
        threads.get(`${publicKey.pid}/${publicKey.tid}`)!,
      );
      const point = (await view.page.evaluate(where)) as { x: number; y: number } | null;
      if (!point) throw new Error(`no row for the ${publicKey.name} event`);
      await view.page.mouse.click(point.x, point.y);
      await view.page.waitForTimeout(1500);
      const details = (await view.page.evaluate(
        `document.querySelector('.details-panel')?.textContent ?? ''`,
      )) as string;
      if (!details.includes(publicKey.name))
        throw new Error(`selecting ${publicKey.name} showed: ${details.slice(0, 200)}`);
    }
    await view.page.evaluate(LABEL_ROWS);
    await view.page.screenshot({ path: out });
  } finally {
    await view.close();
  }
}

await main();
