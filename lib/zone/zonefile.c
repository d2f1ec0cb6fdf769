/* SPDX-License-Identifier: BSD-3-Clause */
/* Zone-file parser: records, inheritance rules, directives and file loading. */
#include "lib/zone/zonefile.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/util/errcode.h"
#include "lib/wire/rrtype.h"
#include "lib/wire/ttl.h"
#include "lib/zone/zonefile_internal.h"

/* ---- diagnostics ---------------------------------------------------- */

int dz__zp_error(dz__zparser_t *zp, dz__zpos_t pos, int code, const char *fmt,
                 ...)
{
	dz_zonefile_diag_t *d = zp->diag;
	const char *path = zp->file != NULL ? zp->file->path : "";
	snprintf(d->file, sizeof(d->file), "%s", path);
	d->line = pos.line;
	d->column = pos.col;
	d->code = code;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
	va_end(ap);
	return code;
}

/* Token text for messages, cut so one message stays readable. */
#define TOKFMT "%.*s"
#define TOKARG(t) (int)((t)->len > 64 ? 64 : (t)->len), (t)->str

int dz_zonefile_diag_to_str(char *dst, size_t dstlen,
                            const dz_zonefile_diag_t *diag, bool basename)
{
	const char *file = diag->file;
	if (basename) {
		const char *slash = strrchr(file, '/');
		file = slash != NULL ? slash + 1 : file;
	}
	int n = snprintf(dst, dstlen, "%s:%u:%u: %s", file, diag->line,
	                 diag->column, diag->msg);
	if (n < 0 || (size_t)n >= dstlen) {
		return DZ_ESPACE;
	}
	return n;
}

/* ---- names, TTL, class, type ---------------------------------------- */

static const uint8_t *cur_origin(const dz__zparser_t *zp)
{
	return zp->file->has_origin ? zp->file->origin : NULL;
}

