/* SPDX-License-Identifier: BSD-3-Clause */
/* `dynzone check zone`: parse a zone file, build the zone, run its checks. */

#include "tools/check/check.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util/errcode.h"
#include "lib/wire/name.h"
#include "lib/wire/rrtype.h"
#include "lib/zone/zone.h"
#include "lib/zone/zonefile.h"
#include "tools/common/msg.h"

typedef struct {
	bool print;
	const char *file;
	uint8_t origin[DZ_NAME_MAXLEN];
	/* "zone example.test/IN", the prefix named-checkzone puts on findings
	 * about the zone as a whole, so scripts that read its output read ours. */
	char label[DZ_NAME_MAXSTR + 16];
} args_t;

/* Returned by parse_args when --help was printed. */
#define ARGS_HELP (-1)

static void usage(FILE *out)
{
	fprintf(out,
		"usage: dynzone check zone [--print] FILE ORIGIN\n\n"
		"Parse FILE as the zone ORIGIN (class IN), run the checks\n"
		"named-checkzone runs, and print 'OK' when the zone would load.\n\n"
		"  --print  write the zone to stdout, one record a line in\n"
		"           canonical order (status lines then go to stderr)\n\n"
		"exit status: 0 valid (warnings may be printed), 1 invalid,\n"
		"2 bad command line\n");
}

/* The name without its trailing dot, as BIND shows names ("." stays "."). */
static void name_display(char *dst, size_t dstlen, const uint8_t *name)
{
	int len = dz_name_to_str(dst, dstlen, name);
	if (len > 1) {
		dst[len - 1] = '\0';
	}
}

static int set_origin(args_t *a, const char *text)
{
	static const uint8_t root[1] = {0};
	/* "example.test" means "example.test." as for named-checkzone. */
	int len = dz_name_from_str(a->origin, text, strlen(text), root);
	if (len < 0) {
		msg_error("bad origin '%s': %s", text, dz_strerror(len));
		return CHECK_USAGE;
	}
	char name[DZ_NAME_MAXSTR];
	name_display(name, sizeof(name), a->origin);
	snprintf(a->label, sizeof(a->label), "zone %s/IN", name);
	return CHECK_OK;
}

static int parse_args(int argc, char **argv, args_t *a)
{
	int i = 1;
	for (; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return ARGS_HELP;
		}
		if (strcmp(argv[i], "--print") == 0 || strcmp(argv[i], "-p") == 0) {
			a->print = true;
			continue;
		}
		msg_error("unknown option '%s' (see 'dynzone check --help')",
			  argv[i]);
		return CHECK_USAGE;
	}
	if (argc - i != 2) {
		usage(stderr);
		return CHECK_USAGE;
	}
	a->file = argv[i];
	return set_origin(a, argv[i + 1]);
}

/* --- load: parser -> builder -> zone ------------------------------------ */

static int add_record(void *ctx, const dz_zrr_t *rr)
{
	return dz_zone_builder_add(ctx, rr->owner, rr->type, rr->rclass,
				   rr->ttl, rr->rdata, rr->rdlen);
}

static void report_parse_error(const args_t *a, int ret,
			       const dz_zonefile_diag_t *d)
{
	if (d->line == 0) {
		/* Not tied to a line: the file itself could not be read. */
		msg_error("%s: %s", d->file[0] != '\0' ? d->file : a->file,
			  d->msg[0] != '\0' ? d->msg : dz_strerror(ret));
		return;
	}
	char where[PATH_MAX + 32];
	snprintf(where, sizeof(where), "%s:%u:%u", d->file, d->line,
		 d->column);
	msg_at(where, MSG_ERROR, "%s", d->msg[0] != '\0' ? d->msg
							  : dz_strerror(ret));
}

static void report_build_stats(const args_t *a, const dz_zone_builder_t *b)
{
	dz_zone_build_stats_t st;
	dz_zone_builder_stats(b, &st);
	/* RFC 2181 §5.2: the records of an RRset share one TTL. */
	if (st.ttl_adjusted > 0) {
		msg_at(a->label, MSG_WARNING,
		       "%zu record(s) got the TTL of the first record of "
		       "their RRset (RFC 2181 section 5.2)",
		       st.ttl_adjusted);
	}
}

/* Builds the whole zone or nothing: a zone with a parse error is not loaded
 * at all, as named-checkzone does. */
static int load_zone(const args_t *a, dz_zone_t **out)
{
	dz_zone_builder_t *b = NULL;
	int ret = dz_zone_builder_new(a->origin, &b);
	if (ret != DZ_OK) {
		msg_error("%s", dz_strerror(ret));
		return CHECK_FAIL;
	}
	dz_zonefile_opts_t opts = {
		.origin = a->origin,
		.rclass = DZ_CLASS_IN,
	};
	dz_zonefile_diag_t diag;
	memset(&diag, 0, sizeof(diag));
	int status = CHECK_FAIL;
	ret = dz_zonefile_parse_file(a->file, &opts, add_record, b, &diag);
	if (ret != DZ_OK) {
		report_parse_error(a, ret, &diag);
		goto cleanup;
	}
	ret = dz_zone_builder_finish(b, out);
	if (ret != DZ_OK) {
		msg_error("%s: %s", a->file, dz_strerror(ret));
		goto cleanup;
	}
	report_build_stats(a, b);
	status = CHECK_OK;
cleanup:
	dz_zone_builder_free(b);
	return status;
}

/* --- checks --------------------------------------------------------------- */

