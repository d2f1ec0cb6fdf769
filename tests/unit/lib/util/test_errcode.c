/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for lib/util/errcode: every status code has its own phrase. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lib/util/errcode.h"

/* Every code in errcode.h; keep in step with the enum. */
static const int all_codes[] = {
        DZ_ENOMEM,   DZ_EINVAL,     DZ_ENOENT,    DZ_EEXIST,   DZ_ERANGE,
        DZ_ENOTSUP,  DZ_EACCES,     DZ_ENOSPC,    DZ_EIO,      DZ_ELOOP,
        DZ_EMALF,    DZ_ESPACE,     DZ_ELABEL,    DZ_ENAMELEN, DZ_EPTR,
        DZ_ETRUNC,   DZ_ESYNTAX,    DZ_ETYPE,     DZ_ECLASS,   DZ_ETTL,
        DZ_EOUTZONE, DZ_ENOSOA,     DZ_EMULTISOA, DZ_ENONS,    DZ_ECNAME,
        DZ_EINCLUDE, DZ_ERDATA,     DZ_ELIMIT,    DZ_ETRAIL,   DZ_EHEADER,
        DZ_EOPT,     DZ_EZONECHECK, DZ_ENOTFOUND, DZ_EDNAME,   DZ_ESERIAL,
        DZ_EPREREQ,  DZ_ENOTAUTH,   DZ_EREFUSED,
        DZ_EXFRRCODE, DZ_EXFRHISTORY, DZ_EXFRINCOMPLETE, DZ_EXFRBAD,
        -EFBIG,      -EAGAIN,       -EPERM,       -EROFS,      -EDQUOT,
        -ENOTDIR,    -EISDIR,       -ETIMEDOUT,   -ECONNREFUSED,
        -EADDRINUSE, -EADDRNOTAVAIL, -EBADF,
};
#define N_CODES (sizeof(all_codes) / sizeof(all_codes[0]))

static void strerror_gives_known_phrase_for_every_code(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_CODES; i++) {
		const char *s = dz_strerror(all_codes[i]);
		assert_non_null(s);
		assert_true(strlen(s) > 0);
		assert_string_not_equal(s, "unknown error");
	}
}

static void strerror_phrases_are_distinct(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_CODES; i++) {
		for (size_t j = i + 1; j < N_CODES; j++) {
			assert_string_not_equal(dz_strerror(all_codes[i]),
			                        dz_strerror(all_codes[j]));
		}
	}
}

static void strerror_phrases_are_lowercase_without_period(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_CODES; i++) {
		const char *s = dz_strerror(all_codes[i]);
		for (const char *p = s; *p != '\0'; p++) {
			assert_false(*p >= 'A' && *p <= 'Z');
		}
		assert_int_not_equal(s[strlen(s) - 1], '.');
	}
}

static void strerror_ok_is_not_an_error(void **state)
{
	(void)state;
	assert_string_equal(dz_strerror(DZ_OK), "ok");
}

static void strerror_unknown_codes_say_unknown(void **state)
{
	(void)state;
	assert_string_equal(dz_strerror(-999), "unknown error");
	assert_string_equal(dz_strerror(-5000), "unknown error");
	assert_string_equal(dz_strerror(42), "unknown error");
	/* Other errno values fall back to the C library's description. */
	assert_string_equal(dz_strerror(-EPIPE), strerrordesc_np(EPIPE));
}

static void errno_helper_negates_errno(void **state)
{
	(void)state;
	errno = ENOENT;
	assert_int_equal(dz_errno(), DZ_ENOENT);
	errno = 0;
	assert_int_equal(dz_errno(), DZ_EIO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(strerror_gives_known_phrase_for_every_code),
	        cmocka_unit_test(strerror_phrases_are_distinct),
	        cmocka_unit_test(strerror_phrases_are_lowercase_without_period),
	        cmocka_unit_test(strerror_ok_is_not_an_error),
	        cmocka_unit_test(strerror_unknown_codes_say_unknown),
	        cmocka_unit_test(errno_helper_negates_errno),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
