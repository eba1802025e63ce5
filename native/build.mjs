// Builds the native record path (native/build/Release/dtls13_native.node) with node-gyp,
// against the running Node's headers and the OpenSSL inside it. Run by `npm ci` / `npm install`
// (the package's install script). It never fails the install: without a compiler, headers or
// node-gyp it says why and exits 0, and dtls13 uses the node:crypto and noble providers.
// DTLS13_NATIVE=0 skips the build.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

function nodeGyp() {
  const candidates = [];
  if (process.env.npm_config_node_gyp) candidates.push(process.env.npm_config_node_gyp);
  if (process.env.npm_execpath) candidates.push(join(dirname(process.env.npm_execpath), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  candidates.push(join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  return candidates.find((c) => existsSync(c));
}

function main() {
  if (process.env.DTLS13_NATIVE === '0') {
    console.log('dtls13: native record path not built (DTLS13_NATIVE=0)');
    return;
  }
  const gyp = nodeGyp();
  if (gyp === undefined) {
    console.warn('dtls13: node-gyp not found; the native record path is not built (node:crypto is used instead)');
    return;
  }
  const args = [gyp, 'rebuild'];
  // Outside npm (which passes its nodedir setting on), build against the running Node's own headers when it ships them.
  const prefix = join(dirname(process.execPath), '..');
  if (!process.env.npm_config_nodedir && existsSync(join(prefix, 'include', 'node', 'node_api.h'))) args.push(`--nodedir=${prefix}`);
  const run = spawnSync(process.execPath, args, { cwd: here, stdio: ['ignore', 'inherit', 'inherit'] });
  if (run.status === 0) console.log('dtls13: native record path built');
  else console.warn(`dtls13: building the native record path failed (${run.error?.message ?? `exit ${run.status}`}); node:crypto is used instead`);
}

try {
  main();
} catch (e) {
  console.warn(`dtls13: native build skipped: ${e instanceof Error ? e.message : String(e)}`);
}
