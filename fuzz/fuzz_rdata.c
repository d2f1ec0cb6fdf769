/* SPDX-License-Identifier: BSD-3-Clause */
/* Fuzz target: rdata of every type from wire and from text, with round trips
 * through presentation form, compression and canonical compare. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util/errcode.h"
#include "lib/wire/compr.h"
#include "lib/wire/rdata.h"
#include "lib/wire/rrtype.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every type with a descriptor, one without (NXT), and a few unknown. */
static const uint16_t types[] = {
        DZ_RR_A,
        DZ_RR_NS,
        DZ_RR_MD,
        DZ_RR_MF,
        DZ_RR_CNAME,
        DZ_RR_SOA,
        DZ_RR_MB,
        DZ_RR_MG,
        DZ_RR_MR,
        DZ_RR_NULL,
        DZ_RR_WKS,
        DZ_RR_PTR,
        DZ_RR_HINFO,
        DZ_RR_MINFO,
        DZ_RR_MX,
        DZ_RR_TXT,
        DZ_RR_RP,
        DZ_RR_AFSDB,
        DZ_RR_RT,
        DZ_RR_SIG,
        DZ_RR_KEY,
        DZ_RR_PX,
        DZ_RR_AAAA,
        DZ_RR_LOC,
        DZ_RR_NXT,
        DZ_RR_SRV,
        DZ_RR_NAPTR,
        DZ_RR_KX,
        DZ_RR_CERT,
        DZ_RR_DNAME,
        DZ_RR_OPT,
        DZ_RR_APL,
        DZ_RR_DS,
        DZ_RR_SSHFP,
        DZ_RR_IPSECKEY,
        DZ_RR_RRSIG,
        DZ_RR_NSEC,
        DZ_RR_DNSKEY,
        DZ_RR_DHCID,
        DZ_RR_NSEC3,
        DZ_RR_NSEC3PARAM,
        DZ_RR_TLSA,
        DZ_RR_SMIMEA,
        DZ_RR_CDS,
        DZ_RR_CDNSKEY,
        DZ_RR_OPENPGPKEY,
        DZ_RR_CSYNC,
        DZ_RR_ZONEMD,
        DZ_RR_SVCB,
        DZ_RR_HTTPS,
        DZ_RR_SPF,
        DZ_RR_NID,
        DZ_RR_L32,
        DZ_RR_L64,
        DZ_RR_LP,
        DZ_RR_EUI48,
        DZ_RR_EUI64,
        DZ_RR_TSIG,
        DZ_RR_URI,
        DZ_RR_CAA,
        0,
        4321,
        65280,
        65535,
};

#define NTYPES (sizeof(types) / sizeof(types[0]))
/* Worst case text: an NSEC bitmap of every type, "TYPE65535 " each. */
#define TEXT_MAX (1u << 20)
#define HDR 12

static uint8_t rd[DZ_RDATA_MAXLEN];
static uint8_t back[DZ_RDATA_MAXLEN];
static uint8_t pkt[HDR + 2 * DZ_RDATA_MAXLEN];
static char text[TEXT_MAX];
static char input[TEXT_MAX];

static void check(bool ok)
{
	if (!ok) {
		abort();
	}
}

/*
 * Rendering with compression and parsing back gives the same rdata, up to
 * the case of names: compression matches names case-insensitively (RFC 1035
 * §4.1.4), and only RFC 1035 types, all in the RFC 4034 §6.2 list, compress.
 */
static void check_render(uint16_t type, const uint8_t *r, size_t len)
{
	dz_compr_t c;
	memset(pkt, 0, HDR);
	dz_compr_init(&c, pkt);
	int n = dz_rdata_to_wire(type, r, len, pkt, sizeof(pkt), HDR, &c);
	check(n >= 0);
	int m = dz_rdata_from_wire(type, pkt, HDR + (size_t)n, HDR, (size_t)n,
	                           back, sizeof(back));
	check(m == (int)len && dz_rdata_cmp(type, back, len, r, len) == 0);
}

/* Everything accepted rdata must satisfy; \p r is uncompressed. */
static void check_rdata(uint16_t type, const uint8_t *r, size_t len)
{
	check(dz_rdata_check(type, r, len) == DZ_OK);
	check(dz_rdata_cmp(type, r, len, r, len) == 0);
	int t = dz_rdata_to_str(type, r, len, text, sizeof(text));
	check(t >= 0 && (size_t)t == strlen(text));
	int n = dz_rdata_from_str(type, text, NULL, back, sizeof(back), NULL);
	check(n == (int)len && memcmp(back, r, len) == 0);
	check_render(type, r, len);
}

static void fuzz_wire(uint16_t type, const uint8_t *w, size_t len)
{
	int n = dz_rdata_from_wire(type, w, len, 0, len, rd, sizeof(rd));
	bool valid = dz_rdata_check(type, w, len) == DZ_OK;
	if (n < 0) {
		/* Uncompressed rdata that checks out always parses. */
		check(!valid);
		return;
	}
	/* Without pointers to follow, from_wire is a plain copy. */
	check(!valid || (n == (int)len && memcmp(rd, w, len) == 0));
	check_rdata(type, rd, (size_t)n);
}

static void fuzz_text(uint16_t type, const uint8_t *s, size_t len)
{
	memcpy(input, s, len);
	input[len] = '\0';
	static const uint8_t origin[] = "\007example";
	int n = dz_rdata_from_str(type, input, origin, rd, sizeof(rd), NULL);
	if (n < 0) {
		return;
	}
	check_rdata(type, rd, (size_t)n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2 || size - 2 > DZ_RDATA_MAXLEN || size >= TEXT_MAX) {
		return 0;
	}
	uint16_t type = types[(size_t)(data[0] << 8 | data[1]) % NTYPES];
	fuzz_wire(type, data + 2, size - 2);
	fuzz_text(type, data + 2, size - 2);
	return 0;
}
