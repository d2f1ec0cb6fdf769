/* SPDX-License-Identifier: BSD-3-Clause */
/* Rdata codecs: presentation <-> wire for every type, RFC 3597 for the rest. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/util/api.h"

struct dz_compr;

/*
 * Rdata is held uncompressed, names in it in wire form with case preserved
 * ("canonical" only in the sense of uncompressed). Maximum 65535 octets.
 */
#define DZ_RDATA_MAXLEN 65535

/*!
 * \brief One whitespace-separated token of rdata text as the zone-file
 *        scanner found it: escapes are NOT decoded; for a quoted token
 *        \c str excludes the quotes and \c quoted is true.
 */
typedef struct dz_token {
	const char *str;
	size_t len;
	bool quoted;
} dz_token_t;

/*! Where rdata text went wrong: the token index and a short reason. */
typedef struct dz_rdata_diag {
	size_t token;     /*!< index of the offending token (ntok if missing) */
	const char *msg;  /*!< static lowercase phrase, e.g. "bad IPv4 address" */
} dz_rdata_diag_t;

/*!
 * \brief Parse rdata text for \p type, including RFC 3597 generic syntax
 *        (\c "\# <len> <hex...>") for every type.
 *
 * \param origin  appended to relative names in rdata (NULL: must be absolute)
 * \param out     output buffer (DZ_RDATA_MAXLEN is always enough)
 * \param diag    optional; filled on error
 * \return rdata length (>= 0), or DZ_ERDATA, DZ_ESYNTAX, DZ_ESPACE, name errors
 */
DZ_API int dz_rdata_from_tokens(uint16_t type, const dz_token_t *tok,
                                size_t ntok, const uint8_t *origin,
                                uint8_t *out, size_t outcap,
                                dz_rdata_diag_t *diag);

/*!
 * \brief Convenience: split \p text on whitespace (honouring quotes,
 *        escapes and parentheses on one line) and call dz_rdata_from_tokens.
 */
DZ_API int dz_rdata_from_str(uint16_t type, const char *text,
                             const uint8_t *origin, uint8_t *out,
                             size_t outcap, dz_rdata_diag_t *diag);

/*!
 * \brief Presentation form of rdata (names fully qualified), NUL-terminated.
 *        Unknown types use RFC 3597 generic syntax.
 * \return length, or DZ_ESPACE, DZ_EMALF (rdata doesn't fit the type)
 */
DZ_API int dz_rdata_to_str(uint16_t type, const uint8_t *rdata, size_t rdlen,
                           char *dst, size_t dstlen);

/*!
 * \brief Read rdata of \p rdlen octets at \p pkt[pos] from a message,
 *        decompressing names for the types that allow it, and check that it
 *        has the type's structure (e.g. A is 4 octets, SOA ends after 20
 *        octets of numbers).
 * \return uncompressed length, or DZ_EMALF, DZ_ETRUNC, DZ_EPTR, name errors
 */
DZ_API int dz_rdata_from_wire(uint16_t type, const uint8_t *pkt,
                              size_t pktlen, size_t pos, size_t rdlen,
                              uint8_t *out, size_t outcap);

/*!
 * \brief Check uncompressed rdata against its type's structure.
 * \return DZ_OK or DZ_EMALF
 */
DZ_API int dz_rdata_check(uint16_t type, const uint8_t *rdata, size_t rdlen);

/*!
 * \brief Write rdata at \p pkt[pos] (without the RDLENGTH field), compressing
 *        names only for RFC 1035 types when \p compr is not NULL.
 * \return bytes written, or DZ_ESPACE
 */
DZ_API int dz_rdata_to_wire(uint16_t type, const uint8_t *rdata, size_t rdlen,
                            uint8_t *pkt, size_t cap, size_t pos,
                            struct dz_compr *compr);

/*!
 * \brief Compare two rdata of one type in canonical order (RFC 4034 §6.2:
 *        names in the RFC 4034 §6.2 list of types are compared lowercased,
 *        then octet by octet, shorter first). 0 means duplicates.
 */
DZ_API int dz_rdata_cmp(uint16_t type, const uint8_t *a, size_t alen,
                        const uint8_t *b, size_t blen);
