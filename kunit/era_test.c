// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "shadow_mm_era": the 6.12 bring-up (bringup=6.12) beside
 * 2.6.29's.
 *
 * Every case builds whole instances with smm_instance_create() and reads
 * what the bring-up left, against values worked out here from the rules
 * of "DOC: 6.12 bring-up", not read back from the code under test:
 *
 * - the handoff accounting of both eras on the same layouts (the era
 *   matrix): in 6.12 the managed pages plus what memblock_free_all() kept
 *   are the whole pages of memblock.memory, a page is kept exactly when
 *   memblock.reserved touches it, it is then EARLY or PGTABLE and
 *   PG_reserved, and no page of the buddy allocator is outside
 *   memblock.memory minus memblock.reserved; the image, the table pool,
 *   every section's mem_map array and the per-CPU chunk lie inside
 *   memblock.reserved, and so does the real-mode first MiB.  In 2.6.29 the
 *   same identity with bootmem's counters; and both eras see the same
 *   usable pages;
 * - top-down placement: a page model of memblock.memory replays the
 *   reservations in the order of the bring-up and finds the exact place of
 *   the table pool, the mem_map buffer (each section's array at its offset
 *   in it) and the per-CPU chunk, and ends with memblock.reserved;
 * - the zones: DMA, DMA32 and Normal by the scaling rule, no HighMem,
 *   movablecore= and kernelcore= carving ZONE_MOVABLE at the computed PFN;
 *   and the parameters each era refuses;
 * - the timeline: the 6.12 stages in the order they ran under the 6.12
 *   kernel names, and the memblock=debug steps, which replayed into a
 *   fresh memblock give memblock.memory and memblock.reserved;
 * - the zonelists: user pages from Movable, then Normal; GFP_KERNEL never
 *   from Movable; __SMM_GFP_DMA32 from DMA32 and DMA only;
 * - the shared layers on a 6.12 instance: every buddy order, the SLUB
 *   kmalloc classes, vmalloc, and a teardown that gives the host every
 *   page back.
 */

#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/cpumask.h>
#include <linux/err.h>
#include <linux/mm.h>
#include <linux/page_ref.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "kunit/util.h"
#include "shadow_mm/instance.h"
#include "shadow_mm/setup.h"

#define MB_PAGES(mb)	((unsigned long)(mb) << (20 - PAGE_SHIFT))

/* A layout to build, in one era. */
struct era_layout {
	const char *desc;
	unsigned int mb;
	enum smm_arena_source source;
	unsigned int chunk_order;
	const char *reserve;
	enum smm_era era;
};

/*
 * Deferred struct page init finishes before smm_instance_create() returns
 * (page_alloc_init_late() waits for its threads): a 6.12 instance comes
 * back with the deferred stage done and nothing left stamped.
 */
static void check_deferred_done(struct kunit *test, struct smm_instance *inst)
{
	enum smm_deferred_state st = READ_ONCE(inst->deferred.state);

	if (inst->era != SMM_ERA_612)
		return;
	KUNIT_ASSERT_TRUE_MSG(test, inst->timeline.recs[SMM_STAGE_DEFERRED].done,
			      "deferred_init_memmap did not run");
	KUNIT_ASSERT_TRUE_MSG(test, st == SMM_DEFERRED_DONE || st == SMM_DEFERRED_OFF,
			      "deferred init state %s", smm_deferred_state_name(st));
}

static struct smm_instance *era_inst(struct kunit *test, const struct era_layout *l,
				     const char *kernelcore, const char *movablecore)
{
	struct smm_params p = {
		.name = "kunit-era",
		.arena_mb = l->mb,
		.source = l->source,
		.chunk_order = l->chunk_order,
		.e820_reserve = l->reserve,
		.slab = SMM_SLAB_SLUB,
		.era = l->era,
	};
	struct smm_instance *inst;

	if (kernelcore)
		KUNIT_ASSERT_EQ(test, smm_parse_core("kernelcore", kernelcore, &p.kernelcore), 0);
	if (movablecore)
		KUNIT_ASSERT_EQ(test, smm_parse_core("movablecore", movablecore, &p.movablecore),
				0);
	inst = smm_test_new_instance(test, &p);
	KUNIT_ASSERT_EQ(test, inst->era, l->era);
	check_deferred_done(test, inst);
	kunit_info(test, "%s (%s): %u runs, end_pfn %#lx, %lu pages\n", l->desc,
		   smm_era_name(l->era), inst->arena.nr_runs, inst->arena.end_pfn,
		   inst->arena.nr_pages);
	return inst;
}

static const struct era_layout default_612 = {
	"default_64M", 64, SMM_ARENA_AUTO, MAX_PAGE_ORDER, NULL, SMM_ERA_612
};

/* ---- the memblock arrays as pages --------------------------------------- */

/* The end of a region, as memblock's region end. */
static u64 region_end(const struct smm_memblock_region *r)
{
	return r->base + r->size;
}

/*
 * Set the pages of [@base, @base + @size) below @end_pfn in @map: every page
 * the range touches when @outward, else only the whole pages inside it.
 */
static void set_range(unsigned long *map, unsigned long end_pfn, u64 base, u64 size,
		      bool outward)
{
	unsigned long s = outward ? SMM_PFN_DOWN(base) : SMM_PFN_UP(base);
	unsigned long e = outward ? SMM_PFN_UP(base + size) : SMM_PFN_DOWN(base + size);

	e = min(e, end_pfn);
	if (s < e)
		bitmap_set(map, s, e - s);
}

static void clear_range(unsigned long *map, unsigned long end_pfn, u64 base, u64 size)
{
	unsigned long s = SMM_PFN_DOWN(base), e = min(SMM_PFN_UP(base + size), end_pfn);

	if (s < e)
		bitmap_clear(map, s, e - s);
}

/* Is every byte of [@base, @base + @size) in some region of @type? */
static bool covered(const struct smm_memblock_type *type, u64 base, u64 size)
{
	u64 cur = base, end = base + size;
	unsigned int i;

	for (i = 0; i < type->cnt && cur < end; i++) {
		const struct smm_memblock_region *r = &type->regions[i];

		if (r->base > cur)
			break;
		cur = max(cur, region_end(r));
	}
	return cur >= end;
}

static unsigned long *new_map(struct kunit *test, unsigned long end_pfn)
{
	unsigned long *map = kunit_kcalloc(test, BITS_TO_LONGS(end_pfn), sizeof(long),
					   GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, map);
	return map;
}

/* The whole pages of memblock.memory that have a descriptor. */
static unsigned long *memory_map(struct kunit *test, struct smm_instance *inst)
{
	const struct smm_arena *a = &inst->arena;
	const struct smm_memblock_type *mem = &inst->memblock.memory;
	unsigned long *map = new_map(test, a->end_pfn), pfn;
	unsigned int i;

	for (i = 0; i < mem->cnt; i++)
		set_range(map, a->end_pfn, mem->regions[i].base, mem->regions[i].size, false);
	for_each_set_bit(pfn, map, a->end_pfn)
		if (!smm_arena_pfn_valid(a, pfn))
			__clear_bit(pfn, map);
	return map;
}

/* Every page that memblock.reserved touches. */
static unsigned long *reserved_map(struct kunit *test, struct smm_instance *inst)
{
	const struct smm_memblock_type *res = &inst->memblock.reserved;
	unsigned long *map = new_map(test, inst->arena.end_pfn);
	unsigned int i;

	for (i = 0; i < res->cnt; i++)
		set_range(map, inst->arena.end_pfn, res->regions[i].base, res->regions[i].size,
			  true);
	return map;
}

/* ---- the expected zones -------------------------------------------------- */

/*
 * The 6.12 bounds as "DOC: 6.12 bring-up" states the rule: DMA 1/16 of the
 * arena in MiB, 1 to 16; DMA32 up to half of the shadow space, in whole
 * MiB; Normal above; ZONE_MOVABLE from the section where @kernel present
 * pages have been counted from the bottom, never below DMA32's end.
 * @zone_end is indexed by enum smm_zone_type; HighMem is empty.
 */
static void expect_bounds(const struct smm_arena *a, unsigned int arena_mb,
			  unsigned long kernel, unsigned long *zone_end)
{
	unsigned long dma = clamp(arena_mb / 16, 1U, 16U) * MB_PAGES(1);
	unsigned long dma32 = max(dma, rounddown(a->end_pfn / 2, MB_PAGES(1)));
	unsigned long normal = a->end_pfn, counted = 0, sec;

	if (kernel && kernel < a->nr_pages) {
		for (sec = 0; sec < a->nr_sections && counted < kernel; sec++)
			counted += a->sections[sec].nr;
		normal = max(sec * SMM_PAGES_PER_SECTION, dma32);
	}
	zone_end[SMM_ZONE_DMA] = dma;
	zone_end[SMM_ZONE_DMA32] = dma32;
	zone_end[SMM_ZONE_NORMAL] = normal;
	zone_end[SMM_ZONE_HIGHMEM] = normal;
	zone_end[SMM_ZONE_MOVABLE] = a->end_pfn;
}

