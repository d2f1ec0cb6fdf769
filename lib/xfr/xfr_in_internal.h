/* SPDX-License-Identifier: BSD-3-Clause */
/* State of an incoming transfer, shared by the stream reader and the version
 * builder (private to lib/xfr). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "lib/wire/name.h"
#include "lib/xfr/xfr.h"
#include "lib/zone/changeset.h"

typedef struct dz_zone_builder dz_zone_builder_t;

/* Where the stream is (see the state machine in xfr_in.c). */
typedef enum xst {
	XST_START = 0,
	XST_FIRST,
	XST_AXFR,
	XST_DEL,
	XST_ADD,
	XST_DONE,
	XST_FAILED,
	XST_SPENT, /* finished: the result was handed over */
} xst_t;

/* Largest SOA rdata: two names and five numbers. */
#define XFR_SOA_MAX (2 * DZ_NAME_MAXLEN + 20)

struct dz_xfr_in {
	uint8_t origin[DZ_NAME_MAXLEN];
	dz_zone_t *current; /* our reference, or NULL */
	uint16_t qtype;
	uint32_t serial; /* ours */
	bool check_id;
	uint16_t id;

	xst_t state;
	dz_xfr_kind_t kind;
	int err;
	uint16_t rcode;
	char diag[DZ_XFR_DIAG_MAX];

	/* The first SOA: the version the peer sends. */
	uint32_t end_serial;
	uint32_t soa_ttl;
	uint16_t soa_len;
	uint8_t soa[XFR_SOA_MAX];

	/* Full zone. */
	dz_zone_builder_t *builder;
	dz_zone_t *built;

	/* Difference sequences. */
	dz_zone_t *work;    /* version the steps so far lead to (a reference) */
	dz_changeset_t *ch; /* the step being read */
	uint32_t step_from, step_to;
	dz_xfr_step_t *steps; /* completed steps */
	size_t nsteps, capsteps;

	/* The record being handled (points into owner/rdata below). */
	dz_rr_t cur;
	bool cur_soa; /* the apex SOA */
	uint32_t cur_serial;
	uint8_t owner[DZ_NAME_MAXLEN];
	uint8_t rdata[65535];

	dz_xfr_stats_t stats;
};

/* Record a failure (sticky) with a diagnostic; returns \p err. */
int dz__xfr_in_fail(dz_xfr_in_t *in, int err, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* Start collecting a full zone (the first SOA goes in). */
int dz__xfr_in_axfr_begin(dz_xfr_in_t *in, dz_xfr_kind_t kind);

/* One record of a full zone. */
int dz__xfr_in_axfr_rr(dz_xfr_in_t *in);

/* in->cur is the old SOA of a difference step. */
int dz__xfr_in_step_begin(dz_xfr_in_t *in);

/* One record inside a difference step. */
int dz__xfr_in_step_rr(dz_xfr_in_t *in);
