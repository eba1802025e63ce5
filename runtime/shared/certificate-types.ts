/**
 * The certificate types of a handshake (RFC 7250 §4), in DTLS 1.2 and 1.3. A client with X.509 alone offers neither
 * extension (§4.1). The server takes the first type it can do: none for its own is unsupported_certificate; none for
 * the client's leaves X.509. An end that checks raw keys takes nothing else (peer-authentication.ts).
 */
import type { CertificateType } from '../../generated/wire/enums.js';
import type { ClientHello, ClientHelloExtension } from '../../generated/wire/client-hello.js';
import { findExtension } from '../handshake/extensions.js';
import { ProtocolError } from '../handshake/protocol-error.js';
import type { CryptoProvider } from '../crypto/provider.js';
import type { ResolvedConfig } from './config.js';
import { cachedPrivateKey } from './option-cache.js';
import type { SelectedCredentials } from './server-credentials.js';
import { credentialsFor } from './sni-selection.js';

/** The two certificate types dtls13 does. */
export type CertificateTypeName = 'x509' | 'raw_public_key';

/** What each end presents. */
export interface CertificateTypes {
  readonly client: CertificateTypeName;
  readonly server: CertificateTypeName;
}

/** Without the extensions (RFC 7250 §4: X.509 both ways). */
export const X509_TYPES: CertificateTypes = { client: 'x509', server: 'x509' };

type Listed = { readonly extensionType: unknown; readonly extensionData: unknown };
type Selected = {
  readonly extensionType: 'client_certificate_type' | 'server_certificate_type';
  readonly extensionData: { readonly certificateType: CertificateType };
};

/** The types we send, preferred first (client_certificate_type's list, or the server's candidates). */
function ownTypes(config: ResolvedConfig, hasCertificate: boolean): CertificateTypeName[] {
  return [
    ...(config.rawPublicKey?.own ? ['raw_public_key' as const] : []),
    ...(hasCertificate ? ['x509' as const] : []),
  ];
}

/** The types we take from the peer. */
const peerTypes = (config: ResolvedConfig): CertificateTypeName[] =>
  config.rawPublicKey?.verifyPeer ? ['raw_public_key'] : ['x509'];

/** The client's offer: the two extensions, each only when it names more than X.509. */
export function certificateTypeOffer(config: ResolvedConfig): ClientHelloExtension[] {
  const offer: ClientHelloExtension[] = [];
  const sends = ownTypes(config, config.certificate !== undefined);
  if (sends.includes('raw_public_key'))
    offer.push({ extensionType: 'client_certificate_type', extensionData: { certificateTypes: sends } });
  if (config.rawPublicKey?.verifyPeer)
    offer.push({ extensionType: 'server_certificate_type', extensionData: { certificateTypes: peerTypes(config) } });
  return offer;
}

/** The extension types the offer carries, which the server may answer. */
export function offeredCertificateTypeExtensions(config: ResolvedConfig): string[] {
  return certificateTypeOffer(config).map((e) => String(e.extensionType));
}

/** The server's choice from a ClientHello, and its answers (which go out only where the handshake uses certificates). */
export interface ServerCertificateTypes {
  readonly types: CertificateTypes;
  /** server_certificate_type, when the client sent it. */
  readonly serverAnswer: Selected | undefined;
  /** client_certificate_type, when the client sent it and a type is in common; only with a CertificateRequest. */
  readonly clientAnswer: Selected | undefined;
}

const known = (list: readonly CertificateType[]): CertificateTypeName[] =>
  list.filter((t): t is CertificateTypeName => t === 'x509' || t === 'raw_public_key');

/**
 * The server's reading of the client's lists (`hasCertificate`: a chain of ours the handshake can present).
 * @throws ProtocolError unsupported_certificate when we can present no type the client takes (RFC 7250 §4.2).
 */
