/** The fuzz targets by name. */
import type { FuzzTarget } from '../engine/target.js';
import { connectionTarget, type Scenario } from './connection/harness.js';
import { datagramTarget } from './datagram.js';
import { dtls12Target } from './dtls12.js';
import { dtls12HandshakeTarget } from './dtls12-handshake.js';
import { dtls12FirstDatagramTarget } from './dtls12-first-datagram.js';
import { dtls12RecordsTarget } from './dtls12-records.js';

/** The client in every state of its handshake chart it waits in, plus after a HelloRetryRequest and with a CertificateRequest. */
export const CLIENT_SCENARIOS: readonly Scenario[] = [
  { victim: 'client', variant: 'plain', state: 'waitServerHello' },
  { victim: 'client', variant: 'plain', state: 'waitEncryptedExtensions' },
  { victim: 'client', variant: 'plain', state: 'waitCertificateOrCertificateRequest' },
  { victim: 'client', variant: 'plain', state: 'waitCertificateVerify' },
  { victim: 'client', variant: 'plain', state: 'waitFinished' },
  { victim: 'client', variant: 'plain', state: 'connected' },
  { victim: 'client', variant: 'hrr', state: 'waitServerHello', afterDatagrams: 1 },
  { victim: 'client', variant: 'clientAuth', state: 'waitCertificate' },
  // Appended (the first input byte picks a scenario modulo their number): a PSK handshake, no certificates.
  { victim: 'client', variant: 'psk', state: 'waitEncryptedExtensions' },
  { victim: 'client', variant: 'psk', state: 'waitFinished' },
  // Appended: SNI, DTLS-SRTP, record_size_limit and signature_algorithms_cert in play (EncryptedExtensions' answers, limited records).
  { victim: 'client', variant: 'extensions', state: 'waitEncryptedExtensions' },
  { victim: 'client', variant: 'extensions', state: 'connected' },
  // Appended: connection IDs both ways with RRC (NewConnectionId, RequestConnectionId, return_routability_check records).
  { victim: 'client', variant: 'cid', state: 'waitServerHello' },
  { victim: 'client', variant: 'cid', state: 'connected' },
  // Appended: a client that resumed and sent 0-RTT early data, waiting for the server's answer to it.
  { victim: 'client', variant: 'zeroRtt', state: 'waitServerHello' },
  { victim: 'client', variant: 'zeroRtt', state: 'waitFinished' },
];

/** The server fresh, after a ClientHello (1-RTT, HelloRetryRequest, client authentication) and connected. */
export const SERVER_SCENARIOS: readonly Scenario[] = [
  { victim: 'server', variant: 'plain', state: 'waitClientHello' },
  { victim: 'server', variant: 'plain', state: 'waitClientFinished' },
  { victim: 'server', variant: 'hrr', state: 'waitSecondClientHello' },
  { victim: 'server', variant: 'clientAuth', state: 'waitClientCertificate' },
  { victim: 'server', variant: 'clientAuth', state: 'waitClientCertificateVerify' },
  { victim: 'server', variant: 'plain', state: 'connected' },
  // Appended: ClientHellos to a server that knows an external PSK and has ticket keys (binders, tickets), and its PSK handshake.
  { victim: 'server', variant: 'psk', state: 'waitClientHello' },
  { victim: 'server', variant: 'psk', state: 'waitClientFinished' },
  // Appended: a server selecting by server_name, with SRTP and record_size_limit, fresh and connected.
  { victim: 'server', variant: 'extensions', state: 'waitClientHello' },
  { victim: 'server', variant: 'extensions', state: 'connected' },
  // Appended: connection IDs, fresh and connected.
  { victim: 'server', variant: 'cid', state: 'waitClientHello' },
  { victim: 'server', variant: 'cid', state: 'connected' },
  // Appended: 0-RTT ClientHellos with a ticket issued to the client's address (early data taken, epoch 1 open while the
  // server waits for Finished), and from another address (early data refused and skipped).
  { victim: 'server', variant: 'zeroRtt', state: 'waitClientHello' },
  { victim: 'server', variant: 'zeroRtt', state: 'waitClientFinished' },
  { victim: 'server', variant: 'zeroRttElsewhere', state: 'waitClientHello' },
  { victim: 'server', variant: 'zeroRttElsewhere', state: 'waitClientFinished' },
];

export const TARGETS: Readonly<Record<string, () => FuzzTarget>> = {
  datagram: () => datagramTarget,
  client: () => connectionTarget('client', CLIENT_SCENARIOS),
  server: () => connectionTarget('server', SERVER_SCENARIOS),
  dtls12: () => dtls12Target,
  'dtls12-handshake': () => dtls12HandshakeTarget,
  'dtls12-records': () => dtls12RecordsTarget,
  'dtls12-first-datagram': () => dtls12FirstDatagramTarget,
};
