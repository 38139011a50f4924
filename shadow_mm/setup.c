// SPDX-License-Identifier: GPL-2.0
/*
 * shadow_mm setup: the kernel image, the early page tables and mem_init()'s banner.
 */

/**
 * DOC: setup
 *
 * The parts of 2.6.29's i386_start_kernel(), setup_arch(), paging_init()
 * and mem_init() that are not an allocator of their own.
 *
 * **Static allocation.** Before any allocator exists, the kernel's code and
 * data are already in memory: the loader put the image at
 * CONFIG_PHYSICAL_START, 1 MiB on 2.6.29's i386.  Ours is an image of
 * .text, .data, .init and .bss sized like a 2.6.29 distribution kernel on
 * a 1 GiB machine (4 MiB, 2 MiB, 512 KiB, 1 MiB), scaled down with the
 * arena (never below a few pages), at 1 MiB.  If that memory is not usable
 * RAM (a hole, or ``e820_reserve=``), the image goes to the first usable
 * place above, as a relocatable kernel's loader would put it.  The image
 * is a layout, not contents: of it only swapper_pg_dir, the kernel's
 * top-level page table and the first page of .bss, is read, and it is
 * zeroed as clear_bss() would.  Right after
 * __bss_stop, head_32.S builds the temporary page table with plain stores,
 * no allocator: our PUD, PMD and PTE tables there map [0, max_pfn_mapped)
 * with 4 KiB pages.  i386_start_kernel() then reserves the image as "TEXT
 * DATA BSS" and the tables as "INIT_PG_TABLE".  We model no initrd, so no
 * "RAMDISK".  The EBDA is reserved in the e820 map.
 *
 * Our tables are x86-64's format and addresses, so the temporary table maps
 * the image where head_64.S does, at __START_KERNEL_map, and the direct map
 * is at x86-64's PAGE_OFFSET of the time, 0xffff880000000000.
 *
 * **init_memory_mapping()** maps all low memory, [0, max_low_pfn), at
 * PAGE_OFFSET: kernel_physical_mapping_init() with 2 MiB pages (PSE) where
 * a whole aligned 2 MiB fits, 4 KiB pages at the edges, and, as i386 did,
 * 4 KiB pages for the first 2 MiB too (fixed-size MTRRs cover it).
 * Holes are mapped as well; the map is only a shadow and needs no host
 * mapping, since the host's own direct map already maps the arena.
 * find_early_table_space() first works out how many table pages the
 * mapping can need and finds that much with find_e820_area(), from
 * 0x7000 up, inside what the temporary table maps; alloc_low_page() then
 * hands the pages out in order; and what was used is reserved as
 * "PGTABLE", all before bootmem exists.
 *
 * **paging_init()** makes the pkmap window's table and the kmap_local
 * (fixmap) slots' tables with alloc_bootmem_low_pages(), the source
 * one_page_table_init() used once bootmem was up.  (2.6.29 reserved room
 * for two fixmap tables in find_early_table_space() too; ours come from
 * bootmem, as the issue asks.)
 *
 * **mem_init()** ends with its banner: ``Memory: ...k/...k available``
 * and the virtual kernel memory layout, with our shadow addresses.
 */

#include <linux/kernel.h>
#include <linux/math.h>
#include <linux/sizes.h>
#include <linux/string.h>

#include "setup.h"

/* The direct map's leaves: __PAGE_KERNEL, and global. */
#define DIRECT_PTE	(SMM_PTE_RW | SMM_PTE_ACCESSED | SMM_PTE_DIRTY | SMM_PTE_GLOBAL)
/* head_32.S's PTE_IDENT_ATTR */
#define INIT_PTE	(SMM_PTE_RW | SMM_PTE_ACCESSED | SMM_PTE_DIRTY)

static void *va_of(struct smm_setup *su, u64 addr)
{
	return smm_arena_pfn_to_virt(su->arena, SMM_PFN_DOWN(addr));
}

