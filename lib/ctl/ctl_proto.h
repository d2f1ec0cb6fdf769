/* SPDX-License-Identifier: BSD-3-Clause */
/* Control-channel wire protocol between `dynzone ctl` and dynzoned: a pure frame codec (docs/formats/control-protocol.md). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/util/api.h"

/*! \brief Octets of the big-endian length prefix of every frame. */
#define DZ_CTL_FRAME_HDR 4
/*! \brief Largest frame body (the length prefix's value), 1 MiB. */
#define DZ_CTL_FRAME_MAX (1u << 20)
/*! \brief Protocol version carried in every body. */
#define DZ_CTL_VERSION 1
/*! \brief Body type octet of a request. */
#define DZ_CTL_TYPE_REQ 1
/*! \brief Body type octet of a response. */
#define DZ_CTL_TYPE_RESP 2

/*! \brief Request flag: answer in JSON instead of human-readable text. */
#define DZ_CTL_FLAG_JSON 0x01u
/*! \brief Every request flag this version knows; others are malformed. */
#define DZ_CTL_FLAGS_KNOWN DZ_CTL_FLAG_JSON

/*! \brief Most strings in a request: the command and up to 15 arguments. */
#define DZ_CTL_MAX_ARGS 16
/*! \brief Longest argument in octets (a presentation name fits with escapes). */
#define DZ_CTL_MAX_ARG_LEN 1024
/*! \brief Longest command name in octets. */
#define DZ_CTL_MAX_CMD_LEN 32

/*! \brief Request body header: version, type, flags, string count. */
#define DZ_CTL_REQ_HDR 4
/*! \brief Largest request frame, prefix included; smaller than DZ_CTL_FRAME_MAX. */
#define DZ_CTL_REQ_MAX                                                         \
	(DZ_CTL_FRAME_HDR + DZ_CTL_REQ_HDR +                                   \
	 DZ_CTL_MAX_ARGS * (2 + DZ_CTL_MAX_ARG_LEN))

/*! \brief Response header, prefix included: length, version, type, flags, status. */
#define DZ_CTL_RESP_HDR (DZ_CTL_FRAME_HDR + 3 + 4)
/*! \brief Longest response text in octets. */
#define DZ_CTL_RESP_TEXT_MAX (DZ_CTL_FRAME_MAX - (DZ_CTL_RESP_HDR - DZ_CTL_FRAME_HDR))

/*!
 * \brief A decoded request: arg[0] is the command, arg[1..argc-1] its
 *        arguments, each NUL-terminated. Self-contained (no pointers), so it
 *        may be copied by value.
 */
typedef struct dz_ctl_req {
	uint8_t flags; /*!< DZ_CTL_FLAG_* */
	uint8_t argc;  /*!< strings in arg, 1..DZ_CTL_MAX_ARGS */
	char arg[DZ_CTL_MAX_ARGS][DZ_CTL_MAX_ARG_LEN + 1];
} dz_ctl_req_t;

/*!
 * \brief A response view. After decoding, \p text points into the frame
 *        (borrowed, NOT NUL-terminated).
 */
typedef struct dz_ctl_resp {
	int status;       /*!< DZ_OK or a negative DZ_E* code */
	const char *text; /*!< UTF-8 body, human-readable or JSON */
	size_t text_len;  /*!< octets of text, <= DZ_CTL_RESP_TEXT_MAX */
} dz_ctl_resp_t;

/*!
 * \brief Length of the frame starting at \p buf, from its prefix alone, so a
 *        reader knows how many octets to wait for.
 * \param max  largest acceptable body length (<= DZ_CTL_FRAME_MAX); a server
 *             passes DZ_CTL_REQ_MAX - DZ_CTL_FRAME_HDR
 * \param[out] frame_len  whole frame length, prefix included
 * \return DZ_OK; DZ_ETRUNC if \p len < 4 (need more); DZ_EMALF for a zero
 *         length; DZ_ELIMIT for a length over \p max or DZ_CTL_FRAME_MAX
 */
