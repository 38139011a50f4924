// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "shadow_mm_setup": the bring-up in 2.6.29's boot order.
 *
 * Every case builds whole instances with smm_instance_create() and reads
 * what the bring-up left: the stages and their steps in the seed's order;
 * the kernel image ("TEXT DATA BSS") at 1 MiB, scaled to the arena and
 * relocated when that memory is not usable, with its temporary page table
 * ("INIT_PG_TABLE"); the direct map of low memory with its tables in
 * "PGTABLE", 4 KiB pages in the first 2 MiB and 2 MiB pages after, and the
 * checker catching a damaged entry; paging_init()'s kmap tables, the first
 * free low pages of bootmem; set_highmem_pages_init() and the mem_init
 * banner.  Expected values come from the documented sizes and rules, worked
 * out here, not from the code under test: the image sizes from the 1 GiB
 * reference, the tables' places from first fit, the accounting from the
 * e820 map and the arena's present pages.
 *
 * The accounting case runs over several layouts (contiguous, chunks that
 * may leave holes, e820_reserve= in low memory and in HighMem, a 4 MiB
 * arena): every usable page with memory behind it is managed by its zone's
 * buddy allocator, or held by an early_res record, or by a bootmem
 * allocation that is never freed (the kmap tables), and nothing else.  The
 * teardown case checks that the host gets every arena page back.
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
#define PMD_SIZE_B	BIT_ULL(SMM_PT_SHIFT_PMD)
#define PMD_PAGES	(PMD_SIZE_B >> PAGE_SHIFT)

/* A layout to build: the parameters smm_params takes. */
struct layout {
	const char *desc;
	unsigned int mb;
	enum smm_arena_source source;
	unsigned int chunk_order;
	const char *reserve;
};

static struct smm_instance *new_inst(struct kunit *test, const struct layout *l)
{
	const struct smm_params p = {
		.name = "kunit-setup",
		.arena_mb = l->mb,
		.source = l->source,
		.chunk_order = l->chunk_order,
		.e820_reserve = l->reserve,
		.slab = SMM_SLAB_SLUB,
	};
	struct smm_instance *inst = smm_test_new_instance(test, &p);

	kunit_info(test, "%s: %u runs, end_pfn %#lx, low_pfn %#lx, source %s\n", l->desc,
		   inst->arena.nr_runs, inst->arena.end_pfn, inst->setup.low_pfn,
		   smm_arena_source_name(inst->arena.source));
	return inst;
}

/*
 * 64 MiB, contiguous where the host allows (movablecore=): one run, so
 * 8 MiB of HighMem and 56 MiB of low memory.
 */
static const struct layout default_layout = {
	"default_64M", 64, SMM_ARENA_AUTO, MAX_PAGE_ORDER, NULL
};

/* One run at PFN 0 and no holes: the addresses below are exact. */
static bool contiguous(const struct smm_instance *inst)
{
	return inst->arena.nr_runs == 1 && inst->arena.end_pfn == inst->arena.nr_pages;
}

/* A section's size as "DOC: setup" gives it: ref_kb at 1 GiB, scaled, at least min pages. */
static u64 ref_scaled(unsigned long nr_pages, unsigned int ref_kb, unsigned int min_pages)
{
	u64 bytes = (u64)ref_kb * SZ_1K * min_t(unsigned long, nr_pages, MB_PAGES(1024)) /
		    MB_PAGES(1024);

	return max_t(u64, PAGE_ALIGN(bytes), (u64)min_pages * PAGE_SIZE);
}

/* The PTE tables the kmap layer pins: pkmap's, then the kmap_local slots'. */
static unsigned int nr_kmap_ptes(void)
{
	return 1 + DIV_ROUND_UP(nr_cpu_ids * SMM_KM_MAX_IDX, SMM_PT_ENTRIES);
}

/* paging_init()'s tables: a PUD and a PMD for the window, then the PTE tables. */
static unsigned int nr_kmap_tables(void)
{
	return 2 + nr_kmap_ptes();
}

/* The table pages of the kmap windows, in the order they were made. */
static unsigned int kmap_table_pfns(struct smm_instance *inst, unsigned long *pfns)
{
	struct smm_pt_walk w;
	unsigned int i, n = 0;

	smm_pgtable_walk(&inst->kpt, SMM_PKMAP_BASE, &w);
	pfns[n++] = w.table_pfn[SMM_PT_PUD];
	pfns[n++] = w.table_pfn[SMM_PT_PMD];
	pfns[n++] = w.table_pfn[SMM_PT_PTE];
	for (i = 1; i < nr_kmap_ptes(); i++) {
		smm_pgtable_walk(&inst->kpt, SMM_KMAP_LOCAL_BASE +
				 ((u64)(i - 1) << SMM_PT_SHIFT_PMD), &w);
		pfns[n++] = w.table_pfn[SMM_PT_PTE];
	}
	return n;
}

static const struct smm_early_res *find_res(const struct smm_early *e, const char *name)
{
	unsigned int i;

	for (i = 0; i < e->nr; i++)
		if (!strcmp(e->res[i].name, name))
			return &e->res[i];
	return NULL;
}

/* Does an early_res record touch the page? */
static bool page_in_early(const struct smm_early *e, unsigned long pfn)
{
	unsigned int i;

	for (i = 0; i < e->nr; i++)
		if (e->res[i].start < SMM_PFN_PHYS(pfn + 1) && e->res[i].end > SMM_PFN_PHYS(pfn))
			return true;
	return false;
}

static bool is_ram_page(const struct smm_e820_table *t, unsigned long pfn)
{
	unsigned int i;

	for (i = 0; i < t->nr_entries; i++) {
		const struct smm_e820_entry *en = &t->entries[i];

		if (en->type == SMM_E820_RAM && pfn >= SMM_PFN_UP(en->addr) &&
		    pfn < SMM_PFN_DOWN(en->addr + en->size))
			return true;
	}
	return false;
}

