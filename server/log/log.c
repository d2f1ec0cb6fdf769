/* SPDX-License-Identifier: BSD-3-Clause */
/* The daemon's event log: the target set, its atomic replacement, reopening, and dispatch. */
#include "server/log/log.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <syslog.h>
#include <unistd.h>

#include "lib/util/errcode.h"
#include "lib/wire/name.h"
#include "server/log/log_format.h"

#define SYSLOG_IDENT "dynzoned"
#define FILE_MODE 0640
/* "ffff:...:255.255.255.255%4294967295#65535" */
#define PEER_MAX (INET6_ADDRSTRLEN + 20)

/* One open output. fd is fixed for the sink's life: log_reopen() swaps the
 * file under it with dup2(), so writers never see a closed descriptor. */
typedef struct {
	log_target_kind_t kind;
	log_format_t format;
	log_level_t level;
	uint32_t cats;
	int fd; /* -1 for syslog */
	char *path;
} sink_t;

typedef struct {
	size_t count;
	bool syslog;
	sink_t sink[];
} sink_set_t;

/*
 * Locking: g_admin serialises the rare operations (set, reopen, close,
 * category switches); g_set is read under g_lock's read side by every event
 * and replaced under its write side, which is held only for the pointer swap.
 * g_levels is what log_enabled() reads without any lock.
 */
static pthread_once_t g_once = PTHREAD_ONCE_INIT;
static pthread_rwlock_t g_lock;
static pthread_mutex_t g_admin = PTHREAD_MUTEX_INITIALIZER;
static sink_set_t *g_set;
static bool g_syslog_open;
/* Per category: 0 = nothing written, else 1 + the least severe level. */
static _Atomic unsigned char g_levels[LOG_CAT_COUNT];
static atomic_uint g_switch = LOG_CAT_ALL & ~LOG_CAT_BIT(LOG_CAT_QUERY);
static atomic_uint_least64_t g_dropped;
static _Atomic(log_clock_fn) g_clock;

static const char *const level_names[LOG_LEVEL_COUNT] = {
	"error", "warning", "notice", "info", "debug",
};

static const char *const cat_names[LOG_CAT_COUNT] = {
	"general", "query", "update", "notify",
	"xfr-in", "xfr-out", "security", "control",
};

/* ===== Names ============================================================ */

const char *log_level_to_str(log_level_t level)
{
	return (unsigned)level < LOG_LEVEL_COUNT ? level_names[level] : "?";
}

const char *log_category_to_str(log_category_t cat)
{
	return (unsigned)cat < LOG_CAT_COUNT ? cat_names[cat] : "?";
}

int log_level_from_str(const char *str, log_level_t *out)
{
	for (int i = 0; str != NULL && i < LOG_LEVEL_COUNT; i++) {
		if (strcmp(str, level_names[i]) == 0) {
			*out = (log_level_t)i;
			return DZ_OK;
		}
	}
	return DZ_EINVAL;
}

int log_category_from_str(const char *str, log_category_t *out)
{
	for (int i = 0; str != NULL && i < LOG_CAT_COUNT; i++) {
		if (strcmp(str, cat_names[i]) == 0) {
			*out = (log_category_t)i;
			return DZ_OK;
		}
	}
	return DZ_EINVAL;
}

/* ===== Target sets ====================================================== */

static void lock_init(void)
{
	/* Writer preference: a reload must not starve behind busy loggers. */
	pthread_rwlockattr_t attr;
	pthread_rwlockattr_init(&attr);
	pthread_rwlockattr_setkind_np(&attr,
		PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&g_lock, &attr);
	pthread_rwlockattr_destroy(&attr);
}

static void admin_lock(void)
{
	pthread_once(&g_once, lock_init);
	pthread_mutex_lock(&g_admin);
}

static void admin_unlock(void)
{
	pthread_mutex_unlock(&g_admin);
}

static bool target_is_valid(const log_target_t *t)
{
	if ((unsigned)t->format > LOG_FORMAT_JSON ||
	    (unsigned)t->level >= LOG_LEVEL_COUNT ||
	    (t->categories & ~LOG_CAT_ALL) != 0) {
		return false;
	}
	switch (t->kind) {
	case LOG_TARGET_STDERR:
	case LOG_TARGET_SYSLOG:
		return true;
	case LOG_TARGET_FILE:
		return t->path != NULL && t->path[0] != '\0';
	default:
		return false;
	}
}

