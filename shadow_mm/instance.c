// SPDX-License-Identifier: GPL-2.0
/*
 * shadow_mm instance: one complete shadow stack and its bring-up.
 */

/**
 * DOC: instance
 *
 * An instance owns one stack of layers, each in its own struct, built from
 * the bottom up by smm_instance_create() in the order the kernel brings up
 * memory at boot, and torn down top-down by smm_instance_destroy().  The
 * module keeps a default instance; KUnit builds as many small ones as it
 * likes, and they never share state.
 */

#include <linux/ctype.h>
#include <linux/err.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "bringup.h"
#include "compaction.h"
#include "control.h"
#include "instance.h"
#include "parse.h"

/**
 * smm_instance_name_valid() - is this a name an instance may have?
 * @name: the name
 *
 * 1 to %SMM_NAME_LEN - 1 characters of ``[A-Za-z0-9_.-]``, and not "."
 * or "..": the name becomes a debugfs directory.
 *
 * Return: true if so; false, with a rate-limited message naming the
 * field, if not.
 */
bool smm_instance_name_valid(const char *name)
{
	size_t len = strnlen(name, SMM_NAME_LEN), i;

	for (i = 0; i < len; i++)
		if (!isalnum(name[i]) && !strchr("_.-", name[i]))
			break;
	if (!len || len >= SMM_NAME_LEN || i < len || !strcmp(name, ".") ||
	    !strcmp(name, "..")) {
		smm_bad_input("name",
			      "'%.*s' must be 1..%d characters of A-Z a-z 0-9 _ . -, not . or ..",
			      SMM_NAME_LEN, name, SMM_NAME_LEN - 1);
		return false;
	}
	return true;
}

static const char *const era_names[SMM_ERA_NR] = {
	[SMM_ERA_2629]	= "2.6.29",
	[SMM_ERA_612]	= "6.12",
};

/**
 * smm_era_name() - the kernel version an era replays
 * @era: the era
 *
 * Return: "2.6.29" or "6.12"; "?" for anything else.
 */
const char *smm_era_name(enum smm_era era)
{
	return era < SMM_ERA_NR ? era_names[era] : "?";
}

/**
 * smm_parse_era() - read a bringup= value
 * @field: the parameter or key, for the message
 * @s: "2.6.29" or "6.12"
 * @era: set on success
 *
 * Return: 0, or -EINVAL with a rate-limited message naming @field.
 */
int smm_parse_era(const char *field, const char *s, enum smm_era *era)
{
	int i = match_string(era_names, SMM_ERA_NR, s);

	if (i < 0) {
		smm_bad_input(field, "'%s' is not 2.6.29 or 6.12", s);
		return -EINVAL;
	}
	*era = i;
	return 0;
}

/**
 * smm_parse_core() - read a kernelcore= or movablecore= value
 * @field: the parameter or key, for the message
 * @s: a size with an optional K, M or G suffix, or a percentage "N%"
 *	(1 to 100), as cmdline_parse_core() takes them
 * @core: set on success
 *
 * "mirror" (kernelcore=mirror) is not modelled: we have no mirrored memory.
 *
 * Return: 0, -EINVAL for a malformed value, -ERANGE for a percentage past
 * 100, each with a rate-limited message naming @field.
 */
int smm_parse_core(const char *field, const char *s, struct smm_core *core)
{
	size_t len = strlen(s);
	const char *end;
	int ret;
	u64 v;

	if (len && s[len - 1] == '%') {
		char num[8];

		if (len > sizeof(num)) {
			smm_bad_input(field, "'%s' is not a percentage in [1, 100]", s);
			return -ERANGE;
		}
		strscpy(num, s, len);
		ret = smm_parse_u64(field, num, 1, 100, &v);
		if (ret)
			return ret;
		*core = (struct smm_core){ .percent = v };
		return 0;
	}
	if (smm_parse_size(s, &end, &v) || *end) {
		smm_bad_input(field, "'%s' is not a size (K, M, G) or a percentage", s);
		return -EINVAL;
	}
	*core = (struct smm_core){ .bytes = v };
	return 0;
}

