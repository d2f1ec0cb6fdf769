/* SPDX-License-Identifier: BSD-3-Clause */
/* DNS messages: allocation-free parsing into record descriptors, and size-limited rendering with compression. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/util/api.h"
#include "lib/wire/compr.h"
#include "lib/wire/edns.h"
#include "lib/wire/name.h"

/*! Header length (RFC 1035 §4.1.1). */
#define DZ_MSG_HDR_LEN 12
/*! Largest message (the TCP length prefix is 16 bits). */
#define DZ_MSG_MAX_SIZE 65535
/*! Default cap on answer + authority + additional records. */
#define DZ_MSG_DEFAULT_MAX_RRS 4096
/*! Records that fit in dz_msg_t itself (enough for ordinary queries). */
#define DZ_MSG_INLINE_RRS 8

/*! Opcodes (RFC 1035, RFC 1996, RFC 2136). */
enum {
	DZ_OPCODE_QUERY = 0,
	DZ_OPCODE_IQUERY = 1,
	DZ_OPCODE_STATUS = 2,
	DZ_OPCODE_NOTIFY = 4,
	DZ_OPCODE_UPDATE = 5,
};

/*! Rcodes; values above 15 need EDNS (RFC 6891 §6.1.3). */
enum {
	DZ_RCODE_NOERROR = 0,
	DZ_RCODE_FORMERR = 1,
	DZ_RCODE_SERVFAIL = 2,
	DZ_RCODE_NXDOMAIN = 3,
	DZ_RCODE_NOTIMP = 4,
	DZ_RCODE_REFUSED = 5,
	DZ_RCODE_YXDOMAIN = 6,
	DZ_RCODE_YXRRSET = 7,
	DZ_RCODE_NXRRSET = 8,
	DZ_RCODE_NOTAUTH = 9,
	DZ_RCODE_NOTZONE = 10,
	DZ_RCODE_BADVERS = 16,
	DZ_RCODE_BADSIG = 16, /*!< TSIG error field only (RFC 8945) */
	DZ_RCODE_BADKEY = 17,
	DZ_RCODE_BADTIME = 18,
	DZ_RCODE_BADCOOKIE = 23,
};

/*! Sections holding records (the question section is kept apart). */
typedef enum dz_msg_section {
	DZ_MSG_AN = 0, /*!< answer (UPDATE: prerequisite) */
	DZ_MSG_NS = 1, /*!< authority (UPDATE: update) */
	DZ_MSG_AR = 2, /*!< additional */
} dz_msg_section_t;

/*! \brief Header fields (RFC 1035 §4.1.1, RFC 4035 §3.2 for AD/CD). */
typedef struct dz_msg_hdr {
	uint16_t id;
	bool qr, aa, tc, rd, ra, z, ad, cd;
	uint8_t opcode; /*!< 4 bits */
	uint8_t rcode;  /*!< 4 bits; see dz_msg_rcode() for the 12-bit one */
	uint16_t qdcount, ancount, nscount, arcount;
} dz_msg_hdr_t;

/*!
 * \brief One record as found in the packet: offsets point into the parsed
 *        message, which must outlive the descriptor.
 */
typedef struct dz_msg_rr {
	uint16_t owner;     /*!< where the record (its owner name) starts */
	uint16_t owner_len; /*!< octets the owner takes in place (compressed) */
	uint16_t type;
	uint16_t rclass;
	uint32_t ttl;
	uint16_t rdata;     /*!< offset of the rdata */
	uint16_t rdlen;
} dz_msg_rr_t;

/*! Flags in dz_msg_t.warn: accepted, but the caller may want to refuse. */
enum {
	/*! QUERY/NOTIFY/UPDATE with QDCOUNT != 1 (RFC 1035 §4.1.2 in practice,
	 *  RFC 1996 §3.7, RFC 2136 §2.3); only the first question is kept. */
	DZ_MSG_WARN_QDCOUNT = 1 << 0,
};

/*!
 * \brief A parsed message. Transparent and allocation-free: set up the
 *        record storage with dz_msg_init() once, then dz_msg_parse() may be
 *        called on it for packet after packet.
 */
