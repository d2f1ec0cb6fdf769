/* SPDX-License-Identifier: BSD-3-Clause */
/* Rendering of one log event as a text or JSON line (internal to server/log). */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "server/log/log.h"

#define LOG_FIELDS_MAX 32

/* One key=value token of the details; offsets into log_fields_t.buf. */
typedef struct {
	uint16_t key_off, key_len;
	uint16_t val_off, val_len;
	bool bare;   /* token had no '=' */
	bool number; /* value is a JSON number (see log_format.c) */
} log_field_t;

/* The details of an event, expanded once and rendered in every format. */
typedef struct {
	char buf[LOG_LINE_MAX];
	size_t used;
	log_field_t f[LOG_FIELDS_MAX];
	size_t count;
	bool truncated;
} log_fields_t;

/* Everything but the details; strings are NUL-terminated, or NULL. */
typedef struct {
	struct timespec ts;
	log_level_t level;
	log_category_t cat;
	const char *zone; /* presentation form */
	const char *peer; /* addr#port */
	const char *event;
} log_record_t;

/*
 * Expand printf-style \p fmt into key=value fields. Never fails: what does
 * not fit sets \p out->truncated. \p fmt NULL gives no fields.
 */
void log_fields_parse(log_fields_t *out, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/*
 * Render one line, '\n'-terminated, into \p dst (LOG_LINE_MAX octets).
 * Returns its length. For text, *msg_off is the offset just past the
 * timestamp (what syslog gets, as syslog stamps lines itself).
 */
size_t log_format_text(char *dst, const log_record_t *rec,
                       const log_fields_t *fields, size_t *msg_off);
size_t log_format_json(char *dst, const log_record_t *rec,
                       const log_fields_t *fields);
