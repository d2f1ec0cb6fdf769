/* SPDX-License-Identifier: BSD-3-Clause */
/* Loading one zone file: parser -> builder -> checks, whole or not at all (no logging here). */
#include "server/zones/zones.h"

#include <stdio.h>
#include <string.h>

#include "lib/util/errcode.h"
#include "lib/wire/rrtype.h"
#include "lib/zone/zonefile.h"

static int add_record(void *ctx, const dz_zrr_t *rr)
{
	return dz_zone_builder_add(ctx, rr->owner, rr->type, rr->rclass,
	                           rr->ttl, rr->rdata, rr->rdlen);
}

static void error_set(zone_error_t *err, const char *file, unsigned line,
                      unsigned column, int code, const char *msg)
{
	snprintf(err->file, sizeof(err->file), "%s", file);
	err->line = line;
	err->column = column;
	err->code = code;
	snprintf(err->msg, sizeof(err->msg), "%s",
	         msg != NULL && msg[0] != '\0' ? msg : dz_strerror(code));
}

/* The first error finding becomes the load error; warnings are ignored
 * here (`dynzone check zone` shows them). */
static void on_finding(const dz_zone_finding_t *f, void *ctx)
{
	zone_error_t *err = ctx;
	if (f->severity != DZ_ZONE_ERROR || err->code != DZ_OK) {
		return;
	}
	char owner[DZ_NAME_MAXSTR];
	if (dz_name_to_str(owner, sizeof(owner), f->owner) < 0) {
		snprintf(owner, sizeof(owner), "?");
	}
	err->line = 0;
	err->column = 0;
	err->code = f->code;
	/* A long owner is cut: the message is for people, not parsers. */
	if (snprintf(err->msg, sizeof(err->msg), "%s: %s", owner, f->msg) < 0) {
		err->msg[0] = '\0';
	}
}

static int check_zone(const char *path, const dz_zone_t *zone,
                      zone_error_t *err)
{
	zone_error_t found = {.code = DZ_OK};
	snprintf(found.file, sizeof(found.file), "%s", path);
	int ret = dz_zone_check(zone, on_finding, &found);
	if (ret == DZ_OK) {
		return DZ_OK;
	}
	if (found.code == DZ_OK) {
		error_set(&found, path, 0, 0, ret, NULL);
	}
	*err = found;
	return ret;
}

int zone_load_file(const char *path, const uint8_t *origin, dz_zone_t **out,
                   zone_error_t *err)
{
	dz_zone_builder_t *b = NULL;
	dz_zone_t *zone = NULL;
	int ret = dz_zone_builder_new(origin, &b);
	if (ret != DZ_OK) {
		error_set(err, path, 0, 0, ret, NULL);
		return ret;
	}
	dz_zonefile_opts_t opts = {.origin = origin, .rclass = DZ_CLASS_IN};
	dz_zonefile_diag_t diag;
	memset(&diag, 0, sizeof(diag));
	ret = dz_zonefile_parse_file(path, &opts, add_record, b, &diag);
	if (ret != DZ_OK) {
		error_set(err, diag.file[0] != '\0' ? diag.file : path,
		          diag.line, diag.column, ret, diag.msg);
		goto cleanup;
	}
	ret = dz_zone_builder_finish(b, &zone);
	if (ret != DZ_OK) {
		error_set(err, path, 0, 0, ret, NULL);
		goto cleanup;
	}
	ret = check_zone(path, zone, err);
	if (ret != DZ_OK) {
		dz_zone_unref(zone);
		goto cleanup;
	}
	*out = zone;
cleanup:
	dz_zone_builder_free(b);
	return ret;
}
