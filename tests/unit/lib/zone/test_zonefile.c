/* SPDX-License-Identifier: BSD-3-Clause */
/* Zone-file parser: golden cases from tests/data/zonefile, round trips, API edges. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/util/errcode.h"
#include "lib/wire/name.h"
#include "lib/wire/rdata.h"
#include "lib/wire/rrtype.h"
#include "lib/zone/zonefile.h"
#include "lib/zone/zonefile_internal.h"

#define CASE_DIR DZ_TEST_DATA "/zonefile"

/* ---- helpers -------------------------------------------------------- */

/* Records as dz_rr_to_str lines, plus their raw form for exact compares. */
typedef struct rec {
	uint8_t owner[DZ_NAME_MAXLEN];
	uint16_t type, rclass;
	uint32_t ttl;
	uint8_t *rdata;
	uint16_t rdlen;
} rec_t;

typedef struct sink {
	char *text;
	size_t len, cap;
	rec_t *recs;
	size_t n, ncap;
	int fail_at; /* return DZ_EZONECHECK on this record (1-based), 0: never */
} sink_t;

static void sink_append(sink_t *s, const char *str, size_t n)
{
	if (s->len + n + 1 > s->cap) {
		s->cap = (s->len + n + 1) * 2;
		s->text = realloc(s->text, s->cap);
		assert_non_null(s->text);
	}
	memcpy(s->text + s->len, str, n);
	s->len += n;
	s->text[s->len] = '\0';
}

static void sink_free(sink_t *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->recs[i].rdata);
	}
	free(s->recs);
	free(s->text);
	memset(s, 0, sizeof(*s));
}

static int collect(void *ctx, const dz_zrr_t *rr)
{
	sink_t *s = ctx;
	static char line[4 * 65536 + 2048];
	if (s->fail_at != 0 && (size_t)s->fail_at == s->n + 1) {
		return DZ_EZONECHECK;
	}
	int n = dz_rr_to_str(line, sizeof(line), rr->owner, rr->type,
	                     rr->rclass, rr->ttl, rr->rdata, rr->rdlen);
	assert_true(n > 0);
	sink_append(s, line, (size_t)n);
	sink_append(s, "\n", 1);
	if (s->n == s->ncap) {
		s->ncap = s->ncap == 0 ? 16 : s->ncap * 2;
		s->recs = realloc(s->recs, s->ncap * sizeof(*s->recs));
		assert_non_null(s->recs);
	}
	rec_t *r = &s->recs[s->n++];
	dz_name_copy(r->owner, rr->owner);
	r->type = rr->type;
	r->rclass = rr->rclass;
	r->ttl = rr->ttl;
	r->rdlen = rr->rdlen;
	r->rdata = malloc(rr->rdlen + 1u);
	assert_non_null(r->rdata);
	memcpy(r->rdata, rr->rdata, rr->rdlen);
	return 0;
}

/* Whole file, or NULL if it does not exist. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		return NULL;
	}
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	size_t n;
	while (buf != NULL && (n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (cap - len - 1 == 0) {
			cap *= 2;
			buf = realloc(buf, cap);
		}
	}
	fclose(f);
	assert_non_null(buf);
	buf[len] = '\0';
	return buf;
}

static void name_from(uint8_t *dst, const char *s)
{
	assert_true(dz_name_from_str(dst, s, strlen(s), NULL) > 0);
}

/* Per-case options from ";! key=value" lines at the top of a case. */
typedef struct case_opts {
	uint8_t origin[DZ_NAME_MAXLEN];
	dz_zonefile_opts_t o;
} case_opts_t;

