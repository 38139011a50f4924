// SPDX-License-Identifier: GPL-2.0
/*
 * shadow_mm: the 6.12 bring-up (bringup=6.12), on the same layers as the
 * 2.6.29 one.
 */

/**
 * DOC: 6.12 bring-up
 *
 * ``bringup=6.12`` replays how an x86-64 kernel of 6.12 brings memory up,
 * on the same arena, e820 map, mem_map, buddy core, SLUB, page tables and
 * vmalloc as the 2.6.29 bring-up.  What differs is the boot allocator
 * (memblock instead of early_res and bootmem), the zones, and the order:
 *
 * - e820__memory_setup(): the same synthetic BIOS map;
 * - early_reserve_memory(): memblock_reserve() of the kernel image (placed
 *   by the loader at LOAD_PHYSICAL_ADDR, 16 MiB, scaled to the end of
 *   ZONE_DMA) and of page 0;
 * - e820__memblock_setup(): memblock_add() of every RAM entry, whole pages
 *   only (memblock_trim_memory()); then reserve_real_mode() reserves the
 *   first 1 MiB, as every kernel since 5.13 does;
 * - init_mem_mapping(): the direct map of all memory, 2 MiB pages between a
 *   4 KiB head and tail, its tables from memblock_phys_alloc_range(),
 *   top-down;
 * - sparse_init(): the whole mem_map in one memblock allocation above the
 *   DMA zone (sparse_buffer_init()), carved per section;
 * - free_area_init(): the zones DMA, DMA32, Normal and Movable, and
 *   memmap_init() of the descriptors, except the free pages that deferred
 *   struct page init leaves for later (defer_init(): the highest zone past
 *   its first section; see deferred.c);
 * - setup_per_cpu_areas(): the embedded first chunk, one unit per possible
 *   CPU, from memblock;
 * - memblock_free_all(): memmap_init_reserved_pages() marks what memblock
 *   holds, and every free range goes to the buddy allocator in the largest
 *   aligned blocks;
 * - kmem_cache_init() (SLUB: the only allocator 6.12 has), vmalloc_init();
 * - page_alloc_init_late(): deferred_init_memmap() in a pgdatinit thread
 *   and its helpers, one per CPU, initialise and free the rest, max-order
 *   block by block; a zone that runs short before that grows on demand
 *   (deferred_grow_zone()).  Then init_per_zone_wmark_min() sets the
 *   watermarks, now that every page is managed.
 *
 * Every memblock call is logged in the timeline as memblock=debug prints it.
 *
 * Where we part from the kernel, on purpose: our page tables keep their
 * counts in the page descriptors, so init_mem_mapping() here reserves its
 * table pages from memblock in its own stage but writes the tables once
 * free_area_init() has initialised the descriptors (a step of that stage,
 * "kernel_physical_mapping_init"); and the early brk tables of head_64.S
 * are not modelled: every table comes from memblock.
 */

#include <linux/cpumask.h>
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/sizes.h>
#include <linux/string.h>

#include "bringup.h"
#include "compaction.h"
#include "instance.h"

/*
 * The image at 1 GiB of memory, in KiB: a 6.12 x86-64 distribution
 * kernel's "Memory: ... (N kernel code, N rwdata, N rodata, N init, N bss"
 * line, rounded.  Scaled like the 2.6.29 image (smm_setup_scaled()).
 */
#define REF612_TEXT_KB		16384U
#define REF612_RODATA_KB	8192U
#define REF612_RWDATA_KB	4096U
#define REF612_INIT_KB		4096U
#define REF612_BSS_KB		4096U
/* pcpu_embed_first_chunk(): "Embedded 64 pages/cpu", 256 KiB a unit. */
#define REF612_PCPU_UNIT_KB	256U
/* reserve_real_mode(): the first 1 MiB, always (commit f1d4d47c5851, 5.13). */
#define SMM_REALMODE_END	SZ_1M