/* ---- stage order -------------------------------------------------------- */

/*
 * Every stage ran, one after the other in enum order; their kernel names
 * hold the sequence in order; mem_init() has its two steps.
 */
static void setup_test_stage_order(struct kunit *test)
{
	static const char *const seq[] = {
		"setup_memory_map", "init_memory_mapping", "setup_bootmem_allocator",
		"early_res_to_bootmem", "paging_init", "zone_sizes_init", "mem_init",
		"kmem_cache_init", "vmalloc_init",
	};
	struct smm_instance *inst = new_inst(test, &default_layout);
	const struct smm_timeline *tl = &inst->timeline;
	const char *handoff_steps[2] = { NULL, NULL };
	unsigned int s, k = 0, nh = 0, i;

	for (s = SMM_STAGE_ARENA; s <= SMM_STAGE_VMALLOC; s++) {
		KUNIT_EXPECT_TRUE_MSG(test, tl->recs[s].done, "stage %s", smm_stage_name(s));
		if (s > SMM_STAGE_ARENA)
			KUNIT_EXPECT_GE_MSG(test, tl->recs[s].start_ns,
					    tl->recs[s - 1].start_ns + tl->recs[s - 1].duration_ns,
					    "stage %s starts before %s ended", smm_stage_name(s),
					    smm_stage_name(s - 1));
		if (k < ARRAY_SIZE(seq) && !strcmp(smm_stage_kernel_name(SMM_ERA_2629, s), seq[k]))
			k++;
	}
	KUNIT_EXPECT_EQ_MSG(test, k, (unsigned int)ARRAY_SIZE(seq),
			    "the seed's sequence stops at %s", k < ARRAY_SIZE(seq) ? seq[k] : "");
	/* The order is the enum's: the names sit where the issue puts them. */
	KUNIT_EXPECT_STREQ(test, smm_stage_kernel_name(SMM_ERA_2629, SMM_STAGE_E820),
			   "setup_memory_map");
	KUNIT_EXPECT_STREQ(test, smm_stage_kernel_name(SMM_ERA_2629, SMM_STAGE_PGTABLE),
			   "init_memory_mapping");
	KUNIT_EXPECT_STREQ(test, smm_stage_kernel_name(SMM_ERA_2629, SMM_STAGE_KMAP),
			   "paging_init");
	KUNIT_EXPECT_STREQ(test, smm_stage_kernel_name(SMM_ERA_2629, SMM_STAGE_HANDOFF),
			   "mem_init");
	KUNIT_EXPECT_LT(test, SMM_STAGE_STATIC, SMM_STAGE_PGTABLE);
	KUNIT_EXPECT_LT(test, SMM_STAGE_KMAP, SMM_STAGE_ZONES);
	KUNIT_EXPECT_EQ(test, tl->dropped_steps, 0U);

	/* mem_init(): free_all_bootmem, then set_highmem_pages_init, and nothing else. */
	for (i = 0; i < tl->nr_steps; i++) {
		if (i)
			KUNIT_EXPECT_GE(test, tl->steps[i].start_ns, tl->steps[i - 1].start_ns);
		if (tl->steps[i].stage != SMM_STAGE_HANDOFF)
			continue;
		if (nh < 2)
			handoff_steps[nh] = tl->steps[i].name;
		nh++;
		KUNIT_EXPECT_GE(test, tl->steps[i].start_ns, tl->recs[SMM_STAGE_HANDOFF].start_ns);
	}
	KUNIT_ASSERT_EQ(test, nh, 2U);
	KUNIT_EXPECT_STREQ(test, handoff_steps[0], "free_all_bootmem");
	KUNIT_EXPECT_STREQ(test, handoff_steps[1], "set_highmem_pages_init");
}

/* ---- the kernel image --------------------------------------------------- */

/* The image's sections, its early_res records and its temporary table. */
static void expect_image(struct kunit *test, struct smm_instance *inst, u64 text)
{
	const struct smm_kimage *img = &inst->setup.img;
	unsigned long n = inst->arena.nr_pages;
	u64 t = ref_scaled(n, SMM_REF_TEXT_KB, 4), d = ref_scaled(n, SMM_REF_DATA_KB, 2);
	u64 in = ref_scaled(n, SMM_REF_INIT_KB, 1), b = ref_scaled(n, SMM_REF_BSS_KB, 2);
	const struct smm_early_res *r;
	unsigned long ptes;
	struct smm_pt_walk w;

	KUNIT_EXPECT_EQ(test, img->text, text);
	KUNIT_EXPECT_EQ(test, img->relocated, text != SMM_LOAD_PHYSICAL_ADDR);
	KUNIT_EXPECT_EQ(test, img->etext - img->text, t);
	KUNIT_EXPECT_EQ(test, img->edata - img->etext, d);
	KUNIT_EXPECT_EQ(test, img->init_begin, img->edata);
	KUNIT_EXPECT_EQ(test, img->init_end - img->init_begin, in);
	KUNIT_EXPECT_EQ(test, img->bss_start, img->init_end);
	KUNIT_EXPECT_EQ(test, img->bss_stop - img->bss_start, b);
	KUNIT_EXPECT_EQ(test, img->pgd, img->bss_start);
	KUNIT_EXPECT_EQ(test, img->pg0_start, img->bss_stop);
	/* head_32.S: a PUD, a PMD and one PTE table per 2 MiB it maps */
	KUNIT_EXPECT_EQ(test, img->mapped, img->pg0_end + SMM_INIT_MAP_BEYOND_END);
	ptes = DIV_ROUND_UP(img->mapped, PMD_SIZE_B);
	KUNIT_EXPECT_EQ(test, img->pg0_end - img->pg0_start, (2 + ptes) * PAGE_SIZE);

	r = find_res(&inst->early, "TEXT DATA BSS");
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_EQ(test, r->start, img->text);
	KUNIT_EXPECT_EQ(test, r->end, img->bss_stop);
	r = find_res(&inst->early, "INIT_PG_TABLE");
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_EQ(test, r->start, img->pg0_start);
	KUNIT_EXPECT_EQ(test, r->end, img->pg0_end);

	/* The temporary table maps [0, mapped) at __START_KERNEL_map, from its own pages. */
	smm_pgtable_walk(&inst->kpt, SMM_START_KERNEL_MAP + img->text, &w);
	KUNIT_EXPECT_EQ(test, w.levels, (unsigned int)SMM_PT_LEVELS);
	KUNIT_EXPECT_EQ(test, w.table_pfn[SMM_PT_PGD], SMM_PFN_DOWN(img->pgd));
	KUNIT_EXPECT_EQ(test, w.table_pfn[SMM_PT_PUD], SMM_PFN_DOWN(img->pg0_start));
	KUNIT_EXPECT_EQ(test, w.table_pfn[SMM_PT_PMD], SMM_PFN_DOWN(img->pg0_start) + 1);
	KUNIT_EXPECT_EQ(test, smm_pte_pfn(w.entry[SMM_PT_PTE]), SMM_PFN_DOWN(img->text));
	smm_pgtable_walk(&inst->kpt, SMM_START_KERNEL_MAP + img->mapped - PAGE_SIZE, &w);
	KUNIT_EXPECT_TRUE(test, w.entry[SMM_PT_PTE] & SMM_PTE_PRESENT);
	KUNIT_EXPECT_EQ(test, w.table_pfn[SMM_PT_PTE], SMM_PFN_DOWN(img->pg0_start) + 1 + ptes);
	smm_pgtable_walk(&inst->kpt, SMM_START_KERNEL_MAP + img->mapped, &w);
	KUNIT_EXPECT_FALSE(test, w.entry[w.levels - 1] & SMM_PTE_PRESENT);
}