/* Parse e820_reserve into a scratch map: a typo must not cost an arena. */
static int check_e820_reserve(const char *reserve)
{
	struct smm_e820_table *t;
	int ret;

	if (!reserve || !*reserve)
		return 0;
	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	ret = smm_e820_parse_reserve(t, reserve);
	kfree(t);
	return ret;
}

/**
 * smm_params_check() - validate parameters without building anything
 * @p: the parameters
 *
 * Everything that can be refused before the arena is taken is refused
 * here: the values themselves, e820_reserve's grammar, zone limits past
 * the arena, and a size that the layers cannot support or the host cannot
 * spare along with its metadata (smm_arena_check_size()).
 *
 * Return: 0; -EINVAL, -ERANGE or -ENOMEM with a rate-limited message
 * naming the field.
 * Context: process context.
 */
int smm_params_check(const struct smm_params *p)
{
	unsigned int order;
	int ret;

	if (!p->name || !smm_instance_name_valid(p->name))
		return -EINVAL;
	if (p->arena_mb < SMM_ARENA_MIN_MB || p->arena_mb > SMM_ARENA_MAX_MB) {
		smm_bad_input("arena_mb", "%u is outside [%u, %u]", p->arena_mb,
			      SMM_ARENA_MIN_MB, SMM_ARENA_MAX_MB);
		return -ERANGE;
	}
	if (p->source >= SMM_ARENA_SOURCE_NR) {
		smm_bad_input("arena_source", "must be auto, contig or chunks");
		return -EINVAL;
	}
	if (p->max_order > SMM_MAX_ORDER_LIMIT) {
		smm_bad_input("max_order", "%u is outside [1, %d] (0 means %d)", p->max_order,
			      SMM_MAX_ORDER_LIMIT, SMM_MAX_ORDER_DEFAULT);
		return -EINVAL;
	}
	if (p->slab >= SMM_SLAB_NR) {
		smm_bad_input("slab", "must be slab, slub or slob");
		return -EINVAL;
	}
	if (p->era >= SMM_ERA_NR) {
		smm_bad_input("bringup", "must be 2.6.29 or 6.12");
		return -EINVAL;
	}
	/* The allocators 6.12 no longer has: mm/slob.c went in 6.4, mm/slab.c in 6.8. */
	if (p->era == SMM_ERA_612 && p->slab == SMM_SLAB_SLOB) {
		smm_bad_input("slab", "SLOB was removed in Linux 6.4; bringup=6.12 has only slub");
		return -EINVAL;
	}
	if (p->era == SMM_ERA_612 && p->slab == SMM_SLAB_SLAB) {
		smm_bad_input("slab", "SLAB was removed in Linux 6.8; bringup=6.12 has only slub");
		return -EINVAL;
	}
	if (p->era != SMM_ERA_612 && (p->kernelcore.bytes || p->kernelcore.percent)) {
		smm_bad_input("kernelcore", "needs bringup=6.12 (no ZONE_MOVABLE in 2.6.29's)");
		return -EINVAL;
	}
	if (p->era != SMM_ERA_612 && (p->movablecore.bytes || p->movablecore.percent)) {
		smm_bad_input("movablecore", "needs bringup=6.12 (no ZONE_MOVABLE in 2.6.29's)");
		return -EINVAL;
	}
	if (p->era == SMM_ERA_612 && p->zone_normal_mb) {
		smm_bad_input("zone_normal_mb", "bringup=6.12 is x86-64: no ZONE_HIGHMEM to start");
		return -EINVAL;
	}
	if (p->slab_debug && smm_slab_parse_debug(p->slab_debug, NULL, NULL))
		return -EINVAL;
	if (p->chunk_order > MAX_PAGE_ORDER) {
		smm_bad_input("arena_chunk_order", "%u is above MAX_PAGE_ORDER (%d)",
			      p->chunk_order, MAX_PAGE_ORDER);
		return -ERANGE;
	}
	if (p->zone_dma_mb > p->arena_mb) {
		smm_bad_input("zone_dma_mb", "%u MiB is past the end of the arena (%u MiB)",
			      p->zone_dma_mb, p->arena_mb);
		return -ERANGE;
	}
	if (p->zone_normal_mb > p->arena_mb) {
		smm_bad_input("zone_normal_mb", "%u MiB is past the end of the arena (%u MiB)",
			      p->zone_normal_mb, p->arena_mb);
		return -ERANGE;
	}
	if (p->zone_dma_mb && p->zone_normal_mb && p->zone_dma_mb >= p->zone_normal_mb) {
		smm_bad_input("zone_dma_mb",
			      "ZONE_DMA (%u MiB) must end below ZONE_HIGHMEM (%u MiB)",
			      p->zone_dma_mb, p->zone_normal_mb);
		return -EINVAL;
	}
	if (p->swap_mb > SMM_SWAP_MAX_MB) {
		smm_bad_input("swap_mb", "%u is outside [0, %u]", p->swap_mb, SMM_SWAP_MAX_MB);
		return -ERANGE;
	}
	ret = check_e820_reserve(p->e820_reserve);
	if (ret)
		return ret;
	/* contig is one range described in max-order chunks; chunks may be smaller. */
	order = p->source == SMM_ARENA_CONTIG ? MAX_PAGE_ORDER : p->chunk_order;
	return smm_arena_check_size((unsigned long)p->arena_mb << (20 - SMM_PAGE_SHIFT), order);
}

