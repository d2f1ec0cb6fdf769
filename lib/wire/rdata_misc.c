/* SPDX-License-Identifier: BSD-3-Clause */
/* Rdata field kinds of WKS, APL, IPSECKEY and CERT, and DNSSEC algorithm
 * mnemonics: structure check, text in and text out. */
#include "lib/wire/rdata_internal.h"

#include <arpa/inet.h>
#include <string.h>
#include <strings.h>

#include "lib/util/errcode.h"

typedef struct mnemonic {
	uint16_t value;
	const char *name;
} mnemonic_t;

/*
 * DNSSEC algorithm numbers (IANA "DNS Security Algorithm Numbers"). BIND's
 * spellings come first, so they are the ones printed for CERT; the IANA
 * mnemonics that differ are accepted as well.
 */
static const mnemonic_t algs[] = {
        {1, "RSAMD5"},
        {2, "DH"},
        {3, "DSA"},
        {4, "ECC"},
        {5, "RSASHA1"},
        {6, "NSEC3DSA"},
        {6, "DSA-NSEC3-SHA1"},
        {7, "NSEC3RSASHA1"},
        {7, "RSASHA1-NSEC3-SHA1"},
        {8, "RSASHA256"},
        {10, "RSASHA512"},
        {12, "ECCGOST"},
        {12, "ECC-GOST"},
        {13, "ECDSAP256SHA256"},
        {14, "ECDSAP384SHA384"},
        {15, "ED25519"},
        {16, "ED448"},
        {252, "INDIRECT"},
        {253, "PRIVATEDNS"},
        {254, "PRIVATEOID"},
};

/* RFC 4398 §2.1 certificate types. */
static const mnemonic_t cert_types[] = {
        {1, "PKIX"}, {2, "SPKI"},   {3, "PGP"},     {4, "IPKIX"}, {5, "ISPKI"},
        {6, "IPGP"}, {7, "ACPKIX"}, {8, "IACPKIX"}, {253, "URI"}, {254, "OID"},
};

/*
 * A few well-known service names for WKS (RFC 1035 §3.4.2 leaves the list
 * to the protocol); anything else is written as a port number.
 */
static const mnemonic_t services[] = {
        {20, "ftp-data"}, {21, "ftp"},    {22, "ssh"},     {23, "telnet"},
        {25, "smtp"},     {37, "time"},   {43, "whois"},   {53, "domain"},
        {69, "tftp"},     {79, "finger"}, {80, "http"},    {80, "www"},
        {88, "kerberos"}, {110, "pop3"},  {111, "sunrpc"}, {113, "auth"},
        {119, "nntp"},    {123, "ntp"},   {143, "imap"},   {161, "snmp"},
        {179, "bgp"},     {389, "ldap"},  {443, "https"},  {587, "submission"},
        {993, "imaps"},   {995, "pop3s"},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The WKS bitmap covers ports 0..65535 at most. */
#define WKS_MAXMAP (65536 / 8)

static bool lookup(const mnemonic_t *tab, size_t n, const char *s, size_t len,
                   uint16_t *v)
{
	for (size_t i = 0; i < n; i++) {
		if (strlen(tab[i].name) == len &&
		    strncasecmp(tab[i].name, s, len) == 0) {
			*v = tab[i].value;
			return true;
		}
	}
	return false;
}

static const char *name_of(const mnemonic_t *tab, size_t n, uint16_t v)
{
	for (size_t i = 0; i < n; i++) {
		if (tab[i].value == v) {
			return tab[i].name;
		}
	}
	return NULL;
}

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9') {
			return false;
		}
	}
	return n > 0;
}

static int put_be(dz__pctx_t *c, uint32_t v, size_t width)
{
	uint8_t b[4];
	for (size_t i = 0; i < width; i++) {
		b[i] = (uint8_t)(v >> (8 * (width - 1 - i)));
	}
	return dz__wbuf_put(&c->w, b, width);
}

/*
 * The next token as a number <= max or a mnemonic from tab; \p what is the
 * reason given for a word that is neither.
 */
