/* SPDX-License-Identifier: BSD-3-Clause */
/* Rendering of one log event as a text or JSON line: details expansion, escaping, layout. */
#include "server/log/log_format.h"

#include <stdio.h>
#include <string.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * Room kept at the end of a line for the " truncated=yes" / ',"truncated":true}'
 * trailer and the newline, so a line cut short is still well formed.
 */
#define TRAILER_RESERVE 32
/* Event names are ours and short; the bound keeps the header's size bounded. */
#define EVENT_MAX 64
/* Widths and precisions beyond this are clamped (they only pad). */
#define SPEC_NUM_MAX 512

/* ===== Bounded output buffer ============================================ */

/* Sticky overflow: once a put does not fit, every later put is a no-op. */
typedef struct {
	char *p;
	size_t len, cap;
	bool full;
} sbuf_t;

static void sb_put(sbuf_t *b, const char *s, size_t n)
{
	if (b->full || n > b->cap - b->len) {
		b->full = true;
		return;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

static void sb_putc(sbuf_t *b, char c)
{
	sb_put(b, &c, 1);
}

static void sb_puts(sbuf_t *b, const char *s)
{
	sb_put(b, s, strlen(s));
}

static void sb_hex(sbuf_t *b, const char *prefix, unsigned char c)
{
	static const char digits[] = "0123456789abcdef";
	sb_puts(b, prefix);
	sb_putc(b, digits[c >> 4]);
	sb_putc(b, digits[c & 0xf]);
}

/* ===== Escaping ========================================================= */

/* Length of the well-formed UTF-8 sequence at p (RFC 3629 §4), 0 if none:
 * overlong forms, surrogates and code points past U+10FFFF are rejected, so
 * what we pass through is valid UTF-8 for every JSON parser. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
	unsigned char c = p[0], lo = 0x80, hi = 0xbf;
	size_t len;
	if (c < 0x80) {
		return 1;
	} else if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		lo = c == 0xe0 ? 0xa0 : lo;
		hi = c == 0xed ? 0x9f : hi;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		lo = c == 0xf0 ? 0x90 : lo;
		hi = c == 0xf4 ? 0x8f : hi;
	} else {
		return 0;
	}
	if (n < len || p[1] < lo || p[1] > hi) {
		return 0;
	}
	for (size_t i = 2; i < len; i++) {
		if (p[i] < 0x80 || p[i] > 0xbf) {
			return 0;
		}
	}
	return len;
}

/* A text value goes out bare only if it is printable ASCII with no space,
 * quote or backslash: then splitting a line on spaces and '=' is exact. */
static bool text_is_bare(const unsigned char *s, size_t n)
{
	if (n == 0) {
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		if (s[i] <= 0x20 || s[i] >= 0x7f || s[i] == '"' || s[i] == '\\') {
			return false;
		}
	}
	return true;
}

/* Non-ASCII in a quoted text value: valid UTF-8 passes, except C1 controls
 * (terminal escapes) as \u00XX; invalid bytes become \xHH. Returns the
 * number of input bytes consumed. */
static size_t text_put_high(sbuf_t *b, const unsigned char *s, size_t n)
{
	size_t u = utf8_len(s, n);
	if (u == 2 && s[0] == 0xc2 && s[1] < 0xa0) {
		sb_hex(b, "\\u00", s[1]);
	} else if (u > 0) {
		sb_put(b, (const char *)s, u);
	} else {
		sb_hex(b, "\\x", s[0]);
		u = 1;
	}
	return u;
}

static void text_escape(sbuf_t *b, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	if (text_is_bare(s, n)) {
		sb_put(b, str, n);
		return;
	}
	sb_putc(b, '"');
	for (size_t i = 0; i < n;) {
		unsigned char c = s[i];
		if (c >= 0x80) {
			i += text_put_high(b, s + i, n - i);
			continue;
		}
		i++;
		if (c == '"' || c == '\\') {
			sb_putc(b, '\\');
			sb_putc(b, (char)c);
		} else if (c == '\n') {
			sb_puts(b, "\\n");
		} else if (c == '\r') {
			sb_puts(b, "\\r");
		} else if (c == '\t') {
			sb_puts(b, "\\t");
		} else if (c < 0x20 || c == 0x7f) {
			sb_hex(b, "\\x", c);
		} else {
			sb_putc(b, (char)c);
		}
	}
	sb_putc(b, '"');
}

/* RFC 8259 §7: quote, backslash and controls must be escaped. A byte that is
 * not part of valid UTF-8 is written as the code point of the same value
 * (\u00XX) so every line is valid JSON whatever a peer sent us. */
static void json_escape(sbuf_t *b, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	sb_putc(b, '"');
	for (size_t i = 0; i < n;) {
		unsigned char c = s[i];
		size_t u = c >= 0x80 ? utf8_len(s + i, n - i) : 1;
		if (c >= 0x80 && u > 0) {
			sb_put(b, str + i, u);
			i += u;
			continue;
		}
		i++;
		switch (c) {
		case '"': sb_puts(b, "\\\""); break;
		case '\\': sb_puts(b, "\\\\"); break;
		case '\b': sb_puts(b, "\\b"); break;
		case '\f': sb_puts(b, "\\f"); break;
		case '\n': sb_puts(b, "\\n"); break;
		case '\r': sb_puts(b, "\\r"); break;
		case '\t': sb_puts(b, "\\t"); break;
		default:
			if (c < 0x20 || c >= 0x7f) {
				sb_hex(b, "\\u00", c);
			} else {
				sb_putc(b, (char)c);
			}
		}
	}
	sb_putc(b, '"');
}

/* ===== Details: printf-style expansion into key=value fields ============ */

/*
 * We expand the format ourselves, one conversion at a time, because the
 * structure must come from the format's literal text and never from an
 * argument: "name=%s" with an argument "a b=c" is one field whose value has
 * a space (quoted on output), not two fields. Each conversion is handed to
 * snprintf on its own, with the argument fetched by its exact type.
 */
typedef struct {
	char flags[8];
	size_t nflags;
	int width; /* 0: none */
	int prec;  /* -1: none */
	char len[3];
	char conv;
} spec_t;

/* Parser state of the token being expanded. */
typedef struct {
	size_t key_off, val_off;
	bool in_value, textual;
} tok_t;

static void fields_put(log_fields_t *out, const char *s, size_t n)
{
	if (n > sizeof(out->buf) - out->used) {
		out->truncated = true;
		return;
	}
	memcpy(out->buf + out->used, s, n);
	out->used += n;
}

static int clamp_num(int v)
{
	return v > SPEC_NUM_MAX ? SPEC_NUM_MAX : v;
}

static const char *parse_num(const char *p, int *out)
{
	int v = 0;
	while (*p >= '0' && *p <= '9') {
		v = clamp_num(v * 10 + (*p - '0'));
		p++;
	}
	*out = v;
	return p;
}

/* Parse "%[flags][width][.prec][len]conv" at p (which points at '%'),
 * fetching '*' widths from the arguments as printf does. */
static const char *spec_parse(const char *p, spec_t *s, va_list *ap)
{
	memset(s, 0, sizeof(*s));
	s->prec = -1;
	for (p++; *p != '\0' && strchr("-+ #0'", *p) != NULL; p++) {
		if (s->nflags < sizeof(s->flags) - 2) {
			s->flags[s->nflags++] = *p;
		}
	}
	if (*p == '*') {
		s->width = va_arg(*ap, int);
		p++;
		if (s->width < 0) { /* C17 7.21.6.1p5: negative means '-' */
			s->flags[s->nflags++] = '-';
			s->width = -s->width;
		}
		s->width = clamp_num(s->width);
	} else {
		p = parse_num(p, &s->width);
	}
	if (*p == '.') {
		p++;
		if (*p == '*') {
			s->prec = va_arg(*ap, int);
			s->prec = s->prec < 0 ? -1 : clamp_num(s->prec);
			p++;
		} else {
			p = parse_num(p, &s->prec);
		}
	}
	for (size_t n = 0; n < 2 && *p != '\0' && strchr("hljztL", *p); n++) {
		s->len[n] = *p++;
	}
	s->conv = *p;
	return *p != '\0' ? p + 1 : p;
}

static void spec_build(char *f, size_t n, const spec_t *s)
{
	int w = snprintf(f, n, "%%%s", s->flags);
	if (s->width > 0) {
		w += snprintf(f + w, n - (size_t)w, "%d", s->width);
	}
	if (s->prec >= 0) {
		w += snprintf(f + w, n - (size_t)w, ".%d", s->prec);
	}
	snprintf(f + w, n - (size_t)w, "%s%c", s->len, s->conv);
}

/* The format strings below are built from a parsed spec whose argument type
 * we fetched to match, which is what -Wformat-nonliteral cannot see. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

static int conv_signed(char *t, size_t n, const char *f, const spec_t *s,
                       va_list *ap)
{
	switch (s->len[0]) {
	case 'l':
		if (s->len[1] == 'l') {
			return snprintf(t, n, f, va_arg(*ap, long long));
		}
		return snprintf(t, n, f, va_arg(*ap, long));
	case 'j': return snprintf(t, n, f, va_arg(*ap, intmax_t));
	case 'z': return snprintf(t, n, f, va_arg(*ap, ssize_t));
	case 't': return snprintf(t, n, f, va_arg(*ap, ptrdiff_t));
	default: return snprintf(t, n, f, va_arg(*ap, int)); /* hh, h promote */
	}
}