static void report_finding(const dz_zone_finding_t *f, void *ctx)
{
	const args_t *a = ctx;
	char name[DZ_NAME_MAXSTR];
	name_display(name, sizeof(name), f->owner);
	char where[sizeof(a->label) + DZ_NAME_MAXSTR + 2];
	snprintf(where, sizeof(where), "%s: %s", a->label, name);
	msg_at(where, f->severity == DZ_ZONE_ERROR ? MSG_ERROR : MSG_WARNING,
	       "%s", f->msg);
}

static int check_loaded(const args_t *a, const dz_zone_t *zone)
{
	int ret = dz_zone_check(zone, report_finding, (void *)a);
	if (ret == DZ_EZONECHECK) {
		return CHECK_FAIL;
	}
	if (ret != DZ_OK) {
		msg_error("%s: %s", a->file, dz_strerror(ret));
		return CHECK_FAIL;
	}
	return CHECK_OK;
}

/* --- --print -------------------------------------------------------------- */

typedef struct {
	char *buf;
	size_t cap;
} line_buf_t;

static int print_rr(line_buf_t *lb, const dz_rrset_t *rrset,
		    const uint8_t *rdata, uint16_t rdlen)
{
	for (;;) {
		int len = dz_rr_to_str(lb->buf, lb->cap, rrset->owner,
				       rrset->type, DZ_CLASS_IN, rrset->ttl,
				       rdata, rdlen);
		if (len >= 0) {
			fwrite(lb->buf, 1, (size_t)len, stdout);
			putchar('\n');
			return DZ_OK;
		}
		if (len != DZ_ESPACE) {
			return len;
		}
		/* Rare (long TXT or unknown-type rdata): grow and retry. */
		char *nbuf = realloc(lb->buf, lb->cap * 2);
		if (nbuf == NULL) {
			return DZ_ENOMEM;
		}
		lb->buf = nbuf;
		lb->cap *= 2;
	}
}

static int print_rrset(line_buf_t *lb, const dz_rrset_t *rrset)
{
	dz_rdata_iter_t it;
	const uint8_t *rdata;
	uint16_t rdlen;
	dz_rrset_iter(rrset, &it);
	while (dz_rrset_next(&it, &rdata, &rdlen)) {
		int ret = print_rr(lb, rrset, rdata, rdlen);
		if (ret != DZ_OK) {
			return ret;
		}
	}
	return DZ_OK;
}

/* Every RRset of a node in type order; the apex SOA was printed first. */
static int print_node(line_buf_t *lb, const dz_zone_t *zone,
		      const dz_node_t *node)
{
	unsigned n = dz_node_rrset_count(node);
	for (unsigned i = 0; i < n; i++) {
		dz_rrset_t rrset;
		int ret = dz_node_rrset_at(node, i, &rrset);
		if (ret != DZ_OK) {
			return ret;
		}
		if (rrset.type == DZ_RR_SOA && node == dz_zone_apex(zone)) {
			continue;
		}
		ret = print_rrset(lb, &rrset);
		if (ret != DZ_OK) {
			return ret;
		}
	}
	return DZ_OK;
}

/* The SOA first (where zone files put it and readers expect it), then every
 * node in canonical order (RFC 4034 §6.1). */
static int print_zone(const dz_zone_t *zone)
{
	line_buf_t lb = {.cap = 4096};
	lb.buf = malloc(lb.cap);
	if (lb.buf == NULL) {
		return DZ_ENOMEM;
	}
	dz_rrset_t soa;
	int ret = dz_zone_soa(zone, &soa);
	if (ret == DZ_OK) {
		ret = print_rrset(&lb, &soa);
	}
	dz_zone_iter_t it;
	const dz_node_t *node;
	dz_zone_iter_init(&it, zone);
	while (ret == DZ_OK && dz_zone_iter_next(&it, &node)) {
		ret = print_node(&lb, zone, node);
	}
	free(lb.buf);
	return ret;
}

/* --- main ----------------------------------------------------------------- */

static int report_loaded(const args_t *a, const dz_zone_t *zone)
{
	uint32_t serial = 0;
	int ret = dz_zone_serial(zone, &serial);
	if (ret != DZ_OK) {
		/* dz_zone_check already rejects a zone without an SOA. */
		msg_error("%s: %s", a->file, dz_strerror(ret));
		return CHECK_FAIL;
	}
	/* With --print, stdout holds only the zone. */
	FILE *out = a->print ? stderr : stdout;
	fprintf(out, "%s: loaded serial %u\nOK\n", a->label, serial);
	return CHECK_OK;
}

static int finish_output(void)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		msg_error("writing to stdout failed");
		return CHECK_FAIL;
	}
	return CHECK_OK;
}

int check_zone_main(int argc, char **argv)
{
	args_t a;
	memset(&a, 0, sizeof(a));
	int status = parse_args(argc, argv, &a);
	if (status != CHECK_OK) {
		return status == ARGS_HELP ? CHECK_OK : status;
	}
	dz_zone_t *zone = NULL;
	status = load_zone(&a, &zone);
	if (status == CHECK_OK) {
		status = check_loaded(&a, zone);
	}
	if (status == CHECK_OK && a.print) {
		int ret = print_zone(zone);
		if (ret != DZ_OK) {
			msg_error("%s: cannot print the zone: %s", a.file,
				  dz_strerror(ret));
			status = CHECK_FAIL;
		}
	}
	if (status == CHECK_OK) {
		status = report_loaded(&a, zone);
	}
	dz_zone_unref(zone);
	if (finish_output() != CHECK_OK) {
		status = CHECK_FAIL;
	}
	return status;
}