/*
 * Zone boundaries.  The defaults scale a 32-bit PC with 1 GiB of RAM (16 MiB
 * of DMA, highmem above 896 MiB) down to the arena: DMA is 1/16 of the
 * arena, at least 1 MiB and at most 16 MiB, and highmem the top 1/8.  So a
 * 64 MiB arena has 4 MiB of DMA, 52 MiB of Normal and 8 MiB of HighMem.
 * For the 6.12 era see zone_bounds_612().
 */
static int zone_bounds(const struct smm_params *p, const struct smm_arena *a,
		       unsigned long *dma_end, unsigned long *high_start)
{
	const unsigned long mb = 1UL << (20 - SMM_PAGE_SHIFT);

	if (p->zone_dma_mb)
		*dma_end = (unsigned long)p->zone_dma_mb * mb;
	else
		*dma_end = clamp(p->arena_mb / 16, 1U, 16U) * mb;
	if (p->zone_normal_mb)
		*high_start = (unsigned long)p->zone_normal_mb * mb;
	else
		*high_start = rounddown(a->end_pfn - a->nr_pages / 8, mb);

	if (*high_start > a->end_pfn) {
		smm_bad_input("zone_normal_mb",
			      "%lu MiB is past the end of memory (%lu MiB)",
			      *high_start / mb, a->end_pfn / mb);
		return -ERANGE;
	}
	if (*dma_end >= *high_start) {
		smm_bad_input("zone_dma_mb",
			      "ZONE_DMA (%lu MiB) must end below ZONE_HIGHMEM (%lu MiB)",
			      *dma_end / mb, *high_start / mb);
		return -EINVAL;
	}
	return 0;
}

/*
 * The 2.6.29 stages, after the arena: e820, early_res, the image, mem_map,
 * the direct map, bootmem, paging_init(), the zones, mem_init(), slab and
 * vmalloc (see "DOC: bring-up timeline").  On failure the caller tears
 * down whatever was built.
 */
