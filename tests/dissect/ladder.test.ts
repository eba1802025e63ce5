/**
 * `dtls13 dissect --ladder` and `--ladder-svg` on a capture tcpdump makes
 * here of a real exchange (dtls13 with dtls13, a server flight in fragments,
 * two messages 1.5 s apart): the ladder has one arrow for each datagram the
 * record lines print, at the same time, in the same direction, carrying the
 * same messages; each pause over a second is one gap row saying how long;
 * the SVG is well-formed XML with one arrow a datagram and the same gaps.
 * The docs' ladder picture is their sample capture drawn now.
 */
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GAP_SECONDS } from '../../cli/dissect/ladder.js';
import { xmlFault } from '../support/xml-well-formed.js';
import { CLI_ARGS } from '../cli/cli-process.js';
import { captureEcho } from './echo-capture.js';

const dir = mkdtempSync(join(tmpdir(), 'dtls13-ladder-'));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const dissect = (args: readonly string[]): string =>
  execFileSync(process.execPath, [...CLI_ARGS, 'dissect', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });

/** One datagram as the record lines print it: time, sender, and per record its messages (or its content type). */
interface Flight {
  readonly time: string;
  readonly from: string;
  readonly records: string[][];
}

/** What a record line says the record carries: its handshake messages by name, else its content type. */
function carried(line: string): string[] {
  const names = [...line.matchAll(/(\w+) \(msg_seq/g)].map((m) => m[1]!);
  return names.length > 0 ? names : [/ rec \S+(?: cid \S+)? (\w+) \d+ B/.exec(line)![1]!];
}

test('the ladder has the record lines’ datagrams, times, directions and messages; the SVG each arrow', async (t) => {
  const pcap = join(dir, 'ladder.pcap');
  const keylog = join(dir, 'ladder.keys');
  const port = await captureEcho(
    pcap,
    keylog,
    async (client) => {
      for (const [i, text] of ['one', 'two'].entries()) {
        if (i > 0) await new Promise((r) => setTimeout(r, 1500));
        const echoed = new Promise((r) => (client.onmessage = r));
        client.send(text);
        await echoed;
      }
    },
    { mtu: 300 },
  );
  const args = [pcap, '--keylog', keylog, '--port', String(port)];

  // The datagrams as the record lines and --json print them (a record's line and JSON object are in the same order).
  const recordLines = dissect(args)
    .split('\n')
    .filter((l) => /^\s*\d+\.\d{6} /.test(l));
  const json = dissect([...args, '--json'])
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { datagram: number; from: string });
  t.is(recordLines.length, json.length);
  const flights: Flight[] = [];
  json.forEach((r, i) => {
    const line = recordLines[i]!;
    const [, time, from] = /^\s*(\d+\.\d{6}) \S+ > \S+ (client|server):/.exec(line)!;
    t.is(from, r.from);
    if (i > 0 && json[i - 1]!.datagram === r.datagram) flights.at(-1)!.records.push(carried(line));
    else flights.push({ time: time!, from: from!, records: [carried(line)] });
  });
  t.true(
    flights.some((f) => f.from === 'server' && f.records.flat().includes('certificate')) &&
      flights.filter((f) => f.records.flat().includes('certificate')).length >= 2,
    'the Certificate went in fragments, in datagrams of their own',
  );

  const ladderSvg = join(dir, 'ladder.svg');
  const ladder = dissect([...args, '--ladder', '--ladder-svg', ladderSvg]);
  const rows = ladder
    .split('\n')
    .filter((l) => /^\s*\d+\.\d{6} {2}\||^\s+~+ [\d.]+ s, no datagram ~+$/.test(l))
    .map((l) => {
      const gap = /^\s+~+ ([\d.]+) s, no datagram/.exec(l);
      if (gap) return { gap: gap[1]! };
      const [, time, arrow, records] = /^\s*(\d+\.\d{6}) {2}(\|-+>\||\|<-+\|) {2}(.*)$/.exec(l)!;
      return { time: time!, from: arrow!.endsWith('>|') ? 'client' : 'server', records: records!.split(' | ') };
    });
  const arrows = rows.filter((r) => 'time' in r);
  t.is(arrows.length, flights.length, 'one arrow a datagram');
  t.regex(ladder, new RegExp(`: ${flights.length} datagrams\\n`));
  flights.forEach((f, i) => {
    const a = arrows[i]!;
    t.is(a.time, f.time, `datagram ${i}: its time`);
    t.is(a.from, f.from, `datagram ${i}: its direction`);
    t.deepEqual(
      a.records!.map((r) => r.split(', ').map((m) => /^\w+/.exec(m)![0])),
      f.records,
      `datagram ${i}: what its records carry`,
    );
  });
  // A gap row between two arrows exactly when they are more than GAP_SECONDS apart, saying how far.
  const expectedGaps: string[] = [];
  for (let i = 1; i < flights.length; i++) {
    const seconds = Number(flights[i]!.time) - Number(flights[i - 1]!.time);
    if (seconds > GAP_SECONDS) expectedGaps.push(seconds.toFixed(3));
  }
  const gaps = rows.filter((r) => 'gap' in r).map((r) => r.gap!);
  t.true(
    gaps.some((g) => Number(g) >= 1.5),
    `the 1.5 s between the two messages is a gap: ${gaps.join(', ')}`,
  );
  t.deepEqual(
    gaps.map((g) => Number(g).toFixed(2)),
    expectedGaps.map((g) => Number(g).toFixed(2)),
  );

  const svg = readFileSync(ladderSvg, 'utf8');
  t.is(xmlFault(svg), undefined, 'the SVG is well-formed');
  t.regex(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  const groups = [
    ...svg.matchAll(/<g class="arrow" data-time="([\d.]+)" data-from="(\w+)" data-datagram="\d+">([^]*?)<\/g>/g),
  ];
  t.deepEqual(
    groups.map((g) => [g[1], g[2]]),
    flights.map((f) => [f.time, f.from]),
    'one SVG arrow a datagram, at its time and in its direction',
  );
  groups.forEach((g, i) => {
    t.regex(g[3]!, /<line [^>]*marker-end="url\(#to-(server|client)\)"\/>/, `arrow ${i} is drawn`);
    for (const record of arrows[i]!.records!)
      t.true(g[3]!.includes(`>${record}</text>`), `arrow ${i} says '${record}'`);
  });
  t.deepEqual(
    [...svg.matchAll(/<text class="gap" data-seconds="([\d.]+)"/g)].map((m) => m[1]),
    gaps,
  );
});

test('--json and --ladder together are a usage error naming both', (t) => {
  const error = t.throws(() =>
    execFileSync(process.execPath, [...CLI_ARGS, 'dissect', 'x.pcap', '--json', '--ladder'], {
      encoding: 'utf8',
      stdio: 'pipe',
    }),
  ) as Error & { status: number; stderr: string };
  t.is(error.status, 2);
  t.regex(error.stderr, /--json and --ladder/);
});

test("docs/cli.md's ladder picture is the sample capture drawn by --ladder-svg now, well-formed", (t) => {
  const out = join(dir, 'sample.svg');
  dissect(['docs/dissect/idle-close.pcap', '--keylog', 'docs/dissect/idle-close.keys', '--ladder-svg', out]);
  const saved = readFileSync(join(ROOT, 'docs/dissect/idle-close-ladder.svg'), 'utf8');
  t.is(readFileSync(out, 'utf8'), saved);
  t.is(xmlFault(saved), undefined);
  t.true(
    readFileSync(join(ROOT, 'docs/cli.md'), 'utf8').includes('](dissect/idle-close-ladder.svg)'),
    'docs/cli.md shows it',
  );
});
