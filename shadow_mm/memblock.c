// SPDX-License-Identifier: GPL-2.0
/*
 * memblock: the boot-time allocator of the modern kernel (x86 since
 * 2.6.37, the only one since bootmem went in 4.20), modelled on 6.12's
 * mm/memblock.c.
 *
 * Two region arrays, memory and reserved, are kept sorted, disjoint and
 * merged.  Adding a range inserts only the parts no region covers yet
 * (memblock_add_range()); removing one first splits the regions at its
 * ends (memblock_isolate_range()).  The allocator walks memory minus
 * reserved, from the top by default as on x86 or from the bottom after
 * smm_memblock_set_bottom_up(), and reserves what it finds.
 *
 * Where this differs from the kernel, on purpose:
 * - the arrays never grow: SMM_MEMBLOCK_REGIONS slots each, as the static
 *   arrays before memblock_double_array() may run; past them -ENOMEM, with
 *   the arrays as they were;
 * - a size of 0, an alignment that is not a power of two, an invalid node
 *   or unknown flags are refused with -EINVAL (the allocators return 0)
 *   and a rate-limited message, where the kernel would do nothing or worse;
 * - adding over a region with other flags or another node does not warn
 *   (the kernel WARNs): the existing region keeps its attributes and only
 *   the uncovered parts get the new ones, which is what the kernel does
 *   after its warning.
 *
 * Lock order: none; see memblock.h.
 */

#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/seq_file.h>
#include <linux/string.h>

#include "common.h"
#include "memblock.h"

#define SMM_MEMBLOCK_KNOWN_FLAGS	(SMM_MEMBLOCK_HOTPLUG | SMM_MEMBLOCK_MIRROR |	\
					 SMM_MEMBLOCK_NOMAP |				\
					 SMM_MEMBLOCK_DRIVER_MANAGED |			\
					 SMM_MEMBLOCK_RSRV_NOINIT)

/* The names memblock_debug_show() prints, indexed by bit number. */
static const char * const smm_memblock_flagname[] = {
	[ilog2(SMM_MEMBLOCK_HOTPLUG)] = "HOTPLUG",
	[ilog2(SMM_MEMBLOCK_MIRROR)] = "MIRROR",
	[ilog2(SMM_MEMBLOCK_NOMAP)] = "NOMAP",
	[ilog2(SMM_MEMBLOCK_DRIVER_MANAGED)] = "DRV_MNG",
	[ilog2(SMM_MEMBLOCK_RSRV_NOINIT)] = "RSV_NIT",
};

/* The function names memblock=debug prints, one per operation. */
static const char * const smm_memblock_opname[] = {
	[SMM_MEMBLOCK_OP_ADD] = "memblock_add",
	[SMM_MEMBLOCK_OP_REMOVE] = "memblock_remove",
	[SMM_MEMBLOCK_OP_RESERVE] = "memblock_reserve",
	[SMM_MEMBLOCK_OP_FREE] = "memblock_phys_free",
};

static bool smm_memblock_valid_node(int nid)
{
	return nid >= 0 && nid < SMM_MEMBLOCK_MAX_NODES;
}

static u64 smm_memblock_region_end(const struct smm_memblock_region *r)
{
	return r->base + r->size;
}

/* As memblock_cap_size(): keep base + size from wrapping. */
static u64 smm_memblock_cap_size(u64 base, u64 *size)
{
	*size = min(*size, SMM_MEMBLOCK_ADDR_MAX - base);
	return *size;
}

static void smm_memblock_type_init(struct smm_memblock_type *type, const char *name)
{
	memset(type, 0, sizeof(*type));
	type->name = name;
}

/**
 * smm_memblock_init() - empty allocator, top-down, no limit
 * @mb: the allocator
 *
 * As the static initialiser of struct memblock in mm/memblock.c: both
 * arrays empty, bottom_up false, current_limit MEMBLOCK_ALLOC_ANYWHERE.
 */