/*
 * The records in early_res after the bring-up are exactly the image's, the
 * tables' and the mem_map's (BOOTMEM went back at the handoff).
 */
static void expect_records(struct kunit *test, struct smm_instance *inst)
{
	const struct smm_early *e = &inst->early;
	const struct smm_setup *su = &inst->setup;
	const struct smm_early_res *r;
	unsigned long memmap = 0;
	unsigned int i, other = 0;

	r = find_res(e, "PGTABLE");
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_EQ(test, r->start, su->table_start);
	KUNIT_EXPECT_EQ(test, r->end, su->table_end);
	for (i = 0; i < e->nr; i++) {
		if (!strcmp(e->res[i].name, "MEMMAP"))
			memmap += e->res[i].end - e->res[i].start;
		else if (strcmp(e->res[i].name, "PGTABLE") &&
			 strcmp(e->res[i].name, "TEXT DATA BSS") &&
			 strcmp(e->res[i].name, "INIT_PG_TABLE"))
			other++;
	}
	KUNIT_EXPECT_EQ_MSG(test, other, 0U, "records other than the image, tables and mem_map");
	KUNIT_EXPECT_EQ(test, memmap, inst->memmap.bytes);
}

/*
 * swapper_pg_dir, the one page of the image anything reads, was zeroed and
 * holds only the top-level entries made since.
 */
static void expect_bss(struct kunit *test, struct smm_instance *inst)
{
	const struct smm_kimage *img = &inst->setup.img;
	const unsigned int skm = smm_pt_index(SMM_START_KERNEL_MAP, SMM_PT_PGD);
	const unsigned int po = smm_pt_index(SMM_PAGE_OFFSET, SMM_PT_PGD);
	const unsigned int pk = smm_pt_index(SMM_PKMAP_BASE, SMM_PT_PGD);
	const unsigned int vm = smm_pt_index(SMM_VMALLOC_START, SMM_PT_PGD);
	const u64 *pgd = smm_arena_pfn_to_virt(&inst->arena, SMM_PFN_DOWN(img->pgd));
	unsigned long tables[8];
	unsigned int i, stray = 0;

	KUNIT_ASSERT_NOT_NULL(test, pgd);
	KUNIT_ASSERT_LE(test, nr_kmap_tables(), (unsigned int)ARRAY_SIZE(tables));
	kmap_table_pfns(inst, tables);
	KUNIT_EXPECT_EQ(test, pgd[skm], img->pg0_start | SMM_PTE_TABLE);
	/* The direct map's PUD is the first page alloc_low_page() gave. */
	KUNIT_EXPECT_EQ(test, pgd[po], inst->setup.table_start | SMM_PTE_TABLE);
	KUNIT_EXPECT_EQ(test, pgd[pk], SMM_PFN_PHYS(tables[0]) | SMM_PTE_TABLE);
	for (i = 0; i < SMM_PT_ENTRIES; i++)
		stray += pgd[i] && i != skm && i != po && i != pk && i != vm;
	KUNIT_EXPECT_EQ_MSG(test, stray, 0U, "swapper_pg_dir entries nothing made");
}

/* 64 MiB: the 1 GiB reference sizes scaled by 1/16, at 1 MiB. */
static void setup_test_image_placement(struct kunit *test)
{
	struct smm_instance *inst = new_inst(test, &default_layout);
	const struct smm_kimage *img = &inst->setup.img;

	expect_image(test, inst, SMM_LOAD_PHYSICAL_ADDR);
	/* Worked out by hand: 4096K / 16 of text, 2048K / 16 of data, ... */
	KUNIT_EXPECT_EQ(test, img->etext, 0x100000ULL + SZ_256K);
	KUNIT_EXPECT_EQ(test, img->edata, img->etext + SZ_128K);
	KUNIT_EXPECT_EQ(test, img->init_end, img->edata + SZ_32K);
	KUNIT_EXPECT_EQ(test, img->bss_stop, img->init_end + SZ_64K);
	KUNIT_EXPECT_EQ(test, img->pg0_end, 0x178000ULL + 3 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, img->mapped, 0x19b000ULL);
	expect_records(test, inst);
	expect_bss(test, inst);
	KUNIT_EXPECT_FALSE(test, inst->broken);
}

