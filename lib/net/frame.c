/* SPDX-License-Identifier: BSD-3-Clause */
/* AF_XDP frame codec (docs/formats/xdp-frames.md): parse, reply, checksums. */
#include "lib/net/frame.h"

#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/util/errcode.h"
#include "lib/util/wire_ctx.h"

#define ETH_P_IPV4 0x0800
#define ETH_P_IPV6 0x86DD
#define IPV4_HDR_MIN 20
#define IPV6_HDR_LEN 40
#define UDP_HDR_LEN 8
#define IP_PROTO_UDP 17
#define IPV4_FLAG_DF 0x4000
#define IPV4_FLAG_MF 0x2000
#define IPV4_FRAG_OFF 0x1FFF
#define REPLY_TTL 64
/* Largest value of the 16-bit IPv4 total / IPv6 payload / UDP length. */
#define IP_LEN_MAX 65535u

/* --- RFC 1071 checksum ---------------------------------------------------- */

/*
 * The one's complement sum does not depend on byte order (RFC 1071 §2(B)),
 * and 2^64 - 1 is a multiple of 2^16 - 1, so adding native 64-bit words
 * with end-around carry and folding at the end gives the sum of the native
 * 16-bit words. One swap at the end turns it into network order. This is
 * the per-packet hot loop: eight octets per step, no byte loads.
 */
static inline uint64_t add_carry(uint64_t acc, uint64_t w)
{
	acc += w;
	return acc + (acc < w);
}

static uint16_t sum_native(const uint8_t *p, size_t n)
{
	uint64_t acc = 0, w;
	for (; n >= 8; p += 8, n -= 8) {
		memcpy(&w, p, 8);
		acc = add_carry(acc, w);
	}
	if (n > 0) {
		/* Zero padding after the tail keeps an odd octet in the high
		 * (first) half of its word, as RFC 1071 §4.1 pads. */
		uint8_t tail[8] = {0};
		memcpy(tail, p, n);
		memcpy(&w, tail, 8);
		acc = add_carry(acc, w);
	}
	acc = (acc & 0xFFFFFFFFu) + (acc >> 32);
	acc = (acc & 0xFFFFu) + (acc >> 16);
	acc = (acc & 0xFFFFu) + (acc >> 16);
	acc = (acc & 0xFFFFu) + (acc >> 16);
	return (uint16_t)acc;
}

uint32_t dz_csum_partial(const uint8_t *p, size_t n, uint32_t sum)
{
	uint16_t native = sum_native(p, n);
	uint8_t b[2];
	memcpy(b, &native, 2);
	uint64_t s = (uint64_t)sum + ((uint32_t)b[0] << 8 | b[1]);
	s = (s & 0xFFFFu) + (s >> 16);
	s = (s & 0xFFFFu) + (s >> 16);
	s = (s & 0xFFFFu) + (s >> 16);
	return (uint32_t)s;
}

uint16_t dz_csum_fold(uint32_t sum)
{
	sum = (sum & 0xFFFFu) + (sum >> 16);
	sum = (sum & 0xFFFFu) + (sum >> 16);
	return (uint16_t)~sum;
}

/* --- parse ---------------------------------------------------------------- */

/* Fixed IPv4 header fields, read from a cursor over its first 20 octets. */
static int read_ipv4_fixed(dz_wire_ctx_t *hc, dz_frame_t *f, size_t *hlen,
                           size_t *total, bool *fragment, uint8_t *proto)
{
	uint8_t vihl = dz_wire_ctx_read_u8(hc);
	*hlen = (size_t)(vihl & 0x0F) * 4;
	if ((vihl >> 4) != 4 || *hlen < IPV4_HDR_MIN) {
		return DZ_EMALF;
	}
	dz_wire_ctx_skip(hc, 1); /* TOS */
	*total = dz_wire_ctx_read_u16(hc);
	dz_wire_ctx_skip(hc, 2); /* identification */
	uint16_t frag = dz_wire_ctx_read_u16(hc);
	*fragment = (frag & (IPV4_FLAG_MF | IPV4_FRAG_OFF)) != 0;
	f->hop_limit = dz_wire_ctx_read_u8(hc);
	*proto = dz_wire_ctx_read_u8(hc);
	dz_wire_ctx_skip(hc, 2); /* header checksum, verified over the whole */
	memset(f->src_ip, 0, sizeof(f->src_ip));
	memset(f->dst_ip, 0, sizeof(f->dst_ip));
	dz_wire_ctx_read_bytes(hc, f->src_ip, 4);
	dz_wire_ctx_read_bytes(hc, f->dst_ip, 4);
	return hc->err;
}