void smm_memblock_init(struct smm_memblock *mb)
{
	smm_memblock_type_init(&mb->memory, "memory");
	smm_memblock_type_init(&mb->reserved, "reserved");
	mb->bottom_up = false;
	mb->movable_node = false;
	mb->current_limit = SMM_MEMBLOCK_ALLOC_ANYWHERE;
	mb->log = NULL;
	mb->log_data = NULL;
}

/**
 * smm_memblock_set_log() - report every operation, as memblock=debug
 * @mb: the allocator
 * @log: called after the arguments are checked and before the operation,
 *	as memblock_dbg() is; NULL to stop
 * @data: passed to @log
 */
void smm_memblock_set_log(struct smm_memblock *mb,
			  void (*log)(void *data, enum smm_memblock_op op, u64 base,
				      u64 size, const char *caller),
			  void *data)
{
	mb->log = log;
	mb->log_data = data;
}

/**
 * smm_memblock_set_bottom_up() - choose the search direction
 * @mb: the allocator
 * @enable: true to allocate from low addresses up, as memblock_set_bottom_up()
 */
void smm_memblock_set_bottom_up(struct smm_memblock *mb, bool enable)
{
	mb->bottom_up = enable;
}

/**
 * smm_memblock_set_current_limit() - cap "accessible" allocations
 * @mb: the allocator
 * @limit: first address an allocation with end SMM_MEMBLOCK_ALLOC_ACCESSIBLE
 *	may not reach, as memblock_set_current_limit()
 */
void smm_memblock_set_current_limit(struct smm_memblock *mb, u64 limit)
{
	mb->current_limit = limit;
}

static void smm_memblock_log(struct smm_memblock *mb, enum smm_memblock_op op,
			     u64 base, u64 size, const char *caller)
{
	if (mb->log)
		mb->log(mb->log_data, op, base, size, caller ? caller : "?");
}

/* Open slot @idx and fill it; the caller has checked the capacity. */
static void smm_memblock_insert_region(struct smm_memblock_type *type, unsigned int idx,
				       u64 base, u64 size, int nid, u32 flags)
{
	struct smm_memblock_region *r = &type->regions[idx];

	memmove(r + 1, r, (type->cnt - idx) * sizeof(*r));
	r->base = base;
	r->size = size;
	r->flags = flags;
	r->nid = nid;
	type->cnt++;
	type->total_size += size;
}

static void smm_memblock_remove_region(struct smm_memblock_type *type, unsigned int idx)
{
	struct smm_memblock_region *r = &type->regions[idx];

	type->total_size -= r->size;
	memmove(r, r + 1, (type->cnt - idx - 1) * sizeof(*r));
	type->cnt--;
	memset(&type->regions[type->cnt], 0, sizeof(*r));
}

/*
 * As memblock_merge_regions(): merge touching neighbours with the same
 * flags and node among regions @start_rgn - 1 .. @end_rgn, the only ones
 * the caller changed.
 */
static void smm_memblock_merge_regions(struct smm_memblock_type *type,
				       unsigned int start_rgn, unsigned int end_rgn)
{
	unsigned int i = start_rgn ? start_rgn - 1 : 0;

	if (!type->cnt)
		return;
	end_rgn = min(end_rgn, type->cnt - 1);
	while (i < end_rgn) {
		struct smm_memblock_region *this = &type->regions[i];
		struct smm_memblock_region *next = this + 1;

		if (smm_memblock_region_end(this) != next->base ||
		    this->nid != next->nid || this->flags != next->flags) {
			i++;
			continue;
		}
		this->size += next->size;
		memmove(next, next + 1, (type->cnt - (i + 2)) * sizeof(*next));
		type->cnt--;
		memset(&type->regions[type->cnt], 0, sizeof(*next));
		end_rgn--;
	}
}

/*
 * As memblock_add_range(): insert the parts of [base, base + size) that no
 * region covers, with @nid and @flags, then merge.  A first pass counts the
 * new regions so that running out of slots changes nothing.
 */
