/* SPDX-License-Identifier: BSD-3-Clause */
/* Fuzz target: apply an UPDATE message to a fixed small zone and check the
 * result's invariants. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/update/update.h"
#include "lib/util/errcode.h"
#include "lib/wire/msg.h"
#include "lib/wire/name.h"
#include "lib/wire/rdata.h"
#include "lib/wire/rrtype.h"
#include "lib/zone/changeset.h"
#include "lib/zone/serial.h"
#include "lib/zone/zone.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_RRS DZ_MSG_DEFAULT_MAX_RRS

static dz_msg_rr_t rrs[MAX_RRS];

static void check(bool ok)
{
	if (!ok) {
		abort();
	}
}

/* Owner (relative to fuzz.test.), type, rdata text. */
static const char *const records[][3] = {
        {"fuzz.test.", "SOA",
         "ns1.fuzz.test. h.fuzz.test. 1 3600 900 604800 300"},
        {"fuzz.test.", "NS", "ns1.fuzz.test."},
        {"fuzz.test.", "NS", "ns2.fuzz.test."},
        {"fuzz.test.", "MX", "10 mx.fuzz.test."},
        {"ns1", "A", "192.0.2.1"},
        {"ns2", "A", "192.0.2.2"},
        {"www", "A", "192.0.2.10"},
        {"www", "A", "192.0.2.11"},
        {"www", "AAAA", "2001:db8::10"},
        {"alias", "CNAME", "www.fuzz.test."},
        {"a.b.c", "TXT", "\"deep\""},
        {"mx", "A", "192.0.2.25"},
        {"*.wild", "A", "192.0.2.99"},
        {"sub", "NS", "ns.sub.fuzz.test."},
        {"ns.sub", "A", "192.0.2.53"},
};

static void add_record(dz_zone_builder_t *b, const uint8_t *origin,
                       const char *const rec[3])
{
	uint8_t owner[DZ_NAME_MAXLEN], rdata[512];
	uint16_t type;
	check(dz_name_from_str(owner, rec[0], strlen(rec[0]), origin) > 0);
	check(dz_rrtype_from_str(rec[1], strlen(rec[1]), &type) == DZ_OK);
	int len = dz_rdata_from_str(type, rec[2], origin, rdata, sizeof(rdata),
	                            NULL);
	check(len >= 0);
	check(dz_zone_builder_add(b, owner, type, 0, 300, rdata,
	                          (uint16_t)len) == DZ_OK);
}

static const dz_zone_t *fixed_zone(void)
{
	static dz_zone_t *zone;
	if (zone == NULL) {
		uint8_t origin[DZ_NAME_MAXLEN];
		dz_zone_builder_t *b;
		check(dz_name_from_str(origin, "fuzz.test.", 10, NULL) > 0);
		check(dz_zone_builder_new(origin, &b) == DZ_OK);
		for (size_t i = 0; i < sizeof(records) / sizeof(records[0]);
		     i++) {
			add_record(b, origin, records[i]);
		}
		check(dz_zone_builder_finish(b, &zone) == DZ_OK);
		dz_zone_builder_free(b);
	}
	return zone;
}

static bool deny_txt(void *ctx, const uint8_t *owner, uint16_t type,
                     uint16_t rclass)
{
	(void)ctx;
	(void)rclass;
	check(owner != NULL);
	return type != DZ_RR_TXT;
}

static void check_failure(int ret, uint16_t rcode, const dz_update_diag_t *diag)
{
	check(ret < 0);
	check(rcode != DZ_RCODE_NOERROR && rcode <= DZ_RCODE_NOTZONE);
	check(memchr(diag->msg, '\0', sizeof(diag->msg)) != NULL);
	check(diag->msg[0] != '\0');
}

/* SOA still at the apex, alone; apex NS non-empty; serial newer. */
static void check_zone(const dz_zone_t *old, const dz_zone_t *nz)
{
	uint32_t s0, s1;
	dz_rrset_t set;
	const dz_node_t *apex = dz_zone_apex(nz);
	check(dz_zone_serial(old, &s0) == DZ_OK);
	check(dz_zone_serial(nz, &s1) == DZ_OK);
	check(dz_serial_cmp(s1, s0) == DZ_SERIAL_GT);
	check(apex != NULL);
	check(dz_node_rrset(apex, DZ_RR_SOA, &set) == DZ_OK && set.count == 1);
	check(dz_node_rrset(apex, DZ_RR_NS, &set) == DZ_OK && set.count >= 1);
}

/* The change set starts with the SOAs and turns old into new exactly. */
static void check_changes(const dz_zone_t *old, const dz_zone_t *nz,
                          const dz_changeset_t *ch)
{
	dz_rr_t rr;
	dz_zone_t *again = NULL;
	dz_changeset_t *d = NULL;
	check(dz_changeset_removed(ch, 0, &rr) == DZ_OK &&
	      rr.type == DZ_RR_SOA);
	check(dz_changeset_added(ch, 0, &rr) == DZ_OK && rr.type == DZ_RR_SOA);
	check(dz_zone_apply(old, ch, 0, &again) == DZ_OK);
	check(dz_zone_diff(nz, again, &d) == DZ_OK);
	check(dz_changeset_is_empty(d));
	dz_changeset_free(d);
	dz_zone_unref(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const dz_zone_t *zone = fixed_zone();
	dz_msg_t msg;
	dz_msg_init(&msg, rrs, MAX_RRS);
	if (dz_msg_parse(&msg, data, size, NULL, NULL) != DZ_OK) {
		return 0;
	}
	/* The message id picks the serial policy and the permission hook. */
	dz_update_opts_t o = {.serial_policy = msg.hdr.id % 3,
	                      .now = 1700000000,
	                      .allow_rr =
	                              (msg.hdr.id & 0x8000) ? deny_txt : NULL};
	dz_zone_t *nz = NULL;
	dz_changeset_t *ch = NULL;
	uint16_t rcode = 0xffff;
	dz_update_diag_t diag;
	int ret = dz_update_apply(zone, &msg, &o, &nz, &ch, &rcode, &diag);
	if (ret != DZ_OK) {
		check(nz == NULL && ch == NULL);
		check_failure(ret, rcode, &diag);
		return 0;
	}
	check(rcode == DZ_RCODE_NOERROR);
	check((nz == NULL) == (ch == NULL));
	if (nz != NULL) {
		check_zone(zone, nz);
		check_changes(zone, nz, ch);
	}
	dz_changeset_free(ch);
	dz_zone_unref(nz);
	return 0;
}
