/* SPDX-License-Identifier: BSD-3-Clause */
/* Zone transfer codecs: AXFR/IXFR answers rendered into messages, and incoming
 * transfer streams turned into a new version. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/util/api.h"

/* From lib/zone/zone.h, lib/zone/changeset.h, lib/wire/msg.h and
 * lib/wire/edns.h (repeated typedefs are valid C11). */
typedef struct dz_zone dz_zone_t;
typedef struct dz_changeset dz_changeset_t;
typedef struct dz_msg dz_msg_t;
typedef struct dz_edns_out dz_edns_out_t;

/*
 * Both directions are pure codecs: no I/O, no logging, no clock. The server
 * reads journal records and hands them over, sends the messages rendered
 * here (signing each with dz_tsig_stream_sign_next(), for which the
 * renderer leaves room), and parses the messages it receives before feeding
 * them in. Nothing is published by this module: an incoming transfer yields
 * a new version only from dz_xfr_in_finish().
 */

/*! What kind of answer a transfer is (or was). */
typedef enum dz_xfr_kind {
	DZ_XFR_NONE = 0,
	DZ_XFR_UPTODATE,   /*!< IXFR: a single SOA, the client is current */
	DZ_XFR_IXFR,       /*!< IXFR difference sequences (RFC 1995 §4) */
	DZ_XFR_AXFR,       /*!< AXFR (RFC 5936) */
	DZ_XFR_AXFR_STYLE, /*!< IXFR answered with the whole zone (RFC 1995 §4)
	                    */
} dz_xfr_kind_t;

/*! \brief Lowercase name of a kind ("ixfr", "axfr-style", ...). */
DZ_API const char *dz_xfr_kind_str(dz_xfr_kind_t kind);

/*!
 * One difference step: the change from serial \c from to serial \c to, as
 * the journal holds it. The change set contains the old SOA among its
 * removals and the new SOA among its additions (the journal and update
 * convention puts them first; any position is accepted).
 */
typedef struct dz_xfr_step {
	uint32_t from;
	uint32_t to;
	dz_changeset_t *ch;
} dz_xfr_step_t;

/*! Counters of one transfer (for the xfr-in-done / xfr-out-done events). */
typedef struct dz_xfr_stats {
	uint64_t messages;
	uint64_t records; /*!< answer records, SOA delimiters included */
	uint64_t bytes;   /*!< message octets (without TCP length prefixes) */
} dz_xfr_stats_t;

/* --- outgoing ----------------------------------------------------------- */

typedef struct dz_xfr_out dz_xfr_out_t;

/*! dz_xfr_out_ixfr_new() flags. */
enum {
	/*! Never condense several steps into one difference. */
	DZ_XFR_NO_CONDENSE = 1u << 0,
};

/*!
 * \brief Start an AXFR answer (RFC 5936) for \p zone to \p query.
 *
 * Messages carry the query's ID, QR and AA, the query's RD, and the
 * question in the first message only (as BIND does; RFC 5936 §2.2.1 allows
 * either). Records: the SOA, every other RRset in canonical order, the SOA.
 * Takes a reference on \p zone; \p query is copied (its ID, RD, question).
 * \return DZ_OK, DZ_ENOSOA (zone without SOA), DZ_EINVAL (no question),
 *         DZ_ENOMEM
 */
DZ_API int dz_xfr_out_axfr_new(const dz_zone_t *zone, const dz_msg_t *query,
                               dz_xfr_out_t **out);

/*!
 * \brief Start an IXFR answer (RFC 1995) for a client at \p client_serial.
 *
 * The answer is:
 *  - a single SOA when \p client_serial is not older than the zone's serial
 *    (RFC 1995 §2);
 *  - the difference sequences of \p steps when they lead from
 *    \p client_serial to the zone's serial, each with its old and new SOA in
 *    its change set. With more than one step they are condensed into one
 *    difference (dz_xfr_out_condense()) when that has fewer records than the
 *    steps together, unless DZ_XFR_NO_CONDENSE;
 *  - an AXFR-style answer (the whole zone, RFC 1995 §4) otherwise: no steps
 *    (the history is gone), or steps that do not chain or lack their SOAs.
 * \p steps and their change sets are borrowed and must outlive the answer;
 * dz_xfr_out_kind() tells which form was chosen.
 * \return DZ_OK, DZ_ENOSOA, DZ_EINVAL, DZ_ENOMEM
 */