static void case_opts(case_opts_t *c, const char *text)
{
	memset(c, 0, sizeof(*c));
	name_from(c->origin, "example.");
	c->o.origin = c->origin;
	while (strncmp(text, ";! ", 3) == 0) {
		char key[32], val[256];
		if (sscanf(text + 3, "%31[^=]=%255s", key, val) == 2) {
			if (strcmp(key, "origin") == 0 &&
			    strcmp(val, "none") == 0) {
				c->o.origin = NULL;
			} else if (strcmp(key, "origin") == 0) {
				name_from(c->origin, val);
			} else if (strcmp(key, "ttl") == 0) {
				c->o.default_ttl = (uint32_t)atol(val);
				c->o.default_ttl_set = true;
			} else if (strcmp(key, "generate-max") == 0) {
				c->o.max_generate = (unsigned)atol(val);
			} else if (strcmp(key, "include-depth") == 0) {
				c->o.max_include_depth = (unsigned)atol(val);
			}
		}
		const char *nl = strchr(text, '\n');
		if (nl == NULL) {
			break;
		}
		text = nl + 1;
	}
}

static void trim_nl(char *s)
{
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r')) {
		s[--n] = '\0';
	}
}

static void assert_same_records(const sink_t *a, const sink_t *b)
{
	assert_int_equal(a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		const rec_t *x = &a->recs[i], *y = &b->recs[i];
		assert_int_equal(dz_name_len(x->owner), dz_name_len(y->owner));
		assert_memory_equal(x->owner, y->owner, dz_name_len(x->owner));
		assert_int_equal(x->type, y->type);
		assert_int_equal(x->rclass, y->rclass);
		assert_int_equal(x->ttl, y->ttl);
		assert_int_equal(x->rdlen, y->rdlen);
		assert_memory_equal(x->rdata, y->rdata, x->rdlen);
	}
}

/* Print, parse the printed text again, and expect the same records. */
static void round_trip(const sink_t *first)
{
	sink_t again = {0};
	dz_zonefile_diag_t diag;
	int r = dz_zonefile_parse_buf(first->text, first->len, "roundtrip",
	                              NULL, collect, &again, &diag);
	if (r != DZ_OK) {
		char msg[512];
		dz_zonefile_diag_to_str(msg, sizeof(msg), &diag, true);
		print_error("round trip failed: %s\n", msg);
	}
	assert_int_equal(r, DZ_OK);
	assert_same_records(first, &again);
	assert_string_equal(first->text != NULL ? first->text : "",
	                    again.text != NULL ? again.text : "");
	sink_free(&again);
}

/* ---- golden cases --------------------------------------------------- */

static void run_case(void **state)
{
	const char *name = *state;
	char path[1024], out_path[1024], err_path[1024];
	snprintf(path, sizeof(path), "%s/%s.zone", CASE_DIR, name);
	snprintf(out_path, sizeof(out_path), "%s/%s.out", CASE_DIR, name);
	snprintf(err_path, sizeof(err_path), "%s/%s.err", CASE_DIR, name);
	char *text = slurp(path);
	char *want_out = slurp(out_path);
	char *want_err = slurp(err_path);
	assert_non_null(text);
	assert_true(want_out != NULL || want_err != NULL);
	case_opts_t c;
	case_opts(&c, text);

	sink_t got = {0};
	dz_zonefile_diag_t diag;
	int r = dz_zonefile_parse_file(path, &c.o, collect, &got, &diag);
	char msg[1024] = "";
	if (r != DZ_OK) {
		dz_zonefile_diag_to_str(msg, sizeof(msg), &diag, true);
		assert_int_equal(diag.code, r);
	}
	if (want_err != NULL) {
		trim_nl(want_err);
		if (r == DZ_OK) {
			print_error("expected error: %s\n", want_err);
		}
		assert_int_not_equal(r, DZ_OK);
		assert_string_equal(msg, want_err);
	} else {
		if (r != DZ_OK) {
			print_error("unexpected error: %s\n", msg);
		}
		assert_int_equal(r, DZ_OK);
	}
	/* For an error case, .out lists the records delivered before it. */
	assert_string_equal(got.text != NULL ? got.text : "",
	                    want_out != NULL ? want_out : "");
	if (want_err == NULL) {
		round_trip(&got);
	}
	sink_free(&got);
	free(text);
	free(want_out);
	free(want_err);
}