static int smm_memblock_add_range(struct smm_memblock_type *type, u64 base, u64 size,
				  int nid, u32 flags)
{
	u64 end = base + smm_memblock_cap_size(base, &size);
	unsigned int idx, nr_new, start_rgn = 0, end_rgn = 0;
	bool insert = false;
	u64 obase = base;

	if (!size)
		return 0;

repeat:
	base = obase;
	nr_new = 0;
	for (idx = 0; idx < type->cnt; idx++) {
		const struct smm_memblock_region *r = &type->regions[idx];
		u64 rbase = r->base, rend = smm_memblock_region_end(r);

		if (rbase >= end)
			break;
		if (rend <= base)
			continue;
		/* @r overlaps: the part of the new range below it is uncovered. */
		if (rbase > base) {
			nr_new++;
			if (insert) {
				if (!end_rgn)
					start_rgn = idx;
				end_rgn = idx + 1;
				smm_memblock_insert_region(type, idx++, base, rbase - base,
							   nid, flags);
			}
		}
		base = min(rend, end);
	}
	if (base < end) {
		nr_new++;
		if (insert) {
			if (!end_rgn)
				start_rgn = idx;
			end_rgn = idx + 1;
			smm_memblock_insert_region(type, idx, base, end - base, nid, flags);
		}
	}

	if (!nr_new)
		return 0;
	if (!insert) {
		if (type->cnt + nr_new > SMM_MEMBLOCK_REGIONS)
			return -ENOMEM;
		insert = true;
		goto repeat;
	}
	smm_memblock_merge_regions(type, start_rgn, end_rgn);
	return 0;
}

/*
 * As memblock_isolate_range(): split the regions at @base and @base + @size
 * so that the range is covered by whole regions, [*start_rgn, *end_rgn).
 * Like the kernel, asks for two free slots first even if no split is
 * needed, so a full array refuses with -ENOMEM before changing anything.
 */
static int smm_memblock_isolate_range(struct smm_memblock_type *type, u64 base, u64 size,
				      unsigned int *start_rgn, unsigned int *end_rgn)
{
	u64 end = base + smm_memblock_cap_size(base, &size);
	unsigned int idx;

	*start_rgn = 0;
	*end_rgn = 0;
	if (!size)
		return 0;
	if (type->cnt + 2 > SMM_MEMBLOCK_REGIONS)
		return -ENOMEM;

	for (idx = 0; idx < type->cnt; idx++) {
		struct smm_memblock_region *r = &type->regions[idx];
		u64 rbase = r->base, rend = smm_memblock_region_end(r);

		if (rbase >= end)
			break;
		if (rend <= base)
			continue;
		if (rbase < base) {
			/* Sticks out below: split off the lower part, go on with the upper. */
			r->base = base;
			r->size -= base - rbase;
			type->total_size -= base - rbase;
			smm_memblock_insert_region(type, idx, rbase, base - rbase, r->nid,
						   r->flags);
		} else if (rend > end) {
			/* Sticks out above: split off the lower part and look at it again. */
			r->base = end;
			r->size -= end - rbase;
			type->total_size -= end - rbase;
			smm_memblock_insert_region(type, idx, rbase, end - rbase, r->nid,
						   r->flags);
			idx--;
		} else {
			if (!*end_rgn)
				*start_rgn = idx;
			*end_rgn = idx + 1;
		}
	}
	return 0;
}

/* As memblock_remove_range(). */
static int smm_memblock_remove_range(struct smm_memblock_type *type, u64 base, u64 size)
{
	unsigned int start_rgn, end_rgn;
	int ret, i;

	ret = smm_memblock_isolate_range(type, base, size, &start_rgn, &end_rgn);
	if (ret)
		return ret;
	for (i = (int)end_rgn - 1; i >= (int)start_rgn; i--)
		smm_memblock_remove_region(type, i);
	return 0;
}

static int smm_memblock_check_range(const char *field, u64 size)
{
	if (!size) {
		smm_bad_input(field, "size 0");
		return -EINVAL;
	}
	return 0;
}

