/* SPDX-License-Identifier: BSD-3-Clause */
/* Control-channel frame codec: strict, bounded encode/decode of requests and responses. */
#include "lib/ctl/ctl_proto.h"

#include <string.h>

#include "lib/util/errcode.h"
#include "lib/util/wire_ctx.h"

/* ---- text rules --------------------------------------------------------- */

/*
 * Length of the well-formed UTF-8 sequence at s (RFC 3629 §4: no overlong
 * forms, no surrogates, nothing above U+10FFFF), or 0 if it is not one.
 * *cp receives the code point.
 */
static size_t utf8_seq(const uint8_t *s, size_t len, uint32_t *cp)
{
	uint8_t b = s[0];
	size_t n;
	uint32_t v, min;
	if (b < 0x80) {
		*cp = b;
		return 1;
	} else if (b >= 0xc2 && b <= 0xdf) {
		n = 2, v = b & 0x1fu, min = 0x80;
	} else if (b >= 0xe0 && b <= 0xef) {
		n = 3, v = b & 0x0fu, min = 0x800;
	} else if (b >= 0xf0 && b <= 0xf4) {
		n = 4, v = b & 0x07u, min = 0x10000;
	} else {
		return 0;
	}
	if (len < n) {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			return 0;
		}
		v = v << 6 | (s[i] & 0x3fu);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) {
		return 0;
	}
	*cp = v;
	return n;
}

/* C0 controls, DEL and C1 controls: what a terminal could act on. */
static bool is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
}

static bool text_ok(const char *s, size_t len, bool allow_tab_lf)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t i = 0;
	while (i < len) {
		uint32_t cp;
		size_t n = utf8_seq(p + i, len - i, &cp);
		if (n == 0) {
			return false;
		}
		if (is_control(cp) &&
		    !(allow_tab_lf && (cp == '\t' || cp == '\n'))) {
			return false;
		}
		i += n;
	}
	return true;
}

bool dz_ctl_cmd_is_valid(const char *cmd, size_t len)
{
	if (cmd == NULL || len == 0 || len > DZ_CTL_MAX_CMD_LEN) {
		return false;
	}
	if (cmd[0] < 'a' || cmd[0] > 'z') {
		return false;
	}
	for (size_t i = 1; i < len; i++) {
		char c = cmd[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-')) {
			return false;
		}
	}
	return true;
}

bool dz_ctl_arg_is_valid(const char *s, size_t len)
{
	if (s == NULL || len == 0 || len > DZ_CTL_MAX_ARG_LEN) {
		return false;
	}
	return text_ok(s, len, false);
}

bool dz_ctl_text_is_valid(const char *s, size_t len)
{
	if (len == 0) {
		return true;
	}
	return s != NULL && len <= DZ_CTL_RESP_TEXT_MAX && text_ok(s, len, true);
}

/* ---- frames ------------------------------------------------------------- */

int dz_ctl_frame_len(const uint8_t *buf, size_t len, size_t max,
                     size_t *frame_len)
{
	if (len < DZ_CTL_FRAME_HDR) {
		return DZ_ETRUNC;
	}
	uint32_t body = (uint32_t)buf[0] << 24 | (uint32_t)buf[1] << 16 |
	                (uint32_t)buf[2] << 8 | buf[3];
	if (body == 0) {
		return DZ_EMALF;
	}
	if (body > DZ_CTL_FRAME_MAX || body > max) {
		return DZ_ELIMIT;
	}
	*frame_len = DZ_CTL_FRAME_HDR + (size_t)body;
	return DZ_OK;
}

/*
 * Check the prefix against the buffer and start a cursor over the body.
 * The buffer must hold exactly one frame: fewer octets is a truncation,
 * more is trailing data a caller would otherwise silently drop.
 */
static int open_body(const uint8_t *frame, size_t len, uint8_t type,
                     dz_wire_ctx_t *body)
{
	size_t flen = 0;
	int ret = dz_ctl_frame_len(frame, len, DZ_CTL_FRAME_MAX, &flen);
	if (ret != DZ_OK) {
		return ret;
	}
	if (len < flen) {
		return DZ_ETRUNC;
	}
	if (len > flen) {
		return DZ_ETRAIL;
	}
	dz_wire_ctx_init_const(body, frame + DZ_CTL_FRAME_HDR,
	                       flen - DZ_CTL_FRAME_HDR);
	/* Version first: a future version may lay out everything else anew. */
	uint8_t version = dz_wire_ctx_read_u8(body);
	if (body->err != DZ_OK) {
		return body->err;
	}
	if (version != DZ_CTL_VERSION) {
		return DZ_ENOTSUP;
	}
	uint8_t got = dz_wire_ctx_read_u8(body);
	if (body->err != DZ_OK) {
		return body->err;
	}
	return got == type ? DZ_OK : DZ_EMALF;
}

