/**
 * Simulated time as the timing models use it: `SimTime` (integer
 * picoseconds) and the unit constants, from the kernel
 * (hwmodel/DESIGN.md, "Time"); `checkTime` is the kernel's too.
 */
export { MS, NS, PS, SEC, US } from '../kernel/time.js';
export type { SimTime } from '../kernel/time.js';
export { checkTime } from '../kernel/time.js';
