/* SPDX-License-Identifier: BSD-3-Clause */
/* nsupdate's command language: one line at a time into the update session. */
#include "tools/update/update_internal.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/util/errcode.h"
#include "lib/wire/rdata.h"
#include "lib/wire/rrtype.h"
#include "lib/wire/ttl.h"

/* nsupdate makes relative names absolute (it appends the root, not the
 * zone): "www" is "www.". So do we, in owners and in rdata. */
static const uint8_t ROOT[1] = {0};

/* A cursor over the words of one line. */
typedef struct line {
	const char *p;
	char *err;
	size_t errlen;
} line_t;

typedef struct word {
	const char *s;
	size_t len;
} word_t;

static bool next_word(line_t *l, word_t *w)
{
	while (*l->p != '\0' && isspace((unsigned char)*l->p)) {
		l->p++;
	}
	if (*l->p == '\0') {
		return false;
	}
	w->s = l->p;
	while (*l->p != '\0' && !isspace((unsigned char)*l->p)) {
		l->p++;
	}
	w->len = (size_t)(l->p - w->s);
	return true;
}

/* Look at the next word without taking it. */
static bool peek_word(const line_t *l, word_t *w)
{
	line_t copy = *l;
	return next_word(&copy, w);
}

static bool word_is(const word_t *w, const char *s)
{
	return w->len == strlen(s) && strncasecmp(w->s, s, w->len) == 0;
}