static unsigned long present_in(const struct smm_arena *a, unsigned long s, unsigned long e)
{
	unsigned long n = 0;

	for (; s < e && s < a->end_pfn; s++)
		n += smm_arena_pfn_valid(a, s);
	return n;
}

static void expect_zones(struct kunit *test, struct smm_instance *inst,
			 const unsigned long *zone_end)
{
	unsigned long start = 0;
	unsigned int z;

	KUNIT_EXPECT_EQ(test, inst->buddy.zone_mask,
			(unsigned int)(BIT(SMM_ZONE_DMA) | BIT(SMM_ZONE_DMA32) |
				       BIT(SMM_ZONE_NORMAL) | BIT(SMM_ZONE_MOVABLE)));
	for (z = 0; z < SMM_NR_ZONES; z++) {
		const struct smm_zone *zn = &inst->buddy.zones[z];

		KUNIT_EXPECT_EQ_MSG(test, zn->zone_start_pfn, start, "zone %s", zn->name);
		KUNIT_EXPECT_EQ_MSG(test, zn->spanned_pages, zone_end[z] - start, "zone %s",
				    zn->name);
		KUNIT_EXPECT_EQ_MSG(test, zn->present_pages,
				    present_in(&inst->arena, start, zone_end[z]), "zone %s",
				    zn->name);
		start = zone_end[z];
	}
	KUNIT_EXPECT_EQ(test, inst->buddy.zones[SMM_ZONE_HIGHMEM].spanned_pages, 0UL);
	KUNIT_EXPECT_EQ(test, inst->buddy.zones[SMM_ZONE_HIGHMEM].managed_pages, 0UL);
}

/* ---- handoff accounting ------------------------------------------------- */

static bool buddy_owned(u8 owner)
{
	return owner == SMM_OWNER_BUDDY || owner == SMM_OWNER_PCP ||
	       owner == SMM_OWNER_ALLOC || owner == SMM_OWNER_SLAB;
}

/*
 * 6.12: managed (over the zones, each by the expected bounds) plus
 * setup.kept_reserved is the whole pages of memblock.memory with a
 * descriptor; kept is exactly what memblock.reserved touches.  Each kept
 * page is EARLY or PGTABLE and PG_reserved; every page the buddy allocator
 * has is in memory minus reserved; the first MiB, the image, the table
 * pool's used part, the per-CPU chunk and every section's array are in
 * memblock.reserved.
 */
static void expect_handoff_612(struct kunit *test, struct smm_instance *inst,
			       const unsigned long *zone_end)
{
	const struct smm_arena *a = &inst->arena;
	const struct smm_memblock_type *res = &inst->memblock.reserved;
	const struct smm_setup *su = &inst->setup;
	unsigned long *mem = memory_map(test, inst), *held = reserved_map(test, inst);
	unsigned long usable = 0, kept = 0, managed = 0, bad = 0, low_bad = 0, pfn, sec;
	unsigned long want[SMM_NR_ZONES] = {};
	unsigned int z;

	for (pfn = 0; pfn < a->end_pfn; pfn++) {
		const struct smm_page *pg = smm_pfn_to_page(a, pfn);
		bool m = test_bit(pfn, mem), h = test_bit(pfn, held);
		bool ok;

		if (!pg) {
			/* Every page of memblock.memory has a descriptor. */
			KUNIT_EXPECT_FALSE_MSG(test, m, "pfn %#lx: memory without a descriptor",
					       pfn);
			continue;
		}
		if (m) {
			usable++;
			kept += h;
		}
		if (m && !h) {
			for (z = 0; z < SMM_NR_ZONES && pfn >= zone_end[z]; z++)
				;
			want[min_t(unsigned int, z, SMM_ZONE_MOVABLE)]++;
		}
		if (m && h)
			ok = (pg->owner == SMM_OWNER_EARLY || pg->owner == SMM_OWNER_PGTABLE) &&
			     smm_page_test(pg, SMM_PG_RESERVED);
		else if (m)
			ok = buddy_owned(pg->owner) || pg->owner == SMM_OWNER_PGTABLE;
		else
			ok = !buddy_owned(pg->owner) && pg->owner != SMM_OWNER_FREE;
		/* The first MiB is reserve_real_mode()'s: never the buddy allocator's. */
		if (pfn < MB_PAGES(1) && (!h || buddy_owned(pg->owner)))
			low_bad++;
		if (!ok && !bad++)
			kunit_info(test, "pfn %#lx: memory %d, reserved %d, owner %s, PG_reserved %d\n",
				   pfn, m, h, smm_owner_name(pg->owner),
				   smm_page_test(pg, SMM_PG_RESERVED));
	}
	KUNIT_EXPECT_EQ_MSG(test, bad, 0UL, "pages owned against memblock's arrays");
	KUNIT_EXPECT_EQ_MSG(test, low_bad, 0UL, "pages of the first MiB not reserved");
	for (z = 0; z < SMM_NR_ZONES; z++) {
		KUNIT_EXPECT_EQ_MSG(test, inst->buddy.zones[z].managed_pages, want[z], "zone %s",
				    inst->buddy.zones[z].name);
		managed += inst->buddy.zones[z].managed_pages;
	}
	KUNIT_EXPECT_EQ(test, managed + su->kept_reserved, usable);
	KUNIT_EXPECT_EQ(test, su->kept_reserved, kept);
	KUNIT_EXPECT_EQ(test, usable, bitmap_weight(mem, a->end_pfn));

	/* What the bring-up placed is all in memblock.reserved. */
	KUNIT_ASSERT_GE(test, res->cnt, 1U);
	KUNIT_EXPECT_EQ(test, res->regions[0].base, 0ULL);
	KUNIT_EXPECT_TRUE(test, covered(res, 0, SZ_1M));
	KUNIT_EXPECT_TRUE(test, covered(res, su->img.text, su->img.bss_stop - su->img.text));
	KUNIT_EXPECT_LT(test, su->table_start, su->table_end);
	KUNIT_EXPECT_TRUE(test, covered(res, su->table_start, su->table_end - su->table_start));
	KUNIT_EXPECT_GT(test, su->percpu_size, 0ULL);
	KUNIT_EXPECT_TRUE(test, covered(res, su->percpu_start, su->percpu_size));
	for (sec = 0; sec < a->nr_sections; sec++) {
		const struct smm_section *s = &a->sections[sec];
		unsigned long mpfn;

		if (!s->nr)
			continue;
		KUNIT_ASSERT_NOT_NULL_MSG(test, s->memmap, "section %lu", sec);
		KUNIT_ASSERT_TRUE(test, smm_arena_virt_to_pfn(a, s->memmap, &mpfn));
		KUNIT_EXPECT_TRUE_MSG(test, covered(res, SMM_PFN_PHYS(mpfn) +
						    offset_in_page(s->memmap),
						    (u64)s->nr * sizeof(struct smm_page)),
				      "section %lu's mem_map", sec);
	}
	KUNIT_EXPECT_FALSE(test, inst->broken);
}

/* Usable in the e820 sense: whole pages of RAM entries, with a descriptor. */
static unsigned long e820_usable(const struct smm_instance *inst)
{
	const struct smm_e820_table *t = &inst->e820;
	unsigned long n = 0;
	unsigned int i;

	for (i = 0; i < t->nr_entries; i++)
		if (t->entries[i].type == SMM_E820_RAM)
			n += smm_memmap_present(&inst->arena, SMM_PFN_UP(t->entries[i].addr),
						min(SMM_PFN_DOWN(t->entries[i].addr +
								 t->entries[i].size),
						    inst->arena.end_pfn));
	return n;
}

/*
 * 2.6.29, as shadow_mm_setup checks it in full (expect_accounting()):
 * here the identity only, so the two eras can be set side by side.  The
 * buddy's pages plus bootmem's kept pages are the usable pages, and the
 * kept ones are exactly the usable pages marked PG_reserved.
 */