/*
 * e820_reserve= takes [1 MiB, 2 MiB): the loader puts the image at the
 * first usable place above, 2 MiB, and its temporary table must now map
 * past 2 MiB: two PTE tables.
 */
static void setup_test_image_relocated(struct kunit *test)
{
	static const struct layout l = {
		"reserve_1M@1M", 64, SMM_ARENA_AUTO, MAX_PAGE_ORDER, "1M@1M"
	};
	struct smm_instance *inst = new_inst(test, &l);
	const struct smm_kimage *img = &inst->setup.img;

	expect_image(test, inst, 2 * SZ_1M);
	KUNIT_EXPECT_TRUE(test, img->relocated);
	KUNIT_EXPECT_EQ(test, img->bss_stop, 0x200000ULL + SZ_256K + SZ_128K + SZ_32K + SZ_64K);
	KUNIT_EXPECT_EQ(test, img->pg0_end, img->pg0_start + 4 * PAGE_SIZE);
	expect_records(test, inst);
	expect_bss(test, inst);
	KUNIT_EXPECT_EQ(test, smm_setup_check(&inst->setup, &inst->kpt, NULL), 0L);
}

/* ---- accounting --------------------------------------------------------- */

/*
 * Every usable page with memory behind it is managed by its zone, or held
 * by an early_res record (rounded out to pages, as early_res_to_bootmem()
 * and set_highmem_pages_init() do), or by a bootmem allocation that stays
 * (paging_init()'s tables): the three are disjoint and add up.  The
 * descriptors agree: exactly the held pages are PG_reserved.
 */
static void expect_accounting(struct kunit *test, struct smm_instance *inst)
{
	const struct smm_arena *a = &inst->arena;
	const struct smm_e820_table *t = &inst->e820;
	const struct smm_early *e = &inst->early;
	const struct smm_bootmem *bm = &inst->bootmem;
	unsigned long *ram, *held, kmap[16];
	unsigned long usable = 0, present = 0, early_ram = 0, kept_low = 0, managed = 0;
	unsigned long want[SMM_NR_ZONES] = {}, bad_flag = 0, pfn, s, end;
	unsigned int i, n, z;

	ram = kunit_kcalloc(test, BITS_TO_LONGS(a->end_pfn), sizeof(long), GFP_KERNEL);
	held = kunit_kcalloc(test, BITS_TO_LONGS(a->end_pfn), sizeof(long), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ram);
	KUNIT_ASSERT_NOT_NULL(test, held);

	/* Usable: whole pages of e820 RAM, with a host page behind them. */
	for (i = 0; i < t->nr_entries; i++) {
		const struct smm_e820_entry *en = &t->entries[i];

		if (en->type != SMM_E820_RAM)
			continue;
		s = SMM_PFN_UP(en->addr);
		end = min(SMM_PFN_DOWN(en->addr + en->size), a->end_pfn);
		if (s >= end)
			continue;
		present += smm_memmap_present(a, s, end);
		for (pfn = s; pfn < end; pfn++) {
			if (smm_arena_pfn_valid(a, pfn)) {
				__set_bit(pfn, ram);
				usable++;
			}
		}
	}
	KUNIT_EXPECT_EQ(test, usable, present);

	/* Held by early_res: every page a record touches. */
	for (i = 0; i < e->nr; i++) {
		s = SMM_PFN_DOWN(e->res[i].start);
		end = min(SMM_PFN_UP(e->res[i].end), a->end_pfn);
		for (pfn = s; pfn < end; pfn++)
			if (test_bit(pfn, ram) && !__test_and_set_bit(pfn, held))
				early_ram++;
	}
	/* Held by bootmem: the kmap tables, and no other allocation. */
	KUNIT_ASSERT_LE(test, nr_kmap_tables(), (unsigned int)ARRAY_SIZE(kmap));
	n = kmap_table_pfns(inst, kmap);
	KUNIT_EXPECT_EQ(test, bm->nr_allocs, (unsigned long)n);
	KUNIT_EXPECT_EQ(test, inst->setup.bootmem_tables, (unsigned long)n);
	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_TRUE_MSG(test, test_bit(kmap[i], ram), "kmap table %#lx", kmap[i]);
		KUNIT_EXPECT_FALSE_MSG(test, test_bit(kmap[i], held), "kmap table %#lx twice",
				       kmap[i]);
		KUNIT_EXPECT_LT(test, kmap[i], bm->low_pfn);
		__set_bit(kmap[i], held);
	}

	for_each_set_bit(pfn, ram, a->end_pfn) {
		const struct smm_page *pg = smm_pfn_to_page(a, pfn);
		bool h = test_bit(pfn, held);

		if (h && pfn < bm->low_pfn)
			kept_low++;
		if (!h)
			want[pfn < bm->dma_pfn ? SMM_ZONE_DMA :
			     pfn < bm->low_pfn ? SMM_ZONE_NORMAL : SMM_ZONE_HIGHMEM]++;
		/* Not held: the buddy allocator's, whatever it did with it since. */
		if (!pg || smm_page_test(pg, SMM_PG_RESERVED) != h ||
		    (!h && pg->owner <= SMM_OWNER_BOOTMEM)) {
			if (!bad_flag)
				kunit_info(test, "pfn %#lx: reserved %d, held %d, owner %s\n", pfn,
					   pg ? smm_page_test(pg, SMM_PG_RESERVED) : -1, h,
					   pg ? smm_owner_name(pg->owner) : "none");
			bad_flag++;
		}
	}
	for (z = 0; z < SMM_NR_ZONES; z++) {
		KUNIT_EXPECT_EQ_MSG(test, inst->buddy.zones[z].managed_pages, want[z], "zone %s",
				    inst->buddy.zones[z].name);
		managed += inst->buddy.zones[z].managed_pages;
	}
	KUNIT_EXPECT_EQ_MSG(test, bad_flag, 0UL,
			    "PG_reserved is not exactly the held pages, or a free page never reached the buddy");
	/* buddy + reserved == usable, and reserved == early_res + bootmem's allocations */
	KUNIT_EXPECT_EQ(test, managed, bm->handed_over);
	KUNIT_EXPECT_EQ(test, managed + bm->kept_reserved, usable);
	KUNIT_EXPECT_EQ(test, bm->kept_reserved, early_ram + bm->nr_allocs);
	KUNIT_EXPECT_EQ(test, bm->kept_reserved_low, kept_low);
	KUNIT_EXPECT_EQ(test, bm->high_pages, inst->buddy.zones[SMM_ZONE_HIGHMEM].managed_pages);
	KUNIT_EXPECT_FALSE(test, inst->broken);
}

