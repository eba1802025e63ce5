// The cold-start bench's fresh process (bench/cold.ts forks a new `node` for every run): imports the package as users
// get it (the dist build) and times its first handshakes, a server and a client in this process over loopback UDP.
//   node child.mjs <dist/runtime/index.js> <identity.json>
// Prints one JSON line: boot (ms from the process's time origin to this script's first line), import, listen, first and
// second handshake (openClientEndpoint to the handshake done), all in ms.
const boot = performance.now();
const [entry, identityFile] = process.argv.slice(2);
const { readFileSync } = await import('node:fs');
const { pathToFileURL } = await import('node:url');
const identity = JSON.parse(readFileSync(identityFile, 'utf8'));
const bytes = (hex) => Uint8Array.from(Buffer.from(hex, 'hex'));
const t0 = performance.now();
const dtls = await import(pathToFileURL(entry).href);
const t1 = performance.now();
const endpoint = dtls.listen(() => {}, { host: '127.0.0.1', port: 0, cert: identity.chain.map(bytes), key: bytes(identity.privateKey) });
const { port } = await endpoint.listening;
const t2 = performance.now();
const handshake = async () => {
  const start = performance.now();
  const session = dtls.connect('127.0.0.1', port, { ca: bytes(identity.ca), servername: identity.serverName });
  await session.opened;
  const ms = performance.now() - start;
  session.close();
  await session.closed;
  return ms;
};
const first = await handshake();
const second = await handshake();
await endpoint.close();
process.stdout.write(`${JSON.stringify({ boot, import: t1 - t0, listen: t2 - t1, first, second })}\n`);
