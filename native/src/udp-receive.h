#ifndef DTLS13_NATIVE_UDP_RECEIVE_H
#define DTLS13_NATIVE_UDP_RECEIVE_H

#include <node_api.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Turns UDP GRO (Linux 5.0+) on for the socket `fd`: the kernel then hands up
 * a run of equal datagrams from one sender as one buffer, with the segment
 * size in a control message (udp_receive_segments splits it). 0, or -errno
 * (-ENOPROTOOPT on a kernel without it, -ENOSYS off Linux).
 */
int udp_gro_enable(int fd);

/*
 * Like udp_recv_batch (udp.h) with four meta words per buffer: length,
 * IPv4 address, port, and the GRO segment size (0 when the buffer is one
 * datagram; otherwise the buffer holds length / size datagrams of that size,
 * the last one possibly shorter).
 */
int udp_receive_segments(int fd, uint8_t *slab, size_t stride, int count, uint32_t *meta);

/*
 * Adds to `exports`: udpGroEnable(fd) -> 0 | -errno;
 * udpReceiveSegments(fd, slab, stride, meta) -> count | -errno (above);
 * udpReceiveStart(fd, callback) -> a handle, or -errno: a duplicate of `fd`
 * watched for readability on this thread's event loop, `callback()` called
 * while datagrams wait (the caller reads them); udpReceiveStop(handle):
 * stops watching and closes the duplicate; udpReceiveRef(handle, on):
 * whether the watcher keeps the event loop alive (as the socket's ref/unref).
 */
void udp_receive_register(napi_env env, napi_value exports);

#endif