static int fail(line_t *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(line_t *l, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(l->err, l->errlen, fmt, ap);
	va_end(ap);
	return DZ_ESYNTAX;
}

/* The rest of the line, trimmed ("" when nothing is left). */
static const char *rest(line_t *l, size_t *len)
{
	while (*l->p != '\0' && isspace((unsigned char)*l->p)) {
		l->p++;
	}
	size_t n = strlen(l->p);
	while (n > 0 && isspace((unsigned char)l->p[n - 1])) {
		n--;
	}
	*len = n;
	return l->p;
}

static int no_more(line_t *l, const char *what)
{
	word_t w;
	if (next_word(l, &w)) {
		return fail(l, "unexpected '%.*s' after %s", (int)w.len, w.s,
			    what);
	}
	return DZ_OK;
}

static int parse_name(line_t *l, const char *what, uint8_t *name)
{
	word_t w;
	if (!next_word(l, &w)) {
		return fail(l, "%s: missing domain name", what);
	}
	int ret = dz_name_from_str(name, w.s, w.len, ROOT);
	if (ret < 0) {
		return fail(l, "%s: bad domain name '%.*s': %s", what,
			    (int)w.len, w.s, dz_strerror(ret));
	}
	return DZ_OK;
}

/* ---- settings ------------------------------------------------------------ */

static int parse_addr_cmd(line_t *l, const char *cmd, uint16_t port,
			  client_addr_t *out)
{
	word_t a, p;
	char addr[128], pstr[16];
	if (!next_word(l, &a)) {
		return fail(l, "%s: missing address", cmd);
	}
	bool has_port = next_word(l, &p);
	if (a.len >= sizeof(addr) || (has_port && p.len >= sizeof(pstr))) {
		return fail(l, "%s: address or port too long", cmd);
	}
	memcpy(addr, a.s, a.len);
	addr[a.len] = '\0';
	if (has_port) {
		memcpy(pstr, p.s, p.len);
		pstr[p.len] = '\0';
	}
	if (no_more(l, "the port") != DZ_OK) {
		return DZ_ESYNTAX;
	}
	if (client_addr_parse(addr, has_port ? pstr : NULL, port, out) != DZ_OK) {
		return fail(l, "%s: '%s%s%s' is not an IP address and port "
			    "(host names are not supported)", cmd, addr,
			    has_port ? " " : "", has_port ? pstr : "");
	}
	return DZ_OK;
}

/* `server ADDR|HOST [PORT]`: nsupdate takes host names too; they are
 * resolved through the resolver when the update is sent. */
static int cmd_server(update_session_t *s, line_t *l)
{
	word_t a, p;
	uint8_t name[DZ_NAME_MAXLEN];
	char addr[128], pstr[16];
	client_addr_t ca;
	if (!next_word(l, &a)) {
		return fail(l, "server: missing address");
	}
	bool has_port = next_word(l, &p);
	if (a.len >= sizeof(addr) || (has_port && p.len >= sizeof(pstr))) {
		return fail(l, "server: address or port too long");
	}
	if (no_more(l, "the port") != DZ_OK) {
		return DZ_ESYNTAX;
	}
	snprintf(addr, sizeof(addr), "%.*s", (int)a.len, a.s);
	snprintf(pstr, sizeof(pstr), "%.*s", has_port ? (int)p.len : 0, p.s);
	/* The port alone first, so that a bad one is named as such. */
	if (has_port && client_addr_parse("127.0.0.1", pstr, 53, &ca) != DZ_OK) {
		return fail(l, "server: bad port '%s'", pstr);
	}
	if (client_addr_parse(addr, has_port ? pstr : NULL, s->port, &ca) ==
	    DZ_OK) {
		s->server = ca;
		s->server_is_name = false;
	} else if (strpbrk(addr, ":@#[") == NULL &&
		   dz_name_from_str(name, a.s, a.len, ROOT) > 0) {
		dz_name_copy(s->server_name, name);
		/* The port was checked above. */
		s->server_port = has_port ? (uint16_t)strtoul(pstr, NULL, 10)
					  : 0;
		s->server_is_name = true;
	} else {
		return fail(l, "server: '%s' is neither an IP address nor a "
			    "host name", addr);
	}
	s->has_server = true;
	return DZ_OK;
}

static int cmd_local(update_session_t *s, line_t *l)
{
	client_addr_t a;
	/* Port 0 unless given: the system chooses (nsupdate's default). */
	if (parse_addr_cmd(l, "local", 0, &a) != DZ_OK) {
		return DZ_ESYNTAX;
	}
	s->local = a;
	s->has_local = true;
	return DZ_OK;
}

static int cmd_zone(update_session_t *s, line_t *l)
{
	uint8_t z[DZ_NAME_MAXLEN];
	if (parse_name(l, "zone", z) != DZ_OK || no_more(l, "the zone name")) {
		return DZ_ESYNTAX;
	}
	dz_name_copy(s->zone, z);
	s->has_zone = true;
	return DZ_OK;
}

static int cmd_class(update_session_t *s, line_t *l)
{
	word_t w;
	uint16_t c;
	if (!next_word(l, &w)) {
		return fail(l, "class: missing class");
	}
	if (dz_rrclass_from_str(w.s, w.len, &c) != DZ_OK ||
	    c == DZ_CLASS_ANY || c == DZ_CLASS_NONE) {
		return fail(l, "class: '%.*s' is not a data class", (int)w.len,
			    w.s);
	}
	if (no_more(l, "the class") != DZ_OK) {
		return DZ_ESYNTAX;
	}
	s->rclass = c;
	return DZ_OK;
}

static int cmd_ttl(update_session_t *s, line_t *l)
{
	word_t w;
	uint32_t ttl;
	if (!next_word(l, &w)) {
		return fail(l, "ttl: missing value");
	}
	if (word_is(&w, "none")) {
		s->has_ttl = false;
		return no_more(l, "'none'");
	}
	if (dz_ttl_from_str(w.s, w.len, &ttl) != DZ_OK) {
		return fail(l, "ttl: '%.*s' is not a valid TTL", (int)w.len,
			    w.s);
	}
	if (no_more(l, "the TTL") != DZ_OK) {
		return DZ_ESYNTAX;
	}
	s->ttl = ttl;
	s->has_ttl = true;
	return DZ_OK;
}

static int cmd_key(update_session_t *s, line_t *l)
{
	word_t name, secret;
	char spec[1200];
	dz_tsig_key_t key;
	if (!next_word(l, &name) || !next_word(l, &secret)) {
		return fail(l, "key: expected [alg:]name secret");
	}
	if (no_more(l, "the secret") != DZ_OK) {
		return DZ_ESYNTAX;
	}
	int n = snprintf(spec, sizeof(spec), "%.*s:%.*s", (int)name.len,
			 name.s, (int)secret.len, secret.s);
	if (n < 0 || (size_t)n >= sizeof(spec)) {
		return fail(l, "key: too long");
	}
	int ret = dz_tsig_key_from_spec(&key, spec);
	if (ret != DZ_OK) {
		return fail(l, "key: bad key '%.*s': %s", (int)name.len,
			    name.s, dz_strerror(ret));
	}
	s->key = key;
	s->has_key = true;
	return DZ_OK;
}

/* ---- records ------------------------------------------------------------- */

static int add_rr(update_session_t *s, line_t *l, const update_rr_t *rr,
		  const uint8_t *rdata)
{
	if (s->count == s->cap) {
		size_t cap = s->cap != 0 ? s->cap * 2 : 16;
		update_rr_t *n = realloc(s->rr, cap * sizeof(*n));
		if (n == NULL) {
			return fail(l, "out of memory");
		}
		s->rr = n;
		s->cap = cap;
	}
	update_rr_t *dst = &s->rr[s->count];
	*dst = *rr;
	dst->rdata = NULL;
	if (rr->rdlen > 0) {
		dst->rdata = malloc(rr->rdlen);
		if (dst->rdata == NULL) {
			return fail(l, "out of memory");
		}
		memcpy(dst->rdata, rdata, rr->rdlen);
	}
	s->count++;
	return DZ_OK;
}

/* Optional class word: must be the session's class. */
static int opt_class(const update_session_t *s, line_t *l, const char *what)
{
	word_t w;
	uint16_t c;
	/* "ANY" is also a type: only a data class is taken as the class. */
	if (peek_word(l, &w) && dz_rrclass_from_str(w.s, w.len, &c) == DZ_OK &&
	    c != DZ_CLASS_ANY && c != DZ_CLASS_NONE) {
		next_word(l, &w);
		if (c != s->rclass) {
			char want[DZ_RRTYPE_MAXSTR];
			dz_rrclass_to_str(s->rclass, want, sizeof(want));
			return fail(l, "%s: class '%.*s' is not the zone's "
				    "class %s", what, (int)w.len, w.s, want);
		}
	}
	return DZ_OK;
}

static int need_type(line_t *l, const char *what, uint16_t *type)
{
	word_t w;
	if (!next_word(l, &w)) {
		return fail(l, "%s: missing record type", what);
	}
	if (dz_rrtype_from_str(w.s, w.len, type) != DZ_OK) {
		return fail(l, "%s: unknown record type '%.*s'", what,
			    (int)w.len, w.s);
	}
	return DZ_OK;
}

/* Rdata text for \p type from the rest of the line; *len 0 if none. */
static int opt_rdata(line_t *l, const char *what, uint16_t type,
		     uint8_t *out, int *len)
{
	size_t n;
	const char *text = rest(l, &n);
	*len = 0;
	if (n == 0) {
		return DZ_OK;
	}
	char *copy = strndup(text, n);
	if (copy == NULL) {
		return fail(l, "out of memory");
	}
	dz_rdata_diag_t diag = {0};
	int ret = dz_rdata_from_str(type, copy, ROOT, out, DZ_RDATA_MAXLEN,
				    &diag);
	free(copy);
	if (ret < 0) {
		char t[DZ_RRTYPE_MAXSTR];
		dz_rrtype_to_str(type, t, sizeof(t));
		return fail(l, "%s: bad %s rdata '%.*s': %s", what, t, (int)n,
			    text, diag.msg != NULL ? diag.msg
						   : dz_strerror(ret));
	}
	*len = ret;
	return DZ_OK;
}

static int cmd_prereq(update_session_t *s, line_t *l, uint8_t *rdbuf)
{
	word_t kind;
	update_rr_t rr = {.prereq = true, .ttl = 0};
	if (!next_word(l, &kind)) {
		return fail(l, "prereq: expected nxdomain, yxdomain, nxrrset "
			    "or yxrrset");
	}
	bool nxd = word_is(&kind, "nxdomain"), yxd = word_is(&kind, "yxdomain");
	bool nxr = word_is(&kind, "nxrrset"), yxr = word_is(&kind, "yxrrset");
	if (!nxd && !yxd && !nxr && !yxr) {
		return fail(l, "prereq: unknown kind '%.*s' (expected nxdomain, "
			    "yxdomain, nxrrset or yxrrset)", (int)kind.len,
			    kind.s);
	}
	if (parse_name(l, "prereq", rr.owner) != DZ_OK) {
		return DZ_ESYNTAX;
	}
	/* RFC 2136 §2.4: class and type carry the meaning, TTL is 0. */
	if (nxd || yxd) {
		rr.type = DZ_RR_ANY;
		rr.rclass = nxd ? DZ_CLASS_NONE : DZ_CLASS_ANY;
		return no_more(l, "the name") != DZ_OK ? DZ_ESYNTAX
						       : add_rr(s, l, &rr, NULL);
	}
	int rdlen = 0;
	if (opt_class(s, l, "prereq") != DZ_OK ||
	    need_type(l, "prereq", &rr.type) != DZ_OK) {
		return DZ_ESYNTAX;
	}
	if (nxr) {
		rr.rclass = DZ_CLASS_NONE;
		return no_more(l, "the type (nxrrset takes no rdata)") != DZ_OK
			? DZ_ESYNTAX : add_rr(s, l, &rr, NULL);
	}
	if (opt_rdata(l, "prereq", rr.type, rdbuf, &rdlen) != DZ_OK) {
		return DZ_ESYNTAX;
	}
	/* §2.4.1 value-independent (ANY, empty) or §2.4.2 value-dependent. */
	rr.rclass = rdlen > 0 ? s->rclass : DZ_CLASS_ANY;
	rr.rdlen = (uint16_t)rdlen;
	return add_rr(s, l, &rr, rdbuf);
}

static int upd_add(update_session_t *s, line_t *l, uint8_t *rdbuf)
{
	update_rr_t rr = {.rclass = s->rclass};
	word_t w;
	int rdlen;
	if (parse_name(l, "update add", rr.owner) != DZ_OK) {
		return DZ_ESYNTAX;
	}
	if (!peek_word(l, &w)) {
		return fail(l, "update add: missing TTL");
	}
	if (dz_ttl_from_str(w.s, w.len, &rr.ttl) == DZ_OK) {
		next_word(l, &w);
	} else if (s->has_ttl) {
		rr.ttl = s->ttl;
	} else {
		return fail(l, "update add: '%.*s' is not a valid TTL (and no "
			    "default set with 'ttl')", (int)w.len, w.s);
	}
	if (opt_class(s, l, "update add") != DZ_OK ||
	    need_type(l, "update add", &rr.type) != DZ_OK) {
		return DZ_ESYNTAX;
	}
	if (dz_rrtype_is_meta(rr.type)) {
		char t[DZ_RRTYPE_MAXSTR];
		dz_rrtype_to_str(rr.type, t, sizeof(t));
		return fail(l, "update add: type %s cannot be added", t);
	}
	if (opt_rdata(l, "update add", rr.type, rdbuf, &rdlen) != DZ_OK) {
		return DZ_ESYNTAX;
	}
	if (rdlen == 0) {
		return fail(l, "update add: missing rdata (empty rdata is "
			    "written \\# 0)");
	}
	rr.rdlen = (uint16_t)rdlen;
	return add_rr(s, l, &rr, rdbuf);
}

static int upd_delete(update_session_t *s, line_t *l, uint8_t *rdbuf)
{
	update_rr_t rr = {.ttl = 0};
	word_t w;
	uint32_t ignored;
	int rdlen = 0;
	if (parse_name(l, "update delete", rr.owner) != DZ_OK) {
		return DZ_ESYNTAX;
	}
	/* A TTL is allowed and ignored (RFC 2136 §2.5.2-4 send 0). */
	if (peek_word(l, &w) && dz_ttl_from_str(w.s, w.len, &ignored) == DZ_OK) {
		next_word(l, &w);
	}
	if (opt_class(s, l, "update delete") != DZ_OK) {
		return DZ_ESYNTAX;
	}
	if (!peek_word(l, &w)) {
		/* §2.5.3: delete all RRsets from a name. */
		rr.type = DZ_RR_ANY;
		rr.rclass = DZ_CLASS_ANY;
		return add_rr(s, l, &rr, NULL);
	}
	if (need_type(l, "update delete", &rr.type) != DZ_OK ||
	    opt_rdata(l, "update delete", rr.type, rdbuf, &rdlen) != DZ_OK) {
		return DZ_ESYNTAX;
	}
	/* §2.5.4 delete an RR (NONE + rdata) or §2.5.2 an RRset (ANY). */
	rr.rclass = rdlen > 0 ? DZ_CLASS_NONE : DZ_CLASS_ANY;
	rr.rdlen = (uint16_t)rdlen;
	return add_rr(s, l, &rr, rdbuf);
}

static int cmd_update(update_session_t *s, line_t *l, const word_t *op,
		      uint8_t *rdbuf)
{
	if (word_is(op, "add")) {
		return upd_add(s, l, rdbuf);
	}
	if (word_is(op, "delete") || word_is(op, "del")) {
		return upd_delete(s, l, rdbuf);
	}
	return fail(l, "update: expected add or delete, not '%.*s'",
		    (int)op->len, op->s);
}

/* ---- the line ------------------------------------------------------------ */

static int run_word(update_session_t *s, line_t *l, const word_t *w,
		    update_cmd_t *cmd, uint8_t *rdbuf)
{
	static const struct {
		const char *name;
		update_cmd_t cmd;
	} actions[] = {
		{"send", UPDATE_CMD_SEND},     {"answer", UPDATE_CMD_ANSWER},
		{"show", UPDATE_CMD_SHOW},     {"quit", UPDATE_CMD_QUIT},
	};
	for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++) {
		if (word_is(w, actions[i].name)) {
			*cmd = actions[i].cmd;
			return no_more(l, actions[i].name);
		}
	}
	word_t op;
	if (word_is(w, "update")) {
		if (!next_word(l, &op)) {
			return fail(l, "update: expected add or delete");
		}
		return cmd_update(s, l, &op, rdbuf);
	}
	if (word_is(w, "add") || word_is(w, "delete") || word_is(w, "del")) {
		return cmd_update(s, l, w, rdbuf);
	}
	if (word_is(w, "prereq")) {
		return cmd_prereq(s, l, rdbuf);
	}
	static const struct {
		const char *name;
		int (*fn)(update_session_t *, line_t *);
	} settings[] = {
		{"server", cmd_server}, {"local", cmd_local},
		{"zone", cmd_zone},     {"class", cmd_class},
		{"ttl", cmd_ttl},       {"key", cmd_key},
	};
	for (size_t i = 0; i < sizeof(settings) / sizeof(settings[0]); i++) {
		if (word_is(w, settings[i].name)) {
			return settings[i].fn(s, l);
		}
	}
	return fail(l, "unknown command '%.*s'", (int)w->len, w->s);
}

int update_parse_line(update_session_t *s, const char *text,
		      update_cmd_t *cmd, char *err, size_t errlen)
{
	line_t l = {.p = text, .err = err, .errlen = errlen};
	word_t w;
	*cmd = UPDATE_CMD_NONE;
	/* A blank line sends, as in nsupdate; ';' starts a comment line. */
	if (!next_word(&l, &w)) {
		*cmd = UPDATE_CMD_SEND;
		return DZ_OK;
	}
	if (w.s[0] == ';') {
		return DZ_OK;
	}
	uint8_t *rdbuf = malloc(DZ_RDATA_MAXLEN);
	if (rdbuf == NULL) {
		return fail(&l, "out of memory");
	}
	/* Every command adds its record as its last step, so a failed line
	 * leaves the session as it was. */
	int ret = run_word(s, &l, &w, cmd, rdbuf);
	free(rdbuf);
	if (ret != DZ_OK) {
		*cmd = UPDATE_CMD_NONE;
	}
	return ret;
}
