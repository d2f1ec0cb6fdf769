/* SPDX-License-Identifier: BSD-3-Clause */
/* AF_XDP frame codec: parse Ethernet/IP/UDP queries, write reply headers. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lib/util/api.h"

/*! \brief Ethernet II header: two MACs and the EtherType. */
#define DZ_FRAME_ETH_LEN 14
/*! \brief Reply headers for IPv4 (no options): Ethernet + IPv4 + UDP. */
#define DZ_FRAME_HDR4_LEN 42
/*! \brief Reply headers for IPv6: Ethernet + IPv6 (no extensions) + UDP. */
#define DZ_FRAME_HDR6_LEN 62

/*!
 * \brief What dz_frame_parse() learnt from a received frame; a value, it
 *        points into nothing (the payload is located by offset).
 */
typedef struct {
	int family;                     /*!< AF_INET or AF_INET6 */
	uint8_t src_mac[6], dst_mac[6]; /*!< as received */
	uint8_t src_ip[16], dst_ip[16]; /*!< IPv4: first 4 octets, rest 0 */
	uint16_t src_port, dst_port;    /*!< host order */
	uint8_t hop_limit;              /*!< TTL / hop limit as received */
	size_t payload_off;             /*!< DNS message: offset in the frame */
	size_t payload_len;             /*!< and length (UDP length - 8) */
} dz_frame_t;

/*!
 * \brief Parse a received Ethernet II frame carrying a UDP datagram.
 *
 * IPv4 options are skipped; lengths come from the IP and UDP headers, not
 * from \p len (Ethernet pads short frames). The UDP checksum is not
 * verified (docs/formats/xdp-frames.md says why). \p out is written only
 * on success.
 *
 * \param frame  the frame, starting at the destination MAC
 * \param len    octets in \p frame
 * \param out    the parsed fields
 * \return DZ_OK; DZ_ETRUNC (shorter than its headers say); DZ_EMALF (bad
 *         IP version, IHL < 5, bad IPv4 header checksum, IP or UDP length
 *         inconsistent, IPv6 UDP checksum 0); DZ_ENOTSUP (not IPv4/IPv6,
 *         VLAN tag, IPv4 fragment, IPv6 extension header, not UDP);
 *         DZ_EREFUSED (a source never answered: IPv4 0.0.0.0/8,
 *         224.0.0.0/4, 255.255.255.255; IPv6 ff00::/8, ::; port 0)
 */
DZ_API int dz_frame_parse(const uint8_t *frame, size_t len, dz_frame_t *out);

/*!
 * \brief Octets of Ethernet + IP + UDP headers in a reply of \p family.
 *
 * The caller writes the DNS reply at frame + dz_frame_hdr_len(family), then
 * calls dz_frame_write_reply().
 *
 * \return DZ_FRAME_HDR4_LEN (AF_INET), DZ_FRAME_HDR6_LEN (AF_INET6), or 0
 *         for any other family
 */
DZ_API size_t dz_frame_hdr_len(int family);

/*!
 * \brief Write the headers of the reply to \p q in front of its payload.
 *
 * The payload (\p payload_len octets) must already be at
 * frame + dz_frame_hdr_len(q->family). MACs, addresses and ports are
 * swapped; IPv4 gets IHL 5, DF, TTL 64 and a header checksum; IPv6 gets
 * class 0, flow 0 and hop limit 64; the UDP checksum covers the RFC 768 /
 * RFC 8200 §8.1 pseudo-header (a computed 0 is sent as 0xFFFF).
 *
 * \param frame        the reply frame (may be the query's own buffer)
 * \param cap          octets available at \p frame
 * \param q            the parsed query
 * \param payload_len  octets of DNS reply after the headers
 * \return the frame length; DZ_ESPACE if it does not fit \p cap or the IP
 *         or UDP length fields; DZ_EINVAL if q->family is not AF_INET or
 *         AF_INET6
 */
DZ_API int dz_frame_write_reply(uint8_t *frame, size_t cap, const dz_frame_t *q,
                                size_t payload_len);

/*!
 * \brief RFC 1071 one's complement sum of \p n octets, added to \p sum.
 *
 * Words are big-endian (network order) 16-bit values; an odd last octet is
 * padded with a zero. Chain calls over consecutive pieces only when every
 * piece but the last has an even length.
 *
 * \return the running sum, always <= 0xFFFF
 */
DZ_API uint32_t dz_csum_partial(const uint8_t *p, size_t n, uint32_t sum);

/*!
 * \brief Fold a running sum to 16 bits and complement it: the checksum to
 *        store, or 0 when verifying data that includes a correct checksum.
 */
DZ_API uint16_t dz_csum_fold(uint32_t sum);
