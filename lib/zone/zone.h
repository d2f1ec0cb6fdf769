/* SPDX-License-Identifier: BSD-3-Clause */
/* Zone store: immutable, reference-counted, structure-sharing zone versions. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lib/util/api.h"

/*
 * A zone version (dz_zone_t) is an ordered map from owner name (canonical
 * order, RFC 4034 §6.1) to a node holding that name's RRsets. Versions never
 * change once published: dz_zone_apply() builds the next version by path
 * copying a B+tree, sharing every untouched tree block and node with the old
 * one. Any number of threads may read a version while another builds the
 * next; a reader takes dz_zone_ref() and drops it with dz_zone_unref().
 *
 * Every pointer handed out by a lookup (nodes, names, rdata) is borrowed and
 * valid while the caller holds a reference on the version it came from.
 *
 * Empty non-terminals (names with no records but with names below them) are
 * not stored: they exist implicitly and lookups report them as such.
 */

typedef struct dz_zone dz_zone_t;
typedef struct dz_node dz_node_t;
typedef struct dz_changeset dz_changeset_t;
typedef struct dz_zone_builder dz_zone_builder_t;

/* --- RRset views -------------------------------------------------------- */

/*!
 * One RRset of a node (a transparent view, borrowed from the node). The
 * rdata of its \c count records is packed as [u16 length, native byte
 * order][octets] in canonical rdata order (RFC 4034 §6.3), no duplicates.
 */
typedef struct dz_rrset {
	const uint8_t *owner; /*!< wire name, case as first loaded */
	uint16_t type;
	uint16_t count;
	uint32_t ttl;
	const uint8_t *rdata; /*!< packed records, see above */
} dz_rrset_t;

/*! Cursor over the records of an RRset (see dz_rrset_next). */
typedef struct dz_rdata_iter {
	const uint8_t *pos;
	uint16_t left;
} dz_rdata_iter_t;

/*! \brief Start iterating over the records of \p rrset. */
static inline void dz_rrset_iter(const dz_rrset_t *rrset, dz_rdata_iter_t *it)
{
	it->pos = rrset->rdata;
	it->left = rrset->count;
}

/*!
 * \brief Next record of an RRset.
 * \param rdata  out: borrowed pointer to the rdata
 * \param rdlen  out: its length
 * \return false when there are no more records
 */
static inline bool dz_rrset_next(dz_rdata_iter_t *it, const uint8_t **rdata,
                                 uint16_t *rdlen)
{
	uint16_t len;
	if (it->left == 0) {
		return false;
	}
	memcpy(&len, it->pos, sizeof(len));
	*rdata = it->pos + sizeof(len);
	*rdlen = len;
	it->pos += sizeof(len) + len;
	it->left--;
	return true;
}

/* --- nodes -------------------------------------------------------------- */

/*! \brief Owner name of a node (wire form, borrowed). */
DZ_API const uint8_t *dz_node_name(const dz_node_t *node);

/*! \brief Number of RRsets in a node (types in ascending order). */
DZ_API unsigned dz_node_rrset_count(const dz_node_t *node);

/*!
 * \brief The \p i-th RRset of a node (ascending type order).
 * \return DZ_OK, or DZ_ERANGE if \p i >= dz_node_rrset_count()
 */
DZ_API int dz_node_rrset_at(const dz_node_t *node, unsigned i,
                            dz_rrset_t *rrset);

/*!
 * \brief The RRset of \p type at \p node.
 * \return DZ_OK, or DZ_ENOTFOUND (\p rrset untouched)
 */
DZ_API int dz_node_rrset(const dz_node_t *node, uint16_t type,
                         dz_rrset_t *rrset);

/*! \brief True if the node has an RRset of \p type. */
DZ_API bool dz_node_has(const dz_node_t *node, uint16_t type);

/* --- versions ----------------------------------------------------------- */

/*! \brief Take a reference on a version (atomic); returns \p zone. */
DZ_API dz_zone_t *dz_zone_ref(const dz_zone_t *zone);

