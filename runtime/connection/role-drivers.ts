/**
 * The handshake charts of both versions bound to their generated machines: every `dtls<version><Role>Step` the
 * connection runs is imported here, and only here, and each is driven by the one `Machine` (runtime/machine/machine.ts)
 * through its version's driver (runtime/dtls13/role-driver.ts for 1.3, runtime/dtls12/machine.ts for 1.2).
 * runtime/connection sits above both versions' folders, so it is the one place that may see both.
 */
import { dtls12ClientStep, dtls12ClientTakes } from '../../generated/charts/dtls12-client-transitions.js';
import { dtls12ServerStep, dtls12ServerTakes } from '../../generated/charts/dtls12-server-transitions.js';
import { dtls13ClientStep, dtls13ClientTakes } from '../../generated/charts/dtls13-client-transitions.js';
import { dtls13ServerStep, dtls13ServerTakes } from '../../generated/charts/dtls13-server-transitions.js';
import type { Charts13 } from '../dtls13/role-driver.js';
import type { Charts12 } from '../dtls12/machine.js';

/** DTLS 1.3 (RFC 9147): the dtls13-client and dtls13-server charts. */
export const CHARTS13: Charts13 = {
  client: { step: dtls13ClientStep, takes: dtls13ClientTakes },
  server: { step: dtls13ServerStep, takes: dtls13ServerTakes },
};

/** DTLS 1.2 (RFC 6347): the dtls12-client and dtls12-server charts. */
export const CHARTS12: Charts12 = {
  client: { step: dtls12ClientStep, takes: dtls12ClientTakes },
  server: { step: dtls12ServerStep, takes: dtls12ServerTakes },
};
