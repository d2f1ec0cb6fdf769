/* SPDX-License-Identifier: BSD-3-Clause */
/* Domain names: text and wire codecs, comparison, canonical order, keys. */
#include "lib/wire/name.h"

#include <string.h>

#include "lib/util/errcode.h"

/* RFC 1035 §4.1.4: the top two bits of a length octet select the label type;
 * 0b01 (RFC 6891 extended) and 0b10 are not in use and are rejected. */
#define LABEL_TYPE_MASK 0xc0
#define LABEL_TYPE_NORMAL 0x00
#define LABEL_TYPE_PTR 0xc0
#define MSG_HEADER_LEN 12

/* ASCII-only lowercase (RFC 4343 §3: DNS case folding is ASCII only). */
/* clang-format off */
static const uint8_t lower[256] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
	0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
	0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
	0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
	0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27,
	0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f,
	0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37,
	0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f,
	0x40, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67,
	0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f,
	0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77,
	0x78, 0x79, 0x7a, 0x5b, 0x5c, 0x5d, 0x5e, 0x5f,
	0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67,
	0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f,
	0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77,
	0x78, 0x79, 0x7a, 0x7b, 0x7c, 0x7d, 0x7e, 0x7f,
	0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87,
	0x88, 0x89, 0x8a, 0x8b, 0x8c, 0x8d, 0x8e, 0x8f,
	0x90, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97,
	0x98, 0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9e, 0x9f,
	0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7,
	0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf,
	0xb0, 0xb1, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7,
	0xb8, 0xb9, 0xba, 0xbb, 0xbc, 0xbd, 0xbe, 0xbf,
	0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7,
	0xc8, 0xc9, 0xca, 0xcb, 0xcc, 0xcd, 0xce, 0xcf,
	0xd0, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7,
	0xd8, 0xd9, 0xda, 0xdb, 0xdc, 0xdd, 0xde, 0xdf,
	0xe0, 0xe1, 0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7,
	0xe8, 0xe9, 0xea, 0xeb, 0xec, 0xed, 0xee, 0xef,
	0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7,
	0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe, 0xff,
};
/* clang-format on */

/* ===== Basic walking ===================================================== */

size_t dz_name_len(const uint8_t *name)
{
	const uint8_t *p = name;
	while (*p != 0) {
		p += *p + 1;
	}
	return (size_t)(p - name) + 1;
}

unsigned dz_name_labels(const uint8_t *name)
{
	unsigned n = 0;
	while (*name != 0) {
		name += *name + 1;
		n++;
	}
	return n;
}

/* Start of each label in order (root label not included); returns the count.
 * A 255-octet name has at most 127 labels, so DZ_NAME_MAXLABELS suffices. */
static unsigned label_starts(const uint8_t *name,
                             const uint8_t *out[DZ_NAME_MAXLABELS])
{
	unsigned n = 0;
	while (*name != 0 && n < DZ_NAME_MAXLABELS) {
		out[n++] = name;
		name += *name + 1;
	}
	return n;
}

const uint8_t *dz_name_skip(const uint8_t *name, unsigned n)
{
	while (n > 0 && *name != 0) {
		name += *name + 1;
		n--;
	}
	return name;
}

bool dz_name_is_wildcard(const uint8_t *name)
{
	/* RFC 4592 §2.1.1: the asterisk label is exactly one octet "*". */
	return name[0] == 1 && name[1] == '*';
}

void dz_name_to_lower(uint8_t *name)
{
	while (*name != 0) {
		uint8_t n = *name;
		for (uint8_t i = 1; i <= n; i++) {
			name[i] = lower[name[i]];
		}
		name += n + 1;
	}
}

size_t dz_name_copy(uint8_t *dst, const uint8_t *name)
{
	size_t len = dz_name_len(name);
	memmove(dst, name, len);
	return len;
}