static int bringup_2629(struct smm_instance *inst, const struct smm_params *p)
{
	struct smm_arena *a = &inst->arena;
	unsigned long dma_end, high_start;
	u64 usable;
	int ret;

	ret = zone_bounds(p, a, &dma_end, &high_start);
	if (ret)
		return ret;

	/* setup_memory_map(): the BIOS map, sanitized. */
	smm_timeline_begin(&inst->timeline, SMM_STAGE_E820);
	ret = smm_e820_build(&inst->e820, a, p->e820_reserve);
	if (ret)
		return ret;
	usable = smm_e820_total(&inst->e820, SMM_E820_RAM);
	smm_timeline_end(&inst->timeline, "%u entries, %llu KiB usable, %llu KiB not usable",
			 inst->e820.nr_entries, usable >> 10,
			 (SMM_PFN_PHYS(a->nr_pages) - usable) >> 10);

	/* The early allocator over the usable ranges. */
	smm_timeline_begin(&inst->timeline, SMM_STAGE_EARLY);
	smm_early_init(&inst->early, &inst->e820);
	smm_timeline_end(&inst->timeline, "find_e820_area() over %llu KiB", usable >> 10);

	/* Static allocation: the kernel image, where the loader put it. */
	smm_timeline_begin(&inst->timeline, SMM_STAGE_STATIC);
	ret = smm_setup_kernel_image(&inst->setup, a, &inst->early, high_start);
	if (ret)
		return ret;
	smm_timeline_end(&inst->timeline,
			 "TEXT DATA BSS at %#llx, %llu KiB; INIT_PG_TABLE %llu pages map [0, %#llx)",
			 inst->setup.img.text,
			 (inst->setup.img.bss_stop - inst->setup.img.text) >> 10,
			 (inst->setup.img.pg0_end - inst->setup.img.pg0_start) >> PAGE_SHIFT,
			 inst->setup.img.mapped);

	/*
	 * sparse_init() + memmap_init(): the page descriptors, placed above
	 * ZONE_DMA, each stamped with its zone (enum smm_zone_type).
	 */
	smm_timeline_begin(&inst->timeline, SMM_STAGE_MEMMAP);
	ret = smm_memmap_init(&inst->memmap, a, &inst->early, SMM_PFN_PHYS(dma_end),
			      (const unsigned long[SMM_NR_ZONES]) {
				[SMM_ZONE_DMA] = dma_end, [SMM_ZONE_DMA32] = dma_end,
				[SMM_ZONE_NORMAL] = high_start,
				[SMM_ZONE_HIGHMEM] = a->end_pfn, [SMM_ZONE_MOVABLE] = a->end_pfn,
			      }, SMM_NR_ZONES);
	if (ret)
		return ret;
	smm_timeline_end(&inst->timeline,
			 "%lu descriptors, %lu bytes in %u early_res, %lu free pages",
			 inst->memmap.nr_pages, inst->memmap.bytes, inst->early.nr,
			 inst->memmap.owner_pages[SMM_OWNER_FREE]);

	/* init_memory_mapping(): the direct map, its tables from find_e820_area(). */
	smm_timeline_begin(&inst->timeline, SMM_STAGE_PGTABLE);
	ret = smm_init_memory_mapping(&inst->setup, &inst->early, &inst->kpt, &inst->broken);
	if (ret)
		return ret;
	smm_timeline_end(&inst->timeline,
			 "[0, %#llx) at %#llx: %lu x 2M, %lu x 4k; PGTABLE %llu pages at %#llx",
			 SMM_PFN_PHYS(high_start), SMM_PAGE_OFFSET, inst->setup.direct.large,
			 inst->setup.direct.small,
			 (inst->setup.table_end - inst->setup.table_start) >> PAGE_SHIFT,
			 inst->setup.table_start);

	/* setup_bootmem_allocator(): the bitmap over low memory. */
	smm_timeline_begin(&inst->timeline, SMM_STAGE_BOOTMEM);
	ret = smm_bootmem_setup(&inst->bootmem, a, &inst->early, high_start, dma_end);
	if (ret)
		return ret;
	smm_timeline_end(&inst->timeline, "bitmap of %lu bytes for pfn [0x0-%#lx] at %#llx",
			 inst->bootmem.map_bytes, high_start - 1, inst->bootmem.map_addr);

	/* early_res_to_bootmem(): every early record, with its label. */
	smm_timeline_begin(&inst->timeline, SMM_STAGE_EARLYRES);
	smm_early_res_to_bootmem(&inst->bootmem);
	smm_timeline_end(&inst->timeline, "%u records carried over, %lu pages free",
			 inst->bootmem.nr_res, smm_bootmem_free_pages(&inst->bootmem));

	/* paging_init(): the pkmap and kmap_local tables, from bootmem. */
	smm_timeline_begin(&inst->timeline, SMM_STAGE_KMAP);
	ret = smm_paging_init(&inst->setup, &inst->kpt, &inst->bootmem, &inst->hm,
			      &inst->broken);
	if (ret)
		return ret;
	smm_timeline_end(&inst->timeline,
			 "pkmap %#llx, %u slots; kmap_local %#llx; %lu tables from bootmem",
			 SMM_PKMAP_BASE, SMM_LAST_PKMAP, SMM_KMAP_LOCAL_BASE,
			 inst->setup.bootmem_tables);

	/* zone_sizes_init() / free_area_init(): empty zones. */
	smm_timeline_begin(&inst->timeline, SMM_STAGE_ZONES);
	ret = smm_buddy_init(&inst->buddy, a, &inst->broken,
			     p->max_order ? p->max_order : SMM_MAX_ORDER_DEFAULT, SMM_ERA_2629,
			     (const unsigned long[SMM_NR_ZONES]) {
				[SMM_ZONE_DMA] = dma_end, [SMM_ZONE_DMA32] = dma_end,
				[SMM_ZONE_NORMAL] = high_start,
				[SMM_ZONE_HIGHMEM] = max(a->end_pfn, high_start),
				[SMM_ZONE_MOVABLE] = max(a->end_pfn, high_start),
			     });
	if (ret)
		return ret;
	inst->buddy.name = inst->name;
	smm_timeline_end(&inst->timeline,
			 "DMA %lu, Normal %lu, HighMem %lu present pages; MAX_ORDER %u",
			 inst->buddy.zones[SMM_ZONE_DMA].present_pages,
			 inst->buddy.zones[SMM_ZONE_NORMAL].present_pages,
			 inst->buddy.zones[SMM_ZONE_HIGHMEM].present_pages,
			 inst->buddy.max_order);

	/*
	 * mem_init(): free_all_bootmem() and set_highmem_pages_init(), the
	 * watermarks, and from now on page tables and HighMem zeroing work
	 * through the buddy allocator; then the banner.
	 */
	smm_timeline_begin(&inst->timeline, SMM_STAGE_HANDOFF);
	ret = smm_free_all_bootmem(&inst->bootmem, &inst->buddy, &inst->timeline);
	if (ret < 0)
		return ret;
	smm_buddy_setup_watermarks(&inst->buddy);
	smm_pgtable_attach(&inst->kpt, &inst->buddy);
	smm_highmem_attach(&inst->hm, &inst->buddy);
	smm_mem_init_banner(&inst->setup, &inst->bootmem, smm_buddy_free_pages(&inst->buddy),
			    smm_e820_max_pfn(&inst->e820), &(const struct smm_layout){
				.fixmap_start = SMM_KMAP_LOCAL_BASE,
				.fixmap_end = SMM_KMAP_LOCAL_ADDR(nr_cpu_ids, 0),
				.pkmap_start = SMM_PKMAP_BASE,
				.pkmap_end = SMM_PKMAP_ADDR(SMM_LAST_PKMAP),
				.vmalloc_start = SMM_VMALLOC_START,
				.vmalloc_end = SMM_VMALLOC_START + SMM_VMALLOC_SIZE,
			    });
	smm_timeline_end(&inst->timeline,
			 "%lu pages to the buddy (%lu HighMem), %lu kept reserved; bootmem closed",
			 inst->bootmem.handed_over, inst->bootmem.high_pages,
			 inst->bootmem.kept_reserved);

	/* kmem_cache_init(): the slab allocator and the kmalloc caches. */
	smm_timeline_begin(&inst->timeline, SMM_STAGE_SLAB);
	ret = smm_slab_init(&inst->slab, &inst->buddy, &inst->broken, p->slab,
			    p->slab_debug ? inst->slab_debug : NULL, &inst->timeline);
	if (ret)
		return ret;
	smm_timeline_end(&inst->timeline, "%s, %s", smm_slab_strategy_name(p->slab),
			 p->slab == SMM_SLAB_SLOB ? "kmalloc from the SLOB lists" :
			 "13 kmalloc caches, 8 to 8192 bytes");

	/* vmalloc_init(): the vmalloc range of the shadow kernel space. */
	smm_timeline_begin(&inst->timeline, SMM_STAGE_VMALLOC);
	ret = smm_vmalloc_init(&inst->vm, &inst->kpt, &inst->buddy, SMM_VMALLOC_SIZE);
	if (ret)
		return ret;
	smm_timeline_end(&inst->timeline, "[%#llx, %#llx)", inst->vm.start, inst->vm.end);

	return 0;
}