/*
 * RFC 791 §3.1. Total Length, not the frame, bounds the datagram: Ethernet
 * pads frames to 60 octets. Options are skipped (a reply never echoes
 * them). Fragments are left to the kernel, which reassembles them.
 */
static int parse_ipv4(dz_wire_ctx_t *ctx, dz_frame_t *f, size_t *l4len)
{
	size_t avail = dz_wire_ctx_available(ctx);
	const uint8_t *h = dz_wire_ctx_read_ptr(ctx, IPV4_HDR_MIN);
	if (h == NULL) {
		return DZ_ETRUNC;
	}
	dz_wire_ctx_t hc;
	dz_wire_ctx_init_const(&hc, h, IPV4_HDR_MIN);
	size_t hlen, total;
	bool fragment;
	uint8_t proto;
	int ret = read_ipv4_fixed(&hc, f, &hlen, &total, &fragment, &proto);
	if (ret != DZ_OK) {
		return ret;
	}
	if (hlen > avail) {
		return DZ_ETRUNC;
	}
	if (total < hlen) {
		return DZ_EMALF;
	}
	if (total > avail) {
		return DZ_ETRUNC;
	}
	if (dz_csum_fold(dz_csum_partial(h, hlen, 0)) != 0) {
		return DZ_EMALF;
	}
	if (fragment || proto != IP_PROTO_UDP) {
		return DZ_ENOTSUP;
	}
	dz_wire_ctx_skip(ctx, hlen - IPV4_HDR_MIN);
	*l4len = total - hlen;
	return ctx->err;
}

/*
 * RFC 8200 §3. Only a UDP next header is taken: extension headers (and
 * jumbograms, which need one) go to the kernel stack through the socket.
 */
static int parse_ipv6(dz_wire_ctx_t *ctx, dz_frame_t *f, size_t *l4len)
{
	uint8_t ver = dz_wire_ctx_read_u8(ctx);
	dz_wire_ctx_skip(ctx, 3); /* class and flow label */
	size_t plen = dz_wire_ctx_read_u16(ctx);
	uint8_t next = dz_wire_ctx_read_u8(ctx);
	f->hop_limit = dz_wire_ctx_read_u8(ctx);
	dz_wire_ctx_read_bytes(ctx, f->src_ip, 16);
	dz_wire_ctx_read_bytes(ctx, f->dst_ip, 16);
	if (ctx->err != DZ_OK) {
		return DZ_ETRUNC;
	}
	if ((ver >> 4) != 6) {
		return DZ_EMALF;
	}
	if (plen > dz_wire_ctx_available(ctx)) {
		return DZ_ETRUNC;
	}
	if (next != IP_PROTO_UDP) {
		return DZ_ENOTSUP;
	}
	*l4len = plen;
	return DZ_OK;
}

/*
 * RFC 768. A UDP length shorter than the IP payload is allowed (the rest is
 * ignored); longer is not. The checksum is not verified: AF_XDP in copy
 * mode does not say whether the NIC checked it, and loopback frames carry
 * only the pseudo-header sum (CHECKSUM_PARTIAL). A zero checksum over IPv6
 * is still refused (RFC 8200 §8.1), as the kernel does.
 */