typedef struct dz_msg {
	const uint8_t *pkt; /*!< borrowed: the packet last parsed */
	uint16_t len;
	dz_msg_hdr_t hdr;
	uint8_t qname[DZ_NAME_MAXLEN]; /*!< first question, uncompressed */
	uint16_t qname_len;            /*!< 0 when QDCOUNT is 0 */
	uint16_t qtype, qclass;
	dz_msg_rr_t *rr;    /*!< answer, then authority, then additional */
	uint32_t rr_cap;    /*!< entries available at rr */
	uint32_t rr_count;  /*!< ancount + nscount + arcount */
	dz_edns_t edns;
	int32_t opt_idx;    /*!< index of the OPT record in rr, or -1 */
	int32_t tsig_idx;   /*!< index of the TSIG record in rr (always the
	                         last one), or -1 */
	uint32_t warn;      /*!< DZ_MSG_WARN_* */
	dz_msg_rr_t rr_inline[DZ_MSG_INLINE_RRS];
} dz_msg_t;

/*! \brief Parse limits; zeroed fields take the defaults. */
typedef struct dz_msg_limits {
	uint32_t max_rrs;   /*!< records beyond QDCOUNT; 0: DZ_MSG_DEFAULT_MAX_RRS */
	bool strict_qdcount; /*!< fail on DZ_MSG_WARN_QDCOUNT instead of warning */
} dz_msg_limits_t;

/*! Why a message was rejected (dz_msg_diag_t.why). */
typedef enum dz_msg_why {
	DZ_MSG_WHY_NONE = 0,
	DZ_MSG_WHY_HDR_TRUNC,   /*!< DZ_ETRUNC: shorter than 12 octets */
	DZ_MSG_WHY_TOO_LONG,    /*!< DZ_ELIMIT: longer than 65535 octets */
	DZ_MSG_WHY_COUNTS,      /*!< DZ_EHEADER: counts cannot fit the packet */
	DZ_MSG_WHY_QNAME,       /*!< name error: bad question name */
	DZ_MSG_WHY_Q_TRUNC,     /*!< DZ_ETRUNC: question type/class cut off */
	DZ_MSG_WHY_OWNER,       /*!< name error: bad owner name */
	DZ_MSG_WHY_RR_TRUNC,    /*!< DZ_ETRUNC: type/class/ttl/rdlength cut off */
	DZ_MSG_WHY_RDLEN,       /*!< DZ_ETRUNC: rdlength runs past the end */
	DZ_MSG_WHY_OPT_SECTION, /*!< DZ_EOPT: OPT outside the additional section */
	DZ_MSG_WHY_OPT_OWNER,   /*!< DZ_EOPT: OPT owner is not the root */
	DZ_MSG_WHY_OPT_MULTI,   /*!< DZ_EOPT: more than one OPT */
	DZ_MSG_WHY_OPT_OPTIONS, /*!< DZ_EOPT: malformed option list */
	DZ_MSG_WHY_TSIG_POS,    /*!< DZ_EMALF: TSIG not the last record */
	DZ_MSG_WHY_QDCOUNT,     /*!< DZ_EHEADER: QDCOUNT != 1 (strict mode only) */
	DZ_MSG_WHY_TRAIL,       /*!< DZ_ETRAIL: octets after the last record */
	DZ_MSG_WHY_LIMIT,       /*!< DZ_ELIMIT: more records than allowed */
} dz_msg_why_t;

/*! \brief Where and why parsing failed. */
typedef struct dz_msg_diag {
	dz_msg_why_t why;
	size_t offset; /*!< octet offset where the problem was found */
} dz_msg_diag_t;

/*! \brief Short lowercase phrase for a reason (never NULL). */
DZ_API const char *dz_msg_why_str(dz_msg_why_t why);

/*!
 * \brief Set up a message's record storage.
 * \param rr   caller's array of \p cap descriptors, or NULL for the
 *             DZ_MSG_INLINE_RRS built into \p msg (a query)
 */
DZ_API void dz_msg_init(dz_msg_t *msg, dz_msg_rr_t *rr, uint32_t cap);

