/**
 * An empty anti-replay store standing for the one that issued a test's tickets
 * (the process's store by default): tickets carry their store's generation
 * and take 0-RTT only under it (runtime/session/anti-replay.ts), so a test
 * that wants a store which has seen no binder yet, for tickets issued
 * earlier, gives it that store's generation.
 */
import { MemoryAntiReplay, processAntiReplay } from '../../runtime/session/anti-replay.js';

export function freshAntiReplay(of: MemoryAntiReplay = processAntiReplay()): MemoryAntiReplay {
  return Object.defineProperty(new MemoryAntiReplay(), 'generation', { value: of.generation });
}
