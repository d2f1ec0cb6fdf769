/* SPDX-License-Identifier: BSD-3-Clause */
/* `dynzone demo`: read both servers' JSON logs and print the events of one change in time order. */

#include "tools/demo/demo_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/util/errcode.h"

#define FIELDS_MAX 32
#define KEY_MAX 32
#define VAL_MAX 256

/*
 * The steps in causal order: the rank breaks ties between lines of the
 * two servers written in the same millisecond (the logs' resolution).
 * `need` marks the steps that must appear for the demo to succeed.
 */
static const struct step {
	const char *event;
	bool need;
	const char *what;
} steps[] = {
        {"update-applied", true, "the update is on disk (journal) and served"},
        {"notify-sent", true, "NOTIFY (RFC 1996) leaves for the secondary"},
        {"notify-received", true,
         "NOTIFY accepted: the secondary refreshes now"},
        {"notify-answered", true, "the secondary's answer reaches the primary"},
        {"refresh-up-to-date", false, "SOA query: nothing newer to fetch"},
        {"xfr-in-started", true, "SOA query: the primary is newer, IXFR asked"},
        {"xfr-in-fallback", false, "the IXFR could not be used: AXFR instead"},
        {"xfr-out-done", false, "the primary has sent the difference"},
        {"xfr-in-done", true, "the difference is applied and served"},
};

static int step_rank(const char *event)
{
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		if (strcmp(steps[i].event, event) == 0) {
			return (int)i;
		}
	}
	return -1;
}

/* ---- a flat JSON object, as server/log writes one per line ----------------
 */

typedef struct field {
	char key[KEY_MAX];
	char val[VAL_MAX];
	bool str; /* the value was a JSON string */
} field_t;

static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') {
		p++;
	}
	return p;
}

/* A JSON string at \p p (after its quote) into \p out; past its end quote.
 * \uXXXX beyond ASCII becomes '?': only shown to a person. */
static const char *json_string(const char *p, char *out, size_t cap)
{
	size_t n = 0;
	while (*p != '"') {
		char c = *p++;
		if (c == '\0') {
			return NULL;
		}
		if (c == '\\') {
			c = *p++;
			if (c == 'u') {
				unsigned v = 0;
				if (sscanf(p, "%4x", &v) != 1 ||
				    strlen(p) < 4) {
					return NULL;
				}
				p += 4;
				c = v >= 0x20 && v < 0x7f ? (char)v : '?';
			} else if (c == 'n' || c == 't' || c == 'r' ||
			           c == 'b' || c == 'f') {
				c = ' ';
			} else if (c == '\0') {
				return NULL;
			}
		}
		if (n + 1 < cap) {
			out[n++] = c;
		}
	}
	out[n] = '\0';
	return p + 1;
}

/* A number, true/false/null: up to the next ',' or '}'. */
static const char *json_bare(const char *p, char *out, size_t cap)
{
	size_t n = 0;
	while (*p != ',' && *p != '}' && *p != '\0') {
		if (n + 1 < cap && *p != ' ') {
			out[n++] = *p;
		}
		p++;
	}
	out[n] = '\0';
	return *p == '\0' ? NULL : p;
}

/* The members of one object; their count, or -1 if the line is not one. */
static int json_fields(const char *line, field_t *f, int max)
{
	const char *p = skip_ws(line);
	if (*p++ != '{') {
		return -1;
	}
	int n = 0;
	for (p = skip_ws(p); *p != '}'; p = skip_ws(p)) {
		if (n == max || *p != '"') {
			return -1;
		}
		p = json_string(p + 1, f[n].key, KEY_MAX);
		if (p == NULL || *(p = skip_ws(p)) != ':') {
			return -1;
		}
		p = skip_ws(p + 1);
		f[n].str = *p == '"';
		p = f[n].str ? json_string(p + 1, f[n].val, VAL_MAX)
		             : json_bare(p, f[n].val, VAL_MAX);
		if (p == NULL) {
			return -1;
		}
		n++;
		p = skip_ws(p);
		if (*p == ',') {
			p++;
		} else if (*p != '}') {
			return -1;
		}
	}
	return n;
}