int dz_name_concat(uint8_t *dst, const uint8_t *prefix, const uint8_t *suffix)
{
	size_t plen = dz_name_len(prefix) - 1;
	size_t slen = dz_name_len(suffix);
	if (plen + slen > DZ_NAME_MAXLEN) {
		return DZ_ENAMELEN;
	}
	/* Suffix first: if prefix is dst itself, this only overwrites its
	 * root octet, which is dropped anyway. */
	memmove(dst + plen, suffix, slen);
	memmove(dst, prefix, plen);
	return (int)(plen + slen);
}

/* ===== Presentation form ================================================= */

static bool is_digit(uint8_t c)
{
	return c >= '0' && c <= '9';
}

/* Decode the escape whose backslash is at str[*i]: \DDD with exactly three
 * decimal digits (RFC 1035 §5.1) or \X for a literal X. */
static int read_escape(const char *str, size_t len, size_t *i, uint8_t *out)
{
	size_t p = *i + 1;
	if (p >= len) {
		return DZ_ESYNTAX;
	}
	uint8_t c = (uint8_t)str[p];
	if (!is_digit(c)) {
		*out = c;
		*i = p + 1;
		return DZ_OK;
	}
	if (len - p < 3) {
		return DZ_ESYNTAX;
	}
	unsigned v = 0;
	for (size_t k = p; k < p + 3; k++) {
		if (!is_digit((uint8_t)str[k])) {
			return DZ_ESYNTAX;
		}
		v = v * 10 + (unsigned)(str[k] - '0');
	}
	if (v > 255) {
		return DZ_ESYNTAX;
	}
	*out = (uint8_t)v;
	*i = p + 3;
	return DZ_OK;
}

/* Parse labels into buf (DZ_NAME_MAXLEN octets) without the root label.
 * Returns the octets written and whether the text ended in a dot. */
static int parse_labels(uint8_t *buf, const char *str, size_t len,
                        bool *absolute)
{
	size_t w = 0; /* length octet of the current label */
	size_t lablen = 0;
	size_t i = 0;
	*absolute = false;
	while (i < len) {
		uint8_t c = (uint8_t)str[i];
		if (c == '.') {
			if (lablen == 0) {
				/* empty label: "a..b", ".a" */
				return DZ_ESYNTAX;
			}
			buf[w] = (uint8_t)lablen;
			w += lablen + 1;
			lablen = 0;
			*absolute = (++i == len);
			continue;
		}
		if (c == '\\') {
			int ret = read_escape(str, len, &i, &c);
			if (ret != DZ_OK) {
				return ret;
			}
		} else {
			i++;
		}
		if (lablen == DZ_NAME_MAXLABEL) {
			return DZ_ELABEL;
		}
		/* This octet plus the root label must fit in 255. */
		if (w + 1 + lablen + 2 > DZ_NAME_MAXLEN) {
			return DZ_ENAMELEN;
		}
		buf[w + 1 + lablen++] = c;
	}
	if (lablen > 0) {
		buf[w] = (uint8_t)lablen;
		w += lablen + 1;
	}
	return (int)w;
}

int dz_name_from_str(uint8_t *dst, const char *str, size_t len,
                     const uint8_t *origin)
{
	uint8_t buf[DZ_NAME_MAXLEN];
	bool absolute;
	if (str == NULL || len == 0) {
		return DZ_ESYNTAX;
	}
	if (len == 1 && str[0] == '.') {
		dst[0] = 0;
		return 1;
	}
	int w = parse_labels(buf, str, len, &absolute);
	if (w < 0) {
		return w;
	}
	if (absolute) {
		buf[w] = 0;
		memcpy(dst, buf, (size_t)w + 1);
		return w + 1;
	}
	if (origin == NULL) {
		return DZ_ESYNTAX;
	}
	size_t olen = dz_name_len(origin);
	if ((size_t)w + olen > DZ_NAME_MAXLEN) {
		return DZ_ENAMELEN;
	}
	/* memmove: origin may be dst itself. */
	memmove(dst + w, origin, olen);
	memcpy(dst, buf, (size_t)w);
	return w + (int)olen;
}

