// SPDX-License-Identifier: GPL-2.0
/*
 * shadow_mm e820: the synthetic BIOS memory map.
 */

/**
 * DOC: e820
 *
 * On a PC the firmware describes memory with the e820 map: a list of
 * ``[addr, addr + size)`` ranges, each usable RAM or reserved in one of a few
 * ways.  setup_memory_map() prints it at boot as ``BIOS-e820: [mem ...]``
 * lines, and everything after it trusts only the usable ranges.
 *
 * Ours is built from the arena: one usable entry per run of host memory, so
 * the holes between runs are holes in the map.  Then come the landmarks of a
 * PC booted by SeaBIOS: page 0 reserved for the BIOS data area, an EBDA just
 * below 640 KiB, the legacy ISA window [0xa0000, 0xf0000) left out of the map
 * altogether, the BIOS ROM at [0xf0000, 1 MiB) reserved, and an ACPI data
 * region at the top of memory.  The ``e820_reserve=`` parameter adds more.
 *
 * The raw map may overlap itself, so it is sanitized as e820__update_table()
 * does (the old sanitize_e820_map()): every entry contributes a start and an
 * end *change point*, the points are sorted, and a sweep keeps the set of
 * entries covering the current address.  Where that set's highest type
 * changes, an output entry ends and another begins.  Overlaps therefore go
 * to the larger type number, which is any reserved kind over RAM; adjacent
 * ranges of the same type merge because the type does not change between
 * them; zero-sized entries vanish.
 */

#include <linux/ctype.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>

#include "e820.h"
#include "parse.h"

/**
 * smm_e820_type_name() - the boot log's name of an e820 type
 * @type: the type
 *
 * Return: the string e820_print_type() prints for it.
 */
const char *smm_e820_type_name(enum smm_e820_type type)
{
	switch (type) {
	case SMM_E820_RAM:	return "usable";
	case SMM_E820_RESERVED:	return "reserved";
	case SMM_E820_ACPI:	return "ACPI data";
	case SMM_E820_NVS:	return "ACPI NVS";
	case SMM_E820_UNUSABLE:	return "unusable";
	}
	return "type ?";
}

/**
 * smm_e820_add() - append a range to a map
 * @t: the map
 * @addr: start of the range
 * @size: its length; the range is [@addr, @addr + @size)
 * @type: its type
 *
 * Like e820__range_add(), this neither sorts nor merges: call
 * smm_e820_sanitize() when all ranges are in.
 *
 * Return: 0; -ERANGE if the range wraps around; -EINVAL for an unknown
 * type; -E2BIG if the map is full (it is left unchanged).
 * Context: any.
 */
int smm_e820_add(struct smm_e820_table *t, u64 addr, u64 size,
		 enum smm_e820_type type)
{
	if (addr + size < addr)
		return -ERANGE;
	if (type < SMM_E820_RAM || type > SMM_E820_UNUSABLE)
		return -EINVAL;
	if (t->nr_entries >= SMM_E820_MAX_ENTRIES)
		return -E2BIG;
	t->entries[t->nr_entries].addr = addr;
	t->entries[t->nr_entries].size = size;
	t->entries[t->nr_entries].type = type;
	t->nr_entries++;
	return 0;
}

/**
 * struct change_point - where an entry starts or ends
 * @addr: the address
 * @entry: the entry, in the input table
 * @start: true at the entry's start, false at its end
 */
struct change_point {
	u64 addr;
	const struct smm_e820_entry *entry;
	bool start;
};

/*
 * Sort by address; at one address, starts before ends, so that touching
 * entries of one type overlap for an instant and merge.
 */
static int cmp_point(const void *a, const void *b)
{
	const struct change_point *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return (int)y->start - (int)x->start;
}

/**
 * struct sanitize_buf - scratch space of smm_e820_sanitize()
 * @points: two change points per entry
 * @overlap: the entries that cover the sweep's current address
 * @out: the new map, copied over the old one only on success
 */
struct sanitize_buf {
	struct change_point points[2 * SMM_E820_MAX_ENTRIES];
	const struct smm_e820_entry *overlap[SMM_E820_MAX_ENTRIES];
	struct smm_e820_table out;
};

/**
 * smm_e820_sanitize() - sort a map, merge it and resolve its overlaps
 * @t: the map
 *
 * See the DOC section above for the change-point sweep.
 *
 * Return: 0; -ENOMEM; or -E2BIG if the result has more than
 * %SMM_E820_MAX_ENTRIES entries, in which case @t is left unchanged.
 * Context: process context; may sleep (allocates its scratch space).
 */