static int number_or_name(dz__pctx_t *c, const mnemonic_t *tab, size_t n,
                          uint64_t max, const char *what, uint16_t *v)
{
	if (c->ti >= c->ntok) {
		return dz__pctx_fail(c, c->ntok, DZ_ERDATA, "missing field");
	}
	const dz_token_t *t = &c->tok[c->ti++];
	if (all_digits(t->str, t->len)) {
		uint64_t x;
		const char *msg;
		if (dz__text_number(t->str, t->len, max, &x, &msg) != DZ_OK) {
			return dz__pctx_fail(c, c->ti - 1, DZ_ERDATA, msg);
		}
		*v = (uint16_t)x;
		return DZ_OK;
	}
	if (t->quoted || !lookup(tab, n, t->str, t->len, v) || *v > max) {
		return dz__pctx_fail(c, c->ti - 1, DZ_ERDATA, what);
	}
	return DZ_OK;
}

/* --- DNSSEC algorithm and CERT type ------------------------------------- */

int dz__alg_from_text(dz__pctx_t *c)
{
	uint16_t v;
	int ret = number_or_name(c, algs, COUNT(algs), UINT8_MAX,
	                         "unknown algorithm", &v);
	return ret != DZ_OK ? ret : put_be(c, v, 1);
}

int dz__certtype_from_text(dz__pctx_t *c)
{
	uint16_t v;
	int ret = number_or_name(c, cert_types, COUNT(cert_types), UINT16_MAX,
	                         "unknown certificate type", &v);
	return ret != DZ_OK ? ret : put_be(c, v, 2);
}

static void put_mnemonic(dz__tbuf_t *b, const mnemonic_t *tab, size_t n,
                         uint16_t v)
{
	const char *name = name_of(tab, n, v);
	if (name != NULL) {
		dz__tbuf_puts(b, name, strlen(name));
	} else {
		dz__tbuf_u64(b, v);
	}
}

/* BIND prints CERT's type and algorithm as mnemonics (RFC 4398 §2.2). */
void dz__certalg_to_text(dz__tbuf_t *b, uint8_t alg)
{
	put_mnemonic(b, algs, COUNT(algs), alg);
}

void dz__certtype_to_text(dz__tbuf_t *b, uint16_t type)
{
	put_mnemonic(b, cert_types, COUNT(cert_types), type);
}

/* --- WKS (RFC 1035 §3.4.2) ---------------------------------------------- */

int dz__wksmap_len(size_t rdlen, size_t pos)
{
	return rdlen - pos <= WKS_MAXMAP ? (int)(rdlen - pos) : DZ_EMALF;
}

int dz__wksproto_from_text(dz__pctx_t *c)
{
	static const mnemonic_t protos[] = {{6, "tcp"}, {17, "udp"}};
	uint16_t v;
	int ret = number_or_name(c, protos, COUNT(protos), UINT8_MAX,
	                         "unknown protocol", &v);
	return ret != DZ_OK ? ret : put_be(c, v, 1);
}

int dz__wksmap_from_text(dz__pctx_t *c)
{
	uint8_t map[WKS_MAXMAP];
	size_t len = 0;
	while (c->ti < c->ntok) {
		uint16_t port;
		int ret = number_or_name(c, services, COUNT(services),
		                         UINT16_MAX, "unknown service", &port);
		if (ret != DZ_OK) {
			return ret;
		}
		/* The bitmap ends at the highest port listed. */
		while (len <= port / 8u) {
			map[len++] = 0;
		}
		map[port / 8] |= (uint8_t)(0x80 >> (port % 8));
	}
	return dz__wbuf_put(&c->w, map, len);
}

void dz__wksmap_to_text(dz__tbuf_t *b, const uint8_t *p, size_t n)
{
	bool first = true;
	for (size_t port = 0; port < n * 8; port++) {
		if ((p[port / 8] & (0x80 >> (port % 8))) == 0) {
			continue;
		}
		if (!first) {
			dz__tbuf_putc(b, ' ');
		}
		dz__tbuf_u64(b, port);
		first = false;
	}
}

/* --- APL (RFC 3123 §4) --------------------------------------------------- */

enum { AFI_IPV4 = 1, AFI_IPV6 = 2 };

