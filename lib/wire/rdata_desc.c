/* SPDX-License-Identifier: BSD-3-Clause */
/* Rdata descriptor table and the structure check driven by it. */
#include "lib/wire/rdata_internal.h"

#include "lib/util/errcode.h"
#include "lib/wire/rrtype.h"

/* Shorthands keep the table readable. */
#define N DZ__RDF_NAME
#define U8 DZ__RDF_U8
#define U16 DZ__RDF_U16
#define U32 DZ__RDF_U32
#define STR DZ__RDF_STR
#define ALG DZ__RDF_ALG

#define C1035 (DZ__RD_COMPRESS | DZ__RD_DECOMPRESS | DZ__RD_LOWER)
#define DLOW (DZ__RD_DECOMPRESS | DZ__RD_LOWER)

/* Sorted by type for the binary search in dz__rdesc_find(). */
static const dz__rdesc_t descs[] = {
        {DZ_RR_A, 0, {DZ__RDF_A}},
        {DZ_RR_NS, C1035, {N}},
        {DZ_RR_MD, C1035, {N}},
        {DZ_RR_MF, C1035, {N}},
        {DZ_RR_CNAME, C1035, {N}},
        {DZ_RR_SOA,
         C1035,
         {N, N, U32, DZ__RDF_TTL, DZ__RDF_TTL, DZ__RDF_TTL, DZ__RDF_TTL}},
        {DZ_RR_MB, C1035, {N}},
        {DZ_RR_MG, C1035, {N}},
        {DZ_RR_MR, C1035, {N}},
        {DZ_RR_NULL, DZ__RD_GENERIC, {DZ__RDF_ANY}},
        {DZ_RR_WKS, 0, {DZ__RDF_A, DZ__RDF_WKSPROTO, DZ__RDF_WKSMAP}},
        {DZ_RR_PTR, C1035, {N}},
        {DZ_RR_HINFO, 0, {STR, STR}},
        {DZ_RR_MINFO, C1035, {N, N}},
        {DZ_RR_MX, C1035, {U16, N}},
        {DZ_RR_TXT, 0, {DZ__RDF_STRS}},
        {DZ_RR_RP, DLOW, {N, N}},
        {DZ_RR_AFSDB, DLOW, {U16, N}},
        {DZ_RR_RT, DLOW, {U16, N}},
        {DZ_RR_SIG,
         DLOW,
         {DZ__RDF_TYPE, ALG, U8, U32, DZ__RDF_TIME, DZ__RDF_TIME, U16, N,
          DZ__RDF_B64}},
        {DZ_RR_KEY, 0, {U16, U8, ALG, DZ__RDF_B64}},
        {DZ_RR_PX, DLOW, {U16, N, N}},
        {DZ_RR_AAAA, 0, {DZ__RDF_AAAA}},
        {DZ_RR_LOC, 0, {DZ__RDF_LOC}},
        {DZ_RR_SRV, DLOW, {U16, U16, U16, N}},
        {DZ_RR_NAPTR, DLOW, {U16, U16, STR, STR, STR, N}},
        {DZ_RR_KX, DZ__RD_LOWER, {U16, N}},
        {DZ_RR_CERT,
         0,
         {DZ__RDF_CERTTYPE, U16, DZ__RDF_CERTALG, DZ__RDF_B64OPT}},
        {DZ_RR_DNAME, DZ__RD_LOWER, {N}},
        {DZ_RR_OPT, DZ__RD_GENERIC, {DZ__RDF_OPTIONS}},
        {DZ_RR_APL, 0, {DZ__RDF_APL}},
        {DZ_RR_DS, 0, {U16, ALG, U8, DZ__RDF_HEX}},
        {DZ_RR_SSHFP, 0, {U8, U8, DZ__RDF_HEX}},
        {DZ_RR_IPSECKEY, 0, {U8, DZ__RDF_IPSECGW, DZ__RDF_B64OPT}},
        {DZ_RR_RRSIG,
         DZ__RD_LOWER,
         {DZ__RDF_TYPE, ALG, U8, U32, DZ__RDF_TIME, DZ__RDF_TIME, U16, N,
          DZ__RDF_B64}},
        /* RFC 6840 §5.1: NSEC next names are not lowercased. */
        {DZ_RR_NSEC, 0, {N, DZ__RDF_BITMAP}},
        {DZ_RR_DNSKEY, 0, {U16, U8, ALG, DZ__RDF_B64}},
        {DZ_RR_DHCID, 0, {DZ__RDF_B64}},
        {DZ_RR_NSEC3,
         0,
         {U8, U8, U16, DZ__RDF_HEX8, DZ__RDF_B32HEX8, DZ__RDF_BITMAP}},
        {DZ_RR_NSEC3PARAM, 0, {U8, U8, U16, DZ__RDF_HEX8}},
        {DZ_RR_TLSA, 0, {U8, U8, U8, DZ__RDF_HEX}},
        {DZ_RR_SMIMEA, 0, {U8, U8, U8, DZ__RDF_HEX}},
        {DZ_RR_CDS, 0, {U16, ALG, U8, DZ__RDF_HEX}},
        {DZ_RR_CDNSKEY, 0, {U16, U8, ALG, DZ__RDF_B64}},
        {DZ_RR_OPENPGPKEY, 0, {DZ__RDF_B64}},
        {DZ_RR_CSYNC, 0, {U32, U16, DZ__RDF_BITMAP}},
        {DZ_RR_ZONEMD, 0, {U32, U8, U8, DZ__RDF_HEX}},
        {DZ_RR_SVCB, 0, {U16, N, DZ__RDF_SVCPARAMS}},
        {DZ_RR_HTTPS, 0, {U16, N, DZ__RDF_SVCPARAMS}},
        {DZ_RR_SPF, 0, {DZ__RDF_STRS}},
        {DZ_RR_NID, 0, {U16, DZ__RDF_ILNP64}},
        {DZ_RR_L32, 0, {U16, DZ__RDF_A}},
        {DZ_RR_L64, 0, {U16, DZ__RDF_ILNP64}},
        {DZ_RR_LP, 0, {U16, N}},
        {DZ_RR_EUI48, 0, {DZ__RDF_EUI48}},
        {DZ_RR_EUI64, 0, {DZ__RDF_EUI64}},
        {DZ_RR_TSIG,
         0,
         {N, DZ__RDF_TIME48, U16, DZ__RDF_B64_16, U16, U16, DZ__RDF_B64_16}},
        {DZ_RR_URI, 0, {U16, U16, DZ__RDF_RESTSTR}},
        {DZ_RR_CAA, 0, {U8, DZ__RDF_CAATAG, DZ__RDF_RESTSTR}},
};

