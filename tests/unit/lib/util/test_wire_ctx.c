/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for lib/util/wire_ctx: bounded cursor, sticky errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lib/util/wire_ctx.h"

static const uint8_t data[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06,
                               0x07, 0x08, 0x09, 0x0a, 0xff, 0xfe};

static void wire_ctx_reads_big_endian_values(void **state)
{
	(void)state;
	dz_wire_ctx_t c;
	dz_wire_ctx_init_const(&c, data, sizeof(data));
	assert_int_equal(dz_wire_ctx_read_u8(&c), 0x01);
	assert_int_equal(dz_wire_ctx_read_u16(&c), 0x0203);
	assert_int_equal(dz_wire_ctx_read_u32(&c), 0x04050607);
	assert_int_equal(dz_wire_ctx_read_u16(&c), 0x0809);
	assert_int_equal(dz_wire_ctx_read_u8(&c), 0x0a);
	assert_int_equal(dz_wire_ctx_read_u16(&c), 0xfffe);
	assert_int_equal(c.pos, sizeof(data));
	assert_int_equal(c.err, DZ_OK);
	assert_int_equal(dz_wire_ctx_available(&c), 0);
}

static void wire_ctx_reads_u48(void **state)
{
	(void)state;
	dz_wire_ctx_t c;
	dz_wire_ctx_init_const(&c, data + 6, 6);
	assert_true(dz_wire_ctx_read_u48(&c) == 0x0708090afffeULL);
	assert_int_equal(c.err, DZ_OK);
}

static void wire_ctx_read_past_end_is_sticky_truncation(void **state)
{
	(void)state;
	dz_wire_ctx_t c;
	dz_wire_ctx_init_const(&c, data, 3);
	assert_int_equal(dz_wire_ctx_read_u16(&c), 0x0102);
	assert_int_equal(dz_wire_ctx_read_u16(&c), 0); /* only 1 left */
	assert_int_equal(c.err, DZ_ETRUNC);
	assert_int_equal(c.pos, 2);
	/* from now on everything reads 0, even what would fit */
	assert_int_equal(dz_wire_ctx_read_u8(&c), 0);
	assert_int_equal(c.pos, 2);
	assert_int_equal(dz_wire_ctx_available(&c), 0);
	assert_int_equal(c.err, DZ_ETRUNC);
}

static void wire_ctx_each_read_size_fails_at_boundary(void **state)
{
	(void)state;
	dz_wire_ctx_t c;
	dz_wire_ctx_init_const(&c, data, 0);
	assert_int_equal(dz_wire_ctx_read_u8(&c), 0);
	assert_int_equal(c.err, DZ_ETRUNC);
	dz_wire_ctx_init_const(&c, data, 1);
	assert_int_equal(dz_wire_ctx_read_u16(&c), 0);
	assert_int_equal(c.err, DZ_ETRUNC);
	dz_wire_ctx_init_const(&c, data, 3);
	assert_int_equal(dz_wire_ctx_read_u32(&c), 0);
	assert_int_equal(c.err, DZ_ETRUNC);
	dz_wire_ctx_init_const(&c, data, 5);
	assert_true(dz_wire_ctx_read_u48(&c) == 0);
	assert_int_equal(c.err, DZ_ETRUNC);
	/* exactly enough is fine */
	dz_wire_ctx_init_const(&c, data, 4);
	assert_int_equal(dz_wire_ctx_read_u32(&c), 0x01020304);
	assert_int_equal(c.err, DZ_OK);
}

static void wire_ctx_read_bytes_copies_or_zero_fills(void **state)
{
	(void)state;
	dz_wire_ctx_t c;
	uint8_t out[8];
	dz_wire_ctx_init_const(&c, data, 5);
	dz_wire_ctx_read_bytes(&c, out, 3);
	assert_memory_equal(out, data, 3);
	memset(out, 0xaa, sizeof(out));
	dz_wire_ctx_read_bytes(&c, out, 3);
	assert_int_equal(c.err, DZ_ETRUNC);
	assert_int_equal(out[0], 0);
	assert_int_equal(out[2], 0);
	assert_int_equal(out[3], 0xaa);
	assert_int_equal(c.pos, 3);
}