DZ_API int dz_ctl_frame_len(const uint8_t *buf, size_t len, size_t max,
                            size_t *frame_len);

/*!
 * \brief Is \p cmd a valid command name (1..32 octets of [a-z0-9-], starting
 *        with a letter)?
 */
DZ_API bool dz_ctl_cmd_is_valid(const char *cmd, size_t len);

/*!
 * \brief Is \p s valid request argument text: 1..DZ_CTL_MAX_ARG_LEN octets of
 *        well-formed UTF-8 without C0 control characters or DEL?
 */
DZ_API bool dz_ctl_arg_is_valid(const char *s, size_t len);

/*!
 * \brief Is \p s valid response text: well-formed UTF-8 whose only control
 *        characters are TAB and LF (so it is safe to print to a terminal)?
 */
DZ_API bool dz_ctl_text_is_valid(const char *s, size_t len);

/*!
 * \brief Fill \p out from a command and its arguments, checking every rule
 *        the decoder checks. \p argv[0] is the command.
 * \return DZ_OK; DZ_EMALF (unknown flag, argc 0, bad command or argument
 *         text); DZ_ELIMIT (too many or too long strings)
 */
DZ_API int dz_ctl_req_init(dz_ctl_req_t *out, uint8_t flags, size_t argc,
                           const char *const *argv);

/*!
 * \brief Encode a request as one whole frame, length prefix included.
 * \return octets written, or DZ_ESPACE if \p size is too small, or the
 *         dz_ctl_req_init() errors for an invalid \p req
 */
DZ_API int dz_ctl_req_to_wire(const dz_ctl_req_t *req, uint8_t *out,
                              size_t size);

/*!
 * \brief Decode exactly one whole request frame (prefix included).
 * \param[out] out  written only on success
 * \return DZ_OK; DZ_ETRUNC (frame or field shorter than stated);
 *         DZ_ELIMIT (length over DZ_CTL_FRAME_MAX, too many or too long
 *         strings); DZ_ENOTSUP (other version); DZ_EMALF (zero length,
 *         wrong type, unknown flag, no command, bad command name, bad
 *         argument text); DZ_ETRAIL (octets after the last string, or
 *         \p len longer than the frame)
 */
DZ_API int dz_ctl_req_from_wire(const uint8_t *frame, size_t len,
                                dz_ctl_req_t *out);

/*!
 * \brief Write a response header for \p text_len octets of text with
 *        \p status into \p out (DZ_CTL_RESP_HDR octets); the text follows it.
 *        Lets a server build the text in place after reserved room.
 * \return DZ_OK; DZ_EINVAL for a positive status; DZ_ELIMIT for text over
 *         DZ_CTL_RESP_TEXT_MAX; DZ_ESPACE if \p size < DZ_CTL_RESP_HDR
 */
DZ_API int dz_ctl_resp_hdr_to_wire(int status, size_t text_len, uint8_t *out,
                                   size_t size);

/*!
 * \brief Encode a response as one whole frame.
 * \return octets written, or DZ_ESPACE, DZ_EINVAL (positive status),
 *         DZ_ELIMIT (text too long), DZ_EMALF (text not valid response text)
 */
DZ_API int dz_ctl_resp_to_wire(const dz_ctl_resp_t *resp, uint8_t *out,
                               size_t size);

/*!
 * \brief Decode exactly one whole response frame. out->text borrows from
 *        \p frame.
 * \param[out] out  written only on success
 * \return DZ_OK; DZ_ETRUNC; DZ_ELIMIT; DZ_ENOTSUP (other version);
 *         DZ_EMALF (zero length, wrong type, nonzero flags, positive
 *         status, invalid text); DZ_ETRAIL (\p len longer than the frame)
 */
DZ_API int dz_ctl_resp_from_wire(const uint8_t *frame, size_t len,
                                 dz_ctl_resp_t *out);
