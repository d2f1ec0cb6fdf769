/* SPDX-License-Identifier: BSD-3-Clause */
/* RR type and class numbers, their mnemonics, and their properties. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/util/api.h"

enum {
	DZ_RR_A = 1,
	DZ_RR_NS = 2,
	DZ_RR_MD = 3,
	DZ_RR_MF = 4,
	DZ_RR_CNAME = 5,
	DZ_RR_SOA = 6,
	DZ_RR_MB = 7,
	DZ_RR_MG = 8,
	DZ_RR_MR = 9,
	DZ_RR_NULL = 10,
	DZ_RR_WKS = 11,
	DZ_RR_PTR = 12,
	DZ_RR_HINFO = 13,
	DZ_RR_MINFO = 14,
	DZ_RR_MX = 15,
	DZ_RR_TXT = 16,
	DZ_RR_RP = 17,
	DZ_RR_AFSDB = 18,
	DZ_RR_RT = 21,
	DZ_RR_SIG = 24,
	DZ_RR_KEY = 25,
	DZ_RR_PX = 26,
	DZ_RR_AAAA = 28,
	DZ_RR_LOC = 29,
	DZ_RR_NXT = 30,
	DZ_RR_SRV = 33,
	DZ_RR_NAPTR = 35,
	DZ_RR_KX = 36,
	DZ_RR_CERT = 37,
	DZ_RR_DNAME = 39,
	DZ_RR_OPT = 41,
	DZ_RR_APL = 42,
	DZ_RR_DS = 43,
	DZ_RR_SSHFP = 44,
	DZ_RR_IPSECKEY = 45,
	DZ_RR_RRSIG = 46,
	DZ_RR_NSEC = 47,
	DZ_RR_DNSKEY = 48,
	DZ_RR_DHCID = 49,
	DZ_RR_NSEC3 = 50,
	DZ_RR_NSEC3PARAM = 51,
	DZ_RR_TLSA = 52,
	DZ_RR_SMIMEA = 53,
	DZ_RR_CDS = 59,
	DZ_RR_CDNSKEY = 60,
	DZ_RR_OPENPGPKEY = 61,
	DZ_RR_CSYNC = 62,
	DZ_RR_ZONEMD = 63,
	DZ_RR_SVCB = 64,
	DZ_RR_HTTPS = 65,
	DZ_RR_SPF = 99,
	DZ_RR_NID = 104,
	DZ_RR_L32 = 105,
	DZ_RR_L64 = 106,
	DZ_RR_LP = 107,
	DZ_RR_EUI48 = 108,
	DZ_RR_EUI64 = 109,
	DZ_RR_TKEY = 249,
	DZ_RR_TSIG = 250,
	DZ_RR_IXFR = 251,
	DZ_RR_AXFR = 252,
	DZ_RR_MAILB = 253,
	DZ_RR_MAILA = 254,
	DZ_RR_ANY = 255,
	DZ_RR_URI = 256,
	DZ_RR_CAA = 257,
};

enum {
	DZ_CLASS_IN = 1,
	DZ_CLASS_CH = 3,
	DZ_CLASS_HS = 4,
	DZ_CLASS_NONE = 254,
	DZ_CLASS_ANY = 255,
};

/*! Longest mnemonic, "TYPE65535" or "CLASS65535", with NUL. */
#define DZ_RRTYPE_MAXSTR 16

/*!
 * \brief Mnemonic of a type ("A", "NSEC3PARAM"), or "TYPEnnn" (RFC 3597 §5)
 *        for one without a mnemonic. NUL-terminated.
 * \return length, or DZ_ESPACE
 */
DZ_API int dz_rrtype_to_str(uint16_t type, char *dst, size_t dstlen);

/*!
 * \brief Parse a type mnemonic (case-insensitive) or "TYPEnnn".
 * \return DZ_OK, or DZ_ETYPE
 */
DZ_API int dz_rrtype_from_str(const char *str, size_t len, uint16_t *type);

/*! \brief Class mnemonic ("IN", "CH", "HS", "NONE", "ANY") or "CLASSnnn". */
DZ_API int dz_rrclass_to_str(uint16_t rclass, char *dst, size_t dstlen);

/*! \brief Parse a class mnemonic or "CLASSnnn". \return DZ_OK or DZ_ECLASS */
DZ_API int dz_rrclass_from_str(const char *str, size_t len, uint16_t *rclass);

/*!
 * \brief Meta and query types (RFC 6895 §3.1: OPT, TKEY, TSIG, IXFR, AXFR,
 *        MAILA, MAILB, ANY and the rest of 128-255) that never live in a zone.
 */
DZ_API bool dz_rrtype_is_meta(uint16_t type);

/*!
 * \brief Types whose rdata names are compressed on render and may be
 *        decompressed on parse (RFC 3597 §4: the RFC 1035 types only).
 */
DZ_API bool dz_rrtype_compressible(uint16_t type);
