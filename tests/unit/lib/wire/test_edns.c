/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for lib/wire/edns: OPT fields, option walking, EDE, rendering, extended rcode split. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/util/errcode.h"
#include "lib/wire/edns.h"
#include "lib/wire/msg.h"
#include "lib/wire/rrtype.h"

/* Parse \p len octets of options copied to an exact-size heap buffer, so
 * ASan catches any read past them. */
static int parse_opts(dz_edns_t *e, const void *opts, size_t len,
                      uint16_t rclass, uint32_t ttl)
{
	uint8_t *buf = malloc(len > 0 ? len : 1);
	assert_non_null(buf);
	memcpy(buf, opts, len);
	int ret = dz_edns_parse(e, buf, rclass, ttl, 0, (uint16_t)len);
	free(buf);
	return ret;
}

static void edns_parse_reads_fixed_fields(void **state)
{
	(void)state;
	dz_edns_t e;
	memset(&e, 0, sizeof(e));
	assert_int_equal(parse_opts(&e, "", 0, 1232, 0x01008000), DZ_OK);
	assert_true(e.present);
	assert_int_equal(e.udp_size, 1232);
	assert_int_equal(e.ext_rcode, 1);
	assert_int_equal(e.version, 0);
	assert_int_equal(e.flags, DZ_EDNS_DO);
	assert_true(dz_edns_do(&e));
	assert_int_equal(e.opts_len, 0);
	assert_int_equal(parse_opts(&e, "", 0, 4096, 0x00027FFF), DZ_OK);
	assert_int_equal(e.version, 2);
	assert_false(dz_edns_do(&e));
	assert_int_equal(e.flags, 0x7FFF);
}

static void edns_parse_treats_small_udp_size_as_512(void **state)
{
	(void)state;
	dz_edns_t e;
	assert_int_equal(parse_opts(&e, "", 0, 0, 0), DZ_OK);
	assert_int_equal(e.udp_size, 512);
	assert_int_equal(parse_opts(&e, "", 0, 511, 0), DZ_OK);
	assert_int_equal(e.udp_size, 512);
	assert_int_equal(parse_opts(&e, "", 0, 513, 0), DZ_OK);
	assert_int_equal(e.udp_size, 513);
}

static void edns_parse_walks_options(void **state)
{
	(void)state;
	static const uint8_t opts[] = {
		0, 10, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8, /* cookie */
		0, 3, 0, 0,                          /* nsid, empty */
		0xFF, 0xFE, 0, 1, 0x42,              /* unknown */
	};
	dz_edns_t e;
	dz_edns_iter_t it;
	uint16_t code, len;
	const uint8_t *data;
	assert_int_equal(parse_opts(&e, opts, sizeof(opts), 1232, 0), DZ_OK);
	assert_int_equal(e.opts_len, sizeof(opts));
	dz_edns_iter_init(&it, &e, opts);
	assert_int_equal(dz_edns_opt_next(&it, &code, &data, &len), DZ_OK);
	assert_int_equal(code, DZ_EDNS_OPT_COOKIE);
	assert_int_equal(len, 8);
	assert_ptr_equal(data, opts + 4);
	assert_int_equal(dz_edns_opt_next(&it, &code, &data, &len), DZ_OK);
	assert_int_equal(code, DZ_EDNS_OPT_NSID);
	assert_int_equal(len, 0);
	assert_int_equal(dz_edns_opt_next(&it, &code, &data, &len), DZ_OK);
	assert_int_equal(code, 0xFFFE);
	assert_int_equal(data[0], 0x42);
	assert_int_equal(dz_edns_opt_next(&it, &code, &data, &len),
	                 DZ_ENOENT);
	assert_int_equal(dz_edns_opt_find(&e, opts, DZ_EDNS_OPT_NSID, &data,
	                                  &len),
	                 DZ_OK);
	assert_ptr_equal(data, opts + 16);
	assert_int_equal(dz_edns_opt_find(&e, opts, DZ_EDNS_OPT_EDE, &data,
	                                  &len),
	                 DZ_ENOENT);
}