static int filter_zone(const struct dirent *d)
{
	size_t n = strlen(d->d_name);
	return n > 5 && strcmp(d->d_name + n - 5, ".zone") == 0;
}

static size_t load_cases(struct CMUnitTest **out, char ***names)
{
	struct dirent **ents;
	int n = scandir(CASE_DIR, &ents, filter_zone, alphasort);
	assert_true(n > 0);
	struct CMUnitTest *t = calloc((size_t)n, sizeof(*t));
	char **nm = calloc((size_t)n, sizeof(*nm));
	assert_non_null(t);
	assert_non_null(nm);
	for (int i = 0; i < n; i++) {
		size_t len = strlen(ents[i]->d_name) - 5;
		nm[i] = strndup(ents[i]->d_name, len);
		t[i].name = nm[i];
		t[i].test_func = run_case;
		t[i].initial_state = nm[i];
		free(ents[i]);
	}
	free(ents);
	*out = t;
	*names = nm;
	return (size_t)n;
}

/* ---- API edges ------------------------------------------------------ */

static int parse_text(const char *text, const dz_zonefile_opts_t *o,
                      sink_t *s, dz_zonefile_diag_t *diag)
{
	return dz_zonefile_parse_buf(text, strlen(text), "mem.zone", o,
	                             collect, s, diag);
}

static void callback_status_aborts_parse(void **state)
{
	(void)state;
	sink_t s = {.fail_at = 2};
	dz_zonefile_diag_t d;
	const char *z = "a.example. 60 IN A 192.0.2.1\n"
	                "b.example. 60 IN A 192.0.2.2\n"
	                "c.example. 60 IN A 192.0.2.3\n";
	assert_int_equal(parse_text(z, NULL, &s, &d), DZ_EZONECHECK);
	assert_int_equal(s.n, 1);
	assert_int_equal(d.code, DZ_EZONECHECK);
	assert_int_equal(d.line, 2);
	assert_string_equal(d.file, "mem.zone");
	sink_free(&s);
}

static void parse_buf_without_newline_or_diag(void **state)
{
	(void)state;
	sink_t s = {0};
	const char *z = "a.example. 60 IN TXT \"x\"";
	assert_int_equal(dz_zonefile_parse_buf(z, strlen(z), NULL, NULL,
	                                       collect, &s, NULL),
	                 DZ_OK);
	assert_string_equal(s.text, "a.example.\t60\tIN\tTXT\t\"x\"\n");
	sink_free(&s);
	/* Not NUL-terminated: the parser must stop at len. */
	char buf[] = {'a', '.', ' ', '1', ' ', 'A', ' ', '1', '.', '2',
	              '.', '3', '.', '4', '5'};
	assert_int_equal(dz_zonefile_parse_buf(buf, sizeof(buf) - 1, NULL,
	                                       NULL, collect, &s, NULL),
	                 DZ_OK);
	assert_string_equal(s.text, "a.\t1\tIN\tA\t1.2.3.4\n");
	sink_free(&s);
}

static void empty_input_gives_no_records(void **state)
{
	(void)state;
	sink_t s = {0};
	assert_int_equal(dz_zonefile_parse_buf("", 0, NULL, NULL, collect,
	                                       &s, NULL),
	                 DZ_OK);
	assert_int_equal(s.n, 0);
	assert_int_equal(parse_text("; only a comment\n\n  \n", NULL, &s,
	                            NULL),
	                 DZ_OK);
	assert_int_equal(s.n, 0);
}

static void no_include_option_rejects_include(void **state)
{
	(void)state;
	sink_t s = {0};
	dz_zonefile_diag_t d;
	dz_zonefile_opts_t o = {.no_include = true};
	assert_int_equal(parse_text("$INCLUDE /dev/null\n", &o, &s, &d),
	                 DZ_EINCLUDE);
	assert_int_equal(d.line, 1);
	assert_int_equal(d.column, 1);
	sink_free(&s);
}