int smm_e820_sanitize(struct smm_e820_table *t)
{
	struct sanitize_buf *b;
	unsigned int i, nr_points = 0, nr_overlap = 0;
	enum smm_e820_type cur = 0;
	u64 cur_start = 0;
	int ret = 0;

	b = kzalloc(sizeof(*b), GFP_KERNEL);
	if (!b)
		return -ENOMEM;

	for (i = 0; i < t->nr_entries; i++) {
		const struct smm_e820_entry *e = &t->entries[i];

		if (!e->size)
			continue;
		b->points[nr_points++] = (struct change_point){ e->addr, e, true };
		b->points[nr_points++] = (struct change_point){ e->addr + e->size, e, false };
	}
	sort(b->points, nr_points, sizeof(b->points[0]), cmp_point, NULL);

	for (i = 0; i < nr_points; i++) {
		const struct change_point *p = &b->points[i];
		enum smm_e820_type type = 0;
		unsigned int j;

		if (p->start) {
			b->overlap[nr_overlap++] = p->entry;
		} else {
			for (j = 0; j < nr_overlap; j++)
				if (b->overlap[j] == p->entry)
					break;
			b->overlap[j] = b->overlap[--nr_overlap];
		}
		/* The winner at this point: the highest type covering it. */
		for (j = 0; j < nr_overlap; j++)
			type = max(type, b->overlap[j]->type);
		if (type == cur)
			continue;
		if (cur && p->addr > cur_start) {
			if (b->out.nr_entries == SMM_E820_MAX_ENTRIES) {
				ret = -E2BIG;
				goto out;
			}
			b->out.entries[b->out.nr_entries++] =
				(struct smm_e820_entry){ cur_start, p->addr - cur_start, cur };
		}
		cur = type;
		cur_start = p->addr;
	}
	memcpy(t, &b->out, sizeof(*t));
out:
	kfree(b);
	return ret;
}

/*
 * Add RAM for [@start, @end) without the legacy ISA window, which a PC's
 * firmware leaves out of the map: no entry covers it at all.
 */
static int add_ram(struct smm_e820_table *t, u64 start, u64 end)
{
	int ret = 0;

	if (start < SMM_E820_ISA_START)
		ret = smm_e820_add(t, start, min(end, SMM_E820_ISA_START) - start,
				   SMM_E820_RAM);
	if (!ret && end > SMM_E820_BIOS_START)
		ret = smm_e820_add(t, max(start, SMM_E820_BIOS_START),
				   end - max(start, SMM_E820_BIOS_START), SMM_E820_RAM);
	return ret;
}

static int parse_type(const char *s, enum smm_e820_type *type)
{
	static const struct {
		const char *name;
		enum smm_e820_type type;
	} names[] = {
		{ "reserved", SMM_E820_RESERVED },
		{ "acpi", SMM_E820_ACPI },
		{ "nvs", SMM_E820_NVS },
		{ "unusable", SMM_E820_UNUSABLE },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		if (!strcmp(s, names[i].name)) {
			*type = names[i].type;
			return 0;
		}
	}
	return -EINVAL;
}

/* Parse one "SIZE@START[:TYPE]" item into @t. */
static int parse_item(struct smm_e820_table *t, char *item)
{
	enum smm_e820_type type = SMM_E820_RESERVED;
	const char *end;
	u64 size, start;
	int ret;

	ret = smm_parse_size(item, &end, &size);
	if (ret)
		return ret;
	if (*end != '@')
		return -EINVAL;
	ret = smm_parse_size(end + 1, &end, &start);
	if (ret)
		return ret;
	if (*end == ':') {
		if (parse_type(end + 1, &type))
			return -EINVAL;
	} else if (*end) {
		return -EINVAL;
	}
	if (!size)
		return -EINVAL;
	return smm_e820_add(t, start, size, type);
}

/**
 * smm_e820_parse_reserve() - add the ranges of an ``e820_reserve=`` string
 * @t: the map
 * @s: ``SIZE@START[:TYPE][,SIZE@START[:TYPE]...]``, where SIZE and START
 *	are decimal or 0x hex with an optional K, M or G suffix
 *	(smm_parse_size()) and TYPE is one of reserved (the default), acpi,
 *	nvs and unusable; NULL or "" adds nothing
 *
 * All or nothing: on any error @t is left as it was.
 *
 * Return: 0; -EINVAL for malformed text or a zero size; -ERANGE for a range
 * that wraps around; -E2BIG if the map would overflow; -ENOMEM.
 * Context: process context; may sleep.
 */
