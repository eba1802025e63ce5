export { DtlsEndpoint, EndpointClosedError, type RemoteAddress } from './endpoint.js';
export { connectUdp, DtlsUdpClient, type UdpClientOptions } from './client.js';
export { DtlsUdpServer, type UdpServerOptions, type UdpServerStats } from './server.js';