static const field_t *get(const field_t *f, int n, const char *key)
{
	for (int i = 0; i < n; i++) {
		if (strcmp(f[i].key, key) == 0) {
			return &f[i];
		}
	}
	return NULL;
}

/* "2026-11-25T19:00:00.123Z" -> milliseconds since the epoch. */
static int ts_ms(const char *ts, int64_t *out)
{
	struct tm tm = {0};
	int ms = 0;
	if (sscanf(ts, "%d-%d-%dT%d:%d:%d.%3dZ", &tm.tm_year, &tm.tm_mon,
	           &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec,
	           &ms) != 7) {
		return DZ_ESYNTAX;
	}
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*out = (int64_t)timegm(&tm) * 1000 + ms;
	return DZ_OK;
}

/* ---- collecting ---------------------------------------------------------- */

static bool fixed_field(const char *key)
{
	static const char *const fixed[] = {"ts", "level", "category", "zone",
	                                    "event"};
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		if (strcmp(key, fixed[i]) == 0) {
			return true;
		}
	}
	return false;
}

/* key=value for every detail, in the order of the line. */
static void details(const field_t *f, int n, char *out, size_t cap)
{
	size_t pos = 0;
	out[0] = '\0';
	for (int i = 0; i < n && pos < cap; i++) {
		if (fixed_field(f[i].key)) {
			continue;
		}
		bool quote = f[i].val[0] == '\0' || strchr(f[i].val, ' ');
		int w = snprintf(out + pos, cap - pos, "%s%s=%s%s%s",
		                 pos ? " " : "", f[i].key, quote ? "\"" : "",
		                 f[i].val, quote ? "\"" : "");
		if (w < 0) {
			return;
		}
		pos += (size_t)w;
	}
}

/* Is this line a step of the change to \p serial at or after \p t0_ms? */
static bool wanted(const field_t *f, int n, int64_t t0_ms, uint32_t serial,
                   int64_t *ts)
{
	const field_t *t = get(f, n, "ts"), *e = get(f, n, "event");
	const field_t *z = get(f, n, "zone"), *s = get(f, n, "serial");
	if (t == NULL || e == NULL || z == NULL || ts_ms(t->val, ts) != DZ_OK ||
	    *ts < t0_ms || strcmp(z->val, DEMO_ZONE) != 0 ||
	    step_rank(e->val) < 0) {
		return false;
	}
	/* NOTIFY events carry the serial as a number: a late retry of the
	 * start-up NOTIFY (the old serial) is not part of this change. */
	if (s != NULL && !s->str && strncmp(e->val, "notify-", 7) == 0) {
		return strtoul(s->val, NULL, 10) == serial;
	}
	return true;
}

static void add_event(demo_chain_t *c, int server, int64_t ts, const field_t *f,
                      int n)
{
	if (c->count == DEMO_CHAIN_MAX) {
		return; /* a demo has about eight: more is noise */
	}
	demo_event_t *ev = &c->ev[c->count++];
	const field_t *e = get(f, n, "event");
	ev->ts_ms = ts;
	ev->server = server;
	ev->rank = step_rank(e->val);
	snprintf(ev->event, sizeof(ev->event), "%.*s", DEMO_EVENT_MAX - 1,
	         e->val);
	details(f, n, ev->details, sizeof(ev->details));
}

static int read_log(demo_chain_t *c, const demo_server_t *s, int server,
                    int64_t t0_ms, uint32_t serial)
{
	FILE *fp = fopen(s->log, "r");
	if (fp == NULL) {
		return -errno;
	}
	char *line = NULL;
	size_t cap = 0;
	field_t f[FIELDS_MAX];
	while (getline(&line, &cap, fp) > 0) {
		int64_t ts;
		int n = json_fields(line, f, FIELDS_MAX);
		if (n > 0 && wanted(f, n, t0_ms, serial, &ts)) {
			add_event(c, server, ts, f, n);
		}
	}
	free(line);
	fclose(fp);
	return DZ_OK;
}