int smm_e820_parse_reserve(struct smm_e820_table *t, const char *s)
{
	u32 saved = t->nr_entries;
	char *buf, *cur, *item;
	int ret = 0;

	if (!s || !*s)
		return 0;
	buf = kstrdup(s, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	cur = strim(buf);
	while ((item = strsep(&cur, ",")) != NULL) {
		ret = parse_item(t, item);
		if (ret) {
			smm_bad_input("e820_reserve", "'%s': %s", item,
				      ret == -ERANGE ? "range wraps around or is beyond 64 bits" :
				      ret == -E2BIG ? "too many entries" :
				      "expected SIZE@START[:reserved|acpi|nvs|unusable]");
			t->nr_entries = saved;
			break;
		}
	}
	kfree(buf);
	return ret;
}

/**
 * smm_e820_build() - build the map of an arena
 * @t: the map to fill
 * @a: the arena
 * @reserve: extra ranges, in the grammar of smm_e820_parse_reserve(), or NULL
 *
 * Return: 0 or a -errno of smm_e820_add(), smm_e820_parse_reserve() or
 * smm_e820_sanitize().
 * Context: process context; may sleep.
 */
int smm_e820_build(struct smm_e820_table *t, const struct smm_arena *a,
		   const char *reserve)
{
	const struct smm_run *top;
	unsigned int i;
	int ret;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < a->nr_runs; i++) {
		const struct smm_run *run = &a->runs[i];

		ret = add_ram(t, SMM_PFN_PHYS(run->pfn),
			      SMM_PFN_PHYS(run->pfn + run->nr_pages));
		if (ret)
			return ret;
	}

	/* Page 0 holds the real-mode IVT and BIOS data area. */
	ret = smm_e820_add(t, 0, SMM_PAGE_SIZE, SMM_E820_RESERVED);
	if (!ret)
		ret = smm_e820_add(t, SMM_E820_EBDA_START,
				   SMM_E820_ISA_START - SMM_E820_EBDA_START,
				   SMM_E820_RESERVED);
	if (!ret)
		ret = smm_e820_add(t, SMM_E820_BIOS_START,
				   SMM_E820_1M - SMM_E820_BIOS_START, SMM_E820_RESERVED);
	top = &a->runs[a->nr_runs - 1];
	if (!ret && SMM_PFN_PHYS(top->nr_pages) > 2 * SMM_E820_ACPI_SIZE)
		ret = smm_e820_add(t, SMM_PFN_PHYS(top->pfn + top->nr_pages) -
				   SMM_E820_ACPI_SIZE, SMM_E820_ACPI_SIZE, SMM_E820_ACPI);
	if (!ret)
		ret = smm_e820_parse_reserve(t, reserve);
	if (!ret)
		ret = smm_e820_sanitize(t);
	if (ret == -E2BIG)
		smm_bad_input("e820_reserve", "the map has more than %d entries",
			      SMM_E820_MAX_ENTRIES);
	return ret;
}

/**
 * smm_e820_total() - bytes of one type in a map
 * @t: a sanitized map
 * @type: the type
 *
 * Return: the sum of the sizes of @t's entries of type @type.
 */
u64 smm_e820_total(const struct smm_e820_table *t, enum smm_e820_type type)
{
	u64 sum = 0;
	u32 i;

	for (i = 0; i < t->nr_entries; i++)
		if (t->entries[i].type == type)
			sum += t->entries[i].size;
	return sum;
}

/**
 * smm_e820_all_of_type() - is a range entirely of one type?
 * @t: a sanitized map
 * @start: first byte
 * @end: first byte past the range [@start, @end)
 * @type: the type
 *
 * Like e820__mapped_all(): the entries of type @type must cover the whole
 * range, with no gap.
 *
 * Return: true if they do; false otherwise, or for an empty range.
 */
bool smm_e820_all_of_type(const struct smm_e820_table *t, u64 start, u64 end,
			  enum smm_e820_type type)
{
	u32 i;

	if (start >= end)
		return false;
	for (i = 0; i < t->nr_entries; i++) {
		const struct smm_e820_entry *e = &t->entries[i];

		if (e->type != type || e->addr + e->size <= start || e->addr >= end)
			continue;
		if (e->addr > start)
			return false;
		start = e->addr + e->size;
		if (start >= end)
			return true;
	}
	return false;
}

/**
 * smm_e820_show() - print a map as the boot log does
 * @m: the seq_file
 * @t: the map
 *
 * One ``BIOS-e820: [mem 0x...-0x...] type`` line per entry, the format of
 * e820__print_table(), with inclusive ends.
 */
void smm_e820_show(struct seq_file *m, const struct smm_e820_table *t)
{
	u32 i;

	for (i = 0; i < t->nr_entries; i++) {
		const struct smm_e820_entry *e = &t->entries[i];

		seq_printf(m, "BIOS-e820: [mem %#018Lx-%#018Lx] %s\n",
			   e->addr, e->addr + e->size - 1, smm_e820_type_name(e->type));
	}
}

/**
 * smm_e820_max_pfn() - the end of usable RAM, max_pfn
 * @t: the e820 map
 *
 * e820_end_of_ram_pfn() (the kernel's num_physpages on i386).
 *
 * Return: the first PFN past the last whole page of RAM.
 */
unsigned long smm_e820_max_pfn(const struct smm_e820_table *t)
{
	unsigned long max = 0;
	unsigned int i;

	for (i = 0; i < t->nr_entries; i++)
		if (t->entries[i].type == SMM_E820_RAM)
			max = max(max, SMM_PFN_DOWN(t->entries[i].addr + t->entries[i].size));
	return max;
}
