/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for the control-channel frame codec (lib/ctl/ctl_proto.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/ctl/ctl_proto.h"
#include "lib/util/errcode.h"

/* The request is ~16 KiB: keep it off cmocka's stack-hungry frames. */
static dz_ctl_req_t req, back;
static uint8_t buf[DZ_CTL_REQ_MAX + 16];

static int encode(uint8_t flags, size_t argc, const char *const *argv)
{
	assert_int_equal(dz_ctl_req_init(&req, flags, argc, argv), DZ_OK);
	return dz_ctl_req_to_wire(&req, buf, sizeof(buf));
}

static void req_round_trip_keeps_command_args_and_flags(void **state)
{
	(void)state;
	const char *argv[] = {"status", "example.test.", "zwölf"};
	int n = encode(DZ_CTL_FLAG_JSON, 3, argv);
	/* 4 prefix + 4 header + (2+6) + (2+13) + (2+6) */
	assert_int_equal(n, 4 + 4 + 8 + 15 + 8);
	const uint8_t head[] = {0, 0, 0, 35, 1, 1, 1, 3, 0, 6, 's'};
	assert_memory_equal(buf, head, sizeof(head));
	memset(&back, 0xaa, sizeof(back));
	assert_int_equal(dz_ctl_req_from_wire(buf, (size_t)n, &back), DZ_OK);
	assert_int_equal(back.flags, DZ_CTL_FLAG_JSON);
	assert_int_equal(back.argc, 3);
	assert_string_equal(back.arg[0], "status");
	assert_string_equal(back.arg[1], "example.test.");
	assert_string_equal(back.arg[2], "zwölf");
}

static void req_round_trip_at_every_limit(void **state)
{
	(void)state;
	static char big[DZ_CTL_MAX_ARG_LEN + 1];
	memset(big, 'x', DZ_CTL_MAX_ARG_LEN);
	const char *argv[DZ_CTL_MAX_ARGS];
	argv[0] = "abcdefghijklmnopqrstuvwxyz-01234"; /* 32 octets */
	for (size_t i = 1; i < DZ_CTL_MAX_ARGS; i++) {
		argv[i] = big;
	}
	int n = encode(0, DZ_CTL_MAX_ARGS, argv);
	assert_true(n > 0);
	assert_true((size_t)n <= DZ_CTL_REQ_MAX);
	assert_int_equal(dz_ctl_req_from_wire(buf, (size_t)n, &back), DZ_OK);
	assert_int_equal(back.argc, DZ_CTL_MAX_ARGS);
	assert_string_equal(back.arg[15], big);
}

static void req_init_rejects_what_the_decoder_rejects(void **state)
{
	(void)state;
	static char big[DZ_CTL_MAX_ARG_LEN + 2];
	memset(big, 'x', DZ_CTL_MAX_ARG_LEN + 1);
	const char *argv[DZ_CTL_MAX_ARGS + 1];
	for (size_t i = 0; i <= DZ_CTL_MAX_ARGS; i++) {
		argv[i] = "stats";
	}
	assert_int_equal(dz_ctl_req_init(&req, 0, 0, argv), DZ_EMALF);
	assert_int_equal(dz_ctl_req_init(&req, 0x02, 1, argv), DZ_EMALF);
	assert_int_equal(dz_ctl_req_init(&req, 0, DZ_CTL_MAX_ARGS + 1, argv),
	                 DZ_ELIMIT);
	const char *bad_cmd[][1] = {{"Status"}, {"1st"}, {""}, {"st atus"},
	                            {"-x"}};
	for (size_t i = 0; i < sizeof(bad_cmd) / sizeof(bad_cmd[0]); i++) {
		assert_int_equal(dz_ctl_req_init(&req, 0, 1, bad_cmd[i]),
		                 DZ_EMALF);
	}
	const char *long_cmd[] = {"abcdefghijklmnopqrstuvwxyz-012345"};
	assert_int_equal(dz_ctl_req_init(&req, 0, 1, long_cmd), DZ_ELIMIT);
	const char *long_arg[] = {"status", big};
	assert_int_equal(dz_ctl_req_init(&req, 0, 2, long_arg), DZ_ELIMIT);
	const char *bad_args[] = {"", "a\nb", "tab\there", "\x7f", "\xc3",
	                          "\xc0\xaf", "\xed\xa0\x80", "\xc2\x9b"};
	for (size_t i = 0; i < sizeof(bad_args) / sizeof(bad_args[0]); i++) {
		const char *v[] = {"status", bad_args[i]};
		assert_int_equal(dz_ctl_req_init(&req, 0, 2, v), DZ_EMALF);
	}
}

static void req_to_wire_small_buffer_is_espace(void **state)
{
	(void)state;
	const char *argv[] = {"help"};
	assert_int_equal(dz_ctl_req_init(&req, 0, 1, argv), DZ_OK);
	assert_int_equal(dz_ctl_req_to_wire(&req, buf, 3), DZ_ESPACE);
	assert_int_equal(dz_ctl_req_to_wire(&req, buf, 13), DZ_ESPACE);
	assert_int_equal(dz_ctl_req_to_wire(&req, buf, 14), 14);
}

static int decode_bytes(const uint8_t *in, size_t len)
{
	memcpy(buf, in, len);
	return dz_ctl_req_from_wire(buf, len, &back);
}

static void req_decode_short_frames_are_etrunc(void **state)
{
	(void)state;
	const uint8_t prefix_only[] = {0, 0};
	assert_int_equal(decode_bytes(prefix_only, 2), DZ_ETRUNC);
	assert_int_equal(decode_bytes(prefix_only, 0), DZ_ETRUNC);
	/* Length says 10, only 6 body octets present. */
	const uint8_t short_body[] = {0, 0, 0, 10, 1, 1, 0, 1, 0, 4};
	assert_int_equal(decode_bytes(short_body, sizeof(short_body)),
	                 DZ_ETRUNC);
	/* Whole frame, but the string inside claims more than is left. */
	const uint8_t short_str[] = {0, 0, 0, 8, 1, 1, 0, 1, 0, 5, 'h', 'e'};
	assert_int_equal(decode_bytes(short_str, sizeof(short_str)), DZ_ETRUNC);
	/* Header cut after the version. */
	const uint8_t short_hdr[] = {0, 0, 0, 1, 1};
	assert_int_equal(decode_bytes(short_hdr, sizeof(short_hdr)), DZ_ETRUNC);
	/* Fewer strings than argc says. */
	const uint8_t few[] = {0, 0, 0, 10, 1, 1, 0, 2, 0, 4, 'h', 'e', 'l', 'p'};
	assert_int_equal(decode_bytes(few, sizeof(few)), DZ_ETRUNC);
}

static void req_decode_length_over_max_is_elimit(void **state)
{
	(void)state;
	const uint8_t over[] = {0, 0x10, 0, 1, 1, 1, 0, 1};
	assert_int_equal(decode_bytes(over, sizeof(over)), DZ_ELIMIT);
	const uint8_t huge[] = {0xff, 0xff, 0xff, 0xff, 1, 1, 0, 1};
	assert_int_equal(decode_bytes(huge, sizeof(huge)), DZ_ELIMIT);
	size_t flen = 0;
	const uint8_t at_max[] = {0, 0x10, 0, 0};
	assert_int_equal(dz_ctl_frame_len(at_max, 4, DZ_CTL_FRAME_MAX, &flen),
	                 DZ_OK);
	assert_int_equal(flen, DZ_CTL_FRAME_HDR + DZ_CTL_FRAME_MAX);
	assert_int_equal(dz_ctl_frame_len(at_max, 4, 100, &flen), DZ_ELIMIT);
	assert_int_equal(dz_ctl_frame_len(at_max, 3, 100, &flen), DZ_ETRUNC);
	/* Too many strings and a too long string. */
	const uint8_t argc17[] = {0, 0, 0, 4, 1, 1, 0, 17};
	assert_int_equal(decode_bytes(argc17, sizeof(argc17)), DZ_ELIMIT);
	static uint8_t longarg[4 + 4 + 6 + 2 + DZ_CTL_MAX_ARG_LEN + 1];
	const uint8_t lhead[] = {0, 0, 0x04, 0x0d, 1, 1, 0, 2, 0, 4, 'h', 'e',
	                         'l', 'p', 0x04, 0x01};
	memset(longarg, 'x', sizeof(longarg));
	memcpy(longarg, lhead, sizeof(lhead));
	assert_int_equal(decode_bytes(longarg, sizeof(longarg)), DZ_ELIMIT);
	const uint8_t longcmd[] = {0, 0, 0, 39, 1, 1, 0, 1, 0, 33,
	                           'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a',
	                           'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a',
	                           'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a',
	                           'a', 'a', 'a', 'a', 'a', 'a'};
	assert_int_equal(decode_bytes(longcmd, sizeof(longcmd)), DZ_ELIMIT);
}

static void req_decode_bad_fields_are_exact(void **state)
{
	(void)state;
	const uint8_t zero_len[] = {0, 0, 0, 0};
	assert_int_equal(decode_bytes(zero_len, 4), DZ_EMALF);
	const uint8_t version2[] = {0, 0, 0, 10, 2, 1, 0, 1, 0, 4, 'h', 'e',
	                            'l', 'p'};
	assert_int_equal(decode_bytes(version2, sizeof(version2)), DZ_ENOTSUP);
	const uint8_t resp_type[] = {0, 0, 0, 10, 1, 2, 0, 1, 0, 4, 'h', 'e',
	                             'l', 'p'};
	assert_int_equal(decode_bytes(resp_type, sizeof(resp_type)), DZ_EMALF);
	const uint8_t flag[] = {0, 0, 0, 10, 1, 1, 0x80, 1, 0, 4, 'h', 'e',
	                        'l', 'p'};
	assert_int_equal(decode_bytes(flag, sizeof(flag)), DZ_EMALF);
	const uint8_t argc0[] = {0, 0, 0, 4, 1, 1, 0, 0};
	assert_int_equal(decode_bytes(argc0, sizeof(argc0)), DZ_EMALF);
	const uint8_t upper[] = {0, 0, 0, 10, 1, 1, 0, 1, 0, 4, 'H', 'e',
	                         'l', 'p'};
	assert_int_equal(decode_bytes(upper, sizeof(upper)), DZ_EMALF);
	const uint8_t nul_cmd[] = {0, 0, 0, 10, 1, 1, 0, 1, 0, 4, 'h', 0,
	                           'l', 'p'};
	assert_int_equal(decode_bytes(nul_cmd, sizeof(nul_cmd)), DZ_EMALF);
	const uint8_t empty_arg[] = {0, 0, 0, 12, 1, 1, 0, 2, 0, 4, 'h', 'e',
	                             'l', 'p', 0, 0};
	assert_int_equal(decode_bytes(empty_arg, sizeof(empty_arg)), DZ_EMALF);
	const uint8_t nul_arg[] = {0, 0, 0, 13, 1, 1, 0, 2, 0, 4, 'h', 'e',
	                           'l', 'p', 0, 1, 0};
	assert_int_equal(decode_bytes(nul_arg, sizeof(nul_arg)), DZ_EMALF);
	const uint8_t bad_utf8[] = {0, 0, 0, 14, 1, 1, 0, 2, 0, 4, 'h', 'e',
	                            'l', 'p', 0, 2, 0xe2, 0x82};
	assert_int_equal(decode_bytes(bad_utf8, sizeof(bad_utf8)), DZ_EMALF);
}

static void req_decode_trailing_bytes_are_etrail(void **state)
{
	(void)state;
	/* An octet after the last string, inside the frame. */
	const uint8_t inside[] = {0, 0, 0, 11, 1, 1, 0, 1, 0, 4, 'h', 'e',
	                          'l', 'p', 0};
	assert_int_equal(decode_bytes(inside, sizeof(inside)), DZ_ETRAIL);
	/* A whole frame followed by more octets in the buffer. */
	const uint8_t after[] = {0, 0, 0, 10, 1, 1, 0, 1, 0, 4, 'h', 'e',
	                         'l', 'p', 0, 0};
	assert_int_equal(decode_bytes(after, sizeof(after)), DZ_ETRAIL);
	assert_int_equal(decode_bytes(after, sizeof(after) - 2), DZ_OK);
	assert_string_equal(back.arg[0], "help");
}

static void req_decode_failure_leaves_output_alone(void **state)
{
	(void)state;
	memset(&back, 0x5a, sizeof(back));
	const uint8_t bad[] = {0, 0, 0, 12, 1, 1, 0, 2, 0, 4, 'h', 'e', 'l',
	                       'p', 0, 0};
	assert_int_equal(decode_bytes(bad, sizeof(bad)), DZ_EMALF);
	assert_int_equal(back.flags, 0x5a);
	assert_int_equal((unsigned char)back.arg[0][0], 0x5a);
}

static void resp_round_trip_keeps_status_and_text(void **state)
{
	(void)state;
	const char *text = "zone example.test. serial 7\n\tloaded ✓\n";
	dz_ctl_resp_t r = {.status = DZ_ENOTFOUND, .text = text,
	                   .text_len = strlen(text)};
	int n = dz_ctl_resp_to_wire(&r, buf, sizeof(buf));
	assert_int_equal(n, DZ_CTL_RESP_HDR + (int)strlen(text));
	dz_ctl_resp_t out = {0};
	assert_int_equal(dz_ctl_resp_from_wire(buf, (size_t)n, &out), DZ_OK);
	assert_int_equal(out.status, DZ_ENOTFOUND);
	assert_int_equal(out.text_len, strlen(text));
	assert_memory_equal(out.text, text, strlen(text));
	/* Empty text, ok status: header only. */
	dz_ctl_resp_t empty = {.status = DZ_OK, .text = NULL, .text_len = 0};
	n = dz_ctl_resp_to_wire(&empty, buf, sizeof(buf));
	assert_int_equal(n, DZ_CTL_RESP_HDR);
	const uint8_t wire[] = {0, 0, 0, 7, 1, 2, 0, 0, 0, 0, 0};
	assert_memory_equal(buf, wire, sizeof(wire));
	assert_int_equal(dz_ctl_resp_from_wire(buf, (size_t)n, &out), DZ_OK);
	assert_int_equal(out.status, DZ_OK);
	assert_int_equal(out.text_len, 0);
}

static void resp_encode_rejects_bad_values(void **state)
{
	(void)state;
	dz_ctl_resp_t pos = {.status = 1, .text = "x", .text_len = 1};
	assert_int_equal(dz_ctl_resp_to_wire(&pos, buf, sizeof(buf)), DZ_EINVAL);
	dz_ctl_resp_t esc = {.status = 0, .text = "\x1b[2J", .text_len = 4};
	assert_int_equal(dz_ctl_resp_to_wire(&esc, buf, sizeof(buf)), DZ_EMALF);
	dz_ctl_resp_t ok = {.status = 0, .text = "abc", .text_len = 3};
	assert_int_equal(dz_ctl_resp_to_wire(&ok, buf, DZ_CTL_RESP_HDR + 2),
	                 DZ_ESPACE);
	assert_int_equal(dz_ctl_resp_to_wire(&ok, buf, 4), DZ_ESPACE);
	dz_ctl_resp_t big = {.status = 0, .text = "x",
	                     .text_len = DZ_CTL_RESP_TEXT_MAX + 1};
	assert_int_equal(dz_ctl_resp_to_wire(&big, buf, sizeof(buf)),
	                 DZ_ELIMIT);
	assert_int_equal(dz_ctl_resp_hdr_to_wire(0, DZ_CTL_RESP_TEXT_MAX, buf,
	                                         DZ_CTL_RESP_HDR),
	                 DZ_OK);
	const uint8_t max_len[] = {0, 0x10, 0, 0};
	assert_memory_equal(buf, max_len, 4);
}

static void resp_decode_errors_are_exact(void **state)
{
	(void)state;
	dz_ctl_resp_t out;
	const uint8_t positive[] = {0, 0, 0, 7, 1, 2, 0, 0, 0, 0, 1};
	assert_int_equal(dz_ctl_resp_from_wire(positive, 11, &out), DZ_EMALF);
	const uint8_t flags[] = {0, 0, 0, 7, 1, 2, 1, 0, 0, 0, 0};
	assert_int_equal(dz_ctl_resp_from_wire(flags, 11, &out), DZ_EMALF);
	const uint8_t req_type[] = {0, 0, 0, 7, 1, 1, 0, 0, 0, 0, 0};
	assert_int_equal(dz_ctl_resp_from_wire(req_type, 11, &out), DZ_EMALF);
	const uint8_t version[] = {0, 0, 0, 7, 9, 2, 0, 0, 0, 0, 0};
	assert_int_equal(dz_ctl_resp_from_wire(version, 11, &out), DZ_ENOTSUP);
	const uint8_t short_hdr[] = {0, 0, 0, 5, 1, 2, 0, 0xff, 0xff};
	assert_int_equal(dz_ctl_resp_from_wire(short_hdr, 9, &out), DZ_ETRUNC);
	assert_int_equal(dz_ctl_resp_from_wire(positive, 10, &out), DZ_ETRUNC);
	const uint8_t trail[] = {0, 0, 0, 7, 1, 2, 0, 0, 0, 0, 0, 'x'};
	assert_int_equal(dz_ctl_resp_from_wire(trail, 12, &out), DZ_ETRAIL);
	const uint8_t ctrl[] = {0, 0, 0, 8, 1, 2, 0, 0, 0, 0, 0, 0x07};
	assert_int_equal(dz_ctl_resp_from_wire(ctrl, 12, &out), DZ_EMALF);
	const uint8_t over[] = {0, 0x10, 0, 1, 1, 2, 0, 0, 0, 0, 0};
	assert_int_equal(dz_ctl_resp_from_wire(over, 11, &out), DZ_ELIMIT);
	/* A negative status round-trips through two's complement. */
	const uint8_t neg[] = {0, 0, 0, 7, 1, 2, 0, 0xff, 0xff, 0xfc, 0x18};
	assert_int_equal(dz_ctl_resp_from_wire(neg, 11, &out), DZ_OK);
	assert_int_equal(out.status, -1000);
}

static void text_rules_allow_tab_lf_and_utf8_only(void **state)
{
	(void)state;
	assert_true(dz_ctl_text_is_valid("a\tb\n", 4));
	assert_true(dz_ctl_text_is_valid("\xf0\x9f\x98\x80", 4));
	assert_false(dz_ctl_text_is_valid("\r", 1));
	assert_false(dz_ctl_text_is_valid("\xf4\x90\x80\x80", 4)); /* >10FFFF */
	assert_false(dz_ctl_text_is_valid("\xe0\x80\x80", 3));     /* overlong */
	assert_false(dz_ctl_text_is_valid("\xff", 1));
	assert_true(dz_ctl_arg_is_valid("ns1.example.test.", 17));
	assert_false(dz_ctl_arg_is_valid("a\tb", 3));
	assert_true(dz_ctl_cmd_is_valid("retransfer", 10));
	assert_false(dz_ctl_cmd_is_valid("re_transfer", 11));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(req_round_trip_keeps_command_args_and_flags),
	        cmocka_unit_test(req_round_trip_at_every_limit),
	        cmocka_unit_test(req_init_rejects_what_the_decoder_rejects),
	        cmocka_unit_test(req_to_wire_small_buffer_is_espace),
	        cmocka_unit_test(req_decode_short_frames_are_etrunc),
	        cmocka_unit_test(req_decode_length_over_max_is_elimit),
	        cmocka_unit_test(req_decode_bad_fields_are_exact),
	        cmocka_unit_test(req_decode_trailing_bytes_are_etrail),
	        cmocka_unit_test(req_decode_failure_leaves_output_alone),
	        cmocka_unit_test(resp_round_trip_keeps_status_and_text),
	        cmocka_unit_test(resp_encode_rejects_bad_values),
	        cmocka_unit_test(resp_decode_errors_are_exact),
	        cmocka_unit_test(text_rules_allow_tab_lf_and_utf8_only),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