static int conv_unsigned(char *t, size_t n, const char *f, const spec_t *s,
                         va_list *ap)
{
	switch (s->len[0]) {
	case 'l':
		if (s->len[1] == 'l') {
			return snprintf(t, n, f, va_arg(*ap, unsigned long long));
		}
		return snprintf(t, n, f, va_arg(*ap, unsigned long));
	case 'j': return snprintf(t, n, f, va_arg(*ap, uintmax_t));
	case 'z': return snprintf(t, n, f, va_arg(*ap, size_t));
	case 't': return snprintf(t, n, f, va_arg(*ap, ptrdiff_t));
	default: return snprintf(t, n, f, va_arg(*ap, unsigned));
	}
}

static int conv_double(char *t, size_t n, const char *f, const spec_t *s,
                       va_list *ap)
{
	if (s->len[0] == 'L') {
		return snprintf(t, n, f, va_arg(*ap, long double));
	}
	return snprintf(t, n, f, va_arg(*ap, double));
}

/* Everything but %s. Returns the length written to t, or -1 if the
 * conversion is unknown (the rest of the format is then abandoned: we cannot
 * know the types of the arguments after it). */
static int conv_other(char *t, size_t n, const spec_t *s, va_list *ap)
{
	char f[32];
	spec_build(f, sizeof(f), s);
	switch (s->conv) {
	case 'd': case 'i':
		return conv_signed(t, n, f, s, ap);
	case 'u': case 'o': case 'x': case 'X':
		return conv_unsigned(t, n, f, s, ap);
	case 'f': case 'F': case 'e': case 'E': case 'g': case 'G':
	case 'a': case 'A':
		return conv_double(t, n, f, s, ap);
	case 'c':
		return snprintf(t, n, "%c", va_arg(*ap, int));
	case 'p':
		return snprintf(t, n, f, va_arg(*ap, void *));
	case 'm': /* glibc: strerror(errno), no argument */
		return snprintf(t, n, "%m");
	case 'n': /* never write through a pointer from a log call */
		(void)va_arg(*ap, void *);
		return 0;
	default:
		return -1;
	}
}

