import { checkOnlyOffered } from '../handshake/extensions.js';

type Listed = { readonly extensionType: unknown; readonly extensionData: unknown };

const onlyOffered = (message: string, list: readonly Listed[], allowed: readonly string[]): void =>
  checkOnlyOffered(message, list, allowed, 'RFC 8446 §4.2');

export function checkServerHelloExtensions(list: readonly Listed[], offeredPsk: boolean, offeredCid = false): void {
  onlyOffered('ServerHello', list, [
    'supported_versions',
    'key_share',
    ...(offeredPsk ? ['pre_shared_key'] : []),
    // rrc alone is checked by the CID negotiation (the client may offer connection_id without rrc).
    ...(offeredCid ? ['connection_id', 'rrc'] : []),
  ]);
}

export function checkHelloRetryRequestExtensions(list: readonly Listed[]): void {
  onlyOffered('HelloRetryRequest', list, ['supported_versions', 'key_share', 'cookie']);
}

/** What EncryptedExtensions may carry: acknowledgements and answers of what the client sent, and the server's groups. */
export function checkEncryptedExtensions(
  list: readonly Listed[],
  sentServerName: boolean,
  offeredEarlyData = false,
  offeredAlpn = false,
  offeredMore: readonly string[] = [],
): void {
  onlyOffered('EncryptedExtensions', list, [
    'supported_groups',
    ...(sentServerName ? ['server_name'] : []),
    ...(offeredEarlyData ? ['early_data'] : []),
    ...(offeredAlpn ? ['application_layer_protocol_negotiation'] : []),
    ...offeredMore,
  ]);
}
