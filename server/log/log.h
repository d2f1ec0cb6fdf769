/* SPDX-License-Identifier: BSD-3-Clause */
/* The daemon's event log: one line per event, to stderr, syslog or files, as text or JSON. */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct sockaddr;

/*
 * Severity, most severe first. A target with level L writes every event whose
 * level is L or more severe. The names avoid syslog.h's LOG_ERR etc., which
 * are macros.
 */
typedef enum {
	LOG_LEVEL_ERROR = 0,
	LOG_LEVEL_WARNING,
	LOG_LEVEL_NOTICE,
	LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG,
	LOG_LEVEL_COUNT
} log_level_t;

/* What an event is about; each has a run-time switch (log_category_set). */
typedef enum {
	LOG_CAT_GENERAL = 0,
	LOG_CAT_QUERY,
	LOG_CAT_UPDATE,
	LOG_CAT_NOTIFY,
	LOG_CAT_XFR_IN,
	LOG_CAT_XFR_OUT,
	LOG_CAT_SECURITY,
	LOG_CAT_CONTROL,
	LOG_CAT_COUNT
} log_category_t;

/* A category mask bit, and the mask holding every category. */
#define LOG_CAT_BIT(cat) (1u << (unsigned)(cat))
#define LOG_CAT_ALL ((1u << LOG_CAT_COUNT) - 1u)

typedef enum { LOG_FORMAT_TEXT = 0, LOG_FORMAT_JSON } log_format_t;

typedef enum {
	LOG_TARGET_STDERR = 0,
	LOG_TARGET_SYSLOG,
	LOG_TARGET_FILE
} log_target_kind_t;

/*
 * Longest line written, newline included. Equal to Linux's PIPE_BUF so a line
 * written to a pipe (stderr under a supervisor) is atomic too; longer events
 * are cut at a field boundary and marked truncated.
 */
#define LOG_LINE_MAX 4096

/* One output of the log, as the `log:` section of the configuration says. */
typedef struct {
	log_target_kind_t kind;
	const char *path;    /* LOG_TARGET_FILE only; copied by log_set_targets */
	log_format_t format;
	log_level_t level;   /* least severe level written */
	uint32_t categories; /* LOG_CAT_BIT() mask */
} log_target_t;

/* A clock for timestamps; tests install a fixed one. */
typedef void (*log_clock_fn)(struct timespec *now);

/*
 * Log to stderr, text format, level info, every category: the embedded
 * default of a dynzoned started without -c. Returns DZ_OK.
 */
int log_open_default(void);

/*
 * Replace the whole target set at once (start-up and reload). Every file is
 * opened (O_APPEND, created 0640) before anything is swapped, so on failure
 * the old set stays in place, an error event `log-open-failed` goes to it,
 * and DZ_EINVAL (bad kind/format/level/mask/path) or -errno is returned.
 * An empty set (count 0) turns logging off. Thread safe.
 */
int log_set_targets(const log_target_t *targets, size_t count);

/* Close every target; later events are discarded (not counted as dropped). */
void log_close(void);

/*
 * Reopen every file target by path (after logrotate renamed it; call from
 * the SIGHUP handler's loop callback, not from the signal handler). Writers
 * switch atomically to the new file. Logs `log-reopened` on success or
 * `log-reopen-failed` (the old file stays in use) and returns the first
 * failure's -errno.
 */
int log_reopen(void);

/*
 * True if an event of this category and level would be written anywhere.
 * One relaxed atomic load: use it to guard costly debug formatting.
 */
bool log_enabled(log_category_t cat, log_level_t level);

/*
 * Run-time switch of a category (`dynzone ctl log query on`). Every category
 * starts on except LOG_CAT_QUERY, which is high volume; a category that is
 * off is not written even where a target's mask includes it.
 */
void log_category_set(log_category_t cat, bool on);
bool log_category_is_on(log_category_t cat);

/*
 * Log one event. \p zone is a wire-form name or NULL, \p peer an AF_INET,
 * AF_INET6 or AF_UNIX address or NULL, \p event a stable kebab-case name
 * (docs/log-events.md). \p fmt gives the details as space-separated
 * key=value tokens; a literal space in \p fmt ends a value, so text from
 * arguments can never forge a field: a value with spaces, quotes or control
 * bytes is quoted and escaped. \p fmt may be NULL (no details).
 *
 * Never fails the caller: a target whose write fails is counted in
 * log_dropped() (the one void I/O function allowed, STYLE.md §4 - logging
 * a logging failure would recurse, and an event must not fail a query).
 */
void log_event(log_level_t level, log_category_t cat, const uint8_t *zone,
               const struct sockaddr *peer, const char *event,
               const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* log_event() with a va_list. */
void log_vevent(log_level_t level, log_category_t cat, const uint8_t *zone,
                const struct sockaddr *peer, const char *event,
                const char *fmt, va_list ap)
	__attribute__((format(printf, 6, 0)));

/* Number of lines that could not be written (whole or in part) so far. */
uint64_t log_dropped(void);

/* Install a clock for timestamps; NULL restores CLOCK_REALTIME. */
void log_set_clock(log_clock_fn fn);

/* Names as in the configuration ("warning", "xfr-in"); never NULL. */
const char *log_level_to_str(log_level_t level);
const char *log_category_to_str(log_category_t cat);

/* Parse a configuration name; DZ_OK and *out, or DZ_EINVAL. */
int log_level_from_str(const char *str, log_level_t *out);
int log_category_from_str(const char *str, log_category_t *out);