/* Every layer down to the arena, top-down; each copes with never having been set up. */
static void teardown_layers(struct smm_instance *inst)
{
	smm_compact_detach(inst);
	smm_control_release(inst);
	/* Stops the pgdatinit threads if they still run: before any layer goes. */
	smm_deferred_destroy(&inst->deferred);
	smm_vmscan_destroy(&inst->vmscan);
	smm_swap_destroy(&inst->swap);
	smm_highmem_destroy(&inst->hm);
	smm_vmalloc_destroy(&inst->vm);
	smm_slab_destroy(&inst->slab);
	smm_pgtable_destroy(&inst->kpt);
	smm_buddy_destroy(&inst->buddy);
	smm_arena_destroy(&inst->arena);
}

/**
 * smm_instance_create() - build a shadow stack and run its bring-up
 * @p: the parameters; @p->e820_reserve is parsed, not kept
 *
 * Runs the stages of @p->era's boot order (see "DOC: bring-up timeline";
 * the 6.12 ones in bringup_612.c).  For 2.6.29:
 * arena, e820, early allocator, the kernel image and its temporary page
 * table, mem_map, the direct map, bootmem and early_res_to_bootmem(),
 * paging_init()'s kmap tables, zones, mem_init() (the handoff of the free
 * pages to the buddy allocator, then the HighMem pages one by one), slab
 * and vmalloc.  Each stage records itself in the timeline.  Then the
 * swap area, as swapon() after boot, and kswapd: no stage.  The event
 * counters (&smm_instance.vmstat) come first, before any stage, and go
 * last in smm_instance_destroy().
 *
 * Return: the instance, or an ERR_PTR(): -EINVAL, -ERANGE or -E2BIG for
 * bad parameters, -ENOMEM when the host cannot spare the memory.  On
 * failure every page has gone back to the host.
 * Context: process context; sleeps.
 */
