/* SPDX-License-Identifier: BSD-3-Clause */
/* Diagnostics of the dynzone tool: one place that writes to stderr. */
#pragma once

#include <stdarg.h>

typedef enum {
	MSG_ERROR,
	MSG_WARNING,
	MSG_NOTICE,
} msg_level_t;

/*
 * "dynzone: error: <text>\n" on stderr, for failures of the tool itself
 * (usage, files that cannot be opened, out of memory).
 */
void msg_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "dynzone: warning: <text>\n" on stderr. */
void msg_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * "<where>: <level>: <text>\n" on stderr, for findings about the input, where
 * <where> locates them ("zone.db:7:1", "zone example.test/IN: www.example.test").
 */
void msg_at(const char *where, msg_level_t level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* As msg_at, with a va_list. */
void msg_vat(const char *where, msg_level_t level, const char *fmt,
	     va_list ap) __attribute__((format(printf, 3, 0)));
