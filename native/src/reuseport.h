#ifndef DTLS13_NATIVE_REUSEPORT_H
#define DTLS13_NATIVE_REUSEPORT_H

#include <stdint.h>

/* The sockets themselves: udp_socket_bind (udp-socket.h) with SO_REUSEPORT. */

/*
 * Attaches the connection ID steering program to the group of `fd`
 * (SO_ATTACH_REUSEPORT_CBPF): a datagram whose first byte is a DTLS 1.3
 * unified header with its C bit (001 1xxxx) goes to the socket numbered by
 * the byte at `worker_offset` of the UDP payload (1 + the worker byte's
 * place in the CID); any other datagram, or a number past the group's last
 * socket, by the kernel's 4-tuple hash. 0, or -errno.
 */
int reuseport_steer(int fd, int worker_offset);

/* The port `fd` is bound to, or -errno. */
int reuseport_local_port(int fd);

/* close(2): 0 or -errno. */
int reuseport_close(int fd);

#endif