struct smm_instance *smm_instance_create(const struct smm_params *p)
{
	struct smm_instance *inst;
	unsigned long nr_pages;
	struct smm_arena *a;
	int ret;

	ret = smm_params_check(p);
	if (ret)
		return ERR_PTR(ret);

	inst = kzalloc(sizeof(*inst), GFP_KERNEL);
	if (!inst)
		return ERR_PTR(-ENOMEM);
	strscpy(inst->name, p->name, sizeof(inst->name));
	inst->era = p->era;
	if (p->slab_debug)
		strscpy(inst->slab_debug, p->slab_debug, sizeof(inst->slab_debug));
	INIT_LIST_HEAD(&inst->node);
	mutex_init(&inst->ctl_lock);
	INIT_LIST_HEAD(&inst->ctl_allocs);
	smm_timeline_init(&inst->timeline, p->era);
	/* The tracepoints name the instance: each layer that fires one keeps the name. */
	inst->timeline.name = inst->name;
	a = &inst->arena;
	/* First: every layer above the buddy allocator counts events into it. */
	ret = smm_vmstat_init(&inst->vmstat);
	if (ret)
		goto err_arena;

	/* The firmware: real memory from the host. */
	smm_timeline_begin(&inst->timeline, SMM_STAGE_ARENA);
	nr_pages = (unsigned long)p->arena_mb << (20 - SMM_PAGE_SHIFT);
	ret = smm_arena_init(a, nr_pages, p->source, p->chunk_order);
	if (ret) {
		if (ret == -ENOMEM)
			smm_bad_input("arena_mb", "the host cannot spare %u MiB",
				      p->arena_mb);
		else if (p->source == SMM_ARENA_CONTIG)
			smm_bad_input("arena_source",
				      "contig needs ZONE_MOVABLE memory (boot with movablecore=) and CONFIG_CONTIG_ALLOC: %d",
				      ret);
		goto err_arena;
	}
	/* The instance itself is host memory too; it came before the arena. */
	smm_host_account(a, SMM_HOST_INSTANCE, sizeof(*inst));
	smm_timeline_end(&inst->timeline, "%lu pages, source=%s, %u chunks, %u runs, %lu sections",
			 a->nr_pages, smm_arena_source_name(a->source), a->nr_chunks,
			 a->nr_runs, a->nr_sections);
	if (p->era == SMM_ERA_612)
		ret = smm_bringup_612(inst, p);
	else
		ret = bringup_2629(inst, p);
	if (ret)
		goto err_layers;

