// SPDX-License-Identifier: GPL-2.0
/*
 * shadow_mm mem_map: the shadow page descriptors.
 *
 * DOC: mem_map
 *
 * Every shadow page has a descriptor, struct smm_page, as every real page
 * has a struct page.  As in SPARSEMEM, the descriptors are kept per section:
 * each section that has memory gets an array sized to its present pages,
 * and a hole costs nothing.  pfn -> descriptor is the section table, then
 * an index (smm_pfn_to_page()).
 *
 * The arrays live inside the arena, like the real mem_map, which
 * sparse_init() places with the early allocator.  Each one is placed with
 * find_e820_area(), first fit, and reserved under the label "MEMMAP"; the
 * arrays pack back to back, so their reservations merge.  A placed array
 * lies inside one usable e820 entry, so inside one host-contiguous run, and
 * the host direct map gives it one linear address.
 *
 * All descriptors start reserved and owned by the firmware, as
 * memmap_init() marks every page PG_reserved.  Pages that lie wholly inside
 * usable e820 ranges are then marked free, and pages under an early
 * reservation are given to it.
 */

#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/string.h>

#include "memmap.h"

static const char *const owner_names[] = {
	[SMM_OWNER_FIRMWARE]	= "firmware",
	[SMM_OWNER_EARLY]	= "early",
	[SMM_OWNER_FREE]	= "free",
	[SMM_OWNER_BOOTMEM]	= "bootmem",
	[SMM_OWNER_BUDDY]	= "buddy",
	[SMM_OWNER_PCP]		= "pcp",
	[SMM_OWNER_ALLOC]	= "alloc",
	[SMM_OWNER_SLAB]	= "slab",
	[SMM_OWNER_PGTABLE]	= "pgtable",
};

static_assert(ARRAY_SIZE(owner_names) == SMM_OWNER_NR);

/**
 * smm_owner_name() - name of a page owner
 * @owner: the owner
 *
 * Return: a static string, "?" for an unknown owner.
 */
const char *smm_owner_name(enum smm_owner owner)
{
	return owner < SMM_OWNER_NR ? owner_names[owner] : "?";
}

static void set_owner(struct smm_arena *a, unsigned long start_pfn,
		      unsigned long end_pfn, enum smm_owner owner)
{
	unsigned long pfn;

	for (pfn = start_pfn; pfn < end_pfn; pfn++) {
		struct smm_page *page = smm_pfn_to_page(a, pfn);

		if (!page)
			continue;
		page->owner = owner;
		if (owner == SMM_OWNER_FREE)
			smm_page_clear(page, SMM_PG_RESERVED);
		else
			smm_page_set(page, SMM_PG_RESERVED);
	}
}

/*
 * Place one section's array.  First fit from @goal up, as bootmem-era
 * sparse_init() did with alloc_bootmem() (whose goal is above the DMA
 * zone), then from the bottom: the arrays pack back to back and their
 * reservations merge, so the whole mem_map costs one early_res entry per
 * usable range it spans instead of one per section.
 */
static int place_section(struct smm_arena *a, struct smm_early *e,
			 unsigned long nr, struct smm_section *s, u64 goal)
{
	const u64 align = __alignof__(struct smm_page);
	u64 size = (u64)s->nr * sizeof(struct smm_page);
	unsigned long pfn;
	u64 addr;
	void *virt;

	addr = smm_early_alloc(e, goal, U64_MAX, size, align, "MEMMAP");
	if (addr == SMM_EARLY_NOT_FOUND)
		addr = smm_early_alloc(e, 0, U64_MAX, size, align, "MEMMAP");
	if (addr == SMM_EARLY_NOT_FOUND)
		return -ENOMEM;
	virt = smm_arena_pfn_to_virt(a, SMM_PFN_DOWN(addr));
	if (!virt)
		return -EFAULT;
	s->memmap = virt + offset_in_page(addr);
	memset(s->memmap, 0, size);
	for (pfn = 0; pfn < s->nr; pfn++)
		s->memmap[pfn].flags = nr << SMM_PG_SECTION_SHIFT;
	return 0;
}

/**
 * smm_memmap_init() - place and initialise the page descriptors
 * @mm: the mem_map to fill
 * @a: the arena; its sections receive their arrays
 * @e: the early allocator, with the e820 map behind it
 * @goal: lowest address to try first, e.g. the end of the DMA zone
 *
 * Return: 0, or -ENOMEM if the arrays do not fit in usable memory.  On
 * failure no section points at an array (the arena's pages are not
 * touched again; the early reservations stay, as at boot).
 * Context: process context.
 */
int smm_memmap_init(struct smm_memmap *mm, struct smm_arena *a,
		    struct smm_early *e, u64 goal)
{
	const struct smm_e820_table *t = e->e820;
	unsigned long sec, pfn;
	unsigned int i;
	int ret;

	memset(mm, 0, sizeof(*mm));
	mm->arena = a;
	for (sec = 0; sec < a->nr_sections; sec++) {
		struct smm_section *s = &a->sections[sec];

		if (!s->nr)
			continue;
		ret = place_section(a, e, sec, s, goal);
		if (ret)
			goto err_place;
		mm->bytes += (unsigned long)s->nr * sizeof(struct smm_page);
		mm->nr_pages += s->nr;
	}

	/* memmap_init(): everything reserved, owned by the firmware. */
	set_owner(a, 0, a->end_pfn, SMM_OWNER_FIRMWARE);
	/* Whole pages of usable RAM are free... */
	for (i = 0; i < t->nr_entries; i++) {
		const struct smm_e820_entry *en = &t->entries[i];

		if (en->type == SMM_E820_RAM)
			set_owner(a, SMM_PFN_UP(en->addr),
				  SMM_PFN_DOWN(en->addr + en->size), SMM_OWNER_FREE);
	}
	/* ...except what the early allocator has handed out. */
	for (i = 0; i < e->nr; i++)
		set_owner(a, SMM_PFN_DOWN(e->res[i].start),
			  SMM_PFN_UP(e->res[i].end), SMM_OWNER_EARLY);

	for (pfn = 0; pfn < a->end_pfn; pfn++) {
		const struct smm_page *page = smm_pfn_to_page(a, pfn);

		if (page)
			mm->owner_pages[page->owner]++;
	}
	return 0;

err_place:
	for (sec = 0; sec < a->nr_sections; sec++)
		a->sections[sec].memmap = NULL;
	return ret;
}

/**
 * smm_memmap_show() - print the mem_map's cost and the page owners
 * @m: the seq_file
 * @mm: the mem_map
 */
void smm_memmap_show(struct seq_file *m, const struct smm_memmap *mm)
{
	u64 arena_bytes = SMM_PFN_PHYS(mm->arena->nr_pages);
	/* Overhead in hundredths of a percent, rounded up. */
	u64 bp = div64_u64((u64)mm->bytes * 10000 + arena_bytes - 1, arena_bytes);
	int i;

	seq_printf(m, "memmap_bytes:    %lu\n", mm->bytes);
	seq_printf(m, "memmap_pages:    %lu\n", mm->nr_pages);
	seq_printf(m, "descriptor_size: %zu\n", sizeof(struct smm_page));
	seq_printf(m, "memmap_overhead: %llu.%02llu%%\n", bp / 100, bp % 100);
	for (i = 0; i < SMM_OWNER_NR; i++)
		seq_printf(m, "pages_%s: %lu\n", owner_names[i], mm->owner_pages[i]);
}
