/* SPDX-License-Identifier: BSD-3-Clause */
/* RFC 2136 dynamic update: zone version + UPDATE message -> next version +
 * change set, or an rcode and why. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "lib/util/api.h"
#include "lib/wire/msg.h"
#include "lib/zone/serial.h"

typedef struct dz_zone dz_zone_t;
typedef struct dz_changeset dz_changeset_t;

/*
 * Order of the checks. RFC 2136 §3 lists zone (§3.1), prerequisites (§3.2),
 * permission (§3.3), prescan (§3.4.1), then the updates (§3.4.2). BIND 9.18
 * (the reference for the differential tests; the orders below were checked
 * against a running named) rejects some forms while it parses the message,
 * then prescans the update section (with the permission check) before the
 * prerequisites, so that a malformed or refused update never learns anything
 * from the prerequisites; we do the same:
 *
 *   1. zone section          FORMERR (one SOA question of class IN, opcode)
 *   2. record forms          FORMERR, over the whole message, prerequisites
 *                            then updates, before any per-record check (BIND
 *                            does this at parse time): class ANY with rdata
 *                            (both sections), class NONE with rdata (a
 *                            prerequisite), rdata without its type's form
 *                            (class IN in both sections, class NONE in the
 *                            update section: an empty A is malformed).
 *                            dz_update_zone_name() runs 1 and 2 too, as the
 *                            server calls it before its permission checks.
 *   3. zone                  NOTAUTH (not our zone), SERVFAIL (no SOA)
 *   4. update prescan        per RR in message order: NOTZONE, then FORMERR
 *                            (class IN meta type; class ANY with TTL != 0 or
 *                            a meta type other than ANY; class NONE with TTL
 *                            != 0 or a meta type; any other class), then
 *                            REFUSED (explicit NSEC/NSEC3 updates, RRSIG
 *                            below the apex - BIND's policy - then allow_rr).
 *                            So an out-of-zone RR before a TTL/class/meta
 *                            error is NOTZONE, one after it is not reached.
 *   5. prerequisites         FORMERR (TTL != 0, before the zone check, and
 *                            other classes), NOTZONE, YXDOMAIN, NXDOMAIN,
 *                            YXRRSET, NXRRSET (class ANY/NONE ones in
 *                            message order, then the value-dependent ones,
 *                            RFC 2136 §3.2.5)
 *   6. updates, in order, each seeing the effect of the ones before it.
 *      Ignored without error (RFC 2136 §3.4.2, BIND): duplicates (same
 *      rdata and TTL); a CNAME beside other data or other data beside a
 *      CNAME (RRSIG and NSEC may stand beside one); an SOA not newer than
 *      the current one (RFC 1982) or at another name; MD/MF; NS or DNAME
 *      at a wildcard; DS at the apex; deleting the apex SOA, the apex NS
 *      RRset, or the last apex NS. An addition to a CNAME, SOA, DNAME or
 *      NSEC replaces it; any other addition sets its RRset's TTL.
 *      Value-dependent prerequisites compare as sets: duplicate records
 *      collapse (RFC 2181 §5; BIND compares lists and fails them).
 *   7. if anything changed: serial bumped once by the zone's policy unless
 *      the update itself installed a newer SOA serial (SERVFAIL if the
 *      policy cannot), then the new version is built and
 *   8. the name server check (BIND's "post update name server sanity
 *      check", REFUSED): every target of the apex NS RRset at or below the
 *      origin must, looked up in the new version, own A or AAAA (a wildcard
 *      that owns one counts) or lie at or below a zone cut (glue or not);
 *      no such name, an empty non-terminal, a name without addresses, a
 *      CNAME or a name below a DNAME fail. The whole RRset is checked after
 *      any change, whatever the update touched; out-of-zone targets and the
 *      NS RRsets of delegations are not. An update that changes nothing is
 *      not checked. (BIND checks before the serial bump; only a failing
 *      serial policy could tell the difference.)
 */

/*! Where a diagnostic points (dz_update_diag_t.section). */
typedef enum dz_update_section {
	DZ_UPDATE_SEC_NONE = 0,   /*!< not tied to one record */
	DZ_UPDATE_SEC_ZONE = 1,   /*!< the zone section (the question) */
	DZ_UPDATE_SEC_PREREQ = 2, /*!< prerequisite section (answer) */
	DZ_UPDATE_SEC_UPDATE = 3, /*!< update section (authority) */
} dz_update_section_t;

/*! Longest dz_update_diag_t.msg, with its NUL. */
#define DZ_UPDATE_DIAG_MSGLEN 160

