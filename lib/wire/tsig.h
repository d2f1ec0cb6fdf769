/* SPDX-License-Identifier: BSD-3-Clause */
/* TSIG (RFC 8945): keys, signing and verifying messages and message streams. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/util/api.h"
#include "lib/wire/name.h"

struct dz_msg;

/*! Algorithms (RFC 8945 §6); 0 is "none/unknown". */
typedef enum dz_tsig_alg {
	DZ_TSIG_ALG_NONE = 0,
	DZ_TSIG_HMAC_MD5,
	DZ_TSIG_HMAC_SHA1,
	DZ_TSIG_HMAC_SHA224,
	DZ_TSIG_HMAC_SHA256,
	DZ_TSIG_HMAC_SHA384,
	DZ_TSIG_HMAC_SHA512,
} dz_tsig_alg_t;

/*! TSIG error field values (RFC 8945 §3, IANA DNS RCODEs). */
enum {
	DZ_TSIG_NOERROR = 0,
	DZ_TSIG_BADSIG = 16,
	DZ_TSIG_BADKEY = 17,
	DZ_TSIG_BADTIME = 18,
	DZ_TSIG_BADTRUNC = 22,
};

/*! Longest MAC (HMAC-SHA512). */
#define DZ_TSIG_MAC_MAX 64
/*! Longest secret a key may hold. */
#define DZ_TSIG_SECRET_MAX 512
/*! Default fudge in seconds (RFC 8945 §10 recommends 300). */
#define DZ_TSIG_FUDGE_DEFAULT 300
/*! Unsigned messages allowed in a row inside a stream (RFC 8945 §5.3.1). */
#define DZ_TSIG_STREAM_MAX_UNSIGNED 99
/*! Length of the server time put in BADTIME Other Data (48 bits). */
#define DZ_TSIG_TIME_LEN 6

/*! \brief A TSIG key. Plain data: copy it freely. */
typedef struct dz_tsig_key {
	uint8_t name[DZ_NAME_MAXLEN]; /*!< wire form, lowercase */
	dz_tsig_alg_t alg;
	uint16_t min_mac; /*!< shortest MAC accepted; 0: the full hash
	                       (anything shorter gets BADTRUNC, §5.2.4) */
	uint16_t secret_len;
	uint8_t secret[DZ_TSIG_SECRET_MAX];
} dz_tsig_key_t;

/*!
 * \brief Algorithm from its name: the RFC 8945 §6 names with or without the
 *        final dot ("hmac-sha256.", "hmac-md5.sig-alg.reg.int") or the short
 *        configuration names ("hmac-md5", "hmac-sha1", ..., "hmac-sha512"),
 *        case-insensitive.
 * \return DZ_OK, or DZ_ENOTSUP (unknown name)
 */
DZ_API int dz_tsig_alg_from_str(const char *str, size_t len,
                                dz_tsig_alg_t *alg);

/*!
 * \brief Algorithm from its wire-form name (as found in a TSIG record).
 * \return DZ_OK, or DZ_ENOTSUP
 */
DZ_API int dz_tsig_alg_from_name(const uint8_t *name, dz_tsig_alg_t *alg);

/*! \brief Canonical wire name of \p alg (static), or NULL for NONE/unknown. */
DZ_API const uint8_t *dz_tsig_alg_to_name(dz_tsig_alg_t alg);

/*! \brief Short configuration name ("hmac-sha256"); "unknown" if invalid. */
DZ_API const char *dz_tsig_alg_to_str(dz_tsig_alg_t alg);

/*! \brief Hash output length in octets (16 to 64), 0 if invalid. */
DZ_API size_t dz_tsig_alg_mac_len(dz_tsig_alg_t alg);

/*! \brief Short lowercase name of a TSIG error ("badsig"), never NULL. */
DZ_API const char *dz_tsig_error_str(uint16_t error);

/*!
 * \brief Build a key from its name (presentation form, relative names are
 *        taken as absolute), algorithm name (see dz_tsig_alg_from_str) and
 *        base64 secret (whitespace inside is ignored).
 * \return DZ_OK, DZ_ESYNTAX/DZ_ELABEL/DZ_ENAMELEN (name), DZ_ENOTSUP
 *         (algorithm), DZ_ERDATA (secret not base64 or empty), DZ_ELIMIT
 *         (secret over DZ_TSIG_SECRET_MAX octets)
 */
DZ_API int dz_tsig_key_init(dz_tsig_key_t *key, const char *name,
                            const char *alg, const char *secret_b64);

/*!
 * \brief Parse the nsupdate/dig `-y [alg:]name:secret` form. Without an
 *        algorithm the key is hmac-md5, as nsupdate and dig assume.
 * \return as dz_tsig_key_init(), or DZ_ESYNTAX (wrong number of fields)
 */
DZ_API int dz_tsig_key_from_spec(dz_tsig_key_t *key, const char *spec);