static void write_prefix(uint8_t *out, size_t body_len)
{
	dz_wire_ctx_t w;
	dz_wire_ctx_init(&w, out, DZ_CTL_FRAME_HDR);
	dz_wire_ctx_write_u32(&w, (uint32_t)body_len);
}

/* ---- requests ----------------------------------------------------------- */

static int check_string(size_t idx, const char *s, size_t len)
{
	if (len > (idx == 0 ? DZ_CTL_MAX_CMD_LEN : DZ_CTL_MAX_ARG_LEN)) {
		return DZ_ELIMIT;
	}
	bool ok = idx == 0 ? dz_ctl_cmd_is_valid(s, len)
	                   : dz_ctl_arg_is_valid(s, len);
	return ok ? DZ_OK : DZ_EMALF;
}

/* The rules both the encoder and the decoder apply to a whole request. */
static int check_req(uint8_t flags, size_t argc, const char *const *argv)
{
	if ((flags & ~DZ_CTL_FLAGS_KNOWN) != 0 || argc == 0 || argv == NULL) {
		return DZ_EMALF;
	}
	if (argc > DZ_CTL_MAX_ARGS) {
		return DZ_ELIMIT;
	}
	for (size_t i = 0; i < argc; i++) {
		if (argv[i] == NULL) {
			return DZ_EMALF;
		}
		/* strnlen: never scan far past the limit of a huge argument. */
		size_t len = strnlen(argv[i], DZ_CTL_MAX_ARG_LEN + 1);
		int ret = check_string(i, argv[i], len);
		if (ret != DZ_OK) {
			return ret;
		}
	}
	return DZ_OK;
}

int dz_ctl_req_init(dz_ctl_req_t *out, uint8_t flags, size_t argc,
                    const char *const *argv)
{
	int ret = check_req(flags, argc, argv);
	if (ret != DZ_OK) {
		return ret;
	}
	out->flags = flags;
	out->argc = (uint8_t)argc;
	for (size_t i = 0; i < argc; i++) {
		memcpy(out->arg[i], argv[i], strlen(argv[i]) + 1);
	}
	return DZ_OK;
}

int dz_ctl_req_to_wire(const dz_ctl_req_t *req, uint8_t *out, size_t size)
{
	if (req->argc > DZ_CTL_MAX_ARGS) {
		return DZ_ELIMIT;
	}
	const char *argv[DZ_CTL_MAX_ARGS];
	for (size_t i = 0; i < req->argc; i++) {
		argv[i] = req->arg[i];
	}
	/* Re-validate: an encoder must never emit what the decoder refuses. */
	int ret = check_req(req->flags, req->argc, argv);
	if (ret != DZ_OK) {
		return ret;
	}
	dz_wire_ctx_t w;
	dz_wire_ctx_init(&w, out, size);
	dz_wire_ctx_skip(&w, DZ_CTL_FRAME_HDR);
	dz_wire_ctx_write_u8(&w, DZ_CTL_VERSION);
	dz_wire_ctx_write_u8(&w, DZ_CTL_TYPE_REQ);
	dz_wire_ctx_write_u8(&w, req->flags);
	dz_wire_ctx_write_u8(&w, req->argc);
	for (size_t i = 0; i < req->argc; i++) {
		size_t len = strlen(req->arg[i]);
		dz_wire_ctx_write_u16(&w, (uint16_t)len);
		dz_wire_ctx_write_bytes(&w, (const uint8_t *)req->arg[i], len);
	}
	if (w.err != DZ_OK) {
		return DZ_ESPACE;
	}
	write_prefix(out, w.pos - DZ_CTL_FRAME_HDR);
	return (int)w.pos;
}

/*
 * Walk the strings of a request body. With out == NULL only validate, so
 * that the caller's struct is written only once the whole frame is known
 * to be good (STYLE.md §4) without a 16 KiB scratch copy.
 */