const dz__rdesc_t *dz__rdesc_find(uint16_t type)
{
	size_t lo = 0;
	size_t hi = sizeof(descs) / sizeof(descs[0]);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (descs[mid].type == type) {
			return &descs[mid];
		}
		if (descs[mid].type < type) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return NULL;
}

int dz__rdata_name_len(const uint8_t *rd, size_t rdlen, size_t pos)
{
	size_t start = pos;
	while (pos < rdlen) {
		uint8_t l = rd[pos];
		if (l == 0) {
			return (int)(pos + 1 - start);
		}
		/* Stored rdata is uncompressed: pointers and 01/10 labels are
		 * bad. */
		if (l > 63 || pos + 1 + l - start >= 255) {
			return DZ_EMALF;
		}
		pos += 1 + (size_t)l;
	}
	return DZ_EMALF;
}

/* RFC 4034 §4.1.2: windows ascending, 1..32 octets, no trailing zero. */
static int bitmap_len(const uint8_t *rd, size_t rdlen, size_t pos)
{
	size_t start = pos;
	int last = -1;
	while (pos < rdlen) {
		if (rdlen - pos < 2) {
			return DZ_EMALF;
		}
		uint8_t win = rd[pos];
		uint8_t len = rd[pos + 1];
		if ((int)win <= last || len == 0 || len > 32 ||
		    rdlen - pos - 2 < len || rd[pos + 1 + len] == 0) {
			return DZ_EMALF;
		}
		last = win;
		pos += 2 + (size_t)len;
	}
	return (int)(pos - start);
}

/* RFC 6891 §6.1.2: {code, length, data} until the end. */
static int options_len(const uint8_t *rd, size_t rdlen, size_t pos)
{
	size_t start = pos;
	while (pos < rdlen) {
		if (rdlen - pos < 4 ||
		    rdlen - pos - 4 < dz__get16(rd + pos + 2)) {
			return DZ_EMALF;
		}
		pos += 4 + (size_t)dz__get16(rd + pos + 2);
	}
	return (int)(pos - start);
}

/* One or more character-strings filling the rest. */
static int strings_len(const uint8_t *rd, size_t rdlen, size_t pos)
{
	size_t start = pos;
	if (pos >= rdlen) {
		return DZ_EMALF;
	}
	while (pos < rdlen) {
		pos += 1 + (size_t)rd[pos];
	}
	return pos == rdlen ? (int)(pos - start) : DZ_EMALF;
}

static bool is_alnum(uint8_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z');
}

