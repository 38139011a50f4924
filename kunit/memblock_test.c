// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "shadow_mm_memblock": the model of 6.12's memblock.
 *
 * Covers merging of touching and overlapping adds, adds over regions with
 * other flags or nodes kept apart, removal splitting a region, reserve and
 * free, exact top-down and bottom-up allocation results (skipping reserved
 * ranges, NOMAP memory, region boundaries, honouring start/end, alignment,
 * mirrored memory first, nodes and their fallback), bad arguments, the
 * capacity limit leaving the arrays unchanged, the debugfs and
 * memblock=debug formats, and a randomized sequence of operations checked
 * after every step against a per-page model.
 *
 * The exact addresses assume 4 KiB pages (x86), where the allocator never
 * returns the first page.
 */

#include <kunit/test.h>
#include <linux/minmax.h>
#include <linux/prandom.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "shadow_mm/memblock.h"

static struct smm_memblock *new_mb(struct kunit *test)
{
	struct smm_memblock *mb = kunit_kmalloc(test, sizeof(*mb), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, mb);
	memset(mb, 0xa5, sizeof(*mb));
	smm_memblock_init(mb);
	KUNIT_ASSERT_EQ(test, mb->memory.cnt, 0U);
	KUNIT_ASSERT_EQ(test, mb->reserved.cnt, 0U);
	KUNIT_ASSERT_FALSE(test, mb->bottom_up);
	return mb;
}

static struct smm_memblock *copy_mb(struct kunit *test, const struct smm_memblock *mb)
{
	struct smm_memblock *c = kunit_kmalloc(test, sizeof(*c), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, c);
	memcpy(c, mb, sizeof(*c));
	return c;
}

static void expect_same(struct kunit *test, const struct smm_memblock *a,
			const struct smm_memblock *b)
{
	KUNIT_EXPECT_EQ(test, a->memory.cnt, b->memory.cnt);
	KUNIT_EXPECT_EQ(test, a->memory.total_size, b->memory.total_size);
	KUNIT_EXPECT_EQ(test, memcmp(a->memory.regions, b->memory.regions,
				     sizeof(a->memory.regions)), 0);
	KUNIT_EXPECT_EQ(test, a->reserved.cnt, b->reserved.cnt);
	KUNIT_EXPECT_EQ(test, a->reserved.total_size, b->reserved.total_size);
	KUNIT_EXPECT_EQ(test, memcmp(a->reserved.regions, b->reserved.regions,
				     sizeof(a->reserved.regions)), 0);
}

/* Region @i of @type is [base, base + size) with @flags and @nid. */
static void expect_rgn(struct kunit *test, const struct smm_memblock_type *type,
		       unsigned int i, u64 base, u64 size, u32 flags, int nid)
{
	KUNIT_ASSERT_LT(test, i, type->cnt);
	KUNIT_EXPECT_EQ(test, type->regions[i].base, base);
	KUNIT_EXPECT_EQ(test, type->regions[i].size, size);
	KUNIT_EXPECT_EQ(test, type->regions[i].flags, flags);
	KUNIT_EXPECT_EQ(test, type->regions[i].nid, nid);
}

#define NN	SMM_MEMBLOCK_NO_NODE

static void memblock_test_add_merges(struct kunit *test)
{
	struct smm_memblock *mb = new_mb(test);

	KUNIT_EXPECT_EQ(test, smm_memblock_add(mb, 0x1000, 0x1000, "t"), 0);
	KUNIT_EXPECT_EQ(test, smm_memblock_add(mb, 0x2000, 0x1000, "t"), 0);
	KUNIT_EXPECT_EQ(test, mb->memory.cnt, 1U);
	expect_rgn(test, &mb->memory, 0, 0x1000, 0x2000, 0, NN);

	/* Below and touching: merges the other way. */
	KUNIT_EXPECT_EQ(test, smm_memblock_add(mb, 0x0, 0x1000, "t"), 0);
	KUNIT_EXPECT_EQ(test, mb->memory.cnt, 1U);
	expect_rgn(test, &mb->memory, 0, 0x0, 0x3000, 0, NN);

	/* Overlapping the top. */
	KUNIT_EXPECT_EQ(test, smm_memblock_add(mb, 0x2800, 0x1800, "t"), 0);
	KUNIT_EXPECT_EQ(test, mb->memory.cnt, 1U);
	expect_rgn(test, &mb->memory, 0, 0x0, 0x4000, 0, NN);
	KUNIT_EXPECT_EQ(test, mb->memory.total_size, 0x4000ULL);

	/* Fully inside: nothing changes. */
	KUNIT_EXPECT_EQ(test, smm_memblock_add(mb, 0x1000, 0x800, "t"), 0);
	KUNIT_EXPECT_EQ(test, mb->memory.cnt, 1U);
	KUNIT_EXPECT_EQ(test, mb->memory.total_size, 0x4000ULL);

	/* Disjoint, then the gap filled: three become one. */
	KUNIT_EXPECT_EQ(test, smm_memblock_add(mb, 0x6000, 0x1000, "t"), 0);
	KUNIT_EXPECT_EQ(test, smm_memblock_add(mb, 0x9000, 0x1000, "t"), 0);
	KUNIT_EXPECT_EQ(test, mb->memory.cnt, 3U);
	expect_rgn(test, &mb->memory, 1, 0x6000, 0x1000, 0, NN);
	KUNIT_EXPECT_EQ(test, smm_memblock_add(mb, 0x3000, 0x8000, "t"), 0);
	KUNIT_EXPECT_EQ(test, mb->memory.cnt, 1U);
	expect_rgn(test, &mb->memory, 0, 0x0, 0xb000, 0, NN);
	KUNIT_EXPECT_EQ(test, mb->memory.total_size, 0xb000ULL);
	KUNIT_EXPECT_EQ(test, mb->reserved.cnt, 0U);
}