/* RFC 1035 §5.1 specials plus "@" and "$", which zone files treat specially
 * at the start of a token. */
static bool needs_backslash(uint8_t c)
{
	switch (c) {
	case '.':
	case ';':
	case '(':
	case ')':
	case '"':
	case '\\':
	case '@':
	case '$':
		return true;
	default:
		return false;
	}
}

/* Append one label octet, escaped; false if it and the final NUL do not fit. */
static bool put_octet(char *dst, size_t dstlen, size_t *w, uint8_t c)
{
	size_t p = *w;
	if (c < 0x21 || c > 0x7e) {
		if (p + 4 >= dstlen) {
			return false;
		}
		dst[p] = '\\';
		dst[p + 1] = (char)('0' + c / 100);
		dst[p + 2] = (char)('0' + c / 10 % 10);
		dst[p + 3] = (char)('0' + c % 10);
		*w = p + 4;
	} else if (needs_backslash(c)) {
		if (p + 2 >= dstlen) {
			return false;
		}
		dst[p] = '\\';
		dst[p + 1] = (char)c;
		*w = p + 2;
	} else {
		if (p + 1 >= dstlen) {
			return false;
		}
		dst[p] = (char)c;
		*w = p + 1;
	}
	return true;
}

int dz_name_to_str(char *dst, size_t dstlen, const uint8_t *name)
{
	size_t w = 0;
	if (*name == 0) {
		if (dstlen < 2) {
			return DZ_ESPACE;
		}
		dst[0] = '.';
		dst[1] = '\0';
		return 1;
	}
	for (const uint8_t *p = name; *p != 0; p += *p + 1) {
		for (uint8_t i = 1; i <= *p; i++) {
			if (!put_octet(dst, dstlen, &w, p[i])) {
				return DZ_ESPACE;
			}
		}
		if (w + 1 >= dstlen) {
			return DZ_ESPACE;
		}
		dst[w++] = '.';
	}
	dst[w] = '\0';
	return (int)w;
}

/* ===== Wire form ========================================================= */

/* Follow the pointer at pkt[*p]. RFC 1035 §4.1.4 only says a pointer refers
 * to a prior occurrence; we require the target to lie strictly before the
 * start of the label sequence being read (*limit), which also makes every
 * loop impossible since *limit strictly decreases. */
static int follow_ptr(const uint8_t *pkt, size_t pktlen, size_t *p,
                      size_t *limit)
{
	if (pktlen - *p < 2) {
		return DZ_ETRUNC;
	}
	size_t target = ((size_t)(pkt[*p] & 0x3f) << 8) | pkt[*p + 1];
	if (target < MSG_HEADER_LEN || target >= *limit) {
		return DZ_EPTR;
	}
	*limit = target;
	*p = target;
	return DZ_OK;
}

int dz_name_from_wire(uint8_t *dst, const uint8_t *pkt, size_t pktlen,
                      size_t *pos)
{
	uint8_t buf[DZ_NAME_MAXLEN];
	size_t p = *pos, limit = *pos, end = 0, w = 0;
	unsigned ptrs = 0;
	for (;;) {
		if (p >= pktlen) {
			return DZ_ETRUNC;
		}
		uint8_t c = pkt[p];
		if ((c & LABEL_TYPE_MASK) == LABEL_TYPE_PTR) {
			if (ptrs++ == DZ_NAME_MAXLABELS) {
				return DZ_EPTR;
			}
			if (end == 0) {
				/* the name ends at its first pointer */
				end = p + 2;
			}
			int ret = follow_ptr(pkt, pktlen, &p, &limit);
			if (ret != DZ_OK) {
				return ret;
			}
			continue;
		}
		if ((c & LABEL_TYPE_MASK) != LABEL_TYPE_NORMAL) {
			return DZ_EMALF;
		}
		if (c == 0) {
			break;
		}
		if (pktlen - p < (size_t)c + 1) {
			return DZ_ETRUNC;
		}
		/* The label plus the root label must fit in 255. */
		if (w + c + 2 > DZ_NAME_MAXLEN) {
			return DZ_ENAMELEN;
		}
		memcpy(buf + w, pkt + p, (size_t)c + 1);
		w += (size_t)c + 1;
		p += (size_t)c + 1;
	}
	buf[w++] = 0;
	memcpy(dst, buf, w);
	*pos = end != 0 ? end : p + 1;
	return (int)w;
}

