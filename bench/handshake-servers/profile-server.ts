import { fork } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { envInt } from '../scale-out.js';
import { cHandshakes, findCClient } from '../scale-out/c-client.js';
import { identityFiles, wolfClient12 } from './servers.js';

/**
 * One dtls13 server of `bench -- handshake-servers` (dtls13-server.ts, the same flags) under the same C client, alone,
 * to profile it: prints the server's process id once it listens (for `perf record -g -p`), then its CPU per handshake
 * over `DTLS13_HS_PROFILE_WINDOWS` windows (default 1) of `DTLS13_HS_PROFILE_MS` (default 8000) after a 2 s warm-up.
 * `DTLS13_HS_PROFILE_NODE_FLAGS` go to the server's node (`--perf-basic-prof`, `--cpu-prof`, ...).
 *
 *   npx tsx bench/handshake-servers/profile-server.ts [--dtls12] [--no-cookies]
 */
const flags = process.argv.slice(2);
const ms = envInt('DTLS13_HS_PROFILE_MS', 8000);
const windows = envInt('DTLS13_HS_PROFILE_WINDOWS', 1);
const nodeFlags = (process.env.DTLS13_HS_PROFILE_NODE_FLAGS ?? '').split(' ').filter((f) => f !== '');
const say = (line: string): void => console.log(`profile-server: ${line}`);
const built = findCClient(say);
if (built === undefined) throw new Error('no C client (wolfSSL could not be built)');
const client = flags.includes('--dtls12') ? wolfClient12(built.build, say) : built;
if (client === undefined) throw new Error('no DTLS 1.2 C client');
const { dir, files } = identityFiles('profile-server CA');
const server = fork(fileURLToPath(new URL('./dtls13-server.ts', import.meta.url)), [files.chain, files.key, ...flags], {
  stdio: ['pipe', 'pipe', 'inherit', 'ipc'],
  execArgv: [...process.execArgv, ...nodeFlags],
});
const waiting: ((line: string) => void)[] = [];
// Only the server's own lines are answers; anything a node flag prints (--trace-deopt, ...) is passed on.
createInterface({ input: server.stdout! }).on('line', (line) =>
  /^(listening|handshakes=)/.test(line) ? waiting.shift()?.(line) : console.log(line),
);
const next = (): Promise<string> => new Promise((resolve) => waiting.push(resolve));
const counts = async (): Promise<{ handshakes: number; cpuUs: number }> => {
  const answer = next();
  server.stdin!.write('counts\n');
  const m = /^handshakes=(\d+) .* cpu=(\d+)$/.exec(await answer);
  if (m === null) throw new Error('the server answered no counts');
  return { handshakes: Number(m[1]), cpuUs: Number(m[2]) };
};
const port = Number(/port=(\d+)/.exec(await next())?.[1]);
say(`server pid ${server.pid} on port ${port}`);
await cHandshakes(client, port, files.ca, 'localhost', 4, 2000);
for (let w = 0; w < windows; w++) {
  const before = await counts();
  await cHandshakes(client, port, files.ca, 'localhost', 4, ms);
  const after = await counts();
  const handshakes = after.handshakes - before.handshakes;
  say(
    `window ${w + 1}: ${handshakes} handshakes, server CPU ${((after.cpuUs - before.cpuUs) / 1000 / handshakes).toFixed(3)} ms per handshake`,
  );
}
server.stdin!.end();
await new Promise((resolve) => server.once('exit', resolve));
rmSync(dir, { recursive: true, force: true });