	/*
	 * swapon(): after boot in the kernel, from user space, and kswapd
	 * starts at module_init time: not stages of the timeline.  The swap
	 * slots' host pages come when they are written.
	 */
	ret = smm_swap_init(&inst->swap, a, p->swap_mb);
	if (ret) {
		if (ret == -ENOMEM)
			smm_bad_input("swap_mb", "the host cannot spare the map of %u MiB",
				      p->swap_mb);
		goto err_layers;
	}
	inst->swap.name = inst->name;
	ret = smm_vmscan_init(&inst->vmscan, &inst->buddy, &inst->swap, &inst->vmstat,
			      &inst->broken, inst->name);
	if (ret)
		goto err_layers;
	return inst;

err_layers:
	teardown_layers(inst);
err_arena:
	smm_vmstat_destroy(&inst->vmstat);
	kfree(inst);
	return ERR_PTR(ret);
}

/**
 * smm_instance_destroy() - tear a stack down and give its memory back
 * @inst: the instance, or NULL or an ERR_PTR() (ignored)
 *
 * The caller has removed the instance's debugfs files.  Blocks still held
 * through the control file are freed first, then the allocator's own
 * memory, then the arena, which gives every page back to the host.
 * Context: process context; sleeps.
 */
void smm_instance_destroy(struct smm_instance *inst)
{
	int i;

	if (IS_ERR_OR_NULL(inst))
		return;
	teardown_layers(inst);
	/* Last: the layers above counted into it until they were gone. */
	smm_vmstat_destroy(&inst->vmstat);
	/* Every layer gave back what it counted; only the instance is left. */
	for (i = 0; i < SMM_HOST_NR; i++)
		WARN_ON_ONCE(i != SMM_HOST_INSTANCE &&
			     atomic_long_read(&inst->arena.host.bytes[i]));
	kfree(inst);
}

static void show_kb(struct seq_file *m, const char *name, unsigned long pages)
{
	seq_printf(m, "%-16s%8lu kB\n", name, pages << (SMM_PAGE_SHIFT - 10));
}

/**
 * smm_meminfo_show() - /proc/meminfo for an instance
 * @m: the seq_file
 * @inst: the instance
 *
 * MemTotal, MemFree and the low/high split in /proc/meminfo's format, then
 * the pages each layer holds right now, counted from the descriptors.
 * Context: process context.
 */
