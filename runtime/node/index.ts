export { connect, createServer, DtlsServer, DtlsSocket, type ConnectOptions, type DtlsServerEvents, type DtlsSocketEvents, type ServerOptions } from './api.js';
export { DtlsEndpoint, EndpointClosedError, type EndpointCloseReason, type RemoteAddress } from './endpoint.js';
export { connectUdp, DtlsUdpClient, type UdpClientOptions } from './client.js';
export { DtlsUdpServer, type UdpServerOptions, type UdpServerStats } from './server.js';
