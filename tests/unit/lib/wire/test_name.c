/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for lib/wire/name: codecs, limits, decompression, order, keys. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "lib/util/errcode.h"
#include "lib/wire/name.h"

/* Parse an absolute name that the test knows to be valid. */
static const uint8_t *N(const char *s, uint8_t buf[DZ_NAME_MAXLEN])
{
	int ret = dz_name_from_str(buf, s, strlen(s), NULL);
	assert_true(ret > 0);
	return buf;
}

static int from_str(uint8_t *dst, const char *s, const uint8_t *origin)
{
	return dz_name_from_str(dst, s, strlen(s), origin);
}

/* A name text made of labels of the given lengths (filled with 'a'). */
static void make_text(char *out, const unsigned *lens, size_t n, bool dot)
{
	size_t w = 0;
	for (size_t i = 0; i < n; i++) {
		memset(out + w, 'a', lens[i]);
		w += lens[i];
		if (i + 1 < n || dot) {
			out[w++] = '.';
		}
	}
	out[w] = '\0';
}

/* ===== length, labels ==================================================== */

static void name_len_and_labels_count_root_and_labels(void **state)
{
	(void)state;
	uint8_t b[DZ_NAME_MAXLEN];
	assert_int_equal(dz_name_len((const uint8_t *)"\0"), 1);
	assert_int_equal(dz_name_labels((const uint8_t *)"\0"), 0);
	N("www.example.", b);
	assert_int_equal(dz_name_len(b), 13);
	assert_int_equal(dz_name_labels(b), 2);
}

/* ===== from_str ========================================================== */

static void name_from_str_parses_absolute_name(void **state)
{
	(void)state;
	uint8_t b[DZ_NAME_MAXLEN];
	assert_int_equal(from_str(b, "www.Example.", NULL), 13);
	assert_memory_equal(b, "\3www\7Example\0", 13);
}

static void name_from_str_dot_is_root(void **state)
{
	(void)state;
	uint8_t b[DZ_NAME_MAXLEN] = {0xff};
	assert_int_equal(from_str(b, ".", NULL), 1);
	assert_int_equal(b[0], 0);
}

static void name_from_str_appends_origin_to_relative(void **state)
{
	(void)state;
	uint8_t b[DZ_NAME_MAXLEN], o[DZ_NAME_MAXLEN];
	N("example.", o);
	assert_int_equal(from_str(b, "www", o), 13);
	assert_memory_equal(b, "\3www\7example\0", 13);
	assert_int_equal(from_str(b, "a.b", o), 13);
	assert_memory_equal(b, "\1a\1b\7example\0", 13);
	/* origin may be the output buffer itself */
	assert_int_equal(from_str(o, "x", o), 11);
	assert_memory_equal(o, "\1x\7example\0", 11);
}

static void name_from_str_relative_with_root_origin(void **state)
{
	(void)state;
	uint8_t b[DZ_NAME_MAXLEN];
	assert_int_equal(from_str(b, "a", (const uint8_t *)"\0"), 3);
	assert_memory_equal(b, "\1a\0", 3);
}

static void name_from_str_rejects_relative_without_origin(void **state)
{
	(void)state;
	uint8_t b[DZ_NAME_MAXLEN];
	assert_int_equal(from_str(b, "www", NULL), DZ_ESYNTAX);
}

static void name_from_str_rejects_empty_input(void **state)
{
	(void)state;
	uint8_t b[DZ_NAME_MAXLEN];
	assert_int_equal(dz_name_from_str(b, "", 0, (const uint8_t *)"\0"),
	                 DZ_ESYNTAX);
}

static void name_from_str_rejects_empty_labels(void **state)
{
	(void)state;
	uint8_t b[DZ_NAME_MAXLEN];
	assert_int_equal(from_str(b, "a..b.", NULL), DZ_ESYNTAX);
	assert_int_equal(from_str(b, ".a.", NULL), DZ_ESYNTAX);
	assert_int_equal(from_str(b, ".a", NULL), DZ_ESYNTAX);
	assert_int_equal(from_str(b, "..", NULL), DZ_ESYNTAX);
	assert_int_equal(from_str(b, "a..", NULL), DZ_ESYNTAX);
}

static void name_from_str_escaped_dot_stays_in_label(void **state)
{
	(void)state;
	uint8_t b[DZ_NAME_MAXLEN];
	assert_int_equal(from_str(b, "a\\.b.c.", NULL), 7);
	assert_memory_equal(b, "\3a.b\1c\0", 7);
	/* "\." alone is a relative one-label name, not the root */
	assert_int_equal(from_str(b, "\\.", (const uint8_t *)"\0"), 3);
	assert_memory_equal(b, "\1.\0", 3);
	/* a trailing "\." does not make the name absolute */
	assert_int_equal(from_str(b, "a\\.", NULL), DZ_ESYNTAX);
}

static void name_from_str_decodes_decimal_escapes(void **state)
{
	(void)state;
	uint8_t b[DZ_NAME_MAXLEN];
	assert_int_equal(from_str(b, "\\000\\001\\255\\0651.", NULL), 7);
	assert_memory_equal(b, "\5\0\1\xff\x41\x31\0", 7);
}

static void name_from_str_rejects_decimal_escape_over_255(void **state)
{
	(void)state;
	uint8_t b[DZ_NAME_MAXLEN];
	assert_int_equal(from_str(b, "\\256.", NULL), DZ_ESYNTAX);
	assert_int_equal(from_str(b, "\\999.", NULL), DZ_ESYNTAX);
}

