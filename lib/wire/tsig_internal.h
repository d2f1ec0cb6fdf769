/* SPDX-License-Identifier: BSD-3-Clause */
/* TSIG internals shared by tsig*.c: the HMAC wrapper and the TSIG record codec. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/wire/tsig.h"

/*! Fixed part of a TSIG record after the owner: type, class, TTL, RDLENGTH. */
#define DZ__TSIG_RR_FIXED 10
/*! Fixed part of TSIG rdata besides the algorithm name, MAC and Other Data. */
#define DZ__TSIG_RDATA_FIXED 16

/*! \brief A TSIG record's fields; names and data are borrowed. */
typedef struct dz__tsig_rr {
	const uint8_t *owner;    /*!< key name, uncompressed wire form */
	const uint8_t *alg_name; /*!< uncompressed wire form */
	uint16_t rclass;
	uint32_t ttl;
	uint64_t time_signed;
	uint16_t fudge;
	uint16_t mac_len;
	const uint8_t *mac;
	uint16_t orig_id;
	uint16_t error;
	uint16_t other_len;
	const uint8_t *other;
} dz__tsig_rr_t;

/*! \brief Running HMAC. Opaque wrapper around the crypto library context. */
typedef struct dz__tsig_hmac dz__tsig_hmac_t;

/*! \return DZ_OK, DZ_EINVAL (bad key), DZ_ENOMEM, DZ_ENOTSUP */
int dz__tsig_hmac_new(const dz_tsig_key_t *key, dz__tsig_hmac_t **out);
void dz__tsig_hmac_free(dz__tsig_hmac_t *h);
/*! \return DZ_OK or DZ_ENOTSUP */
int dz__tsig_hmac_update(dz__tsig_hmac_t *h, const uint8_t *data, size_t len);
/*! \brief Finish; \p mac holds DZ_TSIG_MAC_MAX. \return DZ_OK or DZ_ENOTSUP */
int dz__tsig_hmac_final(dz__tsig_hmac_t *h, uint8_t *mac, size_t *len);

/*! \brief Feed a 16-bit length then \p len octets (the request/prior MAC). */
int dz__tsig_hmac_mac(dz__tsig_hmac_t *h, const uint8_t *mac, size_t len);

/*!
 * \brief Feed the message up to \p end with its ID replaced by \p orig_id
 *        and ARCOUNT by \p arcount (RFC 8945 §4.3.2).
 */
int dz__tsig_hmac_msg(dz__tsig_hmac_t *h, const uint8_t *msg, size_t end,
                      uint16_t orig_id, uint16_t arcount);

/*!
 * \brief Feed the TSIG variables (§4.3.3): every one when \p full, else only
 *        the timers (§4.3.1, later messages of a stream). Names lowercased.
 */
int dz__tsig_hmac_vars(dz__tsig_hmac_t *h, const dz__tsig_rr_t *rr, bool full);

/*!
 * \brief Read the TSIG record at \p off, which must end the message.
 *        \p owner and \p alg_name receive the names (DZ_NAME_MAXLEN each);
 *        \p rr points into them and into \p msg.
 * \return DZ_OK or DZ_EMALF
 */
int dz__tsig_rr_parse(const uint8_t *msg, size_t len, size_t off,
                      uint8_t *owner, uint8_t *alg_name, dz__tsig_rr_t *rr);

/*!
 * \brief Append the TSIG record at msg[*len] and bump ARCOUNT.
 * \return DZ_OK, DZ_ESPACE, DZ_EINVAL (ARCOUNT is 65535)
 */
int dz__tsig_rr_append(uint8_t *msg, size_t *len, size_t cap,
                       const dz__tsig_rr_t *rr);

/*! \brief Size of the record \p rr renders to. */
size_t dz__tsig_rr_size(const dz__tsig_rr_t *rr);

/*!
 * \brief First steps of every verification: parse the TSIG at \p off,
 *        fill \p res, find the key (BADKEY), check the MAC size (FORMERR).
 *        \p owner and \p alg_name are buffers (DZ_NAME_MAXLEN) for \p rr.
 *        \p response: an unsigned error TSIG is the peer's verdict.
 * \return DZ_OK, or as dz_tsig_verify()
 */
int dz__tsig_verify_begin(const uint8_t *msg, size_t len, size_t off,
                          dz_tsig_lookup_t lookup, void *ctx, uint64_t now,
                          bool response, dz_tsig_result_t *res,
                          dz__tsig_rr_t *rr, uint8_t *owner,
                          uint8_t *alg_name);

/*!
 * \brief Last steps: compare \p computed with the MAC received (BADSIG),
 *        then time (BADTIME), truncation policy (BADTRUNC), peer error.
 * \return DZ_OK or DZ_EACCES
 */
int dz__tsig_verify_checks(dz_tsig_result_t *res, const uint8_t *computed,
                           const dz__tsig_rr_t *rr, uint64_t now);

/*!
 * \brief Decode a base64 secret of \p len characters, whitespace ignored,
 *        into \p out (DZ_TSIG_SECRET_MAX octets).
 * \return DZ_OK, DZ_ERDATA (not base64, or empty), DZ_ELIMIT (too long)
 */
int dz__tsig_secret_decode(const char *b64, size_t len, uint8_t *out,
                           uint16_t *out_len);

/*! \brief Read a big-endian 16-bit value. */
static inline uint16_t dz__tsig_get16(const uint8_t *p)
{
	return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}
