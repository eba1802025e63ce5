import { DtlsConnection, type ConnectionOptions } from '../../runtime/connection/connection.js';
import type { NegotiatedParameters } from '../../runtime/shared/events.js';
import { HelloRetryResponder } from '../../runtime/dtls13/hello-retry-responder.js';
import type { KeyExchangeGroup } from '../../runtime/crypto/provider.js';
import type { Identity } from './pki-fixtures.js';
import { TEST_TIME } from './pki-fixtures.js';
import { isDtls12 } from '../../runtime/dtls12/negotiated.js';

/** One handshake shape: client authentication, a key-share HelloRetryRequest, a stateless cookie exchange. */
export interface Variant {
  readonly clientAuth: boolean;
  readonly hrr: boolean;
  readonly cookie: boolean;
}

export const VARIANTS: readonly Variant[] = [false, true].flatMap((clientAuth) =>
  [false, true].flatMap((hrr) => [false, true].map((cookie) => ({ clientAuth, hrr, cookie }))),
);

/**
 * Runs one handshake of `variant` with `base` options on both sides and
 * exchanges a message each way; returns what the client negotiated, or the
 * failure. A key-share HelloRetryRequest comes from the client offering a
 * share for a group the server does not take first.
 */
export function runVariant(
  variant: Variant,
  ids: { server: Identity; client: Identity },
  base: ConnectionOptions & { groups: readonly KeyExchangeGroup[] },
): { parameters?: NegotiatedParameters; echoed: boolean; failure?: string } {
  const group = base.groups[0]!;
  const decoy: KeyExchangeGroup = group === 'x25519' ? 'secp256r1' : 'x25519';
  const serverOptions: ConnectionOptions = {
    ...base,
    // The server also accepts the client certificate's own scheme (ECDSA P-256 or Ed25519) for client authentication.
    ...(variant.clientAuth
      ? { signatureAlgorithms: [...(base.signatureAlgorithms ?? []), ...clientSchemes(base)] }
      : {}),
    certificate: { chain: ids.server.chain, privateKey: ids.server.privateKey },
    wallClock: () => TEST_TIME,
    ...(variant.clientAuth ? { clientAuthentication: 'required' as const, trustAnchors: [ids.client.caDer] } : {}),
  };
  const client = DtlsConnection.client({
    ...base,
    groups: variant.hrr ? [decoy, group] : [group],
    trustAnchors: [ids.server.caDer],
    serverName: 'server.test',
    wallClock: () => TEST_TIME,
    ...(variant.clientAuth ? { certificate: { chain: ids.client.chain, privateKey: ids.client.privateKey } } : {}),
  });
  const responder = variant.cookie ? new HelloRetryResponder(serverOptions) : undefined;
  // No cookie exchange here stands for a server whose peer is known (the in-memory link): no anti-amplification limit.
  let server = variant.cookie ? undefined : DtlsConnection.server({ ...serverOptions, amplificationLimit: false });
  const toServer = (d: Uint8Array, now: number): void => {
    if (server) return server.receive(d, now);
    const r = responder!.handle(d, 'peer', now);
    if (r.kind === 'reply') client.receive(r.datagram, now);
    else if (r.kind === 'accept') {
      server = DtlsConnection.server({ ...serverOptions, statelessRetry: r.retry });
      server.receive(d, now);
    }
  };
  const pump = (now: number): void => {
    for (let round = 0; round < 10; round++) {
      for (let d = client.pollTransmit(); d; d = client.pollTransmit()) toServer(d, now);
      if (server) for (let d = server.pollTransmit(); d; d = server.pollTransmit()) client.receive(d, now);
    }
  };
  client.connect(0);
  pump(0);
  let parameters: NegotiatedParameters | undefined;
  for (let e = client.pollEvent(); e; e = client.pollEvent())
    if (e.type === 'handshakeComplete' && !isDtls12(e.parameters)) parameters = e.parameters;
  if (!parameters || !server || server.state !== 'connected') {
    return {
      echoed: false,
      failure: client.failure?.message ?? server?.failure?.message ?? `${client.state}/${server?.state ?? 'no server'}`,
    };
  }
  client.send(Uint8Array.of(1));
  server.send(Uint8Array.of(2));
  pump(1);
  const got = (c: DtlsConnection, want: number): boolean => {
    for (let e = c.pollEvent(); e; e = c.pollEvent()) if (e.type === 'data' && e.data[0] === want) return true;
    return false;
  };
  return { parameters, echoed: got(server, 1) && got(client, 2) };
}

function clientSchemes(base: ConnectionOptions): ('ecdsa_secp256r1_sha256' | 'ed25519')[] {
  const own = base.provider?.name === 'noble' ? 'ed25519' : 'ecdsa_secp256r1_sha256';
  return base.signatureAlgorithms?.includes(own) ? [] : [own];
}
