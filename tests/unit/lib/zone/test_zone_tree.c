/* SPDX-License-Identifier: BSD-3-Clause */
/* Tests of the zone B+tree: searches against a sorted array through random edits, block invariants. */
#include "tests/unit/lib/zone/zone_test_util.h"

#include "lib/zone/zone_internal.h"

/* Origin "example." and the labels names are drawn from: several share
 * their first 8 key octets (prefix ties), some end in 0xff octets (the
 * largest prefix, equal to the padding of unused block entries). */
#define NLABELS 10
#define UNIVERSE 2000 /* candidate names: 1 to 4 labels below the origin */

static const char *const labels[NLABELS] = {
	"a", "aaaaaaaa", "aaaaaaaab", "aaaaaaaac", "b",
	"\xff\xff\xff\xff\xff\xff\xff\xff", "\xff\xff\xff\xff\xff\xff\xff\xff\xff",
	"\xff", "m0", "zzzzzzzzzzzz",
};

typedef struct tkey {
	uint8_t name[DZ_NAME_MAXLEN];
	uint8_t key[DZ_NAME_MAXKEY];
	size_t klen;
} tkey_t;

static size_t skip; /* the origin's key length */

static void put_label(uint8_t **p, const char *l)
{
	size_t len = strlen(l);
	*(*p)++ = (uint8_t)len;
	memcpy(*p, l, len);
	*p += len;
}

/* Candidate i: one label per decimal digit of i, the lowest first. */
static void make_key(unsigned i, tkey_t *k)
{
	uint8_t *p = k->name;
	unsigned d = i;
	do {
		put_label(&p, labels[d % NLABELS]);
		d /= NLABELS;
	} while (d > 0);
	memcpy(p, "\x07" "example", 9);
	k->klen = (size_t)dz_name_to_key(k->key, k->name);
}

static dz_node_t *make_node(const tkey_t *k)
{
	static const uint8_t addr[4] = {192, 0, 2, 1};
	dz__rec_t rec = {.rdata = addr, .ttl = 60, .type = DZ_RR_A,
	                 .rdlen = sizeof(addr)};
	dz_node_t *n;
	assert_int_equal(dz__node_new(k->name, k->key, k->klen, &rec, 1, &n),
	                 DZ_OK);
	return n;
}

static int key_cmp(const tkey_t *a, const tkey_t *b)
{
	return dz__key_cmp(a->key, a->klen, b->key, b->klen);
}

static int cmp_idx(const void *a, const void *b, void *ks)
{
	const tkey_t *k = ks;
	return key_cmp(&k[*(const unsigned *)a], &k[*(const unsigned *)b]);
}

static tkey_t keys[UNIVERSE];
static unsigned order[UNIVERSE]; /* candidates in key order */