static void name_from_str_rejects_short_decimal_escape(void **state)
{
	(void)state;
	uint8_t b[DZ_NAME_MAXLEN];
	assert_int_equal(from_str(b, "\\25", (const uint8_t *)"\0"),
	                 DZ_ESYNTAX);
	assert_int_equal(from_str(b, "\\2.", NULL), DZ_ESYNTAX);
	assert_int_equal(from_str(b, "\\2a5.", NULL), DZ_ESYNTAX);
	assert_int_equal(from_str(b, "a\\", (const uint8_t *)"\0"), DZ_ESYNTAX);
}

static void name_from_str_escaped_char_is_literal(void **state)
{
	(void)state;
	uint8_t b[DZ_NAME_MAXLEN];
	assert_int_equal(from_str(b, "\\a\\\\\\;\\(\\)\\\"\\@\\$.", NULL), 10);
	assert_memory_equal(b, "\10a\\;()\"@$\0", 10);
}

static void name_from_str_accepts_label_of_63(void **state)
{
	(void)state;
	uint8_t b[DZ_NAME_MAXLEN];
	char t[128];
	unsigned lens[] = {63};
	make_text(t, lens, 1, true);
	assert_int_equal(from_str(b, t, NULL), 65);
	assert_int_equal(b[0], 63);
}

static void name_from_str_rejects_label_of_64(void **state)
{
	(void)state;
	uint8_t b[DZ_NAME_MAXLEN];
	char t[128];
	unsigned lens[] = {64};
	make_text(t, lens, 1, true);
	assert_int_equal(from_str(b, t, NULL), DZ_ELABEL);
	/* escapes count as one octet each: 63 x \000 fits, 64 does not */
	char e[300] = "";
	for (int i = 0; i < 63; i++) {
		strcat(e, "\\000");
	}
	assert_int_equal(from_str(b, e, (const uint8_t *)"\0"), 65);
	strcat(e, "\\000");
	assert_int_equal(from_str(b, e, (const uint8_t *)"\0"), DZ_ELABEL);
}

static void name_from_str_accepts_name_of_255(void **state)
{
	(void)state;
	uint8_t b[DZ_NAME_MAXLEN];
	char t[300];
	unsigned lens[] = {63, 63, 63, 61}; /* 64*3 + 62 + 1 = 255 */
	make_text(t, lens, 4, true);
	assert_int_equal(from_str(b, t, NULL), 255);
	assert_int_equal(dz_name_len(b), 255);
}

static void name_from_str_rejects_name_of_256(void **state)
{
	(void)state;
	uint8_t b[DZ_NAME_MAXLEN];
	char t[300];
	unsigned lens[] = {63, 63, 63, 62};
	make_text(t, lens, 4, true);
	assert_int_equal(from_str(b, t, NULL), DZ_ENAMELEN);
	/* many short labels: 127 x "a" is 255, 128 x "a" is 257 */
	unsigned ones[128];
	for (int i = 0; i < 128; i++) {
		ones[i] = 1;
	}
	make_text(t, ones, 127, true);
	assert_int_equal(from_str(b, t, NULL), 255);
	make_text(t, ones, 128, true);
	assert_int_equal(from_str(b, t, NULL), DZ_ENAMELEN);
}

static void name_from_str_limits_relative_plus_origin(void **state)
{
	(void)state;
	uint8_t b[DZ_NAME_MAXLEN], o[DZ_NAME_MAXLEN];
	char t[300];
	unsigned olens[] = {63, 63};
	make_text(t, olens, 2, true);
	N(t, o);                  /* 129 octets */
	unsigned ok[] = {63, 61}; /* 126 + 129 = 255 */
	make_text(t, ok, 2, false);
	assert_int_equal(from_str(b, t, o), 255);
	unsigned over[] = {63, 62};
	make_text(t, over, 2, false);
	assert_int_equal(from_str(b, t, o), DZ_ENAMELEN);
}

static void name_from_str_leaves_output_alone_on_error(void **state)
{
	(void)state;
	uint8_t b[DZ_NAME_MAXLEN];
	memset(b, 0xaa, sizeof(b));
	assert_int_equal(from_str(b, "abc.\\300.", NULL), DZ_ESYNTAX);
	assert_int_equal(b[0], 0xaa);
	assert_int_equal(b[1], 0xaa);
}

/* ===== to_str ============================================================ */

static void name_to_str_root_is_dot(void **state)
{
	(void)state;
	char s[8];
	assert_int_equal(dz_name_to_str(s, sizeof(s), (const uint8_t *)"\0"),
	                 1);
	assert_string_equal(s, ".");
	assert_int_equal(dz_name_to_str(s, 1, (const uint8_t *)"\0"),
	                 DZ_ESPACE);
}

static void name_to_str_preserves_case_and_adds_dot(void **state)
{
	(void)state;
	char s[DZ_NAME_MAXSTR];
	const uint8_t *n = (const uint8_t *)"\3wWw\7Example\0";
	assert_int_equal(dz_name_to_str(s, sizeof(s), n), 12);
	assert_string_equal(s, "wWw.Example.");
}

static void name_to_str_escapes_specials_with_backslash(void **state)
{
	(void)state;
	char s[DZ_NAME_MAXSTR];
	const uint8_t n[] = {8, '.', ';', '(', ')', '"', '\\', '@', '$', 0};
	assert_int_equal(dz_name_to_str(s, sizeof(s), n), 17);
	assert_string_equal(s, "\\.\\;\\(\\)\\\"\\\\\\@\\$.");
}

