#ifndef DTLS13_NATIVE_UDP_SOCKET_H
#define DTLS13_NATIVE_UDP_SOCKET_H

#include <stdint.h>

/* udp_socket_bind's `reuse_port`: none (a client's socket), the first socket of a reuseport group, or one joining it. */
enum { UDP_REUSE_PORT_NONE = 0, UDP_REUSE_PORT_FIRST = 1, UDP_REUSE_PORT_JOIN = 2 };

/*
 * A UDP socket bound to `address` (4 bytes: IPv4, or 16 bytes: IPv6, network
 * order) and `port` (0: one the kernel picks), non-blocking and
 * close-on-exec, with IPV6_V6ONLY set to `v6only` on an IPv6 one: the file
 * descriptor, or -errno. SO_REUSEPORT sockets of the same user on one port
 * form one reuseport group; the kernel numbers them in the order they join
 * (the index reuseport.h's steering program returns).
 *
 * UDP_REUSE_PORT_JOIN sets SO_REUSEPORT before bind(2), joining the group on
 * `port`. UDP_REUSE_PORT_FIRST sets it after: the bind is refused
 * (EADDRINUSE) where any socket holds the port, and with port 0 the kernel
 * picks a port no socket holds. Set before, a port-0 bind may be given a
 * port another SO_REUSEPORT group of the same user holds, and join it: two
 * servers on port 0 would share datagrams (tests/api/workers/port-zero.test.ts).
 * Linux only; elsewhere -ENOSYS.
 */
int udp_socket_bind(const uint8_t *address, int address_length, int port, int v6only, int reuse_port);

#endif
