// SPDX-License-Identifier: GPL-2.0
/*
 * shadow_mm instance: one complete shadow stack and its bring-up.
 *
 * DOC: instance
 *
 * An instance owns one stack of layers, each in its own struct, built from
 * the bottom up by smm_instance_create() in the order the kernel brings up
 * memory at boot, and torn down top-down by smm_instance_destroy().  The
 * module keeps a default instance; KUnit builds as many small ones as it
 * likes, and they never share state.
 */

#include <linux/err.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "instance.h"

/**
 * smm_params_check() - validate parameters without building anything
 * @p: the parameters
 *
 * Return: 0; -EINVAL with a rate-limited message naming the field.
 */
int smm_params_check(const struct smm_params *p)
{
	if (!p->name || !*p->name || strlen(p->name) >= SMM_NAME_LEN ||
	    strpbrk(p->name, "/ \t\n")) {
		smm_bad_input("name", "must be 1..%d characters, no '/' or spaces",
			      SMM_NAME_LEN - 1);
		return -EINVAL;
	}
	if (p->arena_mb < SMM_ARENA_MIN_MB || p->arena_mb > SMM_ARENA_MAX_MB) {
		smm_bad_input("arena_mb", "%d is outside [%u, %u]", (int)p->arena_mb,
			      SMM_ARENA_MIN_MB, SMM_ARENA_MAX_MB);
		return -EINVAL;
	}
	if (p->source >= SMM_ARENA_SOURCE_NR) {
		smm_bad_input("arena_source", "must be auto, contig or chunks");
		return -EINVAL;
	}
	if (p->chunk_order > MAX_PAGE_ORDER) {
		smm_bad_input("arena_chunk_order", "%u is above MAX_PAGE_ORDER (%d)",
			      p->chunk_order, MAX_PAGE_ORDER);
		return -EINVAL;
	}
	return 0;
}

/**
 * smm_instance_create() - build a shadow stack and run its bring-up
 * @p: the parameters; @p->e820_reserve is parsed, not kept
 *
 * Runs the stages in boot order: arena, e820, early allocator, mem_map.
 * Each stage records itself in the timeline.
 *
 * Return: the instance, or an ERR_PTR(): -EINVAL, -ERANGE or -E2BIG for
 * bad parameters, -ENOMEM when the host cannot spare the memory.  On
 * failure every page has gone back to the host.
 * Context: process context; sleeps.
 */
struct smm_instance *smm_instance_create(const struct smm_params *p)
{
	unsigned long nr_pages;
	struct smm_instance *inst;
	u64 usable;
	struct smm_arena *a;
	int ret;

	ret = smm_params_check(p);
	if (ret)
		return ERR_PTR(ret);

	inst = kzalloc(sizeof(*inst), GFP_KERNEL);
	if (!inst)
		return ERR_PTR(-ENOMEM);
	strscpy(inst->name, p->name, sizeof(inst->name));
	INIT_LIST_HEAD(&inst->node);
	smm_timeline_init(&inst->timeline);
	a = &inst->arena;

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
	smm_timeline_end(&inst->timeline, "%lu pages, source=%s, %u chunks, %u runs, %lu sections",
			 a->nr_pages, smm_arena_source_name(a->source), a->nr_chunks,
			 a->nr_runs, a->nr_sections);

	/* setup_memory_map(): the BIOS map, sanitized. */
	smm_timeline_begin(&inst->timeline, SMM_STAGE_E820);
	ret = smm_e820_build(&inst->e820, a, p->e820_reserve);
	if (ret)
		goto err_e820;
	usable = smm_e820_total(&inst->e820, SMM_E820_RAM);
	smm_timeline_end(&inst->timeline, "%u entries, %llu KiB usable, %llu KiB not usable",
			 inst->e820.nr_entries, usable >> 10,
			 (SMM_PFN_PHYS(a->nr_pages) - usable) >> 10);

	/* The early allocator over the usable ranges. */
	smm_timeline_begin(&inst->timeline, SMM_STAGE_EARLY);
	smm_early_init(&inst->early, &inst->e820);
	smm_timeline_end(&inst->timeline, "find_e820_area() over %llu KiB", usable >> 10);

	/* sparse_init(): the page descriptors, placed by the early allocator. */
	smm_timeline_begin(&inst->timeline, SMM_STAGE_MEMMAP);
	ret = smm_memmap_init(&inst->memmap, a, &inst->early);
	if (ret)
		goto err_memmap;
	smm_timeline_end(&inst->timeline,
			 "%lu descriptors, %lu bytes in %u early_res, %lu free pages",
			 inst->memmap.nr_pages, inst->memmap.bytes, inst->early.nr,
			 inst->memmap.owner_pages[SMM_OWNER_FREE]);
	return inst;

err_memmap:
err_e820:
	smm_arena_destroy(a);
err_arena:
	kfree(inst);
	return ERR_PTR(ret);
}

/**
 * smm_instance_destroy() - tear a stack down and give its memory back
 * @inst: the instance, or NULL or an ERR_PTR() (ignored)
 *
 * The caller has removed the instance's debugfs files.
 * Context: process context; sleeps.
 */
void smm_instance_destroy(struct smm_instance *inst)
{
	if (IS_ERR_OR_NULL(inst))
		return;
	smm_arena_destroy(&inst->arena);
	kfree(inst);
}