/* memblock=debug, into the timeline: one step per call. */
static void memblock_log(void *data, enum smm_memblock_op op, u64 base, u64 size,
			 const char *caller)
{
	char line[SMM_TIMELINE_RESULT_LEN];

	smm_memblock_format_event(line, sizeof(line), op, base, size, caller);
	smm_timeline_step_end(data, "memblock=debug", "%s", line);
}

/*
 * Pages of @core out of @total: a percentage, or bytes, rounded up (shifted
 * first: SMM_PFN_UP() of a size near 2^64 would wrap to 0 pages).
 */
static unsigned long core_pages(const struct smm_core *core, unsigned long total)
{
	u64 pages;

	if (core->percent)
		return div_u64((u64)total * core->percent, 100);
	pages = (core->bytes >> SMM_PAGE_SHIFT) + !!(core->bytes & (SMM_PAGE_SIZE - 1));
	return min_t(u64, pages, total);
}

/*
 * The 6.12 zones of an x86-64 PC, scaled as the 2.6.29 ones are: ZONE_DMA
 * the same (MAX_DMA_PFN, 16 MiB, is 1/16 of the reference 1 GiB, or
 * zone_dma_mb), and ZONE_DMA32 up to half of the arena, as 4 GiB is of an
 * 8 GiB machine; Normal above.
 *
 * ZONE_MOVABLE as find_zone_movable_pfns_for_nodes() carves it out of the
 * highest zone: kernelcore= is what stays in the kernel zones (movablecore=
 * asks for the rest: required_kernelcore = total - movablecore, the larger
 * of the two when both are given), counted in present pages from the
 * bottom; ZONE_MOVABLE starts where that count is reached, rounded up to
 * MAX_ORDER_NR_PAGES (our section), and never below ZONE_NORMAL.
 */
static void zone_bounds_612(const struct smm_params *p, const struct smm_arena *a,
			    unsigned long *zone_end)
{
	const unsigned long mb = 1UL << (20 - SMM_PAGE_SHIFT);
	unsigned long dma_end = p->zone_dma_mb ? (unsigned long)p->zone_dma_mb * mb :
				clamp(p->arena_mb / 16, 1U, 16U) * mb;
	unsigned long dma32_end = max(dma_end, rounddown(a->end_pfn / 2, mb));
	unsigned long kernel = 0, movable = a->end_pfn, pfn, counted;

	if (p->kernelcore.bytes || p->kernelcore.percent)
		kernel = core_pages(&p->kernelcore, a->nr_pages);
	if (p->movablecore.bytes || p->movablecore.percent)
		kernel = max(kernel, a->nr_pages - core_pages(&p->movablecore, a->nr_pages));
	if (kernel && kernel < a->nr_pages) {
		for (pfn = 0, counted = 0; pfn < a->end_pfn && counted < kernel;
		     pfn += SMM_PAGES_PER_SECTION)
			counted += smm_memmap_present(a, pfn, pfn + SMM_PAGES_PER_SECTION);
		movable = max(pfn, dma32_end);
	}
	zone_end[SMM_ZONE_DMA] = dma_end;
	zone_end[SMM_ZONE_DMA32] = dma32_end;
	zone_end[SMM_ZONE_NORMAL] = max(movable, dma32_end);
	zone_end[SMM_ZONE_HIGHMEM] = zone_end[SMM_ZONE_NORMAL];
	zone_end[SMM_ZONE_MOVABLE] = max(a->end_pfn, zone_end[SMM_ZONE_NORMAL]);
}

/*
 * Where the loader puts the image: the first page-aligned place at or
 * above @load that is RAM all the way, as a relocatable kernel goes
 * where memory is.  0 if none.
 */
static u64 place_image(const struct smm_e820_table *t, u64 load, u64 size)
{
	unsigned int i;

	for (i = 0; i < t->nr_entries; i++) {
		const struct smm_e820_entry *en = &t->entries[i];
		u64 start = max(PAGE_ALIGN(en->addr), load);

		if (en->type == SMM_E820_RAM && start + size <= en->addr + en->size)
			return start;
	}
	return 0;
}