static void edns_parse_rejects_option_past_rdata(void **state)
{
	(void)state;
	dz_edns_t e;
	memset(&e, 0xAB, sizeof(e));
	assert_int_equal(parse_opts(&e, "\0\x0a\0\x08\1\2\3\4\5\6\7", 11,
	                            1232, 0),
	                 DZ_EOPT);
	/* out-parameter untouched on failure */
	assert_int_equal(e.udp_size, 0xABAB);
}

static void edns_parse_rejects_leftover_octets(void **state)
{
	(void)state;
	dz_edns_t e;
	for (size_t extra = 1; extra < 4; extra++) {
		uint8_t opts[8] = {0, 3, 0, 0, 0, 0, 0, 0};
		assert_int_equal(parse_opts(&e, opts, 4 + extra, 1232, 0),
		                 DZ_EOPT);
	}
	assert_int_equal(parse_opts(&e, "\0", 1, 1232, 0), DZ_EOPT);
}

static void edns_opt_next_reports_malformed_midway(void **state)
{
	(void)state;
	static const uint8_t opts[] = {0, 3, 0, 0, 0, 3, 0, 9, 1};
	dz_edns_iter_t it;
	uint16_t code, len;
	const uint8_t *data;
	dz_edns_iter_raw(&it, opts, sizeof(opts));
	assert_int_equal(dz_edns_opt_next(&it, &code, &data, &len), DZ_OK);
	assert_int_equal(dz_edns_opt_next(&it, &code, &data, &len), DZ_EOPT);
}

static void edns_opt_put_writes_and_checks_space(void **state)
{
	(void)state;
	uint8_t buf[16];
	assert_int_equal(dz_edns_opt_put(buf, sizeof(buf), 3, "ab", 2), 6);
	assert_memory_equal(buf, "\0\3\0\2ab", 6);
	assert_int_equal(dz_edns_opt_put(buf, 5, 3, "ab", 2), DZ_ESPACE);
	assert_int_equal(dz_edns_opt_put(buf, 4, 12, NULL, 0), 4);
	assert_int_equal(dz_edns_opt_put(buf, 16, 12, buf, 70000),
	                 DZ_ERANGE);
}

static void edns_ede_put_and_get_round_trip(void **state)
{
	(void)state;
	uint8_t buf[64];
	uint16_t code, len, info;
	const uint8_t *data;
	const char *text;
	size_t tlen;
	dz_edns_iter_t it;

	int n = dz_edns_ede_put(buf, sizeof(buf), 22, "no reachable", 12);
	assert_int_equal(n, 18);
	assert_memory_equal(buf, "\0\x0f\0\x0e\0\x16no reachable", 18);
	dz_edns_iter_raw(&it, buf, (size_t)n);
	assert_int_equal(dz_edns_opt_next(&it, &code, &data, &len), DZ_OK);
	assert_int_equal(code, DZ_EDNS_OPT_EDE);
	assert_int_equal(dz_edns_ede_get(data, len, &info, &text, &tlen),
	                 DZ_OK);
	assert_int_equal(info, 22);
	assert_int_equal(tlen, 12);
	assert_memory_equal(text, "no reachable", 12);
	/* Empty EXTRA-TEXT is allowed (RFC 8914 §2). */
	assert_int_equal(dz_edns_ede_put(buf, sizeof(buf), 0, NULL, 0), 6);
	assert_int_equal(dz_edns_ede_put(buf, 5, 0, NULL, 0), DZ_ESPACE);
	assert_int_equal(dz_edns_ede_get(buf + 4, 1, &info, &text, &tlen),
	                 DZ_EOPT);
}

static void edns_to_wire_writes_opt_record(void **state)
{
	(void)state;
	uint8_t pkt[64];
	dz_edns_out_t out = {.udp_size = 1232, .version = 0,
	                     .flags = DZ_EDNS_DO,
	                     .opts = (const uint8_t *)"\0\3\0\0",
	                     .opts_len = 4};
	assert_int_equal(dz_edns_wire_size(&out), 15);
	assert_int_equal(dz_edns_to_wire(&out, 1, pkt, sizeof(pkt), 3), 15);
	assert_memory_equal(pkt + 3,
	                    "\0\0\x29\x04\xd0\x01\0\x80\0\0\x04\0\3\0\0", 15);
	assert_int_equal(dz_edns_to_wire(&out, 0, pkt, 17, 3), DZ_ESPACE);
	assert_int_equal(dz_edns_to_wire(&out, 0, pkt, 18, 3), 15);
	out.udp_size = 100;
	out.opts_len = 0;
	assert_int_equal(dz_edns_to_wire(&out, 0, pkt, sizeof(pkt), 0), 11);
	assert_memory_equal(pkt, "\0\0\x29\x02\x00", 5);
}