static void name_to_str_escapes_nonprintable_as_decimal(void **state)
{
	(void)state;
	char s[DZ_NAME_MAXSTR];
	const uint8_t n[] = {7, 0x00, 0x20, 0x21, 0x7e, 0x7f, 0x80, 0xff, 0};
	assert_int_equal(dz_name_to_str(s, sizeof(s), n), 23);
	assert_string_equal(s, "\\000\\032!~\\127\\128\\255.");
}

static void name_to_str_needs_room_for_nul(void **state)
{
	(void)state;
	char s[16];
	const uint8_t *n = (const uint8_t *)"\3abc\0"; /* "abc." */
	assert_int_equal(dz_name_to_str(s, 5, n), 4);
	assert_string_equal(s, "abc.");
	assert_int_equal(dz_name_to_str(s, 4, n), DZ_ESPACE);
	assert_int_equal(dz_name_to_str(s, 3, n), DZ_ESPACE);
	const uint8_t *e = (const uint8_t *)"\1\x01\0"; /* "\001." */
	assert_int_equal(dz_name_to_str(s, 6, e), 5);
	assert_int_equal(dz_name_to_str(s, 5, e), DZ_ESPACE);
	assert_int_equal(dz_name_to_str(s, 4, e), DZ_ESPACE);
	const uint8_t *d = (const uint8_t *)"\1.\0"; /* "\.." */
	assert_int_equal(dz_name_to_str(s, 4, d), 3);
	assert_int_equal(dz_name_to_str(s, 3, d), DZ_ESPACE);
}

static void name_to_str_worst_case_fits_maxstr(void **state)
{
	(void)state;
	uint8_t n[DZ_NAME_MAXLEN];
	char s[DZ_NAME_MAXSTR];
	/* 127 one-octet labels of 0x00: 127 * 5 characters */
	for (int i = 0; i < 127; i++) {
		n[2 * i] = 1;
		n[2 * i + 1] = 0;
	}
	n[254] = 0;
	assert_int_equal(dz_name_to_str(s, sizeof(s), n), 127 * 5);
	/* 63+63+63+61 octets of 0xff: 250 * 4 + 4 dots */
	memset(n, 0xff, sizeof(n));
	n[0] = n[64] = n[128] = 63;
	n[192] = 61;
	n[254] = 0;
	assert_int_equal(dz_name_len(n), 255);
	assert_int_equal(dz_name_to_str(s, sizeof(s), n), 1004);
}

static void name_str_round_trips(void **state)
{
	(void)state;
	const char *texts[] = {
	        "a.",        "Www.Example.COM.", "\\000.\\255.", "a\\.b.",
	        "\\@\\$.x.", "\\032sp\\127.",    "*.example.",   "."};
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		uint8_t a[DZ_NAME_MAXLEN], b[DZ_NAME_MAXLEN];
		char s[DZ_NAME_MAXSTR];
		int len = from_str(a, texts[i], NULL);
		assert_true(len > 0);
		assert_int_equal(dz_name_to_str(s, sizeof(s), a),
		                 (int)strlen(texts[i]));
		assert_string_equal(s, texts[i]);
		assert_int_equal(from_str(b, s, NULL), len);
		assert_memory_equal(a, b, (size_t)len);
	}
}

/* ===== from_wire ========================================================= */

/* A 12-octet header followed by the given body. */
static size_t pkt_make(uint8_t *pkt, const void *body, size_t len)
{
	memset(pkt, 0, 12);
	memcpy(pkt + 12, body, len);
	return 12 + len;
}

static void name_from_wire_reads_plain_name(void **state)
{
	(void)state;
	uint8_t pkt[64], n[DZ_NAME_MAXLEN];
	size_t len = pkt_make(pkt, "\3wWw\7example\0\0\1", 16);
	size_t pos = 12;
	assert_int_equal(dz_name_from_wire(n, pkt, len, &pos), 13);
	assert_memory_equal(n, "\3wWw\7example\0", 13);
	assert_int_equal(pos, 25);
}

static void name_from_wire_reads_root(void **state)
{
	(void)state;
	uint8_t pkt[64], n[DZ_NAME_MAXLEN];
	size_t len = pkt_make(pkt, "\0", 1);
	size_t pos = 12;
	assert_int_equal(dz_name_from_wire(n, pkt, len, &pos), 1);
	assert_int_equal(n[0], 0);
	assert_int_equal(pos, 13);
}

static void name_from_wire_follows_backward_pointer(void **state)
{
	(void)state;
	uint8_t pkt[64], n[DZ_NAME_MAXLEN];
	/* 12: example. ; 21: www + ptr 12 ; 27: ptr 21 */
	size_t len = pkt_make(pkt, "\7example\0\3www\xc0\x0c\xc0\x15\xff", 18);
	size_t pos = 21;
	assert_int_equal(dz_name_from_wire(n, pkt, len, &pos), 13);
	assert_memory_equal(n, "\3www\7example\0", 13);
	assert_int_equal(pos, 27); /* past the first pointer */
	pos = 27;
	assert_int_equal(dz_name_from_wire(n, pkt, len, &pos), 13);
	assert_memory_equal(n, "\3www\7example\0", 13);
	assert_int_equal(pos, 29);
}

static void name_from_wire_accepts_pointer_to_offset_12(void **state)
{
	(void)state;
	uint8_t pkt[64], n[DZ_NAME_MAXLEN];
	size_t len = pkt_make(pkt, "\1a\0\xc0\x0c", 5);
	size_t pos = 15;
	assert_int_equal(dz_name_from_wire(n, pkt, len, &pos), 3);
	assert_int_equal(pos, 17);
}