static void expect_handoff_2629(struct kunit *test, struct smm_instance *inst)
{
	const struct smm_bootmem *bm = &inst->bootmem;
	unsigned long managed = 0, reserved = 0, usable = e820_usable(inst), pfn;
	const struct smm_e820_table *t = &inst->e820;
	unsigned int z, i;

	for (z = 0; z < SMM_NR_ZONES; z++)
		managed += inst->buddy.zones[z].managed_pages;
	for (i = 0; i < t->nr_entries; i++) {
		if (t->entries[i].type != SMM_E820_RAM)
			continue;
		for (pfn = SMM_PFN_UP(t->entries[i].addr);
		     pfn < min(SMM_PFN_DOWN(t->entries[i].addr + t->entries[i].size),
			       inst->arena.end_pfn); pfn++) {
			const struct smm_page *pg = smm_pfn_to_page(&inst->arena, pfn);

			if (pg && smm_page_test(pg, SMM_PG_RESERVED))
				reserved++;
		}
	}
	KUNIT_EXPECT_EQ(test, managed, bm->handed_over);
	KUNIT_EXPECT_EQ(test, managed + bm->kept_reserved, usable);
	KUNIT_EXPECT_EQ(test, bm->kept_reserved, reserved);
	KUNIT_EXPECT_EQ(test, inst->buddy.zones[SMM_ZONE_DMA32].spanned_pages, 0UL);
	KUNIT_EXPECT_EQ(test, inst->buddy.zones[SMM_ZONE_MOVABLE].spanned_pages, 0UL);
	/* No memblock in 2.6.29. */
	KUNIT_EXPECT_EQ(test, inst->memblock.memory.cnt, 0U);
	KUNIT_EXPECT_EQ(test, inst->memblock.reserved.cnt, 0U);
	KUNIT_EXPECT_FALSE(test, inst->broken);
}

/* The era matrix: each layout in both eras. */
static const struct era_layout layouts[] = {
	{ "2629_default_64M", 64, SMM_ARENA_AUTO, MAX_PAGE_ORDER, NULL, SMM_ERA_2629 },
	{ "612_default_64M", 64, SMM_ARENA_AUTO, MAX_PAGE_ORDER, NULL, SMM_ERA_612 },
	{ "2629_chunks_8M_order5", 8, SMM_ARENA_CHUNKS, 5, NULL, SMM_ERA_2629 },
	{ "612_chunks_8M_order5", 8, SMM_ARENA_CHUNKS, 5, NULL, SMM_ERA_612 },
	{ "2629_reserve_low_high", 64, SMM_ARENA_AUTO, MAX_PAGE_ORDER,
	  "64K@8M,0x1800@0x3c00800:acpi", SMM_ERA_2629 },
	{ "612_reserve_low_high", 64, SMM_ARENA_AUTO, MAX_PAGE_ORDER,
	  "64K@8M,0x1800@0x3c00800:acpi", SMM_ERA_612 },
	{ "2629_small_4M", SMM_ARENA_MIN_MB, SMM_ARENA_CHUNKS, MAX_PAGE_ORDER, NULL,
	  SMM_ERA_2629 },
	{ "612_small_4M", SMM_ARENA_MIN_MB, SMM_ARENA_CHUNKS, MAX_PAGE_ORDER, NULL, SMM_ERA_612 },
};

KUNIT_ARRAY_PARAM_DESC(layouts, layouts, desc);

static void era_test_handoff_accounting(struct kunit *test)
{
	const struct era_layout *l = test->param_value;
	struct smm_instance *inst = era_inst(test, l, NULL, NULL);
	unsigned long zone_end[SMM_NR_ZONES];

	if (l->era == SMM_ERA_2629) {
		expect_handoff_2629(test, inst);
		return;
	}
	expect_bounds(&inst->arena, l->mb, 0, zone_end);
	expect_zones(test, inst, zone_end);
	expect_handoff_612(test, inst, zone_end);
	KUNIT_EXPECT_EQ(test, e820_usable(inst),
			bitmap_weight(memory_map(test, inst), inst->arena.end_pfn));
}

/* Did the host give both instances the same runs at the same shadow PFNs? */
static bool same_layout(const struct smm_arena *x, const struct smm_arena *y)
{
	unsigned int i;

	if (x->nr_runs != y->nr_runs || x->end_pfn != y->end_pfn)
		return false;
	for (i = 0; i < x->nr_runs; i++)
		if (x->runs[i].pfn != y->runs[i].pfn || x->runs[i].nr_pages != y->runs[i].nr_pages)
			return false;
	return true;
}

/*
 * The same memory in both eras: the same e820 map, so the same usable
 * pages; what each bring-up keeps differs, and both add up.  The host
 * decides the runs; the maps are compared when it gave both the same.
 */
static void era_test_same_memory(struct kunit *test)
{
	struct era_layout l = { "default_64M", 64, SMM_ARENA_AUTO, MAX_PAGE_ORDER, NULL,
				SMM_ERA_2629 };
	struct smm_instance *old = era_inst(test, &l, NULL, NULL), *new;
	unsigned long m_old = 0, m_new = 0;
	unsigned int z, i;

	l.era = SMM_ERA_612;
	new = era_inst(test, &l, NULL, NULL);
	KUNIT_EXPECT_EQ(test, old->arena.nr_pages, new->arena.nr_pages);
	for (z = 0; z < SMM_NR_ZONES; z++) {
		m_old += old->buddy.zones[z].managed_pages;
		m_new += new->buddy.zones[z].managed_pages;
	}
	KUNIT_EXPECT_EQ(test, m_old + old->bootmem.kept_reserved, e820_usable(old));
	KUNIT_EXPECT_EQ(test, m_new + new->setup.kept_reserved, e820_usable(new));
	kunit_info(test, "managed: 2.6.29 %lu of %lu usable, 6.12 %lu of %lu\n", m_old,
		   e820_usable(old), m_new, e820_usable(new));
	/* ZONE_DMA scales the same way in both. */
	KUNIT_EXPECT_EQ(test, old->buddy.zones[SMM_ZONE_DMA].spanned_pages,
			new->buddy.zones[SMM_ZONE_DMA].spanned_pages);
	if (!same_layout(&old->arena, &new->arena)) {
		kunit_info(test, "the host gave different runs: maps not compared\n");
		return;
	}
	KUNIT_ASSERT_EQ(test, old->e820.nr_entries, new->e820.nr_entries);
	for (i = 0; i < old->e820.nr_entries; i++) {
		KUNIT_EXPECT_EQ(test, old->e820.entries[i].addr, new->e820.entries[i].addr);
		KUNIT_EXPECT_EQ(test, old->e820.entries[i].size, new->e820.entries[i].size);
		KUNIT_EXPECT_EQ(test, old->e820.entries[i].type, new->e820.entries[i].type);
	}
	KUNIT_EXPECT_EQ(test, e820_usable(old), e820_usable(new));
}

/* ---- top-down placement ------------------------------------------------- */

/*
 * __memblock_find_range_top_down() over pages: the highest run of
 * PFN_UP(@size) pages that are memory and not @busy, in [@min_addr,
 * @max_addr).  Every range the bring-up allocates is page-aligned and
 * every free range ends on a page, so pages are exact.
 */
static u64 model_alloc(const unsigned long *mem, const unsigned long *busy,
		       unsigned long end_pfn, u64 size, u64 min_addr, u64 max_addr)
{
	unsigned long n = SMM_PFN_UP(size), lo = SMM_PFN_UP(min_addr), run = 0, pfn;
	unsigned long hi = min_t(u64, SMM_PFN_DOWN(max_addr), end_pfn);

	for (pfn = hi; pfn > lo; pfn--) {
		if (!test_bit(pfn - 1, mem) || test_bit(pfn - 1, busy))
			run = 0;
		else if (++run == n)
			return SMM_PFN_PHYS(pfn - 1);
	}
	return 0;
}

/* The per-CPU unit: 256 KiB at 1 GiB, scaled to the arena, at least a page. */
static u64 pcpu_unit(unsigned long nr_pages)
{
	u64 bytes = (u64)SZ_256K * min(nr_pages, MB_PAGES(1024)) / MB_PAGES(1024);

	return max_t(u64, PAGE_ALIGN(bytes), PAGE_SIZE);
}

/*
 * The reservations in the bring-up's order, on a model: the first MiB and
 * the image, then the table pool top-down below max_pfn, the mem_map
 * above ZONE_DMA, the pool's unused top given back, the per-CPU chunk.
 * Each lands where the model says, each section's array at its offset in
 * the mem_map buffer, and the model ends as memblock.reserved.
 */