static void memblock_test_add_keeps_attributes_apart(struct kunit *test)
{
	struct smm_memblock *mb = new_mb(test);

	KUNIT_ASSERT_EQ(test, smm_memblock_add_node(mb, 0x2000, 0x2000, NN,
						    SMM_MEMBLOCK_HOTPLUG, "t"), 0);
	/* Over it, wider, no flags: only the uncovered parts are inserted. */
	KUNIT_EXPECT_EQ(test, smm_memblock_add(mb, 0x1000, 0x5000, "t"), 0);
	KUNIT_ASSERT_EQ(test, mb->memory.cnt, 3U);
	expect_rgn(test, &mb->memory, 0, 0x1000, 0x1000, 0, NN);
	expect_rgn(test, &mb->memory, 1, 0x2000, 0x2000, SMM_MEMBLOCK_HOTPLUG, NN);
	expect_rgn(test, &mb->memory, 2, 0x4000, 0x2000, 0, NN);
	KUNIT_EXPECT_EQ(test, mb->memory.total_size, 0x5000ULL);

	/* Touching, same flags, another node: apart. */
	KUNIT_EXPECT_EQ(test, smm_memblock_add_node(mb, 0x6000, 0x1000, 1, 0, "t"), 0);
	KUNIT_ASSERT_EQ(test, mb->memory.cnt, 4U);
	expect_rgn(test, &mb->memory, 3, 0x6000, 0x1000, 0, 1);

	/* Clearing the flag merges the first three. */
	KUNIT_EXPECT_EQ(test, smm_memblock_mark(mb, 0x0, 0x10000, SMM_MEMBLOCK_HOTPLUG,
						false), 0);
	KUNIT_ASSERT_EQ(test, mb->memory.cnt, 2U);
	expect_rgn(test, &mb->memory, 0, 0x1000, 0x5000, 0, NN);

	/* Marking the middle splits; setting the node joins the other one. */
	KUNIT_EXPECT_EQ(test, smm_memblock_mark(mb, 0x3000, 0x1000, SMM_MEMBLOCK_NOMAP, true), 0);
	KUNIT_ASSERT_EQ(test, mb->memory.cnt, 4U);
	expect_rgn(test, &mb->memory, 1, 0x3000, 0x1000, SMM_MEMBLOCK_NOMAP, NN);
	KUNIT_EXPECT_EQ(test, smm_memblock_set_node(mb, 0x4000, 0x2000, 1), 0);
	KUNIT_ASSERT_EQ(test, mb->memory.cnt, 3U);
	expect_rgn(test, &mb->memory, 2, 0x4000, 0x3000, 0, 1);
	KUNIT_EXPECT_EQ(test, mb->memory.total_size, 0x6000ULL);
}

static void memblock_test_remove_splits(struct kunit *test)
{
	struct smm_memblock *mb = new_mb(test);

	KUNIT_ASSERT_EQ(test, smm_memblock_add_node(mb, 0x10000, 0x10000, 0,
						    SMM_MEMBLOCK_MIRROR, "t"), 0);
	KUNIT_EXPECT_EQ(test, smm_memblock_remove(mb, 0x14000, 0x4000, "t"), 0);
	KUNIT_ASSERT_EQ(test, mb->memory.cnt, 2U);
	expect_rgn(test, &mb->memory, 0, 0x10000, 0x4000, SMM_MEMBLOCK_MIRROR, 0);
	expect_rgn(test, &mb->memory, 1, 0x18000, 0x8000, SMM_MEMBLOCK_MIRROR, 0);
	KUNIT_EXPECT_EQ(test, mb->memory.total_size, 0xc000ULL);

	/* Across both pieces and the hole between them. */
	KUNIT_EXPECT_EQ(test, smm_memblock_remove(mb, 0x13000, 0x6000, "t"), 0);
	KUNIT_ASSERT_EQ(test, mb->memory.cnt, 2U);
	expect_rgn(test, &mb->memory, 0, 0x10000, 0x3000, SMM_MEMBLOCK_MIRROR, 0);
	expect_rgn(test, &mb->memory, 1, 0x19000, 0x7000, SMM_MEMBLOCK_MIRROR, 0);

	/* Nothing there: no change. */
	KUNIT_EXPECT_EQ(test, smm_memblock_remove(mb, 0x40000, 0x1000, "t"), 0);
	KUNIT_EXPECT_EQ(test, mb->memory.cnt, 2U);

	/* A whole region and the top of the address space (capped). */
	KUNIT_EXPECT_EQ(test, smm_memblock_remove(mb, 0x10000, 0x3000, "t"), 0);
	KUNIT_EXPECT_EQ(test, smm_memblock_remove(mb, 0x1c000, ~0ULL, "t"), 0);
	KUNIT_ASSERT_EQ(test, mb->memory.cnt, 1U);
	expect_rgn(test, &mb->memory, 0, 0x19000, 0x3000, SMM_MEMBLOCK_MIRROR, 0);
	KUNIT_EXPECT_EQ(test, mb->memory.total_size, 0x3000ULL);
}