int dz__zp_name(dz__zparser_t *zp, const dz_token_t *tok, dz__zpos_t pos,
                uint8_t *dst)
{
	const uint8_t *origin = cur_origin(zp);
	if (tok->len == 1 && tok->str[0] == '@' && !tok->quoted) {
		if (origin == NULL) {
			return dz__zp_error(zp, pos, DZ_ESYNTAX,
			                    "'@' used without an origin");
		}
		dz_name_copy(dst, origin);
		return DZ_OK;
	}
	if (origin == NULL && !dz__ztok_is_absolute(tok->str, tok->len) &&
	    !(tok->len == 1 && tok->str[0] == '.')) {
		return dz__zp_error(zp, pos, DZ_ESYNTAX,
		                    "relative name '" TOKFMT "' without an origin",
		                    TOKARG(tok));
	}
	int r = dz_name_from_str(dst, tok->str, tok->len, origin);
	if (r >= 0) {
		return DZ_OK;
	}
	const char *why = r == DZ_ELABEL     ? "label too long"
	                  : r == DZ_ENAMELEN ? "name too long"
	                                     : "bad name";
	return dz__zp_error(zp, pos, r, "%s: '" TOKFMT "'", why, TOKARG(tok));
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Settle the zone class on the first record, then hold every record to it. */
static int check_class(dz__zparser_t *zp, const dz_token_t *t, dz__zpos_t pos,
                       uint16_t rclass)
{
	if (t != NULL && (rclass == DZ_CLASS_NONE || rclass == DZ_CLASS_ANY)) {
		/* RFC 2136 §2.4 / RFC 1035 §3.2.5: query and update only. */
		return dz__zp_error(zp, pos, DZ_ECLASS,
		                    "class '" TOKFMT "' not allowed in a zone",
		                    TOKARG(t));
	}
	if (!zp->zclass_set) {
		zp->zclass = rclass;
		zp->zclass_set = true;
		return DZ_OK;
	}
	if (rclass == zp->zclass) {
		return DZ_OK;
	}
	char want[DZ_RRTYPE_MAXSTR];
	(void)dz_rrclass_to_str(zp->zclass, want, sizeof(want));
	return dz__zp_error(zp, pos, DZ_ECLASS,
	                    "class '" TOKFMT "' does not match zone class %s",
	                    TOKARG(t), want);
}

static int parse_type(dz__zparser_t *zp, const dz_token_t *t, dz__zpos_t pos,
                      uint16_t *type)
{
	if (t->quoted || dz_rrtype_from_str(t->str, t->len, type) != DZ_OK) {
		return dz__zp_error(zp, pos, DZ_ETYPE,
		                    "unknown type '" TOKFMT "'", TOKARG(t));
	}
	if (dz_rrtype_is_meta(*type)) {
		return dz__zp_error(zp, pos, DZ_ETYPE,
		                    "type '" TOKFMT "' not allowed in a zone",
		                    TOKARG(t));
	}
	return DZ_OK;
}

/* RFC 2181 §8: a TTL with the top bit set means zero (BIND does the same
 * when loading, with a warning). */
static uint32_t clamp_ttl(uint32_t ttl)
{
	return ttl > 0x7fffffffu ? 0 : ttl;
}

static int parse_ttl(dz__zparser_t *zp, const dz_token_t *t, dz__zpos_t pos,
                     uint32_t *ttl)
{
	if (t->quoted || dz_ttl_from_str(t->str, t->len, ttl) != DZ_OK) {
		return dz__zp_error(zp, pos, DZ_ETTL, "bad ttl '" TOKFMT "'",
		                    TOKARG(t));
	}
	*ttl = clamp_ttl(*ttl);
	return DZ_OK;
}

int dz__zp_head(dz__zparser_t *zp, const dz_token_t *tok,
                const dz__zpos_t *pos, size_t i, size_t ntok, dz__zhead_t *h)
{
	bool has_class = false;
	uint16_t rclass = zp->zclass_set ? zp->zclass : DZ_CLASS_IN;
	size_t class_i = 0;
	int r;
	h->has_ttl = false;
	/* RFC 1035 §5.1: [<TTL>] [<class>] or [<class>] [<TTL>]. Types never
	 * start with a digit, TTLs always do. */
	for (int k = 0; k < 2 && i < ntok && !tok[i].quoted; k++) {
		if (!h->has_ttl && is_digit(tok[i].str[0])) {
			if ((r = parse_ttl(zp, &tok[i], pos[i], &h->ttl)) != 0) {
				return r;
			}
			h->has_ttl = true;
		} else if (!has_class &&
		           dz_rrclass_from_str(tok[i].str, tok[i].len,
		                               &rclass) == DZ_OK) {
			has_class = true;
			class_i = i;
		} else {
			break;
		}
		i++;
	}
	if (i >= ntok) {
		return dz__zp_error(zp, zp->ent.end_pos, DZ_ESYNTAX,
		                    "missing record type");
	}
	if ((r = parse_type(zp, &tok[i], pos[i], &h->type)) != DZ_OK) {
		return r;
	}
	r = check_class(zp, has_class ? &tok[class_i] : NULL,
	                has_class ? pos[class_i] : pos[i], rclass);
	if (r != DZ_OK) {
		return r;
	}
	h->rclass = rclass;
	h->type_pos = pos[i];
	h->rdata_tok = i + 1;
	return DZ_OK;
}

/* ---- rdata and the record itself ------------------------------------ */

static int rdata_error(dz__zparser_t *zp, const dz__zhead_t *h,
                       const dz__zpos_t *pos, size_t ntok, dz__zpos_t endpos,
                       int r, const dz_rdata_diag_t *rd)
{
	char tname[DZ_RRTYPE_MAXSTR];
	(void)dz_rrtype_to_str(h->type, tname, sizeof(tname));
	dz__zpos_t at = rd->token < ntok ? pos[rd->token] : endpos;
	const char *why = rd->msg != NULL ? rd->msg : dz_strerror(r);
	if (rd->token >= ntok && rd->msg == NULL) {
		why = "missing data";
	}
	int code = r == DZ_ESPACE ? DZ_ERDATA : r;
	return dz__zp_error(zp, at, code, "bad %s rdata: %s", tname, why);
}

/* RFC 1035 §5.1 plus BIND: see the TTL rules in zonefile.h. */
static int settle_ttl(dz__zparser_t *zp, dz__zhead_t *h, const uint8_t *rd,
                      size_t rdlen)
{
	if (h->has_ttl) {
		zp->last_ttl = h->ttl;
		zp->last_ttl_set = true;
		return DZ_OK;
	}
	if (zp->default_ttl_set) {
		h->ttl = zp->default_ttl;
	} else if (zp->last_ttl_set) {
		h->ttl = zp->last_ttl;
	} else if (h->type == DZ_RR_SOA && rdlen >= 20) {
		/* SOA MINIMUM is the last of the five 32-bit fields. */
		const uint8_t *m = rd + rdlen - 4;
		h->ttl = clamp_ttl((uint32_t)m[0] << 24 | (uint32_t)m[1] << 16 |
		                   (uint32_t)m[2] << 8 | m[3]);
		zp->default_ttl = h->ttl;
		zp->default_ttl_set = true;
	} else {
		return dz__zp_error(zp, h->type_pos, DZ_ETTL,
		                    "no ttl specified and no $TTL in force");
	}
	return DZ_OK;
}

int dz__zp_emit(dz__zparser_t *zp, const uint8_t *owner, dz__zhead_t *h,
                const dz_token_t *tok, const dz__zpos_t *pos, size_t ntok,
                dz__zpos_t endpos, unsigned line)
{
	const uint8_t *origin = cur_origin(zp);
	int len = dz__zfast_rdata(h->type, tok, ntok, origin, zp->rdata);
	if (len < 0) {
		dz_rdata_diag_t rd = {ntok, NULL};
		len = dz_rdata_from_tokens(h->type, tok, ntok, origin, zp->rdata,
		                           sizeof(zp->rdata), &rd);
		if (len < 0) {
			return rdata_error(zp, h, pos, ntok, endpos, len, &rd);
		}
	}
	int r = settle_ttl(zp, h, zp->rdata, (size_t)len);
	if (r != DZ_OK) {
		return r;
	}
	dz_zrr_t rr = {
		.owner = owner, .type = h->type, .rclass = h->rclass,
		.ttl = h->ttl, .rdata = zp->rdata, .rdlen = (uint16_t)len,
		.file = zp->file->path, .line = line,
	};
	r = zp->cb(zp->cb_ctx, &rr);
	if (r != 0) {
		dz__zpos_t at = {line, 1};
		return dz__zp_error(zp, at, r, "record rejected: %s",
		                    dz_strerror(r));
	}
	return DZ_OK;
}

static int do_record(dz__zparser_t *zp)
{
	dz__zentry_t *e = &zp->ent;
	dz__zfile_t *f = zp->file;
	size_t i = 0;
	int r;
	if (e->pos[0].col == 1) {
		if ((r = dz__zp_name(zp, &e->tok[0], e->pos[0], f->owner)) != 0) {
			return r;
		}
		f->has_owner = true;
		i = 1;
	} else if (!f->has_owner) {
		/* RFC 1035 §5.1: a blank owner means "the last one stated". */
		dz__zpos_t at = {e->pos[0].line, 1};
		return dz__zp_error(zp, at, DZ_ESYNTAX,
		                    "no owner name and no previous owner");
	}
	dz__zhead_t h;
	if ((r = dz__zp_head(zp, e->tok, e->pos, i, e->ntok, &h)) != DZ_OK) {
		return r;
	}
	size_t k = h.rdata_tok;
	return dz__zp_emit(zp, f->owner, &h, e->tok + k, e->pos + k,
	                   e->ntok - k, e->end_pos, e->pos[0].line);
}

/* ---- files ---------------------------------------------------------- */

/* A whole file in memory: mmap for regular files, else read(). */
typedef struct zmap {
	const char *buf;
	size_t len;
	void *map;
	size_t maplen;
	char *heap;
} zmap_t;

static void unmap(zmap_t *m)
{
	if (m->map != NULL) {
		munmap(m->map, m->maplen);
	}
	free(m->heap);
}

static int read_all(int fd, zmap_t *m)
{
	size_t cap = 0, len = 0;
	char *buf = NULL;
	for (;;) {
		if (len == cap) {
			cap = cap == 0 ? 65536 : cap * 2;
			char *nb = realloc(buf, cap);
			if (nb == NULL) {
				free(buf);
				return DZ_ENOMEM;
			}
			buf = nb;
		}
		ssize_t n = read(fd, buf + len, cap - len);
		if (n < 0) {
			int err = dz_errno();
			free(buf);
			return err;
		}
		if (n == 0) {
			break;
		}
		len += (size_t)n;
	}
	m->heap = buf;
	m->buf = buf;
	m->len = len;
	return DZ_OK;
}

static int map_file(const char *path, zmap_t *m, struct stat *st)
{
	memset(m, 0, sizeof(*m));
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		return dz_errno();
	}
	int r = DZ_OK;
	if (fstat(fd, st) != 0) {
		r = dz_errno();
	} else if (S_ISDIR(st->st_mode)) {
		r = DZ_EINVAL;
	} else if (S_ISREG(st->st_mode) && st->st_size > 0) {
		void *p = mmap(NULL, (size_t)st->st_size, PROT_READ,
		               MAP_PRIVATE | MAP_POPULATE, fd, 0);
		if (p == MAP_FAILED) {
			r = dz_errno();
		} else {
			m->map = p;
			m->maplen = (size_t)st->st_size;
			m->buf = p;
			m->len = m->maplen;
		}
	} else if (!S_ISREG(st->st_mode)) {
		r = read_all(fd, m);
	}
	close(fd);
	return r;
}

