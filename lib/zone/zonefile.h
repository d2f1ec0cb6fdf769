/* SPDX-License-Identifier: BSD-3-Clause */
/* RFC 1035 §5 master-file (zone file) parser and one-line record formatter. */
#pragma once

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/util/api.h"

/*
 * What the parser accepts (RFC 1035 §5 plus BIND's extensions):
 *  - $ORIGIN <name> (relative to the current origin), $TTL <ttl>,
 *    $INCLUDE <file> [<origin>] (path relative to the including file's
 *    folder; the origin only applies inside the included file),
 *    $GENERATE <start>-<stop>[/<step>] <lhs> [<ttl>] [<class>] <type> <rhs>
 *    with BIND's "$", "${offset[,width[,base]]}" (bases d o x X n N) and "\$".
 *  - "@", relative names, an owner inherited when a line starts with a blank,
 *    TTL and class optional and in either order, TTL units ("1h30m"),
 *    parentheses across lines, ";" comments, quoted strings with escapes,
 *    RFC 3597 TYPEnnn / CLASSnnn / "\# <len> <hex>", CRLF line ends.
 *  - Directives start in column 1 (an owner beginning with "$" is written
 *    "\$"). A quoted string may not span lines (as in BIND). "\DDD" must be
 *    three digits of value <= 255, anywhere.
 *  - An included file starts with no previous owner and with the including
 *    file's current origin (or the one given); its $ORIGIN does not leak
 *    back. TTL state ($TTL, last TTL) and the zone class carry across files.
 *    $GENERATE does not change the previous owner.
 *
 * TTL of a record without one (BIND's rule, a superset of RFC 1035 §5.1 and
 * RFC 2308 §4):
 *  1. the $TTL value (or opts->default_ttl) when one is in force;
 *  2. otherwise the last explicit TTL seen in the file (RFC 1035);
 *  3. otherwise, for an SOA, its MINIMUM field, which then also becomes the
 *     default for later records without a TTL (BIND: "using SOA MINTTL");
 *  4. otherwise the record is rejected (DZ_ETTL, "no ttl specified").
 * A TTL above 2^31-1 becomes 0 (RFC 2181 §8, as BIND loads it).
 *
 * Class: a record without one gets the zone class; the zone class is
 * opts->rclass if set, else the class of the first record (IN if it has
 * none). A record of any other class is rejected (DZ_ECLASS).
 *
 * Errors: the parse stops at the first error and returns its status; the
 * callback has then seen only the records before it. Callers that must
 * reject a bad zone whole (all of them) build into a scratch structure and
 * throw it away on a non-zero return.
 */

/*! One record, borrowed for the duration of the callback. */
typedef struct dz_zrr {
	const uint8_t *owner; /*!< wire form, absolute */
	uint16_t type, rclass;
	uint32_t ttl;
	const uint8_t *rdata; /*!< uncompressed wire rdata */
	uint16_t rdlen;
	const char *file; /*!< where it was read (as given or as joined) */
	unsigned line;    /*!< line where the record starts */
} dz_zrr_t;

/*! Record callback: a non-zero return aborts the parse with that status. */
typedef int (*dz_zonefile_cb)(void *ctx, const dz_zrr_t *rr);

/*! Where and why a parse failed. */
typedef struct dz_zonefile_diag {
	char file[PATH_MAX]; /*!< path of the file the error is in ("" if none) */
	unsigned line;       /*!< 1-based; 0 when not tied to a line */
	unsigned column;     /*!< 1-based octet column of the offending token */
	int code;            /*!< the status returned */
	char msg[256];       /*!< lowercase message, without the location */
} dz_zonefile_diag_t;

/*! Default for dz_zonefile_opts_t.max_include_depth (when 0). */
#define DZ_ZONEFILE_MAX_INCLUDE_DEPTH 16
/*! Default for dz_zonefile_opts_t.max_generate (when 0). */
#define DZ_ZONEFILE_MAX_GENERATE 65536

/*! Parser options; all-zero (or a NULL pointer) gives the defaults. */
typedef struct dz_zonefile_opts {
	const uint8_t *origin;   /*!< initial $ORIGIN (wire), NULL: none */
	uint32_t default_ttl;    /*!< used as an initial $TTL when set */
	bool default_ttl_set;
	uint16_t rclass;         /*!< zone class; 0: class of the first record */
	unsigned max_include_depth; /*!< nesting limit; 0: default */
	bool no_include;         /*!< reject $INCLUDE (untrusted input) */
	unsigned max_generate;   /*!< records per $GENERATE; 0: default */
} dz_zonefile_opts_t;

/*!
 * \brief Parse the zone file at \p path, calling \p cb for every record in
 *        file order.
 *
 * \param o     options, NULL for the defaults
 * \param diag  optional; filled on any error (also for errors from \p cb,
 *              with the location of the record it was given)
 * \return DZ_OK, the callback's non-zero status, or the first error:
 *         DZ_ESYNTAX, DZ_ETTL, DZ_ETYPE, DZ_ECLASS, DZ_ERDATA, DZ_ELABEL,
 *         DZ_ENAMELEN, DZ_EINCLUDE, DZ_ELIMIT, DZ_ENOMEM, -errno (the
 *         top-level file could not be read)
 */
DZ_API int dz_zonefile_parse_file(const char *path,
                                  const dz_zonefile_opts_t *o,
                                  dz_zonefile_cb cb, void *ctx,
                                  dz_zonefile_diag_t *diag);

/*!
 * \brief Parse zone text held in memory (need not be NUL-terminated).
 *
 * \param name_for_diag  file name shown in diagnostics and dz_zrr_t.file;
 *                       $INCLUDE paths are relative to its folder
 * \return as dz_zonefile_parse_file()
 */
DZ_API int dz_zonefile_parse_buf(const char *buf, size_t len,
                                 const char *name_for_diag,
                                 const dz_zonefile_opts_t *o,
                                 dz_zonefile_cb cb, void *ctx,
                                 dz_zonefile_diag_t *diag);

/*!
 * \brief Format a diagnostic as "file:line:column: message" (the file as
 *        its basename when \p basename is true), NUL-terminated.
 * \return length, or DZ_ESPACE
 */
DZ_API int dz_zonefile_diag_to_str(char *dst, size_t dstlen,
                                   const dz_zonefile_diag_t *diag,
                                   bool basename);

/*!
 * \brief One zone-file line "owner<TAB>ttl<TAB>class<TAB>type<TAB>rdata",
 *        names fully qualified, NUL-terminated, no newline. The parser reads
 *        it back to the same record.
 * \return length without the NUL, or DZ_ESPACE, DZ_EMALF (bad rdata)
 */
DZ_API int dz_rr_to_str(char *dst, size_t dstlen, const uint8_t *owner,
                        uint16_t type, uint16_t rclass, uint32_t ttl,
                        const uint8_t *rdata, size_t rdlen);