/**
 * smm_memblock_add_node() - add memory with a node and flags
 * @mb: the allocator
 * @base: first byte
 * @size: length; a range past the top of the address space is capped
 * @nid: node id, or SMM_MEMBLOCK_NO_NODE
 * @flags: enum smm_memblock_flags
 * @caller: who asks, for the log
 *
 * As memblock_add_node().  Parts already present keep their node and flags.
 *
 * Return: 0, -EINVAL for a size of 0, an invalid node or unknown flags,
 * -ENOMEM when the array is full (nothing changed).
 */
int smm_memblock_add_node(struct smm_memblock *mb, u64 base, u64 size, int nid,
			  u32 flags, const char *caller)
{
	int ret = smm_memblock_check_range("memblock_add: size", size);

	if (ret)
		return ret;
	if (!smm_memblock_valid_node(nid) && nid != SMM_MEMBLOCK_NO_NODE) {
		smm_bad_input("memblock_add: nid", "%d is not a node", nid);
		return -EINVAL;
	}
	if (flags & ~SMM_MEMBLOCK_KNOWN_FLAGS) {
		smm_bad_input("memblock_add: flags", "unknown bits 0x%x", flags);
		return -EINVAL;
	}
	smm_memblock_log(mb, SMM_MEMBLOCK_OP_ADD, base, size, caller);
	return smm_memblock_add_range(&mb->memory, base, size, nid, flags);
}

/**
 * smm_memblock_add() - add memory, as memblock_add()
 * @mb: the allocator
 * @base: first byte
 * @size: length, capped at the top of the address space
 * @caller: who asks, for the log
 *
 * Return: 0, -EINVAL for a size of 0, -ENOMEM when the array is full.
 */
int smm_memblock_add(struct smm_memblock *mb, u64 base, u64 size, const char *caller)
{
	return smm_memblock_add_node(mb, base, size, SMM_MEMBLOCK_NO_NODE,
				     SMM_MEMBLOCK_NONE, caller);
}

/**
 * smm_memblock_remove() - take memory away, as memblock_remove()
 * @mb: the allocator
 * @base: first byte
 * @size: length, capped at the top of the address space
 * @caller: who asks, for the log
 *
 * Regions are split at the ends of the range.  Reservations are not touched.
 *
 * Return: 0, -EINVAL for a size of 0, -ENOMEM when fewer than two slots are
 * free (as the kernel, even if no split is needed; nothing changed).
 */
int smm_memblock_remove(struct smm_memblock *mb, u64 base, u64 size, const char *caller)
{
	int ret = smm_memblock_check_range("memblock_remove: size", size);

	if (ret)
		return ret;
	smm_memblock_log(mb, SMM_MEMBLOCK_OP_REMOVE, base, size, caller);
	return smm_memblock_remove_range(&mb->memory, base, size);
}

/**
 * smm_memblock_reserve() - mark a range in use, as memblock_reserve()
 * @mb: the allocator
 * @base: first byte
 * @size: length, capped at the top of the address space
 * @caller: who asks, for the log (the %pS of memblock=debug)
 *
 * The range need not be in memory; overlapping reservations merge.
 *
 * Return: 0, -EINVAL for a size of 0, -ENOMEM when the array is full.
 */
int smm_memblock_reserve(struct smm_memblock *mb, u64 base, u64 size, const char *caller)
{
	int ret = smm_memblock_check_range("memblock_reserve: size", size);

	if (ret)
		return ret;
	smm_memblock_log(mb, SMM_MEMBLOCK_OP_RESERVE, base, size, caller);
	return smm_memblock_add_range(&mb->reserved, base, size, SMM_MEMBLOCK_NO_NODE,
				      SMM_MEMBLOCK_NONE);
}

/**
 * smm_memblock_free() - give a reservation back, as memblock_phys_free()
 * @mb: the allocator
 * @base: first byte
 * @size: length, capped at the top of the address space
 * @caller: who asks, for the log
 *
 * Any part of the range may be reserved or not; the reserved parts are
 * removed from the reserved array.
 *
 * Return: 0, -EINVAL for a size of 0, -ENOMEM as smm_memblock_remove().
 */
