/**
 * `npm run bench -- package-size`: what `npm install dtls13` costs a user.
 * Builds, packs the package, installs the tarball into an empty project
 * with production dependencies only, and prints the tarball's and the
 * installed size, the package count and files, whether the tarball ships source
 * maps, whether `import('dtls13')` works there, and how long
 * `dtls13 --help` takes (median of 7, against a bare `node -e 0` measured in
 * alternating rounds). Target: ≤ 5 MB installed, --help ≤ 300 ms.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');

function npm(args: readonly string[], cwd: string): string {
  return execFileSync('npm', [...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Bytes and count of every file under `dir`. */
function treeSize(dir: string): { bytes: number; files: number } {
  const total = { bytes: 0, files: 0 };
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      const sub = treeSize(p);
      total.bytes += sub.bytes;
      total.files += sub.files;
    } else if (e.isFile()) {
      total.bytes += statSync(p).size;
      total.files++;
    }
  }
  return total;
}

/** Installed packages: node_modules/NAME and node_modules/@scope/NAME, nested ones included. */
function packages(nodeModules: string): string[] {
  const out: string[] = [];
  if (!existsSync(nodeModules)) return out;
  for (const e of readdirSync(nodeModules, { withFileTypes: true })) {
    if (!e.isDirectory() || e.name.startsWith('.')) continue;
    const p = join(nodeModules, e.name);
    const names = e.name.startsWith('@') ? readdirSync(p).map((n) => `${e.name}/${n}`) : [e.name];
    for (const n of names) {
      out.push(n);
      out.push(...packages(join(nodeModules, n, 'node_modules')));
    }
  }
  return out;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function timed(cmd: string, args: readonly string[], cwd: string): number {
  const t0 = performance.now();
  const r = spawnSync(cmd, [...args], { cwd, stdio: 'ignore' });
  if (r.status !== 0 && r.status !== 2) throw new Error(`${cmd} ${args.join(' ')} exited ${String(r.status)}`);
  return performance.now() - t0;
}

export async function benchPackageSize(log: (line: string) => void): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'dtls13-pack-'));
  try {
    log('package-size: npm run build, npm pack, npm install --omit=dev into an empty project');
    npm(['run', 'build'], ROOT);
    const packed = JSON.parse(npm(['pack', '--json', '--ignore-scripts', '--pack-destination', work], ROOT)) as {
      filename: string;
      size: number;
      unpackedSize: number;
      entryCount: number;
      files: { path: string }[];
    }[];
    const tarball = packed[0]!;
    const maps = tarball.files.filter((f) => f.path.endsWith('.map'));
    const app = join(work, 'app');
    execFileSync('mkdir', [app]);
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({ name: 'size-probe', version: '1.0.0', private: true, type: 'module' }),
    );
    npm(['install', '--omit=dev', '--no-audit', '--no-fund', join(work, tarball.filename)], app);
    const installed = packages(join(app, 'node_modules'));
    const { bytes, files } = treeSize(join(app, 'node_modules'));
    const imported = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', "const m = await import('dtls13'); console.log(typeof m.connect);"],
      {
        cwd: app,
        encoding: 'utf8',
      },
    );
    const bin = join(app, 'node_modules', '.bin', 'dtls13');
    const help: number[] = [];
    const bare: number[] = [];
    for (let i = 0; i < 7; i++) {
      bare.push(timed(process.execPath, ['-e', '0'], app));
      help.push(timed(bin, ['--help'], app));
    }
    const mb = (n: number): string => `${(n / 1e6).toFixed(2)} MB`;
    log(
      `tarball:        ${mb(tarball.size)} packed, ${mb(tarball.unpackedSize)} unpacked, ${tarball.entryCount} files, ${maps.length} source maps`,
    );
    log(`installed:      ${mb(bytes)} in node_modules, ${installed.length} packages, ${files} files (target ≤ 5 MB)`);
    log(`packages:       ${installed.sort().join(', ')}`);
    log(
      `import('dtls13'): ${imported.status === 0 && imported.stdout.trim() === 'function' ? 'loads (connect is a function)' : `FAILS: ${imported.stderr.trim().split('\n')[0] ?? ''}`}`,
    );
    log(
      `dtls13 --help: ${median(help).toFixed(0)} ms median of 7 (node -e 0: ${median(bare).toFixed(0)} ms; ratio ${(median(help) / median(bare)).toFixed(2)}) (target ≤ 300 ms)`,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchPackageSize(console.log);
