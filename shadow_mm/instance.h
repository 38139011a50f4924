/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOW_MM_INSTANCE_H
#define _SHADOW_MM_INSTANCE_H

#include <linux/list.h>
#include <linux/types.h>

#include <linux/mutex.h>

#include "arena.h"
#include "bootmem.h"
#include "deferred.h"
#include "buddy.h"
#include "compaction.h"
#include "e820.h"
#include "highmem.h"
#include "early.h"
#include "memblock.h"
#include "memmap.h"
#include "pgtable.h"
#include "setup.h"
#include "slab.h"
#include "swap.h"
#include "timeline.h"
#include "vmalloc.h"
#include "vmscan.h"
#include "vmstat.h"

/* The shadow vmalloc space of an instance. */
#define SMM_VMALLOC_SIZE	BIT_ULL(30)

#define SMM_NAME_LEN	32

/**
 * struct smm_core - a kernelcore= or movablecore= value
 * @bytes: the size, when @percent is not set
 * @percent: the share of memory, 1..100, when the value ended in '%';
 *	0: @bytes
 *
 * Both zero: not given.
 */
struct smm_core {
	u64 bytes;
	unsigned int percent;
};

/**
 * struct smm_params - how to build an instance
 * @name: the instance's name, its debugfs directory
 * @arena_mb: arena size in MiB, [%SMM_ARENA_MIN_MB, %SMM_ARENA_MAX_MB]
 * @source: where the arena comes from
 * @chunk_order: order of the host chunks for %SMM_ARENA_CHUNKS
 * @e820_reserve: extra reservations, grammar of smm_e820_parse_reserve(),
 *	or NULL
 * @max_order: the buddy allocator's MAX_ORDER; 0 means
 *	%SMM_MAX_ORDER_DEFAULT
 * @zone_dma_mb: end of ZONE_DMA in MiB of shadow address; 0 scales it to
 *	the arena (see smm_instance_create())
 * @zone_normal_mb: end of ZONE_NORMAL (start of ZONE_HIGHMEM) in MiB; 0
 *	scales it to the arena
 * @slab: the slab strategy
 * @slab_debug: debug flags for some or all caches, in the syntax of the
 *	kernel's ``slub_debug=`` (see smm_slab_parse_debug()), or NULL: off
 * @swap_mb: size of the swap area in MiB, [0, %SMM_SWAP_MAX_MB]; 0: no swap
 * @era: whose bring-up: 2.6.29 (the default) or 6.12
 * @kernelcore: 6.12 only: memory kept out of ZONE_MOVABLE, as kernelcore=
 * @movablecore: 6.12 only: memory for ZONE_MOVABLE, as movablecore=
 */
struct smm_params {
	const char *name;
	unsigned int arena_mb;
	enum smm_arena_source source;
	unsigned int chunk_order;
	const char *e820_reserve;
	unsigned int max_order;
	unsigned int zone_dma_mb;
	unsigned int zone_normal_mb;
	enum smm_slab_strategy slab;
	const char *slab_debug;
	unsigned int swap_mb;
	enum smm_era era;
	struct smm_core kernelcore;
	struct smm_core movablecore;
};

/**
 * struct smm_instance - one complete shadow memory-management stack
 * @name: the instance's name
 * @slab_debug: its copy of &smm_params.slab_debug, for the slab layer
 * @broken: set by SMM_WARN_ON(); a broken instance refuses further work
 * @era: whose bring-up it replays
 * @memblock: the 6.12 boot allocator; kept after the bring-up for its
 *	debugfs files (empty in the 2.6.29 era)
 * @arena: the host pages
 * @e820: the synthetic BIOS map
 * @early: the early allocator
 * @memmap: the page descriptors
 * @setup: the kernel image, the early page tables and mem_init()'s banner
 * @bootmem: the boot-time bitmap allocator, closed after the handoff
 * @buddy: the zones and their buddy allocators
 * @deferred: 6.12's deferred struct page init of the highest zone
 * @kpt: the shadow kernel page tables (init_mm's, in the kernel)
 * @slab: the slab allocator
 * @vm: the vmalloc allocator, over @kpt
 * @hm: kmap for the HighMem zone, windows in @kpt
 * @vmstat: event counters (/proc/vmstat's)
 * @swap: the swap area, host memory standing in for a disk
 * @vmscan: the LRU lists of user pages, reclaim and kswapd
 * @compact: compaction: one run at a time, and the last run's report
 * @walk_va: the address ``pagetables`` walks; set by writing to it
 * @ctl_file: the ``control`` file in @debugfs, removed first at teardown
 * @ctl_lock: serialises control commands; protects @ctl_allocs
 * @ctl_allocs: allocations made through the control file, by tag
 * @timeline: what each bring-up stage did and how long it took
 * @debugfs: the instance's debugfs directory, or NULL
 * @node: linkage in the module's list of instances
 *
 * Layers are stacked bottom-up in this order; each one points only at the
 * ones below it.
 */
struct smm_instance {
	char name[SMM_NAME_LEN];
	char slab_debug[SMM_SLAB_DEBUG_LEN];
	bool broken;
	enum smm_era era;
	struct smm_arena arena;
	struct smm_e820_table e820;
	struct smm_early early;
	struct smm_memblock memblock;
	struct smm_memmap memmap;
	struct smm_setup setup;
	struct smm_bootmem bootmem;
	struct smm_buddy buddy;
	struct smm_deferred deferred;
	struct smm_pgtable kpt;
	struct smm_slab slab;
	struct smm_vmalloc vm;
	struct smm_highmem hm;
	struct smm_vmstat vmstat;
	struct smm_swap swap;
	struct smm_vmscan vmscan;
	struct smm_compact compact;
	u64 walk_va;
	struct dentry *ctl_file;
	struct mutex ctl_lock;	/* protects ctl_allocs */
	struct list_head ctl_allocs;
	struct smm_timeline timeline;
	struct dentry *debugfs;
	struct list_head node;
};

struct smm_instance *smm_instance_create(const struct smm_params *p);
void smm_instance_destroy(struct smm_instance *inst);
int smm_params_check(const struct smm_params *p);
int smm_parse_era(const char *field, const char *s, enum smm_era *era);
int smm_parse_core(const char *field, const char *s, struct smm_core *core);
const char *smm_era_name(enum smm_era era);
bool smm_instance_name_valid(const char *name);
void smm_meminfo_show(struct seq_file *m, struct smm_instance *inst);

#endif /* _SHADOW_MM_INSTANCE_H */