int smm_memblock_free(struct smm_memblock *mb, u64 base, u64 size, const char *caller)
{
	int ret = smm_memblock_check_range("memblock_phys_free: size", size);

	if (ret)
		return ret;
	smm_memblock_log(mb, SMM_MEMBLOCK_OP_FREE, base, size, caller);
	return smm_memblock_remove_range(&mb->reserved, base, size);
}

/**
 * smm_memblock_mark() - set or clear flags on memory
 * @mb: the allocator
 * @base: first byte
 * @size: length, capped at the top of the address space
 * @flags: the flags to change
 * @set: true to set them, false to clear them
 *
 * As memblock_setclr_flag() behind memblock_mark_hotplug(),
 * memblock_mark_mirror(), memblock_mark_nomap() and their clear_ twins:
 * the regions are split at the ends of the range, changed, and merged.
 *
 * Return: 0, -EINVAL for a size of 0 or unknown flags, -ENOMEM as
 * smm_memblock_remove().
 */
int smm_memblock_mark(struct smm_memblock *mb, u64 base, u64 size, u32 flags, bool set)
{
	struct smm_memblock_type *type = &mb->memory;
	unsigned int start_rgn, end_rgn, i;
	int ret = smm_memblock_check_range("memblock_mark: size", size);

	if (ret)
		return ret;
	if (flags & ~SMM_MEMBLOCK_KNOWN_FLAGS) {
		smm_bad_input("memblock_mark: flags", "unknown bits 0x%x", flags);
		return -EINVAL;
	}
	ret = smm_memblock_isolate_range(type, base, size, &start_rgn, &end_rgn);
	if (ret)
		return ret;
	for (i = start_rgn; i < end_rgn; i++) {
		if (set)
			type->regions[i].flags |= flags;
		else
			type->regions[i].flags &= ~flags;
	}
	smm_memblock_merge_regions(type, start_rgn, end_rgn);
	return 0;
}

/**
 * smm_memblock_set_node() - give memory a node, as memblock_set_node()
 * @mb: the allocator
 * @base: first byte
 * @size: length, capped at the top of the address space
 * @nid: node id, or SMM_MEMBLOCK_NO_NODE
 *
 * Return: 0, -EINVAL for a size of 0 or an invalid node, -ENOMEM as
 * smm_memblock_remove().
 */
int smm_memblock_set_node(struct smm_memblock *mb, u64 base, u64 size, int nid)
{
	struct smm_memblock_type *type = &mb->memory;
	unsigned int start_rgn, end_rgn, i;
	int ret = smm_memblock_check_range("memblock_set_node: size", size);

	if (ret)
		return ret;
	if (!smm_memblock_valid_node(nid) && nid != SMM_MEMBLOCK_NO_NODE) {
		smm_bad_input("memblock_set_node: nid", "%d is not a node", nid);
		return -EINVAL;
	}
	ret = smm_memblock_isolate_range(type, base, size, &start_rgn, &end_rgn);
	if (ret)
		return ret;
	for (i = start_rgn; i < end_rgn; i++)
		type->regions[i].nid = nid;
	smm_memblock_merge_regions(type, start_rgn, end_rgn);
	return 0;
}

/* As should_skip_region() for the memory array. */
static bool smm_memblock_skip_region(const struct smm_memblock *mb,
				     const struct smm_memblock_region *r, int nid, u32 flags)
{
	if (smm_memblock_valid_node(nid) && nid != r->nid)
		return true;
	if (mb->movable_node && (r->flags & SMM_MEMBLOCK_HOTPLUG) &&
	    !(flags & SMM_MEMBLOCK_HOTPLUG))
		return true;
	if ((flags & SMM_MEMBLOCK_MIRROR) && !(r->flags & SMM_MEMBLOCK_MIRROR))
		return true;
	if (!(flags & SMM_MEMBLOCK_NOMAP) && (r->flags & SMM_MEMBLOCK_NOMAP))
		return true;
	if (!(flags & SMM_MEMBLOCK_DRIVER_MANAGED) &&
	    (r->flags & SMM_MEMBLOCK_DRIVER_MANAGED))
		return true;
	return false;
}