/*!
 * \brief Drop a reference (atomic). The last one frees the version and every
 *        block and node not shared with another live version. NULL is a no-op.
 */
DZ_API void dz_zone_unref(const dz_zone_t *zone);

/*! \brief Zone origin (wire form, borrowed). */
DZ_API const uint8_t *dz_zone_origin(const dz_zone_t *zone);

/*! \brief The apex node, or NULL if the zone has no records at its origin. */
DZ_API const dz_node_t *dz_zone_apex(const dz_zone_t *zone);

/*!
 * \brief The SOA RRset at the apex.
 * \return DZ_OK, or DZ_ENOSOA
 */
DZ_API int dz_zone_soa(const dz_zone_t *zone, dz_rrset_t *soa);

/*!
 * \brief Serial of the apex SOA (RFC 1035 §3.3.13).
 * \return DZ_OK, or DZ_ENOSOA (also for a malformed SOA rdata)
 */
DZ_API int dz_zone_serial(const dz_zone_t *zone, uint32_t *serial);

/*! Counters of a version. */
typedef struct dz_zone_stats {
	size_t records;     /*!< records (rdata) in the zone */
	size_t nodes;       /*!< names holding at least one record */
	size_t rrsets;      /*!< RRsets */
	size_t bytes;       /*!< bytes of tree blocks + nodes reachable from it */
	size_t bytes_new;   /*!< of which allocated when this version was made */
	unsigned height;    /*!< B+tree height (0 for an empty zone) */
} dz_zone_stats_t;

/*! \brief Counters of a version (O(1)). */
DZ_API void dz_zone_stats(const dz_zone_t *zone, dz_zone_stats_t *stats);

/*!
 * \brief Walk the whole tree (O(n)) and split its bytes into those only this
 *        version references and those shared with other live versions (a
 *        rough figure: it reads reference counts that may change meanwhile).
 */
DZ_API void dz_zone_memory(const dz_zone_t *zone, size_t *owned,
                           size_t *shared);

/* --- bulk build --------------------------------------------------------- */

/*! Builder counters (for the loader's warnings). */
typedef struct dz_zone_build_stats {
	size_t added;        /*!< records passed to dz_zone_builder_add */
	size_t duplicates;   /*!< identical records dropped (rdata compare) */
	size_t ttl_adjusted; /*!< records whose TTL was set to their RRset's
	                          first TTL (BIND warns about these) */
} dz_zone_build_stats_t;

/*!
 * \brief Start building a zone with origin \p origin (copied).
 * \return DZ_OK, DZ_ENOMEM
 */
DZ_API int dz_zone_builder_new(const uint8_t *origin, dz_zone_builder_t **out);

/*!
 * \brief Add one record (in any order; everything is copied).
 *
 * \param rclass  0 or the zone class (DZ_CLASS_IN when 0); records of another
 *                class than the first one are refused with DZ_ECLASS
 * \return DZ_OK, DZ_EOUTZONE (owner not at/below the origin), DZ_ETYPE (meta
 *         type), DZ_ECLASS, DZ_ENOMEM
 */
DZ_API int dz_zone_builder_add(dz_zone_builder_t *b, const uint8_t *owner,
                               uint16_t type, uint16_t rclass, uint32_t ttl,
                               const uint8_t *rdata, uint16_t rdlen);

/*! \brief Counters so far (complete after dz_zone_builder_finish). */
DZ_API void dz_zone_builder_stats(const dz_zone_builder_t *b,
                                  dz_zone_build_stats_t *stats);

/*!
 * \brief Sort the records, drop duplicates, unify RRset TTLs (the first
 *        record's TTL in input order wins) and build the version.
 *        The builder stays valid for dz_zone_builder_stats and must be freed.
 * \return DZ_OK, DZ_ENOMEM, DZ_EINVAL (finished twice)
 */
