/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOW_MM_E820_H
#define _SHADOW_MM_E820_H

#include <linux/seq_file.h>
#include <linux/types.h>

#include "arena.h"

/*
 * Entry types, numbered as the BIOS numbers them (enum e820_type in
 * arch/x86/include/asm/e820/types.h).  On overlap the larger number wins,
 * so every reserved kind beats usable RAM.
 */
enum smm_e820_type {
	SMM_E820_RAM		= 1,
	SMM_E820_RESERVED	= 2,
	SMM_E820_ACPI		= 3,
	SMM_E820_NVS		= 4,
	SMM_E820_UNUSABLE	= 5,
};

/* Like E820_MAX_ENTRIES_ZEROPAGE: the table never grows past this. */
#define SMM_E820_MAX_ENTRIES	128

/* The PC-like landmarks of the map, as on a machine booted by SeaBIOS. */
#define SMM_E820_EBDA_START	0x9fc00ULL
#define SMM_E820_ISA_START	0xa0000ULL
#define SMM_E820_BIOS_START	0xf0000ULL
#define SMM_E820_1M		0x100000ULL
#define SMM_E820_ACPI_SIZE	0x20000ULL

/**
 * struct smm_e820_entry - one range of the map
 * @addr: start of the range, in bytes of shadow physical address
 * @size: length in bytes; the range is [@addr, @addr + @size)
 * @type: what the range is
 */
struct smm_e820_entry {
	u64 addr;
	u64 size;
	enum smm_e820_type type;
};

/**
 * struct smm_e820_table - a BIOS memory map
 * @nr_entries: entries in use
 * @entries: the entries; sorted and disjoint after smm_e820_sanitize()
 */
struct smm_e820_table {
	u32 nr_entries;
	struct smm_e820_entry entries[SMM_E820_MAX_ENTRIES];
};

int smm_e820_add(struct smm_e820_table *t, u64 addr, u64 size,
		 enum smm_e820_type type);
int smm_e820_sanitize(struct smm_e820_table *t);
int smm_e820_build(struct smm_e820_table *t, const struct smm_arena *a,
		   const char *reserve);
int smm_e820_parse_reserve(struct smm_e820_table *t, const char *s);
u64 smm_e820_total(const struct smm_e820_table *t, enum smm_e820_type type);
unsigned long smm_e820_max_pfn(const struct smm_e820_table *t);
bool smm_e820_all_of_type(const struct smm_e820_table *t, u64 start, u64 end,
			  enum smm_e820_type type);
const char *smm_e820_type_name(enum smm_e820_type type);
void smm_e820_show(struct seq_file *m, const struct smm_e820_table *t);

#endif /* _SHADOW_MM_E820_H */