static void generate_limit_is_enforced(void **state)
{
	(void)state;
	sink_t s = {0};
	dz_zonefile_diag_t d;
	dz_zonefile_opts_t o = {.max_generate = 10};
	const char *z = "$ORIGIN example.\n$GENERATE 1-11 h$ 60 A 192.0.2.$\n";
	assert_int_equal(parse_text(z, &o, &s, &d), DZ_ELIMIT);
	assert_int_equal(d.line, 2);
	assert_int_equal(d.column, 11);
	assert_int_equal(s.n, 0);
	z = "$ORIGIN example.\n$GENERATE 1-10 h$ 60 A 192.0.2.$\n";
	assert_int_equal(parse_text(z, &o, &s, &d), DZ_OK);
	assert_int_equal(s.n, 10);
	sink_free(&s);
}

static void default_ttl_and_class_options(void **state)
{
	(void)state;
	sink_t s = {0};
	dz_zonefile_diag_t d;
	dz_zonefile_opts_t o = {.default_ttl = 77, .default_ttl_set = true,
	                        .rclass = DZ_CLASS_CH};
	assert_int_equal(parse_text("a. TXT x\n", &o, &s, &d), DZ_OK);
	assert_string_equal(s.text, "a.\t77\tCH\tTXT\t\"x\"\n");
	sink_free(&s);
	assert_int_equal(parse_text("a. IN TXT x\n", &o, &s, &d), DZ_ECLASS);
	assert_int_equal(d.column, 4);
	sink_free(&s);
}

static void missing_file_returns_enoent(void **state)
{
	(void)state;
	sink_t s = {0};
	dz_zonefile_diag_t d;
	assert_int_equal(dz_zonefile_parse_file(CASE_DIR "/no-such-file",
	                                        NULL, collect, &s, &d),
	                 DZ_ENOENT);
	assert_int_equal(d.code, DZ_ENOENT);
	assert_int_equal(d.line, 0);
}

static void rr_to_str_reports_short_buffer(void **state)
{
	(void)state;
	uint8_t owner[DZ_NAME_MAXLEN];
	const uint8_t rd[4] = {192, 0, 2, 1};
	char buf[64];
	name_from(owner, "www.example.");
	int n = dz_rr_to_str(buf, sizeof(buf), owner, DZ_RR_A, DZ_CLASS_IN,
	                     3600, rd, sizeof(rd));
	assert_int_equal(n, (int)strlen("www.example.\t3600\tIN\tA\t192.0.2.1"));
	assert_string_equal(buf, "www.example.\t3600\tIN\tA\t192.0.2.1");
	for (size_t cap = 0; cap <= (size_t)n; cap++) {
		assert_int_equal(dz_rr_to_str(buf, cap, owner, DZ_RR_A,
		                              DZ_CLASS_IN, 3600, rd,
		                              sizeof(rd)),
		                 DZ_ESPACE);
	}
}

static void diag_to_str_formats_location(void **state)
{
	(void)state;
	dz_zonefile_diag_t d = {.file = "/a/b/c.zone", .line = 3, .column = 7,
	                        .code = DZ_ETTL, .msg = "bad ttl 'x'"};
	char buf[128];
	assert_int_equal(dz_zonefile_diag_to_str(buf, sizeof(buf), &d, true),
	                 (int)strlen("c.zone:3:7: bad ttl 'x'"));
	assert_string_equal(buf, "c.zone:3:7: bad ttl 'x'");
	dz_zonefile_diag_to_str(buf, sizeof(buf), &d, false);
	assert_string_equal(buf, "/a/b/c.zone:3:7: bad ttl 'x'");
	assert_int_equal(dz_zonefile_diag_to_str(buf, 5, &d, true),
	                 DZ_ESPACE);
}