static void setup_keys(void)
{
	uint8_t okey[DZ_NAME_MAXKEY];
	skip = (size_t)dz_name_to_key(okey, N("example."));
	for (unsigned i = 0; i < UNIVERSE; i++) {
		make_key(i, &keys[i]);
		order[i] = i;
	}
	/* Insertion sort: qsort_r is not portable, and 2000 items are few. */
	for (unsigned i = 1; i < UNIVERSE; i++) {
		for (unsigned j = i; j > 0 &&
		                     cmp_idx(&order[j - 1], &order[j], keys) > 0;
		     j--) {
			unsigned t = order[j];
			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	}
}

static bool node_is(const dz_node_t *n, const tkey_t *k)
{
	return n != NULL && dz__key_cmp(dz__node_key(n), n->keylen, k->key,
	                                k->klen) == 0;
}

/* Every block: unused prefixes are UINT64_MAX, sep[] the group ends. */
static void check_block(const dz__blk_t *b)
{
	for (unsigned i = 0; i < DZ__FANOUT; i++) {
		if (i >= b->n) {
			assert_true(b->pfx[i] == UINT64_MAX);
		} else if (i > 0) {
			assert_true(b->pfx[i - 1] <= b->pfx[i]);
		}
	}
	for (unsigned j = 0; j < DZ__NGROUPS; j++) {
		assert_true(b->sep[j] == b->pfx[j * DZ__GROUP + DZ__GROUP - 1]);
	}
	assert_int_equal((uintptr_t)b->pfx % 64, 0);
	for (unsigned i = 0; b->height > 1 && i < b->n; i++) {
		const dz__blk_t *c = b->slot[i];
		assert_true(b->pfx[i] == c->pfx[0]);
		check_block(c);
	}
}

/* Search every candidate and compare with the set \p in. */
static void check_tree(dz__blk_t *root, const bool *in)
{
	if (root != NULL) {
		check_block(root);
	}
	for (unsigned r = 0; r < UNIVERSE; r++) {
		const tkey_t *k = &keys[order[r]];
		const dz_node_t *got = dz__tree_get(root, skip, k->key, k->klen);
		assert_true(in[order[r]] ? node_is(got, k) : got == NULL);
		const tkey_t *le = NULL, *gt = NULL;
		for (unsigned j = r + 1; j-- > 0;) {
			if (in[order[j]]) {
				le = &keys[order[j]];
				break;
			}
		}
		for (unsigned j = r + 1; j < UNIVERSE; j++) {
			if (in[order[j]]) {
				gt = &keys[order[j]];
				break;
			}
		}
		const dz_node_t *nle, *ngt;
		dz__tree_near(root, skip, k->key, k->klen, &nle, &ngt);
		assert_true(le != NULL ? node_is(nle, le) : nle == NULL);
		assert_true(gt != NULL ? node_is(ngt, gt) : ngt == NULL);
	}
}

static void tree_search_matches_sorted_set_through_random_edits(void **state)
{
	(void)state;
	setup_keys();
	bool in[UNIVERSE] = {false};
	dz__tree_tx_t tx = {.gen = 1, .skip = skip};
	dz__blk_t *old = NULL;
	unsigned peak = 0; /* the tree's greatest height */
	srand(7);
	for (unsigned step = 0; step < 8000; step++) {
		unsigned i = (unsigned)rand() % UNIVERSE;
		/* Grow to most of the universe, then shrink: splits, then
		 * merges and a root that loses levels. */
		bool add = (unsigned)rand() % 100 < (step < 5000 ? 80u : 15u);
		assert_int_equal(dz__tree_set(&tx, keys[i].key, keys[i].klen,
		                              add ? make_node(&keys[i]) : NULL),
		                 DZ_OK);
		in[i] = add;
		if (tx.root != NULL && tx.root->height > peak) {
			peak = tx.root->height;
		}
		if (step % 1000 == 0) {
			check_tree(tx.root, in);
			/* A new version: the next edits copy shared blocks. */
			dz__blk_unref(old);
			old = tx.root;
			if (old != NULL) {
				atomic_fetch_add(&old->refs, 1);
			}
			tx.gen++;
		}
	}
	check_tree(tx.root, in);
	dz__blk_unref(old);
	dz__blk_unref(tx.root);
	assert_true(peak >= 3);
}

static void tree_build_gives_the_same_searches(void **state)
{
	(void)state;
	setup_keys();
	bool in[UNIVERSE];
	dz_node_t *nodes[UNIVERSE];
	size_t n = 0, bytes = 0;
	for (unsigned r = 0; r < UNIVERSE; r++) {
		in[order[r]] = r % 3 != 1;
		if (in[order[r]]) {
			nodes[n++] = make_node(&keys[order[r]]);
		}
	}
	dz__blk_t *root;
	assert_int_equal(dz__tree_build(nodes, n, 1, skip, &root, &bytes),
	                 DZ_OK);
	assert_true(root != NULL && root->height == 3);
	check_tree(root, in);
	dz__blk_unref(root);
}

static void tree_search_empty_and_single(void **state)
{
	(void)state;
	setup_keys();
	bool in[UNIVERSE] = {false};
	check_tree(NULL, in);
	dz__tree_tx_t tx = {.gen = 1, .skip = skip};
	unsigned i = order[UNIVERSE / 2];
	assert_int_equal(dz__tree_set(&tx, keys[i].key, keys[i].klen,
	                              make_node(&keys[i])), DZ_OK);
	in[i] = true;
	check_tree(tx.root, in);
	assert_int_equal(dz__tree_set(&tx, keys[i].key, keys[i].klen, NULL),
	                 DZ_OK);
	assert_null(tx.root);
	dz__blk_unref(tx.root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tree_search_matches_sorted_set_through_random_edits),
		cmocka_unit_test(tree_build_gives_the_same_searches),
		cmocka_unit_test(tree_search_empty_and_single),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