static void name_from_wire_rejects_pointer_into_header(void **state)
{
	(void)state;
	uint8_t pkt[64], n[DZ_NAME_MAXLEN];
	size_t len = pkt_make(pkt, "\1a\0\xc0\x0b", 5);
	pkt[11] = 0; /* would even be a valid root label */
	size_t pos = 15;
	assert_int_equal(dz_name_from_wire(n, pkt, len, &pos), DZ_EPTR);
	assert_int_equal(pos, 15);
	len = pkt_make(pkt, "\xc0\x00", 2);
	pos = 12;
	assert_int_equal(dz_name_from_wire(n, pkt, len, &pos), DZ_EPTR);
}

static void name_from_wire_rejects_forward_pointer(void **state)
{
	(void)state;
	uint8_t pkt[64], n[DZ_NAME_MAXLEN];
	size_t len = pkt_make(pkt, "\1a\xc0\x10\1b\0", 7);
	size_t pos = 12;
	assert_int_equal(dz_name_from_wire(n, pkt, len, &pos), DZ_EPTR);
}

static void name_from_wire_rejects_self_pointer(void **state)
{
	(void)state;
	uint8_t pkt[64], n[DZ_NAME_MAXLEN];
	size_t len = pkt_make(pkt, "\xc0\x0c", 2);
	size_t pos = 12;
	assert_int_equal(dz_name_from_wire(n, pkt, len, &pos), DZ_EPTR);
	/* pointer to the name's own first label */
	len = pkt_make(pkt, "\1a\xc0\x0c", 4);
	pos = 12;
	assert_int_equal(dz_name_from_wire(n, pkt, len, &pos), DZ_EPTR);
}

static void name_from_wire_rejects_pointer_loop(void **state)
{
	(void)state;
	uint8_t pkt[64], n[DZ_NAME_MAXLEN];
	/* 12: "a" ptr->16 ; 16: "b" ptr->12: a two-pointer loop */
	size_t len = pkt_make(pkt, "\1a\xc0\x10\1b\xc0\x0c", 8);
	size_t pos = 16;
	assert_int_equal(dz_name_from_wire(n, pkt, len, &pos), DZ_EPTR);
	pos = 12;
	assert_int_equal(dz_name_from_wire(n, pkt, len, &pos), DZ_EPTR);
}

static void name_from_wire_rejects_pointer_after_visited_start(void **state)
{
	(void)state;
	uint8_t pkt[64], n[DZ_NAME_MAXLEN];
	/* 20: label "\000" ; 22: ptr->21 ; 24: ptr->20. Offset 21 holds a
	 * 0x00 octet that would read as a root label, and 21 is before the
	 * pointer at 22, but it is not before the start of the label
	 * sequence (20) that the pointer is part of. */
	uint8_t body[14] = {0};
	body[8] = 1; /* 20 */
	body[9] = 0; /* 21 */
	body[10] = 0xc0;
	body[11] = 21; /* 22 */
	body[12] = 0xc0;
	body[13] = 20; /* 24 */
	size_t len = pkt_make(pkt, body, sizeof(body));
	size_t pos = 24;
	assert_int_equal(dz_name_from_wire(n, pkt, len, &pos), DZ_EPTR);
	pos = 20;
	assert_int_equal(dz_name_from_wire(n, pkt, len, &pos), DZ_EPTR);
	/* the pointer at 22 read on its own is fine: 21 is before it */
	pos = 22;
	assert_int_equal(dz_name_from_wire(n, pkt, len, &pos), 1);
	assert_int_equal(pos, 24);
}

static void name_from_wire_rejects_pointer_out_of_bounds(void **state)
{
	(void)state;
	uint8_t pkt[64], n[DZ_NAME_MAXLEN];
	size_t len = pkt_make(pkt, "\xff\xff", 2);
	size_t pos = 12;
	assert_int_equal(dz_name_from_wire(n, pkt, len, &pos), DZ_EPTR);
}

static void name_from_wire_rejects_truncated_pointer(void **state)
{
	(void)state;
	uint8_t pkt[64], n[DZ_NAME_MAXLEN];
	size_t len = pkt_make(pkt, "\0\1a\xc0", 4);
	size_t pos = 13;
	assert_int_equal(dz_name_from_wire(n, pkt, len, &pos), DZ_ETRUNC);
}

static void name_from_wire_rejects_truncated_label(void **state)
{
	(void)state;
	uint8_t pkt[64], n[DZ_NAME_MAXLEN];
	size_t len = pkt_make(pkt, "\3ab", 3);
	size_t pos = 12;
	assert_int_equal(dz_name_from_wire(n, pkt, len, &pos), DZ_ETRUNC);
	/* all labels present but no root label */
	len = pkt_make(pkt, "\3abc", 4);
	pos = 12;
	assert_int_equal(dz_name_from_wire(n, pkt, len, &pos), DZ_ETRUNC);
}

static void name_from_wire_rejects_position_at_end(void **state)
{
	(void)state;
	uint8_t pkt[64], n[DZ_NAME_MAXLEN];
	size_t len = pkt_make(pkt, "\0", 1);
	size_t pos = 13;
	assert_int_equal(dz_name_from_wire(n, pkt, len, &pos), DZ_ETRUNC);
	pos = 100;
	assert_int_equal(dz_name_from_wire(n, pkt, len, &pos), DZ_ETRUNC);
}