static int walk_strings(dz_wire_ctx_t *r, size_t argc, dz_ctl_req_t *out)
{
	for (size_t i = 0; i < argc; i++) {
		uint16_t len = dz_wire_ctx_read_u16(r);
		const uint8_t *p = dz_wire_ctx_read_ptr(r, len);
		if (r->err != DZ_OK) {
			return r->err;
		}
		int ret = check_string(i, (const char *)p, len);
		if (ret != DZ_OK) {
			return ret;
		}
		if (out != NULL) {
			memcpy(out->arg[i], p, len);
			out->arg[i][len] = '\0';
		}
	}
	return dz_wire_ctx_available(r) == 0 ? DZ_OK : DZ_ETRAIL;
}

int dz_ctl_req_from_wire(const uint8_t *frame, size_t len, dz_ctl_req_t *out)
{
	dz_wire_ctx_t r;
	int ret = open_body(frame, len, DZ_CTL_TYPE_REQ, &r);
	if (ret != DZ_OK) {
		return ret;
	}
	uint8_t flags = dz_wire_ctx_read_u8(&r);
	uint8_t argc = dz_wire_ctx_read_u8(&r);
	if (r.err != DZ_OK) {
		return r.err;
	}
	if ((flags & ~DZ_CTL_FLAGS_KNOWN) != 0 || argc == 0) {
		return DZ_EMALF;
	}
	if (argc > DZ_CTL_MAX_ARGS) {
		return DZ_ELIMIT;
	}
	size_t start = r.pos;
	ret = walk_strings(&r, argc, NULL);
	if (ret != DZ_OK) {
		return ret;
	}
	dz_wire_ctx_set_pos(&r, start);
	out->flags = flags;
	out->argc = argc;
	return walk_strings(&r, argc, out);
}

/* ---- responses ---------------------------------------------------------- */

int dz_ctl_resp_hdr_to_wire(int status, size_t text_len, uint8_t *out,
                            size_t size)
{
	if (status > 0) {
		return DZ_EINVAL;
	}
	if (text_len > DZ_CTL_RESP_TEXT_MAX) {
		return DZ_ELIMIT;
	}
	if (size < DZ_CTL_RESP_HDR) {
		return DZ_ESPACE;
	}
	dz_wire_ctx_t w;
	dz_wire_ctx_init(&w, out, DZ_CTL_RESP_HDR);
	dz_wire_ctx_write_u32(&w, (uint32_t)(DZ_CTL_RESP_HDR - DZ_CTL_FRAME_HDR +
	                                     text_len));
	dz_wire_ctx_write_u8(&w, DZ_CTL_VERSION);
	dz_wire_ctx_write_u8(&w, DZ_CTL_TYPE_RESP);
	dz_wire_ctx_write_u8(&w, 0);
	/* Two's complement on the wire: the status is negative. */
	dz_wire_ctx_write_u32(&w, (uint32_t)(int32_t)status);
	return w.err;
}

int dz_ctl_resp_to_wire(const dz_ctl_resp_t *resp, uint8_t *out, size_t size)
{
	if (resp->text_len > DZ_CTL_RESP_TEXT_MAX) {
		return DZ_ELIMIT;
	}
	if (!dz_ctl_text_is_valid(resp->text, resp->text_len)) {
		return DZ_EMALF;
	}
	int ret = dz_ctl_resp_hdr_to_wire(resp->status, resp->text_len, out,
	                                  size);
	if (ret != DZ_OK) {
		return ret;
	}
	if (size - DZ_CTL_RESP_HDR < resp->text_len) {
		return DZ_ESPACE;
	}
	if (resp->text_len > 0) {
		memcpy(out + DZ_CTL_RESP_HDR, resp->text, resp->text_len);
	}
	return (int)(DZ_CTL_RESP_HDR + resp->text_len);
}

int dz_ctl_resp_from_wire(const uint8_t *frame, size_t len,
                          dz_ctl_resp_t *out)
{
	dz_wire_ctx_t r;
	int ret = open_body(frame, len, DZ_CTL_TYPE_RESP, &r);
	if (ret != DZ_OK) {
		return ret;
	}
	uint8_t flags = dz_wire_ctx_read_u8(&r);
	uint32_t raw = dz_wire_ctx_read_u32(&r);
	if (r.err != DZ_OK) {
		return r.err;
	}
	int32_t status = (int32_t)raw;
	if (flags != 0 || status > 0) {
		return DZ_EMALF;
	}
	size_t text_len = dz_wire_ctx_available(&r);
	const char *text = (const char *)(r.buf + r.pos);
	if (!dz_ctl_text_is_valid(text, text_len)) {
		return DZ_EMALF;
	}
	out->status = status;
	out->text = text_len > 0 ? text : "";
	out->text_len = text_len;
	return DZ_OK;
}