DZ_API int dz_xfr_out_ixfr_new(const dz_zone_t *zone, const dz_msg_t *query,
                               uint32_t client_serial,
                               const dz_xfr_step_t *steps, size_t nsteps,
                               unsigned flags, dz_xfr_out_t **out);

/*!
 * \brief The client's serial from an IXFR query: the SOA in its authority
 *        section, owned by the queried zone (RFC 1995 §3).
 * \return DZ_OK, DZ_ENOSOA (no such SOA: answer FORMERR), DZ_EMALF (bad
 *         SOA rdata)
 */
DZ_API int dz_xfr_out_ixfr_serial(const dz_msg_t *query, uint32_t *serial);

/*!
 * \brief Put an OPT record (RFC 6891) in every message; its option list is
 *        borrowed until the last message. Call before the first message.
 * \return DZ_OK, DZ_EINVAL (messages already rendered)
 */
DZ_API int dz_xfr_out_set_opt(dz_xfr_out_t *x, const dz_edns_out_t *opt);

/*!
 * \brief Render the next message into \p buf: at most \p cap octets (65535
 *        are used at most), of which \p reserve stay free for the TSIG that
 *        the caller appends (and whose ARCOUNT it bumps).
 *
 * Each message is filled with as many records as fit (an RRset may be split
 * across messages), with its own name compression.
 * \return the message length (> 0), 0 when the answer is complete, or
 *         DZ_ESPACE (\p cap - \p reserve too small for even one record)
 */
DZ_API int dz_xfr_out_next(dz_xfr_out_t *x, uint8_t *buf, size_t cap,
                           size_t reserve);

/*! \brief The form of the answer (UPTODATE, IXFR, AXFR, AXFR_STYLE). */
DZ_API dz_xfr_kind_t dz_xfr_out_kind(const dz_xfr_out_t *x);

/*! \brief True if the IXFR answer was condensed into one difference. */
DZ_API bool dz_xfr_out_condensed(const dz_xfr_out_t *x);

/*! \brief Counters of the messages rendered so far. */
DZ_API void dz_xfr_out_stats(const dz_xfr_out_t *x, dz_xfr_stats_t *stats);

/*! \brief Free an answer (drops the zone reference). NULL is a no-op. */
DZ_API void dz_xfr_out_free(dz_xfr_out_t *x);

/*!
 * \brief Condense \p steps (chained, each with its SOAs) into one change set
 *        with the net effect: old SOA first among the removals, new SOA first
 *        among the additions, then the other records in canonical order. A
 *        record added and then removed disappears; one removed and added back
 *        with the same TTL disappears too.
 * \return DZ_OK, DZ_EINVAL (steps do not chain or lack an SOA), DZ_ENOMEM
 */
DZ_API int dz_xfr_out_condense(const dz_xfr_step_t *steps, size_t nsteps,
                               dz_changeset_t **out);

/*!
 * \brief Render the one-message answer to an IXFR over UDP (RFC 1995 §2):
 *        the same answer as dz_xfr_out_ixfr_new() if it fits in \p cap less
 *        \p reserve octets.
 * \param kind  optional; the form rendered
 * \return the message length, or DZ_ESPACE: it does not fit, and the caller
 *         answers with dz_xfr_out_soa() (with TC to send the client to TCP,
 *         or without, as RFC 1995 §2 describes); DZ_ENOSOA, DZ_EINVAL,
 *         DZ_ENOMEM
 */
DZ_API int dz_xfr_out_ixfr_udp(const dz_zone_t *zone, const dz_msg_t *query,
                               uint32_t client_serial,
                               const dz_xfr_step_t *steps, size_t nsteps,
                               uint8_t *buf, size_t cap, size_t reserve,
                               dz_xfr_kind_t *kind);

/*!
 * \brief Render an answer holding only the zone's SOA (the "you are current"
 *        IXFR answer, or the RFC 1995 §2 UDP fallback), TC set if \p tc.
 * \return the message length, DZ_ESPACE, DZ_ENOSOA, DZ_EINVAL
 */
DZ_API int dz_xfr_out_soa(const dz_zone_t *zone, const dz_msg_t *query, bool tc,
                          uint8_t *buf, size_t cap, size_t reserve);

/* --- incoming ----------------------------------------------------------- */

typedef struct dz_xfr_in dz_xfr_in_t;

/*! Room for a diagnostic (see dz_xfr_in_diag()). */
#define DZ_XFR_DIAG_MAX 384