/**
 * smm_setup_scaled() - a size at 1 GiB of memory, scaled to the arena
 * @a: the arena
 * @ref_kb: the size on the reference machine with 1 GiB, in KiB
 * @min_pages: the least it may shrink to, in pages
 *
 * Return: the size in bytes, whole pages, at most @ref_kb.
 */
u64 smm_setup_scaled(const struct smm_arena *a, unsigned int ref_kb, unsigned int min_pages)
{
	u64 bytes = (u64)ref_kb * SZ_1K * min_t(u64, a->nr_pages, SZ_1G >> PAGE_SHIFT) /
		    (SZ_1G >> PAGE_SHIFT);

	return max_t(u64, PAGE_ALIGN(bytes), (u64)min_pages << PAGE_SHIFT);
}

/* PTE tables the temporary table needs to map [0, end of itself + 128 KiB). */
static unsigned long pg0_ptes(u64 pg0_start)
{
	unsigned long n = 1, prev = 0;

	while (n != prev) {
		prev = n;
		n = DIV_ROUND_UP(pg0_start + (2 + n) * PAGE_SIZE + SMM_INIT_MAP_BEYOND_END,
				 BIT_ULL(SMM_PT_SHIFT_PMD));
	}
	return n;
}

/* head_32.S: the temporary page table, with plain stores and no allocator. */
static void build_pg0(struct smm_setup *su)
{
	const struct smm_kimage *img = &su->img;
	u64 pud = img->pg0_start, pmd = pud + PAGE_SIZE, next = pmd + PAGE_SIZE, addr;
	u64 *pgd_t = va_of(su, img->pgd), *pud_t = va_of(su, pud), *pmd_t = va_of(su, pmd);
	unsigned long pfn;

	for (addr = img->pg0_start; addr < img->pg0_end; addr += PAGE_SIZE)
		clear_page(va_of(su, addr));
	pgd_t[smm_pt_index(SMM_START_KERNEL_MAP, SMM_PT_PGD)] = pud | SMM_PTE_TABLE;
	pud_t[smm_pt_index(SMM_START_KERNEL_MAP, SMM_PT_PUD)] = pmd | SMM_PTE_TABLE;
	for (pfn = 0; pfn < SMM_PFN_DOWN(img->mapped); pfn++) {
		u64 v = SMM_START_KERNEL_MAP + SMM_PFN_PHYS(pfn);
		u64 *e = &pmd_t[smm_pt_index(v, SMM_PT_PMD)];
		u64 *pte_t;

		if (!(*e & SMM_PTE_PRESENT)) {
			*e = next | SMM_PTE_TABLE;
			next += PAGE_SIZE;
		}
		pte_t = va_of(su, *e & SMM_PTE_PFN_MASK);
		pte_t[smm_pt_index(v, SMM_PT_PTE)] = smm_mk_pte(pfn, INIT_PTE);
	}
}

/**
 * smm_setup_kernel_image() - static allocation: the image and its first table
 * @su: the setup state, filled in
 * @a: the arena
 * @e: the early allocator, with the e820 map
 * @low_pfn: the image must lie below this (max_low_pfn)
 *
 * Places the image (see "DOC: setup"), zeroes its .bss, builds the
 * temporary page table after it and reserves both with reserve_early(),
 * as "TEXT DATA BSS" and "INIT_PG_TABLE".
 *
 * Return: 0, or -ENOMEM (with a message naming arena_mb) if no usable low
 * memory from 1 MiB up holds them.
 * Context: process context, during bring-up.
 */
