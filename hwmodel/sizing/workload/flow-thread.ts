/**
 * Starts a module of this folder on a worker thread: its built `.js` when
 * this copy is built, else its `.ts` under tsx (Node 20 does not pass tsx's
 * loader on to a worker thread, so the worker registers it). flow-pool.ts
 * starts its supervisor this way, and the supervisor its flow workers.
 */
import { existsSync } from 'node:fs';
import { Worker, type ResourceLimits, type TransferListItem } from 'node:worker_threads';

/** `name` (without extension, beside this file) on a new worker thread, given `workerData` and `transferList`. */
export function startThread(
  name: string,
  workerData: unknown,
  transferList: readonly TransferListItem[],
  resourceLimits?: ResourceLimits,
): Worker {
  const options = { workerData, transferList: [...transferList], ...(resourceLimits ? { resourceLimits } : {}) };
  const built = new URL(`./${name}.js`, import.meta.url);
  if (existsSync(built)) return new Worker(built, options);
  return new Worker(
    `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); ` +
      `return import(${JSON.stringify(new URL(`./${name}.ts`, import.meta.url).href)}); });`,
    { eval: true, ...options },
  );
}
