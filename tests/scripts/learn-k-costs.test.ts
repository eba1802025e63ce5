import test from 'ava';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { kCostTables } from '../../scripts/learn-k-costs.js';

/**
 * docs/learn.md's "What k costs, and what k = 1 covers": its two tables are what scripts/learn-k-costs.ts prints,
 * the stored models of docs/learn/ learned again in process (about 10 s, k = 2 included). A model replaced, the
 * learner or its oracle changed, or a figure edited by hand, and the tables differ.
 */

const DOC = fileURLToPath(new URL('../../docs/learn.md', import.meta.url));

/** The tables of the section, each line without its list indent, a blank line between tables. */
function docTables(text: string): string {
  const start = text.indexOf('- **What k costs, and what k = 1 covers.**');
  const end = text.indexOf('\n- **', start + 1);
  if (start < 0 || end < 0) throw new Error("docs/learn.md has no 'What k costs' item");
  const tables: string[][] = [];
  let current: string[] | undefined;
  for (const line of text.slice(start, end).split('\n')) {
    const row = line.trim();
    if (row.startsWith('|')) (current ??= (tables.push([]), tables[tables.length - 1]!)).push(row);
    else current = undefined;
  }
  return `${tables.map((t) => t.join('\n')).join('\n\n')}\n`;
}

test("the docs' k-cost tables are what scripts/learn-k-costs.ts prints", async (t) => {
  const doc = docTables(readFileSync(DOC, 'utf8'));
  t.is(doc.split('\n\n').length, 2, 'two tables');
  t.is(doc, await kCostTables());
});
