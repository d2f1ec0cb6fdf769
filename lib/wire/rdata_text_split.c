/* SPDX-License-Identifier: BSD-3-Clause */
/* dz_rdata_from_str: split one line of rdata text into tokens like the
 * zone-file scanner. */
#include "lib/wire/rdata_internal.h"

#include <stdlib.h>

#include "lib/util/errcode.h"

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Scan a quoted token starting after its opening quote. */
static int scan_quoted(const char *s, size_t *i, dz_token_t *t)
{
	size_t start = *i;
	while (s[*i] != '\0' && s[*i] != '"') {
		if (s[*i] == '\\' && s[*i + 1] != '\0') {
			(*i)++;
		}
		(*i)++;
	}
	if (s[*i] != '"') {
		return DZ_ESYNTAX;
	}
	*t = (dz_token_t){.str = s + start, .len = *i - start, .quoted = true};
	(*i)++;
	return DZ_OK;
}

/*
 * An unquoted token ends at whitespace, a parenthesis or ';'. Quotes inside
 * it (SVCB's alpn="h2 h3") keep spaces in and stay part of the token.
 */
static int scan_plain(const char *s, size_t *i, dz_token_t *t)
{
	size_t start = *i;
	bool inq = false;
	while (s[*i] != '\0') {
		char c = s[*i];
		if (!inq && (is_space(c) || c == '(' || c == ')' || c == ';')) {
			break;
		}
		if (c == '\\' && s[*i + 1] != '\0') {
			(*i)++;
		} else if (c == '"') {
			inq = !inq;
		}
		(*i)++;
	}
	if (inq) {
		return DZ_ESYNTAX;
	}
	*t = (dz_token_t){.str = s + start, .len = *i - start, .quoted = false};
	return DZ_OK;
}

/* Tokenise into tok (NULL: just count). Returns the count or DZ_ESYNTAX. */
static long split(const char *s, dz_token_t *tok)
{
	size_t i = 0;
	long n = 0;
	int depth = 0;
	for (;;) {
		while (is_space(s[i])) {
			i++;
		}
		char c = s[i];
		if (c == '\0' || c == ';') {
			break;
		}
		if (c == '(' || c == ')') {
			depth += c == '(' ? 1 : -1;
			if (depth < 0) {
				return DZ_ESYNTAX;
			}
			i++;
			continue;
		}
		dz_token_t t;
		int ret = c == '"' ? (i++, scan_quoted(s, &i, &t))
		                   : scan_plain(s, &i, &t);
		if (ret != DZ_OK) {
			return ret;
		}
		if (tok != NULL) {
			tok[n] = t;
		}
		n++;
	}
	return depth == 0 ? n : DZ_ESYNTAX;
}

int dz_rdata_from_str(uint16_t type, const char *text, const uint8_t *origin,
                      uint8_t *out, size_t outcap, dz_rdata_diag_t *diag)
{
	long n = split(text, NULL);
	if (n < 0) {
		if (diag != NULL) {
			diag->token = 0;
			diag->msg = "unbalanced quotes or parentheses";
		}
		return (int)n;
	}
	dz_token_t *tok = calloc((size_t)n + 1, sizeof(*tok));
	if (tok == NULL) {
		return DZ_ENOMEM;
	}
	(void)split(text, tok); /* same input, same result as the count pass */
	int ret = dz_rdata_from_tokens(type, tok, (size_t)n, origin, out,
	                               outcap, diag);
	free(tok);
	return ret;
}