/* Address octets and prefix bits of the families with a text form. */
static size_t afi_octets(uint16_t afi)
{
	return afi == AFI_IPV4 ? 4 : afi == AFI_IPV6 ? 16 : 0;
}

int dz__apl_len(const uint8_t *rd, size_t rdlen, size_t pos)
{
	size_t start = pos;
	while (pos < rdlen) {
		if (rdlen - pos < 4) {
			return DZ_EMALF;
		}
		uint16_t afi = dz__get16(rd + pos);
		uint8_t prefix = rd[pos + 2];
		size_t n = rd[pos + 3] & 0x7f;
		size_t max = afi_octets(afi);
		if (rdlen - pos - 4 < n ||
		    (max != 0 && (n > max || prefix > max * 8))) {
			return DZ_EMALF;
		}
		/* §4: trailing zero octets of AFDPART are never sent. */
		if (n > 0 && rd[pos + 3 + n] == 0) {
			return DZ_EMALF;
		}
		pos += 4 + n;
	}
	return (int)(pos - start);
}

static bool apl_has_text(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 4 <= n; i += 4 + (size_t)(p[i + 3] & 0x7f)) {
		if (afi_octets(dz__get16(p + i)) == 0) {
			return false;
		}
	}
	return true;
}

/* One "[!]afi:address/prefix" item into wire form (at most 20 octets). */
static int apl_item(const char *s, size_t n, uint8_t *out, size_t *outlen)
{
	char addr[INET6_ADDRSTRLEN + 1];
	uint8_t bin[16];
	uint64_t afi;
	uint64_t prefix;
	const char *msg;
	bool neg = n > 0 && s[0] == '!';
	size_t i = neg ? 1 : 0;
	const char *colon = memchr(s + i, ':', n - i);
	if (colon == NULL ||
	    dz__text_number(s + i, (size_t)(colon - s) - i, UINT16_MAX, &afi,
	                    &msg) != DZ_OK ||
	    afi_octets((uint16_t)afi) == 0) {
		return DZ_ERDATA;
	}
	i = (size_t)(colon - s) + 1;
	const char *slash = memchr(s + i, '/', n - i);
	size_t alen = slash != NULL ? (size_t)(slash - s) - i : 0;
	size_t max = afi_octets((uint16_t)afi);
	if (slash == NULL || alen == 0 || alen >= sizeof(addr) ||
	    dz__text_number(slash + 1, n - (size_t)(slash - s) - 1, max * 8,
	                    &prefix, &msg) != DZ_OK) {
		return DZ_ERDATA;
	}
	memcpy(addr, s + i, alen);
	addr[alen] = '\0';
	if (inet_pton(afi == AFI_IPV4 ? AF_INET : AF_INET6, addr, bin) != 1) {
		return DZ_ERDATA;
	}
	size_t len = max;
	while (len > 0 && bin[len - 1] == 0) {
		len--;
	}
	out[0] = (uint8_t)(afi >> 8);
	out[1] = (uint8_t)afi;
	out[2] = (uint8_t)prefix;
	out[3] = (uint8_t)((neg ? 0x80 : 0) | len);
	memcpy(out + 4, bin, len);
	*outlen = 4 + len;
	return DZ_OK;
}

int dz__apl_from_text(dz__pctx_t *c)
{
	for (; c->ti < c->ntok; c->ti++) {
		const dz_token_t *t = &c->tok[c->ti];
		uint8_t item[20];
		size_t len;
		if (t->quoted ||
		    apl_item(t->str, t->len, item, &len) != DZ_OK) {
			return dz__pctx_fail(c, c->ti, DZ_ERDATA,
			                     "bad APL item");
		}
		int ret = dz__wbuf_put(&c->w, item, len);
		if (ret != DZ_OK) {
			return ret;
		}
	}
	return DZ_OK;
}

void dz__apl_to_text(dz__tbuf_t *b, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 4 <= n;) {
		uint16_t afi = dz__get16(p + i);
		size_t len = p[i + 3] & 0x7f;
		uint8_t bin[16] = {0};
		char addr[INET6_ADDRSTRLEN];
		memcpy(bin, p + i + 4, len);
		if (i > 0) {
			dz__tbuf_putc(b, ' ');
		}
		if ((p[i + 3] & 0x80) != 0) {
			dz__tbuf_putc(b, '!');
		}
		dz__tbuf_u64(b, afi);
		dz__tbuf_putc(b, ':');
		inet_ntop(afi == AFI_IPV4 ? AF_INET : AF_INET6, bin, addr,
		          sizeof(addr));
		dz__tbuf_puts(b, addr, strlen(addr));
		dz__tbuf_putc(b, '/');
		dz__tbuf_u64(b, p[i + 2]);
		i += 4 + len;
	}
}

