/* SPDX-License-Identifier: BSD-3-Clause */
/* SVCB/HTTPS SvcParams (RFC 9460 §2.2, Appendix A): wire check, text in and
 * out. */
#include "lib/wire/rdata_internal.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util/base64.h"
#include "lib/util/errcode.h"

enum {
	KEY_MANDATORY = 0,
	KEY_ALPN = 1,
	KEY_NO_DEFAULT_ALPN = 2,
	KEY_PORT = 3,
	KEY_IPV4HINT = 4,
	KEY_ECH = 5,
	KEY_IPV6HINT = 6,
	KEY_DOHPATH = 7, /* RFC 9461 */
	KEY_OHTTP = 8,   /* RFC 9540 */
	KEY_INVALID = 65535,
};

static const char *const key_names[] = {
        "mandatory", "alpn",     "no-default-alpn", "port",  "ipv4hint",
        "ech",       "ipv6hint", "dohpath",         "ohttp",
};

#define NKEYNAMES (sizeof(key_names) / sizeof(key_names[0]))

/* --- wire ----------------------------------------------------------------- */

static bool mandatory_ok(const uint8_t *v, size_t n)
{
	if (n == 0 || n % 2 != 0) {
		return false;
	}
	/* §8: sorted, unique, and never listing "mandatory" itself. */
	for (size_t i = 0; i < n; i += 2) {
		uint16_t k = dz__get16(v + i);
		if (k == KEY_MANDATORY ||
		    (i > 0 && k <= dz__get16(v + i - 2))) {
			return false;
		}
	}
	return true;
}

static bool alpn_ok(const uint8_t *v, size_t n)
{
	size_t i = 0;
	if (n == 0) {
		return false;
	}
	while (i < n) {
		if (v[i] == 0) {
			return false;
		}
		i += 1 + (size_t)v[i];
	}
	return i == n;
}

static bool value_ok(uint16_t key, const uint8_t *v, size_t n)
{
	switch (key) {
	case KEY_MANDATORY:
		return mandatory_ok(v, n);
	case KEY_ALPN:
		return alpn_ok(v, n);
	case KEY_NO_DEFAULT_ALPN:
	case KEY_OHTTP:
		return n == 0;
	case KEY_PORT:
		return n == 2;
	case KEY_IPV4HINT:
		return n > 0 && n % 4 == 0;
	case KEY_IPV6HINT:
		return n > 0 && n % 16 == 0;
	case KEY_ECH:
	case KEY_DOHPATH:
		/* Empty values have no presentation form; refuse them. */
		return n > 0;
	case KEY_INVALID:
		return false;
	default:
		return true;
	}
}

/* Whether \p key appears among the params in rd[0..len) (already checked). */
static bool has_key(const uint8_t *rd, size_t len, uint16_t key)
{
	for (size_t p = 0; p + 4 <= len;
	     p += 4 + (size_t)dz__get16(rd + p + 2)) {
		if (dz__get16(rd + p) == key) {
			return true;
		}
	}
	return false;
}

/* §8: every key listed in "mandatory" must be present (it is key 0, first). */
static bool mandatory_present(const uint8_t *rd, size_t len)
{
	if (len < 4 || dz__get16(rd) != KEY_MANDATORY) {
		return true;
	}
	size_t n = dz__get16(rd + 2);
	for (size_t i = 0; i < n; i += 2) {
		if (!has_key(rd, len, dz__get16(rd + 4 + i))) {
			return false;
		}
	}
	return true;
}

int dz__svcb_check(const uint8_t *rd, size_t len)
{
	size_t p = 0;
	int32_t last = -1;
	while (p < len) {
		if (len - p < 4) {
			return DZ_EMALF;
		}
		uint16_t key = dz__get16(rd + p);
		size_t n = dz__get16(rd + p + 2);
		/* §2.2: keys in strictly increasing order. */
		if ((int32_t)key <= last || len - p - 4 < n ||
		    !value_ok(key, rd + p + 4, n)) {
			return DZ_EMALF;
		}
		last = key;
		p += 4 + n;
	}
	return mandatory_present(rd, len) ? DZ_OK : DZ_EMALF;
}