/* ===== Comparison ======================================================== */

bool dz_name_equal(const uint8_t *a, const uint8_t *b)
{
	for (;;) {
		uint8_t n = *a;
		if (n != *b) {
			return false;
		}
		if (n == 0) {
			return true;
		}
		for (uint8_t i = 1; i <= n; i++) {
			if (lower[a[i]] != lower[b[i]]) {
				return false;
			}
		}
		a += n + 1;
		b += n + 1;
	}
}

/* RFC 4034 §6.1: labels compare as lowercased unsigned octet strings, a
 * proper prefix sorting first. */
static int label_cmp(const uint8_t *a, const uint8_t *b)
{
	unsigned n = *a < *b ? *a : *b;
	for (unsigned i = 1; i <= n; i++) {
		int d = (int)lower[a[i]] - (int)lower[b[i]];
		if (d != 0) {
			return d;
		}
	}
	return (int)*a - (int)*b;
}

int dz_name_cmp(const uint8_t *a, const uint8_t *b)
{
	const uint8_t *la[DZ_NAME_MAXLABELS], *lb[DZ_NAME_MAXLABELS];
	unsigned na = label_starts(a, la);
	unsigned nb = label_starts(b, lb);
	/* RFC 4034 §6.1: compare from the root-most label; a name that runs
	 * out of labels first sorts first. */
	while (na > 0 && nb > 0) {
		int d = label_cmp(la[--na], lb[--nb]);
		if (d != 0) {
			return d;
		}
	}
	return (int)na - (int)nb;
}

bool dz_name_is_sub(const uint8_t *name, const uint8_t *parent)
{
	unsigned nl = dz_name_labels(name);
	unsigned pl = dz_name_labels(parent);
	if (nl < pl) {
		return false;
	}
	return dz_name_equal(dz_name_skip(name, nl - pl), parent);
}

bool dz_name_is_strict_sub(const uint8_t *name, const uint8_t *parent)
{
	unsigned nl = dz_name_labels(name);
	unsigned pl = dz_name_labels(parent);
	if (nl <= pl) {
		return false;
	}
	return dz_name_equal(dz_name_skip(name, nl - pl), parent);
}

/* ===== Keys and hashing ================================================== */

int dz_name_to_key(uint8_t *key, const uint8_t *name)
{
	const uint8_t *labels[DZ_NAME_MAXLABELS];
	unsigned n = label_starts(name, labels);
	uint8_t *k = key;
	while (n > 0) {
		const uint8_t *l = labels[--n];
		for (uint8_t i = 1; i <= *l; i++) {
			uint8_t c = l[i];
			/* 0x00 terminates a label in the key, so 0x00 and 0x01
			 * are escaped in an order-preserving way. */
			if (c > 0x01) {
				*k++ = lower[c];
			} else {
				*k++ = 0x01;
				*k++ = (uint8_t)(c + 1);
			}
		}
		*k++ = 0x00;
	}
	return (int)(k - key);
}

uint32_t dz_name_hash(const uint8_t *name)
{
	/* FNV-1a over the lowercased wire form (length octets are < 0x40 and
	 * unaffected by lower[]), then a murmur3 finalizer so that low bits
	 * are usable as bucket indices. */
	uint32_t h = 2166136261u;
	size_t len = dz_name_len(name);
	for (size_t i = 0; i < len; i++) {
		h ^= lower[name[i]];
		h *= 16777619u;
	}
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h;
}