/* early_reserve_memory(): the image, then page 0. */
static int early_reserve_memory(struct smm_instance *inst, u64 load)
{
	struct smm_arena *a = &inst->arena;
	struct smm_kimage *img = &inst->setup.img;
	u64 text = smm_setup_scaled(a, REF612_TEXT_KB, 4);
	u64 data = smm_setup_scaled(a, REF612_RODATA_KB, 2) +
		   smm_setup_scaled(a, REF612_RWDATA_KB, 2);
	u64 init = smm_setup_scaled(a, REF612_INIT_KB, 1);
	u64 bss = smm_setup_scaled(a, REF612_BSS_KB, 2);
	u64 addr = place_image(&inst->e820, load, text + data + init + bss);
	int ret;

	if (!addr) {
		smm_bad_input("arena_mb", "no usable memory from %#llx up holds the %llu KiB image",
			      load, (text + data + init + bss) >> 10);
		return -ENOMEM;
	}
	img->text = addr;
	img->etext = addr + text;
	img->edata = img->etext + data;
	img->init_begin = img->edata;
	img->init_end = img->init_begin + init;
	img->bss_start = img->init_end;
	img->bss_stop = img->bss_start + bss;
	/* init_top_pgt: the first page of what we call .bss; the rest is layout. */
	img->pgd = img->bss_start;
	img->relocated = addr != load;
	clear_page(smm_arena_pfn_to_virt(a, SMM_PFN_DOWN(img->pgd)));
	ret = smm_memblock_reserve(&inst->memblock, addr, img->bss_stop - addr,
				   "early_reserve_memory");
	return ret ?: smm_memblock_reserve(&inst->memblock, 0, PAGE_SIZE, "early_reserve_memory");
}

/* e820__memblock_setup(): RAM into memblock.memory, whole pages only. */
static int e820_memblock_setup(struct smm_instance *inst)
{
	const struct smm_e820_table *t = &inst->e820;
	unsigned int i;
	int ret;

	for (i = 0; i < t->nr_entries; i++) {
		u64 start = PAGE_ALIGN(t->entries[i].addr);
		u64 end = round_down(t->entries[i].addr + t->entries[i].size, PAGE_SIZE);

		if (t->entries[i].type != SMM_E820_RAM || start >= end)
			continue;
		ret = smm_memblock_add(&inst->memblock, start, end - start,
				       "e820__memblock_setup");
		if (ret)
			return ret;
	}
	return 0;
}

/* sparse_init()'s buffer, carved per section as sparse_buffer_alloc() does. */
struct sparse_buf {
	u64 base;
	u64 size;
	u64 used;
	struct smm_memblock *mb;
};

static u64 sparse_alloc(void *ctx, u64 size, u64 align, u64 goal)
{
	struct sparse_buf *sb = ctx;
	u64 at = ALIGN(sb->base + sb->used, align);

	if (at + size > sb->base + sb->size)
		return SMM_EARLY_NOT_FOUND;
	sb->used = at + size - sb->base;
	return at;
}

static bool memblock_reserved_range(void *ctx, unsigned int i, u64 *start, u64 *end)
{
	const struct sparse_buf *sb = ctx;
	const struct smm_memblock_type *r = &sb->mb->reserved;

	if (i >= r->cnt)
		return false;
	*start = r->regions[i].base;
	*end = r->regions[i].base + r->regions[i].size;
	return true;
}

/*
 * memmap_init_reserved_pages(): the pages memblock holds are reserved.
 * Those allocated after memmap_init() (the per-CPU chunk) still say free.
 */
