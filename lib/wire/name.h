/* SPDX-License-Identifier: BSD-3-Clause */
/* Domain names: wire form, presentation form, comparison, canonical order. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/util/api.h"

/*
 * A name is held in uncompressed wire form: length-prefixed labels ending with
 * the zero-length root label, at most DZ_NAME_MAXLEN octets, case preserved.
 * Functions take `const uint8_t *name` and trust it to be well formed (it was
 * produced by one of the parsers below); untrusted bytes go through
 * dz_name_from_wire() first.
 */
#define DZ_NAME_MAXLEN 255
#define DZ_NAME_MAXLABEL 63
#define DZ_NAME_MAXLABELS 128
/*! Longest presentation form: every octet as \DDD plus dots. */
#define DZ_NAME_MAXSTR (4 * DZ_NAME_MAXLEN + 2)
/*! Longest lookup key (see dz_name_to_key). */
#define DZ_NAME_MAXKEY (2 * DZ_NAME_MAXLEN)

/*! \brief Length of a well-formed wire name, including the root label. */
DZ_API size_t dz_name_len(const uint8_t *name);

/*! \brief Number of labels, not counting the root label ("." has 0). */
DZ_API unsigned dz_name_labels(const uint8_t *name);

/*!
 * \brief Parse a name from presentation form (\c \. and \c \DDD escapes).
 *
 * A name not ending in an unescaped dot is relative and gets \p origin
 * appended (error DZ_ESYNTAX if \p origin is NULL). "@" is NOT handled here
 * (that is zone-file syntax). "." is the root. An empty string, an empty
 * label ("a..b", ".a") and \DDD > 255 are DZ_ESYNTAX; every other octet is
 * taken literally (tokenizing is the caller's job). \p dst is written only
 * on success and may be \p origin itself.
 *
 * \param dst     output, at least DZ_NAME_MAXLEN octets
 * \return length written (> 0), or DZ_ESYNTAX, DZ_ELABEL, DZ_ENAMELEN
 */
DZ_API int dz_name_from_str(uint8_t *dst, const char *str, size_t len,
                            const uint8_t *origin);

/*!
 * \brief Write the presentation form, always fully qualified (trailing dot),
 *        escaping special characters (". ; ( ) \" \\ @ $" with a backslash,
 *        non-printable octets as \DDD), NUL-terminated.
 * \return length without the NUL, or DZ_ESPACE
 */
DZ_API int dz_name_to_str(char *dst, size_t dstlen, const uint8_t *name);

/*!
 * \brief Read a possibly compressed name from a message.
 *
 * Pointers must point backwards: strictly before the start of the label
 * sequence being read (so before the pointer itself and before every
 * position already visited, which rules out loops), never into the 12-octet
 * header, and never outside \p pkt; at most DZ_NAME_MAXLABELS pointers are
 * followed. Uncompressed names may start anywhere, even at offset 0. On
 * success \p *pos moves past the name's encoding in place (past the first
 * pointer, if any); on error \p dst and \p *pos are untouched.
 *
 * \param dst  output, at least DZ_NAME_MAXLEN octets
 * \return uncompressed length (> 0), or DZ_ETRUNC, DZ_EPTR, DZ_ELABEL,
 *         DZ_ENAMELEN, DZ_EMALF (label types 01/10)
 */
DZ_API int dz_name_from_wire(uint8_t *dst, const uint8_t *pkt, size_t pktlen,
                             size_t *pos);

/*! \brief Case-insensitive (ASCII) equality. */
DZ_API bool dz_name_equal(const uint8_t *a, const uint8_t *b);

/*!
 * \brief Canonical DNS name order (RFC 4034 §6.1): <0, 0, >0.
 */
DZ_API int dz_name_cmp(const uint8_t *a, const uint8_t *b);

/*! \brief True if \p name equals \p parent or is below it (case-insensitive). */
DZ_API bool dz_name_is_sub(const uint8_t *name, const uint8_t *parent);

/*! \brief True if \p name is strictly below \p parent. */
DZ_API bool dz_name_is_strict_sub(const uint8_t *name, const uint8_t *parent);

/*! \brief True if the first label is "*". */
DZ_API bool dz_name_is_wildcard(const uint8_t *name);

/*! \brief Lowercase ASCII letters in place. */
DZ_API void dz_name_to_lower(uint8_t *name);

/*! \brief Copy a name; \return its length. \p dst holds DZ_NAME_MAXLEN. */
DZ_API size_t dz_name_copy(uint8_t *dst, const uint8_t *name);

/*!
 * \brief Pointer to the name with its first \p n labels removed (borrowed,
 *        points into \p name). n >= labels gives the root label.
 */
DZ_API const uint8_t *dz_name_skip(const uint8_t *name, unsigned n);

/*!
 * \brief Concatenate \p prefix (a wire name whose root label is dropped) and
 *        \p suffix into \p dst.  \return length, or DZ_ENAMELEN.
 */
DZ_API int dz_name_concat(uint8_t *dst, const uint8_t *prefix,
                          const uint8_t *suffix);

/*!
 * \brief Lookup key: a byte string whose memcmp order is the canonical order.
 *
 * Labels are written root-most first, lowercased, each followed by a 0x00
 * terminator; octets 0x00 and 0x01 inside a label are escaped as 0x01 0x01
 * and 0x01 0x02. So key(a) is a prefix of key(b) exactly when b is at or
 * below a. The root's key is empty (length 0).
 *
 * \param key  output, at least DZ_NAME_MAXKEY octets
 * \return key length (>= 0)
 */
DZ_API int dz_name_to_key(uint8_t *key, const uint8_t *name);

/*! \brief Hash of the lowercased name (for hash tables). */
DZ_API uint32_t dz_name_hash(const uint8_t *name);
