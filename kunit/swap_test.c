// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "shadow_mm_swap": the swap area, its counts and its cache.
 *
 * Each case brings up an instance of its own with a small swap area
 * (1 MiB: 256 slots, 255 usable) and, where it needs HighMem, an arena
 * whose upper half is ZONE_HIGHMEM.  The cases check that an instance
 * without swap has no slots and refuses everything; that smm_swap_alloc()
 * hands out every usable slot once, never the header, then 0, and reuses
 * freed slots, wrapping; that smm_swap_dup() and smm_swap_free() count,
 * and that the last free releases the slot and its host page; that a
 * count at SMM_SWAP_MAP_MAX refuses another dup; that bad slots get
 * -EINVAL and leave every field as it was; that a pattern written from a
 * Normal and a HighMem page reads back intact, and a rewrite reuses the
 * slot's host page; the swap cache's add, lookup, -EEXIST and del; and the
 * ``swaps`` file, byte for byte.
 *
 * The test reads and writes shadow pages through the host's direct map,
 * HighMem ones too, as the swap layer itself does (swap I/O is DMA).
 */

#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/mm.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "kunit/util.h"
#include "shadow_mm/instance.h"

#define SWAP_TEST_MB		1
#define SWAP_TEST_SLOTS		(SWAP_TEST_MB << (20 - PAGE_SHIFT))

static struct smm_instance *swap_instance(struct kunit *test, unsigned int swap_mb)
{
	const struct smm_params p = {
		.name = "kunit",
		.arena_mb = 16,
		.source = SMM_ARENA_CHUNKS,
		.chunk_order = MAX_PAGE_ORDER,
		.zone_normal_mb = 8,
		.slab = SMM_SLAB_SLUB,
		.swap_mb = swap_mb,
	};

	return smm_test_new_instance(test, &p);
}

/* A shadow page of the instance, given back when the test ends. */
struct test_page {
	struct smm_buddy *b;
	struct smm_page *page;
};

static void test_page_free(void *p)
{
	struct test_page *tp = p;

	smm_free_page(tp->b, tp->page);
}

static struct smm_page *test_alloc_page(struct kunit *test, struct smm_instance *inst,
					unsigned int gfp)
{
	struct test_page *tp = kunit_kzalloc(test, sizeof(*tp), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, tp);
	tp->b = &inst->buddy;
	tp->page = smm_alloc_page(&inst->buddy, gfp);
	KUNIT_ASSERT_NOT_NULL(test, tp->page);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, test_page_free, tp), 0);
	return tp->page;
}

static void *test_page_virt(struct smm_instance *inst, struct smm_page *page)
{
	return smm_arena_pfn_to_virt(&inst->arena, smm_page_to_pfn(&inst->arena, page));
}

/* smm_swaps_show() into a buffer the test owns. */
static char *swaps_text(struct kunit *test, struct smm_instance *inst)
{
	struct seq_file m = { };

	m.size = PAGE_SIZE;
	m.buf = kunit_kzalloc(test, m.size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m.buf);
	smm_swaps_show(&m, &inst->swap, inst->name);
	KUNIT_ASSERT_LT(test, m.count, m.size);
	m.buf[m.count] = '\0';
	return m.buf;
}

static const char swaps_header[] = "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n";