static int parse_udp(dz_wire_ctx_t *ctx, size_t l4len, dz_frame_t *f)
{
	if (l4len < UDP_HDR_LEN) {
		return DZ_EMALF;
	}
	f->src_port = dz_wire_ctx_read_u16(ctx);
	f->dst_port = dz_wire_ctx_read_u16(ctx);
	size_t ulen = dz_wire_ctx_read_u16(ctx);
	uint16_t csum = dz_wire_ctx_read_u16(ctx);
	if (ctx->err != DZ_OK) {
		return DZ_ETRUNC;
	}
	if (ulen < UDP_HDR_LEN || ulen > l4len) {
		return DZ_EMALF;
	}
	if (f->family == AF_INET6 && csum == 0) {
		return DZ_EMALF;
	}
	f->payload_off = ctx->pos;
	f->payload_len = ulen - UDP_HDR_LEN;
	return DZ_OK;
}

/*
 * Sources a reply must never go to: they cannot have sent the query, and
 * answering them reflects traffic at a network (RFC 1122 §3.2.1.3,
 * RFC 4291 §2.7 and §2.5.2; RFC 768 port 0 means "no reply port").
 */
static bool source_is_refused(const dz_frame_t *f)
{
	static const uint8_t bcast[4] = {255, 255, 255, 255};
	static const uint8_t unspec[16] = {0};
	const uint8_t *a = f->src_ip;

	if (f->src_port == 0) {
		return true;
	}
	if (f->family == AF_INET) {
		return a[0] == 0 || (a[0] & 0xF0) == 0xE0 ||
		       memcmp(a, bcast, 4) == 0;
	}
	return a[0] == 0xFF || memcmp(a, unspec, 16) == 0;
}

static int parse_ip(dz_wire_ctx_t *ctx, uint16_t ethertype, dz_frame_t *f,
                    size_t *l4len)
{
	switch (ethertype) {
	case ETH_P_IPV4:
		f->family = AF_INET;
		return parse_ipv4(ctx, f, l4len);
	case ETH_P_IPV6:
		f->family = AF_INET6;
		return parse_ipv6(ctx, f, l4len);
	default:
		/* ARP, VLAN tags (0x8100, 0x88A8) and everything else. */
		return DZ_ENOTSUP;
	}
}

int dz_frame_parse(const uint8_t *frame, size_t len, dz_frame_t *out)
{
	dz_wire_ctx_t ctx;
	dz_frame_t f;
	size_t l4len = 0;

	dz_wire_ctx_init_const(&ctx, frame, len);
	dz_wire_ctx_read_bytes(&ctx, f.dst_mac, 6);
	dz_wire_ctx_read_bytes(&ctx, f.src_mac, 6);
	uint16_t ethertype = dz_wire_ctx_read_u16(&ctx);
	if (ctx.err != DZ_OK) {
		return DZ_ETRUNC;
	}
	int ret = parse_ip(&ctx, ethertype, &f, &l4len);
	if (ret == DZ_OK) {
		ret = parse_udp(&ctx, l4len, &f);
	}
	if (ret != DZ_OK) {
		return ret;
	}
	if (source_is_refused(&f)) {
		return DZ_EREFUSED;
	}
	*out = f;
	return DZ_OK;
}

/* --- reply ---------------------------------------------------------------- */

size_t dz_frame_hdr_len(int family)
{
	switch (family) {
	case AF_INET:
		return DZ_FRAME_HDR4_LEN;
	case AF_INET6:
		return DZ_FRAME_HDR6_LEN;
	default:
		return 0;
	}
}

/* RFC 791 §3.1: IHL 5, no options, DF (a reply is never fragmented by us). */
static void write_ipv4(dz_wire_ctx_t *ctx, const dz_frame_t *q, size_t ulen)
{
	size_t start = ctx->pos;
	dz_wire_ctx_write_u8(ctx, 0x45);
	dz_wire_ctx_write_u8(ctx, 0);
	dz_wire_ctx_write_u16(ctx, (uint16_t)(IPV4_HDR_MIN + ulen));
	dz_wire_ctx_write_u16(ctx, 0);
	dz_wire_ctx_write_u16(ctx, IPV4_FLAG_DF);
	dz_wire_ctx_write_u8(ctx, REPLY_TTL);
	dz_wire_ctx_write_u8(ctx, IP_PROTO_UDP);
	dz_wire_ctx_write_u16(ctx, 0);
	dz_wire_ctx_write_bytes(ctx, q->dst_ip, 4);
	dz_wire_ctx_write_bytes(ctx, q->src_ip, 4);
	uint16_t csum = dz_csum_fold(
	        dz_csum_partial(ctx->buf + start, IPV4_HDR_MIN, 0));
	dz_wire_ctx_set_pos(ctx, start + 10);
	dz_wire_ctx_write_u16(ctx, csum);
	dz_wire_ctx_set_pos(ctx, start + IPV4_HDR_MIN);
}

