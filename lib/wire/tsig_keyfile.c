/* SPDX-License-Identifier: BSD-3-Clause */
/* BIND-style TSIG key file parser: a small tokenizer and a recursive-descent reader. */
#include "lib/wire/tsig_keyfile.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "lib/util/errcode.h"
#include "lib/wire/tsig_internal.h"

static const char *const why_str[] = {
        [DZ_TSIG_KEYFILE_OK] = "ok",
        [DZ_TSIG_KEYFILE_BAD_CHAR] = "invalid character",
        [DZ_TSIG_KEYFILE_UNTERM_STRING] = "unterminated string",
        [DZ_TSIG_KEYFILE_UNTERM_COMMENT] = "unterminated comment",
        [DZ_TSIG_KEYFILE_UNEXPECTED_EOF] = "unexpected end of file",
        [DZ_TSIG_KEYFILE_UNKNOWN_STATEMENT] = "expected 'key'",
        [DZ_TSIG_KEYFILE_EXPECTED_NAME] = "expected a key name",
        [DZ_TSIG_KEYFILE_EXPECTED_LBRACE] = "expected '{'",
        [DZ_TSIG_KEYFILE_EXPECTED_SEMI] = "expected ';'",
        [DZ_TSIG_KEYFILE_EXPECTED_VALUE] = "expected a value",
        [DZ_TSIG_KEYFILE_UNKNOWN_CLAUSE] = "unknown clause",
        [DZ_TSIG_KEYFILE_DUP_CLAUSE] = "clause given twice",
        [DZ_TSIG_KEYFILE_BAD_NAME] = "invalid key name",
        [DZ_TSIG_KEYFILE_BAD_ALGORITHM] = "unsupported algorithm",
        [DZ_TSIG_KEYFILE_BAD_SECRET] = "invalid secret",
        [DZ_TSIG_KEYFILE_MISSING_ALGORITHM] = "key has no algorithm",
        [DZ_TSIG_KEYFILE_MISSING_SECRET] = "key has no secret",
        [DZ_TSIG_KEYFILE_DUP_KEY] = "duplicate key name",
        [DZ_TSIG_KEYFILE_TOO_MANY_KEYS] = "too many keys",
};

const char *dz_tsig_keyfile_why_str(dz_tsig_keyfile_why_t why)
{
	if ((size_t)why >= sizeof(why_str) / sizeof(why_str[0])) {
		return "unknown";
	}
	return why_str[why];
}

/* --- tokenizer ------------------------------------------------------------ */

typedef enum tok_type {
	T_EOF,
	T_WORD,
	T_STRING,
	T_LBRACE,
	T_RBRACE,
	T_SEMI,
	T_ERROR,
} tok_type_t;

typedef struct token {
	tok_type_t type;
	const char *s; /* text (a string without its quotes) */
	size_t len;
	unsigned line, col;
} token_t;

typedef struct parser {
	const char *p, *end;
	unsigned line, col;
	dz_tsig_keyfile_diag_t diag;
} parser_t;

static void advance(parser_t *ps)
{
	if (*ps->p == '\n') {
		ps->line++;
		ps->col = 1;
	} else {
		ps->col++;
	}
	ps->p++;
}

static bool at(const parser_t *ps, const char *s)
{
	size_t n = strlen(s);
	return (size_t)(ps->end - ps->p) >= n && memcmp(ps->p, s, n) == 0;
}

static int set_error(parser_t *ps, unsigned line, unsigned col,
                     dz_tsig_keyfile_why_t why)
{
	ps->diag.line = line;
	ps->diag.col = col;
	ps->diag.why = why;
	return why == DZ_TSIG_KEYFILE_TOO_MANY_KEYS ? DZ_ELIMIT : DZ_ESYNTAX;
}

/* Skip blanks and comments; a C comment must close. */
static int skip_blank(parser_t *ps)
{
	while (ps->p < ps->end) {
		char c = *ps->p;
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			advance(ps);
		} else if (c == '#' || at(ps, "//")) {
			while (ps->p < ps->end && *ps->p != '\n') {
				advance(ps);
			}
		} else if (at(ps, "/*")) {
			unsigned line = ps->line, col = ps->col;
			advance(ps);
			advance(ps);
			while (ps->p < ps->end && !at(ps, "*/")) {
				advance(ps);
			}
			if (ps->p == ps->end) {
				return set_error(ps, line, col,
				                 DZ_TSIG_KEYFILE_UNTERM_COMMENT);
			}
			advance(ps);
			advance(ps);
		} else {
			break;
		}
	}
	return DZ_OK;
}