int smm_setup_kernel_image(struct smm_setup *su, struct smm_arena *a, struct smm_early *e,
			   unsigned long low_pfn)
{
	struct smm_kimage *img = &su->img;
	u64 text, data, init, bss, total, addr = SMM_LOAD_PHYSICAL_ADDR, found;
	int tries, ret;

	memset(su, 0, sizeof(*su));
	su->arena = a;
	su->low_pfn = low_pfn;
	text = smm_setup_scaled(a, SMM_REF_TEXT_KB, 4);
	data = smm_setup_scaled(a, SMM_REF_DATA_KB, 2);
	init = smm_setup_scaled(a, SMM_REF_INIT_KB, 1);
	bss = smm_setup_scaled(a, SMM_REF_BSS_KB, 2);

	/* The image and the tables after it, in one piece; first fit from 1 MiB. */
	for (tries = 0; tries < 4; tries++) {
		total = text + data + init + bss +
			(2 + pg0_ptes(addr + text + data + init + bss)) * PAGE_SIZE;
		found = smm_find_e820_area(e, SMM_LOAD_PHYSICAL_ADDR, SMM_PFN_PHYS(low_pfn),
					   total, PAGE_SIZE);
		if (found == addr || found == SMM_EARLY_NOT_FOUND)
			break;
		addr = found;
	}
	if (found != addr) {
		smm_bad_input("arena_mb",
			      "no usable low memory from 1 MiB up holds the %llu KiB kernel image",
			      total >> 10);
		return -ENOMEM;
	}
	img->text = addr;
	img->etext = img->text + text;
	img->edata = img->etext + data;
	img->init_begin = img->edata;
	img->init_end = img->init_begin + init;
	img->bss_start = img->init_end;
	img->bss_stop = img->bss_start + bss;
	img->pgd = img->bss_start;
	img->pg0_start = img->bss_stop;
	img->pg0_end = addr + total;
	img->mapped = PAGE_ALIGN(img->pg0_end + SMM_INIT_MAP_BEYOND_END);
	img->relocated = addr != SMM_LOAD_PHYSICAL_ADDR;

	ret = smm_reserve_early(e, img->text, img->bss_stop, "TEXT DATA BSS");
	if (!ret)
		ret = smm_reserve_early(e, img->pg0_start, img->pg0_end, "INIT_PG_TABLE");
	if (ret)
		return ret;
	/*
	 * clear_bss(), for the one page of the image anything reads:
	 * swapper_pg_dir.  The rest models the layout, not the contents.
	 * Then head_32.S's tables.
	 */
	clear_page(va_of(su, img->pgd));
	build_pg0(su);
	return 0;
}

/* alloc_low_page(): the next page of the space find_early_table_space() found. */
static unsigned long alloc_low_page(void *ctx)
{
	struct smm_setup *su = ctx;

	if (su->table_end >= su->table_top)
		return 0;
	su->table_end += PAGE_SIZE;
	return SMM_PFN_DOWN(su->table_end - PAGE_SIZE);
}

/**
 * smm_setup_table_space() - find_early_table_space()'s estimate
 * @end: the direct map covers [0, @end)
 *
 * Return: the bytes of tables mapping [0, @end) with 2 MiB pages, and
 * 4 KiB ones for the first 2 MiB and the tail, can need.
 */
u64 smm_setup_table_space(u64 end)
{
	u64 puds = DIV_ROUND_UP(end, BIT_ULL(SMM_PT_SHIFT_PUD));
	u64 pmds = DIV_ROUND_UP(end, BIT_ULL(SMM_PT_SHIFT_PMD));
	/* the 4 KiB head (the first 2 MiB) and the 4 KiB tail */
	u64 extra = end - round_down(end, BIT_ULL(SMM_PT_SHIFT_PMD)) + BIT_ULL(SMM_PT_SHIFT_PMD);
	u64 ptes = DIV_ROUND_UP(extra, PAGE_SIZE);

	return PAGE_ALIGN(puds * sizeof(u64)) + PAGE_ALIGN(pmds * sizeof(u64)) +
	       PAGE_ALIGN(ptes * sizeof(u64));
}

/**
 * smm_setup_map_direct() - the direct map of [0, @end), from the table pool
 * @su: the setup state: its pool [@su->table_start, @su->table_top), of which
 *	[@su->table_start, @su->table_end) is used
 * @kpt: the kernel page tables
 * @end: the end of the mapping
 *
 * kernel_physical_mapping_init(): 4 KiB pages for the first 2 MiB and the
 * tail, 2 MiB pages between, at %SMM_PAGE_OFFSET; every table from the
 * pool, as alloc_low_page() hands them out.
 *
 * Return: 0; -ENOMEM if the pool runs out.
 * Context: process context, during bring-up.
 */
