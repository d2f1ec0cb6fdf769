/* SPDX-License-Identifier: BSD-3-Clause */
/* The XDP filter program of the AF_XDP path, assembled at start from the listen addresses. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/bpf.h>

/* One listen address the program takes over: UDP to it goes to AF_XDP. */
typedef struct {
	int family;       /* AF_INET or AF_INET6 */
	bool any;         /* wildcard address: match the port only */
	uint8_t addr[16]; /* network order; IPv4 in the first 4 octets */
	uint16_t port;    /* host order */
} net_xdp_match_t;

/* Room for the program of NET_XDP_MATCH_MAX addresses. */
#define NET_XDP_MATCH_MAX 16
#define NET_XDP_PROG_MAX 512

/*
 * Assemble the filter: a frame is redirected to the AF_XDP socket of its
 * receive queue (entry rx_queue_index of the XSKMAP \p map_fd) when it is
 * Ethernet II, IPv4 without options and not a fragment or IPv6 with UDP as
 * the next header, and its destination address and port are one of \p m.
 * Everything else goes on to the kernel's stack (XDP_PASS), which answers
 * it through the ordinary sockets. \p fallback is what a matching frame gets
 * when the map has no socket for its queue: XDP_PASS in the daemon (the
 * socket path serves it), something else in tests (to tell a match from a
 * miss with BPF_PROG_TEST_RUN). Frames longer than \p max_len (what an
 * AF_XDP frame holds) also go to the kernel's stack. Writes at most \p cap instructions to
 * \p out; returns their count, or DZ_ESPACE / DZ_EINVAL (n 0 or above
 * NET_XDP_MATCH_MAX, unknown family).
 */
int net_xdp_prog_build(const net_xdp_match_t *m, size_t n, int map_fd,
                       int fallback, uint32_t max_len, struct bpf_insn *out,
                       size_t cap);