/* --- text out ------------------------------------------------------------- */

static void put_key(dz__tbuf_t *b, uint16_t key)
{
	char tmp[16];
	if (key < NKEYNAMES) {
		dz__tbuf_puts(b, key_names[key], strlen(key_names[key]));
		return;
	}
	int k = snprintf(tmp, sizeof(tmp), "key%u", key);
	dz__tbuf_puts(b, tmp, (size_t)k);
}

/* Appendix A.1: items escaped for the list, then for the char-string. */
static void put_alpn(dz__tbuf_t *b, const uint8_t *v, size_t n)
{
	dz__tbuf_putc(b, '"');
	for (size_t i = 0; i < n; i += 1 + (size_t)v[i]) {
		if (i > 0) {
			dz__tbuf_putc(b, ',');
		}
		for (size_t k = 0; k < v[i]; k++) {
			uint8_t c = v[i + 1 + k];
			if (c == ',' || c == '\\') {
				dz__tbuf_puts(b, "\\\\", 2);
			}
			dz__tbuf_escaped(b, &c, 1, "\"");
		}
	}
	dz__tbuf_putc(b, '"');
}

static void put_addrs(dz__tbuf_t *b, int af, const uint8_t *v, size_t n)
{
	size_t w = af == AF_INET ? 4 : 16;
	for (size_t i = 0; i < n; i += w) {
		char tmp[INET6_ADDRSTRLEN];
		if (i > 0) {
			dz__tbuf_putc(b, ',');
		}
		inet_ntop(af, v + i, tmp, sizeof(tmp));
		dz__tbuf_puts(b, tmp, strlen(tmp));
	}
}

static void put_value(dz__tbuf_t *b, uint16_t key, const uint8_t *v, size_t n)
{
	char tmp[8];
	switch (key) {
	case KEY_MANDATORY:
		for (size_t i = 0; i < n; i += 2) {
			if (i > 0) {
				dz__tbuf_putc(b, ',');
			}
			put_key(b, dz__get16(v + i));
		}
		break;
	case KEY_ALPN:
		put_alpn(b, v, n);
		break;
	case KEY_PORT:
		dz__tbuf_puts(
		        b, tmp,
		        (size_t)snprintf(tmp, sizeof(tmp), "%u", dz__get16(v)));
		break;
	case KEY_IPV4HINT:
		put_addrs(b, AF_INET, v, n);
		break;
	case KEY_IPV6HINT:
		put_addrs(b, AF_INET6, v, n);
		break;
	case KEY_ECH:
		if (b->err == DZ_OK) {
			int k = dz_base64_encode(b->dst + b->len,
			                         b->cap - b->len, v, n);
			b->err = k < 0 ? DZ_ESPACE : DZ_OK;
			b->len += k < 0 ? 0 : (size_t)k;
		}
		break;
	default:
		dz__tbuf_putc(b, '"');
		dz__tbuf_escaped(b, v, n, "\"");
		dz__tbuf_putc(b, '"');
		break;
	}
}

void dz__svcb_to_str(dz__tbuf_t *b, const uint8_t *rd, size_t len)
{
	size_t p = 0;
	while (p + 4 <= len) {
		uint16_t key = dz__get16(rd + p);
		size_t n = dz__get16(rd + p + 2);
		if (p > 0) {
			dz__tbuf_putc(b, ' ');
		}
		put_key(b, key);
		if (n > 0) {
			dz__tbuf_putc(b, '=');
			put_value(b, key, rd + p + 4, n);
		}
		p += 4 + n;
	}
}

/* --- text in -------------------------------------------------------------- */

/* One parsed parameter: its wire form lives in the scratch buffer. */
typedef struct param {
	uint16_t key;
	size_t off; /* of the 4-octet header in scratch */
	size_t tok; /* token it came from */
} param_t;

typedef struct svcb_in {
	dz__wbuf_t scratch;
	param_t *params;
	size_t nparams;
	const char *msg;
} svcb_in_t;