static void expect_placement(struct kunit *test, struct smm_instance *inst,
			     unsigned long dma_end, bool top_of_memory)
{
	const struct smm_arena *a = &inst->arena;
	const struct smm_setup *su = &inst->setup;
	const struct smm_memblock_type *mem = &inst->memblock.memory;
	unsigned long *mem_pages = new_map(test, a->end_pfn);
	unsigned long *busy = new_map(test, a->end_pfn), *res = reserved_map(test, inst);
	u64 end = SMM_PFN_PHYS(smm_e820_max_pfn(&inst->e820)), pool, mm_size, mm_base, cur;
	u64 pcpu_size = pcpu_unit(a->nr_pages) * num_possible_cpus();
	unsigned long sec;
	unsigned int i;

	/* memblock.memory, whole pages, descriptor or not: memblock does not know. */
	for (i = 0; i < mem->cnt; i++)
		set_range(mem_pages, a->end_pfn, mem->regions[i].base, mem->regions[i].size,
			  false);
	KUNIT_ASSERT_GE(test, mem->cnt, 1U);

	set_range(busy, a->end_pfn, 0, SZ_1M, true);
	set_range(busy, a->end_pfn, su->img.text, su->img.bss_stop - su->img.text, true);
	/* The loader's place: the end of ZONE_DMA, or the first RAM above it. */
	if (su->img.relocated)
		KUNIT_EXPECT_GT(test, su->img.text, (u64)SMM_PFN_PHYS(dma_end));
	else
		KUNIT_EXPECT_EQ(test, su->img.text, (u64)SMM_PFN_PHYS(dma_end));

	/* init_mem_mapping(): the pool, at the very top. */
	pool = smm_setup_table_space(end);
	KUNIT_EXPECT_EQ(test, su->table_start, model_alloc(mem_pages, busy, a->end_pfn, pool, 0,
							   end));
	KUNIT_EXPECT_EQ(test, su->table_top, su->table_start + pool);
	if (top_of_memory)
		KUNIT_EXPECT_EQ(test, su->table_top, region_end(&mem->regions[mem->cnt - 1]));
	set_range(busy, a->end_pfn, su->table_start, pool, true);

	/* sparse_init(): the buffer right below, each array in section order. */
	mm_size = smm_memmap_bytes(a);
	KUNIT_EXPECT_EQ(test, (u64)inst->memmap.bytes, (u64)inst->memmap.nr_pages *
			sizeof(struct smm_page));
	mm_base = model_alloc(mem_pages, busy, a->end_pfn, mm_size, SMM_PFN_PHYS(dma_end),
			      SMM_MEMBLOCK_ADDR_MAX);
	KUNIT_ASSERT_NE(test, mm_base, 0ULL);
	if (top_of_memory)
		KUNIT_EXPECT_EQ(test, mm_base, su->table_start - PAGE_ALIGN(mm_size));
	for (sec = 0, cur = mm_base; sec < a->nr_sections; sec++) {
		const struct smm_section *s = &a->sections[sec];

		if (!s->nr)
			continue;
		cur = ALIGN(cur, __alignof__(struct smm_page));
		KUNIT_EXPECT_PTR_EQ_MSG(test, (void *)s->memmap,
					smm_arena_pfn_to_virt(a, SMM_PFN_DOWN(cur)) +
					offset_in_page(cur), "section %lu", sec);
		cur += (u64)s->nr * sizeof(struct smm_page);
	}
	KUNIT_EXPECT_EQ(test, cur, mm_base + mm_size);
	set_range(busy, a->end_pfn, mm_base, mm_size, true);

	/* kernel_physical_mapping_init(): the tables it did not need go back. */
	KUNIT_EXPECT_LE(test, su->table_end, su->table_top);
	if (su->table_top > su->table_end)
		clear_range(busy, a->end_pfn, su->table_end, su->table_top - su->table_end);

	/* setup_per_cpu_areas(): the embedded chunk, top-down above ZONE_DMA. */
	KUNIT_EXPECT_EQ(test, su->percpu_size, pcpu_size);
	KUNIT_EXPECT_EQ(test, su->percpu_start, model_alloc(mem_pages, busy, a->end_pfn,
							    pcpu_size, SMM_PFN_PHYS(dma_end),
							    SMM_MEMBLOCK_ADDR_MAX));
	set_range(busy, a->end_pfn, su->percpu_start, su->percpu_size, true);

	/* Nothing else: the model is memblock.reserved, page for page. */
	KUNIT_EXPECT_TRUE_MSG(test, bitmap_equal(busy, res, a->end_pfn),
			      "memblock.reserved: %u regions, %llu bytes; the model %u pages",
			      inst->memblock.reserved.cnt, inst->memblock.reserved.total_size,
			      bitmap_weight(busy, a->end_pfn));
	kunit_info(test, "pool [%#llx, %#llx) used to %#llx, mem_map %#llx + %llu, percpu %#llx + %llu\n",
		   su->table_start, su->table_top, su->table_end, mm_base, mm_size,
		   su->percpu_start, su->percpu_size);
}

static const struct era_layout placement_layouts[] = {
	{ "default_64M", 64, SMM_ARENA_AUTO, MAX_PAGE_ORDER, NULL, SMM_ERA_612 },
	{ "chunks_8M_order5", 8, SMM_ARENA_CHUNKS, 5, NULL, SMM_ERA_612 },
	{ "chunks_16M_order6", 16, SMM_ARENA_CHUNKS, 6, NULL, SMM_ERA_612 },
	{ "reserve_top", 64, SMM_ARENA_AUTO, MAX_PAGE_ORDER, "1M@62M", SMM_ERA_612 },
	{ "small_4M", SMM_ARENA_MIN_MB, SMM_ARENA_CHUNKS, MAX_PAGE_ORDER, NULL, SMM_ERA_612 },
};

KUNIT_ARRAY_PARAM_DESC(placement_layouts, placement_layouts, desc);

static void era_test_top_down(struct kunit *test)
{
	const struct era_layout *l = test->param_value;
	struct smm_instance *inst = era_inst(test, l, NULL, NULL);
	unsigned long zone_end[SMM_NR_ZONES];

	expect_bounds(&inst->arena, l->mb, 0, zone_end);
	/*
	 * One large run and no reservation up there: the pool ends where the
	 * highest memory does, the mem_map right below it.
	 */
	expect_placement(test, inst, zone_end[SMM_ZONE_DMA],
			 !l->reserve && l->source == SMM_ARENA_AUTO);
}

/*
 * The default layout, contiguous where the host allows: the exact numbers.
 * 64 MiB: DMA 4 MiB (the image at 4 MiB), DMA32 to 32 MiB, Normal to 64 MiB.
 */
static void era_test_default_numbers(struct kunit *test)
{
	struct smm_instance *inst = era_inst(test, &default_612, NULL, NULL);
	const struct smm_arena *a = &inst->arena;
	const struct smm_setup *su = &inst->setup;
	const struct smm_memblock_type *mem = &inst->memblock.memory;
	unsigned long pfn;

	if (a->nr_runs != 1 || a->end_pfn != a->nr_pages)
		kunit_skip(test, "the host gave a non-contiguous arena (boot with movablecore=)");
	KUNIT_EXPECT_EQ(test, inst->buddy.zones[SMM_ZONE_DMA].spanned_pages, MB_PAGES(4));
	KUNIT_EXPECT_EQ(test, inst->buddy.zones[SMM_ZONE_DMA32].zone_start_pfn, MB_PAGES(4));
	KUNIT_EXPECT_EQ(test, inst->buddy.zones[SMM_ZONE_NORMAL].zone_start_pfn, MB_PAGES(32));
	KUNIT_EXPECT_EQ(test, inst->buddy.zones[SMM_ZONE_NORMAL].spanned_pages, MB_PAGES(32));
	KUNIT_EXPECT_EQ(test, inst->buddy.zones[SMM_ZONE_MOVABLE].spanned_pages, 0UL);
	KUNIT_EXPECT_EQ(test, su->img.text, (u64)SZ_4M);
	KUNIT_EXPECT_FALSE(test, su->img.relocated);
	/* The last RAM entry ends below the ACPI data at the top; the pool ends there. */
	KUNIT_ASSERT_GE(test, mem->cnt, 1U);
	KUNIT_EXPECT_EQ(test, region_end(&mem->regions[mem->cnt - 1]),
			(u64)SZ_64M - SMM_E820_ACPI_SIZE);
	KUNIT_EXPECT_EQ(test, su->table_top, (u64)SZ_64M - SMM_E820_ACPI_SIZE);
	/* 16384 descriptors of 40 bytes: 640 KiB, right below the pool. */
	KUNIT_EXPECT_EQ(test, smm_memmap_bytes(a), 16384ULL * sizeof(struct smm_page));
	KUNIT_ASSERT_TRUE(test, smm_arena_virt_to_pfn(a, a->sections[0].memmap, &pfn));
	KUNIT_EXPECT_EQ(test, SMM_PFN_PHYS(pfn) + offset_in_page(a->sections[0].memmap),
			su->table_start - SZ_512K - SZ_128K);
	/* 64 MiB of 1 GiB: a 16 KiB unit per CPU. */
	KUNIT_EXPECT_EQ(test, su->percpu_size, (u64)SZ_16K * num_possible_cpus());
}

