/* SPDX-License-Identifier: BSD-3-Clause */
/* BIND-style TSIG key files: `key "name" { algorithm hmac-sha256; secret "..."; };`. */
#pragma once

#include <stddef.h>

#include "lib/util/api.h"
#include "lib/wire/tsig.h"

/*! Why a key file was rejected (dz_tsig_keyfile_diag_t.why). */
typedef enum dz_tsig_keyfile_why {
	DZ_TSIG_KEYFILE_OK = 0,
	DZ_TSIG_KEYFILE_BAD_CHAR,          /*!< control character */
	DZ_TSIG_KEYFILE_UNTERM_STRING,     /*!< '"' without its closing '"' */
	DZ_TSIG_KEYFILE_UNTERM_COMMENT,    /*!< slash-star without star-slash */
	DZ_TSIG_KEYFILE_UNEXPECTED_EOF,    /*!< file ends inside a statement */
	DZ_TSIG_KEYFILE_UNKNOWN_STATEMENT, /*!< not "key" */
	DZ_TSIG_KEYFILE_EXPECTED_NAME,     /*!< key name missing */
	DZ_TSIG_KEYFILE_EXPECTED_LBRACE,   /*!< '{' missing */
	DZ_TSIG_KEYFILE_EXPECTED_SEMI,     /*!< ';' missing */
	DZ_TSIG_KEYFILE_EXPECTED_VALUE,    /*!< clause without a value */
	DZ_TSIG_KEYFILE_UNKNOWN_CLAUSE,    /*!< not "algorithm" or "secret" */
	DZ_TSIG_KEYFILE_DUP_CLAUSE,        /*!< clause given twice */
	DZ_TSIG_KEYFILE_BAD_NAME,          /*!< key name is not a domain name */
	DZ_TSIG_KEYFILE_BAD_ALGORITHM,     /*!< algorithm not supported */
	DZ_TSIG_KEYFILE_BAD_SECRET,        /*!< not base64, empty or too long */
	DZ_TSIG_KEYFILE_MISSING_ALGORITHM, /*!< key without "algorithm" */
	DZ_TSIG_KEYFILE_MISSING_SECRET,    /*!< key without "secret" */
	DZ_TSIG_KEYFILE_DUP_KEY,           /*!< two keys with one name */
	DZ_TSIG_KEYFILE_TOO_MANY_KEYS,     /*!< more keys than room given */
} dz_tsig_keyfile_why_t;

/*! \brief Where and why a key file was rejected (1-based line/column). */
typedef struct dz_tsig_keyfile_diag {
	unsigned line;
	unsigned col;
	dz_tsig_keyfile_why_t why;
} dz_tsig_keyfile_diag_t;

/*! \brief Short lowercase phrase for a reason, never NULL. */
DZ_API const char *dz_tsig_keyfile_why_str(dz_tsig_keyfile_why_t why);

/*!
 * \brief Parse the text of a key file: zero or more `key` statements, with
 *        `#`, `//` and C comments. Names and values may be quoted or bare;
 *        whitespace inside a secret is ignored.
 *
 * \param keys   room for \p cap keys; undefined after a failure
 * \param count  number of keys found
 * \param diag   optional; on failure, where and why
 * \return DZ_OK, DZ_ESYNTAX (diag says why), DZ_ELIMIT (more than \p cap
 *         keys), DZ_EINVAL
 */
DZ_API int dz_tsig_keyfile_parse(const char *text, size_t len,
                                 dz_tsig_key_t *keys, size_t cap,
                                 size_t *count, dz_tsig_keyfile_diag_t *diag);
