/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests of the XDP filter program: assembled, loaded into the kernel and run on crafted frames (BPF_PROG_TEST_RUN). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "lib/util/errcode.h"
#include "server/net/net_xdp_prog.h"

/* What a matching frame returns: the map is empty, so the fallback. */
#define MATCHED XDP_DROP
#define MAX_LEN 1500 /* within what BPF_PROG_TEST_RUN keeps linear */

static int map_fd = -1;

/* ===== Frames ============================================================= */

/* Ethernet + IPv4 (IHL 5) + UDP to \p dst : \p port, \p payload octets. */
static size_t v4_frame(uint8_t *f, const char *dst, uint16_t port,
                       size_t payload)
{
	memset(f, 0, 42 + payload);
	f[12] = 0x08;
	f[13] = 0x00;
	f[14] = 0x45;
	uint16_t tot = htons((uint16_t)(20 + 8 + payload));
	memcpy(f + 16, &tot, 2);
	f[22] = 64;
	f[23] = 17;
	inet_pton(AF_INET, "192.0.2.1", f + 26);
	inet_pton(AF_INET, dst, f + 30);
	uint16_t sp = htons(40000), dp = htons(port);
	uint16_t ulen = htons((uint16_t)(8 + payload));
	memcpy(f + 34, &sp, 2);
	memcpy(f + 36, &dp, 2);
	memcpy(f + 38, &ulen, 2);
	return 42 + payload;
}

static size_t v6_frame(uint8_t *f, const char *dst, uint16_t port,
                       size_t payload)
{
	memset(f, 0, 62 + payload);
	f[12] = 0x86;
	f[13] = 0xdd;
	f[14] = 0x60;
	uint16_t plen = htons((uint16_t)(8 + payload));
	memcpy(f + 18, &plen, 2);
	f[20] = 17;
	f[21] = 64;
	inet_pton(AF_INET6, "2001:db8::1", f + 22);
	inet_pton(AF_INET6, dst, f + 38);
	uint16_t sp = htons(40000), dp = htons(port);
	memcpy(f + 54, &sp, 2);
	memcpy(f + 56, &dp, 2);
	memcpy(f + 58, &plen, 2);
	return 62 + payload;
}

static net_xdp_match_t match(int family, const char *addr, uint16_t port)
{
	net_xdp_match_t m = {.family = family, .port = port};
	if (addr == NULL) {
		m.any = true;
	} else {
		assert_int_equal(inet_pton(family, addr, m.addr), 1);
	}
	return m;
}

/* ===== Loading and running ================================================ */

/* Load the program for \p m; -1 (and the test is skipped) without BPF. */
static int load(const net_xdp_match_t *m, size_t n)
{
	struct bpf_insn insns[NET_XDP_PROG_MAX];
	int cnt = net_xdp_prog_build(m, n, map_fd, MATCHED, MAX_LEN, insns,
	                             NET_XDP_PROG_MAX);
	assert_true(cnt > 0);
	char log[8192] = "";
	LIBBPF_OPTS(bpf_prog_load_opts, o, .log_buf = log,
	            .log_size = sizeof(log), .log_level = 1);
	int fd = bpf_prog_load(BPF_PROG_TYPE_XDP, "dz_test", "BSD", insns,
	                       (size_t)cnt, &o);
	if (fd < 0) {
		print_error("verifier: %s\n", log);
	}
	assert_true(fd >= 0);
	return fd;
}

static int run(int prog, const uint8_t *frame, size_t len)
{
	uint8_t out[4096];
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = frame,
	            .data_size_in = (uint32_t)len, .data_out = out,
	            .data_size_out = sizeof(out), .repeat = 1);
	assert_int_equal(bpf_prog_test_run_opts(prog, &o), 0);
	return (int)o.retval;
}

static int setup(void **state)
{
	(void)state;
	libbpf_set_print(NULL);
	map_fd = bpf_map_create(BPF_MAP_TYPE_XSKMAP, "dz_test", 4, 4, 1, NULL);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (map_fd >= 0) {
		close(map_fd);
	}
	return 0;
}