static int parse_frame(dz__zparser_t *zp);

/* "$INCLUDE" path: absolute, or relative to the including file's folder. */
static char *include_path(const char *parent, const dz_token_t *t)
{
	const char *slash = t->str[0] == '/' ? NULL : strrchr(parent, '/');
	size_t dirlen = slash != NULL ? (size_t)(slash - parent) + 1 : 0;
	char *p = malloc(dirlen + t->len + 1);
	if (p != NULL) {
		memcpy(p, parent, dirlen);
		memcpy(p + dirlen, t->str, t->len);
		p[dirlen + t->len] = '\0';
	}
	return p;
}

static bool on_stack(const dz__zfile_t *f, const struct stat *st)
{
	for (; f != NULL; f = f->parent) {
		if (f->has_id && f->dev == st->st_dev && f->ino == st->st_ino) {
			return true;
		}
	}
	return false;
}

/* Read an included file as a new frame on top of the current one. */
static int include_run(dz__zparser_t *zp, char *path, const zmap_t *m,
                       const struct stat *st, const uint8_t *origin)
{
	dz__zfile_t *parent = zp->file;
	dz__zfile_t f = {
		.path = path, .dev = st->st_dev, .ino = st->st_ino,
		.has_id = true, .depth = parent->depth + 1, .parent = parent,
	};
	dz__zscan_init(&f.scan, m->buf, m->len);
	if (origin != NULL) {
		dz_name_copy(f.origin, origin);
		f.has_origin = true;
	} else if (parent->has_origin) {
		dz_name_copy(f.origin, parent->origin);
		f.has_origin = true;
	}
	zp->file = &f;
	int r = parse_frame(zp);
	zp->file = parent;
	return r;
}

