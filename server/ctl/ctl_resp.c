/* SPDX-License-Identifier: BSD-3-Clause */
/* Response builder of the control channel: text appended in place after room for the frame header. */
#include "server/ctl/ctl_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util/errcode.h"

#define RESP_INITIAL_CAP 1024
#define RESP_MAX_LEN (DZ_CTL_RESP_HDR + DZ_CTL_RESP_TEXT_MAX)

void ctl__resp_init(ctl_resp_t *resp)
{
	memset(resp, 0, sizeof(*resp));
	resp->status = DZ_OK;
	resp->overflow = DZ_OK;
}

void ctl__resp_clear(ctl_resp_t *resp)
{
	free(resp->buf);
	ctl__resp_init(resp);
}

/* Make room for n more octets, doubling; DZ_ESPACE past the frame limit. */
static int reserve(ctl_resp_t *resp, size_t n)
{
	if (resp->overflow != DZ_OK) {
		return DZ_ESPACE;
	}
	if (resp->len == 0) {
		resp->len = DZ_CTL_RESP_HDR;
	}
	if (n > RESP_MAX_LEN - resp->len) {
		resp->overflow = DZ_ELIMIT;
		return DZ_ESPACE;
	}
	size_t need = resp->len + n;
	if (need <= resp->cap) {
		return DZ_OK;
	}
	size_t cap = resp->cap > 0 ? resp->cap : RESP_INITIAL_CAP;
	while (cap < need) {
		cap *= 2;
	}
	cap = cap < RESP_MAX_LEN ? cap : RESP_MAX_LEN;
	uint8_t *buf = realloc(resp->buf, cap);
	if (buf == NULL) {
		resp->overflow = DZ_ENOMEM;
		return DZ_ENOMEM;
	}
	resp->buf = buf;
	resp->cap = cap;
	return DZ_OK;
}

/* Longest prefix of s that is one valid response character, or 0. */
static size_t valid_char(const char *s, size_t len)
{
	size_t max = len < 4 ? len : 4;
	for (size_t n = 1; n <= max; n++) {
		if (dz_ctl_text_is_valid(s, n)) {
			return n;
		}
	}
	return 0;
}

int ctl_resp_append(ctl_resp_t *resp, const char *text, size_t len)
{
	int ret = reserve(resp, len);
	if (ret != DZ_OK || len == 0) {
		return ret;
	}
	if (dz_ctl_text_is_valid(text, len)) {
		memcpy(resp->buf + resp->len, text, len);
		resp->len += len;
		return DZ_OK;
	}
	/* Slow path for zone data and the like: one '?' per bad octet, so
	 * the length (already reserved) never grows. */
	size_t i = 0;
	while (i < len) {
		size_t n = valid_char(text + i, len - i);
		if (n == 0) {
			resp->buf[resp->len++] = '?';
			i++;
		} else {
			memcpy(resp->buf + resp->len, text + i, n);
			resp->len += n;
			i += n;
		}
	}
	return DZ_OK;
}

int ctl_resp_printf(ctl_resp_t *resp, const char *fmt, ...)
{
	char small[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0) {
		return DZ_EINVAL;
	}
	if ((size_t)n < sizeof(small)) {
		return ctl_resp_append(resp, small, (size_t)n);
	}
	char *big = malloc((size_t)n + 1);
	if (big == NULL) {
		return DZ_ENOMEM;
	}
	va_start(ap, fmt);
	(void)vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	int ret = ctl_resp_append(resp, big, (size_t)n);
	free(big);
	return ret;
}

/* RFC 8259 §7: quote, backslash and controls must be escaped. */
int ctl_resp_json_str(ctl_resp_t *resp, const char *s)
{
	int ret = ctl_resp_append(resp, "\"", 1);
	for (const char *p = s; ret == DZ_OK && *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '"' || c == '\\') {
			char esc[2] = {'\\', (char)c};
			ret = ctl_resp_append(resp, esc, 2);
		} else if (c < 0x20 || c == 0x7f) {
			ret = ctl_resp_printf(resp, "\\u%04x", c);
		} else {
			/* Runs of plain octets; bad UTF-8 becomes '?'. */
			size_t n = strcspn(p, "\"\\\x01\x02\x03\x04\x05\x06\x07"
			                      "\x08\t\n\x0b\x0c\r\x0e\x0f\x10\x11"
			                      "\x12\x13\x14\x15\x16\x17\x18\x19"
			                      "\x1a\x1b\x1c\x1d\x1e\x1f\x7f");
			ret = ctl_resp_append(resp, p, n);
			p += n - 1;
		}
	}
	return ret == DZ_OK ? ctl_resp_append(resp, "\"", 1) : ret;
}

void ctl_resp_set_status(ctl_resp_t *resp, int status)
{
	resp->status = status <= 0 ? status : DZ_EINVAL;
}

/* The text the client shows when the answer could not be built. */
static int finish_overflow(ctl_resp_t *resp)
{
	int err = resp->overflow;
	ctl__resp_clear(resp);
	resp->status = err;
	const char *msg = err == DZ_ELIMIT ? "response too large"
	                                   : "out of memory building response";
	return ctl_resp_append(resp, msg, strlen(msg));
}

int ctl__resp_finish(ctl_resp_t *resp, uint8_t **frame, size_t *len)
{
	if (resp->overflow != DZ_OK && finish_overflow(resp) != DZ_OK) {
		ctl__resp_clear(resp);
		return DZ_ENOMEM;
	}
	if (reserve(resp, 0) != DZ_OK) {
		ctl__resp_clear(resp);
		return DZ_ENOMEM;
	}
	int ret = dz_ctl_resp_hdr_to_wire(resp->status,
	                                  resp->len - DZ_CTL_RESP_HDR,
	                                  resp->buf, resp->cap);
	if (ret != DZ_OK) {
		ctl__resp_clear(resp);
		return ret;
	}
	*frame = resp->buf;
	*len = resp->len;
	ctl__resp_init(resp);
	return DZ_OK;
}