static void swap_test_no_swap(struct kunit *test)
{
	struct smm_instance *inst = swap_instance(test, 0);
	struct smm_swap *s = &inst->swap;
	struct smm_page *page = test_alloc_page(test, inst, SMM_GFP_KERNEL);

	KUNIT_EXPECT_EQ(test, s->nr_slots, 0UL);
	KUNIT_EXPECT_EQ(test, smm_swap_alloc(s), 0UL);
	KUNIT_EXPECT_EQ(test, smm_swap_total_pages(s), 0UL);
	KUNIT_EXPECT_EQ(test, smm_swap_free_pages(s), 0UL);
	KUNIT_EXPECT_EQ(test, smm_swap_count(s, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, smm_swap_count(s, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, smm_swap_dup(s, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, smm_swap_free(s, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, smm_swap_writepage(s, 1, page), -EINVAL);
	KUNIT_EXPECT_EQ(test, smm_swap_readpage(s, 1, page), -EINVAL);
	KUNIT_EXPECT_EQ(test, smm_swap_cache_add(s, 1, page), -EINVAL);
	KUNIT_EXPECT_EQ(test, smm_swap_cache_pages(s), 0UL);
	KUNIT_EXPECT_STREQ(test, swaps_text(test, inst), swaps_header);
}

static void swap_test_alloc_until_full(struct kunit *test)
{
	struct smm_instance *inst = swap_instance(test, SWAP_TEST_MB);
	struct smm_swap *s = &inst->swap;
	unsigned long *seen, slot, i;

	KUNIT_ASSERT_EQ(test, s->nr_slots, (unsigned long)SWAP_TEST_SLOTS);
	KUNIT_EXPECT_EQ(test, s->swap_map[0], SMM_SWAP_MAP_BAD);
	KUNIT_EXPECT_EQ(test, smm_swap_total_pages(s), SWAP_TEST_SLOTS - 1UL);
	KUNIT_EXPECT_EQ(test, smm_swap_free_pages(s), SWAP_TEST_SLOTS - 1UL);
	seen = kunit_kcalloc(test, BITS_TO_LONGS(SWAP_TEST_SLOTS), sizeof(long), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, seen);

	for (i = 1; i < SWAP_TEST_SLOTS; i++) {
		slot = smm_swap_alloc(s);
		KUNIT_ASSERT_GT(test, slot, 0UL);
		KUNIT_ASSERT_LT(test, slot, (unsigned long)SWAP_TEST_SLOTS);
		KUNIT_ASSERT_FALSE_MSG(test, test_and_set_bit(slot, seen), "slot %lu twice", slot);
		KUNIT_EXPECT_EQ(test, smm_swap_count(s, slot), 1);
		KUNIT_EXPECT_EQ(test, smm_swap_free_pages(s), SWAP_TEST_SLOTS - 1 - i);
	}
	KUNIT_EXPECT_EQ(test, s->inuse_pages, SWAP_TEST_SLOTS - 1UL);
	KUNIT_EXPECT_EQ(test, smm_swap_alloc(s), 0UL);
	KUNIT_EXPECT_EQ(test, smm_swap_alloc(s), 0UL);
	KUNIT_EXPECT_EQ(test, s->swap_map[0], SMM_SWAP_MAP_BAD);

	/* A freed slot comes back; the search goes on from there and wraps. */
	KUNIT_EXPECT_EQ(test, smm_swap_free(s, 200), 0);
	KUNIT_EXPECT_EQ(test, smm_swap_free_pages(s), 1UL);
	KUNIT_EXPECT_EQ(test, smm_swap_alloc(s), 200UL);
	KUNIT_EXPECT_EQ(test, smm_swap_free(s, 5), 0);
	KUNIT_EXPECT_EQ(test, smm_swap_alloc(s), 5UL);
	KUNIT_EXPECT_EQ(test, smm_swap_alloc(s), 0UL);
}

static void swap_test_dup_free_counts(struct kunit *test)
{
	struct smm_instance *inst = swap_instance(test, SWAP_TEST_MB);
	struct smm_swap *s = &inst->swap;
	unsigned long slot = smm_swap_alloc(s);
	int i;

	KUNIT_ASSERT_NE(test, slot, 0UL);
	KUNIT_EXPECT_EQ(test, smm_swap_count(s, slot), 1);
	for (i = 2; i <= 4; i++) {
		KUNIT_EXPECT_EQ(test, smm_swap_dup(s, slot), 0);
		KUNIT_EXPECT_EQ(test, smm_swap_count(s, slot), i);
	}
	/* Duplicates are one slot in use, not four. */
	KUNIT_EXPECT_EQ(test, s->inuse_pages, 1UL);
	for (i = 3; i >= 1; i--) {
		KUNIT_EXPECT_EQ(test, smm_swap_free(s, slot), i);
		KUNIT_EXPECT_EQ(test, s->inuse_pages, 1UL);
	}
	KUNIT_EXPECT_EQ(test, smm_swap_free(s, slot), 0);
	KUNIT_EXPECT_EQ(test, smm_swap_count(s, slot), 0);
	KUNIT_EXPECT_EQ(test, s->inuse_pages, 0UL);
	KUNIT_EXPECT_EQ(test, smm_swap_free_pages(s), smm_swap_total_pages(s));
	/* Free now: neither a dup nor another free may bring it back. */
	KUNIT_EXPECT_EQ(test, smm_swap_dup(s, slot), -EINVAL);
	KUNIT_EXPECT_EQ(test, smm_swap_free(s, slot), -EINVAL);
	KUNIT_EXPECT_EQ(test, smm_swap_count(s, slot), 0);
}

static void swap_test_free_releases_host_page(struct kunit *test)
{
	struct smm_instance *inst = swap_instance(test, SWAP_TEST_MB);
	struct smm_swap *s = &inst->swap;
	struct smm_page *page = test_alloc_page(test, inst, SMM_GFP_KERNEL);
	unsigned long slot = smm_swap_alloc(s);

	KUNIT_ASSERT_NE(test, slot, 0UL);
	KUNIT_EXPECT_NULL(test, s->slots[slot]);	/* no page until written */
	smm_test_fill_page(test_page_virt(inst, page), slot);
	KUNIT_ASSERT_EQ(test, smm_swap_writepage(s, slot, page), 0);
	KUNIT_EXPECT_NOT_NULL(test, s->slots[slot]);
	KUNIT_ASSERT_EQ(test, smm_swap_dup(s, slot), 0);
	KUNIT_EXPECT_EQ(test, smm_swap_free(s, slot), 1);
	KUNIT_EXPECT_NOT_NULL(test, s->slots[slot]);	/* still one user */
	KUNIT_EXPECT_EQ(test, smm_swap_free(s, slot), 0);
	KUNIT_EXPECT_NULL(test, s->slots[slot]);
	KUNIT_EXPECT_EQ(test, s->inuse_pages, 0UL);
	/* The contents went with it. */
	KUNIT_EXPECT_EQ(test, smm_swap_readpage(s, slot, page), -EINVAL);
	KUNIT_EXPECT_EQ(test, smm_swap_writepage(s, slot, page), -EINVAL);
	KUNIT_EXPECT_NULL(test, s->slots[slot]);
}

static void swap_test_dup_max(struct kunit *test)
{
	struct smm_instance *inst = swap_instance(test, SWAP_TEST_MB);
	struct smm_swap *s = &inst->swap;
	unsigned long slot = smm_swap_alloc(s);
	int i;

	KUNIT_ASSERT_NE(test, slot, 0UL);
	for (i = 1; i < SMM_SWAP_MAP_MAX; i++)
		KUNIT_ASSERT_EQ(test, smm_swap_dup(s, slot), 0);
	KUNIT_EXPECT_EQ(test, smm_swap_count(s, slot), SMM_SWAP_MAP_MAX);
	KUNIT_EXPECT_EQ(test, smm_swap_dup(s, slot), -ENOMEM);
	KUNIT_EXPECT_EQ(test, smm_swap_dup(s, slot), -ENOMEM);
	KUNIT_EXPECT_EQ(test, smm_swap_count(s, slot), SMM_SWAP_MAP_MAX);
	/* Never SMM_SWAP_MAP_BAD, whatever the callers do. */
	KUNIT_EXPECT_NE(test, s->swap_map[slot], SMM_SWAP_MAP_BAD);
	for (i = SMM_SWAP_MAP_MAX - 1; i >= 0; i--)
		KUNIT_EXPECT_EQ(test, smm_swap_free(s, slot), i);
	KUNIT_EXPECT_EQ(test, s->inuse_pages, 0UL);
}

/* Every field a refused call must leave alone. */
struct swap_snapshot {
	u8 map[SWAP_TEST_SLOTS];
	unsigned long inuse, next, cached, writes, reads;
};

static void swap_snap(struct smm_swap *s, struct swap_snapshot *snap)
{
	memcpy(snap->map, s->swap_map, sizeof(snap->map));
	snap->inuse = s->inuse_pages;
	snap->next = s->next;
	snap->cached = smm_swap_cache_pages(s);
	snap->writes = s->stats_writes;
	snap->reads = s->stats_reads;
}

static void swap_test_bad_slots(struct kunit *test)
{
	struct smm_instance *inst = swap_instance(test, SWAP_TEST_MB);
	struct smm_swap *s = &inst->swap;
	struct smm_page *page = test_alloc_page(test, inst, SMM_GFP_KERNEL);
	struct swap_snapshot *before, *after;
	unsigned long used, free_slot;
	/* The header, past the end, and (last) a free slot. */
	unsigned long bad[] = { 0, SWAP_TEST_SLOTS, SWAP_TEST_SLOTS + 1, ULONG_MAX, 0 };
	unsigned int i;
	void *virt;

	before = kunit_kzalloc(test, sizeof(*before), GFP_KERNEL);
	after = kunit_kzalloc(test, sizeof(*after), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, before);
	KUNIT_ASSERT_NOT_NULL(test, after);
	used = smm_swap_alloc(s);
	free_slot = smm_swap_alloc(s);
	KUNIT_ASSERT_NE(test, used, 0UL);
	KUNIT_ASSERT_NE(test, free_slot, 0UL);
	KUNIT_ASSERT_EQ(test, smm_swap_free(s, free_slot), 0);
	bad[ARRAY_SIZE(bad) - 1] = free_slot;
	virt = test_page_virt(inst, page);
	smm_test_fill_page(virt, 7);
	KUNIT_ASSERT_EQ(test, smm_swap_writepage(s, used, page), 0);
	swap_snap(s, before);

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		unsigned long slot = bad[i];

		kunit_info(test, "slot %#lx\n", slot);
		KUNIT_EXPECT_EQ(test, smm_swap_dup(s, slot), -EINVAL);
		KUNIT_EXPECT_EQ(test, smm_swap_free(s, slot), -EINVAL);
		KUNIT_EXPECT_EQ(test, smm_swap_writepage(s, slot, page), -EINVAL);
		KUNIT_EXPECT_EQ(test, smm_swap_readpage(s, slot, page), -EINVAL);
		if (slot == free_slot) {
			KUNIT_EXPECT_EQ(test, smm_swap_count(s, slot), 0);
		} else {
			KUNIT_EXPECT_EQ(test, smm_swap_count(s, slot), -EINVAL);
			KUNIT_EXPECT_EQ(test, smm_swap_cache_add(s, slot, page), -EINVAL);
		}
		swap_snap(s, after);
		KUNIT_EXPECT_EQ(test, memcmp(after, before, sizeof(*before)), 0);
	}
	/* The refused reads left the page alone, and the slot in use works. */
	KUNIT_EXPECT_EQ(test, smm_test_page_mismatch(virt, 7), -1);
	KUNIT_EXPECT_EQ(test, smm_swap_count(s, used), 1);
	KUNIT_EXPECT_EQ(test, smm_swap_free(s, used), 0);
}

static void swap_test_write_read(struct kunit *test)
{
	struct smm_instance *inst = swap_instance(test, SWAP_TEST_MB);
	struct smm_swap *s = &inst->swap;
	const unsigned int gfps[] = { SMM_GFP_KERNEL, SMM_GFP_HIGHUSER };
	unsigned long slots[ARRAY_SIZE(gfps)];
	struct smm_page *pages[ARRAY_SIZE(gfps)], *back;
	struct page *host;
	unsigned int i;

	KUNIT_ASSERT_GT(test, inst->buddy.zones[SMM_ZONE_HIGHMEM].managed_pages, 0UL);
	for (i = 0; i < ARRAY_SIZE(gfps); i++) {
		pages[i] = test_alloc_page(test, inst, gfps[i]);
		slots[i] = smm_swap_alloc(s);
		KUNIT_ASSERT_NE(test, slots[i], 0UL);
		smm_test_fill_page(test_page_virt(inst, pages[i]), 0x5a00 + i);
		KUNIT_EXPECT_EQ(test, smm_swap_writepage(s, slots[i], pages[i]), 0);
		/* The page is free to be reused: scribble over it. */
		memset(test_page_virt(inst, pages[i]), 0xa5, PAGE_SIZE);
	}
	KUNIT_EXPECT_EQ(test, smm_page_zonenum(pages[1]), (unsigned int)SMM_ZONE_HIGHMEM);
	KUNIT_EXPECT_EQ(test, s->stats_writes, 2UL);

	for (i = 0; i < ARRAY_SIZE(gfps); i++) {
		KUNIT_EXPECT_EQ(test, smm_swap_readpage(s, slots[i], pages[i]), 0);
		KUNIT_EXPECT_EQ(test, smm_test_page_mismatch(test_page_virt(inst, pages[i]),
							     0x5a00 + i), -1);
	}
	/* Reading leaves the slot as it was: read it into another page. */
	back = test_alloc_page(test, inst, SMM_GFP_HIGHUSER);
	KUNIT_EXPECT_EQ(test, smm_swap_readpage(s, slots[1], back), 0);
	KUNIT_EXPECT_EQ(test, smm_test_page_mismatch(test_page_virt(inst, back), 0x5a01), -1);
	KUNIT_EXPECT_EQ(test, s->stats_reads, 3UL);
	KUNIT_EXPECT_EQ(test, smm_swap_count(s, slots[1]), 1);

	/* A rewrite keeps the slot's host page and replaces the contents. */
	host = s->slots[slots[0]];
	smm_test_fill_page(test_page_virt(inst, pages[0]), 0x77);
	KUNIT_EXPECT_EQ(test, smm_swap_writepage(s, slots[0], pages[0]), 0);
	KUNIT_EXPECT_PTR_EQ(test, s->slots[slots[0]], host);
	memset(test_page_virt(inst, pages[0]), 0, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, smm_swap_readpage(s, slots[0], pages[0]), 0);
	KUNIT_EXPECT_EQ(test, smm_test_page_mismatch(test_page_virt(inst, pages[0]), 0x77), -1);

	/* A slot in use that was never written has nothing to read. */
	slots[0] = smm_swap_alloc(s);
	KUNIT_ASSERT_NE(test, slots[0], 0UL);
	KUNIT_EXPECT_EQ(test, smm_swap_readpage(s, slots[0], back), -EINVAL);
	KUNIT_EXPECT_EQ(test, smm_test_page_mismatch(test_page_virt(inst, back), 0x5a01), -1);
}

static void swap_test_cache(struct kunit *test)
{
	struct smm_instance *inst = swap_instance(test, SWAP_TEST_MB);
	struct smm_swap *s = &inst->swap;
	struct smm_page *a = test_alloc_page(test, inst, SMM_GFP_KERNEL);
	struct smm_page *b = test_alloc_page(test, inst, SMM_GFP_HIGHUSER);
	unsigned long x = smm_swap_alloc(s), y = smm_swap_alloc(s);

	KUNIT_ASSERT_NE(test, x, 0UL);
	KUNIT_ASSERT_NE(test, y, 0UL);
	KUNIT_EXPECT_NULL(test, smm_swap_cache_lookup(s, x));
	KUNIT_EXPECT_EQ(test, smm_swap_cache_add(s, x, a), 0);
	KUNIT_EXPECT_PTR_EQ(test, smm_swap_cache_lookup(s, x), a);
	KUNIT_EXPECT_NULL(test, smm_swap_cache_lookup(s, y));
	KUNIT_EXPECT_EQ(test, smm_swap_cache_add(s, x, b), -EEXIST);
	KUNIT_EXPECT_PTR_EQ(test, smm_swap_cache_lookup(s, x), a);
	KUNIT_EXPECT_EQ(test, smm_swap_cache_pages(s), 1UL);
	KUNIT_EXPECT_EQ(test, smm_swap_cache_add(s, y, b), 0);
	KUNIT_EXPECT_EQ(test, smm_swap_cache_pages(s), 2UL);
	KUNIT_EXPECT_EQ(test, smm_swap_cache_add(s, 0, b), -EINVAL);

	smm_swap_cache_del(s, x);
	KUNIT_EXPECT_NULL(test, smm_swap_cache_lookup(s, x));
	KUNIT_EXPECT_PTR_EQ(test, smm_swap_cache_lookup(s, y), b);
	KUNIT_EXPECT_EQ(test, smm_swap_cache_pages(s), 1UL);
	smm_swap_cache_del(s, x);	/* not there: nothing happens */
	KUNIT_EXPECT_EQ(test, smm_swap_cache_pages(s), 1UL);
	KUNIT_EXPECT_EQ(test, smm_swap_cache_add(s, x, b), 0);
	KUNIT_EXPECT_PTR_EQ(test, smm_swap_cache_lookup(s, x), b);
	smm_swap_cache_del(s, x);
	smm_swap_cache_del(s, y);
	KUNIT_EXPECT_EQ(test, smm_swap_cache_pages(s), 0UL);
	KUNIT_EXPECT_TRUE(test, xa_empty(&s->cache));
	/* The cache holds no count: the slots are as they were. */
	KUNIT_EXPECT_EQ(test, smm_swap_count(s, x), 1);
	KUNIT_EXPECT_EQ(test, smm_swap_free(s, x), 0);
	KUNIT_EXPECT_EQ(test, smm_swap_free(s, y), 0);
}

static void swap_test_swaps_show(struct kunit *test)
{
	struct smm_instance *inst = swap_instance(test, SWAP_TEST_MB);
	struct smm_swap *s = &inst->swap;
	int i;

	/* 255 usable slots: 1020 KiB; "/dev/shadow_mm-swap-kunit" is 25 wide. */
	KUNIT_EXPECT_STREQ(test, swaps_text(test, inst),
			   "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n"
			   "/dev/shadow_mm-swap-kunit               partition\t1020\t\t0\t\t-2\n");
	for (i = 0; i < 3; i++)
		KUNIT_ASSERT_NE(test, smm_swap_alloc(s), 0UL);
	KUNIT_EXPECT_STREQ(test, swaps_text(test, inst),
			   "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n"
			   "/dev/shadow_mm-swap-kunit               partition\t1020\t\t12\t\t-2\n");
}

/* create refuses a swap area past SMM_SWAP_MAX_MB before taking the arena. */
static void swap_test_params_range(struct kunit *test)
{
	struct smm_params p = {
		.name = "kunit",
		.arena_mb = 16,
		.source = SMM_ARENA_CHUNKS,
		.chunk_order = MAX_PAGE_ORDER,
		.slab = SMM_SLAB_SLUB,
		.swap_mb = SMM_SWAP_MAX_MB + 1,
	};

	KUNIT_EXPECT_EQ(test, smm_params_check(&p), -ERANGE);
	KUNIT_EXPECT_EQ(test, PTR_ERR(smm_instance_create(&p)), -ERANGE);
	p.swap_mb = SMM_SWAP_MAX_MB;
	KUNIT_EXPECT_EQ(test, smm_params_check(&p), 0);
}

static struct kunit_case swap_test_cases[] = {
	KUNIT_CASE(swap_test_no_swap),
	KUNIT_CASE(swap_test_alloc_until_full),
	KUNIT_CASE(swap_test_dup_free_counts),
	KUNIT_CASE(swap_test_free_releases_host_page),
	KUNIT_CASE(swap_test_dup_max),
	KUNIT_CASE(swap_test_bad_slots),
	KUNIT_CASE(swap_test_write_read),
	KUNIT_CASE(swap_test_cache),
	KUNIT_CASE(swap_test_swaps_show),
	KUNIT_CASE(swap_test_params_range),
	{}
};

static struct kunit_suite swap_test_suite = {
	.name = "shadow_mm_swap",
	.test_cases = swap_test_cases,
};

kunit_test_suite(swap_test_suite);
