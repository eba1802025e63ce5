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

/*
 * A second descriptor of the socket `fd` (F_DUPFD_CLOEXEC), or -errno. The
 * primary keeps each worker's socket open under its own descriptor and hands
 * the worker a copy: a worker that dies closes only its copy, so the socket
 * keeps its place in the reuseport group for the worker started after it.
 */
int reuseport_dup(int fd);

#endif