/*!
 * \brief Offset of the TSIG record (its owner) in a parsed message, or 0 if
 *        it has none (dz_msg_t.tsig_idx, which the parser guarantees to be
 *        the last record).
 */
DZ_API size_t dz_tsig_offset(const struct dz_msg *msg);

/*
 * Signing.
 */

/*!
 * \brief Sign a rendered message: append a TSIG record to its additional
 *        section and bump ARCOUNT (RFC 8945 §4.3).
 *
 * The MAC covers, in order: \p request_mac (length then octets) when
 * signing a response, the message as it is (its ID is the Original ID), and
 * the TSIG variables (§4.3.3). The Time Signed is \p now.
 *
 * \param msg,len,cap  the message; \p len grows on success
 * \param request_mac  the request's MAC when signing a response, else NULL
 * \param error        TSIG error field (DZ_TSIG_*), normally 0
 * \param other        Other Data (NULL if \p other_len is 0)
 * \param mac_out      optional, DZ_TSIG_MAC_MAX octets: the MAC (needed to
 *                     verify the response); \p mac_len_out gets its length
 * \return DZ_OK, DZ_ESPACE (does not fit; message untouched), DZ_EINVAL
 *         (bad key, message shorter than a header, ARCOUNT full),
 *         DZ_ENOMEM or DZ_ENOTSUP (crypto library failure)
 */
DZ_API int dz_tsig_sign(uint8_t *msg, size_t *len, size_t cap,
                        const dz_tsig_key_t *key, uint64_t now, uint16_t fudge,
                        const uint8_t *request_mac, size_t request_mac_len,
                        uint16_t error, const uint8_t *other, size_t other_len,
                        uint8_t *mac_out, size_t *mac_len_out);

/*! \brief Room a TSIG record signed with \p key needs (for reservations). */
DZ_API size_t dz_tsig_wire_size(const dz_tsig_key_t *key, size_t other_len);

/*
 * Verifying.
 */

/*! Why verification failed (dz_tsig_result_t.why). */
typedef enum dz_tsig_why {
	DZ_TSIG_WHY_NONE = 0,
	DZ_TSIG_WHY_MALFORMED,     /*!< FORMERR: TSIG record cannot be read */
	DZ_TSIG_WHY_MAC_SIZE,      /*!< FORMERR: MAC longer than the hash, or
	                                truncated below max(10, hash/2) */
	DZ_TSIG_WHY_KEY_UNKNOWN,   /*!< BADKEY: no key of that name */
	DZ_TSIG_WHY_ALG_UNKNOWN,   /*!< BADKEY: algorithm not supported */
	DZ_TSIG_WHY_ALG_MISMATCH,  /*!< BADKEY: key has another algorithm */
	DZ_TSIG_WHY_MAC_MISMATCH,  /*!< BADSIG */
	DZ_TSIG_WHY_TIME,          /*!< BADTIME: outside time signed +- fudge */
	DZ_TSIG_WHY_TRUNC_POLICY,  /*!< BADTRUNC: shorter than the key allows */
	DZ_TSIG_WHY_PEER_ERROR,    /*!< response carries a TSIG error */
	DZ_TSIG_WHY_UNSIGNED,      /*!< stream: too many unsigned messages, or
	                                a message must be signed */
} dz_tsig_why_t;

/*! \brief Short lowercase phrase for a reason, never NULL. */
DZ_API const char *dz_tsig_why_str(dz_tsig_why_t why);

/*!
 * \brief Outcome of a verification, with what the log and the response
 *        need. Filled whatever the return value; fields after \p why are
 *        valid when \p parsed is true.
 */
typedef struct dz_tsig_result {
	uint16_t error;       /*!< TSIG error to send (DZ_TSIG_*) */
	uint16_t rcode;       /*!< header rcode to send: 0, FORMERR or NOTAUTH */
	dz_tsig_why_t why;
	bool parsed;          /*!< the TSIG record was read */
	const dz_tsig_key_t *key; /*!< key found (borrowed), NULL if none */
	uint8_t key_name[DZ_NAME_MAXLEN]; /*!< owner, as received */
	uint8_t alg_name[DZ_NAME_MAXLEN]; /*!< algorithm, as received */
	dz_tsig_alg_t alg;    /*!< DZ_TSIG_ALG_NONE if unknown */
	uint64_t time_signed; /*!< the signer's clock */
	uint16_t fudge;
	int64_t offset;       /*!< now - time_signed, seconds */
	uint16_t orig_id;
	uint16_t peer_error;  /*!< Error field received (responses) */
	bool truncated;       /*!< MAC shorter than the hash */
	uint16_t mac_len;
	uint8_t mac[DZ_TSIG_MAC_MAX]; /*!< MAC received: the request MAC to
	                                   sign the response with */
	uint16_t other_len;
	uint8_t other[DZ_TSIG_TIME_LEN]; /*!< first octets of Other Data
	                                      (BADTIME: the peer's clock) */
} dz_tsig_result_t;

