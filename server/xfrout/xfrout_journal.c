/* SPDX-License-Identifier: BSD-3-Clause */
/* IXFR history: the journal records between the client's serial and the served one, read through a read-only handle of our own. */
#include "server/xfrout/xfrout_internal.h"

#include <stdio.h>
#include <stdlib.h>

#include "lib/journal/journal.h"
#include "lib/util/errcode.h"
#include "lib/zone/changeset.h"
#include "lib/zone/serial.h"

int xfrout_journal_path(const char *zone_path, char *buf, size_t cap)
{
	/* The zones module names a zone's journal <zone file>.jnl. */
	if (zone_path == NULL) {
		return DZ_ENOENT;
	}
	int n = snprintf(buf, cap, "%s.jnl", zone_path);
	return n > 0 && (size_t)n < cap ? DZ_OK : DZ_ERANGE;
}

void xfrout_steps_clear(xfrout_steps_t *s)
{
	for (size_t i = 0; i < s->n; i++) {
		dz_changeset_free(s->steps[i].ch);
	}
	free(s->steps);
	*s = (xfrout_steps_t){0};
}

static int steps_push(xfrout_steps_t *s, uint32_t from, uint32_t to,
                      dz_changeset_t *ch)
{
	if (s->n == s->cap) {
		size_t cap = s->cap != 0 ? s->cap * 2 : 8;
		dz_xfr_step_t *p = realloc(s->steps, cap * sizeof(*p));
		if (p == NULL) {
			return DZ_ENOMEM;
		}
		s->steps = p;
		s->cap = cap;
	}
	s->steps[s->n++] = (dz_xfr_step_t){.from = from, .to = to, .ch = ch};
	return DZ_OK;
}

/* Visit records from \p from until one ends at \p to. A record that no
 * longer reads back stops the walk: what was read so far does not reach
 * \p to, and the answer becomes AXFR-style. */
static int walk(dz_journal_t *j, uint32_t from, uint32_t to,
                xfrout_steps_t *out)
{
	dz_journal_iter_t it;
	if (dz_journal_find(j, from, &it) != DZ_OK) {
		return DZ_OK; /* history gone */
	}
	uint32_t f = 0, t = from;
	while (t != to) {
		dz_changeset_t *ch = NULL;
		if (dz_journal_iter_next(&it, &f, &t, &ch) != DZ_OK) {
			break;
		}
		if (steps_push(out, f, t, ch) != DZ_OK) {
			dz_changeset_free(ch);
			return DZ_ENOMEM;
		}
		if (dz_serial_cmp(t, to) == DZ_SERIAL_GT) {
			break; /* past our version: does not chain, AXFR-style */
		}
	}
	return DZ_OK;
}

/*
 * A journal object is not thread-safe and belongs to the zone's writer, so
 * each transfer opens the file read only for itself: no lock is shared with
 * the writer and an update never waits for a transfer. The read-only open
 * indexes the records committed so far; a batch being written is a torn
 * tail that is cut from the index (never repaired: DZ_JOURNAL_RDONLY).
 * The writer publishes a version only after its records are synced, so
 * the records up to the pinned version are always there; a trim renames a
 * new file over the path and leaves our open file as it was.
 */
int xfrout_steps_read(const char *path, const uint8_t *origin, uint32_t from,
                      uint32_t to, xfrout_steps_t *out)
{
	dz_journal_t *j = NULL;
	if (dz_journal_open(path, origin, DZ_JOURNAL_RDONLY, NULL, &j) !=
	    DZ_OK) {
		return DZ_OK; /* no journal (yet): AXFR-style */
	}
	xfrout_steps_t s = {0};
	int ret = walk(j, from, to, &s);
	dz_journal_free(j);
	if (ret != DZ_OK) {
		xfrout_steps_clear(&s);
		return ret;
	}
	*out = s;
	return DZ_OK;
}