static bool is_word_char(const parser_t *ps)
{
	unsigned char c = (unsigned char)*ps->p;
	return c > ' ' && c != 0x7f && c != '{' && c != '}' && c != ';' &&
	       c != '"' && c != '#' && !at(ps, "//") && !at(ps, "/*");
}

/* A quoted string; a backslash keeps the next character (\" inside). */
static void lex_string(parser_t *ps, token_t *t)
{
	advance(ps);
	t->s = ps->p;
	while (ps->p < ps->end && *ps->p != '"') {
		if (*ps->p == '\\' && ps->end - ps->p > 1) {
			advance(ps);
		}
		advance(ps);
	}
	if (ps->p == ps->end) {
		t->type = T_ERROR;
		set_error(ps, t->line, t->col, DZ_TSIG_KEYFILE_UNTERM_STRING);
		return;
	}
	t->type = T_STRING;
	t->len = (size_t)(ps->p - t->s);
	advance(ps);
}

static void lex(parser_t *ps, token_t *t)
{
	memset(t, 0, sizeof(*t));
	if (skip_blank(ps) != DZ_OK) {
		t->type = T_ERROR;
		return;
	}
	t->line = ps->line;
	t->col = ps->col;
	if (ps->p == ps->end) {
		t->type = T_EOF;
		return;
	}
	char c = *ps->p;
	if (c == '{' || c == '}' || c == ';') {
		t->type = c == '{' ? T_LBRACE : c == '}' ? T_RBRACE : T_SEMI;
		advance(ps);
	} else if (c == '"') {
		lex_string(ps, t);
	} else if (is_word_char(ps)) {
		t->type = T_WORD;
		t->s = ps->p;
		while (ps->p < ps->end && is_word_char(ps)) {
			advance(ps);
		}
		t->len = (size_t)(ps->p - t->s);
	} else {
		t->type = T_ERROR;
		set_error(ps, t->line, t->col, DZ_TSIG_KEYFILE_BAD_CHAR);
	}
}

/* --- grammar -------------------------------------------------------------- */

/* Read a token of the wanted type, or report \p why at it (the lexer's own
 * error, or end of file, wins over \p why). */
static int expect(parser_t *ps, token_t *t, tok_type_t a, tok_type_t b,
                  dz_tsig_keyfile_why_t why)
{
	lex(ps, t);
	if (t->type == T_ERROR) {
		return DZ_ESYNTAX;
	}
	if (t->type == a || t->type == b) {
		return DZ_OK;
	}
	if (t->type == T_EOF) {
		why = DZ_TSIG_KEYFILE_UNEXPECTED_EOF;
	}
	return set_error(ps, t->line, t->col, why);
}

static bool tok_is(const token_t *t, const char *word)
{
	return t->type == T_WORD && strlen(word) == t->len &&
	       strncasecmp(t->s, word, t->len) == 0;
}

typedef struct key_state {
	dz_tsig_key_t *key;
	bool has_alg, has_secret;
} key_state_t;

static int set_value(parser_t *ps, key_state_t *ks, bool is_alg,
                     const token_t *v)
{
	dz_tsig_key_t *k = ks->key;
	if (is_alg) {
		if (dz_tsig_alg_from_str(v->s, v->len, &k->alg) != DZ_OK) {
			return set_error(ps, v->line, v->col,
			                 DZ_TSIG_KEYFILE_BAD_ALGORITHM);
		}
		ks->has_alg = true;
		return DZ_OK;
	}
	if (dz__tsig_secret_decode(v->s, v->len, k->secret, &k->secret_len) !=
	    DZ_OK) {
		return set_error(ps, v->line, v->col,
		                 DZ_TSIG_KEYFILE_BAD_SECRET);
	}
	ks->has_secret = true;
	return DZ_OK;
}

/* algorithm <name>; | secret <base64>; */
static int parse_clause(parser_t *ps, key_state_t *ks, const token_t *kw)
{
	token_t v, semi;
	bool is_alg = tok_is(kw, "algorithm");
	if (!is_alg && !tok_is(kw, "secret")) {
		return set_error(ps, kw->line, kw->col,
		                 DZ_TSIG_KEYFILE_UNKNOWN_CLAUSE);
	}
	if (is_alg ? ks->has_alg : ks->has_secret) {
		return set_error(ps, kw->line, kw->col,
		                 DZ_TSIG_KEYFILE_DUP_CLAUSE);
	}
	int ret = expect(ps, &v, T_WORD, T_STRING,
	                 DZ_TSIG_KEYFILE_EXPECTED_VALUE);
	if (ret == DZ_OK) {
		ret = set_value(ps, ks, is_alg, &v);
	}
	if (ret == DZ_OK) {
		ret = expect(ps, &semi, T_SEMI, T_SEMI,
		             DZ_TSIG_KEYFILE_EXPECTED_SEMI);
	}
	return ret;
}

