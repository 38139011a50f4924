/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smm_user.h: what the user-space programs of shadow_mm share: opening
 * /dev/shadow_mm, and reading the default instance's debugfs files.
 */
#ifndef _SMM_USER_H
#define _SMM_USER_H

#include <sys/types.h>

#define __printf(a, b)	__attribute__((format(printf, a, b)))
#define __noreturn	__attribute__((noreturn))

#define SMM_DEV		"/dev/shadow_mm"
#define SMM_SYSFS_DEV	"/sys/class/misc/shadow_mm/dev"
#define SMM_DEBUGFS	"/sys/kernel/debug/shadow_mm/default"

/* At most this many "mapping" lines of the faults file are kept. */
#define SMM_MAX_MAPPINGS	64

/**
 * struct smm_mapping - one "mapping" line of the faults file
 * @pid: the process that made the mapping
 * @comm: its command name
 * @start: first address of the mapping
 * @end: address past its end
 * @size_kb: its size in KiB
 * @resident: pages it holds now
 * @tables: shadow page-table pages it uses
 */
struct smm_mapping {
	int pid;
	char comm[32];
	unsigned long start, end;
	long long size_kb, resident, tables;
};

/**
 * struct smm_faults - the faults file of the default instance
 * @faults: first touches that mapped a new page
 * @refaults: faults on a page the mapping already had
 * @sigbus: faults answered with SIGBUS (shadow memory exhausted)
 * @pages_mapped: pages ever given to a mapping
 * @pages_returned: pages ever given back to the buddy allocator
 * @pages_resident: pages held by mappings now
 * @mappings: live mappings
 * @nr_map: number of entries in @map
 * @nr_mm: number of "mm ..." lines (one per process shadow page table)
 * @map: the live mappings, as listed
 *
 * A counter missing from the file reads as -1.
 */
struct smm_faults {
	long long faults, refaults, sigbus;
	long long pages_mapped, pages_returned, pages_resident, mappings;
	int nr_map;
	int nr_mm;
	struct smm_mapping map[SMM_MAX_MAPPINGS];
};

/**
 * struct smm_vm - the vmstat file of the default instance (/proc/vmstat's
 *	names); a counter missing from the file reads as -1
 */
struct smm_vm {
	long long nr_free_pages, pgfault, pgmajfault, pswpin, pswpout;
	long long pgscan_kswapd, pgscan_direct, pgsteal_kswapd, pgsteal_direct;
	long long pgactivate, pgdeactivate, allocstall, cow_fault;
};

#define SMM_ROOT	"/sys/kernel/debug/shadow_mm"

int smm_open(void);
int smm_cat(const char *name);
int smm_read_file(const char *name, char *buf, size_t size);
int smm_read_faults(struct smm_faults *f);
long long smm_meminfo(const char *key);
long long smm_zone_free_kb(const char *zone, long long *managed_kb);
int smm_control(const char *cmd);
int smm_read_vmstat(struct smm_vm *v);
long long smm_vmstat(const char *key);
int smm_read_swaps(long long *size_kb, long long *used_kb);
int smm_swap_pages(void);
int smm_check_tables(void);
const struct smm_mapping *smm_find_mapping(const struct smm_faults *f, pid_t pid,
					   unsigned long start);
long long smm_pid_resident(const struct smm_faults *f, pid_t pid, int *lines);

int smm_write(const char *path, const char *text);
int smm_read_path(const char *path, char *buf, size_t size);
const char *smm_errname(int err);

void smm_check_init(const char *prefix);
void __printf(3, 4) smm_check(int ok, const char *name, const char *fmt, ...);
void __printf(2, 3) smm_skip(const char *name, const char *fmt, ...);
void __printf(1, 2) smm_note(const char *fmt, ...);
int smm_check_failed(void);
int smm_check_done(const char *tool);
void smm_run_test(const char *name, void (*fn)(void));

/**
 * struct smm_peer - a forked process that waits for us: a byte down, a
 *	byte up
 * @pid: the other side's pid (in the parent)
 * @up: the end to read the other side from
 * @down: the end to write to it
 */
struct smm_peer {
	pid_t pid;
	int up, down;
};

char smm_read_byte(int fd, int secs);
int smm_fork_peer(struct smm_peer *pr);
int smm_peer_say(struct smm_peer *pr, char c);
int smm_peer_hear(struct smm_peer *pr, char want);
int smm_peer_ask(struct smm_peer *pr, char c);
int smm_peer_reap(struct smm_peer *pr);

#endif /* _SMM_USER_H */
