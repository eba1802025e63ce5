// The cold-start bench's long-lived server (bench/cold.ts): a dtls13 server in its own process, warmed by a few
// handshakes of its own, so a fresh client process's first handshake is timed against a server that is not cold.
//   node server.mjs <dist/runtime/index.js> <identity.json> <port file>
// Writes its port to the port file once warm (whole, by rename); runs until stdin closes.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const [entry, identityFile, portFile] = process.argv.slice(2);
const identity = JSON.parse(readFileSync(identityFile, 'utf8'));
const bytes = (hex) => Uint8Array.from(Buffer.from(hex, 'hex'));
const dtls = await import(pathToFileURL(entry).href);
const endpoint = dtls.listen(() => {}, {
  host: '127.0.0.1',
  port: 0,
  cert: identity.chain.map(bytes),
  key: bytes(identity.privateKey),
});
const { port } = await endpoint.listening;
for (let i = 0; i < 20; i++) {
  const session = dtls.connect('127.0.0.1', port, { ca: bytes(identity.ca), servername: identity.serverName });
  await session.opened;
  await session.close();
}
writeFileSync(`${portFile}.tmp`, String(port));
renameSync(`${portFile}.tmp`, portFile);
process.stdin.resume();
process.stdin.on('end', () => {
  void endpoint.close().then(() => process.exit(0));
});
