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
#include "shadow_mm/instance.h"

KUNIT_DEFINE_ACTION_WRAPPER(instance_destroy_action, smm_instance_destroy,
			    struct smm_instance *);

/**
 * smm_test_new_instance() - bring up an instance for a test
 * @test: the test; the instance is destroyed when it ends
 * @p: its parameters
 *
 * Return: the instance; the test is aborted if it cannot be built.
 */
struct smm_instance *smm_test_new_instance(struct kunit *test, const struct smm_params *p)
{
	struct smm_instance *inst = smm_instance_create(p);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, inst);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, instance_destroy_action, inst), 0);
	return inst;
}

/**
 * smm_test_instance() - a small instance of the test's own
 * @test: the test; the instance is destroyed when it ends
 * @arena_mb: its size
 * @slab: its slab strategy
 *
 * Return: the instance; the test is aborted if it cannot be built.
 */
struct smm_instance *smm_test_instance(struct kunit *test, unsigned int arena_mb,
				       enum smm_slab_strategy slab)
{
	const struct smm_params p = {
		.name = "kunit",
		.arena_mb = arena_mb,
		.source = SMM_ARENA_CHUNKS,
		.chunk_order = MAX_PAGE_ORDER,
		.slab = slab,
	};

	return smm_test_new_instance(test, &p);
}

/**
 * smm_test_instance_era() - a small SLUB instance of the test's own, in one era
 * @test: the test; the instance is destroyed when it ends
 * @arena_mb: its size
 * @era: whose bring-up it runs (bringup=)
 *
 * As smm_test_instance() with SLUB, the one allocator both eras have.
 *
 * Return: the instance; the test is aborted if it cannot be built.
 */
struct smm_instance *smm_test_instance_era(struct kunit *test, unsigned int arena_mb,
					   enum smm_era era)
{
	const struct smm_params p = {
		.name = "kunit",
		.arena_mb = arena_mb,
		.source = SMM_ARENA_CHUNKS,
		.chunk_order = MAX_PAGE_ORDER,
		.slab = SMM_SLAB_SLUB,
		.era = era,
	};

	return smm_test_new_instance(test, &p);
}

static void fake_arena_free(void *p)
{
	smm_arena_free_tables(p);
}

/**
 * smm_test_fake_arena() - an arena laid out over made-up host chunks
 * @test: the test; the arena is freed when it ends
 * @chunks: the chunks, any host PFNs
 * @nr: how many
 *
 * smm_arena_layout() never touches the pages, so any PFNs will do; it gives
 * a test a known set of runs and holes.  smm_arena_destroy() would free the
 * made-up pages, so only the tables are freed.
 *
 * Return: the arena; the test is aborted if it cannot be built.
 */
struct smm_arena *smm_test_fake_arena(struct kunit *test, const struct smm_chunk *chunks,
				      unsigned int nr)
{
	struct smm_arena *a;

	a = kunit_kzalloc(test, sizeof(*a), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, a);
	a->chunks = smm_host_kvcalloc(a, SMM_HOST_ARENA, nr, sizeof(*chunks));
	KUNIT_ASSERT_NOT_NULL(test, a->chunks);
	memcpy(a->chunks, chunks, nr * sizeof(*chunks));
	a->max_chunks = nr;
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, fake_arena_free, a), 0);
	a->source = SMM_ARENA_CHUNKS;
	a->chunk_order = chunks[0].order;
	a->nr_chunks = nr;
	KUNIT_ASSERT_EQ(test, smm_arena_layout(a), 0);
	KUNIT_ASSERT_GE(test, a->nr_runs, 1U);
	return a;
}

/**
 * smm_test_pattern() - word @word of the test pattern tagged @tag
 * @tag: which pattern: a page number, a PFN, any value a case picks
 * @word: the word's index in the page
 *
 * Return: a value that differs between neighbouring words and tags, so a
 * page read through the wrong mapping or at the wrong offset shows.
 */
u32 smm_test_pattern(unsigned long tag, unsigned int word)
{
	return (u32)tag * 0x9e3779b1U + word;
}

/**
 * smm_test_fill_page() - write @tag's pattern over one page
 * @page: the page's address, through whichever mapping is under test
 * @tag: the pattern
 */
void smm_test_fill_page(void *page, unsigned long tag)
{
	u32 *words = page;
	unsigned int w;

	for (w = 0; w < PAGE_SIZE / sizeof(u32); w++)
		words[w] = smm_test_pattern(tag, w);
}

/**
 * smm_test_page_mismatch() - check one page against @tag's pattern
 * @page: the page's address
 * @tag: the pattern
 *
 * Return: the index of the first word that differs, or -1 if none does.
 */
int smm_test_page_mismatch(const void *page, unsigned long tag)
{
	const u32 *words = page;
	unsigned int w;

	for (w = 0; w < PAGE_SIZE / sizeof(u32); w++)
		if (words[w] != smm_test_pattern(tag, w))
			return w;
	return -1;
}