static int fail(svcb_in_t *s, const char *msg)
{
	s->msg = msg;
	return DZ_ERDATA;
}

static int key_from_str(const char *str, size_t n, uint16_t *key)
{
	for (size_t i = 0; i < NKEYNAMES; i++) {
		if (strlen(key_names[i]) == n &&
		    memcmp(key_names[i], str, n) == 0) {
			*key = (uint16_t)i;
			return DZ_OK;
		}
	}
	const char *msg;
	uint64_t v;
	/* §2.1: "keyNNNNN", the number without leading zeros; 65535 is invalid.
	 */
	if (n < 4 || memcmp(str, "key", 3) != 0 || (n > 4 && str[3] == '0') ||
	    dz__text_number(str + 3, n - 3, UINT16_MAX - 1, &v, &msg) !=
	            DZ_OK) {
		return DZ_ERDATA;
	}
	*key = (uint16_t)v;
	return DZ_OK;
}

/* Split a comma-separated list (Appendix A.1: "\," and "\\" escape). */
static int next_item(const uint8_t *v, size_t n, size_t *pos, uint8_t *item,
                     size_t cap, size_t *ilen)
{
	size_t o = 0;
	size_t i = *pos;
	while (i < n && v[i] != ',') {
		uint8_t c = v[i++];
		if (c == '\\' && i < n) {
			c = v[i++];
		}
		if (o >= cap) {
			return DZ_ERDATA;
		}
		item[o++] = c;
	}
	*pos = i < n ? i + 1 : i;
	*ilen = o;
	return (i < n && i + 1 == n) ? DZ_ERDATA : DZ_OK; /* trailing comma */
}

static int value_alpn(svcb_in_t *s, const uint8_t *v, size_t n)
{
	size_t pos = 0;
	while (pos < n) {
		uint8_t item[256];
		size_t len;
		if (next_item(v, n, &pos, item + 1, 255, &len) != DZ_OK ||
		    len == 0) {
			return fail(s, "bad alpn value");
		}
		item[0] = (uint8_t)len;
		if (dz__wbuf_put(&s->scratch, item, len + 1) != DZ_OK) {
			return DZ_ESPACE;
		}
	}
	return DZ_OK;
}

static int value_addrs(svcb_in_t *s, int af, const uint8_t *v, size_t n)
{
	size_t pos = 0;
	while (pos < n) {
		char item[INET6_ADDRSTRLEN + 1];
		uint8_t addr[16];
		size_t len;
		if (next_item(v, n, &pos, (uint8_t *)item, INET6_ADDRSTRLEN,
		              &len) != DZ_OK) {
			return fail(s, "bad address hint");
		}
		item[len] = '\0';
		if (inet_pton(af, item, addr) != 1) {
			return fail(s, af == AF_INET ? "bad IPv4 address"
			                             : "bad IPv6 address");
		}
		if (dz__wbuf_put(&s->scratch, addr, af == AF_INET ? 4 : 16) !=
		    DZ_OK) {
			return DZ_ESPACE;
		}
	}
	return DZ_OK;
}

static int cmp_u16(const void *a, const void *b)
{
	return (int)dz__get16(a) - (int)dz__get16(b);
}

static int value_mandatory(svcb_in_t *s, const uint8_t *v, size_t n)
{
	size_t pos = 0;
	size_t start = s->scratch.len;
	while (pos < n) {
		char item[16];
		size_t len;
		uint16_t key;
		if (next_item(v, n, &pos, (uint8_t *)item, sizeof(item),
		              &len) != DZ_OK ||
		    key_from_str(item, len, &key) != DZ_OK) {
			return fail(s, "bad mandatory key");
		}
		if (key == KEY_MANDATORY) {
			return fail(s, "mandatory lists itself");
		}
		if (dz__wbuf_u16(&s->scratch, key) != DZ_OK) {
			return DZ_ESPACE;
		}
	}
	size_t cnt = (s->scratch.len - start) / 2;
	uint8_t *keys = s->scratch.dst + start;
	qsort(keys, cnt, 2, cmp_u16);
	for (size_t i = 1; i < cnt; i++) {
		if (dz__get16(keys + 2 * i) == dz__get16(keys + 2 * i - 2)) {
			return fail(s, "duplicate mandatory key");
		}
	}
	return DZ_OK;
}