static const struct layout layouts[] = {
	{ "default_64M", 64, SMM_ARENA_AUTO, MAX_PAGE_ORDER, NULL },
	/* Small chunks: each may start a run of its own, behind a hole. */
	{ "chunks_8M_order5", 8, SMM_ARENA_CHUNKS, 5, NULL },
	{ "chunks_16M_order6", 16, SMM_ARENA_CHUNKS, 6, NULL },
	/* One range in low memory, one (not page-aligned) in HighMem. */
	{ "reserve_low_high", 64, SMM_ARENA_AUTO, MAX_PAGE_ORDER,
	  "64K@8M,0x1800@0x3c00800:acpi" },
	{ "reserve_1M@1M", 64, SMM_ARENA_AUTO, MAX_PAGE_ORDER, "1M@1M" },
	{ "small_4M", SMM_ARENA_MIN_MB, SMM_ARENA_CHUNKS, MAX_PAGE_ORDER, NULL },
};

KUNIT_ARRAY_PARAM_DESC(layouts, layouts, desc);

static void setup_test_accounting_closes(struct kunit *test)
{
	struct smm_instance *inst = new_inst(test, test->param_value);

	expect_accounting(test, inst);
	KUNIT_EXPECT_EQ(test, smm_setup_check(&inst->setup, &inst->kpt, NULL), 0L);
}

/* ---- a small arena ------------------------------------------------------ */

/*
 * 4 MiB: every section of the image at its minimum (text 4 pages, data 2,
 * init 1, bss 2), still at 1 MiB; 3 MiB of low memory mapped with 4 KiB
 * pages only; and the accounting still closes.
 */
static void setup_test_small_arena(struct kunit *test)
{
	static const struct layout l = {
		"small_4M", SMM_ARENA_MIN_MB, SMM_ARENA_CHUNKS, MAX_PAGE_ORDER, NULL
	};
	struct smm_instance *inst = new_inst(test, &l);
	const struct smm_setup *su = &inst->setup;
	const struct smm_kimage *img = &su->img;

	KUNIT_ASSERT_TRUE(test, contiguous(inst));
	expect_image(test, inst, SMM_LOAD_PHYSICAL_ADDR);
	KUNIT_EXPECT_EQ(test, img->etext - img->text, 4 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, img->edata - img->etext, 2 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, img->init_end - img->init_begin, 1 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, img->bss_stop - img->bss_start, 2 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, img->pg0_end, 0x109000ULL + 3 * PAGE_SIZE);
	expect_records(test, inst);
	expect_bss(test, inst);

	KUNIT_EXPECT_EQ(test, su->low_pfn, MB_PAGES(3));
	KUNIT_EXPECT_EQ(test, su->direct.large, 0UL);
	KUNIT_EXPECT_EQ(test, su->direct.small, MB_PAGES(3));
	/* A PUD, a PMD, and PTE tables for [0, 2M) and [2M, 3M) */
	KUNIT_EXPECT_EQ(test, su->table_start, SMM_TABLE_SEARCH_START);
	KUNIT_EXPECT_EQ(test, su->table_end - su->table_start, 4 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, su->table_top, su->table_end);
	KUNIT_EXPECT_EQ(test, smm_setup_check(&inst->setup, &inst->kpt, NULL), 0L);
	expect_accounting(test, inst);
}

/* ---- init_memory_mapping ------------------------------------------------ */

static bool in_pgtable(const struct smm_setup *su, unsigned long pfn)
{
	return SMM_PFN_PHYS(pfn) >= su->table_start && SMM_PFN_PHYS(pfn) < su->table_end;
}

/*
 * The direct map's tables all lie in PGTABLE (or are swapper_pg_dir),
 * found first fit from 0x7000 inside what the temporary table maps; the
 * first 2 MiB are 4 KiB pages, the rest of low memory 2 MiB pages; and the
 * checker catches a wrong PTE and a wrong 2 MiB entry.
 */