int smm_setup_map_direct(struct smm_setup *su, struct smm_pgtable *kpt, u64 end)
{
	u64 head = min_t(u64, end, BIT_ULL(SMM_PT_SHIFT_PMD));
	u64 mid = max(head, round_down(end, BIT_ULL(SMM_PT_SHIFT_PMD)));
	int ret;

	smm_pgtable_set_boot_alloc(kpt, alloc_low_page, su);
	ret = smm_pgtable_map_linear(kpt, SMM_PAGE_OFFSET, 0, SMM_PFN_DOWN(head), false,
				     DIRECT_PTE, &su->direct);
	if (!ret && mid > head)
		ret = smm_pgtable_map_linear(kpt, SMM_PAGE_OFFSET + head, SMM_PFN_DOWN(head),
					     SMM_PFN_DOWN(mid - head), true, DIRECT_PTE,
					     &su->direct);
	if (!ret && end > mid)
		ret = smm_pgtable_map_linear(kpt, SMM_PAGE_OFFSET + mid, SMM_PFN_DOWN(mid),
					     SMM_PFN_DOWN(end - mid), false, DIRECT_PTE,
					     &su->direct);
	smm_pgtable_set_boot_alloc(kpt, NULL, NULL);
	return ret;
}

/**
 * smm_init_memory_mapping() - map low memory at PAGE_OFFSET
 * @su: the setup state, after smm_setup_kernel_image()
 * @e: the early allocator
 * @kpt: the kernel page tables, set up here from swapper_pg_dir
 * @broken: the instance's broken flag
 *
 * Adopts the temporary table into @kpt (the mem_map now exists to
 * describe its pages), then does what "DOC: setup" says of
 * init_memory_mapping().
 *
 * Return: 0; -ENOMEM if find_e820_area() finds no room for the tables or
 * they run out; -EINVAL if the temporary table is damaged.
 * Context: process context, during bring-up.
 */
int smm_init_memory_mapping(struct smm_setup *su, struct smm_early *e,
			    struct smm_pgtable *kpt, bool *broken)
{
	u64 end = SMM_PFN_PHYS(su->low_pfn), tables;
	int ret;

	ret = smm_pgtable_init_boot(kpt, su->arena, broken, SMM_PFN_DOWN(su->img.pgd));
	if (ret)
		return ret;
	tables = smm_setup_table_space(end);
	su->table_start = smm_find_e820_area(e, SMM_TABLE_SEARCH_START, su->img.mapped,
					     tables, PAGE_SIZE);
	if (su->table_start == SMM_EARLY_NOT_FOUND) {
		smm_bad_input("arena_mb", "cannot find %llu KiB for the kernel page tables",
			      tables >> 10);
		return -ENOMEM;
	}
	su->table_end = su->table_start;
	su->table_top = su->table_start + tables;

	ret = smm_setup_map_direct(su, kpt, end);
	/* What was used stays, even on failure: the tables point into it. */
	if (su->table_end > su->table_start) {
		int r = smm_reserve_early(e, su->table_start, su->table_end, "PGTABLE");

		ret = ret ?: r;
	}
	return ret;
}

struct bootmem_src {
	struct smm_bootmem *bm;
	unsigned long n;
};

/* alloc_bootmem_low_pages(PAGE_SIZE), as one_page_table_init() calls it */
static unsigned long bootmem_table(void *ctx)
{
	struct bootmem_src *src = ctx;
	u64 addr = smm_alloc_bootmem_low_pages(src->bm, PAGE_SIZE);

	if (addr == SMM_BOOTMEM_FAIL)
		return 0;
	src->n++;
	return SMM_PFN_DOWN(addr);
}