static int open_file(const char *path, int *fd)
{
	int ret = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	               FILE_MODE);
	if (ret < 0) {
		return dz_errno();
	}
	*fd = ret;
	return DZ_OK;
}

static void set_free(sink_set_t *set)
{
	if (set == NULL) {
		return;
	}
	for (size_t i = 0; i < set->count; i++) {
		if (set->sink[i].kind == LOG_TARGET_FILE) {
			/* Closing a log file cannot lose data we could save. */
			(void)close(set->sink[i].fd);
		}
		free(set->sink[i].path);
	}
	free(set);
}

static int sink_init(sink_t *s, const log_target_t *t)
{
	*s = (sink_t){.kind = t->kind, .format = t->format, .level = t->level,
	              .cats = t->categories, .fd = -1};
	if (t->kind == LOG_TARGET_STDERR) {
		s->fd = STDERR_FILENO;
	}
	if (t->kind != LOG_TARGET_FILE) {
		return DZ_OK;
	}
	s->path = strdup(t->path);
	if (s->path == NULL) {
		return DZ_ENOMEM;
	}
	return open_file(s->path, &s->fd);
}

/* Build a set with every file open; on failure name the culprit. */
static int set_new(const log_target_t *t, size_t count, sink_set_t **out,
                   const char **failed)
{
	sink_set_t *set = calloc(1, sizeof(*set) + count * sizeof(sink_t));
	if (set == NULL) {
		return DZ_ENOMEM;
	}
	for (size_t i = 0; i < count; i++) {
		int ret = sink_init(&set->sink[i], &t[i]);
		set->count = i + 1;
		if (ret != DZ_OK) {
			*failed = t[i].path;
			set_free(set);
			return ret;
		}
		set->syslog |= t[i].kind == LOG_TARGET_SYSLOG;
	}
	*out = set;
	return DZ_OK;
}

/* Recompute what log_enabled() reads. Called with g_admin held. */
static void levels_update(const sink_set_t *set)
{
	unsigned on = atomic_load(&g_switch);
	for (unsigned c = 0; c < LOG_CAT_COUNT; c++) {
		unsigned char lv = 0;
		for (size_t i = 0; set != NULL && i < set->count; i++) {
			const sink_t *s = &set->sink[i];
			if ((on & s->cats & LOG_CAT_BIT(c)) != 0 &&
			    (unsigned)s->level + 1 > lv) {
				lv = (unsigned char)(s->level + 1);
			}
		}
		atomic_store_explicit(&g_levels[c], lv, memory_order_relaxed);
	}
}

/* Publish \p set, return the old one (no reader holds it any more). */
static sink_set_t *set_swap(sink_set_t *set)
{
	pthread_rwlock_wrlock(&g_lock);
	sink_set_t *old = g_set;
	g_set = set;
	levels_update(set);
	pthread_rwlock_unlock(&g_lock);
	return old;
}

/* Open syslog before a set using it is published and close it only after
 * the last set using it is gone, so no reader ever logs to a closed one. */
static void syslog_sync(const sink_set_t *set, bool published)
{
	bool want = set != NULL && set->syslog;
	if (want && !g_syslog_open) {
		/* LOG_NDELAY: connect now, before a chroot or privilege drop. */
		openlog(SYSLOG_IDENT, LOG_PID | LOG_NDELAY, LOG_DAEMON);
		g_syslog_open = true;
	} else if (!want && g_syslog_open && published) {
		closelog();
		g_syslog_open = false;
	}
}

int log_set_targets(const log_target_t *targets, size_t count)
{
	if (count > 0 && targets == NULL) {
		return DZ_EINVAL;
	}
	for (size_t i = 0; i < count; i++) {
		if (!target_is_valid(&targets[i])) {
			return DZ_EINVAL;
		}
	}
	admin_lock();
	sink_set_t *set = NULL;
	const char *failed = NULL;
	int ret = set_new(targets, count, &set, &failed);
	if (ret == DZ_OK) {
		syslog_sync(set, false);
		set_free(set_swap(set));
		syslog_sync(set, true);
	}
	admin_unlock();
	if (ret != DZ_OK) {
		log_event(LOG_LEVEL_ERROR, LOG_CAT_GENERAL, NULL, NULL,
		          "log-open-failed", "path=%s err=%s",
		          failed != NULL ? failed : "-", dz_strerror(ret));
	}
	return ret;
}

