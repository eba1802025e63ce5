/**
 * Refills comments wrapped at the old ~80-column width to the Prettier printWidth (120), word for word: JSDoc blocks
 * (`/**` alone on its line, ` * ` lines, ` *\/`) and runs of whole-line `//` comments at one indent. Paragraphs
 * (split by empty lines) are refilled; list items (`- `, `* `, `1. `, `@tag`) keep their marker and hanging indent;
 * a paragraph holding a code fence, a table row, a tab, or indentation that is no list item's is left as it is; an
 * inline tag (`{@link X}`) is never split; a JSDoc block that then fits on one line becomes `/** text *\/`. Directive
 * comments (eslint, @ts-, prettier-ignore, c8, istanbul) are not touched.
 *
 * A file is written only when its code, printed without comments, is the same as before and its comments hold the
 * same words in the same order; else it is named and left alone.
 *
 *   npx tsx scripts/reflow-comments.ts <file.ts ...>
 */
import { readFileSync, writeFileSync } from 'node:fs';
import ts from 'typescript';

const WIDTH = 120;
const MARKER = /^(- |\* |\d+\. |\d+\) |@\w+ ?)/;
const DIRECTIVE = /eslint|@ts-|prettier-ignore|c8 |istanbul|@__PURE__|#__PURE__/;

/** Words, an inline tag `{@link X text}` kept as one. */
function words(text: string): string[] {
  const out: string[] = [];
  for (const w of text.split(/\s+/).filter(Boolean)) {
    const last = out.at(-1);
    if (last !== undefined && last.startsWith('{@') && !last.includes('}')) out[out.length - 1] = `${last} ${w}`;
    else out.push(w);
  }
  return out;
}

function fill(items: readonly string[], first: string, next: string, width: number): string[] {
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const w of items) {
    if (empty) line += w;
    else if (line.length + 1 + w.length <= width) line += ` ${w}`;
    else {
      lines.push(line);
      line = next + w;
    }
    empty = false;
  }
  lines.push(line);
  return lines;
}

/** One paragraph refilled, or undefined to keep it as it is. */
function paragraph(lines: readonly string[], width: number): string[] | undefined {
  if (lines.some((l) => l.includes('```') || l.trimStart().startsWith('|') || l.includes('\t'))) return undefined;
  const items: { marker: string; words: string[] }[] = [];
  for (const l of lines) {
    const m = MARKER.exec(l);
    const last = items.at(-1);
    if (m && !l.startsWith(' ')) {
      const marker = m[1]!.startsWith('@') && !m[1]!.endsWith(' ') ? `${m[1]!} ` : m[1]!;
      items.push({ marker, words: words(l.slice(m[0].length)) });
    } else if (l.startsWith(' ')) {
      if (last === undefined || last.marker === '') return undefined;
      if (l.length - l.trimStart().length !== last.marker.length) return undefined;
      last.words.push(...words(l));
    } else {
      if (last !== undefined && last.marker !== '') return undefined;
      if (last === undefined) items.push({ marker: '', words: words(l) });
      else last.words.push(...words(l));
    }
  }
  return items.flatMap((i) =>
    i.words.length === 0 ? [i.marker.trimEnd()] : fill(i.words, i.marker, ' '.repeat(i.marker.length), width),
  );
}

function refill(texts: readonly string[], width: number): string[] {
  const out: string[] = [];
  let current: string[] = [];
  const flush = (): void => {
    if (current.length > 0) out.push(...(paragraph(current, width) ?? current));
    current = [];
  };
  for (const t of texts) {
    if (t.trim() === '') {
      flush();
      out.push('');
    } else current.push(t);
  }
  flush();
  return out;
}

export function reflow(source: string): string {
  const lines = source.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length;) {
    const line = lines[i]!;
    const doc = /^(\s*)\/\*\*\s*$/.exec(line);
    if (doc) {
      const indent = doc[1]!;
      const body: string[] = [];
      let j = i + 1;
      for (; j < lines.length && lines[j] !== `${indent} */`; j++) {
        const l = lines[j]!;
        if (l === `${indent} *`) body.push('');
        else if (l.startsWith(`${indent} * `)) body.push(l.slice(indent.length + 3));
        else break;
      }
      if (j < lines.length && lines[j] === `${indent} */` && body.length > 0 && !body.some((b) => DIRECTIVE.test(b))) {
        const text = refill(body, WIDTH - indent.length - 3);
        const single = `${indent}/** ${text[0]} */`;
        if (text.length === 1 && single.length <= WIDTH && !text[0]!.startsWith('@example')) out.push(single);
        else out.push(line, ...text.map((t) => `${indent} *${t === '' ? '' : ` ${t}`}`), `${indent} */`);
        i = j + 1;
        continue;
      }
    }
    const slash = /^(\s*)\/\/ /.exec(line);
    if (slash && !DIRECTIVE.test(line)) {
      const indent = slash[1]!;
      const body: string[] = [];
      let j = i;
      for (; j < lines.length; j++) {
        const m = /^(\s*)\/\/(?: (.*))?$/.exec(lines[j]!);
        if (!m || m[1] !== indent || DIRECTIVE.test(lines[j]!)) break;
        body.push(m[2] ?? '');
      }
      if (body.length > 1)
        out.push(...refill(body, WIDTH - indent.length - 3).map((t) => `${indent}//${t === '' ? '' : ` ${t}`}`));
      else out.push(...lines.slice(i, j));
      i = j;
      continue;
    }
    out.push(line);
    i++;
  }
  return out.join('\n');
}

const printer = ts.createPrinter({ removeComments: true });
const code = (name: string, text: string): string =>
  printer.printFile(ts.createSourceFile(name, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS));

function commentWords(text: string): string {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, false, ts.LanguageVariant.Standard, text);
  const found: string[] = [];
  for (let k = scanner.scan(); k !== ts.SyntaxKind.EndOfFileToken; k = scanner.scan())
    if (k === ts.SyntaxKind.SingleLineCommentTrivia || k === ts.SyntaxKind.MultiLineCommentTrivia)
      found.push(
        ...scanner
          .getTokenText()
          .split(/[\s*/]+/)
          .filter(Boolean),
      );
  return found.join(' ');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const file of process.argv.slice(2)) {
    const before = readFileSync(file, 'utf8');
    const after = reflow(before);
    if (after === before) continue;
    if (code(file, before) !== code(file, after) || commentWords(before) !== commentWords(after)) {
      process.stderr.write(`${file}: left as it was (the refill would change code or words)\n`);
      continue;
    }
    writeFileSync(file, after);
  }
}
