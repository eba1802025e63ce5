import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './spec.js';

/** A throwaway project root holding a copy of spec/ (and optionally generated/), for tests that edit schemas. */
export class TempSpec {
  readonly root = mkdtempSync(join(tmpdir(), 'dtls13-spec-'));

  constructor(options: { withGenerated?: boolean } = {}) {
    cpSync(join(ROOT, 'spec'), join(this.root, 'spec'), { recursive: true });
    if (options.withGenerated) cpSync(join(ROOT, 'generated'), join(this.root, 'generated'), { recursive: true });
  }

  read(path: string): string {
    return readFileSync(join(this.root, path), 'utf8');
  }

  write(path: string, text: string): void {
    writeFileSync(join(this.root, path), text);
  }

  edit(path: string, from: string | RegExp, to: string | ((match: string) => string)): void {
    const before = this.read(path);
    const after = typeof to === 'string' ? before.replace(from, to) : before.replace(from, to);
    if (after === before) throw new Error(`edit of ${path} changed nothing`);
    this.write(path, after);
  }

  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