export function chooseCertificateTypes(
  config: ResolvedConfig,
  ch: ClientHello,
  hasCertificate: boolean,
): ServerCertificateTypes {
  const serverList = findExtension(ch.extensions, 'server_certificate_type')?.certificateTypes;
  const clientList = findExtension(ch.extensions, 'client_certificate_type')?.certificateTypes;
  const ours = ownTypes(config, hasCertificate);
  const server = serverList === undefined ? 'x509' : known(serverList).find((t) => ours.includes(t));
  if (server === undefined)
    throw new ProtocolError(
      'unsupported_certificate',
      `the client takes server certificate types ${serverList?.join(', ')}; this server presents ${ours.join(', ') || 'none'} (RFC 7250 §4.2)`,
    );
  const accepted = peerTypes(config);
  const client = clientList === undefined ? undefined : known(clientList).find((t) => accepted.includes(t));
  return {
    types: { server, client: client ?? 'x509' },
    serverAnswer:
      serverList === undefined
        ? undefined
        : { extensionType: 'server_certificate_type', extensionData: { certificateType: server } },
    clientAnswer:
      client === undefined
        ? undefined
        : { extensionType: 'client_certificate_type', extensionData: { certificateType: client } },
  };
}

/** The answers that go out: none under PSK, client_certificate_type only with a CertificateRequest (RFC 7250 §4.2). */
export function certificateTypeAnswers(
  choice: ServerCertificateTypes | undefined,
  certificates: boolean,
  requestsClient: boolean,
): Selected[] {
  if (choice === undefined || !certificates) return [];
  return [
    ...(choice.serverAnswer ? [choice.serverAnswer] : []),
    ...(requestsClient && choice.clientAnswer ? [choice.clientAnswer] : []),
  ];
}

/** The client's reading of the server's answers. @throws ProtocolError illegal_parameter for a type not offered. */
export function acceptCertificateTypes(config: ResolvedConfig, extensions: readonly Listed[]): CertificateTypes {
  const pick = (
    name: 'client_certificate_type' | 'server_certificate_type',
    offered: readonly CertificateTypeName[],
  ): CertificateTypeName => {
    const e = extensions.find((x) => x.extensionType === name) as Selected | undefined;
    if (e === undefined) return 'x509';
    const t = e.extensionData.certificateType;
    if (!offered.includes(t as CertificateTypeName))
      throw new ProtocolError(
        'illegal_parameter',
        `the server selected ${String(t)} in ${name}, which the client did not offer (RFC 7250 §4.2)`,
      );
    return t as CertificateTypeName;
  };
  return {
    client: pick('client_certificate_type', ownTypes(config, config.certificate !== undefined)),
    server: pick('server_certificate_type', peerTypes(config)),
  };
}

/** What our Certificate message carries for `type`: our SPKI (RFC 7250 §3), or our chain (empty without one). */
export function ownChain(config: ResolvedConfig, type: CertificateTypeName): readonly Uint8Array[] {
  const raw = config.rawPublicKey?.own;
  if (type === 'raw_public_key' && raw) return [raw.spki];
  return config.certificate?.chain ?? [];
}

/** What the server presents for a ClientHello: its certificate types, and our raw key or the certificate SNI selects. */
export function credentialsForHello(
  provider: CryptoProvider,
  config: ResolvedConfig,
  ch: ClientHello,
  servername: string | undefined,
): { readonly types: ServerCertificateTypes; readonly credentials: SelectedCredentials | undefined } {
  const types = chooseCertificateTypes(config, ch, config.certificate !== undefined || config.sni !== undefined);
  const raw = config.rawPublicKey?.own;
  if (types.types.server === 'raw_public_key' && raw)
    return { types, credentials: { chain: [raw.spki], key: cachedPrivateKey(provider, raw.privateKey) } };
  return {
    types,
    credentials: credentialsFor(provider, config.certificate, config.sni, servername, {
      ch,
      ourSchemes: config.signatureAlgorithms,
    }),
  };
}
