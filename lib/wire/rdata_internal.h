/* SPDX-License-Identifier: BSD-3-Clause */
/* Rdata descriptors and helpers shared by the rdata_*.c codec engines. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/wire/rdata.h"

/* Field kinds; a descriptor is a zero-terminated sequence of them. */
enum dz__rdf {
	DZ__RDF_END = 0,
	DZ__RDF_NAME, /* domain name (compression per descriptor flags) */
	DZ__RDF_U8,
	DZ__RDF_U16,
	DZ__RDF_U32,
	DZ__RDF_TTL,       /* u32, text accepts TTL units (SOA timers) */
	DZ__RDF_TYPE,      /* u16 shown as a type mnemonic (RRSIG covered) */
	DZ__RDF_A,         /* 4 octets, dotted quad */
	DZ__RDF_AAAA,      /* 16 octets, RFC 5952 text */
	DZ__RDF_STR,       /* character-string (u8 length) */
	DZ__RDF_STRS,      /* one or more character-strings to the end */
	DZ__RDF_B64,       /* base64 to the end, one or more tokens */
	DZ__RDF_HEX,       /* hex to the end, one or more tokens */
	DZ__RDF_HEX8,      /* u8 length + octets, hex or "-" (NSEC3 salt) */
	DZ__RDF_B32HEX8,   /* u8 length + octets, base32hex (NSEC3 next hash) */
	DZ__RDF_BITMAP,    /* RFC 4034 §4.1.2 type bitmap to the end */
	DZ__RDF_TIME,      /* u32, YYYYMMDDHHmmSS or seconds (RFC 4034 §3.2) */
	DZ__RDF_SVCPARAMS, /* RFC 9460 SvcParams to the end */
	DZ__RDF_CAATAG,    /* u8 length + alphanumeric tag (RFC 8659 §4.1) */
	DZ__RDF_RESTSTR,   /* rest of rdata as one quoted string (CAA, URI) */
	DZ__RDF_TIME48,    /* 48-bit seconds (TSIG) */
	DZ__RDF_B64_16,    /* u16 length + octets, text "<len> [base64]" */
	DZ__RDF_EUI48,     /* 6 octets, xx-xx-xx-xx-xx-xx (RFC 7043) */
	DZ__RDF_EUI64,     /* 8 octets */
	DZ__RDF_ILNP64,    /* 8 octets, xxxx:xxxx:xxxx:xxxx (RFC 6742) */
	DZ__RDF_OPTIONS,   /* EDNS options to the end (RFC 6891 §6.1.2) */
	DZ__RDF_ANY,       /* anything to the end (NULL) */
	DZ__RDF_ALG,       /* u8 DNSSEC algorithm: text mnemonic or number */
	DZ__RDF_CERTALG,   /* u8 algorithm, printed as a mnemonic (CERT) */
	DZ__RDF_CERTTYPE,  /* u16 RFC 4398 §2.1 certificate type */
	DZ__RDF_B64OPT,   /* base64 to the end, may be empty (CERT, IPSECKEY) */
	DZ__RDF_LOC,      /* RFC 1876 LOC rdata, whole */
	DZ__RDF_WKSPROTO, /* u8 IP protocol: number, "tcp" or "udp" */
	DZ__RDF_WKSMAP,   /* RFC 1035 §3.4.2 port bitmap to the end */
	DZ__RDF_APL,      /* RFC 3123 §4 APL items to the end */
	DZ__RDF_IPSECGW,  /* RFC 4025 gateway type, algorithm, gateway */
};

/* Descriptor flags. */
#define DZ__RD_COMPRESS 0x01   /* RFC 3597 §4: compress names on render */
#define DZ__RD_DECOMPRESS 0x02 /* RFC 3597 §4: decompress names on parse */
#define DZ__RD_LOWER 0x04      /* RFC 4034 §6.2 / RFC 6840 §5.1 */
#define DZ__RD_GENERIC 0x08    /* text only in RFC 3597 form (NULL, OPT) */

#define DZ__RD_MAXFIELDS 10

typedef struct dz__rdesc {
	uint16_t type;
	uint8_t flags;
	uint8_t field[DZ__RD_MAXFIELDS]; /* enum dz__rdf, DZ__RDF_END ends */
} dz__rdesc_t;

/* Descriptor of a known type, or NULL. */
const dz__rdesc_t *dz__rdesc_find(uint16_t type);

/*
 * Length of the field of \p kind at rd[pos] in uncompressed rdata, after
 * checking its structure; DZ_EMALF if it is malformed or overruns rdlen.
 */
int dz__rdata_field_len(uint8_t kind, const uint8_t *rd, size_t rdlen,
                        size_t pos);

/* Length of an uncompressed wire name at rd[pos] within rdlen, or DZ_EMALF. */
int dz__rdata_name_len(const uint8_t *rd, size_t rdlen, size_t pos);