/* BPF needs CAP_BPF/CAP_SYS_ADMIN: without it there is nothing to run. */
static void need_bpf(void)
{
	if (map_fd < 0) {
		print_message("no BPF here (%s): skipped\n", strerror(errno));
		skip();
	}
}

/* ===== Tests ============================================================== */

static void ipv4_to_listen_address_and_port_is_redirected(void **state)
{
	(void)state;
	need_bpf();
	net_xdp_match_t m = match(AF_INET, "127.0.0.71", 5353);
	int p = load(&m, 1);
	uint8_t f[4096];
	assert_int_equal(run(p, f, v4_frame(f, "127.0.0.71", 5353, 30)),
	                 MATCHED);
	assert_int_equal(run(p, f, v4_frame(f, "127.0.0.72", 5353, 30)),
	                 XDP_PASS);
	assert_int_equal(run(p, f, v4_frame(f, "127.0.0.71", 5354, 30)),
	                 XDP_PASS);
	close(p);
}

static void ipv4_other_than_plain_udp_goes_to_the_stack(void **state)
{
	(void)state;
	need_bpf();
	net_xdp_match_t m = match(AF_INET, "127.0.0.71", 53);
	int p = load(&m, 1);
	uint8_t f[4096];
	size_t len = v4_frame(f, "127.0.0.71", 53, 30);
	f[23] = 6; /* TCP */
	assert_int_equal(run(p, f, len), XDP_PASS);
	len = v4_frame(f, "127.0.0.71", 53, 30);
	f[14] = 0x46; /* options: the kernel handles them */
	assert_int_equal(run(p, f, len), XDP_PASS);
	len = v4_frame(f, "127.0.0.71", 53, 30);
	f[20] = 0x20; /* more fragments */
	assert_int_equal(run(p, f, len), XDP_PASS);
	len = v4_frame(f, "127.0.0.71", 53, 30);
	f[21] = 0x01; /* a fragment offset */
	assert_int_equal(run(p, f, len), XDP_PASS);
	len = v4_frame(f, "127.0.0.71", 53, 30);
	f[20] = 0x40; /* DF alone is fine */
	assert_int_equal(run(p, f, len), MATCHED);
	len = v4_frame(f, "127.0.0.71", 53, 30);
	f[12] = 0x08;
	f[13] = 0x06; /* ARP */
	assert_int_equal(run(p, f, len), XDP_PASS);
	close(p);
}

static void short_and_long_frames_go_to_the_stack(void **state)
{
	(void)state;
	need_bpf();
	net_xdp_match_t m = match(AF_INET, "127.0.0.71", 53);
	int p = load(&m, 1);
	uint8_t f[4096];
	size_t len = v4_frame(f, "127.0.0.71", 53, 0);
	assert_int_equal(run(p, f, len), MATCHED); /* 42: headers only */
	/* BPF_PROG_TEST_RUN wants an Ethernet header at least. */
	assert_int_equal(run(p, f, 41), XDP_PASS);
	assert_int_equal(run(p, f, v4_frame(f, "127.0.0.71", 53, MAX_LEN - 42)),
	                 MATCHED);
	assert_int_equal(
	        run(p, f, v4_frame(f, "127.0.0.71", 53, MAX_LEN - 42 + 1)),
	        XDP_PASS);
	close(p);
}

