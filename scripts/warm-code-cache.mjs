// The build's last step (scripts/bundle-entry.ts): a fresh `node` that imports the package's entry and makes one
// DTLS 1.3 handshake over loopback UDP with itself, so the code cache written as it exits (runtime/load-bundle.ts)
// holds the bytecode of a handshake, not only of the import. Prints what became of the cache.
//   node scripts/warm-code-cache.mjs <dist/runtime/index.js>
import { subscribe } from 'node:diagnostics_channel';
import { pathToFileURL } from 'node:url';

let bundle;
subscribe('dtls13:load', (message) => {
  if (message.part === 'bundle') bundle = message;
});
const dtls = await import(pathToFileURL(process.argv[2]).href);
const id = dtls.createThrowawayIdentity({ serverName: 'localhost', caName: 'code cache CA' });
const endpoint = dtls.listen(() => {}, { host: '127.0.0.1', port: 0, cert: [...id.chain], key: id.privateKey });
const { port } = await endpoint.listening;
const session = dtls.connect('127.0.0.1', port, { ca: id.caDer, servername: 'localhost' });
await session.opened;
await session.close();
await endpoint.close();
process.stdout.write(
  bundle === undefined
    ? 'no code cache: the entry did not say how it loaded'
    : bundle.codeCache === 'off'
      ? 'code cache off (DTLS13_COMPILE_CACHE)'
      : `code cache ${bundle.codeCache === 'accepted' ? 'already in' : 'written to'} ${bundle.cacheFile}`,
);
