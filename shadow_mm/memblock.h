/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A self-contained model of the modern kernel's boot-time allocator,
 * memblock (mm/memblock.c of 6.12): two sorted, merged region arrays,
 * "memory" and "reserved", and the allocator that searches the first
 * minus the second, top-down as on x86 or bottom-up.
 *
 * Lock order: none.  Like struct smm_early, a struct smm_memblock is used
 * only during bring-up by the thread building the instance and is
 * read-only afterwards; the caller serialises.
 */
#ifndef _SHADOW_MM_MEMBLOCK_H
#define _SHADOW_MM_MEMBLOCK_H

#include <linux/seq_file.h>
#include <linux/types.h>

/* As INIT_MEMBLOCK_REGIONS: the static arrays before memblock_double_array(). */
#define SMM_MEMBLOCK_REGIONS		128
/*
 * Node ids are 0 .. SMM_MEMBLOCK_MAX_NODES - 1.  SMM_MEMBLOCK_NO_NODE is what
 * memblock_add() and memblock_reserve() give a region in 6.12 (MAX_NUMNODES:
 * not a valid node, shown as "x"); SMM_MEMBLOCK_ANY_NODE is NUMA_NO_NODE,
 * "any node" for the allocator.
 */
#define SMM_MEMBLOCK_MAX_NODES		64
#define SMM_MEMBLOCK_NO_NODE		SMM_MEMBLOCK_MAX_NODES
#define SMM_MEMBLOCK_ANY_NODE		(-1)
/* As MEMBLOCK_ALLOC_ACCESSIBLE: an @end of 0 means the current limit. */
#define SMM_MEMBLOCK_ALLOC_ACCESSIBLE	0
/* As MEMBLOCK_ALLOC_ANYWHERE and PHYS_ADDR_MAX. */
#define SMM_MEMBLOCK_ALLOC_ANYWHERE	(~0ULL)
#define SMM_MEMBLOCK_ADDR_MAX		(~0ULL)

/**
 * enum smm_memblock_flags - region attributes, as enum memblock_flags
 * @SMM_MEMBLOCK_NONE: no special request
 * @SMM_MEMBLOCK_HOTPLUG: hot(un)pluggable memory
 * @SMM_MEMBLOCK_MIRROR: mirrored memory
 * @SMM_MEMBLOCK_NOMAP: not in the direct mapping, never allocated from
 * @SMM_MEMBLOCK_DRIVER_MANAGED: added by a driver, never allocated from
 * @SMM_MEMBLOCK_RSRV_NOINIT: reserved, struct pages left uninitialised
 */
enum smm_memblock_flags {
	SMM_MEMBLOCK_NONE		= 0x0,
	SMM_MEMBLOCK_HOTPLUG		= 0x1,
	SMM_MEMBLOCK_MIRROR		= 0x2,
	SMM_MEMBLOCK_NOMAP		= 0x4,
	SMM_MEMBLOCK_DRIVER_MANAGED	= 0x8,
	SMM_MEMBLOCK_RSRV_NOINIT	= 0x10,
};

/**
 * struct smm_memblock_region - one region, as struct memblock_region
 * @base: first byte
 * @size: length in bytes, never 0 in a used slot
 * @flags: enum smm_memblock_flags
 * @nid: node id, or SMM_MEMBLOCK_NO_NODE
 */
struct smm_memblock_region {
	u64 base;
	u64 size;
	u32 flags;
	int nid;
};

/**
 * struct smm_memblock_type - a region array, as struct memblock_type
 * @cnt: regions in use
 * @total_size: sum of their sizes
 * @name: "memory" or "reserved"
 * @regions: sorted by @base, disjoint, and no two touching regions with the
 *	same flags and node (those are merged)
 *
 * Unlike the kernel's, an empty array has @cnt 0 (the kernel keeps one
 * dummy zero-sized region).
 */
struct smm_memblock_type {
	unsigned int cnt;
	u64 total_size;
	const char *name;
	struct smm_memblock_region regions[SMM_MEMBLOCK_REGIONS];
};

/**
 * enum smm_memblock_op - what a log event reports
 * @SMM_MEMBLOCK_OP_ADD: memblock_add()
 * @SMM_MEMBLOCK_OP_REMOVE: memblock_remove()
 * @SMM_MEMBLOCK_OP_RESERVE: memblock_reserve()
 * @SMM_MEMBLOCK_OP_FREE: memblock_phys_free()
 */
enum smm_memblock_op {
	SMM_MEMBLOCK_OP_ADD,
	SMM_MEMBLOCK_OP_REMOVE,
	SMM_MEMBLOCK_OP_RESERVE,
	SMM_MEMBLOCK_OP_FREE,
};

/**
 * struct smm_memblock - the allocator, as struct memblock
 * @bottom_up: search from low addresses up (memblock_set_bottom_up())
 * @movable_node: skip HOTPLUG memory when allocating, as movable_node
 * @current_limit: highest address + 1 that an "accessible" request may use
 * @memory: the memory the machine has
 * @reserved: the parts of it in use
 * @log: called for each operation when not NULL, with @log_data, the
 *	operation, the range as asked (before capping) and who asked, e.g.
 *	"memblock_alloc_range_nid" or a bring-up step; smm_memblock_format_event()
 *	turns that into the memblock=debug line
 * @log_data: passed to @log
 */
struct smm_memblock {
	bool bottom_up;
	bool movable_node;
	u64 current_limit;
	struct smm_memblock_type memory;
	struct smm_memblock_type reserved;
	void (*log)(void *data, enum smm_memblock_op op, u64 base, u64 size,
		    const char *caller);
	void *log_data;
};

void smm_memblock_init(struct smm_memblock *mb);
void smm_memblock_set_log(struct smm_memblock *mb,
			  void (*log)(void *data, enum smm_memblock_op op, u64 base,
				      u64 size, const char *caller),
			  void *data);
void smm_memblock_set_bottom_up(struct smm_memblock *mb, bool enable);
void smm_memblock_set_current_limit(struct smm_memblock *mb, u64 limit);

int smm_memblock_add_node(struct smm_memblock *mb, u64 base, u64 size, int nid,
			  u32 flags, const char *caller);
int smm_memblock_add(struct smm_memblock *mb, u64 base, u64 size, const char *caller);
int smm_memblock_remove(struct smm_memblock *mb, u64 base, u64 size, const char *caller);
int smm_memblock_reserve(struct smm_memblock *mb, u64 base, u64 size, const char *caller);
int smm_memblock_free(struct smm_memblock *mb, u64 base, u64 size, const char *caller);
int smm_memblock_mark(struct smm_memblock *mb, u64 base, u64 size, u32 flags, bool set);
int smm_memblock_set_node(struct smm_memblock *mb, u64 base, u64 size, int nid);

u64 smm_memblock_alloc_range_nid(struct smm_memblock *mb, u64 size, u64 align,
				 u64 start, u64 end, int nid, bool exact_nid);
u64 smm_memblock_phys_alloc_range(struct smm_memblock *mb, u64 size, u64 align,
				  u64 start, u64 end);
u64 smm_memblock_alloc_try_nid(struct smm_memblock *mb, u64 size, u64 align,
			       u64 min_addr, u64 max_addr, int nid);

bool smm_memblock_is_region_reserved(const struct smm_memblock *mb, u64 base, u64 size);
int smm_memblock_format_event(char *buf, size_t len, enum smm_memblock_op op,
			      u64 base, u64 size, const char *caller);
void smm_memblock_show(struct seq_file *m, const struct smm_memblock_type *type);

#endif /* _SHADOW_MM_MEMBLOCK_H */