/* ---- zones: movablecore=, kernelcore= ----------------------------------- */

struct core_case {
	const char *desc;
	const char *kernelcore;
	const char *movablecore;
};

static const struct core_case core_cases[] = {
	{ "movablecore=16M", NULL, "16M" },
	{ "kernelcore=50%", "50%", NULL },
	{ "kernelcore=75%", "75%", NULL },
	{ "kernelcore=40M,movablecore=8M", "40M", "8M" },
	{ "movablecore=25%", NULL, "25%" },
};

KUNIT_ARRAY_PARAM_DESC(core_cases, core_cases, desc);

/* Pages of a core value out of @total, as the rule reads it. */
static unsigned long core_want(const struct smm_core *c, unsigned long total)
{
	if (c->percent)
		return total * c->percent / 100;
	return min_t(u64, SMM_PFN_UP(c->bytes), total);
}

static void era_test_movable(struct kunit *test)
{
	const struct core_case *c = test->param_value;
	struct smm_instance *inst = era_inst(test, &default_612, c->kernelcore, c->movablecore);
	const struct smm_arena *a = &inst->arena;
	struct smm_core kc = {}, mc = {};
	unsigned long zone_end[SMM_NR_ZONES], kernel = 0;
	const struct smm_zone *mz = &inst->buddy.zones[SMM_ZONE_MOVABLE];

	if (c->kernelcore) {
		KUNIT_ASSERT_EQ(test, smm_parse_core("kernelcore", c->kernelcore, &kc), 0);
		kernel = core_want(&kc, a->nr_pages);
	}
	if (c->movablecore) {
		KUNIT_ASSERT_EQ(test, smm_parse_core("movablecore", c->movablecore, &mc), 0);
		kernel = max(kernel, a->nr_pages - core_want(&mc, a->nr_pages));
	}
	expect_bounds(a, default_612.mb, kernel, zone_end);
	kunit_info(test, "kernel %lu pages: Normal ends at %#lx\n", kernel,
		   zone_end[SMM_ZONE_NORMAL]);
	expect_zones(test, inst, zone_end);
	expect_handoff_612(test, inst, zone_end);
	KUNIT_EXPECT_GT(test, mz->managed_pages, 0UL);
	/* Rounded up to a section, or DMA32's end (in whole MiB) when that is higher. */
	if (mz->zone_start_pfn != zone_end[SMM_ZONE_DMA32])
		KUNIT_EXPECT_EQ(test, mz->zone_start_pfn % SMM_PAGES_PER_SECTION, 0UL);

	/* Contiguous: the literal numbers. */
	if (a->nr_runs == 1 && a->end_pfn == a->nr_pages) {
		if (c->movablecore && !strcmp(c->movablecore, "16M") && !c->kernelcore) {
			KUNIT_EXPECT_EQ(test, mz->zone_start_pfn, MB_PAGES(48));
			KUNIT_EXPECT_EQ(test, mz->present_pages, MB_PAGES(16));
		}
		if (c->kernelcore && !strcmp(c->kernelcore, "50%"))
			KUNIT_EXPECT_EQ(test, mz->zone_start_pfn, MB_PAGES(32));
		if (c->kernelcore && !strcmp(c->kernelcore, "75%"))
			KUNIT_EXPECT_EQ(test, mz->zone_start_pfn, MB_PAGES(48));
	}
	/* With whole-section chunks, movablecore=16M is 16 MiB of pages whatever the holes. */
	if (c->movablecore && !strcmp(c->movablecore, "16M") && !c->kernelcore &&
	    a->chunk_order >= SMM_SECTION_ORDER)
		KUNIT_EXPECT_EQ(test, mz->present_pages, MB_PAGES(16));
}

/* ---- the parameters each era refuses ------------------------------------ */

static void era_test_params(struct kunit *test)
{
	struct smm_params p = {
		.name = "kunit-era", .arena_mb = 64, .source = SMM_ARENA_AUTO,
		.chunk_order = MAX_PAGE_ORDER, .slab = SMM_SLAB_SLUB, .era = SMM_ERA_612,
	};
	struct smm_core core = { .bytes = 123 };
	enum smm_era era = SMM_ERA_612;

	KUNIT_EXPECT_EQ(test, smm_params_check(&p), 0);
	p.slab = SMM_SLAB_SLAB;
	KUNIT_EXPECT_EQ(test, smm_params_check(&p), -EINVAL);
	p.slab = SMM_SLAB_SLOB;
	KUNIT_EXPECT_EQ(test, smm_params_check(&p), -EINVAL);
	p.slab = SMM_SLAB_SLUB;
	p.zone_normal_mb = 32;
	KUNIT_EXPECT_EQ(test, smm_params_check(&p), -EINVAL);
	p.zone_normal_mb = 0;
	p.movablecore.bytes = SZ_16M;
	p.kernelcore.percent = 50;
	KUNIT_EXPECT_EQ(test, smm_params_check(&p), 0);

	/* 2.6.29: no ZONE_MOVABLE modelled; all three slab allocators. */
	p.era = SMM_ERA_2629;
	KUNIT_EXPECT_EQ(test, smm_params_check(&p), -EINVAL);
	p.movablecore.bytes = 0;
	KUNIT_EXPECT_EQ(test, smm_params_check(&p), -EINVAL);
	p.kernelcore.percent = 0;
	p.movablecore.percent = 10;
	KUNIT_EXPECT_EQ(test, smm_params_check(&p), -EINVAL);
	p.movablecore.percent = 0;
	KUNIT_EXPECT_EQ(test, smm_params_check(&p), 0);
	p.slab = SMM_SLAB_SLOB;
	KUNIT_EXPECT_EQ(test, smm_params_check(&p), 0);
	p.slab = SMM_SLAB_SLAB;
	KUNIT_EXPECT_EQ(test, smm_params_check(&p), 0);
	p.era = SMM_ERA_NR;
	KUNIT_EXPECT_EQ(test, smm_params_check(&p), -EINVAL);

	/* bringup=: two values, and a refusal leaves the value as it was. */
	KUNIT_EXPECT_EQ(test, smm_parse_era("bringup", "6.13", &era), -EINVAL);
	KUNIT_EXPECT_EQ(test, era, SMM_ERA_612);
	KUNIT_EXPECT_EQ(test, smm_parse_era("bringup", "2.6.29 ", &era), -EINVAL);
	KUNIT_EXPECT_EQ(test, smm_parse_era("bringup", "", &era), -EINVAL);
	KUNIT_EXPECT_EQ(test, smm_parse_era("bringup", "2.6.29", &era), 0);
	KUNIT_EXPECT_EQ(test, era, SMM_ERA_2629);
	KUNIT_EXPECT_EQ(test, smm_parse_era("bringup", "6.12", &era), 0);
	KUNIT_EXPECT_EQ(test, era, SMM_ERA_612);
	KUNIT_EXPECT_STREQ(test, smm_era_name(SMM_ERA_2629), "2.6.29");
	KUNIT_EXPECT_STREQ(test, smm_era_name(SMM_ERA_612), "6.12");

	/* kernelcore=, movablecore=: sizes and percentages, 1..100. */
	KUNIT_EXPECT_EQ(test, smm_parse_core("kernelcore", "101%", &core), -ERANGE);
	KUNIT_EXPECT_EQ(test, smm_parse_core("kernelcore", "0%", &core), -ERANGE);
	KUNIT_EXPECT_EQ(test, smm_parse_core("kernelcore", "12345678%", &core), -ERANGE);
	KUNIT_EXPECT_EQ(test, smm_parse_core("kernelcore", "mirror", &core), -EINVAL);
	KUNIT_EXPECT_EQ(test, smm_parse_core("movablecore", "16Q", &core), -EINVAL);
	KUNIT_EXPECT_EQ(test, smm_parse_core("movablecore", "", &core), -EINVAL);
	KUNIT_EXPECT_EQ(test, core.bytes, 123ULL);
	KUNIT_EXPECT_EQ(test, core.percent, 0U);
	KUNIT_EXPECT_EQ(test, smm_parse_core("movablecore", "16M", &core), 0);
	KUNIT_EXPECT_EQ(test, core.bytes, (u64)SZ_16M);
	KUNIT_EXPECT_EQ(test, core.percent, 0U);
	KUNIT_EXPECT_EQ(test, smm_parse_core("kernelcore", "100%", &core), 0);
	KUNIT_EXPECT_EQ(test, core.percent, 100U);
	KUNIT_EXPECT_EQ(test, core.bytes, 0ULL);
	KUNIT_EXPECT_EQ(test, smm_parse_core("kernelcore", "1%", &core), 0);
	KUNIT_EXPECT_EQ(test, core.percent, 1U);
}