static void name_from_wire_rejects_label_types_01_and_10(void **state)
{
	(void)state;
	uint8_t pkt[64], n[DZ_NAME_MAXLEN];
	size_t len = pkt_make(pkt, "\1a\x41\0\0", 5);
	size_t pos = 12;
	assert_int_equal(dz_name_from_wire(n, pkt, len, &pos), DZ_EMALF);
	len = pkt_make(pkt, "\x80\0\0", 3);
	pos = 12;
	assert_int_equal(dz_name_from_wire(n, pkt, len, &pos), DZ_EMALF);
}

/* Write labels of the given lengths ('x' filled) plus a root label. */
static size_t put_labels(uint8_t *p, const unsigned *lens, size_t n, bool root)
{
	size_t w = 0;
	for (size_t i = 0; i < n; i++) {
		p[w++] = (uint8_t)lens[i];
		memset(p + w, 'x', lens[i]);
		w += lens[i];
	}
	if (root) {
		p[w++] = 0;
	}
	return w;
}

static void name_from_wire_accepts_255_rejects_256(void **state)
{
	(void)state;
	uint8_t pkt[600], n[DZ_NAME_MAXLEN];
	unsigned ok[] = {63, 63, 63, 61}, over[] = {63, 63, 63, 62};
	memset(pkt, 0, 12);
	size_t len = 12 + put_labels(pkt + 12, ok, 4, true);
	size_t pos = 12;
	assert_int_equal(dz_name_from_wire(n, pkt, len, &pos), 255);
	assert_int_equal(pos, len);
	len = 12 + put_labels(pkt + 12, over, 4, true);
	pos = 12;
	assert_int_equal(dz_name_from_wire(n, pkt, len, &pos), DZ_ENAMELEN);
}

static void name_from_wire_limits_length_across_pointers(void **state)
{
	(void)state;
	uint8_t pkt[600], n[DZ_NAME_MAXLEN];
	unsigned tail[] = {63, 63}, ok[] = {63, 61}, over[] = {63, 62};
	memset(pkt, 0, 12);
	size_t w = 12 + put_labels(pkt + 12, tail, 2, true); /* 129 at 12 */
	size_t start = w;
	w += put_labels(pkt + w, ok, 2, false);
	pkt[w++] = 0xc0;
	pkt[w++] = 12;
	size_t pos = start;
	assert_int_equal(dz_name_from_wire(n, pkt, w, &pos), 255);
	w = start + put_labels(pkt + start, over, 2, false);
	pkt[w++] = 0xc0;
	pkt[w++] = 12;
	pos = start;
	assert_int_equal(dz_name_from_wire(n, pkt, w, &pos), DZ_ENAMELEN);
}

/* 12: root; then `count` pointers, each to the previous one. */
static size_t pointer_chain(uint8_t *pkt, unsigned count)
{
	memset(pkt, 0, 13);
	size_t w = 13;
	for (unsigned i = 0; i < count; i++) {
		size_t target = i == 0 ? 12 : w - 2;
		pkt[w++] = (uint8_t)(0xc0 | (target >> 8));
		pkt[w++] = (uint8_t)target;
	}
	return w;
}

static void name_from_wire_follows_at_most_128_pointers(void **state)
{
	(void)state;
	uint8_t pkt[600], n[DZ_NAME_MAXLEN];
	size_t len = pointer_chain(pkt, 128);
	size_t pos = len - 2;
	assert_int_equal(dz_name_from_wire(n, pkt, len, &pos), 1);
	assert_int_equal(pos, len);
	len = pointer_chain(pkt, 129);
	pos = len - 2;
	assert_int_equal(dz_name_from_wire(n, pkt, len, &pos), DZ_EPTR);
}

static void name_from_wire_leaves_outputs_alone_on_error(void **state)
{
	(void)state;
	uint8_t pkt[64], n[DZ_NAME_MAXLEN];
	memset(n, 0xaa, sizeof(n));
	size_t len = pkt_make(pkt, "\1a\1b\xc0\x20", 6);
	size_t pos = 12;
	assert_int_equal(dz_name_from_wire(n, pkt, len, &pos), DZ_EPTR);
	assert_int_equal(pos, 12);
	assert_int_equal(n[0], 0xaa);
	assert_int_equal(n[1], 0xaa);
}

static void name_from_wire_works_on_buffer_without_header(void **state)
{
	(void)state;
	/* uncompressed names may sit anywhere, e.g. in a bare rdata buffer */
	uint8_t n[DZ_NAME_MAXLEN];
	size_t pos = 0;
	assert_int_equal(
	        dz_name_from_wire(n, (const uint8_t *)"\1a\0", 3, &pos), 3);
	assert_int_equal(pos, 3);
}

/* ===== equal, cmp ======================================================== */

static void name_equal_ignores_ascii_case_only(void **state)
{
	(void)state;
	uint8_t a[DZ_NAME_MAXLEN], b[DZ_NAME_MAXLEN];
	assert_true(dz_name_equal(N("WWW.Example.", a), N("www.eXAMPLE.", b)));
	assert_false(dz_name_equal(N("www.example.", a), N("ww.example.", b)));
	assert_false(dz_name_equal(N("a.b.", a), N("ab.", b)));
	assert_false(dz_name_equal(N("a.", a), N(".", b)));
	assert_true(dz_name_equal(N(".", a), N(".", b)));
	/* Latin-1 is not folded (RFC 4343 §3) */
	assert_false(dz_name_equal(N("\\196.", a), N("\\228.", b)));
	/* "[" (0x5b) and "{" (0x7b) are not a case pair */
	assert_false(dz_name_equal(N("[.", a), N("{.", b)));
}