static void memblock_test_reserve_free(struct kunit *test)
{
	struct smm_memblock *mb = new_mb(test);

	/* Reservations need not be in memory. */
	KUNIT_EXPECT_EQ(test, smm_memblock_reserve(mb, 0x5000, 0x2000, "t"), 0);
	KUNIT_EXPECT_EQ(test, smm_memblock_reserve(mb, 0x6000, 0x3000, "t"), 0);
	KUNIT_EXPECT_EQ(test, smm_memblock_reserve(mb, 0x1000, 0x1000, "t"), 0);
	KUNIT_ASSERT_EQ(test, mb->reserved.cnt, 2U);
	expect_rgn(test, &mb->reserved, 0, 0x1000, 0x1000, 0, NN);
	expect_rgn(test, &mb->reserved, 1, 0x5000, 0x4000, 0, NN);
	KUNIT_EXPECT_EQ(test, mb->reserved.total_size, 0x5000ULL);
	KUNIT_EXPECT_EQ(test, mb->memory.cnt, 0U);
	KUNIT_EXPECT_TRUE(test, smm_memblock_is_region_reserved(mb, 0x8fff, 1));
	KUNIT_EXPECT_FALSE(test, smm_memblock_is_region_reserved(mb, 0x2000, 0x3000));
	KUNIT_EXPECT_TRUE(test, smm_memblock_is_region_reserved(mb, 0x2000, 0x3001));

	/* Free the middle, then a range partly not reserved. */
	KUNIT_EXPECT_EQ(test, smm_memblock_free(mb, 0x6000, 0x1000, "t"), 0);
	KUNIT_ASSERT_EQ(test, mb->reserved.cnt, 3U);
	expect_rgn(test, &mb->reserved, 1, 0x5000, 0x1000, 0, NN);
	expect_rgn(test, &mb->reserved, 2, 0x7000, 0x2000, 0, NN);
	KUNIT_EXPECT_EQ(test, smm_memblock_free(mb, 0x8000, 0x8000, "t"), 0);
	KUNIT_ASSERT_EQ(test, mb->reserved.cnt, 3U);
	expect_rgn(test, &mb->reserved, 2, 0x7000, 0x1000, 0, NN);
	KUNIT_EXPECT_EQ(test, mb->reserved.total_size, 0x3000ULL);
	KUNIT_EXPECT_FALSE(test, smm_memblock_is_region_reserved(mb, 0x6000, 0x1000));

	/* Re-reserving the hole merges all three. */
	KUNIT_EXPECT_EQ(test, smm_memblock_reserve(mb, 0x2000, 0x5000, "t"), 0);
	KUNIT_ASSERT_EQ(test, mb->reserved.cnt, 1U);
	expect_rgn(test, &mb->reserved, 0, 0x1000, 0x7000, 0, NN);
	KUNIT_EXPECT_EQ(test, smm_memblock_free(mb, 0x0, 0x10000, "t"), 0);
	KUNIT_EXPECT_EQ(test, mb->reserved.cnt, 0U);
	KUNIT_EXPECT_EQ(test, mb->reserved.total_size, 0ULL);
}

static void memblock_test_bad_args(struct kunit *test)
{
	struct smm_memblock *mb = new_mb(test);
	struct smm_memblock *before;

	KUNIT_ASSERT_EQ(test, smm_memblock_add(mb, 0x0, 0x100000, "t"), 0);
	before = copy_mb(test, mb);
	KUNIT_EXPECT_EQ(test, smm_memblock_add(mb, 0x1000, 0, "t"), -EINVAL);
	KUNIT_EXPECT_EQ(test, smm_memblock_remove(mb, 0x1000, 0, "t"), -EINVAL);
	KUNIT_EXPECT_EQ(test, smm_memblock_reserve(mb, 0x1000, 0, "t"), -EINVAL);
	KUNIT_EXPECT_EQ(test, smm_memblock_free(mb, 0x1000, 0, "t"), -EINVAL);
	KUNIT_EXPECT_EQ(test, smm_memblock_add_node(mb, 0x200000, 0x1000, -1, 0, "t"), -EINVAL);
	KUNIT_EXPECT_EQ(test, smm_memblock_add_node(mb, 0x200000, 0x1000,
						    SMM_MEMBLOCK_MAX_NODES + 1, 0, "t"), -EINVAL);
	KUNIT_EXPECT_EQ(test, smm_memblock_add_node(mb, 0x200000, 0x1000, 0, 0x20, "t"),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, smm_memblock_mark(mb, 0x1000, 0x1000, 0x40, true), -EINVAL);
	KUNIT_EXPECT_EQ(test, smm_memblock_set_node(mb, 0x1000, 0x1000, -5), -EINVAL);
	KUNIT_EXPECT_EQ(test, smm_memblock_phys_alloc_range(mb, 0, 0x1000, 0, 0), 0ULL);
	KUNIT_EXPECT_EQ(test, smm_memblock_phys_alloc_range(mb, 0x1000, 0x3000, 0, 0), 0ULL);
	KUNIT_EXPECT_EQ(test, smm_memblock_alloc_try_nid(mb, 0x1000, 0x1000, 0, 0, 99), 0ULL);
	expect_same(test, mb, before);

	/* Past the top of the address space: capped, as memblock_cap_size(). */
	KUNIT_EXPECT_EQ(test, smm_memblock_add(mb, ~0ULL - 0xfff, 0x10000, "t"), 0);
	KUNIT_ASSERT_EQ(test, mb->memory.cnt, 2U);
	expect_rgn(test, &mb->memory, 1, ~0ULL - 0xfff, 0xfff, 0, NN);
	/* A size that caps to 0 is a no-op, as in the kernel. */
	KUNIT_EXPECT_EQ(test, smm_memblock_reserve(mb, ~0ULL, 0x10, "t"), 0);
	KUNIT_EXPECT_EQ(test, mb->reserved.cnt, 0U);

	/* Align 0 means SMP_CACHE_BYTES, as the kernel. */
	KUNIT_EXPECT_EQ(test, smm_memblock_phys_alloc_range(mb, 0x10, 0, 0, 0x100000),
			0x100000ULL - SMP_CACHE_BYTES);
}

/*
 * Memory [0x0, 0x100000) with the top 64 KiB reserved; the free ranges are
 * [0x0, 0xf0000), and the allocator never uses the first page.
 */
static struct smm_memblock *alloc_mb(struct kunit *test)
{
	struct smm_memblock *mb = new_mb(test);

	KUNIT_ASSERT_EQ(test, smm_memblock_add(mb, 0x0, 0x100000, "t"), 0);
	KUNIT_ASSERT_EQ(test, smm_memblock_reserve(mb, 0xf0000, 0x10000, "t"), 0);
	return mb;
}