static void setup_test_pgtable_placement(struct kunit *test)
{
	struct smm_instance *inst = new_inst(test, &default_layout);
	struct smm_setup *su = &inst->setup;
	const unsigned long low = su->low_pfn;
	const u64 low_end = SMM_PFN_PHYS(low);
	const u64 probes[] = { PAGE_SIZE, PMD_SIZE_B - PAGE_SIZE, PMD_SIZE_B + 5 * PAGE_SIZE,
			       round_down(low_end - 1, PMD_SIZE_B), low_end - PAGE_SIZE };
	unsigned long pfn, large, small;
	struct smm_pt_walk w;
	u64 *t, saved;
	unsigned int i, l, idx;

	KUNIT_ASSERT_GT(test, low, 2 * PMD_PAGES);
	/* 2 MiB pages from 2 MiB to the last whole 2 MiB, 4 KiB at both edges */
	large = (round_down(low, PMD_PAGES) - PMD_PAGES) / PMD_PAGES;
	small = PMD_PAGES + low % PMD_PAGES;
	KUNIT_EXPECT_EQ(test, su->direct.large, large);
	KUNIT_EXPECT_EQ(test, su->direct.small, small);
	KUNIT_EXPECT_EQ(test, inst->kpt.orphans, 0UL);
	if (contiguous(inst)) {
		KUNIT_EXPECT_EQ(test, low, MB_PAGES(56));
		KUNIT_EXPECT_EQ(test, su->direct.large, 27UL);
		KUNIT_EXPECT_EQ(test, su->direct.small, 512UL);
	}

	/* find_early_table_space(): first fit from 0x7000, below max_pfn_mapped */
	KUNIT_EXPECT_EQ(test, su->table_start, SMM_TABLE_SEARCH_START);
	KUNIT_EXPECT_LE(test, su->table_end, su->table_top);
	KUNIT_EXPECT_LE(test, su->table_top, su->img.mapped);
	/* one PUD, one PMD (56 MiB < 1 GiB), and the head's PTE table (+ the tail's) */
	KUNIT_EXPECT_EQ(test, su->table_end - su->table_start,
			(3 + !!(low % PMD_PAGES)) * PAGE_SIZE);
	for (pfn = SMM_PFN_DOWN(su->table_start); pfn < SMM_PFN_DOWN(su->table_end); pfn++) {
		const struct smm_page *pg = smm_pfn_to_page(&inst->arena, pfn);

		KUNIT_ASSERT_NOT_NULL(test, pg);
		KUNIT_EXPECT_EQ(test, pg->owner, SMM_OWNER_PGTABLE);
		KUNIT_EXPECT_TRUE(test, smm_page_test(pg, SMM_PG_RESERVED));
	}

	for (i = 0; i < ARRAY_SIZE(probes); i++) {
		u64 va = SMM_PAGE_OFFSET + probes[i];
		bool pse = probes[i] >= PMD_SIZE_B &&
			   probes[i] < round_down(low_end, PMD_SIZE_B);

		smm_pgtable_walk(&inst->kpt, va, &w);
		KUNIT_EXPECT_EQ_MSG(test, w.levels, pse ? 3U : 4U, "at %#llx", probes[i]);
		KUNIT_EXPECT_EQ(test, w.table_pfn[SMM_PT_PGD], SMM_PFN_DOWN(su->img.pgd));
		for (l = SMM_PT_PUD; l < w.levels; l++)
			KUNIT_EXPECT_TRUE_MSG(test, in_pgtable(su, w.table_pfn[l]),
					      "%s table %#lx at %#llx not in PGTABLE",
					      smm_pt_level_name(l), w.table_pfn[l], probes[i]);
		if (pse) {
			KUNIT_EXPECT_TRUE(test, w.entry[SMM_PT_PMD] & SMM_PTE_PSE);
			KUNIT_EXPECT_EQ(test, smm_pte_pfn(w.entry[SMM_PT_PMD]),
					SMM_PFN_DOWN(round_down(probes[i], PMD_SIZE_B)));
		} else {
			KUNIT_EXPECT_FALSE(test, w.entry[SMM_PT_PMD] & SMM_PTE_PSE);
			KUNIT_EXPECT_EQ(test, smm_pte_pfn(w.entry[SMM_PT_PTE]),
					SMM_PFN_DOWN(probes[i]));
		}
	}
	/* Nothing past max_low_pfn */
	smm_pgtable_walk(&inst->kpt, SMM_PAGE_OFFSET + low_end, &w);
	KUNIT_EXPECT_FALSE(test, w.entry[w.levels - 1] & SMM_PTE_PRESENT);
	KUNIT_EXPECT_EQ(test, smm_setup_check(su, &inst->kpt, NULL), 0L);

	/* A 4 KiB entry of the head pointing at the wrong page: one disagreement. */
	smm_pgtable_walk(&inst->kpt, SMM_PAGE_OFFSET + 3 * PAGE_SIZE, &w);
	KUNIT_ASSERT_EQ(test, w.levels, 4U);
	t = smm_arena_pfn_to_virt(&inst->arena, w.table_pfn[SMM_PT_PTE]);
	idx = smm_pt_index(SMM_PAGE_OFFSET + 3 * PAGE_SIZE, SMM_PT_PTE);
	saved = t[idx];
	KUNIT_ASSERT_EQ(test, smm_pte_pfn(saved), 3UL);
	t[idx] = smm_mk_pte(7, saved & SMM_PTE_FLAGS_MASK);
	KUNIT_EXPECT_EQ(test, smm_setup_check(su, &inst->kpt, NULL), 1L);
	t[idx] = saved;
	KUNIT_EXPECT_EQ(test, smm_setup_check(su, &inst->kpt, NULL), 0L);

	/* A 2 MiB entry mapping the wrong 2 MiB: one disagreement. */
	smm_pgtable_walk(&inst->kpt, SMM_PAGE_OFFSET + 2 * PMD_SIZE_B, &w);
	KUNIT_ASSERT_EQ(test, w.levels, 3U);
	t = smm_arena_pfn_to_virt(&inst->arena, w.table_pfn[SMM_PT_PMD]);
	idx = smm_pt_index(SMM_PAGE_OFFSET + 2 * PMD_SIZE_B, SMM_PT_PMD);
	saved = t[idx];
	t[idx] = saved + PMD_SIZE_B;
	KUNIT_EXPECT_EQ(test, smm_setup_check(su, &inst->kpt, NULL), 1L);
	t[idx] = saved;
	KUNIT_EXPECT_EQ(test, smm_setup_check(su, &inst->kpt, NULL), 0L);

	/* A page past max_low_pfn mapped: one disagreement. */
	if (!(low % PMD_PAGES)) {
		smm_pgtable_walk(&inst->kpt, SMM_PAGE_OFFSET + low_end, &w);
		KUNIT_ASSERT_EQ(test, w.levels, 3U);
		t = smm_arena_pfn_to_virt(&inst->arena, w.table_pfn[SMM_PT_PMD]);
		idx = smm_pt_index(SMM_PAGE_OFFSET + low_end, SMM_PT_PMD);
		KUNIT_ASSERT_EQ(test, t[idx], 0ULL);
		t[idx] = smm_mk_pte(low, SMM_PTE_RW | SMM_PTE_PSE);
		KUNIT_EXPECT_EQ(test, smm_setup_check(su, &inst->kpt, NULL), 1L);
		t[idx] = 0;
		KUNIT_EXPECT_EQ(test, smm_setup_check(su, &inst->kpt, NULL), 0L);
	}
	KUNIT_EXPECT_FALSE(test, inst->broken);
}

