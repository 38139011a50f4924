// SPDX-License-Identifier: GPL-2.0
/*
 * shadow_mm: Linux's boot-time memory bring-up, replayed in a module.
 *
 * DOC: overview
 *
 * At load time shadow_mm takes a region of real memory from the running
 * kernel (the arena) and, inside it, replays the boot-time bring-up of
 * memory management stage by stage on its own data structures: a synthetic
 * e820 map, the early allocator, and the page descriptors, with each later
 * stage built on the ones before.  Each stage records what it did in a
 * timeline, and everything is visible under
 * ``/sys/kernel/debug/shadow_mm/``.
 *
 * This file only reads the module parameters and wires up the default
 * instance; the bring-up itself is smm_instance_create().
 */

#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

#include "bench.h"
#include "debugfs.h"
#include "instance.h"

static int arena_mb = 64;
module_param(arena_mb, int, 0444);
MODULE_PARM_DESC(arena_mb, "Arena size in MiB, at least 4 (default 64)");

static char *arena_source = "auto";
module_param(arena_source, charp, 0444);
MODULE_PARM_DESC(arena_source,
		 "Where the arena comes from: auto (contig, then chunks), contig (alloc_contig_range on ZONE_MOVABLE), chunks (alloc_pages)");

static unsigned int arena_chunk_order = MAX_PAGE_ORDER;
module_param(arena_chunk_order, uint, 0444);
MODULE_PARM_DESC(arena_chunk_order,
		 "Order of the alloc_pages chunks, at most MAX_PAGE_ORDER (default); smaller orders give more holes");

static char *e820_reserve;
module_param(e820_reserve, charp, 0444);
MODULE_PARM_DESC(e820_reserve,
		 "Extra e820 ranges: SIZE@START[:reserved|acpi|nvs|unusable][,...], sizes with K/M/G");

static unsigned int max_order = SMM_MAX_ORDER_DEFAULT;
module_param(max_order, uint, 0444);
MODULE_PARM_DESC(max_order, "Buddy MAX_ORDER: orders run 0..max_order-1 (default 11, at most 14)");

static unsigned int zone_dma_mb;
module_param(zone_dma_mb, uint, 0444);
MODULE_PARM_DESC(zone_dma_mb, "End of ZONE_DMA in MiB (default: arena_mb/16, 1..16)");

static unsigned int zone_normal_mb;
module_param(zone_normal_mb, uint, 0444);
MODULE_PARM_DESC(zone_normal_mb, "End of ZONE_NORMAL, start of ZONE_HIGHMEM, in MiB (default: the top 1/8 is HighMem)");

static char *slab = "slub";
module_param(slab, charp, 0444);
MODULE_PARM_DESC(slab, "Slab strategy: slab, slub (default) or slob");

static struct dentry *smm_debugfs_root;
static struct smm_instance *smm_default;

static int __init shadow_mm_init(void)
{
	struct smm_params p = {
		.name = "default",
		.chunk_order = arena_chunk_order,
		.e820_reserve = e820_reserve,
		.max_order = max_order,
		.zone_dma_mb = zone_dma_mb,
		.zone_normal_mb = zone_normal_mb,
	};
	int ret;

	/* arena_mb is signed so that "arena_mb=-1" reaches our check. */
	if (arena_mb < (int)SMM_ARENA_MIN_MB || arena_mb > (int)SMM_ARENA_MAX_MB) {
		smm_bad_input("arena_mb", "%d is outside [%u, %u]", arena_mb,
			      SMM_ARENA_MIN_MB, SMM_ARENA_MAX_MB);
		return -EINVAL;
	}
	p.arena_mb = arena_mb;
	if (!max_order || max_order > SMM_MAX_ORDER_LIMIT) {
		smm_bad_input("max_order", "%u is outside [1, %d]", max_order,
			      SMM_MAX_ORDER_LIMIT);
		return -EINVAL;
	}
	if (smm_slab_parse_strategy(slab ? slab : "", &p.slab)) {
		smm_bad_input("slab", "'%s' is not slab, slub or slob", slab ? slab : "");
		return -EINVAL;
	}
	if (smm_arena_parse_source(arena_source ? arena_source : "", &p.source)) {
		smm_bad_input("arena_source", "'%s' is not auto, contig or chunks",
			      arena_source ? arena_source : "");
		return -EINVAL;
	}

	smm_default = smm_instance_create(&p);
	if (IS_ERR(smm_default)) {
		ret = PTR_ERR(smm_default);
		pr_err("shadow_mm: bring-up failed: %d\n", ret);
		return ret;
	}
	smm_timeline_log(&smm_default->timeline, smm_default->name);

	smm_debugfs_root = debugfs_create_dir("shadow_mm", NULL);
	smm_debugfs_add(smm_default, smm_debugfs_root);
	smm_bench_debugfs_init(smm_debugfs_root);
	return 0;
}

static void __exit shadow_mm_exit(void)
{
	unsigned long pages = smm_default->arena.nr_pages;

	smm_debugfs_remove(smm_default);
	debugfs_remove(smm_debugfs_root);
	smm_instance_destroy(smm_default);
	pr_info("shadow_mm: unloaded, %lu pages returned to the host\n", pages);
}

module_init(shadow_mm_init);
module_exit(shadow_mm_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("shadow_mm: replay Linux's boot-time memory bring-up on real memory");
MODULE_AUTHOR("shadow_mm developers");