/* The fast paths must agree with the generic codec wherever they answer. */
static void fast_paths_match_generic_codec(void **state)
{
	(void)state;
	static const struct {
		uint16_t type;
		const char *text[2];
		size_t ntok;
	} cases[] = {
		{DZ_RR_A, {"192.0.2.1"}, 1},      {DZ_RR_A, {"0.0.0.0"}, 1},
		{DZ_RR_A, {"255.255.255.255"}, 1}, {DZ_RR_A, {"01.2.3.4"}, 1},
		{DZ_RR_A, {"1.2.3"}, 1},          {DZ_RR_A, {"1.2.3.4.5"}, 1},
		{DZ_RR_A, {"256.1.1.1"}, 1},      {DZ_RR_A, {"1.2.3.4x"}, 1},
		{DZ_RR_AAAA, {"::"}, 1},          {DZ_RR_AAAA, {"2001:db8::1"}, 1},
		{DZ_RR_AAAA, {"::ffff:1.2.3.4"}, 1}, {DZ_RR_AAAA, {"1::2::3"}, 1},
		{DZ_RR_AAAA, {"2001:DB8:0:0:0:0:0:1"}, 1},
		{DZ_RR_NS, {"ns1"}, 1},           {DZ_RR_NS, {"ns1.example.net."}, 1},
		{DZ_RR_NS, {"@"}, 1},             {DZ_RR_NS, {"a..b"}, 1},
		{DZ_RR_CNAME, {"x\\.y"}, 1},      {DZ_RR_PTR, {"."}, 1},
		{DZ_RR_MX, {"10", "mail"}, 2},    {DZ_RR_MX, {"010", "mail"}, 2},
		{DZ_RR_MX, {"65535", "@"}, 2},    {DZ_RR_MX, {"65536", "m"}, 2},
		{DZ_RR_MX, {"0", "m.example.org."}, 2},
	};
	uint8_t origin[DZ_NAME_MAXLEN];
	name_from(origin, "example.");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		dz_token_t tok[2];
		for (size_t k = 0; k < cases[i].ntok; k++) {
			tok[k] = (dz_token_t){cases[i].text[k],
			                      strlen(cases[i].text[k]), false};
		}
		uint8_t fast[DZ_RDATA_MAXLEN], slow[DZ_RDATA_MAXLEN];
		int f = dz__zfast_rdata(cases[i].type, tok, cases[i].ntok,
		                        origin, fast);
		int s = dz_rdata_from_tokens(cases[i].type, tok, cases[i].ntok,
		                             origin, slow, sizeof(slow), NULL);
		if (f >= 0) {
			if (s != f || memcmp(fast, slow, (size_t)f) != 0) {
				print_error("case %zu (%s) differs\n", i,
				            cases[i].text[0]);
			}
			assert_int_equal(s, f);
			assert_memory_equal(fast, slow, (size_t)f);
		}
	}
}

int main(void)
{
	const struct CMUnitTest api[] = {
		cmocka_unit_test(callback_status_aborts_parse),
		cmocka_unit_test(parse_buf_without_newline_or_diag),
		cmocka_unit_test(empty_input_gives_no_records),
		cmocka_unit_test(no_include_option_rejects_include),
		cmocka_unit_test(generate_limit_is_enforced),
		cmocka_unit_test(default_ttl_and_class_options),
		cmocka_unit_test(missing_file_returns_enoent),
		cmocka_unit_test(rr_to_str_reports_short_buffer),
		cmocka_unit_test(diag_to_str_formats_location),
		cmocka_unit_test(fast_paths_match_generic_codec),
	};
	int fails = cmocka_run_group_tests_name("zonefile_api", api, NULL,
	                                        NULL);
	struct CMUnitTest *cases;
	char **names;
	size_t n = load_cases(&cases, &names);
	fails += _cmocka_run_group_tests("zonefile_golden", cases, n, NULL,
	                                 NULL);
	for (size_t i = 0; i < n; i++) {
		free(names[i]);
	}
	free(names);
	free(cases);
	return fails;
}
