/**
 * A screenshot of a `dtls13 simulate --trace` file in the trace viewer
 * Debian's chromium carries, for docs/hwmodel (hwmodel-perfetto-screenshot.ts
 * takes the one in Perfetto's UI): the DevTools Performance panel (its
 * bundled front end, served by the browser's remote-debugging port), which
 * reads Chrome trace-event JSON. Headless; no browser is downloaded.
 *
 *   npx tsx scripts/hwmodel-trace-screenshot.ts small-trace.json docs/hwmodel/devtools-small-run.png
 *
 * The panel draws on a canvas: the script presses keys and clicks where the
 * panel puts its controls in this chromium (156), then expands each
 * module's track from the bottom up so every lane shows.
 */
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
const PORT = 9333;
/** Where the panel draws the first module's track header, and the height of a collapsed track (px, at this viewport). */
const FIRST_TRACK_Y = 129;
const TRACK_STEP = 21;

async function main(): Promise<void> {
  const [tracePath, out] = process.argv.slice(2);
  if (tracePath === undefined || out === undefined)
    throw new Error('usage: hwmodel-trace-screenshot.ts TRACE.json OUT.png');
  const doc = JSON.parse(readFileSync(tracePath, 'utf8')) as { traceEvents: { ph: string; name: string }[] };
  const modules = doc.traceEvents.filter((e) => e.ph === 'M' && e.name === 'process_name').length;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      `--remote-debugging-port=${PORT}`,
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
    ],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1150 } });
    await page.goto(`http://127.0.0.1:${PORT}/devtools/trace_app.html`, { timeout: 30_000 });
    await page.waitForTimeout(4000);
    await page.keyboard.press('Escape'); // the "debugging connection was closed" notice: no page is being debugged
    await page.getByText('Performance', { exact: true }).first().click();
    await page.waitForTimeout(2000);
    await page.locator('input[type=file]').last().setInputFiles(tracePath); // the panel's "Load profile"
    await page.waitForTimeout(8000);
    await page.mouse.click(1571, 77); // close the flame chart's keyboard-shortcuts card
    await page.mouse.click(15, 40); // hide the sidebar
    await page.waitForTimeout(1000);
    for (let i = modules - 1; i >= 0; i--) {
      await page.mouse.click(10, FIRST_TRACK_Y + i * TRACK_STEP);
      await page.waitForTimeout(300);
    }
    await page.waitForTimeout(1500);
    await page.screenshot({ path: out });
  } finally {
    await browser.close();
  }
}

await main();
