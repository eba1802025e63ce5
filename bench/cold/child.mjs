// The cold-start bench's fresh process (bench/cold.ts forks a new `node` for every run): imports the package as users
// get it (the dist build) and times its first handshakes, a server and a client in this process over loopback UDP.
//   node child.mjs <dist/runtime/index.js> <identity.json> [port]
// With a port, the process is a client only: no listen (listen: 0), its handshakes with the server at that port
// (bench/cold/server.mjs, in another process).
// Prints one JSON line: boot (ms from the process's time origin to this script's first line), import, listen, first and
// second handshake (openClientEndpoint to the handshake done; DTLS 1.2 when DTLS13_COLD_MAX_VERSION=DTLSv1.2; warmUp() in the listen phase
// when DTLS13_COLD_WARM_UP=1), all in ms of wall time, the same phases' CPU time of the
// process (cpu: user + system, ms; less moved by other processes on a loaded machine than wall time), and what became
// of the entry's code cache (codeCache: runtime/load-bundle.ts's outcome; absent for an entry without one).
const boot = performance.now();
const [entry, identityFile, serverPort] = process.argv.slice(2);
const { subscribe } = await import('node:diagnostics_channel');
const { readFileSync } = await import('node:fs');
const { pathToFileURL } = await import('node:url');
let codeCache;
const loaded = [];
subscribe('dtls13:load', (message) => {
  if (message.part === 'bundle') codeCache = message.codeCache;
  else loaded.push(message.part);
});
const identity = JSON.parse(readFileSync(identityFile, 'utf8'));
const bytes = (hex) => Uint8Array.from(Buffer.from(hex, 'hex'));
let c0 = process.cpuUsage();
const cpu = () => {
  const c = process.cpuUsage(c0);
  c0 = process.cpuUsage();
  return (c.user + c.system) / 1000;
};
const t0 = performance.now();
const dtls = await import(pathToFileURL(entry).href);
const t1 = performance.now();
const cpuImport = cpu();
const endpoint =
  serverPort === undefined
    ? dtls.listen(() => {}, {
        host: '127.0.0.1',
        port: 0,
        cert: identity.chain.map(bytes),
        key: bytes(identity.privateKey),
      })
    : undefined;
const port = endpoint === undefined ? Number(serverPort) : (await endpoint.listening).port;
// DTLS13_COLD_WARM_UP=1: warmUp() (one handshake in memory) in the listen phase, before the first real handshake.
if (process.env.DTLS13_COLD_WARM_UP === '1') await dtls.warmUp();
const t2 = performance.now();
const cpuListen = cpu();
const maxVersion = process.env.DTLS13_COLD_MAX_VERSION ? { maxVersion: process.env.DTLS13_COLD_MAX_VERSION } : {};
const handshake = async () => {
  cpu();
  const start = performance.now();
  const session = dtls.connect('127.0.0.1', port, {
    ca: bytes(identity.ca),
    servername: identity.serverName,
    ...maxVersion,
  });
  await session.opened;
  const ms = performance.now() - start;
  const used = cpu();
  session.close();
  await session.closed;
  return [ms, used];
};
const [first, cpuFirst] = await handshake();
const [second, cpuSecond] = await handshake();
await endpoint?.close();
process.stdout.write(
  `${JSON.stringify({ boot, import: t1 - t0, listen: t2 - t1, first, second, cpu: { import: cpuImport, listen: cpuListen, first: cpuFirst, second: cpuSecond }, codeCache, loaded })}\n`,
);