static int caatag_len(const uint8_t *rd, size_t rdlen, size_t pos)
{
	if (pos >= rdlen || rd[pos] == 0 || rdlen - pos - 1 < rd[pos]) {
		return DZ_EMALF;
	}
	for (size_t i = 0; i < rd[pos]; i++) {
		if (!is_alnum(rd[pos + 1 + i])) {
			return DZ_EMALF;
		}
	}
	return 1 + rd[pos];
}

static int fixed_len(size_t n, size_t rdlen, size_t pos)
{
	return rdlen - pos >= n ? (int)n : DZ_EMALF;
}

/* u8- or u16-prefixed blob; \p min is the smallest allowed length. */
static int counted_len(const uint8_t *rd, size_t rdlen, size_t pos,
                       size_t width, size_t min)
{
	if (rdlen - pos < width) {
		return DZ_EMALF;
	}
	size_t n = width == 1 ? rd[pos] : dz__get16(rd + pos);
	if (n < min || rdlen - pos - width < n) {
		return DZ_EMALF;
	}
	return (int)(width + n);
}

int dz__rdata_field_len(uint8_t kind, const uint8_t *rd, size_t rdlen,
                        size_t pos)
{
	int rest = (int)(rdlen - pos);
	switch (kind) {
	case DZ__RDF_NAME:
		return dz__rdata_name_len(rd, rdlen, pos);
	case DZ__RDF_U8:
	case DZ__RDF_ALG:
	case DZ__RDF_CERTALG:
	case DZ__RDF_WKSPROTO:
		return fixed_len(1, rdlen, pos);
	case DZ__RDF_U16:
	case DZ__RDF_TYPE:
	case DZ__RDF_CERTTYPE:
		return fixed_len(2, rdlen, pos);
	case DZ__RDF_U32:
	case DZ__RDF_TTL:
	case DZ__RDF_TIME:
	case DZ__RDF_A:
		return fixed_len(4, rdlen, pos);
	case DZ__RDF_TIME48:
	case DZ__RDF_EUI48:
		return fixed_len(6, rdlen, pos);
	case DZ__RDF_EUI64:
	case DZ__RDF_ILNP64:
		return fixed_len(8, rdlen, pos);
	case DZ__RDF_AAAA:
		return fixed_len(16, rdlen, pos);
	case DZ__RDF_STR:
		return counted_len(rd, rdlen, pos, 1, 0);
	case DZ__RDF_HEX8:
		return counted_len(rd, rdlen, pos, 1, 0);
	case DZ__RDF_B32HEX8:
		return counted_len(rd, rdlen, pos, 1, 1);
	case DZ__RDF_B64_16:
		return counted_len(rd, rdlen, pos, 2, 0);
	case DZ__RDF_STRS:
		return strings_len(rd, rdlen, pos);
	case DZ__RDF_BITMAP:
		return bitmap_len(rd, rdlen, pos);
	case DZ__RDF_OPTIONS:
		return options_len(rd, rdlen, pos);
	case DZ__RDF_CAATAG:
		return caatag_len(rd, rdlen, pos);
	case DZ__RDF_SVCPARAMS:
		return dz__svcb_check(rd + pos, rdlen - pos) == DZ_OK
		               ? rest
		               : DZ_EMALF;
	case DZ__RDF_LOC:
		return dz__loc_len(rd, rdlen, pos);
	case DZ__RDF_WKSMAP:
		return dz__wksmap_len(rdlen, pos);
	case DZ__RDF_APL:
		return dz__apl_len(rd, rdlen, pos);
	case DZ__RDF_IPSECGW:
		return dz__ipsecgw_len(rd, rdlen, pos);
	case DZ__RDF_B64:
	case DZ__RDF_B64OPT:
	case DZ__RDF_HEX:
	case DZ__RDF_RESTSTR:
	case DZ__RDF_ANY:
		return rest;
	default:
		return DZ_EMALF;
	}
}

int dz_rdata_check(uint16_t type, const uint8_t *rdata, size_t rdlen)
{
	const dz__rdesc_t *d = dz__rdesc_find(type);
	if (rdlen > DZ_RDATA_MAXLEN || (rdlen > 0 && rdata == NULL)) {
		return DZ_EMALF;
	}
	if (d == NULL) {
		return DZ_OK;
	}
	size_t pos = 0;
	for (size_t i = 0; i < DZ__RD_MAXFIELDS && d->field[i] != DZ__RDF_END;
	     i++) {
		int n = dz__rdata_field_len(d->field[i], rdata, rdlen, pos);
		if (n < 0) {
			return DZ_EMALF;
		}
		pos += (size_t)n;
	}
	return pos == rdlen ? DZ_OK : DZ_EMALF;
}