void smm_meminfo_show(struct seq_file *m, struct smm_instance *inst)
{
	static const char *const rows[SMM_OWNER_NR] = {
		[SMM_OWNER_FIRMWARE]	= "Firmware:",
		[SMM_OWNER_EARLY]	= "EarlyRes:",
		[SMM_OWNER_FREE]	= "Unmanaged:",
		[SMM_OWNER_BOOTMEM]	= "Bootmem:",
		[SMM_OWNER_BUDDY]	= "BuddyFree:",
		[SMM_OWNER_PCP]		= "PerCPULists:",
		[SMM_OWNER_ALLOC]	= "PageAlloc:",
		[SMM_OWNER_SLAB]	= "SlabPages:",
		[SMM_OWNER_PGTABLE]	= "PageTables:",
	};
	const struct smm_zone *hz = &inst->buddy.zones[SMM_ZONE_HIGHMEM];
	unsigned long owners[SMM_OWNER_NR] = { 0 };
	unsigned long total = 0, free = 0, pfn, srecl, sunrecl, reserve = 0, wmark_low = 0;
	unsigned long active, inactive;
	long avail;
	int i;

	for (i = 0; i < SMM_NR_ZONES; i++) {
		total += inst->buddy.zones[i].managed_pages;
		free += smm_zone_free_pages(&inst->buddy.zones[i]);
	}
	for (pfn = 0; pfn < inst->arena.end_pfn; pfn++) {
		const struct smm_page *page = smm_pfn_to_page(&inst->arena, pfn);

		if (page)
			owners[READ_ONCE(page->owner)]++;
	}
	smm_slab_meminfo(&inst->slab, &srecl, &sunrecl);
	/*
	 * si_mem_available(): free pages above the zones' reserves (the high
	 * watermarks; we have no lowmem_reserve), plus the reclaimable slab
	 * that can go without dipping below the low watermarks.  Anonymous
	 * memory does not count: it needs swap to go.  No page cache here.
	 */
	for (i = 0; i < SMM_NR_ZONES; i++) {
		reserve += inst->buddy.zones[i].wmark[SMM_WMARK_HIGH];
		wmark_low += inst->buddy.zones[i].wmark[SMM_WMARK_LOW];
	}
	avail = (long)free - (long)reserve;
	avail += srecl - min(srecl / 2, wmark_low);
	active = smm_lru_pages(&inst->vmscan, SMM_LRU_ACTIVE_ANON);
	inactive = smm_lru_pages(&inst->vmscan, SMM_LRU_INACTIVE_ANON);
	show_kb(m, "MemTotal:", total);
	show_kb(m, "MemFree:", free);
	show_kb(m, "MemAvailable:", max(avail, 0L));
	show_kb(m, "SwapCached:", smm_swap_cache_pages(&inst->swap));
	show_kb(m, "Active:", active);
	show_kb(m, "Inactive:", inactive);
	show_kb(m, "Active(anon):", active);
	show_kb(m, "Inactive(anon):", inactive);
	show_kb(m, "HighTotal:", hz->managed_pages);
	show_kb(m, "HighFree:", smm_zone_free_pages(hz));
	show_kb(m, "LowTotal:", total - hz->managed_pages);
	show_kb(m, "LowFree:", free - smm_zone_free_pages(hz));
	show_kb(m, "SwapTotal:", smm_swap_total_pages(&inst->swap));
	show_kb(m, "SwapFree:", smm_swap_free_pages(&inst->swap));
	show_kb(m, "Slab:", srecl + sunrecl);
	show_kb(m, "SReclaimable:", srecl);
	show_kb(m, "SUnreclaim:", sunrecl);
	show_kb(m, "ArenaTotal:", inst->arena.nr_pages);
	show_kb(m, "MemMap:", DIV_ROUND_UP(inst->memmap.bytes, SMM_PAGE_SIZE));
	for (i = 0; i < SMM_OWNER_NR; i++)
		show_kb(m, rows[i], owners[i]);
}