static void memblock_test_alloc_top_down(struct kunit *test)
{
	struct smm_memblock *mb = alloc_mb(test);

	KUNIT_EXPECT_EQ(test, smm_memblock_phys_alloc_range(mb, 0x3000, 0x1000, 0, 0),
			0xed000ULL);
	/* The new one merges with the reservation above it. */
	KUNIT_ASSERT_EQ(test, mb->reserved.cnt, 1U);
	expect_rgn(test, &mb->reserved, 0, 0xed000, 0x13000, 0, NN);

	/* Alignment: the highest aligned address that fits. */
	KUNIT_EXPECT_EQ(test, smm_memblock_phys_alloc_range(mb, 0x3000, 0x10000, 0, 0),
			0xe0000ULL);
	/* The highest free byte is now below the first one. */
	KUNIT_EXPECT_EQ(test, smm_memblock_phys_alloc_range(mb, 0x1, 0x1, 0, 0), 0xecfffULL);

	/* The end limit, exclusive; an unaligned end. */
	KUNIT_EXPECT_EQ(test, smm_memblock_phys_alloc_range(mb, 0x2000, 0x1000, 0, 0x80000),
			0x7e000ULL);
	KUNIT_EXPECT_EQ(test, smm_memblock_phys_alloc_range(mb, 0x1000, 0x1000, 0, 0x60fff),
			0x5f000ULL);

	/* A hole too small between reservations is skipped. */
	KUNIT_ASSERT_EQ(test, smm_memblock_reserve(mb, 0x41000, 0xe000, "t"), 0);
	KUNIT_EXPECT_EQ(test, smm_memblock_phys_alloc_range(mb, 0x2000, 0x1000, 0x30000,
							    0x50000), 0x3f000ULL);

	/* The start limit: nothing fits in [0x4f000, 0x50000) for 8 KiB. */
	KUNIT_EXPECT_EQ(test, smm_memblock_phys_alloc_range(mb, 0x2000, 0x1000, 0x4e800,
							    0x50000), 0ULL);
	/* Bigger than any free range. */
	KUNIT_EXPECT_EQ(test, smm_memblock_phys_alloc_range(mb, 0x100000, 0x1000, 0, 0), 0ULL);
}

static void memblock_test_alloc_bottom_up(struct kunit *test)
{
	struct smm_memblock *mb = alloc_mb(test);
	u64 a;

	smm_memblock_set_bottom_up(mb, true);
	/* Never the first page. */
	KUNIT_EXPECT_EQ(test, smm_memblock_phys_alloc_range(mb, 0x3000, 0x1000, 0, 0),
			0x1000ULL);
	KUNIT_EXPECT_EQ(test, smm_memblock_phys_alloc_range(mb, 0x3000, 0x1000, 0, 0),
			0x4000ULL);
	KUNIT_ASSERT_EQ(test, mb->reserved.cnt, 2U);
	expect_rgn(test, &mb->reserved, 0, 0x1000, 0x6000, 0, NN);
	KUNIT_EXPECT_EQ(test, smm_memblock_phys_alloc_range(mb, 0x1000, 0x10000, 0, 0),
			0x10000ULL);
	/* The start limit, rounded up to the alignment. */
	KUNIT_EXPECT_EQ(test, smm_memblock_phys_alloc_range(mb, 0x1000, 0x1000, 0x20800, 0),
			0x21000ULL);
	/* Skips reserved ranges and a hole too small. */
	KUNIT_ASSERT_EQ(test, smm_memblock_reserve(mb, 0x30000, 0x1000, "t"), 0);
	KUNIT_ASSERT_EQ(test, smm_memblock_reserve(mb, 0x32000, 0x1000, "t"), 0);
	KUNIT_EXPECT_EQ(test, smm_memblock_phys_alloc_range(mb, 0x2000, 0x1000, 0x30000, 0),
			0x33000ULL);
	/* The end limit. */
	KUNIT_EXPECT_EQ(test, smm_memblock_phys_alloc_range(mb, 0x2000, 0x1000, 0x30000,
							    0x34fff), 0ULL);
	a = smm_memblock_phys_alloc_range(mb, 0x2000, 0x1000, 0x30000, 0x37000);
	KUNIT_EXPECT_EQ(test, a, 0x35000ULL);
	/* Back to top-down. */
	smm_memblock_set_bottom_up(mb, false);
	KUNIT_EXPECT_EQ(test, smm_memblock_phys_alloc_range(mb, 0x1000, 0x1000, 0, 0),
			0xef000ULL);
}

static void memblock_test_alloc_region_attributes(struct kunit *test)
{
	struct smm_memblock *mb = new_mb(test);

	/* Two touching regions with other flags: an allocation spans neither. */
	KUNIT_ASSERT_EQ(test, smm_memblock_add(mb, 0x1000, 0x2000, "t"), 0);
	KUNIT_ASSERT_EQ(test, smm_memblock_add_node(mb, 0x3000, 0x2000, NN,
						    SMM_MEMBLOCK_HOTPLUG, "t"), 0);
	KUNIT_EXPECT_EQ(test, smm_memblock_phys_alloc_range(mb, 0x3000, 0x1000, 0, 0), 0ULL);
	KUNIT_EXPECT_EQ(test, smm_memblock_phys_alloc_range(mb, 0x2000, 0x1000, 0, 0),
			0x3000ULL);

	/* movable_node keeps allocations out of HOTPLUG memory. */
	KUNIT_ASSERT_EQ(test, smm_memblock_free(mb, 0x3000, 0x2000, "t"), 0);
	mb->movable_node = true;
	KUNIT_EXPECT_EQ(test, smm_memblock_phys_alloc_range(mb, 0x1000, 0x1000, 0, 0),
			0x2000ULL);
	mb->movable_node = false;

	/* NOMAP memory is never allocated. */
	KUNIT_ASSERT_EQ(test, smm_memblock_mark(mb, 0x3000, 0x2000, SMM_MEMBLOCK_NOMAP,
						true), 0);
	KUNIT_EXPECT_EQ(test, smm_memblock_phys_alloc_range(mb, 0x1000, 0x1000, 0, 0),
			0x1000ULL);
	KUNIT_EXPECT_EQ(test, smm_memblock_phys_alloc_range(mb, 0x1000, 0x1000, 0, 0), 0ULL);

	/* With some mirrored memory, that comes first, even top-down. */
	KUNIT_ASSERT_EQ(test, smm_memblock_add(mb, 0x10000, 0x10000, "t"), 0);
	KUNIT_ASSERT_EQ(test, smm_memblock_add(mb, 0x40000, 0x10000, "t"), 0);
	KUNIT_ASSERT_EQ(test, smm_memblock_mark(mb, 0x10000, 0x10000, SMM_MEMBLOCK_MIRROR,
						true), 0);
	KUNIT_EXPECT_EQ(test, smm_memblock_phys_alloc_range(mb, 0x8000, 0x1000, 0, 0),
			0x18000ULL);
	KUNIT_EXPECT_EQ(test, smm_memblock_phys_alloc_range(mb, 0x8000, 0x1000, 0, 0),
			0x10000ULL);
	/* Mirror exhausted: falls back to the rest. */
	KUNIT_EXPECT_EQ(test, smm_memblock_phys_alloc_range(mb, 0x8000, 0x1000, 0, 0),
			0x48000ULL);
}