static void wire_ctx_read_ptr_borrows_in_place(void **state)
{
	(void)state;
	dz_wire_ctx_t c;
	dz_wire_ctx_init_const(&c, data, 4);
	assert_ptr_equal(dz_wire_ctx_read_ptr(&c, 3), data);
	assert_ptr_equal(dz_wire_ctx_read_ptr(&c, 0), data + 3);
	assert_null(dz_wire_ctx_read_ptr(&c, 2));
	assert_int_equal(c.err, DZ_ETRUNC);
}

static void wire_ctx_skip_and_set_pos_are_bounded(void **state)
{
	(void)state;
	dz_wire_ctx_t c;
	dz_wire_ctx_init_const(&c, data, sizeof(data));
	dz_wire_ctx_skip(&c, 10);
	assert_int_equal(dz_wire_ctx_read_u16(&c), 0xfffe);
	dz_wire_ctx_set_pos(&c, 1);
	assert_int_equal(dz_wire_ctx_read_u8(&c), 0x02);
	dz_wire_ctx_set_pos(&c, sizeof(data)); /* the end itself is valid */
	assert_int_equal(c.err, DZ_OK);
	dz_wire_ctx_set_pos(&c, sizeof(data) + 1);
	assert_int_equal(c.err, DZ_ERANGE);
	assert_int_equal(c.pos, sizeof(data));

	dz_wire_ctx_init_const(&c, data, 4);
	dz_wire_ctx_skip(&c, 4);
	assert_int_equal(c.err, DZ_OK);
	dz_wire_ctx_skip(&c, 1);
	assert_int_equal(c.err, DZ_ETRUNC);
	/* a huge skip must not wrap the position */
	dz_wire_ctx_init_const(&c, data, 4);
	dz_wire_ctx_skip(&c, 2);
	dz_wire_ctx_skip(&c, SIZE_MAX);
	assert_int_equal(c.err, DZ_ETRUNC);
	assert_int_equal(c.pos, 2);
}

static void wire_ctx_available_counts_remaining(void **state)
{
	(void)state;
	dz_wire_ctx_t c;
	dz_wire_ctx_init_const(&c, data, 6);
	assert_int_equal(dz_wire_ctx_available(&c), 6);
	(void)dz_wire_ctx_read_u32(&c);
	assert_int_equal(dz_wire_ctx_available(&c), 2);
}

static void wire_ctx_writes_big_endian_values(void **state)
{
	(void)state;
	uint8_t buf[17];
	dz_wire_ctx_t c;
	dz_wire_ctx_init(&c, buf, sizeof(buf));
	dz_wire_ctx_write_u8(&c, 0x01);
	dz_wire_ctx_write_u16(&c, 0x0203);
	dz_wire_ctx_write_u32(&c, 0x04050607);
	dz_wire_ctx_write_u48(&c, 0xffff08090a0b0c0dULL); /* top bits dropped */
	dz_wire_ctx_write_bytes(&c, (const uint8_t *)"\x0e\x0f\x10\x11", 4);
	assert_int_equal(c.err, DZ_OK);
	assert_int_equal(c.pos, 17);
	assert_memory_equal(buf,
	                    "\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b"
	                    "\x0c\x0d\x0e\x0f\x10\x11",
	                    17);
}

static void wire_ctx_write_past_end_is_sticky_space_error(void **state)
{
	(void)state;
	uint8_t buf[8];
	dz_wire_ctx_t c;
	memset(buf, 0xaa, sizeof(buf));
	dz_wire_ctx_init(&c, buf, 3);
	dz_wire_ctx_write_u16(&c, 0x0102);
	dz_wire_ctx_write_u16(&c, 0x0304);
	assert_int_equal(c.err, DZ_ESPACE);
	assert_int_equal(c.pos, 2);
	assert_int_equal(buf[2], 0xaa); /* nothing partial written */
	dz_wire_ctx_write_u8(&c, 0x05);
	assert_int_equal(buf[2], 0xaa);
	assert_int_equal(c.err, DZ_ESPACE);
}