/* --- IPSECKEY (RFC 4025 §2) ---------------------------------------------- */

enum { GW_NONE = 0, GW_IPV4 = 1, GW_IPV6 = 2, GW_NAME = 3 };

/* Gateway type, algorithm, then a gateway whose form the type decides. */
int dz__ipsecgw_len(const uint8_t *rd, size_t rdlen, size_t pos)
{
	if (rdlen - pos < 2) {
		return DZ_EMALF;
	}
	size_t rest = rdlen - pos - 2;
	int n;
	switch (rd[pos]) {
	case GW_NONE:
		return 2;
	case GW_IPV4:
		return rest >= 4 ? 6 : DZ_EMALF;
	case GW_IPV6:
		return rest >= 16 ? 18 : DZ_EMALF;
	case GW_NAME:
		/* §2.5: the name is never compressed. */
		n = dz__rdata_name_len(rd, rdlen, pos + 2);
		return n < 0 ? DZ_EMALF : 2 + n;
	default:
		return DZ_EMALF;
	}
}

int dz__ipsecgw_from_text(dz__pctx_t *c)
{
	size_t ti = c->ti;
	int ret = dz__text_field(c, DZ__RDF_U8);
	if (ret != DZ_OK) {
		return ret;
	}
	uint8_t type = c->w.dst[c->w.len - 1];
	if (type > GW_NAME) {
		return dz__pctx_fail(c, ti, DZ_ERDATA, "bad gateway type");
	}
	if ((ret = dz__text_field(c, DZ__RDF_U8)) != DZ_OK) {
		return ret;
	}
	if (type == GW_IPV4 || type == GW_IPV6) {
		return dz__text_field(c, type == GW_IPV4 ? DZ__RDF_A
		                                         : DZ__RDF_AAAA);
	}
	if (type == GW_NAME) {
		return dz__text_field(c, DZ__RDF_NAME);
	}
	/* §3: no gateway is written as ".". */
	if (c->ti >= c->ntok) {
		return dz__pctx_fail(c, c->ntok, DZ_ERDATA, "missing field");
	}
	const dz_token_t *t = &c->tok[c->ti++];
	if (t->len != 1 || t->str[0] != '.') {
		return dz__pctx_fail(c, c->ti - 1, DZ_ERDATA, "bad gateway");
	}
	return DZ_OK;
}

void dz__ipsecgw_to_text(dz__tbuf_t *b, const uint8_t *p, size_t n)
{
	dz__tbuf_u64(b, p[0]);
	dz__tbuf_putc(b, ' ');
	dz__tbuf_u64(b, p[1]);
	dz__tbuf_putc(b, ' ');
	switch (p[0]) {
	case GW_IPV4:
		dz__tbuf_field(b, DZ__RDF_A, p + 2, 4);
		break;
	case GW_IPV6:
		dz__tbuf_field(b, DZ__RDF_AAAA, p + 2, 16);
		break;
	case GW_NAME:
		dz__tbuf_field(b, DZ__RDF_NAME, p + 2, n - 2);
		break;
	default:
		dz__tbuf_putc(b, '.');
		break;
	}
}

/* --- faithful presentation ------------------------------------------------ */

bool dz__field_has_text(uint8_t kind, const uint8_t *p, size_t n)
{
	switch (kind) {
	case DZ__RDF_LOC:
		/* RFC 1876 §2 defines version 0 only; BIND keeps the others
		 * as opaque data. */
		return p[0] == 0;
	case DZ__RDF_WKSMAP:
		/* Text lists ports: trailing zero octets would be lost. */
		return n == 0 || p[n - 1] != 0;
	case DZ__RDF_APL:
		return apl_has_text(p, n);
	default:
		return true;
	}
}