static unsigned long mark_reserved(struct smm_instance *inst)
{
	const struct smm_memblock_type *r = &inst->memblock.reserved;
	unsigned long pfn, n = 0;
	unsigned int i;

	for (i = 0; i < r->cnt; i++) {
		unsigned long end = SMM_PFN_UP(r->regions[i].base + r->regions[i].size);

		for (pfn = SMM_PFN_DOWN(r->regions[i].base); pfn < end; pfn++) {
			struct smm_page *page = smm_pfn_to_page(&inst->arena, pfn);

			if (page && smm_page_deferred(page)) {
				/* init_deferred_page(): a reserved page is initialised now. */
				smm_memmap_init_range(&inst->arena, pfn, pfn + 1,
						      smm_page_zonenum(page), SMM_OWNER_EARLY,
						      false);
				inst->memmap.owner_pages[SMM_OWNER_FREE]--;
				inst->memmap.owner_pages[SMM_OWNER_EARLY]++;
				n++;
			} else if (page && page->owner == SMM_OWNER_FREE) {
				WRITE_ONCE(page->owner, SMM_OWNER_EARLY);
				smm_page_set(page, SMM_PG_RESERVED);
				inst->memmap.owner_pages[SMM_OWNER_FREE]--;
				inst->memmap.owner_pages[SMM_OWNER_EARLY]++;
				n++;
			}
		}
	}
	return n;
}

/*
 * free_low_memory_core_early(): every range of memblock.memory that
 * memblock.reserved does not hold (for_each_free_mem_range()), to the buddy
 * allocator, up to the deferred part (deferred_init_memmap() frees that).
 * Both arrays are sorted and disjoint: one merge-like pass.
 */
static unsigned long free_memory_core(struct smm_instance *inst, unsigned long deferred_pfn)
{
	const struct smm_memblock_type *mem = &inst->memblock.memory;
	const struct smm_memblock_type *res = &inst->memblock.reserved;
	unsigned long n = 0;
	unsigned int i, j = 0;

	for (i = 0; i < mem->cnt; i++) {
		u64 s = mem->regions[i].base, e = s + mem->regions[i].size;

		while (s < e) {
			u64 fe = e;

			while (j < res->cnt && res->regions[j].base + res->regions[j].size <= s)
				j++;
			if (j < res->cnt && res->regions[j].base <= s) {
				s = res->regions[j].base + res->regions[j].size;
				continue;
			}
			if (j < res->cnt)
				fe = min(fe, res->regions[j].base);
			if (SMM_PFN_UP(s) < min(SMM_PFN_DOWN(fe), deferred_pfn))
				n += smm_buddy_free_present(&inst->buddy, SMM_PFN_UP(s),
							    min(SMM_PFN_DOWN(fe), deferred_pfn),
							    false);
			s = fe;
		}
	}
	return n;
}

/* Whole pages of memblock.memory with a descriptor: what the zones could manage. */
static unsigned long memory_pages(struct smm_instance *inst)
{
	const struct smm_memblock_type *mem = &inst->memblock.memory;
	unsigned long n = 0;
	unsigned int i;

	for (i = 0; i < mem->cnt; i++)
		n += smm_memmap_present(&inst->arena, SMM_PFN_UP(mem->regions[i].base),
					SMM_PFN_DOWN(mem->regions[i].base +
						     mem->regions[i].size));
	return n;
}

/**
 * smm_bringup_612() - the 6.12 stages, after the arena
 * @inst: the instance, its arena taken and its era set
 * @p: its parameters, checked
 *
 * See "DOC: 6.12 bring-up".  Each stage records itself in the timeline,
 * and each memblock call is a step of the stage that made it.
 *
 * Return: 0; -ENOMEM when the memory does not hold what the bring-up
 * places; -EINVAL for zone bounds that do not fit.  On failure the caller
 * tears down whatever was built.
 * Context: process context; sleeps.
 */
