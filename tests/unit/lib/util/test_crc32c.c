/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for CRC32C (lib/util/crc32c.h), vectors from RFC 3720 §B.4. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lib/util/crc32c.h"

/* Bit-at-a-time reference, straight from the polynomial definition. */
static uint32_t crc_ref(const uint8_t *p, size_t len)
{
	uint32_t c = 0xffffffffu;
	for (size_t i = 0; i < len; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++) {
			c = (c >> 1) ^ (0x82F63B78u & (0u - (c & 1u)));
		}
	}
	return ~c;
}

static void check_both(const uint8_t *p, size_t len, uint32_t want)
{
	assert_int_equal(dz_crc32c(0, p, len), want);
	assert_int_equal(dz_crc32c_sw(0, p, len), want);
}

static void crc32c_rfc3720_b4_vectors(void **state)
{
	(void)state;
	uint8_t buf[32];
	memset(buf, 0, sizeof(buf));
	check_both(buf, 32, 0x8A9136AAu);
	memset(buf, 0xff, sizeof(buf));
	check_both(buf, 32, 0x62A8AB43u);
	for (int i = 0; i < 32; i++) {
		buf[i] = (uint8_t)i;
	}
	check_both(buf, 32, 0x46DD794Eu);
	for (int i = 0; i < 32; i++) {
		buf[i] = (uint8_t)(31 - i);
	}
	check_both(buf, 32, 0x113FDB5Cu);
	/* An iSCSI read command PDU. */
	static const uint8_t pdu[48] = {
		0x01, 0xc0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0x14, 0, 0, 0, 0, 0, 0x04, 0, 0, 0, 0, 0x14, 0, 0, 0, 0x18,
		0x28, 0, 0, 0, 0, 0, 0, 0, 0x02, 0, 0, 0, 0, 0, 0, 0,
	};
	check_both(pdu, sizeof(pdu), 0xD9963A56u);
	check_both((const uint8_t *)"123456789", 9, 0xE3069283u);
}

static void crc32c_empty_input_is_identity(void **state)
{
	(void)state;
	assert_int_equal(dz_crc32c(0, "", 0), 0);
	assert_int_equal(dz_crc32c(0x12345678u, "", 0), 0x12345678u);
	assert_int_equal(dz_crc32c_sw(0xdeadbeefu, NULL, 0), 0xdeadbeefu);
}

/* Every length and alignment, so the 8-octet loops and the byte-wise
 * head and tail of both paths are all exercised. */
static void crc32c_matches_reference_at_all_alignments(void **state)
{
	(void)state;
	uint8_t buf[200];
	uint32_t x = 2463534242u;
	for (size_t i = 0; i < sizeof(buf); i++) {
		x ^= x << 13, x ^= x >> 17, x ^= x << 5;
		buf[i] = (uint8_t)x;
	}
	for (size_t off = 0; off < 9; off++) {
		for (size_t len = 0; len + off <= sizeof(buf); len++) {
			uint32_t want = crc_ref(buf + off, len);
			assert_int_equal(dz_crc32c(0, buf + off, len), want);
			assert_int_equal(dz_crc32c_sw(0, buf + off, len), want);
		}
	}
}

static void crc32c_continues_across_pieces(void **state)
{
	(void)state;
	const uint8_t *msg = (const uint8_t *)"the quick brown fox jumps over";
	size_t len = strlen((const char *)msg);
	uint32_t whole = dz_crc32c(0, msg, len);
	for (size_t cut = 0; cut <= len; cut++) {
		uint32_t c = dz_crc32c(0, msg, cut);
		assert_int_equal(dz_crc32c(c, msg + cut, len - cut), whole);
		c = dz_crc32c_sw(0, msg, cut);
		assert_int_equal(dz_crc32c_sw(c, msg + cut, len - cut), whole);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(crc32c_rfc3720_b4_vectors),
		cmocka_unit_test(crc32c_empty_input_is_identity),
		cmocka_unit_test(crc32c_matches_reference_at_all_alignments),
		cmocka_unit_test(crc32c_continues_across_pieces),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
