/* SPDX-License-Identifier: BSD-3-Clause */
/* Diagnostics of the dynzone tool: one place that writes to stderr. */

#include "tools/common/msg.h"

#include <stdio.h>

static const char *level_str(msg_level_t level)
{
	switch (level) {
	case MSG_ERROR:
		return "error";
	case MSG_WARNING:
		return "warning";
	case MSG_NOTICE:
		return "notice";
	}
	return "error";
}

void msg_vat(const char *where, msg_level_t level, const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: %s: ", where, level_str(level));
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void msg_at(const char *where, msg_level_t level, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	msg_vat(where, level, fmt, ap);
	va_end(ap);
}

void msg_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	msg_vat("dynzone", MSG_ERROR, fmt, ap);
	va_end(ap);
}

void msg_warning(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	msg_vat("dynzone", MSG_WARNING, fmt, ap);
	va_end(ap);
}