static int value_number(svcb_in_t *s, const uint8_t *v, size_t n)
{
	uint64_t port;
	const char *msg;
	if (dz__text_number((const char *)v, n, UINT16_MAX, &port, &msg) !=
	    DZ_OK) {
		return fail(s, msg);
	}
	return dz__wbuf_u16(&s->scratch, (uint16_t)port);
}

static int value_ech(svcb_in_t *s, const uint8_t *v, size_t n)
{
	int k = dz_base64_decode(s->scratch.dst + s->scratch.len,
	                         s->scratch.cap - s->scratch.len,
	                         (const char *)v, n);
	if (k < 0) {
		return k == DZ_ESPACE ? k : fail(s, "bad base64");
	}
	s->scratch.len += (size_t)k;
	return DZ_OK;
}

/* Convert a decoded char-string value to the key's wire value. */
static int encode_value(svcb_in_t *s, uint16_t key, bool has, const uint8_t *v,
                        size_t n)
{
	bool need = key == KEY_MANDATORY || key == KEY_ALPN ||
	            key == KEY_PORT || key == KEY_IPV4HINT ||
	            key == KEY_IPV6HINT || key == KEY_ECH || key == KEY_DOHPATH;
	if (need && (!has || n == 0)) {
		return fail(s, "missing value");
	}
	if ((key == KEY_NO_DEFAULT_ALPN || key == KEY_OHTTP) && n > 0) {
		return fail(s, "value not allowed");
	}
	switch (key) {
	case KEY_MANDATORY:
		return value_mandatory(s, v, n);
	case KEY_ALPN:
		return value_alpn(s, v, n);
	case KEY_PORT:
		return value_number(s, v, n);
	case KEY_IPV4HINT:
		return value_addrs(s, AF_INET, v, n);
	case KEY_IPV6HINT:
		return value_addrs(s, AF_INET6, v, n);
	case KEY_ECH:
		return value_ech(s, v, n);
	default:
		return dz__wbuf_put(&s->scratch, v, n);
	}
}

/* One "key[=value]" as text: the value may be quoted. */
typedef struct param_text {
	const char *key;
	size_t klen;
	const char *val; /* NULL: no "=" */
	size_t vlen;
} param_text_t;

/*
 * Split tok[*i] into key and value. A scanner may hand over key="a b" as
 * `key=` followed by a quoted token; take that token as the value.
 */
static param_text_t split_param(const dz_token_t *tok, size_t ntok, size_t *i)
{
	const dz_token_t *t = &tok[*i];
	const char *eq = memchr(t->str, '=', t->len);
	param_text_t p = {.key = t->str, .klen = t->len};
	if (eq == NULL) {
		return p;
	}
	p.klen = (size_t)(eq - t->str);
	p.val = eq + 1;
	p.vlen = t->len - p.klen - 1;
	if (p.vlen == 0 && *i + 1 < ntok && tok[*i + 1].quoted) {
		(*i)++;
		p.val = tok[*i].str;
		p.vlen = tok[*i].len;
	} else if (p.vlen >= 2 && p.val[0] == '"' && p.val[p.vlen - 1] == '"') {
		p.val++;
		p.vlen -= 2;
	}
	return p;
}

