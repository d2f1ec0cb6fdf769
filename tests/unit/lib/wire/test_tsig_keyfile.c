/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for the TSIG key file parser (lib/wire/tsig_keyfile.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "lib/util/errcode.h"
#include "lib/wire/tsig_keyfile.h"

static size_t read_file(const char *name, char *buf, size_t cap)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/tsig/keys/%s", DZ_TEST_DATA, name);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	size_t n = fread(buf, 1, cap, f);
	fclose(f);
	return n;
}

static void keyfile_good_file_with_every_comment_style(void **state)
{
	(void)state;
	char text[4096];
	dz_tsig_key_t keys[4];
	size_t count = 0;
	size_t len = read_file("good.key", text, sizeof(text));
	assert_int_equal(dz_tsig_keyfile_parse(text, len, keys, 4, &count,
	                                       NULL),
	                 DZ_OK);
	assert_int_equal(count, 3);
	assert_memory_equal(keys[0].name, "\x08" "ddns-key\x07" "example", 18);
	assert_int_equal(keys[0].alg, DZ_TSIG_HMAC_SHA256);
	assert_int_equal(keys[0].secret_len, 32);
	assert_int_equal(keys[0].secret[31], 32);
	assert_memory_equal(keys[1].name, "\x07xfr-key", 9);
	assert_int_equal(keys[1].alg, DZ_TSIG_HMAC_MD5);
	assert_int_equal(keys[1].secret_len, 12);
	assert_int_equal(keys[1].secret[11], 12);
	assert_memory_equal(keys[2].name, "\x02k3", 4);
	assert_int_equal(keys[2].alg, DZ_TSIG_HMAC_SHA512);
	assert_int_equal(keys[2].secret_len, 3);
}

static void keyfile_empty_and_comment_only(void **state)
{
	(void)state;
	dz_tsig_key_t keys[1];
	size_t count = 99;
	assert_int_equal(dz_tsig_keyfile_parse("", 0, keys, 1, &count, NULL),
	                 DZ_OK);
	assert_int_equal(count, 0);
	const char *t = "# nothing\n// here\n/* at\nall */\n";
	assert_int_equal(dz_tsig_keyfile_parse(t, strlen(t), keys, 1, &count,
	                                       NULL),
	                 DZ_OK);
	assert_int_equal(count, 0);
}

static void keyfile_names_match_case_insensitively(void **state)
{
	(void)state;
	dz_tsig_key_t keys[2];
	size_t count;
	dz_tsig_keyfile_diag_t d;
	const char *t = "key \"Ab.\" { algorithm hmac-sha1; secret AQID; };\n"
	                "key ab { algorithm hmac-sha1; secret AQID; };\n";
	assert_int_equal(dz_tsig_keyfile_parse(t, strlen(t), keys, 2, &count,
	                                       &d),
	                 DZ_ESYNTAX);
	assert_int_equal(d.why, DZ_TSIG_KEYFILE_DUP_KEY);
	assert_int_equal(d.line, 2);
	assert_int_equal(d.col, 1);
}

