/* SPDX-License-Identifier: BSD-3-Clause */
/* RR type and class mnemonics (RFC 3597 §5 TYPEnnn/CLASSnnn) and type
 * properties. */
#include "lib/wire/rrtype.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "lib/util/errcode.h"

typedef struct mnemonic {
	uint16_t value;
	const char *name;
} mnemonic_t;

/* Sorted by value for the binary search in find_name(). */
static const mnemonic_t type_names[] = {
        {DZ_RR_A, "A"},
        {DZ_RR_NS, "NS"},
        {DZ_RR_MD, "MD"},
        {DZ_RR_MF, "MF"},
        {DZ_RR_CNAME, "CNAME"},
        {DZ_RR_SOA, "SOA"},
        {DZ_RR_MB, "MB"},
        {DZ_RR_MG, "MG"},
        {DZ_RR_MR, "MR"},
        {DZ_RR_NULL, "NULL"},
        {DZ_RR_WKS, "WKS"},
        {DZ_RR_PTR, "PTR"},
        {DZ_RR_HINFO, "HINFO"},
        {DZ_RR_MINFO, "MINFO"},
        {DZ_RR_MX, "MX"},
        {DZ_RR_TXT, "TXT"},
        {DZ_RR_RP, "RP"},
        {DZ_RR_AFSDB, "AFSDB"},
        {DZ_RR_RT, "RT"},
        {DZ_RR_SIG, "SIG"},
        {DZ_RR_KEY, "KEY"},
        {DZ_RR_PX, "PX"},
        {DZ_RR_AAAA, "AAAA"},
        {DZ_RR_LOC, "LOC"},
        {DZ_RR_NXT, "NXT"},
        {DZ_RR_SRV, "SRV"},
        {DZ_RR_NAPTR, "NAPTR"},
        {DZ_RR_KX, "KX"},
        {DZ_RR_CERT, "CERT"},
        {DZ_RR_DNAME, "DNAME"},
        {DZ_RR_OPT, "OPT"},
        {DZ_RR_APL, "APL"},
        {DZ_RR_DS, "DS"},
        {DZ_RR_SSHFP, "SSHFP"},
        {DZ_RR_IPSECKEY, "IPSECKEY"},
        {DZ_RR_RRSIG, "RRSIG"},
        {DZ_RR_NSEC, "NSEC"},
        {DZ_RR_DNSKEY, "DNSKEY"},
        {DZ_RR_DHCID, "DHCID"},
        {DZ_RR_NSEC3, "NSEC3"},
        {DZ_RR_NSEC3PARAM, "NSEC3PARAM"},
        {DZ_RR_TLSA, "TLSA"},
        {DZ_RR_SMIMEA, "SMIMEA"},
        {DZ_RR_CDS, "CDS"},
        {DZ_RR_CDNSKEY, "CDNSKEY"},
        {DZ_RR_OPENPGPKEY, "OPENPGPKEY"},
        {DZ_RR_CSYNC, "CSYNC"},
        {DZ_RR_ZONEMD, "ZONEMD"},
        {DZ_RR_SVCB, "SVCB"},
        {DZ_RR_HTTPS, "HTTPS"},
        {DZ_RR_SPF, "SPF"},
        {DZ_RR_NID, "NID"},
        {DZ_RR_L32, "L32"},
        {DZ_RR_L64, "L64"},
        {DZ_RR_LP, "LP"},
        {DZ_RR_EUI48, "EUI48"},
        {DZ_RR_EUI64, "EUI64"},
        {DZ_RR_TKEY, "TKEY"},
        {DZ_RR_TSIG, "TSIG"},
        {DZ_RR_IXFR, "IXFR"},
        {DZ_RR_AXFR, "AXFR"},
        {DZ_RR_MAILB, "MAILB"},
        {DZ_RR_MAILA, "MAILA"},
        {DZ_RR_ANY, "ANY"},
        {DZ_RR_URI, "URI"},
        {DZ_RR_CAA, "CAA"},
};