/* RFC 8200 §3: class 0, flow label 0. */
static void write_ipv6(dz_wire_ctx_t *ctx, const dz_frame_t *q, size_t ulen)
{
	dz_wire_ctx_write_u32(ctx, 0x60000000u);
	dz_wire_ctx_write_u16(ctx, (uint16_t)ulen);
	dz_wire_ctx_write_u8(ctx, IP_PROTO_UDP);
	dz_wire_ctx_write_u8(ctx, REPLY_TTL);
	dz_wire_ctx_write_bytes(ctx, q->dst_ip, 16);
	dz_wire_ctx_write_bytes(ctx, q->src_ip, 16);
}

/*
 * RFC 768 / RFC 8200 §8.1: the checksum covers a pseudo-header of both
 * addresses, the protocol and the UDP length, then the datagram. A computed
 * 0 goes out as 0xFFFF: 0 means "none" over IPv4 and is invalid over IPv6.
 */
static void write_udp(dz_wire_ctx_t *ctx, const dz_frame_t *q, size_t ulen)
{
	size_t start = ctx->pos;
	size_t alen = q->family == AF_INET ? 4 : 16;
	dz_wire_ctx_write_u16(ctx, q->dst_port);
	dz_wire_ctx_write_u16(ctx, q->src_port);
	dz_wire_ctx_write_u16(ctx, (uint16_t)ulen);
	dz_wire_ctx_write_u16(ctx, 0);
	uint32_t sum = dz_csum_partial(q->src_ip, alen, IP_PROTO_UDP + ulen);
	sum = dz_csum_partial(q->dst_ip, alen, sum);
	sum = dz_csum_partial(ctx->buf + start, ulen, sum);
	uint16_t csum = dz_csum_fold(sum);
	dz_wire_ctx_set_pos(ctx, start + 6);
	dz_wire_ctx_write_u16(ctx, csum != 0 ? csum : 0xFFFF);
	dz_wire_ctx_set_pos(ctx, start + ulen);
}

int dz_frame_write_reply(uint8_t *frame, size_t cap, const dz_frame_t *q,
                         size_t payload_len)
{
	size_t hlen = dz_frame_hdr_len(q->family);
	if (hlen == 0) {
		return DZ_EINVAL;
	}
	/* The IPv4 total length counts the IP header; IPv6's does not. */
	size_t ip_extra = q->family == AF_INET ? IPV4_HDR_MIN : 0;
	if (cap < hlen || payload_len > cap - hlen ||
	    payload_len > IP_LEN_MAX - UDP_HDR_LEN - ip_extra) {
		return DZ_ESPACE;
	}
	size_t ulen = UDP_HDR_LEN + payload_len;
	dz_wire_ctx_t ctx;
	dz_wire_ctx_init(&ctx, frame, hlen + payload_len);
	dz_wire_ctx_write_bytes(&ctx, q->src_mac, 6);
	dz_wire_ctx_write_bytes(&ctx, q->dst_mac, 6);
	if (q->family == AF_INET) {
		dz_wire_ctx_write_u16(&ctx, ETH_P_IPV4);
		write_ipv4(&ctx, q, ulen);
	} else {
		dz_wire_ctx_write_u16(&ctx, ETH_P_IPV6);
		write_ipv6(&ctx, q, ulen);
	}
	write_udp(&ctx, q, ulen);
	if (ctx.err != DZ_OK) {
		return ctx.err;
	}
	return (int)(hlen + payload_len);
}