static void edns_rcode_split_and_join(void **state)
{
	(void)state;
	assert_int_equal(dz_edns_rcode_hdr(DZ_RCODE_BADVERS), 0);
	assert_int_equal(dz_edns_rcode_ext(DZ_RCODE_BADVERS), 1);
	assert_int_equal(dz_edns_rcode_hdr(DZ_RCODE_BADCOOKIE), 7);
	assert_int_equal(dz_edns_rcode_ext(DZ_RCODE_BADCOOKIE), 1);
	assert_int_equal(dz_edns_rcode_hdr(0xFFF), 0xF);
	assert_int_equal(dz_edns_rcode_ext(0xFFF), 0xFF);
}

static void edns_message_with_ede_round_trips(void **state)
{
	(void)state;
	uint8_t pkt[512], opts[64];
	static const uint8_t qname[] = "\7example\0";
	dz_msg_hdr_t hdr = {.id = 7, .qr = true, .opcode = DZ_OPCODE_UPDATE};
	dz_msg_render_t r;
	dz_msg_t msg;
	dz_msg_diag_t diag;

	int olen = dz_edns_ede_put(opts, sizeof(opts), 18, "prohibited", 10);
	assert_true(olen > 0);
	dz_edns_out_t out = {.udp_size = 1232, .opts = opts,
	                     .opts_len = (uint16_t)olen};
	assert_int_equal(dz_msg_render_begin(&r, pkt, sizeof(pkt), &hdr),
	                 DZ_OK);
	assert_int_equal(dz_msg_render_question(&r, qname, DZ_RR_SOA,
	                                        DZ_CLASS_IN),
	                 DZ_OK);
	assert_int_equal(dz_msg_render_opt(&r, &out), DZ_OK);
	dz_msg_render_rcode(&r, DZ_RCODE_BADVERS);
	int len = dz_msg_render_finish(&r);
	assert_int_equal(len, 12 + 13 + 11 + olen);

	dz_msg_init(&msg, NULL, 0);
	assert_int_equal(dz_msg_parse(&msg, pkt, (size_t)len, NULL, &diag),
	                 DZ_OK);
	assert_true(msg.edns.present);
	assert_int_equal(msg.hdr.rcode, 0);
	assert_int_equal(dz_msg_rcode(&msg), DZ_RCODE_BADVERS);
	assert_int_equal(msg.edns.udp_size, 1232);
	const uint8_t *data;
	uint16_t dlen, info;
	const char *text;
	size_t tlen;
	assert_int_equal(dz_edns_opt_find(&msg.edns, msg.pkt,
	                                  DZ_EDNS_OPT_EDE, &data, &dlen),
	                 DZ_OK);
	assert_int_equal(dz_edns_ede_get(data, dlen, &info, &text, &tlen),
	                 DZ_OK);
	assert_int_equal(info, 18);
	assert_memory_equal(text, "prohibited", 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(edns_parse_reads_fixed_fields),
		cmocka_unit_test(edns_parse_treats_small_udp_size_as_512),
		cmocka_unit_test(edns_parse_walks_options),
		cmocka_unit_test(edns_parse_rejects_option_past_rdata),
		cmocka_unit_test(edns_parse_rejects_leftover_octets),
		cmocka_unit_test(edns_opt_next_reports_malformed_midway),
		cmocka_unit_test(edns_opt_put_writes_and_checks_space),
		cmocka_unit_test(edns_ede_put_and_get_round_trip),
		cmocka_unit_test(edns_to_wire_writes_opt_record),
		cmocka_unit_test(edns_rcode_split_and_join),
		cmocka_unit_test(edns_message_with_ede_round_trips),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
