/**
 * The workers' SO_REUSEPORT group is this server's alone. A socket bound to
 * port 0 with SO_REUSEPORT already set may be given a port that another
 * reuseport group of the same user holds, and join it (Linux counts such a
 * port as free for it): two servers on port 0 then shared one port, each
 * answering some of the other's clients with sessions it did not have. The
 * group's first socket now binds alone and sets SO_REUSEPORT after
 * (native/src/udp-socket.h). Real sockets; the port-0 case in a network
 * namespace whose ephemeral range is two ports.
 */
import test from 'ava';
import { fileURLToPath } from 'node:url';
import { nativeBinding } from '../../../runtime/crypto/native/binding.js';
import { TestBed } from '../../support/netns.js';
import { ECHO_WORKER, exchange, id, workersServer } from './support.js';
import { listenWorkers } from '../../../runtime/workers.js';
import { connect } from '../../../runtime/index.js';

const native =
  process.platform === 'linux' &&
  typeof (nativeBinding as { reuseportBindFirst?: unknown } | undefined)?.reuseportBindFirst === 'function';

(native ? test : test.skip)(
  'servers on port 0 get ports of their own: where the kernel has two to give, a third is EADDRINUSE',
  async (t) => {
    const bed = new TestBed();
    t.teardown(() => bed.destroy());
    const ns = bed.namespace('port0');
    bed.exec(ns, 'sysctl', '-qw', 'net.ipv4.ip_local_port_range=40000 40001');
    const servers = fileURLToPath(new URL('./fixtures/port-zero-servers.ts', import.meta.url));
    const { code, stdout, stderr } = await bed.nodeOutput(ns, servers, []);
    t.is(code, 0, stderr);
    const { ports, third, reply } = JSON.parse(stdout) as { ports: number[]; third: string; reply: string };
    t.deepEqual([...ports].sort(), [40_000, 40_001], 'the second server did not join the first one\u2019s group');
    t.is(third, 'EADDRINUSE', 'the range is used up: the third joins neither group');
    t.regex(reply, /^[01]: hello$/, 'the first server answers its client');
  },
);

(native ? test : test.skip)('a port another server holds is EADDRINUSE, not a share of its datagrams', async (t) => {
  const first = workersServer(t);
  const { port } = await first.listening;
  const second = listenWorkers(ECHO_WORKER, { workers: 2, cert: id.cert, key: id.key, host: '127.0.0.1', port });
  t.teardown(() => second.close());
  await t.throwsAsync(second.listening, { code: 'EADDRINUSE' });
  // The first still has both its sockets and answers.
  const client = connect('127.0.0.1', port, { ca: id.ca, servername: 'localhost' });
  t.teardown(() => client.close());
  await client.opened;
  t.regex(await exchange(client, 'still here'), /^[01]: still here$/);
});