int log_open_default(void)
{
	const log_target_t t = {
		.kind = LOG_TARGET_STDERR,
		.format = LOG_FORMAT_TEXT,
		.level = LOG_LEVEL_INFO,
		.categories = LOG_CAT_ALL,
	};
	return log_set_targets(&t, 1);
}

void log_close(void)
{
	admin_lock();
	set_free(set_swap(NULL));
	syslog_sync(NULL, true);
	admin_unlock();
}

/* Point the sink's descriptor at a fresh open of its path. */
static int sink_reopen(const sink_t *s)
{
	int fd = -1;
	int ret = open_file(s->path, &fd);
	if (ret != DZ_OK) {
		return ret;
	}
	/* dup2 replaces atomically: a concurrent write() lands whole in the
	 * old file or the new one. */
	if (dup2(fd, s->fd) < 0) {
		ret = dz_errno();
	}
	(void)close(fd); /* a duplicate; s->fd keeps the file open */
	return ret;
}

int log_reopen(void)
{
	int first = DZ_OK;
	size_t files = 0;
	admin_lock();
	/* g_set only changes under g_admin, which we hold. */
	for (size_t i = 0; g_set != NULL && i < g_set->count; i++) {
		const sink_t *s = &g_set->sink[i];
		if (s->kind != LOG_TARGET_FILE) {
			continue;
		}
		int ret = sink_reopen(s);
		if (ret != DZ_OK) {
			log_event(LOG_LEVEL_ERROR, LOG_CAT_GENERAL, NULL, NULL,
			          "log-reopen-failed", "path=%s err=%s",
			          s->path, dz_strerror(ret));
			first = first == DZ_OK ? ret : first;
			continue;
		}
		files++;
	}
	admin_unlock();
	if (first == DZ_OK) {
		log_event(LOG_LEVEL_INFO, LOG_CAT_GENERAL, NULL, NULL,
		          "log-reopened", "files=%zu", files);
	}
	return first;
}

/* ===== Switches and counters ============================================ */

bool log_enabled(log_category_t cat, log_level_t level)
{
	if ((unsigned)cat >= LOG_CAT_COUNT) {
		return false;
	}
	unsigned lv = atomic_load_explicit(&g_levels[cat], memory_order_relaxed);
	return (unsigned)level < lv;
}

void log_category_set(log_category_t cat, bool on)
{
	if ((unsigned)cat >= LOG_CAT_COUNT) {
		return;
	}
	admin_lock();
	if (on) {
		atomic_fetch_or(&g_switch, LOG_CAT_BIT(cat));
	} else {
		atomic_fetch_and(&g_switch, ~LOG_CAT_BIT(cat));
	}
	levels_update(g_set);
	admin_unlock();
}

bool log_category_is_on(log_category_t cat)
{
	return (unsigned)cat < LOG_CAT_COUNT &&
	       (atomic_load(&g_switch) & LOG_CAT_BIT(cat)) != 0;
}

uint64_t log_dropped(void)
{
	return atomic_load_explicit(&g_dropped, memory_order_relaxed);
}

void log_set_clock(log_clock_fn fn)
{
	atomic_store(&g_clock, fn);
}

/* ===== Events =========================================================== */

static void clock_now(struct timespec *now)
{
	log_clock_fn fn = atomic_load(&g_clock);
	if (fn != NULL) {
		fn(now);
	} else if (clock_gettime(CLOCK_REALTIME, now) != 0) {
		*now = (struct timespec){0};
	}
}

/* addr#port, as BIND and dig write it; AF_UNIX peers are "local". */
static const char *peer_to_str(char *buf, size_t len,
                               const struct sockaddr *sa)
{
	char addr[INET6_ADDRSTRLEN] = "?";
	if (sa->sa_family == AF_INET) {
		struct sockaddr_in in;
		memcpy(&in, sa, sizeof(in));
		inet_ntop(AF_INET, &in.sin_addr, addr, sizeof(addr));
		snprintf(buf, len, "%s#%u", addr, ntohs(in.sin_port));
	} else if (sa->sa_family == AF_INET6) {
		struct sockaddr_in6 in6;
		memcpy(&in6, sa, sizeof(in6));
		inet_ntop(AF_INET6, &in6.sin6_addr, addr, sizeof(addr));
		if (in6.sin6_scope_id != 0) {
			snprintf(buf, len, "%s%%%u#%u", addr,
			         (unsigned)in6.sin6_scope_id,
			         ntohs(in6.sin6_port));
		} else {
			snprintf(buf, len, "%s#%u", addr, ntohs(in6.sin6_port));
		}
	} else {
		snprintf(buf, len, "%s",
		         sa->sa_family == AF_UNIX ? "local" : "unknown");
	}
	return buf;
}

