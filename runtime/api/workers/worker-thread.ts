/** The file a worker thread of `listenWorkers` runs (from source; the package's is dist/runtime/worker-thread.js). */
import { runWorker } from './worker-main.js';

runWorker((specifier) => import(specifier));