static const char *const rfc4034_order[] = {
        "example.",         "a.example.",      "yljkjljk.a.example.",
        "Z.a.example.",     "zABC.a.EXAMPLE.", "z.example.",
        "\\001.z.example.", "*.z.example.",    "\\200.z.example.",
};
#define RFC_N (sizeof(rfc4034_order) / sizeof(rfc4034_order[0]))

static int sign(int v)
{
	return (v > 0) - (v < 0);
}

static void name_cmp_follows_rfc4034_example_order(void **state)
{
	(void)state;
	for (size_t i = 0; i < RFC_N; i++) {
		for (size_t j = 0; j < RFC_N; j++) {
			uint8_t a[DZ_NAME_MAXLEN], b[DZ_NAME_MAXLEN];
			N(rfc4034_order[i], a);
			N(rfc4034_order[j], b);
			int expect = i < j ? -1 : i > j ? 1 : 0;
			assert_int_equal(sign(dz_name_cmp(a, b)), expect);
		}
	}
}

static void name_cmp_ignores_case_and_orders_by_labels(void **state)
{
	(void)state;
	uint8_t a[DZ_NAME_MAXLEN], b[DZ_NAME_MAXLEN];
	assert_int_equal(dz_name_cmp(N("A.EXAMPLE.", a), N("a.example.", b)),
	                 0);
	assert_true(dz_name_cmp(N(".", a), N("a.", b)) < 0);
	assert_true(dz_name_cmp(N("b.", a), N("a.b.", b)) < 0);
	assert_true(dz_name_cmp(N("z.a.", a), N("a.b.", b)) < 0);
	assert_true(dz_name_cmp(N("ab.", a), N("abc.", b)) < 0);
	assert_true(dz_name_cmp(N("\\255.", a), N("a.", b)) > 0);
	/* "_" (0x5f) sorts after "a" only once "A" is folded to "a" */
	assert_true(dz_name_cmp(N("_.", a), N("A.", b)) < 0);
}

/* ===== keys ============================================================== */

static int key_cmp(const uint8_t *a, int alen, const uint8_t *b, int blen)
{
	int n = alen < blen ? alen : blen;
	int d = memcmp(a, b, (size_t)n);
	return d != 0 ? d : alen - blen;
}

static void name_key_of_root_is_empty(void **state)
{
	(void)state;
	uint8_t k[DZ_NAME_MAXKEY];
	assert_int_equal(dz_name_to_key(k, (const uint8_t *)"\0"), 0);
}

static void name_key_is_root_first_lowercased(void **state)
{
	(void)state;
	uint8_t n[DZ_NAME_MAXLEN], k[DZ_NAME_MAXKEY];
	assert_int_equal(dz_name_to_key(k, N("WwW.Example.", n)), 12);
	assert_memory_equal(k, "example\0www\0", 12);
}

static void name_key_escapes_octets_0_and_1(void **state)
{
	(void)state;
	uint8_t n[DZ_NAME_MAXLEN], k[DZ_NAME_MAXKEY];
	assert_int_equal(dz_name_to_key(k, N("\\000\\001\\002.", n)), 6);
	assert_memory_equal(k, "\1\1\1\2\2\0", 6);
}

static void name_key_worst_case_fits_maxkey(void **state)
{
	(void)state;
	uint8_t n[DZ_NAME_MAXLEN], k[DZ_NAME_MAXKEY + 16];
	memset(n, 0, sizeof(n));
	n[0] = n[64] = n[128] = 63;
	n[192] = 61;
	memset(k, 0xee, sizeof(k));
	int len = dz_name_to_key(k, n);
	assert_int_equal(len, 3 * (2 * 63 + 1) + 2 * 61 + 1);
	assert_true(len <= DZ_NAME_MAXKEY);
	assert_int_equal(k[DZ_NAME_MAXKEY], 0xee);
}

static void name_key_order_matches_rfc4034_order(void **state)
{
	(void)state;
	uint8_t n[DZ_NAME_MAXLEN], k[RFC_N][DZ_NAME_MAXKEY];
	int len[RFC_N];
	for (size_t i = 0; i < RFC_N; i++) {
		len[i] = dz_name_to_key(k[i], N(rfc4034_order[i], n));
	}
	for (size_t i = 0; i + 1 < RFC_N; i++) {
		assert_true(key_cmp(k[i], len[i], k[i + 1], len[i + 1]) < 0);
	}
}

static void name_key_prefix_means_at_or_below(void **state)
{
	(void)state;
	uint8_t a[DZ_NAME_MAXLEN], b[DZ_NAME_MAXLEN];
	uint8_t ka[DZ_NAME_MAXKEY], kb[DZ_NAME_MAXKEY];
	int la = dz_name_to_key(ka, N("example.", a));
	int lb = dz_name_to_key(kb, N("www.EXAMPLE.", b));
	assert_true(la < lb && memcmp(ka, kb, (size_t)la) == 0);
	/* "examples." is not below "example." and its key does not start
	 * with example's key */
	lb = dz_name_to_key(kb, N("examples.", b));
	assert_false(la <= lb && memcmp(ka, kb, (size_t)la) == 0);
}

static uint32_t rng_state = 12345;

static uint32_t rng(void)
{
	rng_state = rng_state * 1103515245u + 12345u;
	return rng_state >> 8;
}