DZ_API int dz_zone_builder_finish(dz_zone_builder_t *b, dz_zone_t **zone);

/*! \brief Free a builder and the records it holds. NULL is a no-op. */
DZ_API void dz_zone_builder_free(dz_zone_builder_t *b);

/* --- lookups ------------------------------------------------------------ */

/*! What dz_zone_find found (RFC 1034 §4.3.2 step 3, RFC 4592, RFC 6672). */
typedef enum dz_zone_match {
	DZ_ZONE_EXACT = 1,  /*!< qname has records: node */
	DZ_ZONE_EMPTY,      /*!< qname is an empty non-terminal (NODATA) */
	DZ_ZONE_DELEGATION, /*!< qname is at or below a zone cut: node is the
	                         topmost cut (may be qname itself, which matters
	                         for DS: RFC 4035 §3.1.4.1) */
	DZ_ZONE_DNAME,      /*!< an ancestor of qname holds a DNAME: node */
	DZ_ZONE_WILDCARD,   /*!< no qname, but *.<encloser> exists: node is the
	                         source of synthesis, NULL if that wildcard is
	                         an empty non-terminal (NODATA, RFC 4592 §2.2.2) */
	DZ_ZONE_NXDOMAIN,   /*!< no such name; encloser is the closest encloser */
	DZ_ZONE_OUTZONE,    /*!< qname is not at or below the origin */
} dz_zone_match_t;

/*! Result of dz_zone_find; all pointers borrowed. */
typedef struct dz_zone_result {
	dz_zone_match_t match;
	const dz_node_t *node; /*!< see dz_zone_match_t */
	/*! Closest encloser (RFC 4592 §3.3.1) for WILDCARD and NXDOMAIN; for
	 *  the other matches the longest existing ancestor-or-self of qname
	 *  examined. Points into the caller's qname. */
	const uint8_t *encloser;
	/*! Node of the encloser, NULL when it is an empty non-terminal. */
	const dz_node_t *encloser_node;
} dz_zone_result_t;

/*!
 * \brief Authoritative lookup of \p qname (RFC 1034 §4.3.2 step 3).
 *
 * Zone cuts and DNAMEs are searched top-down from the apex: the topmost cut
 * (a non-apex node with NS) or DNAME strictly above qname wins; a cut at
 * qname itself also yields DZ_ZONE_DELEGATION; a DNAME at qname is an exact
 * match (RFC 6672 §2.3: it only redirects names below it).
 * \return DZ_OK (the outcome is in \p res), DZ_EINVAL for a NULL argument
 */
DZ_API int dz_zone_find(const dz_zone_t *zone, const uint8_t *qname,
                        dz_zone_result_t *res);

/*!
 * \brief Exact lookup of the node named \p name, ignoring zone cuts (use it
 *        for glue: A/AAAA of names below a cut).
 * \return the node, or NULL (no records at that name)
 */
DZ_API const dz_node_t *dz_zone_node(const dz_zone_t *zone,
                                     const uint8_t *name);

/*! \brief True if \p name is an empty non-terminal of the zone. */
DZ_API bool dz_zone_is_ent(const dz_zone_t *zone, const uint8_t *name);

/* --- iteration ---------------------------------------------------------- */

/*! Maximum B+tree height (far beyond any zone that fits in memory). */
#define DZ_ZONE_MAXHEIGHT 16

/*! In-order node iterator (canonical order); a transparent stack. */
typedef struct dz_zone_iter {
	const void *blk[DZ_ZONE_MAXHEIGHT];
	unsigned idx[DZ_ZONE_MAXHEIGHT];
	int top;
} dz_zone_iter_t;

/*! \brief Position \p it before the first node of \p zone. */
DZ_API void dz_zone_iter_init(dz_zone_iter_t *it, const dz_zone_t *zone);

/*! \brief Next node in canonical order; \return false at the end. */
DZ_API bool dz_zone_iter_next(dz_zone_iter_t *it, const dz_node_t **node);