/*
 * Try one free range [this_start, this_end) clamped to [start, end], as the
 * loop bodies of __memblock_find_range_top_down() and _bottom_up().
 */
static bool smm_memblock_try_range(bool bottom_up, u64 this_start, u64 this_end,
				   u64 start, u64 end, u64 size, u64 align, u64 *found)
{
	u64 cand;

	this_start = clamp(this_start, start, end);
	this_end = clamp(this_end, start, end);
	if (bottom_up) {
		if (this_start > SMM_MEMBLOCK_ADDR_MAX - (align - 1))
			return false;
		cand = round_up(this_start, align);
		if (cand < this_end && this_end - cand >= size) {
			*found = cand;
			return true;
		}
		return false;
	}
	if (this_end < size)
		return false;
	cand = round_down(this_end - size, align);
	if (cand >= this_start) {
		*found = cand;
		return true;
	}
	return false;
}

/*
 * The free ranges of one memory region, [rbase, rend) minus the reserved
 * regions, in ascending order or, top-down, descending; the first that
 * fits wins, as for_each_free_mem_range() and its _reverse twin.
 */
static bool smm_memblock_find_in_region(const struct smm_memblock *mb, u64 rbase, u64 rend,
					u64 start, u64 end, u64 size, u64 align, u64 *found)
{
	const struct smm_memblock_type *rsv = &mb->reserved;
	unsigned int i;

	if (mb->bottom_up) {
		u64 lo = rbase;

		for (i = 0; i < rsv->cnt; i++) {
			const struct smm_memblock_region *r = &rsv->regions[i];
			u64 r_end = smm_memblock_region_end(r);

			if (r_end <= rbase)
				continue;
			if (r->base >= rend)
				break;
			if (r->base > lo &&
			    smm_memblock_try_range(true, lo, r->base, start, end, size, align,
						   found))
				return true;
			lo = max(lo, r_end);
			if (lo >= rend)
				return false;
		}
		return smm_memblock_try_range(true, lo, rend, start, end, size, align, found);
	}

	{
		u64 hi = rend;

		for (i = rsv->cnt; i-- > 0;) {
			const struct smm_memblock_region *r = &rsv->regions[i];
			u64 r_end = smm_memblock_region_end(r);

			if (r->base >= rend)
				continue;
			if (r_end <= rbase)
				break;
			if (r_end < hi &&
			    smm_memblock_try_range(false, r_end, hi, start, end, size, align,
						   found))
				return true;
			hi = min(hi, r->base);
			if (hi <= rbase)
				return false;
		}
		return smm_memblock_try_range(false, rbase, hi, start, end, size, align, found);
	}
}

/* As memblock_find_in_range_node(); 0 when nothing fits. */
static u64 smm_memblock_find_in_range_node(const struct smm_memblock *mb, u64 size,
					   u64 align, u64 start, u64 end, int nid,
					   u32 flags)
{
	const struct smm_memblock_type *mem = &mb->memory;
	unsigned int i;
	u64 found;

	if (end == SMM_MEMBLOCK_ALLOC_ACCESSIBLE)
		end = mb->current_limit;
	/* Never hand out the first page, so that 0 can mean failure. */
	start = max_t(u64, start, PAGE_SIZE);
	end = max(start, end);

	for (i = 0; i < mem->cnt; i++) {
		unsigned int idx = mb->bottom_up ? i : mem->cnt - 1 - i;
		const struct smm_memblock_region *r = &mem->regions[idx];

		if (smm_memblock_skip_region(mb, r, nid, flags))
			continue;
		if (smm_memblock_find_in_region(mb, r->base, smm_memblock_region_end(r),
						start, end, size, align, &found))
			return found;
	}
	return 0;
}

