/**
 * The sections of the docs that state a figure and name no source
 * (tests/docs/figures.test.ts): a number with a unit of time, size, rate or
 * ratio, in a section naming no bench, test file or date.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** A number with a unit of time, size, rate or ratio, as the docs write measurements. */
const FIGURE =
  /(?<![\w.-])\d[\d,]*(?:\.\d+)?\s?(?:MB\/s|Gbit\/s|Mbit\/s|MB|kB|KB|KiB|MiB|GB|GiB|ms|µs|us|ns|s\b|seconds|minutes|×|x\b|%|records\/s|handshakes\/s)/;
/** What names a figure's source: a bench, a test file, or a run's date. */
const SOURCE = /npm run bench|bench\/|tests\/[\w/.-]+|\d{4}-\d{2}-\d{2}|\.test\.ts/;

export function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? markdownFiles(join(dir, e.name)) : e.name.endsWith('.md') ? [join(dir, e.name)] : [],
  );
}

/**
 * The sections of a Markdown file (from a heading to the next), code blocks
 * left out, that state a figure and name no source anywhere in the section:
 * a bench's table under a heading that names the bench is tied.
 */
export function untiedSections(markdown: string): string[] {
  const prose = markdown.replace(/^```.*?^```/gms, '');
  return prose.split(/^(?=#{1,6} )/m).filter((section) => FIGURE.test(section) && !SOURCE.test(section));
}