/* ---- paging_init -------------------------------------------------------- */

/*
 * paging_init()'s tables came from alloc_bootmem_low_pages() (goal 0): the
 * lowest free pages of bootmem, in the order they were made; they are
 * reserved boot tables of low memory, and in no early_res record.
 */
static void setup_test_paging_init_from_bootmem(struct kunit *test)
{
	struct smm_instance *inst = new_inst(test, &default_layout);
	const struct smm_setup *su = &inst->setup;
	const struct smm_bootmem *bm = &inst->bootmem;
	unsigned long tables[16], want, pfn, pg0, pgt;
	unsigned int i, n;

	KUNIT_ASSERT_LE(test, nr_kmap_tables(), (unsigned int)ARRAY_SIZE(tables));
	n = kmap_table_pfns(inst, tables);
	KUNIT_EXPECT_EQ(test, su->bootmem_tables, (unsigned long)nr_kmap_tables());
	KUNIT_EXPECT_EQ(test, bm->nr_allocs, su->bootmem_tables);

	/* First fit from PFN 0 over what bootmem had free: RAM, no record, not the bitmap. */
	for (i = 0, pfn = 0; i < n; i++, pfn++) {
		const struct smm_page *pg = smm_pfn_to_page(&inst->arena, tables[i]);

		while (pfn < bm->low_pfn &&
		       (!is_ram_page(&inst->e820, pfn) || page_in_early(&inst->early, pfn) ||
			(SMM_PFN_PHYS(pfn) >= bm->map_addr &&
			 SMM_PFN_PHYS(pfn) < bm->map_addr + bm->map_bytes)))
			pfn++;
		want = pfn;
		KUNIT_EXPECT_EQ_MSG(test, tables[i], want, "kmap table %u", i);
		KUNIT_EXPECT_LT(test, tables[i], su->low_pfn);
		KUNIT_EXPECT_FALSE(test, page_in_early(&inst->early, tables[i]));
		KUNIT_ASSERT_NOT_NULL(test, pg);
		KUNIT_EXPECT_TRUE(test, smm_page_test(pg, SMM_PG_RESERVED));
		KUNIT_EXPECT_EQ(test, pg->owner, SMM_OWNER_PGTABLE);
	}
	/* The boot tables: swapper_pg_dir, INIT_PG_TABLE, PGTABLE and bootmem's. */
	pg0 = (su->img.pg0_end - su->img.pg0_start) >> PAGE_SHIFT;
	pgt = (su->table_end - su->table_start) >> PAGE_SHIFT;
	KUNIT_EXPECT_EQ(test, inst->kpt.boot_tables, 1 + pg0 + pgt + su->bootmem_tables);
	KUNIT_EXPECT_FALSE(test, inst->broken);
}

/* ---- mem_init ----------------------------------------------------------- */

/*
 * set_highmem_pages_init(): every usable HighMem page went to the buddy
 * one at a time, unless early_res holds it; the step and the banner say
 * how many; the banner's other numbers and its layout block are right.
 */