static int include_file(dz__zparser_t *zp, const dz_token_t *t,
                        dz__zpos_t pos, const uint8_t *origin)
{
	if (zp->file->depth + 1 > zp->opts.max_include_depth) {
		return dz__zp_error(zp, pos, DZ_EINCLUDE,
		                    "$INCLUDE nested deeper than %u",
		                    zp->opts.max_include_depth);
	}
	char *path = include_path(zp->file->path, t);
	if (path == NULL) {
		return dz__zp_error(zp, pos, DZ_ENOMEM, "out of memory");
	}
	zmap_t m;
	struct stat st;
	int r = map_file(path, &m, &st);
	if (r != DZ_OK) {
		r = dz__zp_error(zp, pos, DZ_EINCLUDE,
		                 "cannot read '" TOKFMT "': %s", TOKARG(t),
		                 dz_strerror(r));
	} else if (on_stack(zp->file, &st)) {
		r = dz__zp_error(zp, pos, DZ_EINCLUDE,
		                 "$INCLUDE loop: '" TOKFMT
		                 "' is already being read",
		                 TOKARG(t));
	} else {
		r = include_run(zp, path, &m, &st, origin);
	}
	unmap(&m);
	free(path);
	return r;
}

/* ---- directives ----------------------------------------------------- */

