/* SPDX-License-Identifier: BSD-3-Clause */
/* EDNS(0) OPT record: parse, option walking, rendering, Extended DNS Errors (RFC 6891, RFC 8914). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/util/api.h"

/*! Smallest UDP payload size; advertised values below it mean 512 (RFC 6891 §6.2.3). */
#define DZ_EDNS_MIN_UDP 512
/*! The DO bit in the OPT flags (RFC 3225). */
#define DZ_EDNS_DO 0x8000
/*! Fixed part of an OPT record: root owner, type, class, TTL, RDLENGTH. */
#define DZ_EDNS_FIXED_LEN 11
/*! Option header: OPTION-CODE and OPTION-LENGTH. */
#define DZ_EDNS_OPT_HDR 4

/*! Option codes this code base knows by name. */
enum {
	DZ_EDNS_OPT_NSID = 3,     /*!< RFC 5001 */
	DZ_EDNS_OPT_ECS = 8,      /*!< RFC 7871 */
	DZ_EDNS_OPT_COOKIE = 10,  /*!< RFC 7873 */
	DZ_EDNS_OPT_PADDING = 12, /*!< RFC 7830 */
	DZ_EDNS_OPT_EDE = 15,     /*!< RFC 8914 */
};

/*!
 * \brief A parsed OPT record. The options stay in the packet and are walked
 *        with dz_edns_iter_init()/dz_edns_opt_next(); they are passed through
 *        untouched.
 */
typedef struct dz_edns {
	bool present;       /*!< the message has an OPT record */
	uint8_t version;    /*!< EDNS version (0 is the only one defined) */
	uint8_t ext_rcode;  /*!< upper 8 bits of the 12-bit rcode */
	uint16_t flags;     /*!< DO bit and the Z bits, as received */
	uint16_t udp_size;  /*!< requestor's payload size, never below 512 */
	uint16_t opts_off;  /*!< offset of the option list (the OPT rdata) */
	uint16_t opts_len;  /*!< its length */
} dz_edns_t;

/*! \brief Cursor over an option list. */
typedef struct dz_edns_iter {
	const uint8_t *p;
	size_t left;
} dz_edns_iter_t;

/*! \brief What an OPT record to render carries (all borrowed). */
typedef struct dz_edns_out {
	uint16_t udp_size;    /*!< our payload size (values < 512 sent as 512) */
	uint8_t version;      /*!< normally 0 */
	uint16_t flags;       /*!< DZ_EDNS_DO and Z bits */
	const uint8_t *opts;  /*!< option list in wire form (see dz_edns_opt_put) */
	uint16_t opts_len;
} dz_edns_out_t;

/*! \brief Whether DO is set. */
static inline bool dz_edns_do(const dz_edns_t *e)
{
	return e->present && (e->flags & DZ_EDNS_DO) != 0;
}

/*! \brief Low 4 bits of a 12-bit rcode: the part in the header. */
static inline uint8_t dz_edns_rcode_hdr(uint16_t rcode)
{
	return (uint8_t)(rcode & 0x0F);
}

/*! \brief High 8 bits of a 12-bit rcode: the part in the OPT TTL. */
static inline uint8_t dz_edns_rcode_ext(uint16_t rcode)
{
	return (uint8_t)((rcode >> 4) & 0xFF);
}

/*!
 * \brief Parse an OPT record whose fields were already read from a message.
 *
 * \param pkt       the message (options are checked in place)
 * \param rclass    the OPT CLASS field (payload size)
 * \param ttl       the OPT TTL field (extended rcode, version, flags)
 * \param rdata     offset of the rdata (the option list) in \p pkt
 * \param rdlen     its length; the caller checked rdata + rdlen <= pktlen
 * \return DZ_OK, or DZ_EOPT if the option list is malformed (an option runs
 *         past the rdata, or fewer than 4 octets are left over)
 */
DZ_API int dz_edns_parse(dz_edns_t *e, const uint8_t *pkt, uint16_t rclass,
                         uint32_t ttl, size_t rdata, uint16_t rdlen);

/*! \brief Start walking the option list of \p e in message \p pkt. */
DZ_API void dz_edns_iter_init(dz_edns_iter_t *it, const dz_edns_t *e,
                              const uint8_t *pkt);

/*! \brief Start walking a raw option list of \p len octets. */
DZ_API void dz_edns_iter_raw(dz_edns_iter_t *it, const uint8_t *opts,
                             size_t len);

/*!
 * \brief Next option: its code and data (borrowed, points into the list).
 * \return DZ_OK, DZ_ENOENT at the end, DZ_EOPT if the list is malformed
 */
DZ_API int dz_edns_opt_next(dz_edns_iter_t *it, uint16_t *code,
                            const uint8_t **data, uint16_t *len);

/*!
 * \brief First option with \p code in the option list of \p e.
 * \return DZ_OK, DZ_ENOENT, or DZ_EOPT
 */
DZ_API int dz_edns_opt_find(const dz_edns_t *e, const uint8_t *pkt,
                            uint16_t code, const uint8_t **data,
                            uint16_t *len);

/*!
 * \brief Append one option (code, length, data) to an option list being
 *        built in \p buf.
 * \return bytes written, or DZ_ESPACE, DZ_ERANGE (data over 65535 octets)
 */
DZ_API int dz_edns_opt_put(uint8_t *buf, size_t cap, uint16_t code,
                           const void *data, size_t len);

/*!
 * \brief Append an Extended DNS Error option (RFC 8914 §2): INFO-CODE and
 *        EXTRA-TEXT (UTF-8, not NUL-terminated; may be empty).
 * \return bytes written, or DZ_ESPACE, DZ_ERANGE
 */
DZ_API int dz_edns_ede_put(uint8_t *buf, size_t cap, uint16_t info,
                           const char *text, size_t textlen);

/*!
 * \brief Read the data of an EDE option. \p text is borrowed and not
 *        NUL-terminated.
 * \return DZ_OK, or DZ_EOPT (shorter than the 2-octet INFO-CODE)
 */
DZ_API int dz_edns_ede_get(const uint8_t *data, uint16_t len, uint16_t *info,
                           const char **text, size_t *textlen);

/*! \brief Size of the OPT record \p out renders to. */
static inline size_t dz_edns_wire_size(const dz_edns_out_t *out)
{
	return DZ_EDNS_FIXED_LEN + out->opts_len;
}

/*!
 * \brief Write an OPT record at \p pkt[pos] carrying \p ext_rcode (the high
 *        8 bits of the rcode, see dz_edns_rcode_ext()).
 * \return bytes written, or DZ_ESPACE
 */
DZ_API int dz_edns_to_wire(const dz_edns_out_t *out, uint8_t ext_rcode,
                           uint8_t *pkt, size_t cap, size_t pos);