/* Parse one parameter into the scratch buffer. */
static int parse_param(svcb_in_t *s, const param_text_t *t, uint8_t *vbuf)
{
	uint16_t key;
	if (key_from_str(t->key, t->klen, &key) != DZ_OK) {
		return fail(s, "unknown SvcParamKey");
	}
	const char *val = t->val != NULL ? t->val : "";
	size_t vlen = t->vlen;
	int n = dz__text_unescape(vbuf, DZ_RDATA_MAXLEN, val, vlen);
	if (n < 0) {
		return fail(s, "bad escape");
	}
	size_t hdr = s->scratch.len;
	if (dz__wbuf_u16(&s->scratch, key) != DZ_OK ||
	    dz__wbuf_u16(&s->scratch, 0) != DZ_OK) {
		return DZ_ESPACE;
	}
	int ret = encode_value(s, key, t->val != NULL, vbuf, (size_t)n);
	if (ret != DZ_OK) {
		return ret;
	}
	size_t vl = s->scratch.len - hdr - 4;
	if (vl > UINT16_MAX) {
		return DZ_ESPACE;
	}
	s->scratch.dst[hdr + 2] = (uint8_t)(vl >> 8);
	s->scratch.dst[hdr + 3] = (uint8_t)vl;
	s->params[s->nparams++] = (param_t){.key = key, .off = hdr};
	return DZ_OK;
}

static int cmp_param(const void *a, const void *b)
{
	const param_t *x = a;
	const param_t *y = b;
	return (int)x->key - (int)y->key;
}

static const param_t *find_param(const svcb_in_t *s, uint16_t key)
{
	for (size_t i = 0; i < s->nparams; i++) {
		if (s->params[i].key == key) {
			return &s->params[i];
		}
	}
	return NULL;
}

/* §2.2 and §8: keys unique; every mandatory key present. */
static int check_params(svcb_in_t *s, size_t *bad)
{
	qsort(s->params, s->nparams, sizeof(param_t), cmp_param);
	for (size_t i = 1; i < s->nparams; i++) {
		if (s->params[i].key == s->params[i - 1].key) {
			*bad = s->params[i].tok > s->params[i - 1].tok
			               ? s->params[i].tok
			               : s->params[i - 1].tok;
			return fail(s, "duplicate SvcParamKey");
		}
	}
	const param_t *m = find_param(s, KEY_MANDATORY);
	if (m == NULL) {
		return DZ_OK;
	}
	const uint8_t *v = s->scratch.dst + m->off;
	for (size_t i = 0; i < dz__get16(v + 2); i += 2) {
		if (find_param(s, dz__get16(v + 4 + i)) == NULL) {
			*bad = m->tok;
			return fail(s, "mandatory key missing");
		}
	}
	return DZ_OK;
}

static int emit_params(const svcb_in_t *s, dz__wbuf_t *w)
{
	for (size_t i = 0; i < s->nparams; i++) {
		const uint8_t *p = s->scratch.dst + s->params[i].off;
		int ret = dz__wbuf_put(w, p, 4 + (size_t)dz__get16(p + 2));
		if (ret != DZ_OK) {
			return ret;
		}
	}
	return DZ_OK;
}

static int parse_all(svcb_in_t *s, const dz_token_t *tok, size_t ntok,
                     dz__wbuf_t *w, size_t *bad)
{
	uint8_t *vbuf = malloc(DZ_RDATA_MAXLEN);
	if (vbuf == NULL) {
		return DZ_ENOMEM;
	}
	int ret = DZ_OK;
	for (size_t i = 0; i < ntok && ret == DZ_OK; i++) {
		*bad = i;
		param_text_t t = split_param(tok, ntok, &i);
		ret = parse_param(s, &t, vbuf);
		if (ret == DZ_OK) {
			s->params[s->nparams - 1].tok = *bad;
		}
	}
	free(vbuf);
	if (ret == DZ_OK) {
		ret = check_params(s, bad);
	}
	return ret == DZ_OK ? emit_params(s, w) : ret;
}

int dz__svcb_from_tokens(const dz_token_t *tok, size_t ntok, dz__wbuf_t *w,
                         size_t *bad, const char **msg)
{
	svcb_in_t s = {.scratch = {.cap = DZ_RDATA_MAXLEN}};
	s.scratch.dst = malloc(DZ_RDATA_MAXLEN);
	s.params = calloc(ntok + 1, sizeof(param_t));
	int ret = DZ_ENOMEM;
	if (s.scratch.dst != NULL && s.params != NULL) {
		ret = parse_all(&s, tok, ntok, w, bad);
	}
	free(s.scratch.dst);
	free(s.params);
	*msg = s.msg != NULL ? s.msg : "rdata too long";
	return ret;
}
