/**
 * The DTLS 1.2 version state as DtlsConnection (connection.ts) makes it: on its common state, bound to the 1.2 charts,
 * with its inspector; a client's taking up from the ClientHello its 1.3 state already sent, a server's configuration
 * with this peer's cookie binding and key.
 */
import type { Config12 } from '../dtls12/config.js';
import { Connection12, type SentOffer12 } from '../dtls12/connection.js';
import type { VersionStats } from '../shared/connection-api.js';
import type { CommonState } from './common-state.js';
import type { DtlsOptions } from './options.js';
import { CHARTS12 } from './role-drivers.js';

/** What a server's hello phase counted before its first ClientHello: drops and records set aside, by reason. */
type CountedBefore = Pick<VersionStats, 'drops' | 'ignored'>;

/**
 * The 1.2 state on `config` (its connection bound to the 1.2 charts, counting in the common counters, its events into
 * the common queue), with the connection's inspector; a client that already sent `offer` takes up from it; a server's
 * counts on from what its hello phase counted `before`.
 */
export function state12(
  o: DtlsOptions,
  config: Config12,
  common: CommonState,
  offer?: SentOffer12,
  before?: CountedBefore,
): Connection12 {
  const connection = new Connection12(config, CHARTS12, common, before);
  if (offer !== undefined) connection.fromSentOffer(offer);
  const inspect = o.inspect;
  if (inspect !== undefined) connection.inspect((event) => inspect.call(o, event)); // the 1.2 chart's actor from here on
  return connection;
}

/**
 * A server's 1.2 configuration: the shared one with this peer's cookie binding and key, and `helloVerify` where the
 * connection's own differs (a cookieless server's connection started on a ClientHello whose cookie it checked).
 */
export function server12(o: DtlsOptions, config: Config12): Config12 {
  const { peer, cookieSecret, helloVerify } = o;
  return {
    ...config,
    ...(peer !== undefined ? { peer } : {}),
    ...(cookieSecret !== undefined ? { cookieSecret } : {}),
    ...(helloVerify !== undefined ? { helloVerify } : {}),
  };
}

/**
 * A server's 1.2 state, taking the first ClientHello decoded where its version was chosen (`known`) as decoded, and
 * what its hello phase dropped and set aside `before` it.
 */
export function serverState12(
  options: DtlsOptions,
  config12: Config12,
  common: CommonState,
  known = options.clientHello12,
  before?: CountedBefore,
): Connection12 {
  const state = state12(options, server12(options, config12), common, undefined, before);
  if (known !== undefined) state.expectClientHello(known);
  return state;
}