/* Stable: lines of one server keep their order within a millisecond. */
static void sort_chain(demo_chain_t *c)
{
	for (unsigned i = 1; i < c->count; i++) {
		demo_event_t tmp = c->ev[i];
		unsigned j = i;
		while (j > 0 && (c->ev[j - 1].ts_ms > tmp.ts_ms ||
		                 (c->ev[j - 1].ts_ms == tmp.ts_ms &&
		                  c->ev[j - 1].rank > tmp.rank))) {
			c->ev[j] = c->ev[j - 1];
			j--;
		}
		c->ev[j] = tmp;
	}
}

int demo_chain_collect(const demo_t *d, int64_t t0_ms, uint32_t serial,
                       demo_chain_t *out)
{
	out->count = 0;
	for (int i = 0; i < 2; i++) {
		int ret = read_log(out, &d->srv[i], i, t0_ms, serial);
		if (ret != DZ_OK) {
			return ret;
		}
	}
	sort_chain(out);
	return DZ_OK;
}

bool demo_chain_complete(const demo_chain_t *c, char *missing, size_t len)
{
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		bool seen = false;
		for (unsigned j = 0; j < c->count && !seen; j++) {
			seen = strcmp(c->ev[j].event, steps[i].event) == 0;
		}
		if (steps[i].need && !seen) {
			snprintf(missing, len, "%s", steps[i].event);
			return false;
		}
	}
	return true;
}

/* ---- printing ------------------------------------------------------------ */

void demo_chain_print(const demo_t *d, const demo_chain_t *c, int64_t t0_ms)
{
	printf("\nThe chain, from both servers' logs (time since the update "
	       "was sent):\n\n");
	for (unsigned i = 0; i < c->count; i++) {
		const demo_event_t *ev = &c->ev[i];
		printf("  %+5lld ms  %-9s  %-17s %s\n",
		       (long long)(ev->ts_ms - t0_ms), d->srv[ev->server].label,
		       ev->event, ev->details);
	}
	printf("\nWhat each step means:\n");
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		for (unsigned j = 0; j < c->count; j++) {
			if (strcmp(c->ev[j].event, steps[i].event) == 0) {
				printf("  %-17s  %s\n", steps[i].event,
				       steps[i].what);
				break;
			}
		}
	}
}

static void tail(const char *title, const char *path, unsigned lines)
{
	FILE *fp = fopen(path, "r");
	printf("--- %s: %s\n", title, path);
	if (fp == NULL) {
		printf("    (cannot open: %s)\n", strerror(errno));
		return;
	}
	char *ring[64] = {0}, *line = NULL;
	size_t cap = 0;
	unsigned n = 0, keep = lines < 64 ? lines : 64;
	while (getline(&line, &cap, fp) > 0) {
		free(ring[n % keep]);
		ring[n++ % keep] = strdup(line);
	}
	for (unsigned i = n > keep ? n - keep : 0; i < n; i++) {
		printf("    %s", ring[i % keep] ? ring[i % keep] : "\n");
	}
	for (unsigned i = 0; i < keep; i++) {
		free(ring[i]);
	}
	free(line);
	fclose(fp);
}

void demo_tails_print(const demo_t *d, unsigned lines)
{
	fflush(stdout);
	for (int i = 0; i < 2; i++) {
		const demo_server_t *s = &d->srv[i];
		char title[64];
		snprintf(title, sizeof(title), "%s log (last %u lines)",
		         s->label, lines);
		tail(title, s->log, lines);
		snprintf(title, sizeof(title), "%s output", s->label);
		tail(title, s->out, lines);
	}
	fflush(stdout);
}