/**
 * smm_paging_init() - pagetable_init() and kmap_init(), with bootmem
 * @su: the setup state
 * @kpt: the kernel page tables
 * @bm: bootmem, set up, with the early reservations in it
 * @hm: the kmap layer, set up here
 * @broken: the instance's broken flag
 *
 * permanent_kmaps_init() and the kmap_local slots: their tables come from
 * alloc_bootmem_low_pages().
 *
 * Return: 0, or -ENOMEM.
 * Context: process context, during bring-up.
 */
int smm_paging_init(struct smm_setup *su, struct smm_pgtable *kpt, struct smm_bootmem *bm,
		    struct smm_highmem *hm, bool *broken)
{
	struct bootmem_src src = { .bm = bm };
	int ret;

	smm_pgtable_set_boot_alloc(kpt, bootmem_table, &src);
	ret = smm_highmem_init(hm, kpt, su->arena, broken);
	smm_pgtable_set_boot_alloc(kpt, NULL, NULL);
	su->bootmem_tables = src.n;
	return ret;
}

/**
 * smm_mem_init_banner() - mem_init()'s summary and layout, into @su->banner
 * @su: the setup state
 * @bm: bootmem, closed: how much stayed reserved, how much HighMem went
 * @nr_free: free pages in the buddy allocator (nr_free_pages())
 * @max_pfn: the end of usable RAM (num_physpages)
 * @lay: the shadow addresses of the windows
 *
 * The words of 2.6.29's arch/x86/mm/init_32.c; "reserved" is the RAM
 * pages below max_low_pfn still PG_reserved, which the kernel counted by
 * reading every descriptor and we count from the ranges.  Addresses are
 * printed 64 bits wide.
 *
 * Context: process context, during bring-up.
 */
void smm_mem_init_banner(struct smm_setup *su, const struct smm_bootmem *bm,
			 unsigned long nr_free, unsigned long max_pfn,
			 const struct smm_layout *lay)
{
	const struct smm_kimage *img = &su->img;
	u64 high_memory = SMM_PAGE_OFFSET + SMM_PFN_PHYS(su->low_pfn);
	const u64 k = SMM_START_KERNEL_MAP;

	scnprintf(su->banner, sizeof(su->banner),
		  "Memory: %luk/%luk available (%lluk kernel code, %luk reserved, %lluk data, %lluk init, %luk highmem)\n"
		  "virtual kernel memory layout:\n"
		  "    fixmap  : 0x%016llx - 0x%016llx   (%4llu kB)\n"
		  "    pkmap   : 0x%016llx - 0x%016llx   (%4llu kB)\n"
		  "    vmalloc : 0x%016llx - 0x%016llx   (%4llu MB)\n"
		  "    lowmem  : 0x%016llx - 0x%016llx   (%4llu MB)\n"
		  "      .init : 0x%016llx - 0x%016llx   (%4llu kB)\n"
		  "      .data : 0x%016llx - 0x%016llx   (%4llu kB)\n"
		  "      .text : 0x%016llx - 0x%016llx   (%4llu kB)\n",
		  nr_free << (PAGE_SHIFT - 10), max_pfn << (PAGE_SHIFT - 10),
		  (img->etext - img->text) >> 10, bm->kept_reserved_low << (PAGE_SHIFT - 10),
		  (img->edata - img->etext) >> 10, (img->init_end - img->init_begin) >> 10,
		  bm->high_pages << (PAGE_SHIFT - 10),
		  lay->fixmap_start, lay->fixmap_end, (lay->fixmap_end - lay->fixmap_start) >> 10,
		  lay->pkmap_start, lay->pkmap_end, (lay->pkmap_end - lay->pkmap_start) >> 10,
		  lay->vmalloc_start, lay->vmalloc_end,
		  (lay->vmalloc_end - lay->vmalloc_start) >> 20,
		  SMM_PAGE_OFFSET, high_memory, (high_memory - SMM_PAGE_OFFSET) >> 20,
		  k + img->init_begin, k + img->init_end, (img->init_end - img->init_begin) >> 10,
		  k + img->etext, k + img->edata, (img->edata - img->etext) >> 10,
		  k + img->text, k + img->etext, (img->etext - img->text) >> 10);
}

