/**
 * A sans-I/O DTLS 1.2 connection on its own (runtime/dtls12/connection12.ts)
 * with the 1.2 charts' generated machines bound (role-drivers.ts): what
 * DtlsConnection's 1.2 state holds, and what tests of 1.2's internals make.
 */
import { resolveConfig12, type Config12, type Dtls12Options } from '../dtls12/config12.js';
import { Connection12, type Offer12 } from '../dtls12/connection12.js';
import { CHARTS12 } from './role-drivers.js';
import type { ConnectionCounters } from '../connection/connection-api.js';

export { Dtls12StateError, type Event12Out, type Offer12 } from '../dtls12/connection12.js';

export class Dtls12Connection extends Connection12 {
  static client(options: Dtls12Options = {}): Dtls12Connection {
    return new Dtls12Connection(resolveConfig12('client', options));
  }

  static server(options: Dtls12Options): Dtls12Connection {
    return new Dtls12Connection(resolveConfig12('server', options));
  }

  /** A client that already sent `offer`, its ClientHello (a 1.3 client's offer that also offered 1.2): it starts in waitServerHello (Connection12.fromSentOffer). */
  static clientFromOffer(config: Config12, offer: Offer12, counts?: ConnectionCounters): Dtls12Connection {
    const c = new Dtls12Connection(config, counts);
    c.fromSentOffer(offer);
    return c;
  }

  /** `counts`: the counters it moves (its DtlsConnection's; its own when omitted). */
  constructor(config: Config12, counts?: ConnectionCounters) {
    super(config, CHARTS12, counts);
  }
}