/* As choose_memblock_flags(): prefer mirrored memory when there is some. */
static u32 smm_memblock_choose_flags(const struct smm_memblock *mb)
{
	unsigned int i;

	for (i = 0; i < mb->memory.cnt; i++)
		if (mb->memory.regions[i].flags & SMM_MEMBLOCK_MIRROR)
			return SMM_MEMBLOCK_MIRROR;
	return SMM_MEMBLOCK_NONE;
}

/**
 * smm_memblock_alloc_range_nid() - find and reserve a range
 * @mb: the allocator
 * @size: bytes wanted
 * @align: power of two; 0 means SMP_CACHE_BYTES, as the kernel (which
 *	also dumps the stack)
 * @start: lowest address of the range
 * @end: first address past it; SMM_MEMBLOCK_ALLOC_ACCESSIBLE (0) for the
 *	current limit, SMM_MEMBLOCK_ALLOC_ANYWHERE for no limit
 * @nid: preferred node, or SMM_MEMBLOCK_ANY_NODE
 * @exact_nid: do not fall back to other nodes
 *
 * As memblock_alloc_range_nid(): searches memory minus reserved, top-down
 * or bottom-up, never in the first page, in mirrored memory first when
 * some memory is mirrored; then reserves what it found (and logs it as
 * reserved by "memblock_alloc_range_nid").
 *
 * Return: the physical address, or 0 when nothing fits or an argument is
 * bad (size 0, @align not a power of two, invalid @nid).
 */
u64 smm_memblock_alloc_range_nid(struct smm_memblock *mb, u64 size, u64 align,
				 u64 start, u64 end, int nid, bool exact_nid)
{
	u32 flags = smm_memblock_choose_flags(mb);
	u64 found;

	if (!size) {
		smm_bad_input("memblock_alloc: size", "size 0");
		return 0;
	}
	if (!align) {
		smm_bad_input("memblock_alloc: align", "0, using SMP_CACHE_BYTES");
		align = SMP_CACHE_BYTES;
	}
	if (!is_power_of_2(align)) {
		smm_bad_input("memblock_alloc: align", "0x%llx is not a power of two", align);
		return 0;
	}
	if (!smm_memblock_valid_node(nid) && nid != SMM_MEMBLOCK_ANY_NODE &&
	    nid != SMM_MEMBLOCK_NO_NODE) {
		smm_bad_input("memblock_alloc: nid", "%d is not a node", nid);
		return 0;
	}

again:
	found = smm_memblock_find_in_range_node(mb, size, align, start, end, nid, flags);
	if (found && !smm_memblock_reserve(mb, found, size, "memblock_alloc_range_nid"))
		return found;
	if (smm_memblock_valid_node(nid) && !exact_nid) {
		found = smm_memblock_find_in_range_node(mb, size, align, start, end,
							SMM_MEMBLOCK_ANY_NODE, flags);
		if (found && !smm_memblock_reserve(mb, found, size, "memblock_alloc_range_nid"))
			return found;
	}
	if (flags & SMM_MEMBLOCK_MIRROR) {
		flags &= ~SMM_MEMBLOCK_MIRROR;
		pr_warn_ratelimited("shadow_mm: Could not allocate 0x%llx bytes of mirrored memory\n",
				    size);
		goto again;
	}
	return 0;
}

/**
 * smm_memblock_phys_alloc_range() - as memblock_phys_alloc_range()
 * @mb: the allocator
 * @size: bytes wanted
 * @align: power of two
 * @start: lowest address
 * @end: first address past the range, or SMM_MEMBLOCK_ALLOC_ACCESSIBLE
 *
 * Return: the physical address of the reserved range, or 0.
 */
u64 smm_memblock_phys_alloc_range(struct smm_memblock *mb, u64 size, u64 align,
				  u64 start, u64 end)
{
	return smm_memblock_alloc_range_nid(mb, size, align, start, end,
					    SMM_MEMBLOCK_ANY_NODE, false);
}