static void wire_ctx_each_write_size_fails_at_boundary(void **state)
{
	(void)state;
	uint8_t buf[8];
	dz_wire_ctx_t c;
	dz_wire_ctx_init(&c, buf, 0);
	dz_wire_ctx_write_u8(&c, 1);
	assert_int_equal(c.err, DZ_ESPACE);
	dz_wire_ctx_init(&c, buf, 3);
	dz_wire_ctx_write_u32(&c, 1);
	assert_int_equal(c.err, DZ_ESPACE);
	dz_wire_ctx_init(&c, buf, 5);
	dz_wire_ctx_write_u48(&c, 1);
	assert_int_equal(c.err, DZ_ESPACE);
	dz_wire_ctx_init(&c, buf, 2);
	dz_wire_ctx_write_bytes(&c, data, 3);
	assert_int_equal(c.err, DZ_ESPACE);
	dz_wire_ctx_init(&c, buf, 2);
	dz_wire_ctx_write_bytes(&c, data, 2);
	assert_int_equal(c.err, DZ_OK);
	dz_wire_ctx_write_bytes(&c, NULL, 0);
	assert_int_equal(c.err, DZ_OK);
}

static void wire_ctx_first_error_wins(void **state)
{
	(void)state;
	uint8_t buf[2];
	dz_wire_ctx_t c;
	dz_wire_ctx_init(&c, buf, sizeof(buf));
	dz_wire_ctx_set_pos(&c, 3);
	assert_int_equal(c.err, DZ_ERANGE);
	dz_wire_ctx_write_u32(&c, 1);
	(void)dz_wire_ctx_read_u32(&c);
	assert_int_equal(c.err, DZ_ERANGE);
}

static void wire_ctx_patch_by_set_pos(void **state)
{
	(void)state;
	/* the usual "reserve a length, fill it in later" pattern */
	uint8_t buf[8];
	dz_wire_ctx_t c;
	dz_wire_ctx_init(&c, buf, sizeof(buf));
	size_t at = c.pos;
	dz_wire_ctx_write_u16(&c, 0);
	dz_wire_ctx_write_u32(&c, 0xdeadbeef);
	size_t end = c.pos;
	dz_wire_ctx_set_pos(&c, at);
	dz_wire_ctx_write_u16(&c, (uint16_t)(end - at - 2));
	dz_wire_ctx_set_pos(&c, end);
	assert_int_equal(c.err, DZ_OK);
	assert_memory_equal(buf, "\x00\x04\xde\xad\xbe\xef", 6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(wire_ctx_reads_big_endian_values),
	        cmocka_unit_test(wire_ctx_reads_u48),
	        cmocka_unit_test(wire_ctx_read_past_end_is_sticky_truncation),
	        cmocka_unit_test(wire_ctx_each_read_size_fails_at_boundary),
	        cmocka_unit_test(wire_ctx_read_bytes_copies_or_zero_fills),
	        cmocka_unit_test(wire_ctx_read_ptr_borrows_in_place),
	        cmocka_unit_test(wire_ctx_skip_and_set_pos_are_bounded),
	        cmocka_unit_test(wire_ctx_available_counts_remaining),
	        cmocka_unit_test(wire_ctx_writes_big_endian_values),
	        cmocka_unit_test(wire_ctx_write_past_end_is_sticky_space_error),
	        cmocka_unit_test(wire_ctx_each_write_size_fails_at_boundary),
	        cmocka_unit_test(wire_ctx_first_error_wins),
	        cmocka_unit_test(wire_ctx_patch_by_set_pos),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