/*! Walk callback: a non-zero return stops the walk with that value. */
typedef int (*dz_zone_walk_cb)(const dz_node_t *node, void *ctx);

/*! \brief Call \p cb for every node in canonical order. \return 0 or cb's */
DZ_API int dz_zone_walk(const dz_zone_t *zone, dz_zone_walk_cb cb, void *ctx);

/* --- changes ------------------------------------------------------------ */

/*! dz_zone_apply flags. */
enum {
	/*! Removing an absent record is ignored instead of DZ_ENOTFOUND
	 *  (RFC 2136 §3.4.2.4: deleting what is not there is a no-op). */
	DZ_APPLY_LENIENT = 1u << 0,
};

/*!
 * \brief Build the version that follows \p old by applying \p ch: first the
 *        removals (rdata equal by dz_rdata_cmp, TTL ignored), then the
 *        additions (an existing record is a no-op, but its RRset's TTL
 *        becomes the TTL of the last addition of that type).
 *
 * \p old is untouched and stays valid. A node left without records vanishes
 * (and with it any empty non-terminal above it). On failure nothing is
 * allocated and \p *out is untouched.
 * \return DZ_OK, DZ_ENOTFOUND (strict mode: a removal matches nothing),
 *         DZ_EOUTZONE, DZ_ETYPE (meta type), DZ_ENOMEM
 */
DZ_API int dz_zone_apply(const dz_zone_t *old, const dz_changeset_t *ch,
                         unsigned flags, dz_zone_t **out);

/*!
 * \brief The change set that turns \p a into \p b (same origin): records of
 *        \p a missing in \p b as removals, the reverse as additions; an RRset
 *        whose TTL changed is removed and added whole. Subtrees shared by
 *        both versions are skipped, so this is O(change) for versions made
 *        from one another. Removals and additions come in canonical order.
 * \return DZ_OK, DZ_EINVAL (other origin), DZ_ENOMEM
 */
DZ_API int dz_zone_diff(const dz_zone_t *a, const dz_zone_t *b,
                        dz_changeset_t **out);

/* --- semantic checks ---------------------------------------------------- */

/*! Severity of a check finding. */
typedef enum dz_zone_severity {
	DZ_ZONE_WARNING = 1,
	DZ_ZONE_ERROR = 2,
} dz_zone_severity_t;

/*! One finding of dz_zone_check; pointers valid during the callback. */
typedef struct dz_zone_finding {
	dz_zone_severity_t severity;
	const uint8_t *owner; /*!< the name concerned */
	uint16_t type;        /*!< the RR type concerned (0: the node) */
	int code;             /*!< DZ_E* code classifying the problem */
	const char *msg;      /*!< static lowercase phrase */
} dz_zone_finding_t;

/*! Finding callback. */
typedef void (*dz_zone_report_cb)(const dz_zone_finding_t *f, void *ctx);

/*!
 * \brief Semantic checks like named-checkzone, reporting each finding:
 *  errors: no SOA at the apex (DZ_ENOSOA), more than one SOA record or an SOA
 *  below the apex (DZ_EMULTISOA), no NS at the apex (DZ_ENONS), CNAME beside
 *  other data except RRSIG/NSEC/ KEY (RFC 2181 §10.1, RFC 4035 §2.5), or more
 *  than one CNAME (DZ_ECNAME), data below a DNAME (RFC 6672 §2.4,
 *  DZ_EDNAME), data out of zone (DZ_EOUTZONE);
 *  warnings: in-zone NS target below a cut without A/AAAA glue, or an
 *  in-zone NS target without addresses (DZ_ENOTFOUND); NS, MX or SRV target
 *  that is a CNAME (DZ_ECNAME, RFC 2181 §10.3).
 * \param cb  may be NULL (just the verdict)
 * \return DZ_OK, or DZ_EZONECHECK if any error was found
 */
DZ_API int dz_zone_check(const dz_zone_t *zone, dz_zone_report_cb cb,
                         void *ctx);
