/**
 * The client of the network-namespace migration test, run inside the
 * client's namespace: `node --import=tsx client.ts HOST PORT CA_FILE`.
 * Commands on stdin, one per line: `send TEXT` (prints `reply TEXT`),
 * `move ADDRESS` (rebinds to ADDRESS, prints `moved ADDRESS:PORT`),
 * `quit`. Every datagram it sends is printed as `sent HEX` on stderr: the
 * test's capture of the path.
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { connect } from '../../../runtime/index.js';

const [host, port, caFile] = process.argv.slice(2);
if (!host || !port || !caFile) throw new Error('usage: client.ts HOST PORT CA_FILE');
const session = connect(host, Number(port), {
  ca: readFileSync(caFile),
  servername: 'localhost',
  cid: 4,
  onDatagram: (direction, datagram) => {
    if (direction === 'sent') process.stderr.write(`sent ${Buffer.from(datagram).toString('hex')}\n`);
  },
});
session.onmessage = (data) => process.stdout.write(`reply ${data.toString()}\n`);
session.onerror = (e) => process.stdout.write(`error ${e.message}\n`);
await session.opened;
process.stdout.write('opened\n');
for await (const line of createInterface({ input: process.stdin })) {
  const [command, ...rest] = line.split(' ');
  const arg = rest.join(' ');
  if (command === 'send') session.send(arg);
  else if (command === 'move') {
    const a = await session.rebind(arg);
    process.stdout.write(`moved ${a.address}:${a.port}\n`);
  } else if (command === 'quit') break;
}
await session.close();
process.exit(0);