/* A random name from a small alphabet that stresses case and escaping. */
static void random_name(uint8_t *n)
{
	static const uint8_t alpha[] = {0x00, 0x01, 0x02, 'A', 'a',  'B', 'b',
	                                'z',  'Z',  '_',  '-', 0x7f, 0xff};
	unsigned labels = rng() % 4;
	size_t w = 0;
	for (unsigned i = 0; i < labels; i++) {
		unsigned len = 1 + rng() % 3;
		n[w++] = (uint8_t)len;
		for (unsigned j = 0; j < len; j++) {
			n[w++] = alpha[rng() % sizeof(alpha)];
		}
	}
	n[w] = 0;
}

static void name_key_order_matches_cmp_on_random_names(void **state)
{
	(void)state;
	for (int i = 0; i < 20000; i++) {
		uint8_t a[DZ_NAME_MAXLEN], b[DZ_NAME_MAXLEN];
		uint8_t ka[DZ_NAME_MAXKEY], kb[DZ_NAME_MAXKEY];
		random_name(a);
		random_name(b);
		int la = dz_name_to_key(ka, a);
		int lb = dz_name_to_key(kb, b);
		int c = sign(dz_name_cmp(a, b));
		assert_int_equal(sign(key_cmp(ka, la, kb, lb)), c);
		assert_int_equal(sign(dz_name_cmp(b, a)), -c);
		assert_int_equal(c == 0, dz_name_equal(a, b));
		if (c == 0) {
			assert_int_equal(dz_name_hash(a), dz_name_hash(b));
		}
	}
}

/* ===== sub, skip, concat, wildcard, lower, copy, hash ==================== */

static void name_is_sub_checks_label_boundaries(void **state)
{
	(void)state;
	uint8_t a[DZ_NAME_MAXLEN], b[DZ_NAME_MAXLEN];
	assert_true(dz_name_is_sub(N("www.Example.", a), N("example.", b)));
	assert_true(dz_name_is_sub(N("example.", a), N("EXAMPLE.", b)));
	assert_true(dz_name_is_sub(N("example.", a), N(".", b)));
	assert_false(dz_name_is_sub(N("example.", a), N("www.example.", b)));
	assert_false(dz_name_is_sub(N("wwwexample.", a), N("example.", b)));
	assert_false(dz_name_is_sub(N("a.example.", a), N("b.example.", b)));
}

static void name_is_strict_sub_excludes_equal(void **state)
{
	(void)state;
	uint8_t a[DZ_NAME_MAXLEN], b[DZ_NAME_MAXLEN];
	assert_true(
	        dz_name_is_strict_sub(N("www.example.", a), N("EXAMPLE.", b)));
	assert_false(dz_name_is_strict_sub(N("example.", a), N("Example.", b)));
	assert_false(dz_name_is_strict_sub(N(".", a), N(".", b)));
	assert_true(dz_name_is_strict_sub(N("a.", a), N(".", b)));
	assert_false(dz_name_is_strict_sub(N("a.", a), N("b.a.", b)));
}

static void name_skip_removes_leading_labels(void **state)
{
	(void)state;
	uint8_t a[DZ_NAME_MAXLEN];
	N("a.bb.ccc.", a);
	assert_ptr_equal(dz_name_skip(a, 0), a);
	assert_ptr_equal(dz_name_skip(a, 1), a + 2);
	assert_ptr_equal(dz_name_skip(a, 2), a + 5);
	assert_ptr_equal(dz_name_skip(a, 3), a + 9);
	assert_ptr_equal(dz_name_skip(a, 10), a + 9);
	assert_int_equal(*dz_name_skip(a, 3), 0);
}

static void name_concat_joins_and_limits_length(void **state)
{
	(void)state;
	uint8_t a[DZ_NAME_MAXLEN], b[DZ_NAME_MAXLEN], d[DZ_NAME_MAXLEN];
	assert_int_equal(dz_name_concat(d, N("www.", a), N("example.", b)), 13);
	assert_memory_equal(d, "\3www\7example\0", 13);
	assert_int_equal(dz_name_concat(d, N(".", a), N("example.", b)), 9);
	assert_int_equal(dz_name_concat(d, N("x.", a), N(".", b)), 3);
	/* in place: dst is the prefix */
	N("a.", d);
	assert_int_equal(dz_name_concat(d, d, N("b.", b)), 5);
	assert_memory_equal(d, "\1a\1b\0", 5);

	char t[300];
	unsigned pre[] = {63, 61}, pre_over[] = {63, 62}, suf[] = {63, 63};
	make_text(t, suf, 2, true);
	N(t, b); /* 129 */
	make_text(t, pre, 2, true);
	N(t, a); /* 127 = 126 + root */
	assert_int_equal(dz_name_concat(d, a, b), 255);
	make_text(t, pre_over, 2, true);
	N(t, a);
	assert_int_equal(dz_name_concat(d, a, b), DZ_ENAMELEN);
}

static void name_is_wildcard_only_for_asterisk_label(void **state)
{
	(void)state;
	uint8_t a[DZ_NAME_MAXLEN];
	assert_true(dz_name_is_wildcard(N("*.example.", a)));
	assert_true(dz_name_is_wildcard(N("*.", a)));
	assert_false(dz_name_is_wildcard(N("*a.example.", a)));
	assert_false(dz_name_is_wildcard(N("a.*.example.", a)));
	assert_false(dz_name_is_wildcard(N(".", a)));
}

static void name_to_lower_folds_ascii_only(void **state)
{
	(void)state;
	uint8_t a[DZ_NAME_MAXLEN];
	N("WwW.\\196Z[.", a);
	dz_name_to_lower(a);
	assert_memory_equal(a, "\3www\3\xc4z[\0", 9);
}