static bool tok_is(const dz_token_t *t, const char *word)
{
	size_t n = strlen(word);
	return t->len == n && strncasecmp(t->str, word, n) == 0;
}

/* Directive argument count check: at least min, at most max. */
static int want_args(dz__zparser_t *zp, size_t min, size_t max)
{
	dz__zentry_t *e = &zp->ent;
	size_t n = e->ntok - 1;
	if (n < min) {
		return dz__zp_error(zp, e->end_pos, DZ_ESYNTAX,
		                    "missing argument to " TOKFMT,
		                    TOKARG(&e->tok[0]));
	}
	if (n > max) {
		return dz__zp_error(zp, e->pos[max + 1], DZ_ESYNTAX,
		                    "extra argument to " TOKFMT,
		                    TOKARG(&e->tok[0]));
	}
	return DZ_OK;
}

static int do_origin(dz__zparser_t *zp)
{
	int r = want_args(zp, 1, 1);
	uint8_t name[DZ_NAME_MAXLEN];
	if (r == DZ_OK) {
		r = dz__zp_name(zp, &zp->ent.tok[1], zp->ent.pos[1], name);
	}
	if (r == DZ_OK) {
		dz_name_copy(zp->file->origin, name);
		zp->file->has_origin = true;
	}
	return r;
}

static int do_ttl(dz__zparser_t *zp)
{
	int r = want_args(zp, 1, 1);
	uint32_t ttl;
	if (r == DZ_OK) {
		r = parse_ttl(zp, &zp->ent.tok[1], zp->ent.pos[1], &ttl);
	}
	if (r == DZ_OK) {
		zp->default_ttl = ttl;
		zp->default_ttl_set = true;
	}
	return r;
}

static int do_include(dz__zparser_t *zp)
{
	dz__zentry_t *e = &zp->ent;
	if (zp->opts.no_include) {
		return dz__zp_error(zp, e->pos[0], DZ_EINCLUDE,
		                    "$INCLUDE is not allowed here");
	}
	int r = want_args(zp, 1, 2);
	if (r != DZ_OK) {
		return r;
	}
	uint8_t origin[DZ_NAME_MAXLEN];
	if (e->ntok == 3 &&
	    (r = dz__zp_name(zp, &e->tok[2], e->pos[2], origin)) != DZ_OK) {
		return r;
	}
	/* The tokens stay valid: they point into this file's buffer, and
	 * nothing reads them after the included file has reused zp->ent. */
	dz_token_t path = e->tok[1];
	return include_file(zp, &path, e->pos[1],
	                    e->ntok == 3 ? origin : NULL);
}

static int do_directive(dz__zparser_t *zp)
{
	const dz_token_t *t = &zp->ent.tok[0];
	if (tok_is(t, "$ORIGIN")) {
		return do_origin(zp);
	}
	if (tok_is(t, "$TTL")) {
		return do_ttl(zp);
	}
	if (tok_is(t, "$INCLUDE")) {
		return do_include(zp);
	}
	if (tok_is(t, "$GENERATE")) {
		return dz__zp_generate(zp);
	}
	return dz__zp_error(zp, zp->ent.pos[0], DZ_ESYNTAX,
	                    "unknown directive '" TOKFMT "'", TOKARG(t));
}

/* ---- driver --------------------------------------------------------- */