/*!
 * \brief Parse and validate a message in one pass, without allocating.
 *
 * Checks everything that makes a message malformed (FORMERR): every name,
 * every record's bounds, OPT placement and options, TSIG placement, trailing
 * octets; rdata contents are not decoded. \p pkt is borrowed by \p msg
 * (descriptors point into it). The records allowed are the smaller of
 * lim->max_rrs and the storage given to dz_msg_init().
 *
 * \param lim   NULL for the defaults
 * \param diag  optional; on failure says why and where
 * \return DZ_OK, or DZ_ETRUNC, DZ_EHEADER, DZ_EOPT, DZ_EMALF, DZ_ETRAIL,
 *         DZ_ELIMIT, or a name error (DZ_EPTR, DZ_ELABEL, DZ_ENAMELEN) - the
 *         diag reasons list which; \p msg is undefined on failure
 */
DZ_API int dz_msg_parse(dz_msg_t *msg, const uint8_t *pkt, size_t len,
                        const dz_msg_limits_t *lim, dz_msg_diag_t *diag);

/*! \brief The records of a section and their number (borrowed). */
static inline const dz_msg_rr_t *dz_msg_section(const dz_msg_t *msg,
                                                dz_msg_section_t s,
                                                uint32_t *count)
{
	uint32_t an = msg->hdr.ancount, ns = msg->hdr.nscount;
	uint32_t first = s == DZ_MSG_AN ? 0 : s == DZ_MSG_NS ? an : an + ns;

	*count = s == DZ_MSG_AN ? an : s == DZ_MSG_NS ? ns : msg->hdr.arcount;
	return msg->rr + first;
}

/*! \brief The 12-bit rcode: header bits plus the OPT's extended bits. */
static inline uint16_t dz_msg_rcode(const dz_msg_t *msg)
{
	uint16_t ext = msg->edns.present ? msg->edns.ext_rcode : 0;
	return (uint16_t)((ext << 4) | msg->hdr.rcode);
}

/*!
 * \brief Decompress a record's owner into \p dst (DZ_NAME_MAXLEN octets).
 * \return name length (> 0), or a name error
 */
DZ_API int dz_msg_rr_owner(const dz_msg_t *msg, const dz_msg_rr_t *rr,
                           uint8_t *dst);

/*!
 * \brief A record's rdata, uncompressed and checked (dz_rdata_from_wire).
 *        Empty rdata with class ANY or NONE (RFC 2136 meta forms) gives length 0.
 * \return rdata length (>= 0), or DZ_EMALF, DZ_ETRUNC, DZ_EPTR, DZ_ESPACE...
 */
DZ_API int dz_msg_rr_rdata(const dz_msg_t *msg, const dz_msg_rr_t *rr,
                           uint8_t *out, size_t outcap);

/*
 * Rendering.
 *
 * dz_msg_render_begin()      header (counts start at 0)
 * dz_msg_render_question()   zero or more questions, before any record
 * dz_msg_render_opt()        optional, any time before finish: reserves
 *                            the OPT's space now so it always fits
 * dz_msg_render_reserve()    optional: room left free for a TSIG
 * dz_msg_render_rr/rrset()   records, sections in order AN, NS, AR
 * dz_msg_render_finish()     writes the OPT and the final header
 *
 * Names are compressed case-insensitively (as BIND and Knot do): a name
 * may be shown with the case of an earlier, equal name.
 *
 * An RRset that does not fit is left out whole and leaves no trace (its
 * octets and its compression targets are rolled back). In the answer and
 * authority sections this sets TC (RFC 2181 §9) and every later record is
 * refused; in the additional section the RRset is just dropped (as BIND and
 * Knot do), and later, smaller records may still fit.
 */

/*! \brief Rendering state; transparent so it can live on the stack. */
typedef struct dz_msg_render {
	uint8_t *pkt;
	size_t cap;      /*!< size limit (a UDP payload size, say) */
	size_t limit;    /*!< cap less what is reserved */
	size_t pos;      /*!< octets written */
	size_t opt_size; /*!< reserved for the OPT, 0 if none */
	size_t reserved; /*!< reserved by dz_msg_render_reserve() */
	dz_msg_hdr_t hdr;  /*!< the caller may change flags/rcode until finish */
	uint16_t rcode;    /*!< 12-bit rcode (set with dz_msg_render_rcode) */
	dz_msg_section_t section; /*!< last section written to */
	bool has_rr;       /*!< a record was written (no more questions) */
	bool truncated;    /*!< TC was set: no more records */
	dz_edns_out_t opt;
	dz_compr_t compr;
} dz_msg_render_t;

