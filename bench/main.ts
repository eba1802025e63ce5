import { benchHandshake } from './handshake.js';
import { benchNetwork } from './network.js';
import { benchRecord } from './record.js';
import { benchWire } from './wire.js';

/**
 * `npm run bench` (`npm run bench -- wire`, `-- record`, `-- handshake` or `-- network` for one part).
 * Every figure is printed next to a baseline measured in the same run.
 */
const only = process.argv[2];
if (only === undefined || only === 'wire') benchWire();
if (only === undefined || only === 'record') benchRecord();
if (only === undefined || only === 'handshake') benchHandshake();
if (only === undefined || only === 'network') await benchNetwork();