/*!
 * \brief Why an update failed: for the server's log line and the EDNS
 *        Extended DNS Error EXTRA-TEXT (RFC 8914).
 */
typedef struct dz_update_diag {
	dz_update_section_t section;
	size_t index;       /*!< index of the record within its section */
	uint8_t owner[255]; /*!< the record's owner (wire form; root if none) */
	uint16_t type;      /*!< the record's type (0 if none) */
	uint16_t rclass;    /*!< the record's class (0 if none) */
	char msg[DZ_UPDATE_DIAG_MSGLEN]; /*!< lowercase, e.g. "prerequisite
	                           yxrrset failed: www.example.test. A: rrset
	                           does not exist" */
} dz_update_diag_t;

/*!
 * Permission hook (RFC 2136 §3.3), called during the prescan for each update
 * record: \p rclass is DZ_CLASS_IN for an addition, DZ_CLASS_ANY for an RRset
 * deletion, DZ_CLASS_NONE for a record deletion. For "delete all RRsets at a
 * name" (class ANY, type ANY) it is called once per RRset type the name owns
 * in the current version (as BIND does), or once with DZ_RR_ANY if it owns
 * none. Return true to allow; false makes the update REFUSED.
 */
typedef bool (*dz_update_allow_cb)(void *ctx, const uint8_t *owner,
                                   uint16_t type, uint16_t rclass);

/*! \brief Options of dz_update_apply(). Zero-initialised: increment, allow all.
 */
typedef struct dz_update_opts {
	dz_serial_policy_t serial_policy; /*!< the zone's `serial-policy` */
	time_t now;                       /*!< for unixtime/dateserial */
	dz_update_allow_cb allow_rr;      /*!< NULL: everything allowed */
	void *allow_ctx;
} dz_update_opts_t;

/*!
 * \brief Check the zone section (RFC 2136 §3.1.1) and give the zone name, so
 *        the server can pick the zone the update is for.
 *
 * Also checks the record forms BIND rejects while parsing (step 2 of the
 * order above), so that the server answers FORMERR before NOTAUTH or a
 * permission refusal, as BIND does.
 *
 * \param zname  out: the zone name (borrowed from \p msg)
 * \param rcode  out on failure: DZ_RCODE_FORMERR (SERVFAIL for DZ_ENOMEM)
 * \param diag   optional; filled on failure
 * \return DZ_OK, DZ_EMALF (ZOCOUNT != 1, ZTYPE not SOA, ZCLASS not IN, opcode
 *         not UPDATE, or a malformed prerequisite or update record), or
 *         DZ_ENOMEM
 */
DZ_API int dz_update_zone_name(const dz_msg_t *msg, const uint8_t **zname,
                               uint16_t *rcode, dz_update_diag_t *diag);

/*!
 * \brief Apply an UPDATE message to a zone version (RFC 2136 §3), all or
 *        nothing. Pure: no I/O, \p zone is untouched.
 *
 * On success *rcode is NOERROR and either *new_zone is the next version and
 * *changes the change set from \p zone to it (both the caller's), or, if the
 * update changed nothing, both are set to NULL and the serial is not bumped
 * (as BIND). The change set has the IXFR/journal form: removals start with
 * the old SOA, additions with the new SOA; the other records follow in
 * canonical name order; an RRset whose TTL changed is removed and added
 * whole. The outputs \p rcode and \p diag are also written on failure;
 * nothing else is, and nothing stays allocated.
 *
 * \param opts   NULL for the defaults (increment, everything allowed)
 * \param diag   optional
 * \return DZ_OK; DZ_EMALF (FORMERR), DZ_ENOTAUTH (NOTAUTH), DZ_EOUTZONE
 *         (NOTZONE), DZ_EREFUSED (REFUSED: DNSSEC types, allow_rr, or the
 *         post-update name server check), DZ_EPREREQ (YXDOMAIN, NXDOMAIN,
 *         YXRRSET, NXRRSET); SERVFAIL with DZ_ENOMEM, DZ_ENOSOA (the zone has
 *         no usable SOA), DZ_ERANGE/DZ_EINVAL (serial policy), or another
 *         zone store error
 */
DZ_API int dz_update_apply(const dz_zone_t *zone, const dz_msg_t *msg,
                           const dz_update_opts_t *opts, dz_zone_t **new_zone,
                           dz_changeset_t **changes, uint16_t *rcode,
                           dz_update_diag_t *diag);

/*! \brief "zone", "prerequisite", "update" or "message" for a section. */
DZ_API const char *dz_update_section_str(dz_update_section_t section);
