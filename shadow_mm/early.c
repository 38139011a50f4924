// SPDX-License-Identifier: GPL-2.0
/*
 * shadow_mm early allocator: find_e820_area() and reserve_early().
 */

/**
 * DOC: early allocator
 *
 * Before bootmem exists, x86 kernels of the 2.6.2x-2.6.3x era placed their
 * first data structures with two functions.  find_e820_area(start, end,
 * size, align) is a linear, first-fit search of the usable e820 ranges that
 * steps over everything already reserved; reserve_early(start, end, name)
 * records a labelled reservation in the early_res table.  memblock later
 * replaced both, with the same idea.
 *
 * Ours are the same: smm_find_e820_area() walks the usable entries from low
 * addresses up, rounds each candidate up to the alignment, and whenever the
 * candidate overlaps a reservation it jumps past that reservation and tries
 * again.  smm_reserve_early() refuses a range that overlaps an existing
 * reservation and merges one that touches a neighbour with the same label.
 * The next stages place their metadata with these two: the mem_map first,
 * later the bootmem bitmap and the first page-table pages.
 */

#include <linux/kernel.h>
#include <linux/math.h>
#include <linux/string.h>

#include "early.h"

/**
 * smm_early_init() - start an empty reservation table
 * @e: the early allocator
 * @e820: the sanitized map it allocates from; it must outlive @e
 */
void smm_early_init(struct smm_early *e, const struct smm_e820_table *e820)
{
	memset(e, 0, sizeof(*e));
	e->e820 = e820;
}

/* The first reservation that overlaps [@start, @end), or NULL. */
static const struct smm_early_res *find_overlap(const struct smm_early *e,
						u64 start, u64 end)
{
	unsigned int i;

	for (i = 0; i < e->nr; i++)
		if (e->res[i].start < end && start < e->res[i].end)
			return &e->res[i];
	return NULL;
}

/**
 * smm_find_e820_area() - find free usable space (find_e820_area())
 * @e: the early allocator
 * @start: lowest acceptable address
 * @end: the area must end at or below this address
 * @size: bytes wanted
 * @align: alignment of the area, a power of two (0 means 1)
 *
 * First fit in address order: within [@start, @end), inside one usable
 * e820 entry, and overlapping no reservation.  Finding does not reserve;
 * see smm_early_alloc().
 *
 * Return: the start of the area, or %SMM_EARLY_NOT_FOUND.
 * Context: any.
 */
u64 smm_find_e820_area(const struct smm_early *e, u64 start, u64 end,
		       u64 size, u64 align)
{
	u32 i;

	if (!align)
		align = 1;
	if (!size || !is_power_of_2(align))
		return SMM_EARLY_NOT_FOUND;

	for (i = 0; i < e->e820->nr_entries; i++) {
		const struct smm_e820_entry *ei = &e->e820->entries[i];
		u64 lim = min(ei->addr + ei->size, end);
		u64 addr;

		if (ei->type != SMM_E820_RAM)
			continue;
		addr = round_up(max(ei->addr, start), align);
		while (addr >= start && addr + size > addr && addr + size <= lim) {
			const struct smm_early_res *r = find_overlap(e, addr, addr + size);

			u64 next;

			if (!r)
				return addr;
			next = round_up(r->end, align);
			if (next <= addr)	/* wrapped around the top */
				break;
			addr = next;
		}
	}
	return SMM_EARLY_NOT_FOUND;
}

/**
 * smm_reserve_early() - record a labelled reservation (reserve_early())
 * @e: the early allocator
 * @start: first byte
 * @end: first byte past [@start, @end)
 * @name: label, truncated to %SMM_EARLY_NAME_LEN - 1 characters
 *
 * A range that touches a reservation with the same label is merged into it.
 *
 * Return: 0; -EINVAL for an empty range or label; -EBUSY if the range
 * overlaps a reservation; -ENOSPC if the table is full.  On error the table
 * is unchanged.
 * Context: any.
 */
