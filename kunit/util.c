// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers shared by the shadow_mm KUnit suites.
 */

#include <kunit/resource.h>
#include <kunit/test.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "kunit/util.h"

static void fake_arena_free(void *p)
{
	struct smm_arena *a = p;

	kvfree(a->sections);
	kvfree(a->runs);
	kvfree(a->chunks);
}

/**
 * smm_test_fake_arena() - an arena laid out over made-up host chunks
 * @test: the test; the arena is freed when it ends
 * @chunks: the chunks, any host PFNs
 * @nr: how many
 *
 * smm_arena_layout() never touches the pages, so any PFNs will do; it gives
 * a test a known set of runs and holes.  smm_arena_destroy() would free the
 * made-up pages, so the arrays are freed by hand.
 *
 * Return: the arena; the test is aborted if it cannot be built.
 */
struct smm_arena *smm_test_fake_arena(struct kunit *test, const struct smm_chunk *chunks,
				      unsigned int nr)
{
	struct smm_arena *a;

	a = kunit_kzalloc(test, sizeof(*a), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, a);
	a->chunks = kmemdup(chunks, nr * sizeof(*chunks), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, a->chunks);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, fake_arena_free, a), 0);
	a->source = SMM_ARENA_CHUNKS;
	a->chunk_order = chunks[0].order;
	a->nr_chunks = nr;
	KUNIT_ASSERT_EQ(test, smm_arena_layout(a), 0);
	KUNIT_ASSERT_GE(test, a->nr_runs, 1U);
	return a;
}
