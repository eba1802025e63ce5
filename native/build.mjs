// Builds the native record path (native/build/Release/dtls13_native.node) with node-gyp,
// against the running Node's headers and the OpenSSL inside it. Run by `npm ci` / `npm install`
// (the package's install script). It never fails the install: without a compiler, make, Python,
// headers or node-gyp it says the addon was skipped, why, and what that costs, and exits 0;
// dtls13 then uses the node:crypto and noble providers. DTLS13_NATIVE=0 skips the build.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** What running without the addon costs (npm run bench -- record: native against node, 1,200-byte records, same run). */
const COST =
  'dtls13 works without it on node:crypto, at a cost: records are sealed and opened about 3-5 times slower, ' +
  'datagrams go out and come in one node:dgram call each (no sendmmsg, recvmmsg, UDP GSO or GRO batching), and `dtls13 simulate --calibrate` ' +
  "times on the process's CPU clock instead of the event loop thread's";
const RETRY =
  'to build it later: install a C and C++ compiler, make and Python 3 (Debian: apt-get install build-essential python3), then run node native/build.mjs in the package folder (node_modules/dtls13 in a project)';

function skipped(reason) {
  console.warn(`dtls13: native addon skipped: ${reason}.\ndtls13: ${COST}.\ndtls13: ${RETRY}.`);
}

function nodeGyp() {
  const candidates = [];
  if (process.env.npm_config_node_gyp) candidates.push(process.env.npm_config_node_gyp);
  if (process.env.npm_execpath)
    candidates.push(join(dirname(process.env.npm_execpath), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  candidates.push(
    join(
      dirname(process.execPath),
      '..',
      'lib',
      'node_modules',
      'npm',
      'node_modules',
      'node-gyp',
      'bin',
      'node-gyp.js',
    ),
  );
  return candidates.find((c) => existsSync(c));
}

/** The first of `names` that is a file in a PATH directory. */
function onPath(names) {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter((d) => d !== '');
  for (const name of names) if (dirs.some((d) => existsSync(join(d, name)))) return name;
  return undefined;
}

/** What node-gyp needs and this machine lacks, named; undefined when everything is there. */
function missingTools() {
  const compiler = process.env.CC ? process.env.CC.split(' ')[0] : undefined;
  const missing = [];
  if (
    compiler ? !existsSync(compiler) && onPath([compiler]) === undefined : onPath(['cc', 'gcc', 'clang']) === undefined
  ) {
    missing.push(compiler ? `C compiler CC=${compiler}` : 'C compiler (cc, gcc or clang)');
  }
  const cxx = process.env.CXX ? process.env.CXX.split(' ')[0] : undefined;
  if (cxx ? !existsSync(cxx) && onPath([cxx]) === undefined : onPath(['c++', 'g++', 'clang++']) === undefined) {
    missing.push(cxx ? `C++ compiler CXX=${cxx}` : 'C++ compiler (c++, g++ or clang++)');
  }
  if (onPath(['make', 'gmake']) === undefined) missing.push('make');
  if (!process.env.npm_config_python && !process.env.PYTHON && onPath(['python3', 'python']) === undefined)
    missing.push('Python 3');
  return missing.length === 0 ? undefined : `no ${missing.join(', no ')} on PATH`;
}

/**
 * Leaves only build/Release/dtls13_native.node: the object files, make's
 * dependency files and node-gyp's makefiles are half of what the build
 * writes (about 0.4 MB of an installed package), and `node-gyp rebuild`
 * makes them again.
 */
function prune() {
  const build = join(here, 'build');
  for (const name of readdirSync(build))
    if (name !== 'Release') rmSync(join(build, name), { recursive: true, force: true });
  const release = join(build, 'Release');
  for (const name of readdirSync(release))
    if (name !== 'dtls13_native.node') rmSync(join(release, name), { recursive: true, force: true });
}

function main() {
  if (process.env.DTLS13_NATIVE === '0') {
    console.log('dtls13: native addon not built (DTLS13_NATIVE=0)');
    return;
  }
  const gyp = nodeGyp();
  if (gyp === undefined) return skipped('node-gyp not found');
  const missing = process.platform === 'win32' ? undefined : missingTools();
  if (missing !== undefined) return skipped(missing);
  const args = [gyp, 'rebuild'];
  // Outside npm (which passes its nodedir setting on), build against the running Node's own headers when it ships them.
  const prefix = join(dirname(process.execPath), '..');
  if (!process.env.npm_config_nodedir && existsSync(join(prefix, 'include', 'node', 'node_api.h')))
    args.push(`--nodedir=${prefix}`);
  // node-gyp's own log is long: shown only when the build fails, its end, above the reason.
  const run = spawnSync(process.execPath, args, { cwd: here, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (run.status === 0) {
    prune();
    console.log('dtls13: native addon built (OpenSSL record path, batched UDP I/O with GSO and GRO)');
    return;
  }
  const log = `${run.stdout ?? ''}${run.stderr ?? ''}`.trim().split('\n').slice(-20).join('\n');
  if (log !== '') console.warn(log);
  skipped(`building it failed (${run.error?.message ?? `node-gyp exited ${run.status}`})`);
}

try {
  main();
} catch (e) {
  skipped(e instanceof Error ? e.message : String(e));
}