int smm_reserve_early(struct smm_early *e, u64 start, u64 end, const char *name)
{
	struct smm_early_res *prev = NULL, *next = NULL;
	unsigned int i, pos;

	if (start >= end || !name || !*name)
		return -EINVAL;
	if (find_overlap(e, start, end))
		return -EBUSY;

	/* The table is sorted; find the insertion point and the neighbours. */
	for (pos = 0; pos < e->nr && e->res[pos].start < start; pos++)
		;
	if (pos > 0 && e->res[pos - 1].end == start &&
	    !strncmp(e->res[pos - 1].name, name, SMM_EARLY_NAME_LEN - 1))
		prev = &e->res[pos - 1];
	if (pos < e->nr && e->res[pos].start == end &&
	    !strncmp(e->res[pos].name, name, SMM_EARLY_NAME_LEN - 1))
		next = &e->res[pos];

	if (prev && next) {
		prev->end = next->end;
		for (i = pos; i + 1 < e->nr; i++)
			e->res[i] = e->res[i + 1];
		e->nr--;
		return 0;
	}
	if (prev) {
		prev->end = end;
		return 0;
	}
	if (next) {
		next->start = start;
		return 0;
	}
	if (e->nr == SMM_EARLY_MAX_RES)
		return -ENOSPC;
	for (i = e->nr; i > pos; i--)
		e->res[i] = e->res[i - 1];
	e->res[pos].start = start;
	e->res[pos].end = end;
	strscpy(e->res[pos].name, name, sizeof(e->res[pos].name));
	e->nr++;
	return 0;
}

/**
 * smm_free_early() - drop a reservation (free_early())
 * @e: the early allocator
 * @start: its first byte
 * @end: first byte past it
 *
 * Only an exact match is dropped, as in the kernel's free_early().
 *
 * Return: 0, or -ENOENT if no reservation is exactly [@start, @end).
 * Context: any.
 */
int smm_free_early(struct smm_early *e, u64 start, u64 end)
{
	unsigned int i;

	for (i = 0; i < e->nr; i++) {
		if (e->res[i].start != start || e->res[i].end != end)
			continue;
		for (; i + 1 < e->nr; i++)
			e->res[i] = e->res[i + 1];
		e->nr--;
		return 0;
	}
	return -ENOENT;
}

/**
 * smm_early_alloc() - find an area and reserve it
 * @e: the early allocator
 * @start: lowest acceptable address
 * @end: the area must end at or below this address
 * @size: bytes wanted
 * @align: alignment, a power of two
 * @name: the reservation's label
 *
 * Return: the start of the reserved area, or %SMM_EARLY_NOT_FOUND.
 * Context: any.
 */
u64 smm_early_alloc(struct smm_early *e, u64 start, u64 end, u64 size,
		    u64 align, const char *name)
{
	u64 addr = smm_find_e820_area(e, start, end, size, align);

	if (addr == SMM_EARLY_NOT_FOUND)
		return addr;
	if (smm_reserve_early(e, addr, addr + size, name))
		return SMM_EARLY_NOT_FOUND;
	return addr;
}

/**
 * smm_early_total() - bytes reserved
 * @e: the early allocator
 *
 * Return: the sum of the reservations' sizes.
 */
u64 smm_early_total(const struct smm_early *e)
{
	u64 sum = 0;
	unsigned int i;

	for (i = 0; i < e->nr; i++)
		sum += e->res[i].end - e->res[i].start;
	return sum;
}

/**
 * smm_early_show() - print the reservation table
 * @m: the seq_file
 * @e: the early allocator
 *
 * One line per reservation, in the format of the old kernel's early_res
 * boot messages: ``[mem 0x...-0x...] LABEL``, inclusive end, then its size.
 */
void smm_early_show(struct seq_file *m, const struct smm_early *e)
{
	unsigned int i;

	for (i = 0; i < e->nr; i++) {
		const struct smm_early_res *r = &e->res[i];

		seq_printf(m, "%2u: [mem %#018Lx-%#018Lx] %-15s %8llu KiB\n", i,
			   r->start, r->end - 1, r->name,
			   (r->end - r->start) >> 10);
	}
	seq_printf(m, "total: %u reservations, %llu bytes\n", e->nr,
		   smm_early_total(e));
}
