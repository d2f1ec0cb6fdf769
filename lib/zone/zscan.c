/* SPDX-License-Identifier: BSD-3-Clause */
/* Zone-file tokenizer: a byte loop over the whole buffer, tokens point into it. */
#include "lib/zone/zscan.h"

#include <stdlib.h>
#include <string.h>

#include "lib/util/errcode.h"

enum {
	C_TOK = 0, /* part of a token */
	C_BLANK,   /* space, tab, CR (so CRLF files read like LF files) */
	C_NL,
	C_SEMI,
	C_LPAREN,
	C_RPAREN,
	C_QUOTE,
	C_ESC,
};

/* RFC 1035 §5.1: blanks separate, ";" starts a comment, "(" ")" group lines,
 * '"' quotes; like BIND, each of them also ends a token it touches. */
static const uint8_t cls[256] = {
	[' '] = C_BLANK, ['\t'] = C_BLANK, ['\r'] = C_BLANK,
	['\n'] = C_NL,   [';'] = C_SEMI,   ['('] = C_LPAREN,
	[')'] = C_RPAREN, ['"'] = C_QUOTE, ['\\'] = C_ESC,
};

void dz__zscan_init(dz__zscan_t *s, const char *buf, size_t len)
{
	/* An empty input may come as NULL; NULL + 0 is undefined in C. */
	if (buf == NULL) {
		buf = "";
		len = 0;
	}
	s->p = buf;
	s->end = buf + len;
	s->line_start = buf;
	s->line = 1;
}

void dz__zentry_clear(dz__zentry_t *e)
{
	free(e->tok);
	free(e->pos);
	memset(e, 0, sizeof(*e));
}

static dz__zpos_t pos_at(const dz__zscan_t *s, const char *p)
{
	dz__zpos_t pos = {s->line, (unsigned)(p - s->line_start) + 1};
	return pos;
}

static int fail(dz__zscan_err_t *err, dz__zpos_t pos, int code,
                const char *msg)
{
	err->pos = pos;
	err->code = code;
	err->msg = msg;
	return code;
}

static int grow(dz__zentry_t *e)
{
	size_t cap = e->cap == 0 ? 64 : e->cap * 2;
	dz_token_t *tok = realloc(e->tok, cap * sizeof(*tok));
	if (tok == NULL) {
		return DZ_ENOMEM;
	}
	e->tok = tok;
	dz__zpos_t *pos = realloc(e->pos, cap * sizeof(*pos));
	if (pos == NULL) {
		return DZ_ENOMEM;
	}
	e->pos = pos;
	e->cap = cap;
	return DZ_OK;
}

static int push(dz__zscan_t *s, dz__zentry_t *e, const char *str, size_t len,
                bool quoted, dz__zscan_err_t *err)
{
	dz__zpos_t pos = pos_at(s, quoted ? str - 1 : str);
	if (e->ntok == e->cap) {
		if (e->cap >= DZ__ZSCAN_MAXTOK) {
			return fail(err, pos, DZ_ELIMIT, "too many tokens in entry");
		}
		if (grow(e) != DZ_OK) {
			return fail(err, pos, DZ_ENOMEM, "out of memory");
		}
	}
	e->tok[e->ntok].str = str;
	e->tok[e->ntok].len = len;
	e->tok[e->ntok].quoted = quoted;
	e->pos[e->ntok] = pos;
	e->ntok++;
	const char *after = str + len + (quoted ? 1 : 0);
	e->end_pos = pos_at(s, after);
	return DZ_OK;
}

/*
 * An escape at p ("\X" or "\DDD", RFC 1035 §5.1); returns its length, or 0
 * if it is malformed: "\" at the end or before a line end, or a \DDD that
 * is not three digits of value <= 255.
 */
static size_t escape_len(const char *p, const char *end)
{
	if (end - p < 2 || p[1] == '\n') {
		return 0;
	}
	if (p[1] < '0' || p[1] > '9') {
		return 2;
	}
	if (end - p < 4) {
		return 0;
	}
	unsigned v = 0;
	for (int i = 1; i <= 3; i++) {
		if (p[i] < '0' || p[i] > '9') {
			return 0;
		}
		v = v * 10 + (unsigned)(p[i] - '0');
	}
	return v <= 255 ? 4 : 0;
}