static void memblock_test_alloc_nodes(struct kunit *test)
{
	struct smm_memblock *mb = new_mb(test);

	KUNIT_ASSERT_EQ(test, smm_memblock_add(mb, 0x0, 0x40000, "t"), 0);
	KUNIT_ASSERT_EQ(test, smm_memblock_set_node(mb, 0x0, 0x20000, 0), 0);
	KUNIT_ASSERT_EQ(test, smm_memblock_set_node(mb, 0x20000, 0x20000, 1), 0);
	KUNIT_ASSERT_EQ(test, mb->memory.cnt, 2U);

	KUNIT_EXPECT_EQ(test, smm_memblock_alloc_try_nid(mb, 0x10000, 0x1000, 0,
							 SMM_MEMBLOCK_ALLOC_ACCESSIBLE, 0),
			0x10000ULL);
	KUNIT_EXPECT_EQ(test, smm_memblock_alloc_try_nid(mb, 0x10000, 0x1000, 0,
							 SMM_MEMBLOCK_ALLOC_ACCESSIBLE,
							 SMM_MEMBLOCK_ANY_NODE), 0x30000ULL);
	/* Node 0 has less than 64 KiB left: falls back to node 1... */
	KUNIT_EXPECT_EQ(test, smm_memblock_alloc_try_nid(mb, 0x10000, 0x1000, 0,
							 SMM_MEMBLOCK_ALLOC_ACCESSIBLE, 0),
			0x20000ULL);
	/* ...but not when the node is exact. */
	KUNIT_EXPECT_EQ(test, smm_memblock_alloc_range_nid(mb, 0x1000, 0x1000, 0, 0, 1, true),
			0ULL);
	KUNIT_EXPECT_EQ(test, smm_memblock_alloc_range_nid(mb, 0x1000, 0x1000, 0, 0, 0, true),
			0xf000ULL);

	/* min_addr is a preference: retried from 0; max_addr is capped by the limit. */
	KUNIT_EXPECT_EQ(test, smm_memblock_alloc_try_nid(mb, 0x1000, 0x1000, 0x10000,
							 SMM_MEMBLOCK_ALLOC_ANYWHERE,
							 SMM_MEMBLOCK_ANY_NODE), 0xe000ULL);
	smm_memblock_set_current_limit(mb, 0x8000);
	KUNIT_EXPECT_EQ(test, smm_memblock_alloc_try_nid(mb, 0x1000, 0x1000, 0,
							 SMM_MEMBLOCK_ALLOC_ANYWHERE,
							 SMM_MEMBLOCK_ANY_NODE), 0x7000ULL);
	KUNIT_EXPECT_EQ(test, smm_memblock_phys_alloc_range(mb, 0x1000, 0x1000, 0,
							    SMM_MEMBLOCK_ALLOC_ACCESSIBLE),
			0x6000ULL);
	KUNIT_EXPECT_EQ(test, mb->reserved.total_size, 0x34000ULL);
}

