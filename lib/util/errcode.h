/* SPDX-License-Identifier: BSD-3-Clause */
/* libdynzone status codes: 0 is success, POSIX errors are -errno, ours start at -1000. */
#pragma once

#include <errno.h>

#include "lib/util/api.h"

enum {
	DZ_OK = 0,

	/* POSIX errors, mapped one to one (-errno). */
	DZ_ENOMEM = -ENOMEM,
	DZ_EINVAL = -EINVAL,
	DZ_ENOENT = -ENOENT,
	DZ_EEXIST = -EEXIST,
	DZ_ERANGE = -ERANGE,
	DZ_ENOTSUP = -ENOTSUP,
	DZ_EACCES = -EACCES,
	DZ_ENOSPC = -ENOSPC,
	DZ_EIO = -EIO,
	DZ_ELOOP = -ELOOP,

	/* Our own codes. */
	DZ_EMALF = -1000,      /*!< malformed data */
	DZ_ESPACE = -1001,     /*!< not enough space in the output buffer */
	DZ_ELABEL = -1002,     /*!< label longer than 63 octets */
	DZ_ENAMELEN = -1003,   /*!< name longer than 255 octets */
	DZ_EPTR = -1004,       /*!< bad compression pointer (loop, forward, into header, out of bounds) */
	DZ_ETRUNC = -1005,     /*!< data ends early */
	DZ_ESYNTAX = -1006,    /*!< text syntax error */
	DZ_ETYPE = -1007,      /*!< unknown or disallowed RR type */
	DZ_ECLASS = -1008,     /*!< unknown or disallowed class */
	DZ_ETTL = -1009,       /*!< bad TTL */
	DZ_EOUTZONE = -1010,   /*!< name outside the zone */
	DZ_ENOSOA = -1011,     /*!< no SOA at the zone apex */
	DZ_EMULTISOA = -1012,  /*!< more than one SOA */
	DZ_ENONS = -1013,      /*!< no NS at the zone apex */
	DZ_ECNAME = -1014,     /*!< CNAME beside other data */
	DZ_EINCLUDE = -1015,   /*!< $INCLUDE failed or loops */
	DZ_ERDATA = -1016,     /*!< bad rdata */
	DZ_ELIMIT = -1017,     /*!< a size or count limit was exceeded */
	DZ_ETRAIL = -1018,     /*!< trailing data after the end */
	DZ_EHEADER = -1019,    /*!< bad message header or section counts */
	DZ_EOPT = -1020,       /*!< bad EDNS OPT record */
	DZ_EZONECHECK = -1021, /*!< zone failed semantic checks */
	DZ_ENOTFOUND = -1022,  /*!< lookup found nothing */
	DZ_EDNAME = -1023,     /*!< DNAME with data below it / at apex misuse */
	DZ_ESERIAL = -1024,    /*!< serial not increased / bad serial */
	DZ_EPREREQ = -1025,    /*!< update prerequisite not satisfied (RFC 2136 §3.2) */
	DZ_ENOTAUTH = -1026,   /*!< not authoritative for the zone */
	DZ_EREFUSED = -1027,   /*!< refused by policy */
	DZ_EXFRRCODE = -1028,  /*!< transfer peer answered with an error rcode */
	DZ_EXFRHISTORY = -1029, /*!< ixfr does not apply to our version */
	DZ_EXFRINCOMPLETE = -1030, /*!< transfer ended before the final soa */
	DZ_EXFRBAD = -1031,    /*!< malformed transfer stream */
};

/*!
 * \brief Short lowercase phrase describing a status code (never NULL).
 */
DZ_API const char *dz_strerror(int code);

/*!
 * \brief The current errno as a negative status code; call right after the
 *        failing system call.
 */
static inline int dz_errno(void)
{
	return errno != 0 ? -errno : DZ_EIO;
}