static int syslog_prio(log_level_t level)
{
	static const int prio[LOG_LEVEL_COUNT] = {
		LOG_ERR, LOG_WARNING, LOG_NOTICE, LOG_INFO, LOG_DEBUG,
	};
	return prio[level];
}

/*
 * One write() per line: O_APPEND files and pipes (lines <= PIPE_BUF) never
 * interleave concurrent lines. Void on purpose, the one exception to
 * STYLE.md §4: a failed log write is counted in log_dropped(), because
 * reporting it through the log would recurse and failing the caller (a
 * query, an update) over a log line would be worse than losing the line.
 * (A stderr pipe whose reader died raises SIGPIPE: the daemon ignores it.)
 */
static void write_line(int fd, const char *line, size_t len)
{
	ssize_t n;
	do {
		n = write(fd, line, len);
	} while (n < 0 && errno == EINTR);
	if (n != (ssize_t)len) {
		atomic_fetch_add_explicit(&g_dropped, 1, memory_order_relaxed);
	}
}

/* Rendered forms of one event, each made at most once. */
typedef struct {
	char text[LOG_LINE_MAX];
	char json[LOG_LINE_MAX];
	size_t text_len, json_len, msg_off;
} lines_t;

static void sink_emit(const sink_t *s, lines_t *l, const log_record_t *rec,
                      const log_fields_t *fields)
{
	const char *line = l->text;
	size_t len, off = 0;
	if (s->format == LOG_FORMAT_JSON) {
		if (l->json_len == 0) {
			l->json_len = log_format_json(l->json, rec, fields);
		}
		line = l->json;
		len = l->json_len;
	} else {
		if (l->text_len == 0) {
			l->text_len = log_format_text(l->text, rec, fields,
			                              &l->msg_off);
		}
		len = l->text_len;
		off = l->msg_off; /* syslog stamps lines itself */
	}
	if (s->kind == LOG_TARGET_SYSLOG) {
		syslog(syslog_prio(rec->level), "%.*s",
		       (int)(len - off - 1), line + off);
	} else {
		write_line(s->fd, line, len);
	}
}

static void dispatch(const log_record_t *rec, const log_fields_t *fields)
{
	lines_t lines;
	lines.text_len = lines.json_len = lines.msg_off = 0;
	pthread_rwlock_rdlock(&g_lock);
	for (size_t i = 0; g_set != NULL && i < g_set->count; i++) {
		const sink_t *s = &g_set->sink[i];
		if ((s->cats & LOG_CAT_BIT(rec->cat)) != 0 &&
		    rec->level <= s->level) {
			sink_emit(s, &lines, rec, fields);
		}
	}
	pthread_rwlock_unlock(&g_lock);
}

void log_vevent(log_level_t level, log_category_t cat, const uint8_t *zone,
                const struct sockaddr *peer, const char *event,
                const char *fmt, va_list ap)
{
	if (event == NULL || (unsigned)level >= LOG_LEVEL_COUNT ||
	    !log_enabled(cat, level)) {
		return;
	}
	int saved_errno = errno; /* callers may log between a failure and errno */
	log_fields_t fields;
	log_fields_parse(&fields, fmt, ap);
	char zbuf[DZ_NAME_MAXSTR];
	char pbuf[PEER_MAX];
	log_record_t rec = {.level = level, .cat = cat, .event = event};
	if (zone != NULL) {
		rec.zone = dz_name_to_str(zbuf, sizeof(zbuf), zone) >= 0 ? zbuf : "?";
	}
	if (peer != NULL) {
		rec.peer = peer_to_str(pbuf, sizeof(pbuf), peer);
	}
	clock_now(&rec.ts);
	pthread_once(&g_once, lock_init);
	dispatch(&rec, &fields);
	errno = saved_errno;
}

void log_event(log_level_t level, log_category_t cat, const uint8_t *zone,
               const struct sockaddr *peer, const char *event,
               const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_vevent(level, cat, zone, peer, event, fmt, ap);
	va_end(ap);
}