static void setup_test_highmem_init(struct kunit *test)
{
	static const char *const rows[] = {
		"fixmap", "pkmap", "vmalloc", "lowmem", ".init", ".data", ".text"
	};
	struct smm_instance *inst = new_inst(test, &default_layout);
	const struct smm_bootmem *bm = &inst->bootmem;
	const struct smm_zone *hz = &inst->buddy.zones[SMM_ZONE_HIGHMEM];
	const struct smm_kimage *img = &inst->setup.img;
	const struct smm_timeline *tl = &inst->timeline;
	unsigned long pfn, buddy = 0, held = 0, bad = 0, max_ram = 0, ram_high = 0;
	unsigned long f[7];
	int n;
	const char *line, *nl;
	char want[96];
	unsigned int i, r;

	KUNIT_ASSERT_GT(test, bm->high_pages, 0UL);
	KUNIT_EXPECT_EQ(test, bm->high_pages, hz->managed_pages);
	KUNIT_EXPECT_EQ(test, hz->zone_start_pfn, bm->low_pfn);
	for (pfn = bm->low_pfn; pfn < inst->arena.end_pfn; pfn++) {
		const struct smm_page *pg = smm_pfn_to_page(&inst->arena, pfn);

		if (!pg || !is_ram_page(&inst->e820, pfn))
			continue;
		if (page_in_early(&inst->early, pfn)) {
			held++;
			bad += !smm_page_test(pg, SMM_PG_RESERVED);
		} else {
			buddy++;
			bad += smm_page_test(pg, SMM_PG_RESERVED) || pg->owner != SMM_OWNER_BUDDY;
		}
	}
	KUNIT_EXPECT_EQ(test, buddy, bm->high_pages);
	KUNIT_EXPECT_EQ_MSG(test, bad, 0UL, "HighMem pages neither free in the buddy nor held");
	for (i = 0; i < inst->e820.nr_entries; i++) {
		const struct smm_e820_entry *en = &inst->e820.entries[i];
		unsigned long s = max(SMM_PFN_UP(en->addr), bm->low_pfn);
		unsigned long e = SMM_PFN_DOWN(en->addr + en->size);

		if (en->type == SMM_E820_RAM && s < e)
			ram_high += smm_memmap_present(&inst->arena, s, e);
	}
	KUNIT_EXPECT_EQ(test, buddy + held, ram_high);

	/* The step counts them. */
	for (i = 0; i < tl->nr_steps; i++)
		if (!strcmp(tl->steps[i].name, "set_highmem_pages_init"))
			break;
	KUNIT_ASSERT_LT(test, i, tl->nr_steps);
	snprintf(want, sizeof(want), "%lu HighMem pages", bm->high_pages);
	KUNIT_EXPECT_TRUE_MSG(test, !strncmp(tl->steps[i].result, want, strlen(want)),
			      "step says '%s'", tl->steps[i].result);

	/* Memory: free/total available (code, reserved, data, init, highmem) */
	for (i = 0; i < inst->e820.nr_entries; i++)
		if (inst->e820.entries[i].type == SMM_E820_RAM)
			max_ram = max(max_ram, SMM_PFN_DOWN(inst->e820.entries[i].addr +
							    inst->e820.entries[i].size));
	KUNIT_ASSERT_EQ(test, strncmp(inst->setup.banner, "Memory: ", 8), 0);
	n = sscanf(inst->setup.banner,
		   "Memory: %luk/%luk available (%luk kernel code, %luk reserved, %luk data, %luk init, %luk highmem)",
		   &f[0], &f[1], &f[2], &f[3], &f[4], &f[5], &f[6]);
	KUNIT_ASSERT_EQ(test, n, 7);
	KUNIT_EXPECT_EQ(test, f[0], bm->handed_over * 4);
	KUNIT_EXPECT_EQ(test, f[1], max_ram * 4);
	KUNIT_EXPECT_EQ(test, f[2], (unsigned long)(img->etext - img->text) >> 10);
	KUNIT_EXPECT_EQ(test, f[3], bm->kept_reserved_low * 4);
	KUNIT_EXPECT_EQ(test, f[4], (unsigned long)(img->edata - img->etext) >> 10);
	KUNIT_EXPECT_EQ(test, f[5], (unsigned long)(img->init_end - img->init_begin) >> 10);
	KUNIT_EXPECT_EQ(test, f[6], bm->high_pages * 4);
	if (contiguous(inst)) {
		KUNIT_EXPECT_EQ(test, f[2], 256UL);
		KUNIT_EXPECT_EQ(test, f[4], 128UL);
		KUNIT_EXPECT_EQ(test, f[5], 32UL);
	}

	/* The layout block: a title, then the seven windows in order. */
	line = strchr(inst->setup.banner, '\n');
	KUNIT_ASSERT_NOT_NULL(test, line);
	line++;
	KUNIT_EXPECT_EQ(test, strncmp(line, "virtual kernel memory layout:\n", 30), 0);
	line = strchr(line, '\n') + 1;
	for (r = 0; r < ARRAY_SIZE(rows) && *line; r++) {
		nl = strchrnul(line, '\n');
		KUNIT_EXPECT_TRUE_MSG(test, strnstr(line, rows[r], nl - line),
				      "line %u is '%.*s'", r, (int)(nl - line), line);
		if (!strcmp(rows[r], "lowmem")) {
			snprintf(want, sizeof(want), "0x%016llx - 0x%016llx", SMM_PAGE_OFFSET,
				 SMM_PAGE_OFFSET + SMM_PFN_PHYS(bm->low_pfn));
			KUNIT_EXPECT_TRUE_MSG(test, strnstr(line, want, nl - line),
					      "lowmem is '%.*s'", (int)(nl - line), line);
		}
		line = *nl ? nl + 1 : nl;
	}
	KUNIT_EXPECT_EQ(test, r, (unsigned int)ARRAY_SIZE(rows));
	KUNIT_EXPECT_EQ_MSG(test, *line, '\0', "more after .text: '%s'", line);
}

/* ---- teardown ----------------------------------------------------------- */

/*
 * An instance destroyed gives the host every page of its arena back: the
 * first page of each chunk was held (a reference) while the instance
 * lived and is free (no reference) once it is gone.
 */
static void setup_test_teardown(struct kunit *test)
{
	static const struct layout tear[] = {
		{ "tear_64M", 64, SMM_ARENA_AUTO, MAX_PAGE_ORDER, "64K@8M" },
		{ "tear_chunks_8M_order5", 8, SMM_ARENA_CHUNKS, 5, NULL },
		{ "tear_4M", SMM_ARENA_MIN_MB, SMM_ARENA_CHUNKS, MAX_PAGE_ORDER, "1M@1M" },
	};
	unsigned int l, i;

	for (l = 0; l < ARRAY_SIZE(tear); l++) {
		const struct smm_params p = {
			.name = "kunit-tear",
			.arena_mb = tear[l].mb,
			.source = tear[l].source,
			.chunk_order = tear[l].chunk_order,
			.e820_reserve = tear[l].reserve,
			.slab = SMM_SLAB_SLUB,
		};
		struct smm_instance *inst = smm_instance_create(&p);
		unsigned long held = 0, still = 0, pages = 0, *pfns;
		unsigned int nr;

		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, inst);
		nr = inst->arena.nr_chunks;
		pfns = kunit_kcalloc(test, nr, sizeof(*pfns), GFP_KERNEL);
		if (!pfns)
			smm_instance_destroy(inst);
		KUNIT_ASSERT_NOT_NULL(test, pfns);
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

static struct kunit_case setup_test_cases[] = {
	KUNIT_CASE(setup_test_stage_order),
	KUNIT_CASE(setup_test_image_placement),
	KUNIT_CASE(setup_test_image_relocated),
	KUNIT_CASE(setup_test_small_arena),
	KUNIT_CASE(setup_test_pgtable_placement),
	KUNIT_CASE(setup_test_paging_init_from_bootmem),
	KUNIT_CASE(setup_test_highmem_init),
	KUNIT_CASE_PARAM(setup_test_accounting_closes, layouts_gen_params),
	KUNIT_CASE(setup_test_teardown),
	{}
};

static struct kunit_suite setup_test_suite = {
	.name = "shadow_mm_setup",
	.test_cases = setup_test_cases,
};

kunit_test_suite(setup_test_suite);
