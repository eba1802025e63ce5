/**
 * A DTLS 1.2 connection on its own, for tests of 1.2's internals (and the
 * 1.2 fuzz targets and `bench -- attacks`): the runtime's Connection12
 * bound to the 1.2 charts, its events kept in a queue of its own
 * (`pollEvent`, in 1.2's own shape). The library has no such path: a
 * DtlsConnection's 1.2 state makes its Connection12 and takes its events,
 * as they happen, into the one event queue both versions share.
 */
import { newConnectionCounters } from '../../runtime/connection/connection-api.js';
import { CHARTS12 } from '../../runtime/dtls/role-drivers.js';
import { resolveConfig12, type Config12, type Dtls12Options } from '../../runtime/dtls12/config12.js';
import { Connection12, type Event12Out, type Offer12 } from '../../runtime/dtls12/connection12.js';

export { Dtls12StateError, type Event12Out, type Offer12 } from '../../runtime/dtls12/connection12.js';

export class Dtls12Connection extends Connection12 {
  private readonly queue: Event12Out[];

  static client(options: Dtls12Options = {}): Dtls12Connection {
    return new Dtls12Connection(resolveConfig12('client', options));
  }

  static server(options: Dtls12Options): Dtls12Connection {
    return new Dtls12Connection(resolveConfig12('server', options));
  }

  /** A client that already sent `offer`, its ClientHello: it starts in waitServerHello (Connection12.fromSentOffer). */
  static clientFromOffer(config: Config12, offer: Offer12): Dtls12Connection {
    const c = new Dtls12Connection(config);
    c.fromSentOffer(offer);
    return c;
  }

  constructor(config: Config12) {
    const queue: Event12Out[] = [];
    super(config, CHARTS12, queue, newConnectionCounters());
    this.queue = queue;
  }

  /** The next event, in 1.2's own shape (a DtlsConnection reports them shaped as both versions do). */
  pollEvent(): Event12Out | undefined {
    return this.queue.shift();
  }
}