/* A token up to the next special character; *pp is at its first octet. */
static int scan_plain(dz__zscan_t *s, dz__zentry_t *e, const char **pp,
                      dz__zscan_err_t *err)
{
	const char *start = *pp, *p = *pp, *end = s->end;
	for (;;) {
		while (p < end && cls[(uint8_t)*p] == C_TOK) {
			p++;
		}
		if (p == end || *p != '\\') {
			break;
		}
		size_t n = escape_len(p, end);
		if (n == 0) {
			return fail(err, pos_at(s, p), DZ_ESYNTAX,
			            "bad escape sequence");
		}
		p += n;
	}
	*pp = p;
	return push(s, e, start, (size_t)(p - start), false, err);
}

/* A quoted string; *pp is at the opening quote. It may not span lines. */
static int scan_quoted(dz__zscan_t *s, dz__zentry_t *e, const char **pp,
                       dz__zscan_err_t *err)
{
	const char *open = *pp, *p = *pp + 1, *end = s->end;
	while (p < end && *p != '"') {
		if (*p == '\n') {
			break;
		}
		if (*p == '\\') {
			size_t n = escape_len(p, end);
			if (n == 0) {
				if (end - p < 2 || p[1] == '\n') {
					break;
				}
				return fail(err, pos_at(s, p), DZ_ESYNTAX,
				            "bad escape sequence");
			}
			p += n;
			continue;
		}
		p++;
	}
	if (p == end || *p != '"') {
		return fail(err, pos_at(s, open), DZ_ESYNTAX,
		            "unterminated quoted string");
	}
	*pp = p + 1;
	return push(s, e, open + 1, (size_t)(p - open - 1), true, err);
}

/* End of buffer: an entry may end without a newline, but not inside "(". */
static int at_end(dz__zentry_t *e, unsigned depth, dz__zpos_t paren,
                  dz__zscan_err_t *err)
{
	if (depth > 0) {
		return fail(err, paren, DZ_ESYNTAX,
		            "unbalanced parentheses: '(' not closed");
	}
	return e->ntok > 0 ? 1 : 0;
}

int dz__zscan_next(dz__zscan_t *s, dz__zentry_t *e, dz__zscan_err_t *err)
{
	const char *p = s->p, *end = s->end;
	unsigned depth = 0;
	dz__zpos_t paren = {0, 0};
	int ret;
	e->ntok = 0;
	for (;;) {
		if (p == end) {
			s->p = p;
			return at_end(e, depth, paren, err);
		}
		switch (cls[(uint8_t)*p]) {
		case C_BLANK:
			p++;
			break;
		case C_NL:
			p++;
			s->line++;
			s->line_start = p;
			if (depth == 0 && e->ntok > 0) {
				s->p = p;
				return 1;
			}
			break;
		case C_SEMI: {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			p = nl != NULL ? nl : end;
			break;
		}
		case C_LPAREN:
			if (depth++ == 0) {
				paren = pos_at(s, p);
			}
			p++;
			break;
		case C_RPAREN:
			if (depth == 0) {
				return fail(err, pos_at(s, p), DZ_ESYNTAX,
				            "unbalanced parentheses: ')' without '('");
			}
			depth--;
			p++;
			break;
		case C_QUOTE:
			ret = scan_quoted(s, e, &p, err);
			if (ret != DZ_OK) {
				return ret;
			}
			break;
		default:
			ret = scan_plain(s, e, &p, err);
			if (ret != DZ_OK) {
				return ret;
			}
			break;
		}
	}
}

bool dz__ztok_is_absolute(const char *s, size_t len)
{
	if (len == 0 || s[len - 1] != '.') {
		return false;
	}
	/* The final dot counts only if it is not escaped: walk the token so
	 * "\\." (escaped backslash, then dot) and "\046" are told apart. */
	size_t i = 0;
	bool last_dot = false;
	while (i < len) {
		if (s[i] == '\\') {
			last_dot = false;
			i += (i + 1 < len && s[i + 1] >= '0' && s[i + 1] <= '9') ? 4
			                                                         : 2;
			continue;
		}
		last_dot = s[i] == '.';
		i++;
	}
	return last_dot;
}
