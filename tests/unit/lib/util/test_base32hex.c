/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for base32hex (lib/util/base32hex.h), RFC 4648 §10 vectors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lib/util/base32hex.h"
#include "lib/util/errcode.h"

/* RFC 4648 §10 BASE32-HEX vectors with the padding removed (RFC 5155 §3.3). */
static const char *const vectors[][2] = {
        {"", ""},
        {"f", "CO"},
        {"fo", "CPNG"},
        {"foo", "CPNMU"},
        {"foob", "CPNMUOG"},
        {"fooba", "CPNMUOJ1"},
        {"foobar", "CPNMUOJ1E8"},
};

static void base32hex_rfc4648_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		const char *raw = vectors[i][0];
		const char *enc = vectors[i][1];
		char text[32];
		uint8_t bin[16];
		assert_int_equal(dz_base32hex_encode(text, sizeof(text),
		                                     (const uint8_t *)raw,
		                                     strlen(raw)),
		                 strlen(enc));
		assert_string_equal(text, enc);
		assert_int_equal(DZ_BASE32HEX_ENCLEN(strlen(raw)), strlen(enc));
		assert_int_equal(
		        dz_base32hex_decode(bin, sizeof(bin), enc, strlen(enc)),
		        strlen(raw));
		assert_memory_equal(bin, raw, strlen(raw));
	}
}

static void base32hex_decodes_lowercase(void **state)
{
	(void)state;
	uint8_t bin[32];
	/* RFC 5155 Appendix A hash of "example". */
	const char *h = "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom";
	assert_int_equal(dz_base32hex_decode(bin, sizeof(bin), h, strlen(h)),
	                 20);
	char text[40];
	assert_int_equal(dz_base32hex_encode(text, sizeof(text), bin, 20), 32);
	assert_string_equal(text, "0P9MHAVEQVM6T7VBL5LOP2U3T2RP3TOM");
}

static int dec(const char *s)
{
	uint8_t out[64];
	return dz_base32hex_decode(out, sizeof(out), s, strlen(s));
}

static void base32hex_decode_is_strict(void **state)
{
	(void)state;
	assert_int_equal(dec("CO======"), DZ_ESYNTAX); /* no padding */
	assert_int_equal(dec("C"), DZ_ESYNTAX);        /* impossible lengths */
	assert_int_equal(dec("CPN"), DZ_ESYNTAX);
	assert_int_equal(dec("CPNMUO"), DZ_ESYNTAX);
	assert_int_equal(dec("CP"), DZ_ESYNTAX); /* non-zero spare bits */
	assert_int_equal(dec("CW"), DZ_ESYNTAX); /* W is not base32hex */
	assert_int_equal(dec("CO "), DZ_ESYNTAX);
}

static void base32hex_small_buffers_are_espace(void **state)
{
	(void)state;
	uint8_t out[2];
	char text[8];
	assert_int_equal(dz_base32hex_decode(out, sizeof(out), "CPNMU", 5),
	                 DZ_ESPACE);
	assert_int_equal(
	        dz_base32hex_encode(text, 5, (const uint8_t *)"foo", 3),
	        DZ_ESPACE);
	assert_int_equal(
	        dz_base32hex_encode(text, 6, (const uint8_t *)"foo", 3), 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(base32hex_rfc4648_vectors),
	        cmocka_unit_test(base32hex_decodes_lowercase),
	        cmocka_unit_test(base32hex_decode_is_strict),
	        cmocka_unit_test(base32hex_small_buffers_are_espace),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
