#ifndef DTLS13_NATIVE_UDP_SOCKET_H
#define DTLS13_NATIVE_UDP_SOCKET_H

#include <stdint.h>

/*
 * A UDP socket bound to `address` (4 bytes: IPv4, or 16 bytes: IPv6, network
 * order) and `port` (0: one the kernel picks), non-blocking and
 * close-on-exec, with SO_REUSEPORT when `reuse_port` is not 0 and
 * IPV6_V6ONLY set to `v6only` on an IPv6 one: the file descriptor, or
 * -errno. SO_REUSEPORT sockets bound one after another by the same user
 * form one reuseport group; the kernel numbers them in that order (the
 * index reuseport.h's steering program returns). Linux only; elsewhere
 * -ENOSYS.
 */
int udp_socket_bind(const uint8_t *address, int address_length, int port, int v6only, int reuse_port);

#endif
