/**
 * A ladder (ladder.ts) as an SVG picture: the client's and the server's
 * lifelines as two vertical lines, each datagram an arrow between them at
 * its own row (rows are evenly spaced: the order and the time printed at
 * the left tell when, not the distance), the records it carries written
 * over it, one line a record; a gap is a break in both lifelines with its
 * length written across. Each arrow is a `<g class="arrow">` holding its
 * time, direction and datagram index as data attributes. Plain SVG, no
 * dependencies.
 */
import type { Ladder, LadderArrow } from './ladder.js';

const W = 980;
const LEFT = 190;
const RIGHT = 880;
const LINE = 15;
const ARROW_GAP = 14;
const GAP_ROW = 44;
/** A record's text longer than this many characters is cut (the text ladder has it whole). */
const MAX_CHARS = 100;

const CLIENT_COLOUR = '#1f5fa8';
const SERVER_COLOUR = '#c0392b';

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const cut = (s: string): string => (s.length > MAX_CHARS ? `${s.slice(0, MAX_CHARS - 1)}…` : s);

/** The SVG text of the ladders, one under the other, under `title`. */
export function ladderSvg(all: readonly Ladder[], title: string): string {
  const body: string[] = [];
  let y = 44;
  for (const l of all) y = drawLadder(body, l, y + 16);
  const h = y + 24;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${h}" viewBox="0 0 ${W} ${h}" font-family="sans-serif" font-size="12">`,
    `<defs>${marker('to-server', CLIENT_COLOUR)}${marker('to-client', SERVER_COLOUR)}</defs>`,
    `<rect width="${W}" height="${h}" fill="white"/>`,
    `<text x="${W / 2}" y="26" text-anchor="middle" font-size="16" font-weight="bold">${esc(title)}</text>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

function marker(id: string, colour: string): string {
  return `<marker id="${id}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 Z" fill="${colour}"/></marker>`;
}

/** Draws one ladder from `top` down; returns the y it ends at. */
function drawLadder(out: string[], l: Ladder, top: number): number {
  out.push(
    `<text x="${LEFT}" y="${top}" text-anchor="middle" font-weight="bold" fill="${CLIENT_COLOUR}">client</text>`,
    `<text x="${LEFT}" y="${top + LINE}" text-anchor="middle" fill="#555">${esc(l.client)}</text>`,
    `<text x="${RIGHT}" y="${top}" text-anchor="middle" font-weight="bold" fill="${SERVER_COLOUR}">server</text>`,
    `<text x="${RIGHT}" y="${top + LINE}" text-anchor="middle" fill="#555">${esc(l.server)}</text>`,
    `<text x="12" y="${top + LINE}" fill="#555">time (s)</text>`,
  );
  let y = top + LINE + 10;
  /** Where the lifelines' current stretch began (they break at each gap). */
  let from = y;
  const lifelines = (to: number): void => {
    for (const x of [LEFT, RIGHT]) out.push(`<line x1="${x}" y1="${from}" x2="${x}" y2="${to}" stroke="#999"/>`);
  };
  for (const row of l.rows) {
    if (row.kind === 'gap') {
      lifelines(y + 6);
      const mid = y + GAP_ROW / 2;
      for (const x of [LEFT, RIGHT])
        out.push(
          `<path d="M${x - 7} ${y + 10} L${x + 7} ${y + 14} M${x - 7} ${y + GAP_ROW - 14} L${x + 7} ${y + GAP_ROW - 10}" stroke="#999"/>`,
        );
      out.push(
        `<text class="gap" data-seconds="${row.seconds.toFixed(3)}" x="${(LEFT + RIGHT) / 2}" y="${mid + 4}" text-anchor="middle" font-style="italic" fill="#555">${row.seconds.toFixed(3)} s with no datagram (not to scale)</text>`,
      );
      y += GAP_ROW;
      from = y - 6;
      continue;
    }
    y = drawArrow(out, row, y);
  }
  lifelines(y + 4);
  return y + 4;
}

/** One datagram's arrow under `y`, its records' texts above it; returns the y under it. */
function drawArrow(out: string[], a: LadderArrow, y: number): number {
  const toServer = a.from === 'client';
  const colour = toServer ? CLIENT_COLOUR : SERVER_COLOUR;
  const texts = a.records.map(
    (r, i) =>
      `<text x="${(LEFT + RIGHT) / 2}" y="${y + LINE * (i + 1)}" text-anchor="middle" fill="${colour}">${esc(cut(r))}</text>`,
  );
  const ay = y + LINE * a.records.length + 6;
  const [x1, x2] = toServer ? [LEFT, RIGHT] : [RIGHT, LEFT];
  out.push(
    `<g class="arrow" data-time="${a.time.toFixed(6)}" data-from="${a.from}" data-datagram="${a.datagram}">`,
    `<text x="12" y="${ay + 4}" font-family="monospace">${a.time.toFixed(6)}</text>`,
    ...texts,
    `<line x1="${x1}" y1="${ay}" x2="${x2}" y2="${ay}" stroke="${colour}" stroke-width="1.5" marker-end="url(#${toServer ? 'to-server' : 'to-client'})"/>`,
    '</g>',
  );
  return ay + ARROW_GAP;
}