static void memblock_test_capacity(struct kunit *test)
{
	struct smm_memblock *mb = new_mb(test);
	struct smm_memblock *before;
	unsigned int i;

	for (i = 0; i < SMM_MEMBLOCK_REGIONS; i++) {
		KUNIT_ASSERT_EQ(test, smm_memblock_add(mb, 0x2000ULL * i + 0x1000, 0x1000, "t"), 0);
		KUNIT_ASSERT_EQ(test, smm_memblock_reserve(mb, 0x2000ULL * i + 0x1000, 0x800,
							   "t"), 0);
	}
	KUNIT_ASSERT_EQ(test, mb->memory.cnt, SMM_MEMBLOCK_REGIONS);
	KUNIT_ASSERT_EQ(test, mb->reserved.cnt, SMM_MEMBLOCK_REGIONS);
	before = copy_mb(test, mb);

	/* One more region, or one range filling several gaps: refused whole. */
	KUNIT_EXPECT_EQ(test, smm_memblock_add(mb, 0x1000000, 0x1000, "t"), -ENOMEM);
	KUNIT_EXPECT_EQ(test, smm_memblock_add(mb, 0x0, 0x10000, "t"), -ENOMEM);
	KUNIT_EXPECT_EQ(test, smm_memblock_reserve(mb, 0x1000000, 0x1000, "t"), -ENOMEM);
	/* As the kernel, remove and free want two free slots even without a split. */
	KUNIT_EXPECT_EQ(test, smm_memblock_remove(mb, 0x1000, 0x1000, "t"), -ENOMEM);
	KUNIT_EXPECT_EQ(test, smm_memblock_free(mb, 0x1000, 0x800, "t"), -ENOMEM);
	KUNIT_EXPECT_EQ(test, smm_memblock_mark(mb, 0x1000, 0x1000, SMM_MEMBLOCK_NOMAP, true),
			-ENOMEM);
	/* The allocator finds room but cannot reserve it. */
	KUNIT_EXPECT_EQ(test, smm_memblock_phys_alloc_range(mb, 0x400, 0x400, 0, 0), 0ULL);
	expect_same(test, mb, before);

	/* Inside what is there needs no slot. */
	KUNIT_EXPECT_EQ(test, smm_memblock_add(mb, 0x1000, 0x1000, "t"), 0);
	KUNIT_EXPECT_EQ(test, smm_memblock_reserve(mb, 0x1200, 0x400, "t"), 0);
	expect_same(test, mb, before);
	/* Touching counts a slot before merging, as the kernel: refused. */
	KUNIT_EXPECT_EQ(test, smm_memblock_reserve(mb, 0x1800, 0x400, "t"), -ENOMEM);
	KUNIT_EXPECT_EQ(test, smm_memblock_add(mb, 0x2000, 0x1000, "t"), -ENOMEM);
	expect_same(test, mb, before);

	/* One slot short of full. */
	mb = new_mb(test);
	for (i = 0; i < SMM_MEMBLOCK_REGIONS - 1; i++)
		KUNIT_ASSERT_EQ(test, smm_memblock_add(mb, 0x2000ULL * i + 0x1000, 0x1000, "t"), 0);
	before = copy_mb(test, mb);
	/* Removing a whole region wants two slots all the same. */
	KUNIT_EXPECT_EQ(test, smm_memblock_remove(mb, 0x1000, 0x1000, "t"), -ENOMEM);
	expect_same(test, mb, before);
	/* Filling a gap takes a slot, then merges three into one. */
	KUNIT_EXPECT_EQ(test, smm_memblock_add(mb, 0x2000, 0x1000, "t"), 0);
	KUNIT_EXPECT_EQ(test, mb->memory.cnt, SMM_MEMBLOCK_REGIONS - 2);
	expect_rgn(test, &mb->memory, 0, 0x1000, 0x3000, 0, NN);
	KUNIT_EXPECT_EQ(test, smm_memblock_remove(mb, 0x1400, 0x800, "t"), 0);
	KUNIT_EXPECT_EQ(test, mb->memory.cnt, SMM_MEMBLOCK_REGIONS - 1);
	KUNIT_EXPECT_EQ(test, smm_memblock_add(mb, 0x1000000, 0x1000, "t"), 0);
	KUNIT_EXPECT_EQ(test, mb->memory.cnt, SMM_MEMBLOCK_REGIONS);
	KUNIT_EXPECT_EQ(test, smm_memblock_add(mb, 0x2000000, 0x1000, "t"), -ENOMEM);

	/* The allocator: the 128th reservation works, the next does not. */
	for (i = 0; i < SMM_MEMBLOCK_REGIONS - 1; i++)
		KUNIT_ASSERT_EQ(test, smm_memblock_reserve(mb, 0x2000ULL * i + 0x10000, 0x800,
							   "t"), 0);
	KUNIT_EXPECT_EQ(test, smm_memblock_phys_alloc_range(mb, 0x400, 0x400, 0, 0),
			0x1000c00ULL);
	KUNIT_EXPECT_EQ(test, mb->reserved.cnt, SMM_MEMBLOCK_REGIONS);
	before = copy_mb(test, mb);
	KUNIT_EXPECT_EQ(test, smm_memblock_phys_alloc_range(mb, 0x400, 0x400, 0, 0), 0ULL);
	expect_same(test, mb, before);
}

/* smm_memblock_show() into a buffer the test owns. */
static char *show_text(struct kunit *test, const struct smm_memblock_type *type)
{
	struct seq_file m = { };

	m.size = PAGE_SIZE;
	m.buf = kunit_kzalloc(test, m.size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m.buf);
	smm_memblock_show(&m, type);
	KUNIT_ASSERT_LT(test, m.count, m.size);
	m.buf[m.count] = '\0';
	return m.buf;
}

static void memblock_test_show(struct kunit *test)
{
	struct smm_memblock *mb = new_mb(test);

	KUNIT_EXPECT_STREQ(test, show_text(test, &mb->memory), "");
	KUNIT_ASSERT_EQ(test, smm_memblock_add_node(mb, 0x1000, 0x9e000, 0, 0, "t"), 0);
	KUNIT_ASSERT_EQ(test, smm_memblock_add_node(mb, 0x100000, 0x7ff00000, 0, 0, "t"), 0);
	KUNIT_ASSERT_EQ(test, smm_memblock_mark(mb, 0x40000000, 0x40000000,
						SMM_MEMBLOCK_HOTPLUG | SMM_MEMBLOCK_MIRROR,
						true), 0);
	KUNIT_ASSERT_EQ(test, smm_memblock_add_node(mb, 0x100000000ULL, 0x1000, 12,
						    SMM_MEMBLOCK_NOMAP, "t"), 0);
	KUNIT_ASSERT_EQ(test, smm_memblock_add_node(mb, 0x100001000ULL, 0x1000, NN,
						    SMM_MEMBLOCK_DRIVER_MANAGED |
						    SMM_MEMBLOCK_RSRV_NOINIT, "t"), 0);
	KUNIT_ASSERT_EQ(test, smm_memblock_reserve(mb, 0x1000, 0x1000, "t"), 0);
	KUNIT_ASSERT_EQ(test, smm_memblock_reserve(mb, 0x1000000, 0x2345, "t"), 0);

	KUNIT_EXPECT_STREQ(test, show_text(test, &mb->memory),
			   "   0: 0x0000000000001000..0x000000000009efff    0 NONE\n"
			   "   1: 0x0000000000100000..0x000000003fffffff    0 NONE\n"
			   "   2: 0x0000000040000000..0x000000007fffffff    0 HOTPLUG|MIRROR\n"
			   "   3: 0x0000000100000000..0x0000000100000fff   12 NOMAP\n"
			   "   4: 0x0000000100001000..0x0000000100001fff    x DRV_MNG|RSV_NIT\n");
	KUNIT_EXPECT_STREQ(test, show_text(test, &mb->reserved),
			   "   0: 0x0000000000001000..0x0000000000001fff    x NONE\n"
			   "   1: 0x0000000001000000..0x0000000001002344    x NONE\n");
}

#define LOG_MAX		8
#define LOG_LEN		96

struct log_record {
	unsigned int n;
	char lines[LOG_MAX][LOG_LEN];
};

static void record_log(void *data, enum smm_memblock_op op, u64 base, u64 size,
		       const char *caller)
{
	struct log_record *rec = data;

	if (rec->n < LOG_MAX)
		smm_memblock_format_event(rec->lines[rec->n++], LOG_LEN, op, base, size, caller);
}