/**
 * smm_memblock_alloc_try_nid() - as memblock_alloc_try_nid(), physically
 * @mb: the allocator
 * @size: bytes wanted
 * @align: power of two
 * @min_addr: lowest address preferred
 * @max_addr: first address past the range, capped at the current limit
 * @nid: preferred node, or SMM_MEMBLOCK_ANY_NODE
 *
 * As memblock_alloc_internal(): when nothing fits above @min_addr, tries
 * again from 0.  The kernel returns the direct-map address and zeroes it;
 * the model returns the physical address and leaves the memory alone.
 *
 * Return: the physical address of the reserved range, or 0.
 */
u64 smm_memblock_alloc_try_nid(struct smm_memblock *mb, u64 size, u64 align,
			       u64 min_addr, u64 max_addr, int nid)
{
	u64 found;

	if (max_addr > mb->current_limit)
		max_addr = mb->current_limit;
	found = smm_memblock_alloc_range_nid(mb, size, align, min_addr, max_addr, nid, false);
	if (!found && min_addr)
		found = smm_memblock_alloc_range_nid(mb, size, align, 0, max_addr, nid, false);
	return found;
}

/**
 * smm_memblock_is_region_reserved() - as memblock_is_region_reserved()
 * @mb: the allocator
 * @base: first byte
 * @size: length
 *
 * Return: true if any byte of the range is reserved.
 */
bool smm_memblock_is_region_reserved(const struct smm_memblock *mb, u64 base, u64 size)
{
	u64 end = base + smm_memblock_cap_size(base, &size);
	unsigned int i;

	for (i = 0; i < mb->reserved.cnt; i++) {
		const struct smm_memblock_region *r = &mb->reserved.regions[i];

		if (r->base < end && base < smm_memblock_region_end(r))
			return true;
	}
	return false;
}

/**
 * smm_memblock_format_event() - the memblock=debug line of one operation
 * @buf: where to write
 * @len: its size
 * @op: the operation
 * @base: first byte as asked
 * @size: length as asked
 * @caller: who asked (printed where the kernel prints %pS)
 *
 * E.g. "memblock_reserve: [0x0000000000100000-0x00000000001fffff] setup_arch",
 * as memblock_reserve() prints with memblock=debug; the end is inclusive.
 *
 * Return: the length of the line, as snprintf().
 */
int smm_memblock_format_event(char *buf, size_t len, enum smm_memblock_op op,
			      u64 base, u64 size, const char *caller)
{
	const char *fn = (unsigned int)op < ARRAY_SIZE(smm_memblock_opname) ?
			 smm_memblock_opname[op] : "memblock_?";

	return snprintf(buf, len, "%s: [0x%016llx-0x%016llx] %s", fn, base,
			base + size - 1, caller ? caller : "?");
}

/**
 * smm_memblock_show() - one array in the debugfs memblock/ format
 * @m: the seq_file
 * @type: &mb->memory or &mb->reserved
 *
 * As memblock_debug_show() of 6.12, one line per region:
 * "%4d: %pa..%pa %4d FLAGS" with an inclusive end, the node (or "x" when
 * it is not a valid node) and the flag names joined by '|', or NONE.
 */
void smm_memblock_show(struct seq_file *m, const struct smm_memblock_type *type)
{
	unsigned int i, j;

	for (i = 0; i < type->cnt; i++) {
		const struct smm_memblock_region *r = &type->regions[i];
		u32 flags = r->flags;
		bool first = true;

		seq_printf(m, "%4u: 0x%016llx..0x%016llx ", i, r->base,
			   smm_memblock_region_end(r) - 1);
		if (smm_memblock_valid_node(r->nid))
			seq_printf(m, "%4d ", r->nid);
		else
			seq_printf(m, "%4c ", 'x');
		if (!flags) {
			seq_puts(m, "NONE\n");
			continue;
		}
		for (j = 0; flags; j++, flags >>= 1) {
			if (!(flags & 1))
				continue;
			if (!first)
				seq_putc(m, '|');
			seq_puts(m, j < ARRAY_SIZE(smm_memblock_flagname) ?
				 smm_memblock_flagname[j] : "UNKNOWN");
			first = false;
		}
		seq_putc(m, '\n');
	}
}