static int parse_name(parser_t *ps, dz_tsig_key_t *key)
{
	static const uint8_t root[1] = {0};
	token_t t;
	int ret = expect(ps, &t, T_WORD, T_STRING,
	                 DZ_TSIG_KEYFILE_EXPECTED_NAME);
	if (ret != DZ_OK) {
		return ret;
	}
	if (t.len == 0 || dz_name_from_str(key->name, t.s, t.len, root) < 0) {
		return set_error(ps, t.line, t.col, DZ_TSIG_KEYFILE_BAD_NAME);
	}
	dz_name_to_lower(key->name);
	return DZ_OK;
}

/* key <name> { clauses } ; -- \p kw is the "key" token. */
static int parse_key(parser_t *ps, dz_tsig_key_t *key, const token_t *kw)
{
	key_state_t ks = {.key = key};
	token_t t;

	memset(key, 0, sizeof(*key));
	int ret = parse_name(ps, key);
	if (ret == DZ_OK) {
		ret = expect(ps, &t, T_LBRACE, T_LBRACE,
		             DZ_TSIG_KEYFILE_EXPECTED_LBRACE);
	}
	while (ret == DZ_OK) {
		ret = expect(ps, &t, T_WORD, T_RBRACE,
		             DZ_TSIG_KEYFILE_UNKNOWN_CLAUSE);
		if (ret != DZ_OK || t.type == T_RBRACE) {
			break;
		}
		ret = parse_clause(ps, &ks, &t);
	}
	if (ret != DZ_OK) {
		return ret;
	}
	if (!ks.has_alg || !ks.has_secret) {
		return set_error(ps, kw->line, kw->col,
		                 !ks.has_alg ? DZ_TSIG_KEYFILE_MISSING_ALGORITHM
		                             : DZ_TSIG_KEYFILE_MISSING_SECRET);
	}
	return expect(ps, &t, T_SEMI, T_SEMI, DZ_TSIG_KEYFILE_EXPECTED_SEMI);
}

static bool name_taken(const dz_tsig_key_t *keys, size_t n,
                       const uint8_t *name)
{
	for (size_t i = 0; i < n; i++) {
		if (dz_name_equal(keys[i].name, name)) {
			return true;
		}
	}
	return false;
}

static int parse_file(parser_t *ps, dz_tsig_key_t *keys, size_t cap,
                      size_t *count)
{
	dz_tsig_key_t key;
	token_t t;
	size_t n = 0;

	for (;;) {
		lex(ps, &t);
		if (t.type == T_EOF) {
			break;
		}
		if (t.type == T_ERROR) {
			return DZ_ESYNTAX;
		}
		if (!tok_is(&t, "key")) {
			return set_error(ps, t.line, t.col,
			                 DZ_TSIG_KEYFILE_UNKNOWN_STATEMENT);
		}
		int ret = parse_key(ps, &key, &t);
		if (ret != DZ_OK) {
			return ret;
		}
		dz_tsig_keyfile_why_t why =
		        name_taken(keys, n, key.name) ? DZ_TSIG_KEYFILE_DUP_KEY
		        : n == cap ? DZ_TSIG_KEYFILE_TOO_MANY_KEYS
		                   : DZ_TSIG_KEYFILE_OK;
		if (why != DZ_TSIG_KEYFILE_OK) {
			return set_error(ps, t.line, t.col, why);
		}
		keys[n++] = key;
	}
	*count = n;
	return DZ_OK;
}

int dz_tsig_keyfile_parse(const char *text, size_t len, dz_tsig_key_t *keys,
                          size_t cap, size_t *count,
                          dz_tsig_keyfile_diag_t *diag)
{
	if ((text == NULL && len != 0) || (keys == NULL && cap != 0) ||
	    count == NULL) {
		return DZ_EINVAL;
	}
	parser_t ps = {.p = text, .end = text + len, .line = 1, .col = 1};
	int ret = parse_file(&ps, keys, cap, count);
	if (ret != DZ_OK && diag != NULL) {
		*diag = ps.diag;
	}
	return ret;
}