/**
 * smm_setup_log() - mem_init()'s banner, to the kernel log
 * @su: the setup state, after smm_mem_init_banner()
 * @instance: the instance's name, for the prefix
 *
 * Context: any.
 */
void smm_setup_log(const struct smm_setup *su, const char *instance)
{
	const char *line = su->banner;

	while (*line) {
		const char *nl = strchrnul(line, '\n');

		pr_info("shadow_mm: %s: %.*s\n", instance, (int)(nl - line), line);
		line = *nl ? nl + 1 : nl;
	}
}

/* A table the image's map or the direct map may use: a boot table of setup's. */
static bool setup_table(void *ctx, unsigned long pfn)
{
	const struct smm_setup *su = ctx;
	u64 addr = SMM_PFN_PHYS(pfn);

	return addr == su->img.pgd ||
	       (addr >= su->img.pg0_start && addr < su->img.pg0_end) ||
	       (addr >= su->table_start && addr < su->table_end);
}

/**
 * smm_setup_check() - do the early mappings map what they should?
 * @su: the setup state
 * @kpt: the kernel page tables
 * @m: where to report each disagreement, or NULL
 *
 * The temporary table still maps [0, max_pfn_mapped) at
 * __START_KERNEL_map, the direct map maps [0, max_low_pfn) at PAGE_OFFSET
 * and nothing past it, and every table of both is swapper_pg_dir, an
 * "INIT_PG_TABLE" page or a "PGTABLE" page (smm_pgtable_check_linear()).
 *
 * Return: the number of disagreements.
 * Context: process context; sleeps.
 */
long smm_setup_check(struct smm_setup *su, struct smm_pgtable *kpt, struct seq_file *m)
{
	long a, b;

	a = smm_pgtable_check_linear(kpt, SMM_START_KERNEL_MAP, SMM_PFN_DOWN(su->img.mapped),
				     setup_table, su, m);
	b = smm_pgtable_check_linear(kpt, SMM_PAGE_OFFSET, su->low_pfn, setup_table, su, m);
	return (a < 0 ? 1 : a) + (b < 0 ? 1 : b);
}

/**
 * smm_setup_show() - the early page tables, for ``pagetables``
 * @m: the seq_file
 * @su: the setup state
 * @kpt: the kernel page tables
 */
void smm_setup_show(struct seq_file *m, const struct smm_setup *su,
		    const struct smm_pgtable *kpt)
{
	const struct smm_kimage *img = &su->img;

	seq_printf(m, "kernel image:      [mem %#018llx-%#018llx] TEXT DATA BSS%s, swapper_pg_dir at pfn %#llx\n",
		   img->text, img->bss_stop - 1, img->relocated ? " (relocated)" : "",
		   img->pgd >> PAGE_SHIFT);
	seq_printf(m, "temporary table:   [mem %#018llx-%#018llx] INIT_PG_TABLE, maps [0, %#llx) at %#llx\n",
		   img->pg0_start, img->pg0_end - 1, img->mapped, SMM_START_KERNEL_MAP);
	seq_printf(m, "direct map:        [0, %#llx) at %#llx: %lu x 2 MiB, %lu x 4 KiB\n",
		   SMM_PFN_PHYS(su->low_pfn), SMM_PAGE_OFFSET, su->direct.large, su->direct.small);
	seq_printf(m, "PGTABLE:           [mem %#018llx-%#018llx] %llu of %llu pages used (find_early_table_space)\n",
		   su->table_start, su->table_end - 1,
		   (su->table_end - su->table_start) >> PAGE_SHIFT,
		   (su->table_top - su->table_start) >> PAGE_SHIFT);
	seq_printf(m, "paging_init:       %lu tables from bootmem (pkmap, kmap_local)\n",
		   su->bootmem_tables);
	seq_printf(m, "boot tables:       %lu (reserved, never freed), %lu left unused by large pages\n",
		   READ_ONCE(kpt->boot_tables), READ_ONCE(kpt->orphans));
}