static const mnemonic_t class_names[] = {
        {DZ_CLASS_IN, "IN"},     {DZ_CLASS_CH, "CH"},   {DZ_CLASS_HS, "HS"},
        {DZ_CLASS_NONE, "NONE"}, {DZ_CLASS_ANY, "ANY"},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *find_name(const mnemonic_t *tab, size_t n, uint16_t v)
{
	size_t lo = 0;
	size_t hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (tab[mid].value == v) {
			return tab[mid].name;
		}
		if (tab[mid].value < v) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return NULL;
}

static int to_str(const mnemonic_t *tab, size_t n, const char *prefix,
                  uint16_t v, char *dst, size_t dstlen)
{
	const char *name = find_name(tab, n, v);
	int len = name != NULL ? snprintf(dst, dstlen, "%s", name)
	                       : snprintf(dst, dstlen, "%s%u", prefix, v);
	if (len < 0 || (size_t)len >= dstlen) {
		return DZ_ESPACE;
	}
	return len;
}

/* "<prefix><decimal 0..65535>" as RFC 3597 §5 spells unknown types/classes. */
static bool parse_numeric(const char *str, size_t len, const char *prefix,
                          uint16_t *v)
{
	size_t plen = strlen(prefix);
	if (len <= plen || len > plen + 5 ||
	    strncasecmp(str, prefix, plen) != 0) {
		return false;
	}
	uint32_t n = 0;
	for (size_t i = plen; i < len; i++) {
		if (str[i] < '0' || str[i] > '9') {
			return false;
		}
		n = n * 10 + (uint32_t)(str[i] - '0');
	}
	if (n > UINT16_MAX) {
		return false;
	}
	*v = (uint16_t)n;
	return true;
}

static bool from_str(const mnemonic_t *tab, size_t n, const char *prefix,
                     const char *str, size_t len, uint16_t *v)
{
	for (size_t i = 0; i < n; i++) {
		if (strlen(tab[i].name) == len &&
		    strncasecmp(tab[i].name, str, len) == 0) {
			*v = tab[i].value;
			return true;
		}
	}
	return parse_numeric(str, len, prefix, v);
}

int dz_rrtype_to_str(uint16_t type, char *dst, size_t dstlen)
{
	return to_str(type_names, COUNT(type_names), "TYPE", type, dst, dstlen);
}

int dz_rrtype_from_str(const char *str, size_t len, uint16_t *type)
{
	uint16_t v;
	if (!from_str(type_names, COUNT(type_names), "TYPE", str, len, &v)) {
		return DZ_ETYPE;
	}
	*type = v;
	return DZ_OK;
}

int dz_rrclass_to_str(uint16_t rclass, char *dst, size_t dstlen)
{
	return to_str(class_names, COUNT(class_names), "CLASS", rclass, dst,
	              dstlen);
}

int dz_rrclass_from_str(const char *str, size_t len, uint16_t *rclass)
{
	uint16_t v;
	if (!from_str(class_names, COUNT(class_names), "CLASS", str, len, &v)) {
		return DZ_ECLASS;
	}
	*rclass = v;
	return DZ_OK;
}

bool dz_rrtype_is_meta(uint16_t type)
{
	/* RFC 6895 §3.1: 128-255 are Q-types and meta-types; OPT is meta. */
	return type == DZ_RR_OPT || (type >= 128 && type <= 255);
}

bool dz_rrtype_compressible(uint16_t type)
{
	switch (type) {
	case DZ_RR_NS:
	case DZ_RR_MD:
	case DZ_RR_MF:
	case DZ_RR_CNAME:
	case DZ_RR_SOA:
	case DZ_RR_MB:
	case DZ_RR_MG:
	case DZ_RR_MR:
	case DZ_RR_PTR:
	case DZ_RR_MINFO:
	case DZ_RR_MX:
		return true;
	default:
		return false;
	}
}
