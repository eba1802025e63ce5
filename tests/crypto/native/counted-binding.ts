/** The native binding with every function call's name recorded in `calls`: what a test counts addon calls with. */
import type { NativeBinding } from '../../../runtime/crypto/native/binding.js';

export function countedBinding(binding: NativeBinding, calls: string[]): NativeBinding {
  return new Proxy(binding, {
    get: (target, name, receiver): unknown => {
      const value: unknown = Reflect.get(target, name, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]): unknown => {
        calls.push(String(name));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}
