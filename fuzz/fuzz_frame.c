/* SPDX-License-Identifier: BSD-3-Clause */
/* Fuzz target: AF_XDP frame parse, reply written and parsed back. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/net/frame.h"
#include "lib/util/errcode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Largest reply: IPv6 headers and a 65527-octet payload. */
static uint8_t reply[DZ_FRAME_HDR6_LEN + 65535];

static void check(bool ok)
{
	if (!ok) {
		abort();
	}
}

static bool status_is_known(int ret)
{
	return ret == DZ_ETRUNC || ret == DZ_EMALF || ret == DZ_ENOTSUP ||
	       ret == DZ_EREFUSED;
}

/* Oracle, written apart from the parser: would a reply from this
 * address:port be refused when parsed as a query? */
static bool never_answered(int family, const uint8_t *ip, uint16_t port)
{
	static const uint8_t zero[16];
	if (port == 0) {
		return true;
	}
	if (family == AF_INET) {
		return ip[0] == 0 || (ip[0] >= 224 && ip[0] <= 239) ||
		       (ip[0] & ip[1] & ip[2] & ip[3]) == 255;
	}
	return ip[0] == 255 || memcmp(ip, zero, 16) == 0;
}

static void check_udp_csum(const dz_frame_t *r)
{
	size_t alen = r->family == AF_INET ? 4 : 16;
	size_t udp = r->payload_off - 8;
	uint32_t sum = 17u + 8u + (uint32_t)r->payload_len;
	sum = dz_csum_partial(r->src_ip, alen, sum);
	sum = dz_csum_partial(r->dst_ip, alen, sum);
	sum = dz_csum_partial(reply + udp, 8 + r->payload_len, sum);
	check(dz_csum_fold(sum) == 0);
}

static void check_reply(const uint8_t *data, const dz_frame_t *q, int len)
{
	dz_frame_t r;
	int ret = dz_frame_parse(reply, (size_t)len, &r);
	if (never_answered(q->family, q->dst_ip, q->dst_port)) {
		check(ret == DZ_EREFUSED);
		return;
	}
	check(ret == DZ_OK);
	check(r.family == q->family && r.hop_limit == 64);
	check(memcmp(r.src_mac, q->dst_mac, 6) == 0);
	check(memcmp(r.dst_mac, q->src_mac, 6) == 0);
	check(memcmp(r.src_ip, q->dst_ip, 16) == 0);
	check(memcmp(r.dst_ip, q->src_ip, 16) == 0);
	check(r.src_port == q->dst_port && r.dst_port == q->src_port);
	check(r.payload_off == dz_frame_hdr_len(q->family));
	check(r.payload_len == q->payload_len);
	check(memcmp(reply + r.payload_off, data + q->payload_off,
	             q->payload_len) == 0);
	check_udp_csum(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	dz_frame_t q;
	int ret = dz_frame_parse(data, size, &q);
	if (ret != DZ_OK) {
		check(status_is_known(ret));
		return 0;
	}
	check(q.family == AF_INET || q.family == AF_INET6);
	check(q.payload_off <= size && q.payload_len <= size - q.payload_off);

	size_t hl = dz_frame_hdr_len(q.family);
	size_t need = hl + q.payload_len;
	check(need <= sizeof(reply));
	memcpy(reply + hl, data + q.payload_off, q.payload_len);
	check(dz_frame_write_reply(reply, need - 1, &q, q.payload_len) ==
	      DZ_ESPACE);
	int len = dz_frame_write_reply(reply, need, &q, q.payload_len);
	check(len > 0 && (size_t)len == need);
	check_reply(data, &q, len);
	return 0;
}