static void name_copy_returns_length(void **state)
{
	(void)state;
	uint8_t a[DZ_NAME_MAXLEN], d[DZ_NAME_MAXLEN];
	N("a.b.", a);
	assert_int_equal(dz_name_copy(d, a), 5);
	assert_memory_equal(d, a, 5);
}

static void name_hash_ignores_case(void **state)
{
	(void)state;
	uint8_t a[DZ_NAME_MAXLEN], b[DZ_NAME_MAXLEN];
	assert_int_equal(dz_name_hash(N("WWW.Example.", a)),
	                 dz_name_hash(N("www.example.", b)));
	assert_int_not_equal(dz_name_hash(N("a.example.", a)),
	                     dz_name_hash(N("b.example.", b)));
	assert_int_not_equal(dz_name_hash(N("ab.", a)),
	                     dz_name_hash(N("a.b.", b)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(name_len_and_labels_count_root_and_labels),
	        cmocka_unit_test(name_from_str_parses_absolute_name),
	        cmocka_unit_test(name_from_str_dot_is_root),
	        cmocka_unit_test(name_from_str_appends_origin_to_relative),
	        cmocka_unit_test(name_from_str_relative_with_root_origin),
	        cmocka_unit_test(name_from_str_rejects_relative_without_origin),
	        cmocka_unit_test(name_from_str_rejects_empty_input),
	        cmocka_unit_test(name_from_str_rejects_empty_labels),
	        cmocka_unit_test(name_from_str_escaped_dot_stays_in_label),
	        cmocka_unit_test(name_from_str_decodes_decimal_escapes),
	        cmocka_unit_test(name_from_str_rejects_decimal_escape_over_255),
	        cmocka_unit_test(name_from_str_rejects_short_decimal_escape),
	        cmocka_unit_test(name_from_str_escaped_char_is_literal),
	        cmocka_unit_test(name_from_str_accepts_label_of_63),
	        cmocka_unit_test(name_from_str_rejects_label_of_64),
	        cmocka_unit_test(name_from_str_accepts_name_of_255),
	        cmocka_unit_test(name_from_str_rejects_name_of_256),
	        cmocka_unit_test(name_from_str_limits_relative_plus_origin),
	        cmocka_unit_test(name_from_str_leaves_output_alone_on_error),
	        cmocka_unit_test(name_to_str_root_is_dot),
	        cmocka_unit_test(name_to_str_preserves_case_and_adds_dot),
	        cmocka_unit_test(name_to_str_escapes_specials_with_backslash),
	        cmocka_unit_test(name_to_str_escapes_nonprintable_as_decimal),
	        cmocka_unit_test(name_to_str_needs_room_for_nul),
	        cmocka_unit_test(name_to_str_worst_case_fits_maxstr),
	        cmocka_unit_test(name_str_round_trips),
	        cmocka_unit_test(name_from_wire_reads_plain_name),
	        cmocka_unit_test(name_from_wire_reads_root),
	        cmocka_unit_test(name_from_wire_follows_backward_pointer),
	        cmocka_unit_test(name_from_wire_accepts_pointer_to_offset_12),
	        cmocka_unit_test(name_from_wire_rejects_pointer_into_header),
	        cmocka_unit_test(name_from_wire_rejects_forward_pointer),
	        cmocka_unit_test(name_from_wire_rejects_self_pointer),
	        cmocka_unit_test(name_from_wire_rejects_pointer_loop),
	        cmocka_unit_test(
	                name_from_wire_rejects_pointer_after_visited_start),
	        cmocka_unit_test(name_from_wire_rejects_pointer_out_of_bounds),
	        cmocka_unit_test(name_from_wire_rejects_truncated_pointer),
	        cmocka_unit_test(name_from_wire_rejects_truncated_label),
	        cmocka_unit_test(name_from_wire_rejects_position_at_end),
	        cmocka_unit_test(name_from_wire_rejects_label_types_01_and_10),
	        cmocka_unit_test(name_from_wire_accepts_255_rejects_256),
	        cmocka_unit_test(name_from_wire_limits_length_across_pointers),
	        cmocka_unit_test(name_from_wire_follows_at_most_128_pointers),
	        cmocka_unit_test(name_from_wire_leaves_outputs_alone_on_error),
	        cmocka_unit_test(name_from_wire_works_on_buffer_without_header),
	        cmocka_unit_test(name_equal_ignores_ascii_case_only),
	        cmocka_unit_test(name_cmp_follows_rfc4034_example_order),
	        cmocka_unit_test(name_cmp_ignores_case_and_orders_by_labels),
	        cmocka_unit_test(name_key_of_root_is_empty),
	        cmocka_unit_test(name_key_is_root_first_lowercased),
	        cmocka_unit_test(name_key_escapes_octets_0_and_1),
	        cmocka_unit_test(name_key_worst_case_fits_maxkey),
	        cmocka_unit_test(name_key_order_matches_rfc4034_order),
	        cmocka_unit_test(name_key_prefix_means_at_or_below),
	        cmocka_unit_test(name_key_order_matches_cmp_on_random_names),
	        cmocka_unit_test(name_is_sub_checks_label_boundaries),
	        cmocka_unit_test(name_is_strict_sub_excludes_equal),
	        cmocka_unit_test(name_skip_removes_leading_labels),
	        cmocka_unit_test(name_concat_joins_and_limits_length),
	        cmocka_unit_test(name_is_wildcard_only_for_asterisk_label),
	        cmocka_unit_test(name_to_lower_folds_ascii_only),
	        cmocka_unit_test(name_copy_returns_length),
	        cmocka_unit_test(name_hash_ignores_case),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
