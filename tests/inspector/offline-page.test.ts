/**
 * The offline inspector page in Debian's Chromium (headless, no downloaded
 * browser, no network): `dtls13 server --inspect` serves it; the page is
 * opened before a client connects and must light up the server chart's
 * states live as the handshake runs (connected while the client is up,
 * closed after :quit), with the chart pictures served by the relay itself.
 * At 1600 × 1000 every chart is drawn at one scale, each label at least
 * LABEL_PX as the browser renders it, and the zoom buttons change it.
 */
import test from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { writePem } from '../interop/wolfssl.js';
import { dtls13, startServer } from '../cli/cli-process.js';
import { CHART_ZOOM, LABEL_PX } from '../../cli/inspector-page.js';

const id = makeIdentity('p256', 'localhost', { at: Date.now() });
const pem = writePem(id);
const profile = mkdtempSync(join(tmpdir(), 'dtls13-chromium-'));
// DTLS13_SCREENSHOT=docs/inspector.png makes the test save the page while the connection is up (the README's picture).
test.after.always(() => {
  pem.remove();
  rmSync(profile, { recursive: true, force: true });
});

/** Debian's Chromium with a fresh profile directory, headless, nothing fetched in the background. */
const launch = (): Promise<BrowserContext> => launchChromium(profile, [], { width: 1600, height: 1000 });

/**
 * Per chart on the page: the CSS pixels a unit of its picture is drawn at, and its smallest label as rendered (each
 * text's font size times the scale of its transform to the screen).
 */
const rendered = (page: Page): Promise<{ chart: string; scale: number; smallest: number }[]> =>
  page.$$eval('section[data-chart]', (sections) =>
    sections.map((section) => {
      const svg = section.querySelector('svg')!;
      let smallest = Infinity;
      for (const text of svg.querySelectorAll('text')) {
        const size = Number(text.getAttribute('font-size'));
        smallest = Math.min(smallest, size * text.getScreenCTM()!.a);
      }
      return {
        chart: section.getAttribute('data-chart') ?? '',
        scale: svg.getBoundingClientRect().width / svg.viewBox.baseVal.width,
        smallest,
      };
    }),
  );

/** The comma-separated active states the page shows for `chart`. */
const active = async (page: Page, chart: string): Promise<string> =>
  (await page.getAttribute(`#chart-${chart}`, 'data-active')) ?? '';

/** Waits until the page shows `state` as the active state of `chart`. */
const activeBecomes = (page: Page, chart: string, state: string): Promise<unknown> =>
  page.waitForSelector(`#chart-${chart}[data-active="${state}"]`, { timeout: 30_000, state: 'attached' });

test('the page lights up the server chart live during a real handshake, offline, and lists the events', async (t) => {
  const inspectPort = 20_000 + (process.pid % 20_000);
  const server = await startServer(pem, ['--echo', `--inspect=${inspectPort}`]);
  const browser = await launch();
  try {
    const page = await browser.newPage();
    const offsite: string[] = [];
    page.on(
      'request',
      (r) =>
        !r.url().startsWith(`http://localhost:${inspectPort}`) &&
        !r.url().startsWith(`ws://127.0.0.1:${inspectPort}`) &&
        offsite.push(r.url()),
    );
    await page.goto(`http://localhost:${inspectPort}/`);
    await page.waitForSelector('body[data-live="true"]');
    for (const chart of ['dtls13-client', 'dtls13-server', 'dtls13-flight']) {
      t.true((await page.$$(`#chart-${chart} svg g.node`)).length > 3, `${chart}: the chart picture is on the page`);
    }
    t.is(await active(page, 'dtls13-server'), '', 'no actor before a client connects');

    const client = dtls13(
      ['client', '--connect', `127.0.0.1:${server.port}`, '--ca', pem.ca, '--servername', 'localhost'],
      null,
    );
    await activeBecomes(page, 'dtls13-server', 'connected');
    const lit = await page.$$eval('#chart-dtls13-server g.node.active', (gs) => gs.map((g) => g.id));
    t.deepEqual(lit, ['state:connected']);
    const visited = await page.$$eval('#chart-dtls13-server g.node.visited', (gs) =>
      gs.map((g) => g.id.replace('state:', '')),
    );
    for (const s of ['waitSecondClientHello', 'waitClientFinished', 'connected'])
      t.true(visited.includes(s), `visited ${s}: ${visited.join(', ')}`);
    const drawn = await rendered(page);
    t.deepEqual(
      drawn.map((d) => d.chart),
      ['dtls13-client', 'dtls13-server', 'dtls13-flight'],
    );
    for (const d of drawn) {
      t.true(d.smallest >= LABEL_PX, `${d.chart}: its smallest label is ${d.smallest.toFixed(2)} px`);
      t.true(Math.abs(d.scale - CHART_ZOOM) < 0.01, `${d.chart}: drawn at ${d.scale.toFixed(3)} px a unit`);
    }
    if (process.env.DTLS13_SCREENSHOT) await page.screenshot({ path: process.env.DTLS13_SCREENSHOT });
    await page.click('#chart-dtls13-server button.in');
    const zoomed = (await rendered(page)).find((d) => d.chart === 'dtls13-server')!;
    t.true(Math.abs(zoomed.scale - CHART_ZOOM * 1.25) < 0.01, `zoomed in: ${zoomed.scale.toFixed(3)} px a unit`);
    t.regex((await page.textContent('#chart-dtls13-server .readout')) ?? '', /^labels \d+\.\d px$/);
    await page.click('#chart-dtls13-server button.fit');
    const fitted = await page.$eval('#chart-dtls13-server', (s) => {
      const box = s.querySelector('.svg')!.getBoundingClientRect();
      const svg = s.querySelector('svg')!.getBoundingClientRect();
      return svg.width <= box.width && svg.height <= box.height;
    });
    t.true(fitted, 'fit: the whole chart in its box');
    await page.click('#chart-dtls13-server button.reset');

    client.child.stdin!.end(':quit\n');
    t.is((await client.done).code, 0);
    await activeBecomes(page, 'dtls13-server', 'closed');
    const events = await page.$$eval('#event-rows tr', (rows) => rows.map((r) => r.textContent ?? ''));
    t.true(
      events.some((e) => e.includes('dtls13-server') && e.includes('Finished')),
      'the event list shows the Finished that connected the server',
    );

    // A second client: the page follows the newest server actor; picking #1 shows the first one again, closed.
    const second = dtls13(
      ['client', '--connect', `127.0.0.1:${server.port}`, '--ca', pem.ca, '--servername', 'localhost'],
      null,
    );
    await activeBecomes(page, 'dtls13-server', 'connected');
    t.deepEqual(await page.$$eval('#chart-dtls13-server select.actors option', (os) => os.map((o) => o.textContent)), [
      '#1 of 2',
      '#2 of 2',
    ]);
    const first = await page.$eval('#chart-dtls13-server select.actors option', (o) => o.getAttribute('value') ?? '');
    await page.selectOption('#chart-dtls13-server select.actors', first);
    await activeBecomes(page, 'dtls13-server', 'closed');
    second.child.stdin!.end(':quit\n');
    t.is((await second.done).code, 0);
    t.deepEqual(offsite, [], 'nothing is fetched from outside the relay');
  } finally {
    await browser.close();
    await server.stop();
  }
});