static const struct {
	const char *text;
	dz_tsig_keyfile_why_t why;
	unsigned line, col;
} errors[] = {
        {"key \"a\" {\n\talgorithm hmac-sha1;\n\tsecret \"AQID\";\n}",
         DZ_TSIG_KEYFILE_UNEXPECTED_EOF, 4, 2},
        {"key \"a\" {\n\talgorithm hmac-sha1;\n\tsecret \"AQID\";\n} key",
         DZ_TSIG_KEYFILE_EXPECTED_SEMI, 4, 3},
        {"\n\noptions { };", DZ_TSIG_KEYFILE_UNKNOWN_STATEMENT, 3, 1},
        {"key {", DZ_TSIG_KEYFILE_EXPECTED_NAME, 1, 5},
        {"key a\n  algorithm", DZ_TSIG_KEYFILE_EXPECTED_LBRACE, 2, 3},
        {"key a {\n algorithm ;", DZ_TSIG_KEYFILE_EXPECTED_VALUE, 2, 12},
        {"key a {\n algorithm hmac-sha1 secret", DZ_TSIG_KEYFILE_EXPECTED_SEMI,
         2, 22},
        {"key a {\n  bits 128;", DZ_TSIG_KEYFILE_UNKNOWN_CLAUSE, 2, 3},
        {"key a {\n  \"secret\" AQID;", DZ_TSIG_KEYFILE_UNKNOWN_CLAUSE, 2, 3},
        {"key a { secret AQID;\n secret AQID; };", DZ_TSIG_KEYFILE_DUP_CLAUSE,
         2, 2},
        {"key a..b { };", DZ_TSIG_KEYFILE_BAD_NAME, 1, 5},
        {"key \"\" { };", DZ_TSIG_KEYFILE_BAD_NAME, 1, 5},
        {"key a {\n algorithm hmac-sha999;", DZ_TSIG_KEYFILE_BAD_ALGORITHM, 2,
         12},
        {"key a {\n secret \"not base64!\";", DZ_TSIG_KEYFILE_BAD_SECRET, 2, 9},
        {"key a {\n secret \"\";", DZ_TSIG_KEYFILE_BAD_SECRET, 2, 9},
        {"# k\nkey a { secret AQID; };", DZ_TSIG_KEYFILE_MISSING_ALGORITHM, 2,
         1},
        {"key a { algorithm hmac-md5; };", DZ_TSIG_KEYFILE_MISSING_SECRET, 1,
         1},
        {"key a {\n secret \"AQID;\n};\n", DZ_TSIG_KEYFILE_UNTERM_STRING, 2, 9},
        {"key a { /* secret\n\n", DZ_TSIG_KEYFILE_UNTERM_COMMENT, 1, 9},
        {"key a {\n\x01", DZ_TSIG_KEYFILE_BAD_CHAR, 2, 1},
        {"key a { algorithm hmac-md5; secret AQID; };\n"
         "key b { algorithm hmac-md5; secret AQID; };\n"
         "key c { algorithm hmac-md5; secret AQID; };\n",
         DZ_TSIG_KEYFILE_TOO_MANY_KEYS, 3, 1},
};

static void keyfile_every_error_with_line_and_column(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(errors) / sizeof(errors[0]); i++) {
		dz_tsig_key_t keys[2];
		size_t count = 77;
		dz_tsig_keyfile_diag_t d = {0};
		int want = errors[i].why == DZ_TSIG_KEYFILE_TOO_MANY_KEYS
		                   ? DZ_ELIMIT
		                   : DZ_ESYNTAX;
		int ret = dz_tsig_keyfile_parse(errors[i].text,
		                                strlen(errors[i].text), keys, 2,
		                                &count, &d);
		if (ret != want || d.why != errors[i].why ||
		    d.line != errors[i].line || d.col != errors[i].col) {
			print_error("case %zu: ret %d why %d (%s) at %u:%u\n", i,
			            ret, d.why, dz_tsig_keyfile_why_str(d.why),
			            d.line, d.col);
		}
		assert_int_equal(ret, want);
		assert_int_equal(d.why, errors[i].why);
		assert_int_equal(d.line, errors[i].line);
		assert_int_equal(d.col, errors[i].col);
		assert_int_equal(count, 77); /* untouched on failure */
	}
}

static void keyfile_why_strings(void **state)
{
	(void)state;
	assert_string_equal(dz_tsig_keyfile_why_str(DZ_TSIG_KEYFILE_DUP_KEY),
	                    "duplicate key name");
	assert_string_equal(dz_tsig_keyfile_why_str(
	                            (dz_tsig_keyfile_why_t)999),
	                    "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(keyfile_good_file_with_every_comment_style),
	        cmocka_unit_test(keyfile_empty_and_comment_only),
	        cmocka_unit_test(keyfile_names_match_case_insensitively),
	        cmocka_unit_test(keyfile_every_error_with_line_and_column),
	        cmocka_unit_test(keyfile_why_strings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