static void ipv6_to_listen_address_is_redirected(void **state)
{
	(void)state;
	need_bpf();
	net_xdp_match_t m[2] = {match(AF_INET, "127.0.0.71", 53),
	                        match(AF_INET6, "2001:db8::53", 53)};
	int p = load(m, 2);
	uint8_t f[4096];
	assert_int_equal(run(p, f, v6_frame(f, "2001:db8::53", 53, 20)),
	                 MATCHED);
	assert_int_equal(run(p, f, v6_frame(f, "2001:db8::54", 53, 20)),
	                 XDP_PASS);
	/* Last word differs only in its last octet. */
	assert_int_equal(run(p, f, v6_frame(f, "2001:db8::52", 53, 20)),
	                 XDP_PASS);
	size_t len = v6_frame(f, "2001:db8::53", 53, 20);
	f[20] = 0; /* hop-by-hop extension header */
	assert_int_equal(run(p, f, len), XDP_PASS);
	/* The IPv4 listener still matches in the same program. */
	assert_int_equal(run(p, f, v4_frame(f, "127.0.0.71", 53, 20)),
	                 MATCHED);
	close(p);
}

static void wildcard_listener_matches_any_address_on_its_port(void **state)
{
	(void)state;
	need_bpf();
	net_xdp_match_t m[2] = {match(AF_INET, NULL, 5300),
	                        match(AF_INET6, NULL, 5300)};
	int p = load(m, 2);
	uint8_t f[4096];
	assert_int_equal(run(p, f, v4_frame(f, "10.1.2.3", 5300, 12)),
	                 MATCHED);
	assert_int_equal(run(p, f, v6_frame(f, "2001:db8::9", 5300, 12)),
	                 MATCHED);
	assert_int_equal(run(p, f, v4_frame(f, "10.1.2.3", 5301, 12)),
	                 XDP_PASS);
	close(p);
}

static void build_rejects_bad_input(void **state)
{
	(void)state;
	struct bpf_insn insns[NET_XDP_PROG_MAX];
	net_xdp_match_t m = match(AF_INET, "127.0.0.1", 53);
	assert_int_equal(net_xdp_prog_build(&m, 0, 3, XDP_PASS, MAX_LEN, insns,
	                                    NET_XDP_PROG_MAX),
	                 DZ_EINVAL);
	net_xdp_match_t bad = m;
	bad.family = AF_UNIX;
	assert_int_equal(net_xdp_prog_build(&bad, 1, 3, XDP_PASS, MAX_LEN,
	                                    insns, NET_XDP_PROG_MAX),
	                 DZ_EINVAL);
	assert_int_equal(net_xdp_prog_build(&m, 1, 3, XDP_PASS, 10, insns,
	                                    NET_XDP_PROG_MAX),
	                 DZ_EINVAL);
	assert_int_equal(
	        net_xdp_prog_build(&m, 1, 3, XDP_PASS, MAX_LEN, insns, 8),
	        DZ_ESPACE);
	net_xdp_match_t many[NET_XDP_MATCH_MAX + 1];
	for (size_t i = 0; i <= NET_XDP_MATCH_MAX; i++) {
		many[i] = m;
	}
	assert_int_equal(net_xdp_prog_build(many, NET_XDP_MATCH_MAX + 1, 3,
	                                    XDP_PASS, MAX_LEN, insns,
	                                    NET_XDP_PROG_MAX),
	                 DZ_EINVAL);
	/* The largest program fits its bound. */
	for (size_t i = 0; i < NET_XDP_MATCH_MAX; i++) {
		many[i] = match(i % 2 ? AF_INET6 : AF_INET,
		                i % 2 ? "2001:db8::1" : "192.0.2.1",
		                (uint16_t)(53 + i));
	}
	assert_true(net_xdp_prog_build(many, NET_XDP_MATCH_MAX, 3, XDP_PASS,
	                               MAX_LEN, insns, NET_XDP_PROG_MAX) > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(ipv4_to_listen_address_and_port_is_redirected),
	        cmocka_unit_test(ipv4_other_than_plain_udp_goes_to_the_stack),
	        cmocka_unit_test(short_and_long_frames_go_to_the_stack),
	        cmocka_unit_test(ipv6_to_listen_address_is_redirected),
	        cmocka_unit_test(wildcard_listener_matches_any_address_on_its_port),
	        cmocka_unit_test(build_rejects_bad_input),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