static void memblock_test_log(struct kunit *test)
{
	struct smm_memblock *mb = new_mb(test);
	struct log_record *rec = kunit_kzalloc(test, sizeof(*rec), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, rec);
	smm_memblock_set_log(mb, record_log, rec);
	KUNIT_ASSERT_EQ(test, smm_memblock_add(mb, 0x0, 0x100000, "e820__memblock_setup"), 0);
	KUNIT_ASSERT_EQ(test, smm_memblock_reserve(mb, 0x0, 0x1000, "setup_arch"), 0);
	KUNIT_ASSERT_EQ(test, smm_memblock_phys_alloc_range(mb, 0x2000, 0x1000, 0, 0),
			0xfe000ULL);
	KUNIT_ASSERT_EQ(test, smm_memblock_free(mb, 0xff000, 0x1000, "test"), 0);
	KUNIT_ASSERT_EQ(test, smm_memblock_remove(mb, 0x80000, 0x1000, NULL), 0);
	/* Refused arguments are not logged. */
	KUNIT_ASSERT_EQ(test, smm_memblock_reserve(mb, 0x0, 0, "x"), -EINVAL);
	KUNIT_ASSERT_EQ(test, rec->n, 5U);
	KUNIT_EXPECT_STREQ(test, rec->lines[0],
			   "memblock_add: [0x0000000000000000-0x00000000000fffff] e820__memblock_setup");
	KUNIT_EXPECT_STREQ(test, rec->lines[1],
			   "memblock_reserve: [0x0000000000000000-0x0000000000000fff] setup_arch");
	KUNIT_EXPECT_STREQ(test, rec->lines[2],
			   "memblock_reserve: [0x00000000000fe000-0x00000000000fffff] memblock_alloc_range_nid");
	KUNIT_EXPECT_STREQ(test, rec->lines[3],
			   "memblock_phys_free: [0x00000000000ff000-0x00000000000fffff] test");
	KUNIT_EXPECT_STREQ(test, rec->lines[4],
			   "memblock_remove: [0x0000000000080000-0x0000000000080fff] ?");
	smm_memblock_set_log(mb, NULL, NULL);
	KUNIT_ASSERT_EQ(test, smm_memblock_reserve(mb, 0x1000, 0x1000, "x"), 0);
	KUNIT_EXPECT_EQ(test, rec->n, 5U);
}

/*
 * The randomized test: a per-page model.  mem[p] is 0 when page p is not
 * memory, else 1 + its flags (HOTPLUG and NOMAP; node always none);
 * rsv[p] says whether it is reserved.
 */
#define MODEL_PAGES	1024
#define MODEL_STEPS	2000
#define MODEL_SEED	0x6d656d62ULL
#define PG		((u64)PAGE_SIZE)

struct model {
	u8 mem[MODEL_PAGES];
	bool rsv[MODEL_PAGES];
};

/* The arrays are sorted, disjoint, merged, page-aligned and equal the model. */
static void check_type(struct kunit *test, const struct smm_memblock_type *type,
		       const struct model *md, bool reserved, unsigned int step)
{
	unsigned int i, p = 0;
	u64 total = 0;

	for (i = 0; i < type->cnt; i++) {
		const struct smm_memblock_region *r = &type->regions[i];
		unsigned int first = r->base / PG, last = (r->base + r->size) / PG;

		KUNIT_ASSERT_GT_MSG(test, r->size, 0ULL, "step %u %s %u", step, type->name, i);
		KUNIT_ASSERT_EQ_MSG(test, r->base % PG, 0ULL, "step %u", step);
		KUNIT_ASSERT_EQ_MSG(test, r->size % PG, 0ULL, "step %u", step);
		KUNIT_ASSERT_LE_MSG(test, last, MODEL_PAGES, "step %u", step);
		KUNIT_ASSERT_EQ(test, r->nid, SMM_MEMBLOCK_NO_NODE);
		if (i) {
			const struct smm_memblock_region *q = r - 1;

			KUNIT_ASSERT_LE_MSG(test, q->base + q->size, r->base,
					    "step %u %s %u: unsorted or overlapping",
					    step, type->name, i);
			KUNIT_ASSERT_FALSE_MSG(test, q->base + q->size == r->base &&
					       q->flags == r->flags,
					       "step %u %s %u: not merged", step, type->name, i);
		}
		for (; p < first; p++)
			KUNIT_ASSERT_TRUE_MSG(test, reserved ? !md->rsv[p] : !md->mem[p],
					      "step %u %s page %u", step, type->name, p);
		for (; p < last; p++)
			KUNIT_ASSERT_TRUE_MSG(test, reserved ? md->rsv[p] :
					      md->mem[p] == 1 + r->flags,
					      "step %u %s page %u", step, type->name, p);
		total += r->size;
	}
	for (; p < MODEL_PAGES; p++)
		KUNIT_ASSERT_TRUE_MSG(test, reserved ? !md->rsv[p] : !md->mem[p],
				      "step %u %s page %u", step, type->name, p);
	KUNIT_ASSERT_EQ_MSG(test, type->total_size, total, "step %u %s", step, type->name);
}

/* Brute force: the page the allocator must return, or 0 (page 0 is never used). */
static unsigned int model_alloc(const struct model *md, bool bottom_up, unsigned int pages,
				unsigned int align, unsigned int start, unsigned int end)
{
	unsigned int c, p, best = 0;

	start = max(start, 1U);
	for (c = roundup(start, align); c + pages <= end; c += align) {
		u8 v = md->mem[c];

		if (!v || ((v - 1) & SMM_MEMBLOCK_NOMAP))
			continue;
		for (p = c; p < c + pages; p++)
			if (md->mem[p] != v || md->rsv[p])
				break;
		if (p < c + pages)
			continue;
		if (bottom_up)
			return c;
		best = c;
	}
	return best;
}

