/* SPDX-License-Identifier: BSD-3-Clause */
/* Short lowercase phrases for libdynzone status codes (see errcode.h). */
#include "lib/util/errcode.h"

#include <stddef.h>
#include <string.h>

/* Not a table indexed by code: POSIX values differ between systems. */
static const char *posix_str(int code)
{
	switch (code) {
	case DZ_ENOMEM:
		return "out of memory";
	case DZ_EINVAL:
		return "invalid argument";
	case DZ_ENOENT:
		return "no such file or entry";
	case DZ_EEXIST:
		return "already exists";
	case DZ_ERANGE:
		return "value out of range";
	case DZ_ENOTSUP:
		return "operation not supported";
	case DZ_EACCES:
		return "permission denied";
	case DZ_ENOSPC:
		return "no space left on device";
	case DZ_EIO:
		return "input/output error";
	case DZ_ELOOP:
		return "too many levels of links";
	/* Not DZ_ codes, but what system calls under journals, zone files and
	 * sockets report; operators read them in log lines (err=...). */
	case -EFBIG:
		return "file too large";
	case -EAGAIN:
		return "resource temporarily unavailable";
	case -EPERM:
		return "operation not permitted";
	case -EROFS:
		return "read-only file system";
	case -EDQUOT:
		return "disk quota exceeded";
	case -ENOTDIR:
		return "not a directory";
	case -EISDIR:
		return "is a directory";
	case -ETIMEDOUT:
		return "timed out";
	case -ECONNREFUSED:
		return "connection refused";
	case -EADDRINUSE:
		return "address already in use";
	case -EADDRNOTAVAIL:
		return "address not available";
	case -EBADF:
		return "bad file descriptor";
	default:
		return NULL;
	}
}

static const char *own_str(int code)
{
	switch (code) {
	case DZ_EMALF:
		return "malformed data";
	case DZ_ESPACE:
		return "not enough space in output buffer";
	case DZ_ELABEL:
		return "label too long";
	case DZ_ENAMELEN:
		return "name too long";
	case DZ_EPTR:
		return "bad compression pointer";
	case DZ_ETRUNC:
		return "data truncated";
	case DZ_ESYNTAX:
		return "syntax error";
	case DZ_ETYPE:
		return "unknown or disallowed record type";
	case DZ_ECLASS:
		return "unknown or disallowed class";
	case DZ_ETTL:
		return "bad ttl";
	case DZ_EOUTZONE:
		return "name outside zone";
	case DZ_ENOSOA:
		return "no soa at zone apex";
	case DZ_EMULTISOA:
		return "more than one soa";
	case DZ_ENONS:
		return "no ns at zone apex";
	case DZ_ECNAME:
		return "cname beside other data";
	case DZ_EINCLUDE:
		return "include failed or loops";
	case DZ_ERDATA:
		return "bad rdata";
	case DZ_ELIMIT:
		return "limit exceeded";
	case DZ_ETRAIL:
		return "trailing data";
	case DZ_EHEADER:
		return "bad message header";
	case DZ_EOPT:
		return "bad edns opt record";
	case DZ_EZONECHECK:
		return "zone check failed";
	case DZ_ENOTFOUND:
		return "not found";
	case DZ_EDNAME:
		return "dname misuse";
	case DZ_ESERIAL:
		return "bad or non-increasing serial";
	case DZ_EPREREQ:
		return "prerequisite not satisfied";
	case DZ_ENOTAUTH:
		return "not authoritative for zone";
	case DZ_EREFUSED:
		return "refused by policy";
	case DZ_EXFRRCODE:
		return "transfer peer answered with an error rcode";
	case DZ_EXFRHISTORY:
		return "ixfr does not apply to our version";
	case DZ_EXFRINCOMPLETE:
		return "transfer ended before the final soa";
	case DZ_EXFRBAD:
		return "malformed transfer stream";
	default:
		return NULL;
	}
}

const char *dz_strerror(int code)
{
	if (code == DZ_OK) {
		return "ok";
	}
	const char *s = code <= -1000 ? own_str(code) : posix_str(code);
	if (s == NULL && code < 0 && code > -1000) {
		/* Any other errno: the C library's description (may be capitalised). */
		s = strerrordesc_np(-code);
	}
	return s != NULL ? s : "unknown error";
}