/* ---- the timeline --------------------------------------------------------- */

/* Is the memblock=debug line's function, its first @len characters, @name? */
static bool op_is(const char *line, size_t len, const char *name)
{
	return len == strlen(name) && !strncmp(line, name, len);
}

/*
 * The stages in the order they ran, under 6.12's names; each done, one
 * after the other; and the memblock=debug steps, replayed into a fresh
 * memblock, give memblock.memory and memblock.reserved region for region.
 */
static void era_test_timeline(struct kunit *test)
{
	static const char *const seq[] = {
		"e820__memory_setup", "early_reserve_memory", "e820__memblock_setup",
		"init_mem_mapping", "sparse_init", "free_area_init", "setup_per_cpu_areas",
		"memblock_free_all", "kmem_cache_init", "vmalloc_init",
	};
	struct smm_instance *inst = era_inst(test, &default_612, NULL, NULL);
	const struct smm_timeline *tl = &inst->timeline;
	const struct smm_memblock *mb = &inst->memblock;
	struct smm_memblock *re = kunit_kzalloc(test, sizeof(*re), GFP_KERNEL);
	unsigned int i, k, nr_log = 0, nr_res = 0, nr_free = 0, nr_add = 0;

	KUNIT_ASSERT_NOT_NULL(test, re);
	KUNIT_EXPECT_EQ(test, tl->era, SMM_ERA_612);
	KUNIT_ASSERT_GE(test, tl->nr_seq, (unsigned int)ARRAY_SIZE(seq) + 1);
	KUNIT_ASSERT_LE(test, tl->nr_seq, (unsigned int)ARRAY_SIZE(seq) + 2);
	KUNIT_EXPECT_EQ(test, tl->seq[0], SMM_STAGE_ARENA);
	for (i = 1, k = 0; i < tl->nr_seq; i++, k++) {
		enum smm_stage s = tl->seq[i];
		const char *name = smm_stage_kernel_name(SMM_ERA_612, s);

		KUNIT_EXPECT_TRUE_MSG(test, tl->recs[s].done, "stage %s", name);
		KUNIT_EXPECT_GE_MSG(test, tl->recs[s].start_ns,
				    tl->recs[tl->seq[i - 1]].start_ns +
				    tl->recs[tl->seq[i - 1]].duration_ns,
				    "%s starts before the stage before it ended", name);
		if (k < ARRAY_SIZE(seq))
			KUNIT_EXPECT_STREQ_MSG(test, name, seq[k], "stage %u", i);
		else
			KUNIT_EXPECT_STREQ(test, name, "deferred_init_memmap");
	}
	/* No 2.6.29 stage ran. */
	KUNIT_EXPECT_FALSE(test, tl->recs[SMM_STAGE_EARLY].done);
	KUNIT_EXPECT_FALSE(test, tl->recs[SMM_STAGE_BOOTMEM].done);
	KUNIT_EXPECT_FALSE(test, tl->recs[SMM_STAGE_EARLYRES].done);
	KUNIT_EXPECT_FALSE(test, tl->recs[SMM_STAGE_KMAP].done);
	KUNIT_EXPECT_EQ(test, tl->dropped_steps, 0U);

	smm_memblock_init(re);
	for (i = 0; i < tl->nr_steps; i++) {
		const struct smm_step_rec *st = &tl->steps[i];
		char caller[32];
		const char *colon;
		size_t oplen;
		u64 first, last;
		int ret = -EINVAL, nf;

		if (i)
			KUNIT_EXPECT_GE(test, st->start_ns, tl->steps[i - 1].start_ns);
		if (strcmp(st->name, "memblock=debug"))
			continue;
		nr_log++;
		/* Logged only while memblock is up: before memblock_free_all() is done. */
		KUNIT_EXPECT_NE(test, st->stage, SMM_STAGE_SLAB);
		KUNIT_EXPECT_NE(test, st->stage, SMM_STAGE_VMALLOC);
		colon = strchr(st->result, ':');
		KUNIT_ASSERT_NOT_NULL_MSG(test, colon, "'%s'", st->result);
		oplen = colon - st->result;
		nf = sscanf(colon, ": [0x%llx-0x%llx] %31s", &first, &last, caller);
		KUNIT_ASSERT_EQ_MSG(test, nf, 3, "'%s'", st->result);
		KUNIT_ASSERT_LE(test, first, last);
		if (op_is(st->result, oplen, "memblock_add")) {
			nr_add++;
			KUNIT_EXPECT_STREQ(test, caller, "e820__memblock_setup");
			ret = smm_memblock_add(re, first, last + 1 - first, NULL);
		} else if (op_is(st->result, oplen, "memblock_reserve")) {
			nr_res++;
			ret = smm_memblock_reserve(re, first, last + 1 - first, NULL);
		} else if (op_is(st->result, oplen, "memblock_phys_free")) {
			nr_free++;
			ret = smm_memblock_free(re, first, last + 1 - first, NULL);
		}
		KUNIT_EXPECT_EQ_MSG(test, ret, 0, "'%s'", st->result);
	}
	kunit_info(test, "%u memblock=debug lines: %u add, %u reserve, %u free\n", nr_log,
		   nr_add, nr_res, nr_free);
	/*
	 * The image, page 0, the first MiB, the table pool, the mem_map and the
	 * per-CPU chunk; the unused tables given back; an add per RAM entry.
	 */
	KUNIT_EXPECT_EQ(test, nr_res, 6U);
	KUNIT_EXPECT_EQ(test, nr_free, inst->setup.table_top > inst->setup.table_end ? 1U : 0U);
	KUNIT_EXPECT_EQ(test, nr_log, nr_add + nr_res + nr_free);
	KUNIT_EXPECT_GE(test, nr_add, 1U);
	KUNIT_EXPECT_EQ(test, re->memory.cnt, mb->memory.cnt);
	KUNIT_EXPECT_EQ(test, re->memory.total_size, mb->memory.total_size);
	for (i = 0; i < min(re->memory.cnt, mb->memory.cnt); i++) {
		KUNIT_EXPECT_EQ(test, re->memory.regions[i].base, mb->memory.regions[i].base);
		KUNIT_EXPECT_EQ(test, re->memory.regions[i].size, mb->memory.regions[i].size);
	}
	KUNIT_EXPECT_EQ(test, re->reserved.cnt, mb->reserved.cnt);
	KUNIT_EXPECT_EQ(test, re->reserved.total_size, mb->reserved.total_size);
	for (i = 0; i < min(re->reserved.cnt, mb->reserved.cnt); i++) {
		KUNIT_EXPECT_EQ_MSG(test, re->reserved.regions[i].base,
				    mb->reserved.regions[i].base, "reserved[%u]", i);
		KUNIT_EXPECT_EQ_MSG(test, re->reserved.regions[i].size,
				    mb->reserved.regions[i].size, "reserved[%u]", i);
	}
}

/* ---- zonelists ----------------------------------------------------------- */

/* Allocate order-0 pages with @gfp until @stop says so or none is left; count per zone. */
struct drain {
	struct smm_page **pages;
	unsigned long nr;
	unsigned long per_zone[SMM_NR_ZONES];
};

static void drain_free(struct smm_buddy *b, struct drain *d)
{
	while (d->nr)
		smm_free_page(b, d->pages[--d->nr]);
}