static void memblock_test_random_model(struct kunit *test)
{
	static const u32 flag_choice[] = {
		SMM_MEMBLOCK_NONE, SMM_MEMBLOCK_HOTPLUG, SMM_MEMBLOCK_NOMAP,
	};
	struct smm_memblock *mb = new_mb(test);
	struct smm_memblock *before = copy_mb(test, mb);
	struct model *md = kunit_kzalloc(test, sizeof(*md), GFP_KERNEL);
	struct model *md_before = kunit_kzalloc(test, sizeof(*md), GFP_KERNEL);
	unsigned int step, p, nomem = 0, allocs = 0, failed = 0;
	struct rnd_state rs;

	KUNIT_ASSERT_NOT_NULL(test, md);
	KUNIT_ASSERT_NOT_NULL(test, md_before);
	prandom_seed_state(&rs, MODEL_SEED);

	for (step = 0; step < MODEL_STEPS; step++) {
		unsigned int op = prandom_u32_state(&rs) % 12;
		unsigned int first = prandom_u32_state(&rs) % MODEL_PAGES;
		unsigned int len = 1 + prandom_u32_state(&rs) % 12;
		unsigned int last = min(first + len, (unsigned int)MODEL_PAGES);
		u32 flags = flag_choice[prandom_u32_state(&rs) % ARRAY_SIZE(flag_choice)];
		u64 base = first * PG, size = (last - first) * PG;
		int ret;

		memcpy(before, mb, sizeof(*mb));
		memcpy(md_before, md, sizeof(*md));
		switch (op) {
		case 0:
		case 1:
			ret = smm_memblock_add_node(mb, base, size, SMM_MEMBLOCK_NO_NODE, flags,
						    "t");
			for (p = first; p < last; p++)
				if (!md->mem[p])
					md->mem[p] = 1 + flags;
			break;
		case 2:
		case 3:
			ret = smm_memblock_remove(mb, base, size, "t");
			memset(&md->mem[first], 0, last - first);
			break;
		case 4: {
			u32 f = flags ? flags : SMM_MEMBLOCK_HOTPLUG;
			bool set = prandom_u32_state(&rs) & 1;

			ret = smm_memblock_mark(mb, base, size, f, set);
			for (p = first; p < last; p++)
				if (md->mem[p])
					md->mem[p] = 1 + (set ? (md->mem[p] - 1) | f :
							  (md->mem[p] - 1) & ~f);
			break;
		}
		case 5:
		case 6:
			ret = smm_memblock_reserve(mb, base, size, "t");
			for (p = first; p < last; p++)
				md->rsv[p] = true;
			break;
		case 7:
			ret = smm_memblock_free(mb, base, size, "t");
			for (p = first; p < last; p++)
				md->rsv[p] = false;
			break;
		default: {
			bool bu = prandom_u32_state(&rs) & 1;
			unsigned int align = 1U << (prandom_u32_state(&rs) % 4);
			unsigned int pages = 1 + prandom_u32_state(&rs) % 8;
			unsigned int lo = prandom_u32_state(&rs) % 2 ? 0 : first;
			unsigned int hi = prandom_u32_state(&rs) % 2 ? MODEL_PAGES :
					  max(last, min(lo + 64, (unsigned int)MODEL_PAGES));
			unsigned int want = model_alloc(md, bu, pages, align, lo, hi);
			u64 got;

			smm_memblock_set_bottom_up(mb, bu);
			got = smm_memblock_phys_alloc_range(mb, pages * PG, align * PG, lo * PG,
							    hi == MODEL_PAGES ? 0 : hi * PG);
			allocs++;
			ret = 0;
			if (!got) {
				/* Nothing fits, or it fits and the reserved array is full. */
				if (want)
					ret = -ENOMEM;
				else
					failed++;
				break;
			}
			KUNIT_ASSERT_EQ_MSG(test, got, want * PG,
					    "step %u: %s %u pages align %u in [%u, %u)", step,
					    bu ? "bottom-up" : "top-down", pages, align, lo, hi);
			for (p = want; p < want + pages; p++)
				md->rsv[p] = true;
			break;
		}
		}
		if (ret == -ENOMEM) {
			nomem++;
			memcpy(md, md_before, sizeof(*md));
			expect_same(test, mb, before);
			if (op >= 8)
				KUNIT_ASSERT_EQ_MSG(test, mb->reserved.cnt, SMM_MEMBLOCK_REGIONS,
						    "step %u: alloc failed with room", step);
			else
				KUNIT_ASSERT_TRUE_MSG(test,
						      mb->memory.cnt + 2 > SMM_MEMBLOCK_REGIONS ||
						      mb->reserved.cnt + 2 > SMM_MEMBLOCK_REGIONS,
						      "step %u: -ENOMEM with room", step);
		} else {
			KUNIT_ASSERT_EQ_MSG(test, ret, 0, "step %u op %u", step, op);
		}
		check_type(test, &mb->memory, md, false, step);
		check_type(test, &mb->reserved, md, true, step);
	}
	kunit_info(test, "%u steps, %u/%u regions at the end, %u allocations (%u found nothing), %u -ENOMEM\n",
		   step, mb->memory.cnt, mb->reserved.cnt, allocs, failed, nomem);
}

static struct kunit_case memblock_test_cases[] = {
	KUNIT_CASE(memblock_test_add_merges),
	KUNIT_CASE(memblock_test_add_keeps_attributes_apart),
	KUNIT_CASE(memblock_test_remove_splits),
	KUNIT_CASE(memblock_test_reserve_free),
	KUNIT_CASE(memblock_test_bad_args),
	KUNIT_CASE(memblock_test_alloc_top_down),
	KUNIT_CASE(memblock_test_alloc_bottom_up),
	KUNIT_CASE(memblock_test_alloc_region_attributes),
	KUNIT_CASE(memblock_test_alloc_nodes),
	KUNIT_CASE(memblock_test_capacity),
	KUNIT_CASE(memblock_test_show),
	KUNIT_CASE(memblock_test_log),
	KUNIT_CASE(memblock_test_random_model),
	{}
};

static struct kunit_suite memblock_test_suite = {
	.name = "shadow_mm_memblock",
	.test_cases = memblock_test_cases,
};

kunit_test_suite(memblock_test_suite);
