// The build's last step (scripts/bundle-entry.ts): a fresh `node` that imports the package's entry and, over loopback
// UDP with itself, makes a DTLS 1.3 handshake and then a DTLS 1.2 one (maxVersion), each followed by one message
// echoed, so the code cache written as it exits (runtime/load-bundle.ts) holds the bytecode of both versions'
// handshakes and record paths, not only of the import: a 1.2 path left out was compiled lazily by a user's first 1.2
// handshake (about twice the second's CPU). Prints what became of the cache.
//   node scripts/warm-code-cache.mjs <dist/runtime/index.js>
import { subscribe } from 'node:diagnostics_channel';
import { pathToFileURL } from 'node:url';

let bundle;
subscribe('dtls13:load', (message) => {
  if (message.part === 'bundle') bundle = message;
});
const dtls = await import(pathToFileURL(process.argv[2]).href);
// warmUp()'s own code too (the handshakes below would run warm after it, which the cache does not mind).
await dtls.warmUp();
const id = dtls.createThrowawayIdentity({ serverName: 'localhost', caName: 'code cache CA' });
const endpoint = dtls.listen((s) => (s.onmessage = (m) => s.send(m)), {
  host: '127.0.0.1',
  port: 0,
  cert: [...id.chain],
  key: id.privateKey,
});
const { port } = await endpoint.listening;
for (const version of [{}, { maxVersion: 'DTLSv1.2' }]) {
  const session = dtls.connect('127.0.0.1', port, { ca: id.caDer, servername: 'localhost', ...version });
  await session.opened;
  const echoed = new Promise((resolve) => (session.onmessage = resolve));
  session.send('code cache');
  await echoed;
  await session.close();
}
await endpoint.close();
process.stdout.write(
  bundle === undefined
    ? 'no code cache: the entry did not say how it loaded'
    : bundle.codeCache === 'off'
      ? 'code cache off (DTLS13_COMPILE_CACHE)'
      : `code cache ${bundle.codeCache === 'accepted' ? 'already in' : 'written to'} ${bundle.cacheFile}`,
);