static void era_test_zonelists(struct kunit *test)
{
	struct smm_instance *inst = era_inst(test, &default_612, NULL, "16M");
	struct smm_buddy *b = &inst->buddy;
	struct smm_zone *mz = &b->zones[SMM_ZONE_MOVABLE];
	unsigned long max = inst->arena.nr_pages, first_other = 0, free0;
	enum smm_zone_type list[SMM_NR_ZONES];
	struct drain d = {};
	unsigned int z;
	int n;

	/* The lists themselves: gfp_zone(), then every zone below, no HighMem. */
	n = smm_gfp_zonelist(b->zone_mask, SMM_GFP_HIGHUSER_MOVABLE, list);
	KUNIT_ASSERT_EQ(test, n, 4);
	KUNIT_EXPECT_EQ(test, list[0], SMM_ZONE_MOVABLE);
	KUNIT_EXPECT_EQ(test, list[1], SMM_ZONE_NORMAL);
	KUNIT_EXPECT_EQ(test, list[2], SMM_ZONE_DMA32);
	KUNIT_EXPECT_EQ(test, list[3], SMM_ZONE_DMA);
	n = smm_gfp_zonelist(b->zone_mask, SMM_GFP_KERNEL, list);
	KUNIT_ASSERT_EQ(test, n, 3);
	KUNIT_EXPECT_EQ(test, list[0], SMM_ZONE_NORMAL);
	n = smm_gfp_zonelist(b->zone_mask, SMM_GFP_HIGHUSER, list);
	KUNIT_ASSERT_EQ(test, n, 3);
	KUNIT_EXPECT_EQ(test, list[0], SMM_ZONE_NORMAL);
	n = smm_gfp_zonelist(b->zone_mask, __SMM_GFP_DMA32, list);
	KUNIT_ASSERT_EQ(test, n, 2);
	KUNIT_EXPECT_EQ(test, list[0], SMM_ZONE_DMA32);
	KUNIT_EXPECT_EQ(test, list[1], SMM_ZONE_DMA);

	d.pages = kunit_kcalloc(test, max, sizeof(*d.pages), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, d.pages);
	KUNIT_ASSERT_GT(test, mz->managed_pages, 0UL);
	free0 = smm_buddy_free_pages(b);

	/* User pages: Movable until its low watermark, then Normal. */
	while (d.nr < max) {
		struct smm_page *pg = smm_alloc_page(b, SMM_GFP_HIGHUSER_MOVABLE);

		KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(pg));
		d.pages[d.nr++] = pg;
		z = smm_page_zonenum(pg);
		d.per_zone[z]++;
		if (z != SMM_ZONE_MOVABLE) {
			first_other = z;
			break;
		}
	}
	KUNIT_EXPECT_EQ(test, first_other, (unsigned long)SMM_ZONE_NORMAL);
	KUNIT_EXPECT_EQ(test, d.per_zone[SMM_ZONE_NORMAL], 1UL);
	/* Movable went no further than its low watermark, and all the rest is ours. */
	KUNIT_EXPECT_FALSE(test, smm_zone_watermark_ok(mz, 0, mz->wmark[SMM_WMARK_LOW],
						       SMM_GFP_HIGHUSER_MOVABLE));
	KUNIT_EXPECT_EQ(test, d.per_zone[SMM_ZONE_MOVABLE] + smm_zone_free_pages(mz) +
			smm_zone_pcp_pages(mz), mz->managed_pages);
	drain_free(b, &d);
	memset(d.per_zone, 0, sizeof(d.per_zone));

	/* GFP_KERNEL: everything it can get, and never a page of Movable. */
	for (;;) {
		struct smm_page *pg = smm_alloc_page(b, SMM_GFP_KERNEL);

		if (IS_ERR_OR_NULL(pg))
			break;
		KUNIT_ASSERT_LT(test, d.nr, max);
		d.pages[d.nr++] = pg;
		d.per_zone[smm_page_zonenum(pg)]++;
	}
	KUNIT_EXPECT_EQ(test, d.per_zone[SMM_ZONE_MOVABLE], 0UL);
	KUNIT_EXPECT_GT(test, d.per_zone[SMM_ZONE_NORMAL], 0UL);
	KUNIT_EXPECT_GT(test, d.per_zone[SMM_ZONE_DMA32], 0UL);
	KUNIT_EXPECT_GT(test, d.per_zone[SMM_ZONE_DMA], 0UL);
	/* Movable still has all it had. */
	KUNIT_EXPECT_EQ(test, smm_zone_free_pages(mz) + smm_zone_pcp_pages(mz),
			mz->managed_pages);
	drain_free(b, &d);
	memset(d.per_zone, 0, sizeof(d.per_zone));

	/* __SMM_GFP_DMA32: DMA32, then DMA, and never above. */
	for (;;) {
		struct smm_page *pg = smm_alloc_page(b, __SMM_GFP_DMA32);

		if (IS_ERR_OR_NULL(pg))
			break;
		KUNIT_ASSERT_LT(test, d.nr, max);
		d.pages[d.nr++] = pg;
		d.per_zone[smm_page_zonenum(pg)]++;
	}
	KUNIT_EXPECT_GT(test, d.per_zone[SMM_ZONE_DMA32], 0UL);
	KUNIT_EXPECT_GT(test, d.per_zone[SMM_ZONE_DMA], 0UL);
	KUNIT_EXPECT_EQ(test, d.per_zone[SMM_ZONE_NORMAL], 0UL);
	KUNIT_EXPECT_EQ(test, d.per_zone[SMM_ZONE_MOVABLE], 0UL);
	KUNIT_EXPECT_EQ(test, d.per_zone[SMM_ZONE_HIGHMEM], 0UL);
	drain_free(b, &d);

	smm_drain_pages(b);
	KUNIT_EXPECT_EQ(test, smm_buddy_free_pages(b), free0);
	KUNIT_EXPECT_EQ(test, smm_buddy_check(b), 0);
	KUNIT_EXPECT_FALSE(test, inst->broken);
}

/* ---- the shared layers on a 6.12 instance ------------------------------- */

/* Every order, in each zone the flags reach first: aligned, in its zone, back whole. */
static void era_test_buddy_orders(struct kunit *test)
{
	static const unsigned int gfps[] = {
		SMM_GFP_KERNEL, SMM_GFP_HIGHUSER_MOVABLE, __SMM_GFP_DMA32, SMM_GFP_DMA,
	};
	struct smm_instance *inst = era_inst(test, &default_612, NULL, "16M");
	struct smm_buddy *b = &inst->buddy;
	unsigned long free0, pfn;
	unsigned int o, g;

	smm_drain_pages(b);
	free0 = smm_buddy_free_pages(b);
	for (g = 0; g < ARRAY_SIZE(gfps); g++) {
		unsigned int top = gfps[g] == SMM_GFP_HIGHUSER_MOVABLE ? SMM_ZONE_MOVABLE :
				   gfps[g] == SMM_GFP_KERNEL ? SMM_ZONE_NORMAL :
				   gfps[g] == __SMM_GFP_DMA32 ? SMM_ZONE_DMA32 : SMM_ZONE_DMA;
		const struct smm_zone *tz = &b->zones[top];

		for (o = 0; o < b->max_order; o++) {
			unsigned long low = tz->wmark[SMM_WMARK_LOW];
			bool top_ok = tz->managed_pages &&
				      smm_zone_watermark_ok(tz, o, low, gfps[g]);
			struct smm_page *pg = smm_alloc_pages(b, gfps[g], o);
			const struct smm_page *last;
			unsigned int z;

			/* ZONE_DMA (4 MiB, the first MiB reserved) has no order-10 block. */
			if (gfps[g] == SMM_GFP_DMA && o >= 9) {
				if (!IS_ERR(pg))
					KUNIT_EXPECT_EQ(test, smm_free_pages(b, pg, o), 0);
				continue;
			}
			KUNIT_ASSERT_FALSE_MSG(test, IS_ERR_OR_NULL(pg), "gfp %#x order %u",
					       gfps[g], o);
			pfn = smm_page_to_pfn(&inst->arena, pg);
			z = smm_page_zonenum(pg);
			KUNIT_EXPECT_EQ_MSG(test, pfn & ((1UL << o) - 1), 0UL, "order %u", o);
			KUNIT_EXPECT_EQ(test, pg->order, (u8)o);
			KUNIT_EXPECT_EQ(test, pg->owner, (u8)SMM_OWNER_ALLOC);
			/*
			 * The preferred zone when it has the block above its low
			 * watermark (the allocator's first pass), else a lower one:
			 * a zone cut by the arena's holes may have no block of @o.
			 */
			if (top_ok)
				KUNIT_EXPECT_EQ_MSG(test, z, top, "gfp %#x order %u", gfps[g], o);
			else
				KUNIT_EXPECT_LT_MSG(test, z, top, "gfp %#x order %u", gfps[g], o);
			/* The block lies in one zone. */
			last = smm_pfn_to_page(&inst->arena, pfn + (1UL << o) - 1);
			KUNIT_ASSERT_NOT_NULL(test, last);
			KUNIT_EXPECT_EQ(test, smm_page_zonenum(last), z);
			KUNIT_EXPECT_EQ(test, smm_buddy_check(b), 0);
			KUNIT_EXPECT_EQ(test, smm_free_pages(b, pg, o), 0);
		}
	}
	smm_drain_pages(b);
	KUNIT_EXPECT_EQ(test, smm_buddy_free_pages(b), free0);
	KUNIT_EXPECT_EQ(test, smm_buddy_check(b), 0);
	/* An order past MAX_ORDER is refused. */
	KUNIT_EXPECT_EQ(test, PTR_ERR(smm_alloc_pages(b, SMM_GFP_KERNEL, b->max_order)),
			(long)-EINVAL);
	KUNIT_EXPECT_FALSE(test, inst->broken);
}