int smm_bringup_612(struct smm_instance *inst, const struct smm_params *p)
{
	struct smm_memblock *mb = &inst->memblock;
	struct smm_timeline *tl = &inst->timeline;
	struct smm_setup *su = &inst->setup;
	struct smm_arena *a = &inst->arena;
	unsigned long zone_end[SMM_NR_ZONES], max_pfn, managed, reserved, deferred;
	struct sparse_buf sb = { .mb = mb };
	const struct smm_boot_alloc ba = {
		.alloc = sparse_alloc, .reserved = memblock_reserved_range, .ctx = &sb,
	};
	u64 usable, end, pool, unit;
	unsigned int cpus = num_possible_cpus();
	long ms;
	int ret, i;

	zone_bounds_612(p, a, zone_end);
	memset(su, 0, sizeof(*su));
	su->arena = a;
	smm_memblock_init(mb);
	smm_memblock_set_log(mb, memblock_log, tl);

	/* e820__memory_setup(): the same BIOS map as 2.6.29's. */
	smm_timeline_begin(tl, SMM_STAGE_E820);
	ret = smm_e820_build(&inst->e820, a, p->e820_reserve);
	if (ret)
		return ret;
	usable = smm_e820_total(&inst->e820, SMM_E820_RAM);
	max_pfn = smm_e820_max_pfn(&inst->e820);
	su->low_pfn = max_pfn;
	smm_timeline_end(tl, "%u entries, %llu KiB usable, %llu KiB not usable",
			 inst->e820.nr_entries, usable >> 10,
			 (SMM_PFN_PHYS(a->nr_pages) - usable) >> 10);

	smm_timeline_begin(tl, SMM_STAGE_STATIC);
	ret = early_reserve_memory(inst, SMM_PFN_PHYS(zone_end[SMM_ZONE_DMA]));
	if (ret)
		return ret;
	smm_timeline_end(tl, "kernel image at %#llx, %llu KiB; page 0",
			 su->img.text, (su->img.bss_stop - su->img.text) >> 10);

	smm_timeline_begin(tl, SMM_STAGE_MEMBLOCK);
	ret = e820_memblock_setup(inst);
	/* x86_numa_init() without NUMA: dummy_numa_init() puts it all on node 0. */
	if (!ret)
		ret = smm_memblock_set_node(mb, 0, SMM_MEMBLOCK_ADDR_MAX, 0);
	if (!ret)
		ret = smm_memblock_reserve(mb, 0, SMM_REALMODE_END, "reserve_real_mode");
	if (ret)
		return ret;
	smm_timeline_end(tl, "memory: %u regions, %llu KiB; reserved: %u regions, %llu KiB",
			 mb->memory.cnt, mb->memory.total_size >> 10, mb->reserved.cnt,
			 mb->reserved.total_size >> 10);

	/* init_mem_mapping(): the direct map's tables, reserved top-down. */
	smm_timeline_begin(tl, SMM_STAGE_PGTABLE);
	end = SMM_PFN_PHYS(max_pfn);
	pool = smm_setup_table_space(end);
	su->table_start = smm_memblock_phys_alloc_range(mb, pool, PAGE_SIZE, 0, end);
	if (!su->table_start) {
		smm_bad_input("arena_mb", "memblock has no %llu KiB for the kernel page tables",
			      pool >> 10);
		return -ENOMEM;
	}
	su->table_end = su->table_start;
	su->table_top = su->table_start + pool;
	smm_timeline_end(tl, "[0, %#llx) at %#llx: %llu table pages at %#llx, from memblock",
			 end, SMM_PAGE_OFFSET, pool >> PAGE_SHIFT, su->table_start);

	/* sparse_init(): the whole mem_map in one buffer, above the DMA zone. */
	smm_timeline_begin(tl, SMM_STAGE_MEMMAP);
	sb.size = smm_memmap_bytes(a);
	sb.base = smm_memblock_alloc_try_nid(mb, sb.size, PAGE_SIZE,
					     SMM_PFN_PHYS(zone_end[SMM_ZONE_DMA]),
					     SMM_MEMBLOCK_ALLOC_ACCESSIBLE, SMM_MEMBLOCK_ANY_NODE);
	if (!sb.base) {
		smm_bad_input("arena_mb", "memblock has no %llu KiB for the mem_map",
			      sb.size >> 10);
		return -ENOMEM;
	}
	smm_timeline_end(tl, "%llu KiB of descriptors for %lu sections at %#llx",
			 sb.size >> 10, a->nr_sections, sb.base);

	/*
	 * free_area_init(): the zones, then memmap_init() up to what
	 * defer_init() puts off, then the tables' descriptors.
	 */
	smm_timeline_begin(tl, SMM_STAGE_ZONES);
	ret = smm_buddy_init(&inst->buddy, a, &inst->broken,
			     p->max_order ? p->max_order : SMM_MAX_ORDER_DEFAULT, SMM_ERA_612,
			     zone_end);
	if (ret)
		return ret;
	inst->buddy.name = inst->name;
	/* Grouping by mobility: every pageblock starts MOVABLE (memmap_init_range()). */
	ret = smm_buddy_set_mobility(&inst->buddy, true);
	if (ret)
		return ret;
	ret = smm_deferred_setup(&inst->deferred, &inst->buddy, a, inst->name);
	if (ret)
		return ret;
	ret = smm_memmap_init_from(&inst->memmap, a, &inst->e820, &ba, 0, zone_end,
				   SMM_NR_ZONES, inst->deferred.setup_pfn);
	if (ret)
		return ret;
	smm_timeline_step_end(tl, "memmap_init",
			      "%lu descriptors, %lu reserved, %lu free; deferred from pfn %#lx",
			      inst->memmap.nr_pages, inst->memmap.owner_pages[SMM_OWNER_EARLY],
			      inst->memmap.owner_pages[SMM_OWNER_FREE],
			      inst->deferred.setup_pfn == SMM_DEFERRED_NONE_PFN ? 0 :
			      inst->deferred.setup_pfn);
	ret = smm_pgtable_init_boot(&inst->kpt, a, &inst->broken, SMM_PFN_DOWN(su->img.pgd));
	if (!ret)
		ret = smm_setup_map_direct(su, &inst->kpt, end);
	if (ret)
		return ret;
	/* What the direct map did not need goes back to memblock. */
	if (su->table_top > su->table_end) {
		ret = smm_memblock_free(mb, su->table_end, su->table_top - su->table_end,
					"kernel_physical_mapping_init");
		if (ret)
			return ret;
	}
	smm_timeline_step_end(tl, "kernel_physical_mapping_init", "%lu x 2M, %lu x 4k, %llu tables",
			      su->direct.large, su->direct.small,
			      (su->table_end - su->table_start) >> PAGE_SHIFT);
	smm_timeline_end(tl,
			 "DMA %lu, DMA32 %lu, Normal %lu, Movable %lu present pages; MAX_ORDER %u",
			 inst->buddy.zones[SMM_ZONE_DMA].present_pages,
			 inst->buddy.zones[SMM_ZONE_DMA32].present_pages,
			 inst->buddy.zones[SMM_ZONE_NORMAL].present_pages,
			 inst->buddy.zones[SMM_ZONE_MOVABLE].present_pages,
			 inst->buddy.max_order);

	/* setup_per_cpu_areas(): the embedded first chunk, a unit per possible CPU. */
	smm_timeline_begin(tl, SMM_STAGE_PERCPU);
	unit = smm_setup_scaled(a, REF612_PCPU_UNIT_KB, 1);
	su->percpu_size = unit * cpus;
	su->percpu_start = smm_memblock_alloc_try_nid(mb, su->percpu_size, PAGE_SIZE,
						      SMM_PFN_PHYS(zone_end[SMM_ZONE_DMA]),
						      SMM_MEMBLOCK_ALLOC_ACCESSIBLE,
						      SMM_MEMBLOCK_ANY_NODE);
	if (!su->percpu_start) {
		smm_bad_input("arena_mb", "memblock has no %llu KiB for the per-CPU areas",
			      su->percpu_size >> 10);
		return -ENOMEM;
	}
	smm_timeline_end(tl, "Embedded %llu pages/cpu u%llu, %u units at %#llx",
			 unit >> PAGE_SHIFT, unit, cpus, su->percpu_start);

	/* mem_init(): memblock_free_all(), then the buddy allocator runs. */
	smm_timeline_begin(tl, SMM_STAGE_HANDOFF);
	reserved = mark_reserved(inst);
	smm_timeline_step_end(tl, "memmap_init_reserved_pa", "%lu more pages reserved",
			      reserved);
	managed = free_memory_core(inst, inst->deferred.setup_pfn);
	smm_pgtable_attach(&inst->kpt, &inst->buddy);
	/*
	 * No HighMem on x86-64: kmap_local_page() is page_address().  The kmap
	 * layer still serves every page (through the direct map), and keeps
	 * its windows, their tables now from the buddy allocator.
	 */
	ret = smm_highmem_init(&inst->hm, &inst->kpt, a, &inst->broken);
	if (ret)
		return ret;
	smm_highmem_attach(&inst->hm, &inst->buddy);
	/* __alloc_pages_direct_compact(): a failed high-order request compacts. */
	smm_compact_attach(inst, true);
	/* Memblock is done: as memblock_discard(), no more calls are logged. */
	smm_memblock_set_log(mb, NULL, NULL);
	deferred = smm_memmap_present(a, min(inst->deferred.setup_pfn, a->end_pfn), a->end_pfn);
	su->kept_reserved = memory_pages(inst) - managed - deferred;
	scnprintf(su->banner, sizeof(su->banner),
		  "Memory: %luK/%luK available (%lluK kernel code, %lluK rwdata, %lluK init, %lluK bss, %luK reserved, 0K cma-reserved)\n",
		  managed << (PAGE_SHIFT - 10), memory_pages(inst) << (PAGE_SHIFT - 10),
		  (su->img.etext - su->img.text) >> 10, (su->img.edata - su->img.etext) >> 10,
		  (su->img.init_end - su->img.init_begin) >> 10,
		  (su->img.bss_stop - su->img.bss_start) >> 10,
		  su->kept_reserved << (PAGE_SHIFT - 10));
	smm_timeline_end(tl,
			 "%lu pages to the buddy, %lu kept reserved, %lu deferred; memblock done",
			 managed, su->kept_reserved, deferred);

	smm_timeline_begin(tl, SMM_STAGE_SLAB);
	ret = smm_slab_init(&inst->slab, &inst->buddy, &inst->broken, p->slab,
			    p->slab_debug ? inst->slab_debug : NULL, tl);
	if (ret)
		return ret;
	smm_timeline_end(tl, "%s, 13 kmalloc caches, 8 to 8192 bytes",
			 smm_slab_strategy_name(p->slab));

	smm_timeline_begin(tl, SMM_STAGE_VMALLOC);
	ret = smm_vmalloc_init(&inst->vm, &inst->kpt, &inst->buddy, SMM_VMALLOC_SIZE);
	if (ret)
		return ret;
	smm_timeline_end(tl, "[%#llx, %#llx)", inst->vm.start, inst->vm.end);

	/* page_alloc_init_late(): the pgdatinit threads, and wait for them. */
	smm_timeline_begin(tl, SMM_STAGE_DEFERRED);
	ms = smm_deferred_start(&inst->deferred);
	if (ms < 0)
		return ms;
	/* Every page is in now: what the zones do not manage, memblock kept. */
	for (managed = 0, i = 0; i < SMM_NR_ZONES; i++)
		managed += inst->buddy.zones[i].managed_pages;
	su->kept_reserved = memory_pages(inst) - managed;
	smm_buddy_setup_watermarks(&inst->buddy);
	smm_timeline_end(tl,
			 "node 0 deferred pages initialised in %ldms: %lu pages by %u threads, %lu by grow_zone",
			 ms, smm_deferred_stat(&inst->deferred, SMM_DEFERRED_FREED_THREADS),
			 inst->deferred.nr_workers,
			 smm_deferred_stat(&inst->deferred, SMM_DEFERRED_FREED_GROW));
	return 0;
}