static int parse_frame(dz__zparser_t *zp)
{
	dz__zentry_t *e = &zp->ent;
	for (;;) {
		dz__zscan_err_t serr;
		int r = dz__zscan_next(&zp->file->scan, e, &serr);
		if (r == 0) {
			return DZ_OK;
		}
		if (r < 0) {
			return dz__zp_error(zp, serr.pos, r, "%s", serr.msg);
		}
		const dz_token_t *t = &e->tok[0];
		/* A directive starts in column 1; an owner starting with "$"
		 * is written "\$" (as dz_name_to_str does). */
		if (e->pos[0].col == 1 && !t->quoted && t->str[0] == '$') {
			r = do_directive(zp);
		} else {
			r = do_record(zp);
		}
		if (r != DZ_OK) {
			return r;
		}
	}
}

static void opts_init(dz_zonefile_opts_t *dst, const dz_zonefile_opts_t *o)
{
	static const dz_zonefile_opts_t zero;
	*dst = o != NULL ? *o : zero;
	if (dst->max_include_depth == 0) {
		dst->max_include_depth = DZ_ZONEFILE_MAX_INCLUDE_DEPTH;
	}
	if (dst->max_generate == 0) {
		dst->max_generate = DZ_ZONEFILE_MAX_GENERATE;
	}
}

static int parse_top(dz__zparser_t *zp, dz__zfile_t *f)
{
	if (zp->opts.origin != NULL) {
		dz_name_copy(f->origin, zp->opts.origin);
		f->has_origin = true;
	}
	zp->default_ttl = zp->opts.default_ttl;
	zp->default_ttl_set = zp->opts.default_ttl_set;
	if (zp->opts.rclass != 0) {
		zp->zclass = zp->opts.rclass;
		zp->zclass_set = true;
	}
	zp->file = f;
	int r = parse_frame(zp);
	zp->file = NULL;
	dz__zentry_clear(&zp->ent);
	return r;
}

static int parse_mem(const char *buf, size_t len, const char *name,
                     const struct stat *st, const dz_zonefile_opts_t *o,
                     dz_zonefile_cb cb, void *ctx, dz_zonefile_diag_t *diag)
{
	dz__zparser_t *zp = calloc(1, sizeof(*zp));
	if (zp == NULL) {
		return DZ_ENOMEM;
	}
	dz_zonefile_diag_t local;
	opts_init(&zp->opts, o);
	zp->cb = cb;
	zp->cb_ctx = ctx;
	zp->diag = diag != NULL ? diag : &local;
	dz__zfile_t f = {.path = name};
	if (st != NULL) {
		f.dev = st->st_dev;
		f.ino = st->st_ino;
		f.has_id = true;
	}
	dz__zscan_init(&f.scan, buf, len);
	int r = parse_top(zp, &f);
	free(zp);
	return r;
}

int dz_zonefile_parse_buf(const char *buf, size_t len,
                          const char *name_for_diag,
                          const dz_zonefile_opts_t *o, dz_zonefile_cb cb,
                          void *ctx, dz_zonefile_diag_t *diag)
{
	const char *name = name_for_diag != NULL ? name_for_diag : "<buffer>";
	return parse_mem(buf, len, name, NULL, o, cb, ctx, diag);
}

int dz_zonefile_parse_file(const char *path, const dz_zonefile_opts_t *o,
                           dz_zonefile_cb cb, void *ctx,
                           dz_zonefile_diag_t *diag)
{
	zmap_t m;
	struct stat st;
	int r = map_file(path, &m, &st);
	if (r != DZ_OK) {
		if (diag != NULL) {
			snprintf(diag->file, sizeof(diag->file), "%s", path);
			diag->line = 0;
			diag->column = 0;
			diag->code = r;
			snprintf(diag->msg, sizeof(diag->msg),
			         "cannot read file: %s", dz_strerror(r));
		}
		return r;
	}
	r = parse_mem(m.buf, m.len, path, &st, o, cb, ctx, diag);
	unmap(&m);
	return r;
}
