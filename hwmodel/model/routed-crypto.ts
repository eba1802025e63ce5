import type { ConnectionOptions } from '../../runtime/connection/connection.js';
import type { CryptoOpKind, CryptoOpSink } from './crypto-ops.js';
import type { Uint32Source } from './seeded-provider.js';

/**
 * Where a shared provider's randomness and operation log go: to the
 * connection being called, set by {@link CryptoRoute.enter} before each
 * call into it. The model is single-threaded and every call into a
 * connection is synchronous, so the route cannot change under a call.
 */
export class CryptoRoute implements Uint32Source, CryptoOpSink {
  #random: Uint32Source | undefined;
  #sink: CryptoOpSink | undefined;

  /** Routes to one connection: its seeded stream and its operation log (none: operations are not logged). */
  enter(random: Uint32Source, sink: CryptoOpSink | undefined): void {
    this.#random = random;
    this.#sink = sink;
  }

  nextUint32(): number {
    if (this.#random === undefined)
      throw new Error('a routed crypto provider drew randomness outside a connection call (no route entered)');
    return this.#random.nextUint32();
  }

  op(kind: CryptoOpKind, algorithm: string, bytes: number, ms: number): void {
    this.#sink?.op(kind, algorithm, bytes, ms);
  }
}

/** Sets the route to one connection; call it before every call into that connection. */
export type EnterConnection = () => void;

/**
 * The connections of one side of a workload built from one options object
 * with one provider, as an application builds them: the runtime checks a
 * certificate option and imports the private key once per options object
 * and provider (runtime/pki/check-identity-options.ts,
 * runtime/shared/option-cache.ts). A provider per connection (each
 * needs its own seeded stream and operation log) paid that configuration
 * check on every server connection, about 0.7 ms, a quarter of a
 * 10,000-connection run, which a real server pays once. Each connection
 * still draws from its own stream and logs to its own log, through the route.
 */
export class SideConnections {
  readonly options: ConnectionOptions;
  readonly #route: CryptoRoute;
  readonly #random: (index: number) => Uint32Source;

  constructor(options: (route: CryptoRoute) => ConnectionOptions, random: (index: number) => Uint32Source) {
    this.#route = new CryptoRoute();
    this.options = options(this.#route);
    this.#random = random;
  }

  /** The route to connection `index` (its stream starts fresh here), logging to `sink`. */
  enterer(index: number, sink?: CryptoOpSink): EnterConnection {
    const random = this.#random(index);
    const route = this.#route;
    return () => route.enter(random, sink);
  }
}