#pragma GCC diagnostic pop

static void conv_string(log_fields_t *out, const spec_t *s, const char *str)
{
	static const char spaces[] = "                                ";
	if (str == NULL) {
		str = "(null)";
	}
	size_t len = s->prec >= 0 ? strnlen(str, (size_t)s->prec) : strlen(str);
	size_t pad = (size_t)s->width > len ? (size_t)s->width - len : 0;
	bool left = memchr(s->flags, '-', s->nflags) != NULL;
	if (left) {
		fields_put(out, str, len);
	}
	for (; pad > 0 && !out->truncated; pad -= pad > 32 ? 32 : pad) {
		fields_put(out, spaces, pad > 32 ? 32 : pad);
	}
	if (!left) {
		fields_put(out, str, len);
	}
}

static bool conv_is_numeric(char conv)
{
	return strchr("diufFeEgG", conv) != NULL;
}

/* Expand the conversion at p; returns the next format position, or NULL
 * when the rest of the format must be abandoned. */
static const char *expand_conv(log_fields_t *out, tok_t *t, const char *p,
                               va_list *ap)
{
	spec_t s;
	p = spec_parse(p, &s, ap);
	if (!conv_is_numeric(s.conv)) {
		t->textual = true;
	}
	if (s.conv == 's') {
		const char *str = va_arg(*ap, const char *);
		if (s.len[0] == 'l') { /* wide strings: not ours to decode */
			str = "?";
		}
		conv_string(out, &s, str);
		return p;
	}
	char tmp[SPEC_NUM_MAX + 64];
	int n = conv_other(tmp, sizeof(tmp), &s, ap);
	if (n < 0) {
		out->truncated = true;
		return NULL;
	}
	fields_put(out, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
	return p;
}

/* RFC 8259 §6 number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static bool is_json_number(const char *s, size_t n)
{
	size_t i = 0, d;
	i += i < n && s[i] == '-';
	for (d = i; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
	}
	if (i == d || (s[d] == '0' && i - d > 1)) {
		return false;
	}
	if (i < n && s[i] == '.') {
		for (d = ++i; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
		}
		if (i == d) {
			return false;
		}
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		i += i < n && (s[i] == '+' || s[i] == '-');
		for (d = i; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
		}
		if (i == d) {
			return false;
		}
	}
	return i == n;
}

/* Keys come from our own format strings, but keep them JSON- and
 * grep-friendly whatever happens: [A-Za-z0-9_.-], never empty. */
static void key_sanitize(log_fields_t *out, log_field_t *f)
{
	if (f->key_len == 0 && !f->bare) {
		/* "=v": borrow the '=' separator byte as the key, made '_' */
		f->key_off = (uint16_t)(f->val_off - 1);
		f->key_len = 1;
	}
	for (size_t i = 0; i < f->key_len; i++) {
		char c = out->buf[f->key_off + i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		          (c >= '0' && c <= '9') || c == '_' || c == '.' ||
		          c == '-';
		out->buf[f->key_off + i] = ok ? c : '_';
	}
}

/* Close the current token and start the next one at out->used. */
static void tok_end(log_fields_t *out, tok_t *t)
{
	size_t end = out->used;
	if (!t->in_value && end == t->key_off) {
		return; /* repeated or trailing space */
	}
	if (out->count == LOG_FIELDS_MAX) {
		out->truncated = true;
		return;
	}
	log_field_t *f = &out->f[out->count];
	f->key_off = (uint16_t)t->key_off;
	f->key_len = (uint16_t)((t->in_value ? t->val_off - 1 : end) - t->key_off);
	f->val_off = (uint16_t)(t->in_value ? t->val_off : end);
	f->val_len = (uint16_t)(t->in_value ? end - t->val_off : 0);
	f->bare = !t->in_value;
	f->number = t->in_value && !t->textual &&
	            is_json_number(out->buf + f->val_off, f->val_len);
	key_sanitize(out, f);
	if (!out->truncated) {
		out->count++;
	}
	*t = (tok_t){.key_off = out->used};
}

void log_fields_parse(log_fields_t *out, const char *fmt, va_list ap)
{
	out->used = 0;
	out->count = 0;
	out->truncated = false;
	if (fmt == NULL) {
		return;
	}
	va_list args;
	va_copy(args, ap);
	tok_t t = {0};
	const char *p = fmt;
	while (p != NULL && *p != '\0' && !out->truncated) {
		if (p[0] == '%' && p[1] != '%') {
			p = expand_conv(out, &t, p, &args);
			continue;
		}
		char c = *p;
		p += c == '%' ? 2 : 1;
		if (c == ' ') {
			tok_end(out, &t);
		} else if (c == '=' && !t.in_value) {
			t.in_value = true;
			fields_put(out, "=", 1); /* keeps key and value apart */
			t.val_off = out->used;
		} else {
			fields_put(out, &c, 1);
		}
	}
	if (!out->truncated) {
		tok_end(out, &t);
	}
	va_end(args);
}

/* ===== Line layout ====================================================== */

static void put_timestamp(sbuf_t *b, const struct timespec *ts)
{
	struct tm tm;
	char tmp[64];
	time_t sec = ts->tv_sec;
	if (gmtime_r(&sec, &tm) == NULL) {
		memset(&tm, 0, sizeof(tm));
	}
	/* RFC 3339 §5.6 date-time, UTC ("Z"), milliseconds */
	int n = snprintf(tmp, sizeof(tmp), "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ",
	                 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
	                 tm.tm_hour, tm.tm_min, tm.tm_sec,
	                 (long)(ts->tv_nsec / 1000000) % 1000);
	sb_put(b, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

static size_t event_len(const char *event)
{
	return strnlen(event, EVENT_MAX);
}

/*
 * Details are added one at a time; the first that does not fit is rolled
 * back and the line marked truncated. The header cannot overflow: a zone is
 * at most DZ_NAME_MAXSTR printable octets, a peer under 64, an event
 * EVENT_MAX, so even escaped they take well under half a line.
 */
static void text_details(sbuf_t *b, const log_fields_t *fl, bool *trunc)
{
	for (size_t i = 0; i < fl->count; i++) {
		const log_field_t *f = &fl->f[i];
		size_t mark = b->len;
		sb_putc(b, ' ');
		sb_put(b, fl->buf + f->key_off, f->key_len);
		if (!f->bare) {
			sb_putc(b, '=');
			text_escape(b, fl->buf + f->val_off, f->val_len);
		}
		if (b->full) {
			b->len = mark;
			b->full = false;
			*trunc = true;
			return;
		}
	}
}

size_t log_format_text(char *dst, const log_record_t *rec,
                       const log_fields_t *fields, size_t *msg_off)
{
	sbuf_t b = {dst, 0, LOG_LINE_MAX - TRAILER_RESERVE, false};
	bool trunc = fields->truncated;
	put_timestamp(&b, &rec->ts);
	*msg_off = b.len + 1;
	sb_putc(&b, ' ');
	sb_puts(&b, log_level_to_str(rec->level));
	sb_putc(&b, ' ');
	sb_puts(&b, log_category_to_str(rec->cat));
	if (rec->zone != NULL) {
		sb_puts(&b, " zone=");
		text_escape(&b, rec->zone, strlen(rec->zone));
	}
	if (rec->peer != NULL) {
		sb_puts(&b, " peer=");
		text_escape(&b, rec->peer, strlen(rec->peer));
	}
	sb_puts(&b, " event=");
	text_escape(&b, rec->event, event_len(rec->event));
	text_details(&b, fields, &trunc);
	b.cap = LOG_LINE_MAX;
	if (trunc) {
		sb_puts(&b, " truncated=yes");
	}
	sb_putc(&b, '\n');
	return b.len;
}

static void json_member(sbuf_t *b, const char *key, const char *val,
                        size_t len)
{
	sb_puts(b, ",\"");
	sb_puts(b, key);
	sb_puts(b, "\":");
	json_escape(b, val, len);
}

static void json_details(sbuf_t *b, const log_fields_t *fl, bool *trunc)
{
	for (size_t i = 0; i < fl->count; i++) {
		const log_field_t *f = &fl->f[i];
		size_t mark = b->len;
		sb_putc(b, ',');
		json_escape(b, fl->buf + f->key_off, f->key_len);
		sb_putc(b, ':');
		if (f->bare) {
			sb_puts(b, "true");
		} else if (f->number) {
			sb_put(b, fl->buf + f->val_off, f->val_len);
		} else {
			json_escape(b, fl->buf + f->val_off, f->val_len);
		}
		if (b->full) {
			b->len = mark;
			b->full = false;
			*trunc = true;
			return;
		}
	}
}

size_t log_format_json(char *dst, const log_record_t *rec,
                       const log_fields_t *fields)
{
	sbuf_t b = {dst, 0, LOG_LINE_MAX - TRAILER_RESERVE, false};
	bool trunc = fields->truncated;
	sb_puts(&b, "{\"ts\":\"");
	put_timestamp(&b, &rec->ts);
	sb_puts(&b, "\",\"level\":\"");
	sb_puts(&b, log_level_to_str(rec->level));
	sb_puts(&b, "\",\"category\":\"");
	sb_puts(&b, log_category_to_str(rec->cat));
	sb_putc(&b, '"');
	if (rec->zone != NULL) {
		json_member(&b, "zone", rec->zone, strlen(rec->zone));
	}
	if (rec->peer != NULL) {
		json_member(&b, "peer", rec->peer, strlen(rec->peer));
	}
	json_member(&b, "event", rec->event, event_len(rec->event));
	json_details(&b, fields, &trunc);
	b.cap = LOG_LINE_MAX;
	if (trunc) {
		sb_puts(&b, ",\"truncated\":true");
	}
	sb_puts(&b, "}\n");
	return b.len;
}
