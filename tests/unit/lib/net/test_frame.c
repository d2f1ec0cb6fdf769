/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for lib/net/frame: parse, reply headers, RFC 1071 checksums. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "lib/net/frame.h"
#include "lib/util/errcode.h"

#define ETH 14
#define FRAME_MAX 2048

/* --- independent helpers: byte-at-a-time RFC 1071, hand-built frames ------ */

static uint32_t ref_sum(const uint8_t *p, size_t n, uint32_t sum)
{
	for (size_t i = 0; i < n; i++) {
		sum += (i % 2 == 0) ? (uint32_t)p[i] << 8 : p[i];
	}
	return sum;
}

static uint16_t ref_fold(uint32_t sum)
{
	while (sum >> 16) {
		sum = (sum & 0xFFFF) + (sum >> 16);
	}
	return (uint16_t)~sum;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void set16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static const uint8_t mac_a[6] = {0x02, 0, 0, 0, 0, 0x0a};
static const uint8_t mac_b[6] = {0x02, 0, 0, 0, 0, 0x0b};
static const uint8_t ip4_client[4] = {192, 0, 2, 1};
static const uint8_t ip4_server[4] = {192, 0, 2, 53};
static const uint8_t ip6_client[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
static const uint8_t ip6_server[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 0x53};
static const uint8_t dns_q[] = {0x12, 0x34, 0x01, 0x00, 0,   1, 0, 0, 0, 0, 0,
                                0,    3,    'c',  'o',  'm', 0, 0, 1, 0, 1};

static void put_eth(uint8_t *f, uint16_t type)
{
	memcpy(f, mac_b, 6); /* destination: the server */
	memcpy(f + 6, mac_a, 6);
	set16(f + 12, type);
}

static void put_udp(uint8_t *u, uint16_t sport, const uint8_t *pl, size_t n)
{
	set16(u, sport);
	set16(u + 2, 53);
	set16(u + 4, (uint16_t)(8 + n));
	set16(u + 6, 0x1234); /* never verified by the parser */
	if (n > 0) {
		memcpy(u + 8, pl, n);
	}
}

static void fix_ip4_csum(uint8_t *f)
{
	uint8_t *ip = f + ETH;
	size_t ihl = (size_t)(ip[0] & 0x0F) * 4;
	set16(ip + 10, 0);
	set16(ip + 10, ref_fold(ref_sum(ip, ihl, 0)));
}

/* An IPv4 UDP query from ip4_client:sport, with optlen octets of options. */
static size_t build_v4(uint8_t *f, const uint8_t *src, uint16_t sport,
                       size_t optlen, const uint8_t *pl, size_t n)
{
	memset(f, 0, FRAME_MAX);
	put_eth(f, 0x0800);
	uint8_t *ip = f + ETH;
	size_t ihl = 20 + optlen;
	ip[0] = (uint8_t)(0x40 | ihl / 4);
	set16(ip + 2, (uint16_t)(ihl + 8 + n));
	set16(ip + 4, 0xbeef);
	ip[8] = 57;
	ip[9] = 17;
	memcpy(ip + 12, src, 4);
	memcpy(ip + 16, ip4_server, 4);
	memset(ip + 20, 0x01, optlen); /* NOP options */
	put_udp(ip + ihl, sport, pl, n);
	fix_ip4_csum(f);
	return ETH + ihl + 8 + n;
}

static size_t build_v6(uint8_t *f, const uint8_t *src, uint16_t sport,
                       const uint8_t *pl, size_t n)
{
	memset(f, 0, FRAME_MAX);
	put_eth(f, 0x86DD);
	uint8_t *ip = f + ETH;
	ip[0] = 0x60;
	set16(ip + 4, (uint16_t)(8 + n));
	ip[6] = 17;
	ip[7] = 63;
	memcpy(ip + 8, src, 16);
	memcpy(ip + 24, ip6_server, 16);
	put_udp(ip + 40, sport, pl, n);
	return ETH + 40 + 8 + n;
}

static size_t q4(uint8_t *f)
{
	return build_v4(f, ip4_client, 40000, 0, dns_q, sizeof(dns_q));
}

static size_t q6(uint8_t *f)
{
	return build_v6(f, ip6_client, 40000, dns_q, sizeof(dns_q));
}

/* Parse must fail with want and leave out untouched. */
static void expect_fail(const uint8_t *f, size_t len, int want)
{
	dz_frame_t out;
	memset(&out, 0xA5, sizeof(out));
	dz_frame_t before = out;
	assert_int_equal(dz_frame_parse(f, len, &out), want);
	assert_memory_equal(&out, &before, sizeof(out));
}

/* --- checksum ------------------------------------------------------------- */

static void csum_matches_rfc1071_example(void **state)
{
	(void)state;
	/* RFC 1071 §3: 0001 f203 f4f5 f6f7 sums to ddf2. */
	static const uint8_t b[] = {0x00, 0x01, 0xf2, 0x03,
	                            0xf4, 0xf5, 0xf6, 0xf7};
	assert_int_equal(dz_csum_partial(b, sizeof(b), 0), 0xddf2);
	assert_int_equal(dz_csum_fold(dz_csum_partial(b, sizeof(b), 0)),
	                 0x220d);
}

static void csum_of_classic_ipv4_header_is_b861(void **state)
{
	(void)state;
	uint8_t h[20] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40,
	                 0x00, 0x40, 0x11, 0x00, 0x00, 0xc0, 0xa8,
	                 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
	assert_int_equal(dz_csum_fold(dz_csum_partial(h, 20, 0)), 0xb861);
	h[10] = 0xb8;
	h[11] = 0x61;
	assert_int_equal(dz_csum_fold(dz_csum_partial(h, 20, 0)), 0);
}

static void csum_matches_reference_at_every_length_and_alignment(void **state)
{
	(void)state;
	uint8_t buf[160];
	for (size_t i = 0; i < sizeof(buf); i++) {
		buf[i] = (uint8_t)(i * 37 + 0xC5);
	}
	for (size_t off = 0; off < 8; off++) {
		for (size_t n = 0; n + off <= sizeof(buf); n++) {
			uint32_t got = dz_csum_partial(buf + off, n, 0);
			assert_int_equal(dz_csum_fold(got),
			                 ref_fold(ref_sum(buf + off, n, 0)));
		}
	}
}

static void csum_pads_odd_last_octet_with_zero(void **state)
{
	(void)state;
	static const uint8_t b[] = {0x12, 0x34, 0x56};
	/* 0x1234 + 0x5600 */
	assert_int_equal(dz_csum_partial(b, 3, 0), 0x6834);
	assert_int_equal(dz_csum_partial(b, 1, 0), 0x1200);
}

static void csum_of_all_ones_folds_with_carry(void **state)
{
	(void)state;
	uint8_t b[64];
	memset(b, 0xFF, sizeof(b));
	assert_int_equal(dz_csum_partial(b, sizeof(b), 0), 0xFFFF);
	assert_int_equal(dz_csum_fold(dz_csum_partial(b, sizeof(b), 0)), 0);
	/* A large running sum carries around instead of overflowing. */
	assert_int_equal(dz_csum_partial(b, 2, 0xFFFFFFFFu), 0xFFFF);
	static const uint8_t one[2] = {0x00, 0x01};
	assert_int_equal(dz_csum_partial(one, 2, 0xFFFFFFFFu), 0x0001);
	assert_int_equal(dz_csum_partial(one, 2, 0x0001FFFFu), 0x0002);
}

static void csum_chains_over_even_pieces(void **state)
{
	(void)state;
	uint8_t b[41];
	for (size_t i = 0; i < sizeof(b); i++) {
		b[i] = (uint8_t)(0xF0 - i * 7);
	}
	uint32_t whole = dz_csum_partial(b, sizeof(b), 0);
	uint32_t part = dz_csum_partial(b, 10, 0);
	part = dz_csum_partial(b + 10, 16, part);
	part = dz_csum_partial(b + 26, sizeof(b) - 26, part);
	assert_int_equal(dz_csum_fold(part), dz_csum_fold(whole));
	assert_int_equal(dz_csum_fold(dz_csum_partial(b, 0, 0x1234)),
	                 (uint16_t)~0x1234);
}

/* --- parse: accepted ------------------------------------------------------ */

/* Parse the query q4()/q6() built and check every field. */
static void expect_query(const uint8_t *f, size_t len, int family,
                         const uint8_t *client, const uint8_t *server,
                         uint8_t hop, size_t off)
{
	uint8_t src[16] = {0}, dst[16] = {0};
	size_t alen = family == AF_INET ? 4 : 16;
	memcpy(src, client, alen);
	memcpy(dst, server, alen);
	dz_frame_t q;
	assert_int_equal(dz_frame_parse(f, len, &q), DZ_OK);
	assert_int_equal(q.family, family);
	assert_memory_equal(q.src_mac, mac_a, 6);
	assert_memory_equal(q.dst_mac, mac_b, 6);
	assert_memory_equal(q.src_ip, src, 16); /* IPv4: rest zero */
	assert_memory_equal(q.dst_ip, dst, 16);
	assert_int_equal(q.src_port, 40000);
	assert_int_equal(q.dst_port, 53);
	assert_int_equal(q.hop_limit, hop);
	assert_int_equal(q.payload_off, off);
	assert_int_equal(q.payload_len, sizeof(dns_q));
	assert_memory_equal(f + q.payload_off, dns_q, sizeof(dns_q));
}

static void frame_parse_reads_ipv4_udp_query(void **state)
{
	(void)state;
	uint8_t f[FRAME_MAX];
	size_t len = q4(f);
	expect_query(f, len, AF_INET, ip4_client, ip4_server, 57, 42);
}

static void frame_parse_reads_ipv6_udp_query(void **state)
{
	(void)state;
	uint8_t f[FRAME_MAX];
	size_t len = q6(f);
	expect_query(f, len, AF_INET6, ip6_client, ip6_server, 63, 62);
}

static void frame_parse_skips_ipv4_options(void **state)
{
	(void)state;
	uint8_t f[FRAME_MAX];
	size_t len = build_v4(f, ip4_client, 1234, 40, dns_q, sizeof(dns_q));
	dz_frame_t q;
	assert_int_equal(dz_frame_parse(f, len, &q), DZ_OK);
	assert_int_equal(q.payload_off, 14 + 60 + 8);
	assert_int_equal(q.payload_len, sizeof(dns_q));
	assert_int_equal(q.src_port, 1234);
	assert_memory_equal(f + q.payload_off, dns_q, sizeof(dns_q));
}

static void frame_parse_ignores_ethernet_padding(void **state)
{
	(void)state;
	uint8_t f[FRAME_MAX];
	static const uint8_t tiny[3] = {1, 2, 3};
	size_t len = build_v4(f, ip4_client, 1234, 0, tiny, sizeof(tiny));
	assert_int_equal(len, 45);
	memset(f + len, 0xEE, 60 - len); /* pad to the 60-octet minimum */
	dz_frame_t q;
	assert_int_equal(dz_frame_parse(f, 60, &q), DZ_OK);
	assert_int_equal(q.payload_len, 3);
	assert_int_equal(q.payload_off, 42);
}

static void frame_parse_ignores_ip_payload_after_udp_length(void **state)
{
	(void)state;
	uint8_t f[FRAME_MAX];
	size_t len = q6(f);
	set16(f + ETH + 40 + 4, 8 + 4); /* UDP says 4 octets of payload */
	dz_frame_t q;
	assert_int_equal(dz_frame_parse(f, len, &q), DZ_OK);
	assert_int_equal(q.payload_len, 4);
}

static void frame_parse_accepts_loopback_and_empty_payload(void **state)
{
	(void)state;
	uint8_t f[FRAME_MAX];
	static const uint8_t lo[4] = {127, 0, 0, 1};
	size_t len = build_v4(f, lo, 5353, 0, NULL, 0);
	memset(f, 0, 12); /* loopback frames carry zero MACs */
	dz_frame_t q;
	assert_int_equal(dz_frame_parse(f, len, &q), DZ_OK);
	assert_int_equal(q.payload_len, 0);
	static const uint8_t zero[6] = {0};
	assert_memory_equal(q.src_mac, zero, 6);
}

/* --- parse: rejected ------------------------------------------------------ */

static void frame_parse_rejects_truncated_headers(void **state)
{
	(void)state;
	uint8_t f[FRAME_MAX];
	size_t len = q4(f);
	expect_fail(f, 0, DZ_ETRUNC);
	expect_fail(f, 13, DZ_ETRUNC);
	expect_fail(f, ETH, DZ_ETRUNC);
	expect_fail(f, ETH + 19, DZ_ETRUNC);
	expect_fail(f, len - 1, DZ_ETRUNC); /* total length > frame */
	len = build_v4(f, ip4_client, 1234, 8, dns_q, sizeof(dns_q));
	expect_fail(f, ETH + 24, DZ_ETRUNC); /* IHL 7 > frame */
	len = q6(f);
	expect_fail(f, ETH + 39, DZ_ETRUNC);
	expect_fail(f, len - 1, DZ_ETRUNC); /* payload length > frame */
}

static void frame_parse_rejects_bad_ip_version(void **state)
{
	(void)state;
	uint8_t f[FRAME_MAX];
	size_t len = q4(f);
	f[ETH] = 0x65;
	fix_ip4_csum(f);
	expect_fail(f, len, DZ_EMALF);
	len = q6(f);
	f[ETH] = 0x40;
	expect_fail(f, len, DZ_EMALF);
}

static void frame_parse_rejects_ihl_below_five(void **state)
{
	(void)state;
	uint8_t f[FRAME_MAX];
	size_t len = q4(f);
	f[ETH] = 0x44;
	expect_fail(f, len, DZ_EMALF);
}

static void frame_parse_rejects_bad_ipv4_checksum(void **state)
{
	(void)state;
	uint8_t f[FRAME_MAX];
	size_t len = q4(f);
	f[ETH + 11] ^= 1;
	expect_fail(f, len, DZ_EMALF);
	/* Options are covered by the header checksum too. */
	len = build_v4(f, ip4_client, 1234, 4, dns_q, sizeof(dns_q));
	f[ETH + 21] ^= 0x80;
	expect_fail(f, len, DZ_EMALF);
}

static void frame_parse_rejects_inconsistent_lengths(void **state)
{
	(void)state;
	uint8_t f[FRAME_MAX];
	size_t len = q4(f);
	set16(f + ETH + 2, 19); /* total length < header */
	fix_ip4_csum(f);
	expect_fail(f, len, DZ_EMALF);
	set16(f + ETH + 2, 27); /* no room for a UDP header */
	fix_ip4_csum(f);
	expect_fail(f, len, DZ_EMALF);
	q4(f);
	set16(f + ETH + 20 + 4, 7); /* UDP length < 8 */
	expect_fail(f, len, DZ_EMALF);
	set16(f + ETH + 20 + 4, (uint16_t)(8 + sizeof(dns_q) + 1));
	expect_fail(f, len + 1, DZ_EMALF); /* UDP length > IP payload */
	len = q6(f);
	set16(f + ETH + 4, 4);
	expect_fail(f, len, DZ_EMALF);
	q6(f);
	set16(f + ETH + 40 + 4, (uint16_t)(8 + sizeof(dns_q) + 1));
	expect_fail(f, len, DZ_EMALF);
}

static void frame_parse_rejects_zero_udp_checksum_over_ipv6(void **state)
{
	(void)state;
	uint8_t f[FRAME_MAX];
	size_t len = q6(f);
	set16(f + ETH + 40 + 6, 0);
	expect_fail(f, len, DZ_EMALF);
	/* Over IPv4 a zero checksum means "none" (RFC 768). */
	len = q4(f);
	set16(f + ETH + 20 + 6, 0);
	dz_frame_t q;
	assert_int_equal(dz_frame_parse(f, len, &q), DZ_OK);
}

static void frame_parse_rejects_other_ethertypes_and_vlan(void **state)
{
	(void)state;
	uint8_t f[FRAME_MAX];
	size_t len = q4(f);
	static const uint16_t types[] = {0x8100, 0x88A8, 0x0806, 0x86DE, 0};
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		set16(f + 12, types[i]);
		expect_fail(f, len, DZ_ENOTSUP);
	}
}

static void frame_parse_rejects_ipv4_fragments(void **state)
{
	(void)state;
	uint8_t f[FRAME_MAX];
	size_t len = q4(f);
	set16(f + ETH + 6, 0x2000); /* MF */
	fix_ip4_csum(f);
	expect_fail(f, len, DZ_ENOTSUP);
	set16(f + ETH + 6, 0x0001); /* offset 8 */
	fix_ip4_csum(f);
	expect_fail(f, len, DZ_ENOTSUP);
	set16(f + ETH + 6, 0x4000); /* DF alone is fine */
	fix_ip4_csum(f);
	dz_frame_t q;
	assert_int_equal(dz_frame_parse(f, len, &q), DZ_OK);
}

static void frame_parse_rejects_non_udp_and_ipv6_extensions(void **state)
{
	(void)state;
	uint8_t f[FRAME_MAX];
	size_t len = q4(f);
	f[ETH + 9] = 6; /* TCP */
	fix_ip4_csum(f);
	expect_fail(f, len, DZ_ENOTSUP);
	static const uint8_t nh[] = {0, 6, 43, 44, 58, 60};
	len = q6(f);
	for (size_t i = 0; i < sizeof(nh); i++) {
		f[ETH + 6] = nh[i];
		expect_fail(f, len, DZ_ENOTSUP);
	}
}

static void frame_parse_refuses_sources_never_answered(void **state)
{
	(void)state;
	uint8_t f[FRAME_MAX];
	static const uint8_t v4[][4] = {
	        {0, 0, 0, 0},   {0, 1, 2, 3},         {224, 0, 0, 1},
	        {239, 1, 2, 3}, {255, 255, 255, 255},
	};
	for (size_t i = 0; i < sizeof(v4) / sizeof(v4[0]); i++) {
		size_t len = build_v4(f, v4[i], 1234, 0, dns_q, 12);
		expect_fail(f, len, DZ_EREFUSED);
	}
	static const uint8_t v6[][16] = {
	        {0}, {0xff, 0x02, [15] = 1}, {0xff, 0x0e, [15] = 0x53}};
	for (size_t i = 0; i < sizeof(v6) / sizeof(v6[0]); i++) {
		size_t len = build_v6(f, v6[i], 1234, dns_q, 12);
		expect_fail(f, len, DZ_EREFUSED);
	}
	expect_fail(f, build_v4(f, ip4_client, 0, 0, dns_q, 12), DZ_EREFUSED);
	expect_fail(f, build_v6(f, ip6_client, 0, dns_q, 12), DZ_EREFUSED);
}

static void frame_parse_accepts_neighbours_of_refused_ranges(void **state)
{
	(void)state;
	uint8_t f[FRAME_MAX];
	dz_frame_t q;
	static const uint8_t v4[][4] = {{1, 0, 0, 0},
	                                {223, 255, 255, 255},
	                                {240, 0, 0, 1},
	                                {255, 255, 255, 254}};
	for (size_t i = 0; i < sizeof(v4) / sizeof(v4[0]); i++) {
		size_t len = build_v4(f, v4[i], 1, 0, dns_q, 12);
		assert_int_equal(dz_frame_parse(f, len, &q), DZ_OK);
	}
	static const uint8_t v6[][16] = {{[15] = 1}, {0xfe, 0x80, [15] = 1}};
	for (size_t i = 0; i < sizeof(v6) / sizeof(v6[0]); i++) {
		size_t len = build_v6(f, v6[i], 1, dns_q, 12);
		assert_int_equal(dz_frame_parse(f, len, &q), DZ_OK);
	}
}

/* --- reply ---------------------------------------------------------------- */

static void frame_hdr_len_by_family(void **state)
{
	(void)state;
	assert_int_equal(dz_frame_hdr_len(AF_INET), 42);
	assert_int_equal(dz_frame_hdr_len(AF_INET6), 62);
	assert_int_equal(dz_frame_hdr_len(AF_UNIX), 0);
}

/* The UDP checksum over the pseudo-header verifies (sum folds to 0). */
static void check_udp_csum(const uint8_t *f, int family)
{
	size_t alen = family == AF_INET ? 4 : 16;
	const uint8_t *ip = f + ETH;
	const uint8_t *src = family == AF_INET ? ip + 12 : ip + 8;
	const uint8_t *udp = ip + (family == AF_INET ? 20 : 40);
	uint16_t ulen = get16(udp + 4);
	assert_int_not_equal(get16(udp + 6), 0);
	uint32_t sum = ref_sum(src, 2 * alen, 17u + ulen);
	sum = ref_sum(udp, ulen, sum);
	assert_int_equal(ref_fold(sum), 0);
}

/* Query -> reply with payload pl -> parse: everything swapped. */
static void round_trip(const uint8_t *f, size_t len, const uint8_t *pl,
                       size_t n)
{
	dz_frame_t q, r;
	uint8_t out[FRAME_MAX];
	assert_int_equal(dz_frame_parse(f, len, &q), DZ_OK);
	size_t hl = dz_frame_hdr_len(q.family);
	memcpy(out + hl, pl, n);
	int rlen = dz_frame_write_reply(out, sizeof(out), &q, n);
	assert_int_equal(rlen, (int)(hl + n));
	assert_int_equal(dz_frame_parse(out, (size_t)rlen, &r), DZ_OK);
	assert_int_equal(r.family, q.family);
	assert_memory_equal(r.src_mac, q.dst_mac, 6);
	assert_memory_equal(r.dst_mac, q.src_mac, 6);
	assert_memory_equal(r.src_ip, q.dst_ip, 16);
	assert_memory_equal(r.dst_ip, q.src_ip, 16);
	assert_int_equal(r.src_port, q.dst_port);
	assert_int_equal(r.dst_port, q.src_port);
	assert_int_equal(r.hop_limit, 64);
	assert_int_equal(r.payload_off, hl);
	assert_int_equal(r.payload_len, n);
	assert_memory_equal(out + hl, pl, n);
	check_udp_csum(out, q.family);
}

static void frame_reply_round_trips_ipv4(void **state)
{
	(void)state;
	uint8_t f[FRAME_MAX];
	static const uint8_t ans[] = {0x12, 0x34, 0x81, 0x80, 0, 1, 0, 1, 0};
	round_trip(f, q4(f), ans, sizeof(ans)); /* odd length */
	round_trip(f, q4(f), ans, 8);
	round_trip(f, q4(f), ans, 0);
	/* Options in the query are not echoed. */
	size_t len = build_v4(f, ip4_client, 7, 12, dns_q, sizeof(dns_q));
	round_trip(f, len, ans, sizeof(ans));
}

static void frame_reply_writes_fixed_ipv4_fields(void **state)
{
	(void)state;
	uint8_t f[FRAME_MAX], out[FRAME_MAX];
	dz_frame_t q;
	assert_int_equal(dz_frame_parse(f, q4(f), &q), DZ_OK);
	memset(out, 0xCC, sizeof(out));
	assert_int_equal(dz_frame_write_reply(out, sizeof(out), &q, 5), 47);
	static const uint8_t want[] = {
	        0x02, 0,    0,    0,    0, 0x0a, 0x02, 0, 0,    0,    0,  0x0b,
	        0x08, 0x00, 0x45, 0x00, 0, 33,   0,    0, 0x40, 0x00, 64, 17};
	assert_memory_equal(out, want, sizeof(want));
	assert_int_equal(ref_fold(ref_sum(out + ETH, 20, 0)), 0);
	assert_int_equal(get16(out + 34), 53);
	assert_int_equal(get16(out + 36), 40000);
	assert_int_equal(get16(out + 38), 13);
}

static void frame_reply_round_trips_ipv6(void **state)
{
	(void)state;
	uint8_t f[FRAME_MAX];
	uint8_t ans[777];
	for (size_t i = 0; i < sizeof(ans); i++) {
		ans[i] = (uint8_t)(i ^ 0x5A);
	}
	round_trip(f, q6(f), ans, sizeof(ans));
	round_trip(f, q6(f), ans, 1);
	round_trip(f, q6(f), ans, 0);
}

static void frame_reply_writes_fixed_ipv6_fields(void **state)
{
	(void)state;
	uint8_t f[FRAME_MAX], out[FRAME_MAX];
	dz_frame_t q;
	assert_int_equal(dz_frame_parse(f, q6(f), &q), DZ_OK);
	assert_int_equal(dz_frame_write_reply(out, sizeof(out), &q, 3), 65);
	static const uint8_t want[] = {0x86, 0xDD, 0x60, 0,  0,
	                               0,    0,    11,   17, 64};
	assert_memory_equal(out + 12, want, sizeof(want));
}

static void frame_reply_can_reuse_the_query_buffer(void **state)
{
	(void)state;
	uint8_t f[FRAME_MAX];
	size_t len = q6(f);
	dz_frame_t q, r;
	assert_int_equal(dz_frame_parse(f, len, &q), DZ_OK);
	f[q.payload_off + 2] |= 0x80; /* QR: the answer in place */
	int rlen = dz_frame_write_reply(f, sizeof(f), &q, q.payload_len);
	assert_int_equal(rlen, (int)len);
	assert_int_equal(dz_frame_parse(f, (size_t)rlen, &r), DZ_OK);
	assert_memory_equal(r.dst_ip, ip6_client, 16);
	assert_int_equal(r.dst_port, 40000);
	check_udp_csum(f, AF_INET6);
}

static void frame_reply_sends_zero_udp_checksum_as_ffff(void **state)
{
	(void)state;
	uint8_t f[FRAME_MAX], out[FRAME_MAX];
	static const int fams[] = {AF_INET, AF_INET6};
	for (size_t i = 0; i < 2; i++) {
		dz_frame_t q;
		size_t len = fams[i] == AF_INET ? q4(f) : q6(f);
		assert_int_equal(dz_frame_parse(f, len, &q), DZ_OK);
		size_t hl = dz_frame_hdr_len(q.family);
		memset(out + hl, 0, 2);
		assert_true(dz_frame_write_reply(out, sizeof(out), &q, 2) > 0);
		/* A payload word equal to the checksum: the sum is 0xFFFF. */
		memcpy(out + hl, out + hl - 2, 2);
		assert_true(dz_frame_write_reply(out, sizeof(out), &q, 2) > 0);
		assert_int_equal(get16(out + hl - 2), 0xFFFF);
		check_udp_csum(out, q.family);
	}
}

static void frame_reply_reports_no_space(void **state)
{
	(void)state;
	uint8_t f[FRAME_MAX];
	dz_frame_t q4p, q6p;
	assert_int_equal(dz_frame_parse(f, q4(f), &q4p), DZ_OK);
	assert_int_equal(dz_frame_parse(f, q6(f), &q6p), DZ_OK);
	assert_int_equal(dz_frame_write_reply(f, 41, &q4p, 0), DZ_ESPACE);
	assert_int_equal(dz_frame_write_reply(f, 42, &q4p, 0), 42);
	assert_int_equal(dz_frame_write_reply(f, 60, &q4p, 19), DZ_ESPACE);
	assert_int_equal(dz_frame_write_reply(f, 61, &q6p, 0), DZ_ESPACE);
	assert_int_equal(dz_frame_write_reply(f, 62, &q6p, 1), DZ_ESPACE);
	assert_int_equal(dz_frame_write_reply(f, 0, &q6p, 0), DZ_ESPACE);
}

static void frame_reply_limits_payload_to_ip_length_fields(void **state)
{
	(void)state;
	static uint8_t big[70000];
	uint8_t f[FRAME_MAX];
	dz_frame_t q;
	assert_int_equal(dz_frame_parse(f, q4(f), &q), DZ_OK);
	assert_int_equal(dz_frame_write_reply(big, sizeof(big), &q, 65508),
	                 DZ_ESPACE);
	assert_int_equal(dz_frame_write_reply(big, sizeof(big), &q, 65507),
	                 42 + 65507);
	assert_int_equal(dz_frame_parse(big, 42 + 65507, &q), DZ_OK);
	assert_int_equal(q.payload_len, 65507);
	assert_int_equal(dz_frame_parse(f, q6(f), &q), DZ_OK);
	assert_int_equal(dz_frame_write_reply(big, sizeof(big), &q, 65528),
	                 DZ_ESPACE);
	assert_int_equal(dz_frame_write_reply(big, sizeof(big), &q, 65527),
	                 62 + 65527);
	check_udp_csum(big, AF_INET6);
}

static void frame_reply_rejects_unknown_family(void **state)
{
	(void)state;
	uint8_t f[FRAME_MAX];
	dz_frame_t q;
	assert_int_equal(dz_frame_parse(f, q4(f), &q), DZ_OK);
	q.family = AF_UNIX;
	assert_int_equal(dz_frame_write_reply(f, sizeof(f), &q, 0), DZ_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(csum_matches_rfc1071_example),
	        cmocka_unit_test(csum_of_classic_ipv4_header_is_b861),
	        cmocka_unit_test(
	                csum_matches_reference_at_every_length_and_alignment),
	        cmocka_unit_test(csum_pads_odd_last_octet_with_zero),
	        cmocka_unit_test(csum_of_all_ones_folds_with_carry),
	        cmocka_unit_test(csum_chains_over_even_pieces),
	        cmocka_unit_test(frame_parse_reads_ipv4_udp_query),
	        cmocka_unit_test(frame_parse_reads_ipv6_udp_query),
	        cmocka_unit_test(frame_parse_skips_ipv4_options),
	        cmocka_unit_test(frame_parse_ignores_ethernet_padding),
	        cmocka_unit_test(
	                frame_parse_ignores_ip_payload_after_udp_length),
	        cmocka_unit_test(
	                frame_parse_accepts_loopback_and_empty_payload),
	        cmocka_unit_test(frame_parse_rejects_truncated_headers),
	        cmocka_unit_test(frame_parse_rejects_bad_ip_version),
	        cmocka_unit_test(frame_parse_rejects_ihl_below_five),
	        cmocka_unit_test(frame_parse_rejects_bad_ipv4_checksum),
	        cmocka_unit_test(frame_parse_rejects_inconsistent_lengths),
	        cmocka_unit_test(
	                frame_parse_rejects_zero_udp_checksum_over_ipv6),
	        cmocka_unit_test(frame_parse_rejects_other_ethertypes_and_vlan),
	        cmocka_unit_test(frame_parse_rejects_ipv4_fragments),
	        cmocka_unit_test(
	                frame_parse_rejects_non_udp_and_ipv6_extensions),
	        cmocka_unit_test(frame_parse_refuses_sources_never_answered),
	        cmocka_unit_test(
	                frame_parse_accepts_neighbours_of_refused_ranges),
	        cmocka_unit_test(frame_hdr_len_by_family),
	        cmocka_unit_test(frame_reply_round_trips_ipv4),
	        cmocka_unit_test(frame_reply_writes_fixed_ipv4_fields),
	        cmocka_unit_test(frame_reply_round_trips_ipv6),
	        cmocka_unit_test(frame_reply_writes_fixed_ipv6_fields),
	        cmocka_unit_test(frame_reply_can_reuse_the_query_buffer),
	        cmocka_unit_test(frame_reply_sends_zero_udp_checksum_as_ffff),
	        cmocka_unit_test(frame_reply_reports_no_space),
	        cmocka_unit_test(
	                frame_reply_limits_payload_to_ip_length_fields),
	        cmocka_unit_test(frame_reply_rejects_unknown_family),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