/* RFC 9460 SvcParams at rd[0..len): structure check. */
int dz__svcb_check(const uint8_t *rd, size_t len);

/* Text output appender: keeps the first error, like a sticky cursor. */
typedef struct dz__tbuf {
	char *dst;
	size_t cap;
	size_t len;
	int err;
} dz__tbuf_t;

void dz__tbuf_putc(dz__tbuf_t *b, char c);
void dz__tbuf_puts(dz__tbuf_t *b, const char *s, size_t n);
/* Octets as presentation text: \X for specials, \DDD for non-printables. */
void dz__tbuf_escaped(dz__tbuf_t *b, const uint8_t *s, size_t n,
                      const char *specials);

/* SvcParams as presentation text. */
void dz__svcb_to_str(dz__tbuf_t *b, const uint8_t *rd, size_t len);

/* Sticky output buffer for the text parsers. */
typedef struct dz__wbuf {
	uint8_t *dst;
	size_t cap;
	size_t len;
} dz__wbuf_t;

/* Append octets; DZ_ESPACE if they don't fit. */
int dz__wbuf_put(dz__wbuf_t *w, const void *src, size_t n);
int dz__wbuf_u16(dz__wbuf_t *w, uint16_t v);

/* Decode a character-string token's escapes into dst (capacity cap). */
int dz__text_unescape(uint8_t *dst, size_t cap, const char *s, size_t n);

/* Parse a decimal number <= max; DZ_OK or DZ_ERDATA (diag msg set). */
int dz__text_number(const char *s, size_t n, uint64_t max, uint64_t *v,
                    const char **msg);

/* Parse SvcParams from tokens [0, ntok) into w; *bad = failing token. */
int dz__svcb_from_tokens(const dz_token_t *tok, size_t ntok, dz__wbuf_t *w,
                         size_t *bad, const char **msg);

static inline uint16_t dz__get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t dz__get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* Text parser state shared by the rdata_text_*.c files. */
typedef struct dz__pctx {
	const dz_token_t *tok;
	size_t ntok;
	size_t ti; /* next token */
	const uint8_t *origin;
	dz__wbuf_t w;
	size_t bad;      /* diag: offending token */
	const char *msg; /* diag: reason */
} dz__pctx_t;

/* Record the failing token and reason; returns \p code. */
int dz__pctx_fail(dz__pctx_t *c, size_t token, int code, const char *msg);

/* Parse one field of \p kind from the next token(s). */
int dz__text_field(dz__pctx_t *c, uint8_t kind);

/* A decoder: (dst, cap, src, len) -> octets or negative. */
typedef int (*dz__decoder_fn)(uint8_t *, size_t, const char *, size_t);

/* Join the remaining tokens, decode them into the output, consume them. */
int dz__text_decode_joined(dz__pctx_t *c, dz__decoder_fn dec, const char *what);

/* --- field kinds of rdata_loc.c and rdata_misc.c ------------------------- */

/* Structure checks: length of the field at rd[pos], or DZ_EMALF. */
int dz__loc_len(const uint8_t *rd, size_t rdlen, size_t pos);
int dz__wksmap_len(size_t rdlen, size_t pos);
int dz__apl_len(const uint8_t *rd, size_t rdlen, size_t pos);
int dz__ipsecgw_len(const uint8_t *rd, size_t rdlen, size_t pos);

/*
 * Whether a checked field has a presentation form that parses back to the
 * same octets; when not, the rdata is printed in RFC 3597 form instead.
 */
bool dz__field_has_text(uint8_t kind, const uint8_t *p, size_t n);

/* Text parsers of the kinds above (and DZ__RDF_ALG etc.). */
int dz__loc_from_text(dz__pctx_t *c);
int dz__wksproto_from_text(dz__pctx_t *c);
int dz__wksmap_from_text(dz__pctx_t *c);
int dz__apl_from_text(dz__pctx_t *c);
int dz__ipsecgw_from_text(dz__pctx_t *c);
int dz__alg_from_text(dz__pctx_t *c);
int dz__certtype_from_text(dz__pctx_t *c);

/* Text writers of the kinds above; p/n is the checked field. */
void dz__loc_to_text(dz__tbuf_t *b, const uint8_t *p);
void dz__wksmap_to_text(dz__tbuf_t *b, const uint8_t *p, size_t n);
void dz__apl_to_text(dz__tbuf_t *b, const uint8_t *p, size_t n);
void dz__ipsecgw_to_text(dz__tbuf_t *b, const uint8_t *p, size_t n);
void dz__certalg_to_text(dz__tbuf_t *b, uint8_t alg);
void dz__certtype_to_text(dz__tbuf_t *b, uint16_t type);

/* Decimal number of \p v; and one field of any kind (used by compounds). */
void dz__tbuf_u64(dz__tbuf_t *b, uint64_t v);
void dz__tbuf_field(dz__tbuf_t *b, uint8_t kind, const uint8_t *p, size_t n);