/* SLUB's kmalloc classes: each size in its own class, the slab pages owned as such. */
static void era_test_slub(struct kunit *test)
{
	struct smm_instance *inst = smm_test_instance_era(test, 64, SMM_ERA_612);
	struct smm_slab *sa = &inst->slab;
	void *objs[SMM_KMALLOC_CLASSES][2];
	unsigned long pfn;
	unsigned int c;

	KUNIT_EXPECT_EQ(test, sa->strategy, SMM_SLAB_SLUB);
	for (c = 0; c < SMM_KMALLOC_CLASSES; c++) {
		size_t size = smm_kmalloc_size(c);
		const struct smm_page *pg;
		unsigned int j;

		KUNIT_ASSERT_GT_MSG(test, size, (size_t)0, "class %u", c);
		KUNIT_EXPECT_EQ(test, smm_kmalloc_index(size), (int)c);
		KUNIT_EXPECT_NOT_NULL_MSG(test, sa->kmalloc_caches[c], "class %u", c);
		for (j = 0; j < 2; j++) {
			objs[c][j] = smm_kmalloc(sa, size, 0);
			KUNIT_ASSERT_NOT_NULL_MSG(test, objs[c][j], "kmalloc(%zu)", size);
			KUNIT_EXPECT_EQ(test, smm_ksize(sa, objs[c][j]), size);
			memset(objs[c][j], 0x5a + j, size);
			KUNIT_ASSERT_TRUE(test, smm_arena_virt_to_pfn(&inst->arena, objs[c][j],
								      &pfn));
			pg = smm_pfn_to_page(&inst->arena, pfn);
			KUNIT_ASSERT_NOT_NULL(test, pg);
			KUNIT_EXPECT_EQ(test, pg->owner, (u8)SMM_OWNER_SLAB);
			KUNIT_EXPECT_NE(test, smm_page_zonenum(pg), (unsigned int)SMM_ZONE_MOVABLE);
		}
		KUNIT_EXPECT_NULL(test, memchr_inv(objs[c][0], 0x5a, size));
	}
	for (c = 0; c < SMM_KMALLOC_CLASSES; c++) {
		KUNIT_EXPECT_NULL(test, memchr_inv(objs[c][1], 0x5b, smm_kmalloc_size(c)));
		KUNIT_EXPECT_EQ(test, smm_kfree(sa, objs[c][0]), 0);
		KUNIT_EXPECT_EQ(test, smm_kfree(sa, objs[c][1]), 0);
	}
	KUNIT_EXPECT_EQ(test, smm_buddy_check(&inst->buddy), 0);
	KUNIT_EXPECT_FALSE(test, inst->broken);
}

/* vmalloc over the 6.12 direct map's page tables: what is written is in the pages. */
static void era_test_vmalloc(struct kunit *test)
{
	struct smm_instance *inst = smm_test_instance_era(test, 64, SMM_ERA_612);
	struct smm_vmalloc *vm = &inst->vm;
	const unsigned int n = 37;
	unsigned long free0, i, bad = 0;
	void *p;

	smm_drain_pages(&inst->buddy);
	free0 = smm_buddy_free_pages(&inst->buddy);
	p = smm_vmalloc(vm, n * PAGE_SIZE);
	KUNIT_ASSERT_NOT_NULL(test, p);
	for (i = 0; i < n; i++)
		smm_test_fill_page(p + i * PAGE_SIZE, i);
	for (i = 0; i < n; i++) {
		struct smm_page *pg = smm_vmalloc_to_page(vm, p + i * PAGE_SIZE);
		unsigned long pfn;

		KUNIT_ASSERT_NOT_NULL(test, pg);
		KUNIT_EXPECT_EQ(test, pg->owner, (u8)SMM_OWNER_ALLOC);
		pfn = smm_page_to_pfn(&inst->arena, pg);
		if (smm_test_page_mismatch(smm_arena_pfn_to_virt(&inst->arena, pfn), i) >= 0)
			bad++;
	}
	KUNIT_EXPECT_EQ(test, bad, 0UL);
	KUNIT_EXPECT_EQ(test, smm_vmalloc_check(vm, NULL), 0);
	KUNIT_EXPECT_EQ(test, smm_vfree(vm, p), 0);
	KUNIT_EXPECT_EQ(test, smm_vmalloc_check(vm, NULL), 0);
	smm_drain_pages(&inst->buddy);
	/* The data pages are back; a table the area needed may stay, as in the kernel. */
	KUNIT_EXPECT_GE(test, smm_buddy_free_pages(&inst->buddy) + 4, free0);
	KUNIT_EXPECT_LE(test, smm_buddy_free_pages(&inst->buddy), free0);
	KUNIT_EXPECT_EQ(test, smm_buddy_check(&inst->buddy), 0);
	KUNIT_EXPECT_FALSE(test, inst->broken);
}

/*
 * An instance of each kind, destroyed: the host has every chunk back (a
 * reference while the instance lived, none after).
 */
static void era_test_teardown(struct kunit *test)
{
	static const struct era_layout tear[] = {
		{ "tear_64M", 64, SMM_ARENA_AUTO, MAX_PAGE_ORDER, "64K@8M", SMM_ERA_612 },
		{ "tear_chunks_8M_order5", 8, SMM_ARENA_CHUNKS, 5, NULL, SMM_ERA_612 },
		{ "tear_4M", SMM_ARENA_MIN_MB, SMM_ARENA_CHUNKS, MAX_PAGE_ORDER, NULL,
		  SMM_ERA_612 },
	};
	unsigned int l, i;

	for (l = 0; l < ARRAY_SIZE(tear); l++) {
		struct smm_params p = {
			.name = "kunit-era-tear",
			.arena_mb = tear[l].mb,
			.source = tear[l].source,
			.chunk_order = tear[l].chunk_order,
			.e820_reserve = tear[l].reserve,
			.slab = SMM_SLAB_SLUB,
			.era = tear[l].era,
			.movablecore = { .percent = 25 },
		};
		struct smm_instance *inst = smm_instance_create(&p);
		unsigned long held = 0, still = 0, pages = 0, *pfns;
		void *v, *k;
		unsigned int nr;

		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, inst);
		/* Something in each shared layer, left for the teardown to take back. */
		v = smm_vmalloc(&inst->vm, 8 * PAGE_SIZE);
		k = smm_kmalloc(&inst->slab, 200, 0);
		nr = inst->arena.nr_chunks;
		pfns = kunit_kcalloc(test, nr, sizeof(*pfns), GFP_KERNEL);
		if (!pfns || !v || !k)
			smm_instance_destroy(inst);
		KUNIT_ASSERT_NOT_NULL(test, pfns);
		KUNIT_ASSERT_NOT_NULL(test, v);
		KUNIT_ASSERT_NOT_NULL(test, k);
		for (i = 0; i < nr; i++) {
			pfns[i] = inst->arena.chunks[i].host_pfn;
			pages += 1UL << inst->arena.chunks[i].order;
			held += page_ref_count(pfn_to_page(pfns[i])) > 0;
		}
		KUNIT_EXPECT_EQ_MSG(test, pages, MB_PAGES(tear[l].mb), "%s", tear[l].desc);
		smm_instance_destroy(inst);
		for (i = 0; i < nr; i++)
			still += page_ref_count(pfn_to_page(pfns[i])) != 0;
		KUNIT_EXPECT_EQ_MSG(test, held, (unsigned long)nr, "%s: chunks held", tear[l].desc);
		KUNIT_EXPECT_EQ_MSG(test, still, 0UL, "%s: chunks not given back", tear[l].desc);
	}
}

static struct kunit_case era_test_cases[] = {
	/* First: the host's memory is least fragmented, a contiguous arena likeliest. */
	KUNIT_CASE(era_test_default_numbers),
	KUNIT_CASE_PARAM(era_test_handoff_accounting, layouts_gen_params),
	KUNIT_CASE(era_test_same_memory),
	KUNIT_CASE_PARAM(era_test_top_down, placement_layouts_gen_params),
	KUNIT_CASE_PARAM(era_test_movable, core_cases_gen_params),
	KUNIT_CASE(era_test_params),
	KUNIT_CASE(era_test_timeline),
	KUNIT_CASE(era_test_zonelists),
	KUNIT_CASE(era_test_buddy_orders),
	KUNIT_CASE(era_test_slub),
	KUNIT_CASE(era_test_vmalloc),
	KUNIT_CASE(era_test_teardown),
	{}
};

static struct kunit_suite era_test_suite = {
	.name = "shadow_mm_era",
	.test_cases = era_test_cases,
};

kunit_test_suite(era_test_suite);