/*! \brief A mark to roll back to (see dz_msg_render_mark()). */
typedef struct dz_msg_render_mark {
	size_t pos;
	uint16_t compr_count;
	uint16_t count[3];
} dz_msg_render_mark_t;

/*! \brief One rdata of an RRset to render (uncompressed, borrowed). */
typedef struct dz_msg_rdata {
	const uint8_t *data;
	uint16_t len;
} dz_msg_rdata_t;

/*!
 * \brief Start rendering into \p buf of \p cap octets (at most 65535 are
 *        used), with the header fields of \p hdr (counts are ignored).
 * \return DZ_OK, or DZ_ESPACE (cap < 12)
 */
DZ_API int dz_msg_render_begin(dz_msg_render_t *r, uint8_t *buf, size_t cap,
                               const dz_msg_hdr_t *hdr);

/*!
 * \brief Add a question. Only before the first record.
 * \return DZ_OK, DZ_ESPACE, or DZ_EINVAL (records already written)
 */
DZ_API int dz_msg_render_question(dz_msg_render_t *r, const uint8_t *qname,
                                  uint16_t qtype, uint16_t qclass);

/*!
 * \brief Put an OPT record at the end of the message; its space is reserved
 *        now. \p opt (and its option list) is copied by value but the list
 *        is borrowed until dz_msg_render_finish().
 * \return DZ_OK, DZ_ESPACE (it does not fit even now), DZ_EEXIST
 */
DZ_API int dz_msg_render_opt(dz_msg_render_t *r, const dz_edns_out_t *opt);

/*!
 * \brief Keep \p n more octets free at the end (a TSIG the caller appends
 *        after finishing; its ARCOUNT is the caller's to bump).
 * \return DZ_OK, or DZ_ESPACE
 */
DZ_API int dz_msg_render_reserve(dz_msg_render_t *r, size_t n);

/*!
 * \brief Set the 12-bit rcode: low bits go in the header, high bits in the
 *        OPT. Finishing with an rcode above 15 and no OPT is DZ_EINVAL.
 */
DZ_API void dz_msg_render_rcode(dz_msg_render_t *r, uint16_t rcode);

/*! \brief Remember the current state for dz_msg_render_rollback(). */
DZ_API void dz_msg_render_mark(const dz_msg_render_t *r,
                               dz_msg_render_mark_t *m);

/*! \brief Undo everything written since \p m (octets, counts, targets). */
DZ_API void dz_msg_render_rollback(dz_msg_render_t *r,
                                   const dz_msg_render_mark_t *m);

/*!
 * \brief Add one record (no rollback on its own beyond itself, no TC): a
 *        building block; prefer dz_msg_render_rrset().
 * \return DZ_OK, DZ_ESPACE (nothing written), DZ_EINVAL (section out of
 *         order), DZ_ELIMIT (65535 records)
 */
DZ_API int dz_msg_render_rr(dz_msg_render_t *r, dz_msg_section_t s,
                            const uint8_t *owner, uint16_t type,
                            uint16_t rclass, uint32_t ttl,
                            const uint8_t *rdata, uint16_t rdlen);

/*!
 * \brief Add an RRset of \p n records, all or nothing. If it does not fit,
 *        nothing of it stays, and in the answer and authority sections TC
 *        is set.
 * \return DZ_OK, DZ_ESPACE (dropped), DZ_EINVAL, DZ_ELIMIT
 */
DZ_API int dz_msg_render_rrset(dz_msg_render_t *r, dz_msg_section_t s,
                               const uint8_t *owner, uint16_t type,
                               uint16_t rclass, uint32_t ttl,
                               const dz_msg_rdata_t *rd, size_t n);

/*!
 * \brief Write the OPT (if any) and the header.
 * \return message length (> 0), or DZ_EINVAL (extended rcode without OPT)
 */
DZ_API int dz_msg_render_finish(dz_msg_render_t *r);
