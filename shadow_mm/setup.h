/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOW_MM_SETUP_H
#define _SHADOW_MM_SETUP_H

#include <linux/seq_file.h>
#include <linux/types.h>

#include "bootmem.h"
#include "early.h"
#include "highmem.h"
#include "pgtable.h"

/* x86-64's __PAGE_OFFSET of the 2.6.29 era: the direct map of low memory. */
#define SMM_PAGE_OFFSET		0xffff880000000000ULL
/* x86-64's __START_KERNEL_map: the kernel image's own mapping. */
#define SMM_START_KERNEL_MAP	0xffffffff80000000ULL
/* Where x86-32 loads the kernel: CONFIG_PHYSICAL_START of 2.6.29's i386. */
#define SMM_LOAD_PHYSICAL_ADDR	0x100000ULL
/* head_32.S maps this much past its own tables (INIT_MAP_BEYOND_END). */
#define SMM_INIT_MAP_BEYOND_END	(128 * 1024ULL)
/* find_early_table_space() searches from here up. */
#define SMM_TABLE_SEARCH_START	0x7000ULL
/* The image at 1 GiB of memory, a 2.6.29 i386 distribution kernel's sizes. */
#define SMM_REF_TEXT_KB		4096U
#define SMM_REF_DATA_KB		2048U
#define SMM_REF_INIT_KB		512U
#define SMM_REF_BSS_KB		1024U
#define SMM_BANNER_LEN		1024

/**
 * struct smm_kimage - the shadow kernel image, where the loader put it
 * @text: _text, the load address
 * @etext: _etext; .text is [@text, @etext)
 * @edata: _edata; .data is [@etext, @edata)
 * @init_begin: __init_begin
 * @init_end: __init_end
 * @bss_start: __bss_start
 * @bss_stop: __bss_stop; "TEXT DATA BSS" is [@text, @bss_stop)
 * @pgd: swapper_pg_dir, the first page of .bss
 * @pg0_start: the temporary page table, right after the image
 *	(init_pg_tables_start); "INIT_PG_TABLE" is [@pg0_start, @pg0_end)
 * @pg0_end: init_pg_tables_end
 * @mapped: the temporary table maps [0, @mapped) at
 *	%SMM_START_KERNEL_MAP (max_pfn_mapped)
 * @relocated: the image is not at %SMM_LOAD_PHYSICAL_ADDR (that memory is
 *	not usable RAM), as a relocatable kernel's loader would place it
 */
struct smm_kimage {
	u64 text;
	u64 etext;
	u64 edata;
	u64 init_begin;
	u64 init_end;
	u64 bss_start;
	u64 bss_stop;
	u64 pgd;
	u64 pg0_start;
	u64 pg0_end;
	u64 mapped;
	bool relocated;
};

/**
 * struct smm_setup - setup_arch()'s and mem_init()'s own state
 * @arena: the memory
 * @img: the kernel image
 * @low_pfn: max_low_pfn: the direct map covers [0, @low_pfn)
 * @table_start: e820_table_start: the space find_early_table_space() found
 * @table_end: e820_table_end: alloc_low_page() has used [@table_start,
 *	@table_end); reserved as "PGTABLE"
 * @table_top: e820_table_top: the end of the space found
 * @direct: the entries of the direct map, 2 MiB and 4 KiB
 * @bootmem_tables: table pages paging_init() took from bootmem
 * @banner: mem_init()'s summary and the virtual memory layout, as printed
 * @percpu_start: 6.12: the per-CPU first chunk, from memblock
 * @percpu_size: its bytes, a unit per possible CPU
 * @kept_reserved: 6.12: pages of memblock.memory that no zone manages once
 *	deferred init is done: what memblock kept (2.6.29 counts these in
 *	&smm_bootmem.kept_reserved)
 *
 * Written during the bring-up only, by the thread building the instance;
 * read-only afterwards.
 */
struct smm_setup {
	struct smm_arena *arena;
	struct smm_kimage img;
	unsigned long low_pfn;
	u64 table_start;
	u64 table_end;
	u64 table_top;
	struct smm_pt_linear direct;
	unsigned long bootmem_tables;
	char banner[SMM_BANNER_LEN];
	u64 percpu_start;
	u64 percpu_size;
	unsigned long kept_reserved;
};

/**
 * struct smm_layout - the addresses mem_init() prints
 * @fixmap_start: FIXADDR_START: the kmap_local slots
 * @fixmap_end: FIXADDR_TOP
 * @pkmap_start: PKMAP_BASE
 * @pkmap_end: PKMAP_BASE + LAST_PKMAP pages
 * @vmalloc_start: VMALLOC_START
 * @vmalloc_end: VMALLOC_END
 */
struct smm_layout {
	u64 fixmap_start;
	u64 fixmap_end;
	u64 pkmap_start;
	u64 pkmap_end;
	u64 vmalloc_start;
	u64 vmalloc_end;
};

u64 smm_setup_scaled(const struct smm_arena *a, unsigned int ref_kb, unsigned int min_pages);
u64 smm_setup_table_space(u64 end);
int smm_setup_map_direct(struct smm_setup *su, struct smm_pgtable *kpt, u64 end);
int smm_setup_kernel_image(struct smm_setup *su, struct smm_arena *a, struct smm_early *e,
			   unsigned long low_pfn);
int smm_init_memory_mapping(struct smm_setup *su, struct smm_early *e,
			    struct smm_pgtable *kpt, bool *broken);
int smm_paging_init(struct smm_setup *su, struct smm_pgtable *kpt, struct smm_bootmem *bm,
		    struct smm_highmem *hm, bool *broken);
void smm_mem_init_banner(struct smm_setup *su, const struct smm_bootmem *bm,
			 unsigned long nr_free, unsigned long max_pfn,
			 const struct smm_layout *lay);
void smm_setup_log(const struct smm_setup *su, const char *instance);
long smm_setup_check(struct smm_setup *su, struct smm_pgtable *kpt, struct seq_file *m);
void smm_setup_show(struct seq_file *m, const struct smm_setup *su,
		    const struct smm_pgtable *kpt);

#endif /* _SHADOW_MM_SETUP_H */