/*! The outcome of an incoming transfer (see dz_xfr_in_finish()). */
typedef struct dz_xfr_in_result {
	dz_xfr_kind_t kind;
	/*! The new version (a reference the caller owns), NULL when up to date.
	 */
	dz_zone_t *zone;
	/*! Journal records, oldest first, owned by the result: one per IXFR
	 *  difference step; for a full zone one record with the difference
	 *  from our version when there was one and the new serial is newer. */
	dz_xfr_step_t *steps;
	size_t nsteps;
	uint32_t serial_from; /*!< our serial (as given to dz_xfr_in_new) */
	uint32_t serial_to;   /*!< the peer's serial */
	/*! A full zone replaced a version whose journal cannot be continued
	 *  (serial not newer than ours, or no version): start it afresh. */
	bool journal_reset;
	dz_xfr_stats_t stats;
} dz_xfr_in_result_t;

/*!
 * \brief Start consuming a transfer of zone \p origin (copied).
 * \param current  our version (a reference is taken), or NULL if none
 * \param qtype    DZ_RR_AXFR or DZ_RR_IXFR: what was asked
 * \param serial   our serial (sent in the IXFR query)
 * \return DZ_OK, DZ_EINVAL (bad qtype or origin), DZ_ENOMEM
 */
DZ_API int dz_xfr_in_new(const uint8_t *origin, const dz_zone_t *current,
                         uint16_t qtype, uint32_t serial, dz_xfr_in_t **out);

/*!
 * \brief Also check that every message carries this ID (the query's).
 */
DZ_API void dz_xfr_in_expect_id(dz_xfr_in_t *in, uint16_t id);

/*!
 * \brief Consume one parsed message of the answer (\p msg is only read
 *        during the call).
 *
 * Errors are sticky: once one is returned, every later call returns it.
 * \return DZ_OK (see dz_xfr_in_is_done()), or:
 *  - DZ_EXFRRCODE: the peer answered with an error rcode (dz_xfr_in_rcode();
 *    NOTIMP, FORMERR, SERVFAIL or REFUSED to an IXFR: fall back to AXFR);
 *  - DZ_EXFRHISTORY: an IXFR difference does not apply to our version
 *    (fall back to AXFR);
 *  - DZ_EHEADER (not a response, wrong opcode or ID), DZ_EXFRBAD (question
 *    mismatch, TC, first record not our SOA, ...), DZ_EOUTZONE, DZ_ECLASS,
 *    DZ_ETYPE, DZ_ETRAIL (records after the final SOA), rdata errors
 *    (DZ_EMALF, ...), DZ_ENOMEM;
 *  dz_xfr_in_diag() says what was wrong in words.
 */
DZ_API int dz_xfr_in_feed(dz_xfr_in_t *in, const dz_msg_t *msg);

/*! \brief True once the final SOA (or the single up-to-date SOA) arrived. */
DZ_API bool dz_xfr_in_is_done(const dz_xfr_in_t *in);

/*!
 * \brief Hand over the outcome. On success \p res belongs to the caller
 *        (free it with dz_xfr_in_result_clear()); on failure everything the
 *        transfer built is freed and \p res is untouched.
 * \return DZ_OK, the sticky error of dz_xfr_in_feed(), DZ_EXFRINCOMPLETE
 *         (the stream stopped before the final SOA), DZ_ENOMEM
 */
DZ_API int dz_xfr_in_finish(dz_xfr_in_t *in, dz_xfr_in_result_t *res);

/*! \brief Counters so far. */
DZ_API void dz_xfr_in_stats(const dz_xfr_in_t *in, dz_xfr_stats_t *stats);

/*! \brief The kind detected so far (DZ_XFR_NONE before it is known). */
DZ_API dz_xfr_kind_t dz_xfr_in_kind(const dz_xfr_in_t *in);

/*! \brief Why the transfer failed, in words ("" when it did not). */
DZ_API const char *dz_xfr_in_diag(const dz_xfr_in_t *in);

/*! \brief The error rcode the peer answered with (0 if none). */
DZ_API uint16_t dz_xfr_in_rcode(const dz_xfr_in_t *in);

/*! \brief Free a transfer and everything it built. NULL is a no-op. */
DZ_API void dz_xfr_in_free(dz_xfr_in_t *in);

/*! \brief Free what a result holds (the zone reference, the journal
 *         records) and zero it. */
DZ_API void dz_xfr_in_result_clear(dz_xfr_in_result_t *res);
