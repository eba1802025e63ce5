/*
 * The N-API functions of the UDP data path that node:dgram lacks: a batch of
 * datagrams out in one sendmmsg(2), those waiting in one recvmmsg(2)
 * (udp.h), and sockets made here: SO_REUSEPORT groups steered to their
 * workers (reuseport.h) and a client's plain socket (udp-socket.h). Reading
 * a socket with UDP GRO is udp-receive.h's.
 */
#ifndef DTLS13_NATIVE_BIND_UDP_H
#define DTLS13_NATIVE_BIND_UDP_H

#include <node_api.h>

/*
 * Adds to `exports`: udpSendBatch, udpRecvBatch, reuseportBind, reuseportBindFirst, reuseportSteer,
 * reuseportLocalPort, reuseportClose, reuseportDup, udpSocketBind, udpDfWant. 0 when N-API failed.
 */
int udp_bindings_register(napi_env env, napi_value exports);

#endif