/*!
 * \brief Key lookup: the key called \p name (wire form, any case), or NULL.
 *        \p alg is the algorithm the message claims (may be NONE).
 */
typedef const dz_tsig_key_t *(*dz_tsig_lookup_t)(void *ctx,
                                                  const uint8_t *name,
                                                  dz_tsig_alg_t alg);

/*!
 * \brief Verify the TSIG of a received message (RFC 8945 §5.2 order: key,
 *        MAC size, MAC, time, truncation policy).
 *
 * \param tsig_offset  where the TSIG record starts (dz_tsig_offset())
 * \param request_mac  when verifying a response: the MAC our request was
 *                     signed with; NULL when verifying a request
 * \param res          always filled (see dz_tsig_result_t)
 * \return DZ_OK: authentic and no TSIG error reported by the peer;
 *         DZ_EACCES: not authentic or peer error - res->error and
 *         res->rcode say what to answer, res->why why;
 *         DZ_EMALF: TSIG unreadable or MAC size invalid (answer FORMERR,
 *         unsigned); DZ_EINVAL: bad arguments; DZ_ENOMEM/DZ_ENOTSUP: crypto
 *         library failure
 */
DZ_API int dz_tsig_verify(const uint8_t *msg, size_t len, size_t tsig_offset,
                          dz_tsig_lookup_t lookup, void *lookup_ctx,
                          uint64_t now, const uint8_t *request_mac,
                          size_t request_mac_len, dz_tsig_result_t *res);

/*!
 * \brief Sign the response to a request that dz_tsig_verify() checked,
 *        as RFC 8945 §5.3 asks for its outcome:
 *        - NOERROR, BADTRUNC: signed with the request MAC, time \p now;
 *        - BADTIME: signed with the request MAC and the request's Time
 *          Signed, Other Data the 48-bit \p now (§5.2.3);
 *        - BADKEY, BADSIG: unsigned, MAC size 0 (§5.3.2).
 * \return as dz_tsig_sign(); DZ_EINVAL if \p req has no TSIG (a FORMERR
 *         answer carries none)
 */
DZ_API int dz_tsig_sign_response(uint8_t *msg, size_t *len, size_t cap,
                                 const dz_tsig_result_t *req, uint64_t now,
                                 uint16_t fudge, uint8_t *mac_out,
                                 size_t *mac_len_out);

/*
 * Message streams (TCP transfers, RFC 8945 §5.3.1): the first message's
 * MAC covers the request MAC; each later signed message covers the prior
 * MAC, every message since it and only the timers of its own TSIG.
 */

/*! \brief Running state of a stream; caller-owned storage. */
typedef struct dz_tsig_stream {
	const dz_tsig_key_t *key; /*!< borrowed for the stream's life */
	void *run;                /*!< running MAC (crypto library context) */
	uint16_t fudge;
	uint16_t unsigned_run;    /*!< unsigned messages since the last MAC */
	uint32_t count;           /*!< signed messages so far */
	uint16_t mac_len;
	uint8_t mac[DZ_TSIG_MAC_MAX]; /*!< last MAC (the prior MAC) */
} dz_tsig_stream_t;

/*!
 * \brief Start a stream with \p key; \p request_mac (NULL if none) is the
 *        MAC of the request that asked for it. Free with
 *        dz_tsig_stream_clear().
 * \return DZ_OK, DZ_EINVAL, DZ_ENOMEM, DZ_ENOTSUP
 */
DZ_API int dz_tsig_stream_init(dz_tsig_stream_t *s, const dz_tsig_key_t *key,
                               const uint8_t *request_mac,
                               size_t request_mac_len, uint16_t fudge);

/*! \brief Release a stream (no-op if already cleared). */
DZ_API void dz_tsig_stream_clear(dz_tsig_stream_t *s);

/*!
 * \brief Sign the next message of a stream (we sign every message).
 * \return as dz_tsig_sign()
 */
DZ_API int dz_tsig_stream_sign_next(dz_tsig_stream_t *s, uint8_t *msg,
                                    size_t *len, size_t cap, uint64_t now);

/*!
 * \brief Verify the next message of a stream. \p tsig_offset 0 means the
 *        message is unsigned: it is taken into the running MAC and accepted
 *        (DZ_OK, res->parsed false) unless it is the first message or the
 *        100th unsigned one in a row (DZ_EACCES, BADSIG, why UNSIGNED).
 * \return as dz_tsig_verify(); once a message failed the stream is dead
 */
DZ_API int dz_tsig_stream_verify_next(dz_tsig_stream_t *s, const uint8_t *msg,
                                      size_t len, size_t tsig_offset,
                                      uint64_t now, dz_tsig_result_t *res);

/*!
 * \brief Whether the stream may end here: the last message was signed.
 * \return DZ_OK, or DZ_EACCES (unsigned tail, or nothing verified)
 */
DZ_API int dz_tsig_stream_end(const dz_tsig_stream_t *s);
