// SPDX-License-Identifier: GPL-2.0
/*
 * fault_test: the user-space tests of demand paging through /dev/shadow_mm.
 *
 * Prints one line per check, "SMM-CHECK pass fault: NAME" or
 * "SMM-CHECK fail fault: NAME: why", which the host counts, and exits with
 * the number of failed checks (at most 100).  Run it as root with
 * shadow_mm loaded and nothing else using the device: every check compares
 * the counters of /sys/kernel/debug/shadow_mm/default/faults before and
 * after, and expects exact differences.
 *
 * Each test runs in a process of its own, so that a signal the kernel should
 * not have sent fails that test and not the run, and so that the process
 * reading the counters at the end never had a mapping.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "smm_user.h"

static size_t ps;

static int swap_pages;		/* the instance's swap, in pages; 0: none */
static long long zone_pages;	/* all of the shadow zones (MemTotal), in pages */

static void get(struct smm_faults *f)
{
	if (smm_read_faults(f))
		smm_note("cannot read or parse %s/faults", SMM_DEBUGFS);
}

static void vm(struct smm_vm *v)
{
	if (smm_read_vmstat(v))
		smm_note("cannot read or parse %s/vmstat (a counter is missing)", SMM_DEBUGFS);
}

static const char *kind_name(int flags)
{
	return flags & MAP_PRIVATE ? "MAP_PRIVATE" : "MAP_SHARED";
}

/*
 * The checker, run after each phase: every process's shadow page table
 * against what the process really maps, and every host PTE of a mapping
 * against the arena.
 */
static void tables_ok(const char *phase)
{
	char name[192];
	int err = smm_check_tables();

	snprintf(name, sizeof(name), "check after %s", phase);
	smm_check(!err, name,
		  "writing 'check' to %s/control: %s (EUCLEAN: a shadow table disagrees with its process, or a PTE points outside the arena; see dmesg)",
		  SMM_DEBUGFS, smm_errname(err));
}

/* Free shadow memory in kB, with the per-CPU lists emptied first. */
static long long drained_free(void)
{
	if (smm_control("drain"))
		smm_note("writing 'drain' to %s/control failed: %s", SMM_DEBUGFS, strerror(errno));
	return smm_meminfo("MemFree");
}

/* mmap() @pages of the device; the descriptor is closed at once. */
static char *map_dev(size_t pages, int flags, off_t off)
{
	int fd = smm_open(), err;
	void *p;

	if (fd < 0)
		return MAP_FAILED;
	p = mmap(NULL, pages * ps, PROT_READ | PROT_WRITE, flags, fd, off);
	err = errno;
	close(fd);
	errno = err;
	return p;
}

/* Fill a page with words that name it, and check them. */
static void fill_page(char *pg, uint64_t v)
{
	uint64_t *w = (uint64_t *)pg;
	size_t j;

	for (j = 0; j < ps / sizeof(*w); j++)
		w[j] = v << 32 | (j + 1);
}

static int page_ok(const char *pg, uint64_t v)
{
	const uint64_t *w = (const uint64_t *)pg;
	size_t j;

	for (j = 0; j < ps / sizeof(*w); j++)
		if (w[j] != (v << 32 | (j + 1)))
			return 0;
	return 1;
}

static int page_zero(const char *pg)
{
	const uint64_t *w = (const uint64_t *)pg;
	size_t j;

	for (j = 0; j < ps / sizeof(*w); j++)
		if (w[j])
			return 0;
	return 1;
}

static sigjmp_buf probe_env;
static void *volatile probe_where;
static volatile sig_atomic_t probe_signo;

static void probe_handler(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	probe_signo = sig;
	probe_where = si->si_addr;
	siglongjmp(probe_env, 1);
}

/*
 * probe() - read or write one byte, surviving SIGSEGV and SIGBUS
 * @addr: the byte
 * @write: write *@val if nonzero, else read into *@val
 * @val: the byte to write, or where to put the byte read
 *
 * Return: 0 if the access went through, else the signal it raised; the
 * address the kernel reported is in probe_where.
 */
static int probe(void *addr, int write, unsigned char *val)
{
	volatile unsigned char *p = addr;
	struct sigaction sa, old_segv, old_bus;
	int sig = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = probe_handler;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, &old_segv);
	sigaction(SIGBUS, &sa, &old_bus);
	probe_signo = 0;
	probe_where = NULL;
	if (!sigsetjmp(probe_env, 1)) {
		if (write)
			*p = *val;
		else
			*val = *p;
	} else {
		sig = probe_signo;
	}
	sigaction(SIGSEGV, &old_segv, NULL);
	sigaction(SIGBUS, &old_bus, NULL);
	return sig;
}

/* probe() expecting SIGSEGV at exactly @p; 1 if so. */
static int segv_at(void *p, int write)
{
	unsigned char v = 0x5a;

	return probe(p, write, &v) == SIGSEGV && probe_where == p;
}

static const char *sig_name(int sig)
{
	return sig ? strsignal(sig) : "no signal";
}

/* mmap() takes no page; munmap() of an untouched mapping returns none. */
static void test_mmap_reserves(void)
{
	const size_t n = 16;
	struct smm_faults b, a, c;
	const struct smm_mapping *m;
	char comm[32] = "", why[256];
	char *p;
	FILE *fp;

	fp = fopen("/proc/self/comm", "r");
	if (fp) {
		if (fscanf(fp, "%31s", comm) != 1)
			comm[0] = '\0';
		fclose(fp);
	}
	get(&b);
	p = map_dev(n, MAP_SHARED, 0);
	if (p == MAP_FAILED) {
		smm_check(0, "mmap of 16 pages takes no page", "mmap: %s", strerror(errno));
		return;
	}
	get(&a);
	smm_check(a.faults == b.faults && a.pages_mapped == b.pages_mapped &&
		  a.pages_resident == b.pages_resident && a.mappings == b.mappings + 1,
		  "mmap of 16 pages takes no page",
		  "faults %lld -> %lld, pages_mapped %lld -> %lld, pages_resident %lld -> %lld, mappings %lld -> %lld (want +1)",
		  b.faults, a.faults, b.pages_mapped, a.pages_mapped, b.pages_resident,
		  a.pages_resident, b.mappings, a.mappings);
	m = smm_find_mapping(&a, getpid(), (unsigned long)p);
	if (m)
		snprintf(why, sizeof(why),
			 "comm=%s start=%#lx end=%#lx size_kb=%lld resident=%lld; want comm=%s end=%#lx size_kb=%zu resident=0",
			 m->comm, m->start, m->end, m->size_kb, m->resident, comm,
			 (unsigned long)p + n * ps, n * ps / 1024);
	else
		snprintf(why, sizeof(why), "no mapping line with pid=%d start=%p", getpid(), p);
	smm_check(m && m->end == (unsigned long)p + n * ps &&
		  m->size_kb == (long long)(n * ps / 1024) && m->resident == 0 &&
		  !strcmp(m->comm, comm),
		  "the mapping line shows pid, comm, start, end, size_kb and resident=0", "%s",
		  why);
	munmap(p, n * ps);
	get(&c);
	smm_check(c.pages_returned == b.pages_returned && c.mappings == b.mappings &&
		  !smm_find_mapping(&c, getpid(), 0),
		  "munmap of an untouched mapping returns no page and drops its line",
		  "pages_returned %lld -> %lld, mappings %lld -> %lld, line for pid %d %s",
		  b.pages_returned, c.pages_returned, b.mappings, c.mappings, getpid(),
		  smm_find_mapping(&c, getpid(), 0) ? "still there" : "gone");
}

/* Touch 16 pages one by one and watch the counters after each. */
static void test_one_by_one(void)
{
	const size_t n = 16;
	long bad_fault = -1, bad_zero = -1, bad_again = -1, bad_line = -1, bad_data = -1;
	struct smm_faults b, a, c, d;
	const struct smm_mapping *m;
	char why[256] = "";
	char *p;
	size_t i;

	p = map_dev(n, MAP_SHARED, 0);
	if (p == MAP_FAILED) {
		smm_check(0, "one by one: each first touch faults exactly once", "mmap: %s",
			  strerror(errno));
		return;
	}
	for (i = 0; i < n; i++) {
		char *pg = p + i * ps;

		get(&b);
		/* A read is a touch: the whole page must read as zeroes. */
		if (!page_zero(pg) && bad_zero < 0)
			bad_zero = i;
		get(&a);
		if (bad_fault < 0 && (a.faults != b.faults + 1 ||
				      a.pages_mapped != b.pages_mapped + 1 ||
				      a.pages_resident != b.pages_resident + 1)) {
			bad_fault = i;
			snprintf(why, sizeof(why),
				 "page %zu: faults %lld -> %lld, pages_mapped %lld -> %lld, pages_resident %lld -> %lld (want +1 each)",
				 i, b.faults, a.faults, b.pages_mapped, a.pages_mapped,
				 b.pages_resident, a.pages_resident);
		}
		/*
		 * Writing the page now takes no new page.  A read maps it
		 * read-only (write-notify: the first write goes through
		 * ->pfn_mkwrite, at most one refault); after that a write
		 * does not fault at all.
		 */
		fill_page(pg, i + 1);
		get(&c);
		fill_page(pg, i + 1);
		get(&d);
		if (bad_again < 0 && (c.faults != a.faults || c.refaults > a.refaults + 1 ||
				      c.pages_mapped != a.pages_mapped || d.faults != c.faults ||
				      d.refaults != c.refaults))
			bad_again = i;
		m = smm_find_mapping(&c, getpid(), (unsigned long)p);
		if (bad_line < 0 && (!m || m->resident != (long long)i + 1))
			bad_line = i;
	}
	for (i = 0; i < n; i++)
		if (bad_data < 0 && !page_ok(p + i * ps, i + 1))
			bad_data = i;
	smm_check(bad_fault < 0, "one by one: each first touch faults exactly once", "%s", why);
	smm_check(bad_zero < 0, "one by one: a new page reads as zeroes",
		  "page %ld has nonzero bytes on first read", bad_zero);
	smm_check(bad_again < 0,
		  "one by one: writing a page already read takes no page (one write-notify refault at most), a second write no fault",
		  "page %ld: faults or pages_mapped moved on the write after the first read, or refaults by more than 1, or the second write faulted",
		  bad_again);
	smm_check(bad_line < 0, "one by one: the mapping line counts the resident pages",
		  "after page %ld the mapping line's resident= is not %ld", bad_line, bad_line + 1);
	smm_check(bad_data < 0, "one by one: the data pattern reads back",
		  "page %ld does not hold what was written", bad_data);
	get(&b);
	munmap(p, n * ps);
	get(&a);
	smm_check(a.pages_returned == b.pages_returned + (long long)n &&
		  a.pages_resident == b.pages_resident - (long long)n && a.faults == b.faults,
		  "one by one: munmap returns all 16 pages",
		  "pages_returned %lld -> %lld, pages_resident %lld -> %lld (want +16, -16)",
		  b.pages_returned, a.pages_returned, b.pages_resident, a.pages_resident);
}

/* A fresh mapping touched by a tight loop, one write per page. */
static void test_all_at_once(void)
{
	const size_t n = 1024;
	struct smm_faults b, a;
	long bad = -1;
	char *p;
	size_t i;

	p = map_dev(n, MAP_SHARED, 0);
	if (p == MAP_FAILED) {
		smm_check(0, "all at once: 1024 pages fault exactly 1024 times", "mmap: %s",
			  strerror(errno));
		return;
	}
	get(&b);
	for (i = 0; i < n; i++)
		*(uint64_t *)(p + i * ps) = 0xa11a70000000ULL + i;
	get(&a);
	smm_check(a.faults == b.faults + (long long)n &&
		  a.pages_mapped == b.pages_mapped + (long long)n &&
		  a.pages_resident == b.pages_resident + (long long)n && a.refaults == b.refaults,
		  "all at once: 1024 pages fault exactly 1024 times",
		  "faults +%lld, refaults +%lld, pages_mapped +%lld, pages_resident +%lld (want 1024, 0, 1024, 1024)",
		  a.faults - b.faults, a.refaults - b.refaults, a.pages_mapped - b.pages_mapped,
		  a.pages_resident - b.pages_resident);
	for (i = 0; i < n && bad < 0; i++)
		if (*(uint64_t *)(p + i * ps) != 0xa11a70000000ULL + i ||
		    *(uint64_t *)(p + i * ps + 8) || *(uint64_t *)(p + i * ps + ps - 8))
			bad = i;
	smm_check(bad < 0, "all at once: every page holds its own value and zeroes",
		  "page %ld differs", bad);
	get(&b);
	munmap(p, n * ps);
	get(&a);
	smm_check(a.pages_returned == b.pages_returned + (long long)n &&
		  a.pages_resident == b.pages_resident - (long long)n,
		  "all at once: munmap returns all 1024 pages",
		  "pages_returned +%lld, pages_resident %lld -> %lld",
		  a.pages_returned - b.pages_returned, b.pages_resident, a.pages_resident);
}

#define NR_THREADS	4
#define THREAD_PAGES	256

static pthread_barrier_t start_line;

/*
 * Every thread writes its own word of every page.  They meet at the barrier
 * before each page, so that they fault on it at the same time: one takes
 * the page, the others wait for the mapping's lock and find it there.
 */
static void *toucher(void *arg)
{
	uintptr_t t = (uintptr_t)arg >> 56;
	char *p = (char *)((uintptr_t)arg & ((1ULL << 56) - 1));
	size_t i;

	for (i = 0; i < THREAD_PAGES; i++) {
		pthread_barrier_wait(&start_line);
		((volatile uint64_t *)(p + i * ps))[t] = i << 8 | (t + 1);
	}
	return NULL;
}

/* Several threads fault the same pages at the same time. */
static void test_threads(void)
{
	pthread_t th[NR_THREADS];
	struct smm_faults b, a;
	long bad = -1;
	int t, err;
	size_t i, j;
	char *p;

	p = map_dev(THREAD_PAGES, MAP_SHARED, 0);
	if (p == MAP_FAILED) {
		smm_check(0, "threads: 4 threads on the same 256 pages fault each page once",
			  "mmap: %s", strerror(errno));
		return;
	}
	get(&b);
	pthread_barrier_init(&start_line, NULL, NR_THREADS);
	for (t = 0; t < NR_THREADS; t++) {
		err = pthread_create(&th[t], NULL, toucher,
				     (void *)((uintptr_t)p | (uintptr_t)t << 56));
		if (err) {
			smm_check(0,
				  "threads: 4 threads on the same 256 pages fault each page once",
				  "pthread_create: %s", strerror(err));
			_exit(0);	/* the others wait at the barrier forever */
		}
	}
	for (t = 0; t < NR_THREADS; t++)
		pthread_join(th[t], NULL);
	get(&a);
	smm_note("threads: %lld refaults (a thread faulting on a page another one was mapping)",
		 a.refaults - b.refaults);
	smm_check(a.faults == b.faults + THREAD_PAGES &&
		  a.pages_mapped == b.pages_mapped + THREAD_PAGES &&
		  a.pages_resident == b.pages_resident + THREAD_PAGES,
		  "threads: 4 threads on the same 256 pages fault each page once",
		  "faults +%lld, pages_mapped +%lld, pages_resident +%lld (want 256 each)",
		  a.faults - b.faults, a.pages_mapped - b.pages_mapped,
		  a.pages_resident - b.pages_resident);
	for (i = 0; i < THREAD_PAGES && bad < 0; i++) {
		const uint64_t *w = (const uint64_t *)(p + i * ps);

		for (j = 0; j < ps / 8; j++)
			if (w[j] != (j < NR_THREADS ? i << 8 | (j + 1) : 0))
				bad = i;
	}
	smm_check(bad < 0, "threads: every page holds what every thread wrote",
		  "page %ld differs (a page mapped twice loses one thread's write)", bad);
	get(&b);
	munmap(p, THREAD_PAGES * ps);
	get(&a);
	smm_check(a.pages_returned == b.pages_returned + THREAD_PAGES &&
		  a.pages_resident == b.pages_resident - THREAD_PAGES,
		  "threads: munmap returns all 256 pages",
		  "pages_returned +%lld, pages_resident %lld -> %lld",
		  a.pages_returned - b.pages_returned, b.pages_resident, a.pages_resident);
}

/*
 * munmap() of the middle of 32 pages: pages 8..23 go, 12 and 13 of them
 * never touched; page 30, past the hole, is touched only afterwards.
 */
static void test_munmap_middle(void)
{
	const size_t n = 32, lo = 8, hi = 24;
	struct smm_faults b, a;
	long bad = -1;
	int lines = 0;
	unsigned char v = 0xff;
	long long res;
	char *p;
	size_t i;

	p = map_dev(n, MAP_SHARED, 0);
	if (p == MAP_FAILED) {
		smm_check(0, "munmap in the middle returns the middle's 14 resident pages",
			  "mmap: %s", strerror(errno));
		return;
	}
	for (i = 0; i < n; i++)
		if (i != 12 && i != 13 && i != 30)
			fill_page(p + i * ps, 100 + i);
	get(&b);
	if (munmap(p + lo * ps, (hi - lo) * ps))
		smm_note("munmap of the middle: %s", strerror(errno));
	get(&a);
	smm_check(a.pages_returned == b.pages_returned + 14 &&
		  a.pages_resident == b.pages_resident - 14 &&
		  a.faults == b.faults,
		  "munmap in the middle returns the middle's 14 resident pages",
		  "pages_returned +%lld, pages_resident %lld -> %lld, faults +%lld (want +14, -14, +0)",
		  a.pages_returned - b.pages_returned, b.pages_resident, a.pages_resident,
		  a.faults - b.faults);
	res = smm_pid_resident(&a, getpid(), &lines);
	smm_check(lines >= 1 && res == 15,
		  "munmap in the middle: the mapping lines keep 15 resident pages",
		  "%d mapping lines for pid %d with resident= adding up to %lld", lines, getpid(),
		  res);
	b = a;
	for (i = 0; i < n; i++)
		if ((i < lo || i >= hi) && i != 30 && bad < 0 && !page_ok(p + i * ps, 100 + i))
			bad = i;
	get(&a);
	smm_check(bad < 0 && a.faults == b.faults,
		  "munmap in the middle: both ends keep their data without faulting",
		  "page %ld lost its data (-1: none); reading the ends faulted %lld times",
		  bad, a.faults - b.faults);
	smm_check(segv_at(p + 16 * ps, 0) && segv_at(p + 12 * ps, 1) && segv_at(p + lo * ps, 0) &&
		  segv_at(p + hi * ps - 1, 1),
		  "munmap in the middle: touching the hole gives SIGSEGV",
		  "last probe: %s at %p", sig_name(probe_signo), probe_where);
	get(&b);
	smm_check(!probe(p + 30 * ps, 0, &v) && v == 0 && page_zero(p + 30 * ps),
		  "munmap in the middle: a page past the hole still faults in, zeroed",
		  "reading page 30: %s, byte %#x", sig_name(probe_signo), v);
	get(&a);
	smm_check(a.faults == b.faults + 1 && a.pages_resident == b.pages_resident + 1,
		  "munmap in the middle: that fault counts once",
		  "faults +%lld, pages_resident +%lld (want 1, 1)",
		  a.faults - b.faults, a.pages_resident - b.pages_resident);
	b = a;
	munmap(p, n * ps);
	get(&a);
	smm_check(a.pages_returned == b.pages_returned + 16 &&
		  a.pages_resident == b.pages_resident - 16 &&
		  !smm_find_mapping(&a, getpid(), 0),
		  "munmap in the middle: unmapping the ends returns their 16 pages",
		  "pages_returned +%lld, pages_resident %lld -> %lld, line %s",
		  a.pages_returned - b.pages_returned, b.pages_resident, a.pages_resident,
		  smm_find_mapping(&a, getpid(), 0) ? "still there" : "gone");
}

/* What mmap() and mremap() must refuse. */
static void test_refused(void)
{
	static const int kinds[] = { MAP_SHARED, MAP_PRIVATE };
	struct smm_faults b, a;
	int err, ok, i, k;
	void *target;
	char *p, *q, name[96];

	get(&b);
	p = map_dev(4, MAP_SHARED, ps);
	err = errno;
	get(&a);
	smm_check(p == MAP_FAILED && err == EINVAL && a.mappings == b.mappings,
		  "a nonzero offset is refused with EINVAL",
		  "mmap at offset 4096 %s, errno %d (%s), mappings %lld -> %lld",
		  p == MAP_FAILED ? "failed" : "succeeded", err, strerror(err), b.mappings,
		  a.mappings);
	if (p != MAP_FAILED)
		munmap(p, 4 * ps);

	for (k = 0; k < 2; k++) {
		const char *kind = kind_name(kinds[k]);

		snprintf(name, sizeof(name), "%s: mremap to grow is refused", kind);
		p = map_dev(4, kinds[k], 0);
		if (p == MAP_FAILED) {
			smm_check(0, name, "mmap: %s", strerror(errno));
			continue;
		}
		for (i = 0; i < 4; i++)
			fill_page(p + i * ps, 400 + i);
		get(&b);
		q = mremap(p, 4 * ps, 64 * ps, MREMAP_MAYMOVE);
		err = errno;
		ok = q == MAP_FAILED;
		if (!ok) {
			munmap(q, 64 * ps);
		} else {
			for (i = 0; i < 4; i++)
				ok &= page_ok(p + i * ps, 400 + i);
		}
		get(&a);
		smm_check(ok && a.pages_resident == b.pages_resident && a.faults == b.faults, name,
			  "mremap from 4 to 64 pages %s (errno %d); data %s; pages_resident %lld -> %lld",
			  q == MAP_FAILED ? "failed" : "succeeded", err, ok ? "intact" : "changed",
			  b.pages_resident, a.pages_resident);
		if (q != MAP_FAILED)
			continue;

		snprintf(name, sizeof(name), "%s: mremap to move is refused", kind);
		target = mmap(NULL, 4 * ps, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		q = mremap(p, 4 * ps, 4 * ps, MREMAP_MAYMOVE | MREMAP_FIXED, target);
		err = errno;
		ok = q == MAP_FAILED;
		if (!ok) {
			p = q;
		} else {
			for (i = 0; i < 4; i++)
				ok &= page_ok(p + i * ps, 400 + i);
			munmap(target, 4 * ps);
		}
		get(&a);
		smm_check(ok && a.pages_resident == b.pages_resident && a.faults == b.faults, name,
			  "mremap to a new address %s (errno %d); data %s; pages_resident %lld -> %lld",
			  q == MAP_FAILED ? "failed" : "succeeded", err, ok ? "intact" : "changed",
			  b.pages_resident, a.pages_resident);
		get(&b);
		munmap(p, 4 * ps);
		get(&a);
		snprintf(name, sizeof(name), "%s: the mapping mremap refused unmaps cleanly", kind);
		smm_check(a.pages_returned == b.pages_returned + 4 &&
			  a.pages_resident == b.pages_resident - 4, name,
			  "pages_returned +%lld, pages_resident %lld -> %lld (want +4, -4)",
			  a.pages_returned - b.pages_returned, b.pages_resident, a.pages_resident);
	}
}

/*
 * Not a check: what madvise(MADV_DONTNEED) does to a mapping (6.12 refuses
 * it on VM_PFNMAP; kernels without CONFIG_ADVISE_SYSCALLS have no madvise).
 */
static void note_dontneed(void)
{
	struct smm_faults b, a;
	int ret, err;
	char *p;

	p = map_dev(1, MAP_SHARED, 0);
	if (p == MAP_FAILED)
		return;
	fill_page(p, 500);
	get(&b);
	ret = madvise(p, ps, MADV_DONTNEED);
	err = errno;
	if (ret) {
		smm_note("madvise(MADV_DONTNEED) on a mapping: %s", strerror(err));
	} else {
		smm_note("madvise(MADV_DONTNEED) on a mapping: ok; then the page %s",
			 page_ok(p, 500) ? "kept its data" : "lost its data");
		get(&a);
		smm_note("and reading it again: faults +%lld, refaults +%lld",
			 a.faults - b.faults, a.refaults - b.refaults);
	}
	munmap(p, ps);
}

static const char *status_text(int st)
{
	static char buf[64];

	if (st == -1)
		return "lost (waitpid failed)";
	if (WIFSIGNALED(st))
		snprintf(buf, sizeof(buf), "killed by %s", strsignal(WTERMSIG(st)));
	else
		snprintf(buf, sizeof(buf), "exit %d", WEXITSTATUS(st));
	return buf;
}

/* Pages [lo, hi) of @p hold the pattern base + i; the first bad page or -1. */
static long range_bad(const char *p, size_t lo, size_t hi, uint64_t base)
{
	size_t i;

	for (i = lo; i < hi; i++)
		if (!page_ok(p + i * ps, base + i))
			return i;
	return -1;
}

static void range_fill(char *p, size_t lo, size_t hi, uint64_t base)
{
	size_t i;

	for (i = lo; i < hi; i++)
		fill_page(p + i * ps, base + i);
}

/* Pages taken and not yet given back. */
static long long outstanding(const struct smm_faults *f)
{
	return f->pages_mapped - f->pages_returned;
}

/* MAP_PRIVATE without fork: the pages are the process's own. */
static void test_private(void)
{
	const size_t n = 16;
	struct smm_faults b, a, c;
	struct smm_vm vb, va;
	int zero = 1;
	long bad;
	char *p;
	size_t i;

	p = map_dev(n, MAP_PRIVATE, 0);
	if (p == MAP_FAILED) {
		smm_check(0, "MAP_PRIVATE: 16 pages map at offset 0", "mmap: %s", strerror(errno));
		return;
	}
	get(&b);
	vm(&vb);
	for (i = 0; i < n; i++)
		zero &= page_zero(p + i * ps);
	range_fill(p, 0, n, 0x900);
	bad = range_bad(p, 0, n, 0x900);
	get(&a);
	vm(&va);
	smm_check(zero && bad < 0 && a.pages_mapped == b.pages_mapped + (long long)n &&
		  a.pages_resident == b.pages_resident + (long long)n &&
		  va.cow_fault == vb.cow_fault && vb.cow_fault >= 0,
		  "MAP_PRIVATE: zeroed pages on first read, a write after the read takes no second page and counts no cow_fault",
		  "pages %s, page %ld differs (-1: none), pages_mapped +%lld, pages_resident +%lld (want 16, 16), cow_fault %lld -> %lld (want no change)",
		  zero ? "zero" : "not zero", bad, a.pages_mapped - b.pages_mapped,
		  a.pages_resident - b.pages_resident, vb.cow_fault, va.cow_fault);
	tables_ok("MAP_PRIVATE without fork, pages touched");
	munmap(p, n * ps);
	get(&c);
	smm_check(c.pages_returned == a.pages_returned + (long long)n &&
		  c.pages_resident == b.pages_resident,
		  "MAP_PRIVATE: munmap returns all 16 pages",
		  "pages_returned +%lld, pages_resident %lld -> %lld", c.pages_returned - a.pages_returned,
		  b.pages_resident, c.pages_resident);
}

/*
 * The child of test_fork_private(): reads the parent's pattern, writes K
 * pages of its own, and checks that the parent's later writes stay away.
 * Exit: a bit per thing that went wrong.
 */
#define FP_N	64
#define FP_K	16
#define FP_P	8

static void __noreturn fork_private_child(struct smm_peer *pr, char *p)
{
	int code = 0;

	if (range_bad(p, 0, FP_N, 0xa000) >= 0)
		code |= 1;		/* it did not read the old contents */
	if (!smm_peer_say(pr, 'r') || !smm_peer_hear(pr, 'w'))
		_exit(code | 64);
	range_fill(p, 0, FP_K, 0xc000);
	if (!smm_peer_say(pr, 'c') || !smm_peer_hear(pr, 'v'))
		_exit(code | 64);
	if (range_bad(p, 0, FP_K, 0xc000) >= 0)
		code |= 2;		/* its own writes did not stay */
	if (range_bad(p, FP_K, FP_N, 0xa000) >= 0)
		code |= 4;		/* it sees the parent's writes */
	if (!smm_peer_say(pr, 'k') || !smm_peer_hear(pr, 'x'))
		_exit(code | 64);
	_exit(code);			/* without munmap: exit frees */
}

/*
 * fork() with MAP_PRIVATE: parent and child read the same pages; the first
 * write by either side copies the page (a cow_fault); a write by the last
 * process mapping a page reuses it.  The child writes pages [0, K) (K
 * copies), the parent then writes [K, K + P) (P copies: the child keeps
 * the originals), then [0, K) again (the originals are its alone now: no
 * copy).  The child's exit frees its K copies and the P originals; after
 * it, the parent's writes to the rest copy nothing either.
 */
static void test_fork_private(void)
{
	static const char *const why[] = {
		"the child did not read the parent's contents",
		"the child's own writes did not stay",
		"the child saw the parent's writes",
	};
	struct smm_faults f0, f1, f2, f3, f4, f5, f6;
	struct smm_vm v0, v1, v2, v3, v4, v5;
	struct smm_peer pr;
	char msg[256] = "";
	int st, bit, code;
	long bad;
	char *p;

	p = map_dev(FP_N, MAP_PRIVATE, 0);
	if (p == MAP_FAILED) {
		smm_check(0, "fork MAP_PRIVATE: both sides read the old contents", "mmap: %s",
			  strerror(errno));
		return;
	}
	range_fill(p, 0, FP_N, 0xa000);
	get(&f0);
	vm(&v0);
	switch (smm_fork_peer(&pr)) {
	case -1:
		_exit(1);
	case 0:
		fork_private_child(&pr, p);
	}
	if (!smm_peer_hear(&pr, 'r')) {
		smm_check(0, "fork MAP_PRIVATE: both sides read the old contents",
			  "the child never reported (%s)", status_text(smm_peer_reap(&pr)));
		return;
	}
	bad = range_bad(p, 0, FP_N, 0xa000);
	get(&f1);
	vm(&v1);
	smm_check(bad < 0 && v1.cow_fault == v0.cow_fault && f1.pages_mapped == f0.pages_mapped,
		  "fork MAP_PRIVATE: both sides read the old contents, fork and reads copy nothing",
		  "parent's page %ld differs (-1: none); cow_fault +%lld, pages_mapped +%lld (want 0, 0)",
		  bad, v1.cow_fault - v0.cow_fault, f1.pages_mapped - f0.pages_mapped);
	tables_ok("fork MAP_PRIVATE: after fork, both sides mapping the same pages");
	smm_peer_say(&pr, 'w');
	smm_peer_hear(&pr, 'c');
	bad = range_bad(p, 0, FP_N, 0xa000);
	get(&f2);
	vm(&v2);
	smm_check(bad < 0 && v2.cow_fault == v1.cow_fault + FP_K &&
		  f2.pages_mapped == f1.pages_mapped + FP_K,
		  "fork MAP_PRIVATE: the child's first write to each of 16 pages copies it (cow_fault +16), the parent does not see it",
		  "parent's page %ld changed (-1: none); cow_fault +%lld, pages_mapped +%lld (want 16, 16)",
		  bad, v2.cow_fault - v1.cow_fault, f2.pages_mapped - f1.pages_mapped);
	range_fill(p, FP_K, FP_K + FP_P, 0xb000);
	get(&f3);
	vm(&v3);
	smm_check(v3.cow_fault == v2.cow_fault + FP_P && f3.pages_mapped == f2.pages_mapped + FP_P,
		  "fork MAP_PRIVATE: the parent's first write to each of 8 shared pages copies it (cow_fault +8)",
		  "cow_fault +%lld, pages_mapped +%lld (want 8, 8)", v3.cow_fault - v2.cow_fault,
		  f3.pages_mapped - f2.pages_mapped);
	smm_peer_say(&pr, 'v');
	smm_peer_hear(&pr, 'k');
	tables_ok("fork MAP_PRIVATE: after copies on both sides");
	/* The child copied pages [0, K) away: the originals are the parent's alone. */
	range_fill(p, 0, FP_K, 0xb000);
	get(&f4);
	vm(&v4);
	smm_check(v4.cow_fault == v3.cow_fault && f4.pages_mapped == f3.pages_mapped,
		  "fork MAP_PRIVATE: the parent's writes to the 16 pages only it maps now reuse them (no copy, no cow_fault)",
		  "cow_fault +%lld, pages_mapped +%lld (want 0, 0)", v4.cow_fault - v3.cow_fault,
		  f4.pages_mapped - f3.pages_mapped);
	smm_peer_say(&pr, 'x');
	st = smm_peer_reap(&pr);
	get(&f5);
	code = st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : 0x7f;
	for (bit = 0; bit < 3; bit++)
		if (code & 1 << bit)
			snprintf(msg + strlen(msg), sizeof(msg) - strlen(msg), "%s%s",
				 msg[0] ? "; " : "", why[bit]);
	smm_check(code == 0, "fork MAP_PRIVATE: the child read the old contents and kept its own writes private",
		  "child %s%s%s", status_text(st), msg[0] ? ": " : "", msg);
	smm_check(f5.pages_returned == f4.pages_returned + FP_K + FP_P,
		  "fork MAP_PRIVATE: the child's exit frees exactly the 24 pages only it held (its 16 copies, the 8 originals the parent copied away from)",
		  "pages_returned +%lld (want 24)", f5.pages_returned - f4.pages_returned);
	tables_ok("fork MAP_PRIVATE: after the child's exit");
	range_fill(p, FP_K + FP_P, FP_N, 0xd000);
	get(&f6);
	vm(&v5);
	bad = range_bad(p, 0, FP_K + FP_P, 0xb000);
	if (bad < 0)
		bad = range_bad(p, FP_K + FP_P, FP_N, 0xd000);
	smm_check(bad < 0 && v5.cow_fault == v4.cow_fault && f6.pages_mapped == f5.pages_mapped,
		  "fork MAP_PRIVATE: after the child's exit the parent's writes reuse the 40 pages it shared (no copy), and its data is its own",
		  "page %ld differs (-1: none); cow_fault +%lld, pages_mapped +%lld (want 0, 0)", bad,
		  v5.cow_fault - v4.cow_fault, f6.pages_mapped - f5.pages_mapped);
	munmap(p, FP_N * ps);
	get(&f5);
	smm_check(f5.pages_returned == f6.pages_returned + FP_N &&
		  outstanding(&f5) == outstanding(&f0) - FP_N,
		  "fork MAP_PRIVATE: munmap returns the parent's 64 pages, and every copy is back",
		  "pages_returned +%lld (want 64); pages taken and not returned: %lld before the fill, %lld now (want %lld)",
		  f5.pages_returned - f6.pages_returned, outstanding(&f0), outstanding(&f5),
		  outstanding(&f0) - FP_N);
}

/* fork() with MAP_SHARED: the child shares the pages, writes go both ways. */
static void test_fork_shared(void)
{
	const size_t n = 16, h = 8;
	struct smm_faults f0, f1, f2, f3;
	struct smm_vm v0, v1;
	struct smm_peer pr;
	long bad;
	int st;
	char *p;

	p = map_dev(n, MAP_SHARED, 0);
	if (p == MAP_FAILED) {
		smm_check(0, "fork MAP_SHARED: the child's writes are seen by the parent",
			  "mmap: %s", strerror(errno));
		return;
	}
	range_fill(p, 0, n, 0xa100);
	get(&f0);
	vm(&v0);
	switch (smm_fork_peer(&pr)) {
	case -1:
		_exit(1);
	case 0: {
		int code = 0;

		if (range_bad(p, 0, n, 0xa100) >= 0)
			code |= 1;
		range_fill(p, 0, h, 0xc100);
		if (!smm_peer_say(&pr, 'c') || !smm_peer_hear(&pr, 'p'))
			_exit(code | 64);
		if (range_bad(p, 0, h, 0xc100) >= 0 || range_bad(p, h, n, 0xb100) >= 0)
			code |= 2;
		if (!smm_peer_say(&pr, 'k') || !smm_peer_hear(&pr, 'x'))
			_exit(code | 64);
		_exit(code);
	}
	}
	smm_peer_hear(&pr, 'c');
	bad = range_bad(p, 0, h, 0xc100);
	if (bad < 0)
		bad = range_bad(p, h, n, 0xa100);
	get(&f1);
	vm(&v1);
	smm_check(bad < 0 && v1.cow_fault == v0.cow_fault && f1.pages_mapped == f0.pages_mapped,
		  "fork MAP_SHARED: the child's writes are seen by the parent, with no copy",
		  "page %ld is not what the child wrote or left (-1: none); cow_fault +%lld, pages_mapped +%lld (want 0, 0)",
		  bad, v1.cow_fault - v0.cow_fault, f1.pages_mapped - f0.pages_mapped);
	range_fill(p, h, n, 0xb100);
	smm_peer_say(&pr, 'p');
	smm_peer_hear(&pr, 'k');
	tables_ok("fork MAP_SHARED: both sides writing the same pages");
	get(&f2);
	smm_peer_say(&pr, 'x');
	st = smm_peer_reap(&pr);
	get(&f3);
	smm_check(st == 0, "fork MAP_SHARED: the child reads the parent's contents and the parent's writes",
		  "child %s (exit 1: old contents wrong, 2: the parent's writes not seen)",
		  status_text(st));
	smm_check(f3.pages_returned == f2.pages_returned && f3.pages_mapped == f2.pages_mapped,
		  "fork MAP_SHARED: the child's exit frees no page (the parent still maps them all)",
		  "pages_returned +%lld, pages_mapped +%lld (want 0, 0)",
		  f3.pages_returned - f2.pages_returned, f3.pages_mapped - f2.pages_mapped);
	munmap(p, n * ps);
	get(&f2);
	smm_check(f2.pages_returned == f3.pages_returned + (long long)n &&
		  outstanding(&f2) == outstanding(&f0) - (long long)n,
		  "fork MAP_SHARED: the parent's munmap returns the 16 pages",
		  "pages_returned +%lld (want 16)", f2.pages_returned - f3.pages_returned);
}

/*
 * What a process may do to a mapping before fork(), and which pages the
 * child must then reach.
 */
enum fork_prep {
	PREP_NONE,		/* a plain fork: the child inherits it all */
	PREP_DONTFORK,		/* MADV_DONTFORK: the child gets none */
	PREP_MPROTECT,		/* mprotect(PROT_READ), MADV_DONTFORK, mprotect back */
	PREP_SPLIT,		/* MADV_DONTFORK on the middle page only */
	PREP_DOFORK,		/* MADV_DONTFORK then MADV_DOFORK */
	PREP_SHRINK,		/* mremap() to half the size */
	PREP_NR,
};

static const char *const prep_names[PREP_NR] = {
	[PREP_NONE]	= "nothing",
	[PREP_DONTFORK]	= "MADV_DONTFORK",
	[PREP_MPROTECT]	= "mprotect, MADV_DONTFORK, mprotect",
	[PREP_SPLIT]	= "MADV_DONTFORK on the middle page",
	[PREP_DOFORK]	= "MADV_DONTFORK then MADV_DOFORK",
	[PREP_SHRINK]	= "mremap to half",
};

/*
 * The child of test_dontfork(): wait until the parent has unmapped @p and
 * given its pages to a new mapping, then touch every page of @p.  A page
 * it inherited ('I' in @want) must hold the parent's old contents and
 * take a write; any other must raise SIGSEGV.  Exit: the number of pages
 * that did otherwise (0 is right), or 100 if the parent never said go.
 */
static void __noreturn dontfork_child(int down, char *p, size_t n, const char *want)
{
	unsigned char v;
	int wrong = 0;
	size_t i;

	if (smm_read_byte(down, 120) != 'g')
		_exit(100);
	for (i = 0; i < n; i++) {
		if (want[i] != 'I') {
			if (!segv_at(p + i * ps, 0) || !segv_at(p + i * ps + 1, 1))
				wrong++;
			continue;
		}
		if (probe(p + i * ps, 0, &v) || !page_ok(p + i * ps, 0x600 + i)) {
			wrong++;
			continue;
		}
		fill_page(p + i * ps, 0x800 + i);
		if (!page_ok(p + i * ps, 0x800 + i))
			wrong++;
	}
	_exit(wrong);
}

/*
 * fork() after each preparation, for MAP_SHARED and MAP_PRIVATE: the child
 * reaches exactly the pages it inherited, with the contents they had, even
 * after the parent unmapped them and a new mapping took free pages; and
 * no page is left behind when both are gone.
 */
static void test_dontfork(void)
{
	static const int kinds[] = { MAP_SHARED, MAP_PRIVATE };
	const size_t n = 8;
	int prep, k, down[2], st, ret, err, reached, ok;
	struct smm_faults f0, f1;
	char why[384], want[8];
	size_t len;
	char *p, *q;
	pid_t pid;

	signal(SIGPIPE, SIG_IGN);
	for (k = 0; k < 2; k++)
	for (prep = 0; prep < PREP_NR; prep++) {
		char name[160];

		snprintf(name, sizeof(name),
			 "%s, fork after %s: the child reaches exactly the pages it inherited, with their contents",
			 kind_name(kinds[k]), prep_names[prep]);
		get(&f0);
		p = map_dev(n, kinds[k], 0);
		if (p == MAP_FAILED) {
			smm_check(0, name, "mmap: %s", strerror(errno));
			continue;
		}
		len = n * ps;
		range_fill(p, 0, n, 0x600);
		memset(want, 'I', n);
		ret = 0;
		err = 0;
		switch (prep) {
		case PREP_DONTFORK:
			ret = madvise(p, len, MADV_DONTFORK);
			err = errno;
			memset(want, 'S', n);
			break;
		case PREP_MPROTECT:
			mprotect(p, len, PROT_READ);
			ret = madvise(p, len, MADV_DONTFORK);
			err = errno;
			mprotect(p, len, PROT_READ | PROT_WRITE);
			memset(want, 'S', n);
			break;
		case PREP_SPLIT:
			ret = madvise(p + n / 2 * ps, ps, MADV_DONTFORK);
			err = errno;
			want[n / 2] = 'S';
			break;
		case PREP_DOFORK:
			madvise(p, len, MADV_DONTFORK);
			ret = madvise(p, len, MADV_DOFORK);
			err = errno;
			/* Refused (VM_IO): the mapping stays out of the child. */
			if (ret)
				memset(want, 'S', n);
			break;
		case PREP_SHRINK:
			q = mremap(p, len, len / 2, 0);
			ret = q == MAP_FAILED;
			err = errno;
			memset(want + n / 2, 'S', n / 2);
			break;
		}
		if (pipe(down))
			_exit(1);
		fflush(stdout);
		pid = fork();
		if (pid < 0)
			_exit(1);
		if (!pid) {
			close(down[1]);
			dontfork_child(down[0], p, n, want);
		}
		close(down[0]);
		/* The parent lets go; a new mapping takes free pages. */
		munmap(p, len);
		q = map_dev(n, MAP_SHARED, 0);
		if (q != MAP_FAILED)
			range_fill(q, 0, n, 0x700);
		if (write(down[1], "g", 1) != 1)
			smm_note("cannot tell the child to go");
		close(down[1]);
		if (waitpid(pid, &st, 0) != pid)
			st = -1;
		reached = st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
		ok = q != MAP_FAILED && range_bad(q, 0, n, 0x700) < 0;
		if (q != MAP_FAILED)
			munmap(q, n * ps);
		get(&f1);
		snprintf(why, sizeof(why),
			 "the preparation %s (errno %d); %d of %zu pages not as expected (%.8s: I inherited, S SIGSEGV)%s; the new mapping's data %s; pages taken and not returned %lld -> %lld, resident %lld -> %lld",
			 ret ? "failed" : "succeeded", ret ? err : 0, reached, n, want,
			 reached < 0 ? " (the child died or never started)" : "",
			 ok ? "intact" : "changed by the child", outstanding(&f0), outstanding(&f1),
			 f0.pages_resident, f1.pages_resident);
		smm_check(reached == 0 && ok && (!ret || prep == PREP_DOFORK) &&
			  outstanding(&f1) == outstanding(&f0) &&
			  f1.pages_resident == f0.pages_resident, name, "%s", why);
		if (prep == PREP_DOFORK)
			smm_note("%s: madvise(MADV_DOFORK) after MADV_DONTFORK %s", kind_name(kinds[k]),
				 ret ? strerror(err) : "succeeded: the child inherits the mapping");
	}
	tables_ok("fork after MADV_DONTFORK and friends");
}

/*
 * A descriptor opened read-only: MAP_SHARED gives a read-only shared
 * mapping, which reads zeroed pages from the shadow allocator and can
 * never become writable.  MAP_PRIVATE maps too.
 */
static void test_read_only(void)
{
	const size_t n = 4;
	struct smm_faults b, a, c;
	int fd, ret, err, zero = 1;
	char *p, *w;
	size_t i;

	fd = open(SMM_DEV, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		smm_check(0, "read-only open: MAP_SHARED maps read-only", "open: %s",
			  strerror(errno));
		return;
	}
	get(&b);
	p = mmap(NULL, n * ps, PROT_READ, MAP_SHARED, fd, 0);
	err = errno;
	if (p == MAP_FAILED) {
		smm_check(0, "read-only open: MAP_SHARED maps read-only", "mmap: %s",
			  strerror(err));
		close(fd);
		return;
	}
	for (i = 0; i < n; i++)
		zero &= page_zero(p + i * ps);
	get(&a);
	smm_check(zero && a.faults == b.faults + (long long)n &&
		  smm_find_mapping(&a, getpid(), (unsigned long)p),
		  "read-only open: MAP_SHARED maps read-only, zeroed pages on first read",
		  "pages %s, faults +%lld (want %zu)", zero ? "zero" : "not zero",
		  a.faults - b.faults, n);
	ret = mprotect(p, n * ps, PROT_READ | PROT_WRITE);
	err = errno;
	smm_check(ret && err == EACCES && segv_at(p, 1),
		  "read-only open: mprotect(PROT_WRITE) is refused, writes fault",
		  "mprotect %s (errno %d)", ret ? "failed" : "succeeded", ret ? err : 0);
	w = mmap(NULL, n * ps, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	err = errno;
	smm_check(w == MAP_FAILED && err == EACCES,
		  "read-only open: a writable MAP_SHARED mapping is refused with EACCES",
		  "mmap %s (errno %d)", w == MAP_FAILED ? "failed" : "succeeded", err);
	if (w != MAP_FAILED)
		munmap(w, n * ps);
	munmap(p, n * ps);
	get(&c);
	smm_check(c.pages_returned == a.pages_returned + (long long)n,
		  "read-only open: munmap gives the pages back",
		  "pages_returned +%lld (want %zu)", c.pages_returned - a.pages_returned, n);
	w = mmap(NULL, n * ps, PROT_READ, MAP_PRIVATE, fd, 0);
	err = errno;
	zero = w != MAP_FAILED;
	for (i = 0; zero && i < n; i++)
		zero &= page_zero(w + i * ps);
	if (w != MAP_FAILED)
		munmap(w, n * ps);
	get(&a);
	smm_check(zero && outstanding(&a) == outstanding(&c),
		  "read-only open: MAP_PRIVATE maps, reads zeroes, and gives back what it took",
		  "mmap %s (errno %d), pages %s; pages taken and not returned %lld -> %lld",
		  w == MAP_FAILED ? "failed" : "succeeded", w == MAP_FAILED ? err : 0,
		  zero ? "zero" : "not zero or unmapped", outstanding(&c), outstanding(&a));
	close(fd);
}

/*
 * The free kB of the zone user pages come from first, and of all the others:
 * HighMem (2.6.29), else Movable when it has pages, else Normal (6.12).
 */
static void top_zone_free(const char *zone, long long *top, long long *rest)
{
	long long total = smm_meminfo("MemFree");

	*top = strcmp(zone, "HighMem") ? smm_zone_free_kb(zone, NULL) : smm_meminfo("HighFree");
	*rest = total >= 0 && *top >= 0 ? total - *top : -1;
}

/* GFP_HIGHUSER_MOVABLE: the pages come from the highest zone while it has free pages. */
static void test_highmem_first(void)
{
	const size_t n = 64;
	long long h0, l0, h1, l1, h2, l2, managed = 0;
	const char *zone = "HighMem";
	char what[96];
	char *p;
	size_t i;

	/* 6.12 on x86-64 has no HighMem: ZONE_MOVABLE if movablecore= made one, else Normal. */
	if (smm_meminfo("HighTotal") <= 0)
		zone = smm_zone_free_kb("Movable", &managed) >= 0 && managed > 0 ?
		       "Movable" : "Normal";
	snprintf(what, sizeof(what), "pages come from %s first", zone);
	p = map_dev(n, MAP_SHARED, 0);
	if (p == MAP_FAILED) {
		smm_check(0, what, "mmap: %s", strerror(errno));
		return;
	}
	drained_free();
	top_zone_free(zone, &h0, &l0);
	for (i = 0; i < n; i++)
		p[i * ps] = 1;
	drained_free();
	top_zone_free(zone, &h1, &l1);
	smm_check(h0 >= 0 && l0 >= 0 && h0 - h1 >= (long long)(n * ps / 1024) &&
		  l0 - l1 < (long long)(n * ps / 1024), what,
		  "touching 64 pages (256 kB): %s free %lld -> %lld kB, the other zones %lld -> %lld kB",
		  zone, h0, h1, l0, l1);
	munmap(p, n * ps);
	drained_free();
	top_zone_free(zone, &h2, &l2);
	/*
	 * Every page back.  Without HighMem the page tables of the mapping come
	 * from the same zone, and munmap frees those too: up to 4 pages more.
	 */
	snprintf(what, sizeof(what), "the %s pages go back to %s", zone, zone);
	smm_check(h2 == h0 || (strcmp(zone, "HighMem") && h2 > h0 &&
			       h2 - h0 <= 4 * (long long)(ps / 1024)),
		  what, "%s free %lld kB before, %lld kB after munmap", zone, h0, h2);
}

/*
 * A child of test_two_processes(): map @n pages, say 'r'; on 'g' fill
 * them with its own pattern and say 'd'; on the next byte check them and
 * exit, without munmap().  Exit 0: data intact, 1: wrong data, 2: no mapping.
 */
static void __noreturn pattern_child(int up, int down, size_t n, uint64_t seed)
{
	size_t j;
	char *q;

	q = map_dev(n, MAP_SHARED, 0);
	if (write(up, q == MAP_FAILED ? "x" : "r", 1) != 1 || q == MAP_FAILED)
		_exit(2);
	if (smm_read_byte(down, 120) != 'g')
		_exit(2);
	for (j = 0; j < n; j++)
		fill_page(q + j * ps, seed << 16 | j);
	if (write(up, "d", 1) != 1 || !smm_read_byte(down, 120))
		_exit(2);
	for (j = 0; j < n; j++)
		if (!page_ok(q + j * ps, seed << 16 | j))
			_exit(1);
	_exit(0);
}

/* Two processes map, touch and check their own pages at the same time. */
static void test_two_processes(void)
{
	const size_t n = 256;
	int up[2], down[2][2], st[2], i, ready = 0, done = 0, lines[2];
	struct smm_faults b, m, a, e;
	long long res[2];
	char why[400];
	pid_t pid[2];

	signal(SIGPIPE, SIG_IGN);
	get(&b);
	if (pipe(up))
		_exit(1);
	for (i = 0; i < 2; i++) {
		if (pipe(down[i]))
			_exit(1);
		fflush(stdout);
		pid[i] = fork();
		if (pid[i] < 0)
			_exit(1);
		if (!pid[i]) {
			close(up[0]);
			close(down[i][1]);
			if (i)
				close(down[0][1]);
			pattern_child(up[1], down[i][0], n, 0x7700 + i);
		}
		close(down[i][0]);
	}
	close(up[1]);
	for (i = 0; i < 2; i++)
		ready += smm_read_byte(up[0], 120) == 'r';
	get(&m);
	/* Both are mapped and waiting: let them go at once. */
	for (i = 0; i < 2 && ready == 2; i++)
		if (write(down[i][1], "g", 1) != 1)
			ready = 0;
	for (i = 0; i < 2 && ready == 2; i++)
		done += smm_read_byte(up[0], 120) == 'd';
	get(&a);
	res[0] = smm_pid_resident(&a, pid[0], &lines[0]);
	res[1] = smm_pid_resident(&a, pid[1], &lines[1]);
	/*
	 * With swap, kswapd may send some of the pages out before they are
	 * counted: every page was given (pages_mapped), and no more than that
	 * is resident.  Without swap, every one is.
	 */
	snprintf(why, sizeof(why),
		 "%d ready, %d done; untouched: faults +%lld, mappings +%lld (want 0, 2); touched: faults +%lld, pages_mapped +%lld, pages_resident +%lld (want 512 each%s), resident %lld and %lld in %d and %d lines (want 256 in 1 each)",
		 ready, done, m.faults - b.faults, m.mappings - b.mappings, a.faults - b.faults,
		 a.pages_mapped - b.pages_mapped, a.pages_resident - b.pages_resident,
		 swap_pages ? ", resident at most" : "", res[0], res[1], lines[0], lines[1]);
	smm_check(ready == 2 && done == 2 && m.faults == b.faults && m.mappings == b.mappings + 2 &&
		  a.faults >= b.faults + 2 * (long long)n &&
		  (swap_pages || a.faults == b.faults + 2 * (long long)n) &&
		  a.pages_mapped >= b.pages_mapped + 2 * (long long)n &&
		  (swap_pages || a.pages_mapped == b.pages_mapped + 2 * (long long)n) &&
		  (swap_pages ? a.pages_resident <= b.pages_resident + 2 * (long long)n :
				a.pages_resident == b.pages_resident + 2 * (long long)n) &&
		  (swap_pages ? res[0] <= (long long)n : res[0] == (long long)n) && lines[0] == 1 &&
		  (swap_pages ? res[1] <= (long long)n : res[1] == (long long)n) && lines[1] == 1,
		  "two processes at once: each faults in its own 256 pages", "%s", why);
	for (i = 0; i < 2; i++) {
		if (done != 2)
			kill(pid[i], SIGKILL);
		else if (write(down[i][1], "v", 1) != 1)
			smm_note("cannot tell child %d to finish", pid[i]);
		close(down[i][1]);
	}
	for (i = 0; i < 2; i++)
		if (waitpid(pid[i], &st[i], 0) != pid[i])
			st[i] = -1;
	smm_check(done == 2 && st[0] == 0 && st[1] == 0,
		  "two processes at once: each reads back its own data",
		  "child status %#x and %#x (exit 1: wrong data, 2: no mapping; else a signal)",
		  st[0], st[1]);
	get(&e);
	/*
	 * Every page given out came back: with swap, kswapd may have sent
	 * some out and a touch brought them back in new pages, so count the
	 * pages given (pages_mapped), not the pages resident at one moment.
	 */
	smm_check(e.pages_resident == b.pages_resident && e.mappings == b.mappings &&
		  e.pages_returned - b.pages_returned == e.pages_mapped - b.pages_mapped &&
		  e.pages_mapped - b.pages_mapped >= 2 * (long long)n &&
		  !smm_find_mapping(&e, pid[0], 0) && !smm_find_mapping(&e, pid[1], 0),
		  "process exit returns every page and drops the mapping lines",
		  "pages_resident %lld -> %lld, pages_returned +%lld, pages_mapped +%lld (want equal, at least 512), mappings %lld -> %lld",
		  b.pages_resident, e.pages_resident, e.pages_returned - b.pages_returned,
		  e.pages_mapped - b.pages_mapped, b.mappings, e.mappings);
}

/* What the exhaustion child found out, sent up a pipe. */
struct exhaust {
	long long pages, free_pages, touched;
	int sig, addr_ok, sig2, data_ok;
	long long sigbus1, sigbus2, faults, resident, returned, resident_after, resident_before;
	long long out_before, out_after;
};

static void exhaust_child(int out, long long free_pages)
{
	struct exhaust r = { .free_pages = free_pages, .data_ok = -1 };
	struct smm_faults b, a, c, d;
	unsigned char v;
	long long i;
	char *p;

	/* 16 MiB more than all of shadow memory and swap, free or not. */
	r.pages = zone_pages + swap_pages + (16 << 20) / ps;
	p = map_dev(r.pages, MAP_SHARED | MAP_NORESERVE, 0);
	if (p == MAP_FAILED) {
		r.sig = -errno;
		goto out;
	}
	get(&b);
	r.resident_before = b.pages_resident;
	r.out_before = outstanding(&b);
	for (i = 0; i < r.pages; i++) {
		v = (i & 0xff) | 1;
		r.sig = probe(p + i * ps, 1, &v);
		if (r.sig)
			break;
	}
	r.touched = i;
	r.addr_ok = probe_where == p + i * ps;
	get(&a);
	r.sigbus1 = a.sigbus - b.sigbus;
	r.faults = a.faults - b.faults;
	r.resident = smm_pid_resident(&a, getpid(), NULL);
	/* Again: still no memory, so SIGBUS again. */
	v = 1;
	if (i < r.pages)
		r.sig2 = probe(p + i * ps, 1, &v);
	get(&c);
	r.sigbus2 = c.sigbus - b.sigbus;
	/*
	 * Without swap every page is resident: read them all back.  With swap
	 * full, reading a swapped page back needs a page that only swapping
	 * another out could free, so the data is checked by the overcommit
	 * tests instead, below the limit.
	 */
	if (!swap_pages) {
		r.data_ok = 1;
		for (i = 0; i < r.touched; i++)
			if ((unsigned char)p[i * ps] != ((i & 0xff) | 1))
				r.data_ok = 0;
	}
	munmap(p, r.pages * ps);
	get(&d);
	r.returned = d.pages_returned - c.pages_returned;
	r.resident_after = d.pages_resident;
	r.out_after = outstanding(&d);
out:
	if (write(out, &r, sizeof(r)) != sizeof(r))
		_exit(1);
	_exit(0);
}

/*
 * The kernel log records since @fd (/dev/kmsg) was opened and sought to
 * the end, one after the other in @buf.  Return: their length, or -1.
 */
static int kmsg_since(int fd, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;

	if (fd < 0)
		return -1;
	buf[0] = '\0';
	while (len + 1024 < size) {
		n = read(fd, buf + len, size - 1 - len);
		if (n < 0 && errno == EPIPE)
			continue;	/* records overwritten meanwhile */
		if (n <= 0)
			break;
		len += n;
		buf[len] = '\0';
	}
	close(fd);
	return len;
}

/* Free swap in kB: meminfo's SwapFree, or by the swaps file if it has none. */
static long long swap_free_kb(void)
{
	long long kb = smm_meminfo("SwapFree"), size, used;

	if (kb < 0 && smm_read_swaps(&size, &used) >= 0)
		kb = size - used;
	return kb;
}

/* The host's OOM killer ran, by the log. */
static const char *oom_in(const char *klog)
{
	if (strstr(klog, "Out of memory"))
		return "Out of memory";
	if (strcasestr(klog, "oom-kill"))
		return "oom-kill";
	if (strstr(klog, "Killed process"))
		return "Killed process";
	return NULL;
}

/*
 * Touch more than the arena (and swap, if any) holds: SIGBUS, never the
 * OOM killer.
 */
static void test_exhaustion(void)
{
	static char klog[1 << 16];
	struct exhaust r;
	int pfd[2], st, kfd, log_smm;
	long long free0, free1, swfree0, swfree1, cap;
	const char *oom;
	char why[320];
	ssize_t n;
	pid_t pid;

	free0 = drained_free();
	swfree0 = swap_pages ? swap_free_kb() : 0;
	cap = free0 / (ps / 1024) + swfree0 / (ps / 1024);
	kfd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	if (kfd >= 0)
		lseek(kfd, 0, SEEK_END);
	if (pipe(pfd))
		_exit(1);
	fflush(stdout);
	pid = fork();
	if (!pid) {
		close(pfd[0]);
		exhaust_child(pfd[1], cap);
	}
	close(pfd[1]);
	memset(&r, 0, sizeof(r));
	n = read(pfd[0], &r, sizeof(r));
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		st = -1;
	smm_note("exhaustion%s: %lld pages mapped, %lld free (zones and swap), SIGBUS after %lld pages",
		 swap_pages ? " with swap" : "", r.pages, r.free_pages, r.touched);
	if (n != sizeof(r))
		snprintf(why, sizeof(why), "the child died before it reported: %s",
			 st != -1 && WIFSIGNALED(st) ? strsignal(WTERMSIG(st)) : "no signal");
	else if (r.sig < 0)
		snprintf(why, sizeof(why), "mmap of %lld pages failed: %s", r.pages,
			 strerror(-r.sig));
	else
		snprintf(why, sizeof(why),
			 "%s at page %lld of %lld (%lld pages were free in the zones%s), at %s address",
			 sig_name(r.sig), r.touched, r.pages, r.free_pages,
			 swap_pages ? " and swap" : "", r.addr_ok ? "the right" : "the wrong");
	smm_check(n == sizeof(r) && st != -1 && WIFEXITED(st) && r.sig == SIGBUS && r.addr_ok &&
		  r.touched <= r.free_pages && r.touched >= r.free_pages * 3 / 4,
		  swap_pages ? "exhaustion: touching past the end of shadow memory and swap gives SIGBUS" :
		  "exhaustion: touching past the end of shadow memory gives SIGBUS", "%s", why);
	if (n != sizeof(r) || r.sig < 0)
		return;
	smm_check(r.sigbus1 == 1 && r.sig2 == SIGBUS && r.sigbus2 == 2,
		  "exhaustion: the sigbus counter counts each SIGBUS",
		  "sigbus +%lld after the first (want 1); touching again: %s, sigbus +%lld (want 2)",
		  r.sigbus1, sig_name(r.sig2), r.sigbus2);
	if (swap_pages)
		smm_check(r.faults == r.touched,
			  "exhaustion with swap: each page before the SIGBUS faulted once",
			  "faults +%lld, %lld pages touched", r.faults, r.touched);
	else
		smm_check(r.faults == r.touched && r.resident == r.touched && r.data_ok == 1,
			  "exhaustion: each page before the SIGBUS faulted once and kept its data",
			  "faults +%lld, resident %lld, %lld pages touched, data %s", r.faults,
			  r.resident, r.touched, r.data_ok ? "intact" : "corrupted");
	if (kmsg_since(kfd, klog, sizeof(klog)) < 0) {
		smm_check(0, "exhaustion: the kernel says so, and no OOM kill",
			  "cannot read /dev/kmsg");
	} else {
		log_smm = !!strstr(klog, "shadow_mm");
		oom = oom_in(klog);
		smm_check(log_smm && !oom, "exhaustion: the kernel says so, and no OOM kill",
			  "%s%s", oom ? "the host's OOM killer ran: " : "no new kernel message naming shadow_mm",
			  oom ? oom : "");
	}
	free1 = drained_free();
	swfree1 = swap_pages ? swap_free_kb() : 0;
	if (swap_pages)
		smm_check(r.out_after == r.out_before && r.resident_after == r.resident_before &&
			  free1 == free0 && swfree1 == swfree0,
			  "exhaustion with swap: munmap gives every page and every swap slot back",
			  "pages taken and not returned %lld -> %lld, pages_resident %lld -> %lld, MemFree %lld -> %lld kB, SwapFree %lld -> %lld kB",
			  r.out_before, r.out_after, r.resident_before, r.resident_after, free0,
			  free1, swfree0, swfree1);
	else
		smm_check(r.returned == r.touched && r.resident_after == r.resident_before &&
			  free1 == free0,
			  "exhaustion: munmap gives every page back",
			  "pages_returned +%lld of %lld, pages_resident %lld (want %lld), MemFree %lld -> %lld kB",
			  r.returned, r.touched, r.resident_after, r.resident_before, free0, free1);
}

/* ---- with swap: overcommit ---- */

static sigjmp_buf bulk_env;
static volatile sig_atomic_t bulk_sig;

static void bulk_handler(int sig)
{
	bulk_sig = sig;
	siglongjmp(bulk_env, 1);
}

/*
 * Fill (@write) or check pages [0, @n) of @p with the pattern @base + i,
 * a different one in every page, surviving SIGBUS and SIGSEGV.
 * Return: the pages done before a signal (@n if none); *@sig is the
 * signal, *@bad the pages that did not hold their pattern.
 */
static size_t bulk(char *p, size_t n, uint64_t base, int write, int *sig, long *bad)
{
	struct sigaction sa, old_segv, old_bus;
	volatile size_t i = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = bulk_handler;
	sa.sa_flags = SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, &old_segv);
	sigaction(SIGBUS, &sa, &old_bus);
	*sig = 0;
	*bad = 0;
	if (sigsetjmp(bulk_env, 0)) {
		*sig = bulk_sig;
	} else {
		for (; i < n; i++) {
			if (write)
				fill_page(p + i * ps, base + i);
			else if (!page_ok(p + i * ps, base + i))
				(*bad)++;
		}
	}
	sigaction(SIGSEGV, &old_segv, NULL);
	sigaction(SIGBUS, &old_bus, NULL);
	return i;
}

/*
 * Not a check: pages still held after every process that mapped them was
 * reaped.  Show what the faults file still lists, then wait (up to 5 s)
 * to tell a late free from a leak.
 */
static void late_note(const char *what, long long want)
{
	static char buf[1 << 16];
	struct smm_faults f;
	char *line, *save = NULL;
	long long first;
	int ms;

	get(&f);
	first = outstanding(&f) - want;
	if (smm_read_file("faults", buf, sizeof(buf)) >= 0)
		for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
			if (!strncmp(line, "mapping ", 8) || !strncmp(line, "mm ", 3))
				smm_note("%s: still listed after the exits: %s", what, line);
	for (ms = 0; ms < 5000; ms += 50) {
		get(&f);
		if (outstanding(&f) == want)
			break;
		usleep(50000);
	}
	if (outstanding(&f) == want)
		smm_note("%s: %lld pages still taken right after the exits, all back %d ms later: freed late, not leaked",
			 what, first, ms);
	else
		smm_note("%s: %lld pages still taken right after the exits, %lld after 5 s",
			 what, first, outstanding(&f) - want);
}

/* The skip of a test that needs swap; 1 if skipped. */
static int need_swap(const char *name, long long pages)
{
	if (!swap_pages) {
		smm_skip(name, "no swap (load shadow_mm with swap_mb=N)");
		return 1;
	}
	if (pages > (zone_pages + swap_pages) * 3 / 4) {
		smm_skip(name, "%lld pages would not fit in 3/4 of zones (%lld pages) plus swap (%d pages)",
			 pages, zone_pages, swap_pages);
		return 1;
	}
	return 0;
}

/*
 * Swap in use, in kB, by meminfo and by the swaps file.  A meminfo
 * without the Swap lines (test_files() fails on that) reads as the swaps
 * file, so that the swap tests still run.
 */
static void swap_used(long long *meminfo_kb, long long *swaps_kb)
{
	int tries;

	/*
	 * kswapd may move a page between the two reads: read both again
	 * until they agree, for a second at most.
	 */
	for (tries = 0; tries < 100; tries++) {
		long long total = smm_meminfo("SwapTotal"), sfree = smm_meminfo("SwapFree");

		if (smm_read_swaps(NULL, swaps_kb) < 0)
			*swaps_kb = -1;
		*meminfo_kb = total >= 0 && sfree >= 0 ? total - sfree : *swaps_kb;
		if (*meminfo_kb == *swaps_kb)
			return;
		usleep(10000);
	}
}

/*
 * One process maps and touches twice what the shadow zones hold, a
 * pattern unique to each page, and reads it all back: pages went to swap
 * and came back, intact.
 */
static void test_overcommit(void)
{
	const char *name = "overcommit: twice the shadow zones, every page reads back intact";
	long long n = 2 * zone_pages, free0, free1, mi0, sw0, mi1, sw1, mi2, sw2;
	struct smm_faults f0, f1;
	struct smm_vm v0, v1, v2;
	size_t done;
	long bad;
	int sig;
	char *p;

	if (need_swap(name, n))
		return;
	free0 = drained_free();
	swap_used(&mi0, &sw0);
	p = map_dev(n, MAP_PRIVATE | MAP_NORESERVE, 0);
	if (p == MAP_FAILED) {
		smm_check(0, name, "mmap of %lld pages: %s", n, strerror(errno));
		return;
	}
	get(&f0);
	vm(&v0);
	done = bulk(p, n, 0x5000000, 1, &sig, &bad);
	vm(&v1);
	swap_used(&mi1, &sw1);
	smm_note("overcommit: %lld pages written; pswpout +%lld, pgscan_kswapd +%lld, pgscan_direct +%lld, allocstall +%lld; swap used %lld kB (swaps file %lld kB)",
		 (long long)done, v1.pswpout - v0.pswpout, v1.pgscan_kswapd - v0.pgscan_kswapd,
		 v1.pgscan_direct - v0.pgscan_direct, v1.allocstall - v0.allocstall, mi1, sw1);
	smm_check(!sig && (long long)done == n && v1.pswpout - v0.pswpout >= n - zone_pages &&
		  mi1 > mi0 && sw1 == mi1,
		  "overcommit: writing twice the zones sends at least the excess to swap, no signal",
		  "%s after %zu of %lld pages; pswpout +%lld (want >= %lld); swap used %lld -> %lld kB (meminfo), %lld kB (swaps file)",
		  sig_name(sig), done, n, v1.pswpout - v0.pswpout, n - zone_pages, mi0, mi1, sw1);
	tables_ok("overcommit: written, half of it in swap");
	if (sig) {
		munmap(p, n * ps);
		return;
	}
	done = bulk(p, n, 0x5000000, 0, &sig, &bad);
	vm(&v2);
	smm_note("overcommit: read back; pswpin +%lld, pgmajfault +%lld, pswpout +%lld",
		 v2.pswpin - v1.pswpin, v2.pgmajfault - v1.pgmajfault, v2.pswpout - v1.pswpout);
	smm_check(!sig && (long long)done == n && !bad, name,
		  "%s after %zu of %lld pages; %ld pages do not hold their pattern", sig_name(sig),
		  done, n, bad);
	smm_check(v2.pswpin - v1.pswpin >= n - zone_pages &&
		  v2.pgmajfault - v1.pgmajfault == v2.pswpin - v1.pswpin,
		  "overcommit: reading back swaps in at least the excess, one major fault per page read from swap",
		  "pswpin +%lld (want >= %lld), pgmajfault +%lld (want = pswpin)",
		  v2.pswpin - v1.pswpin, n - zone_pages, v2.pgmajfault - v1.pgmajfault);
	tables_ok("overcommit: read back");
	munmap(p, n * ps);
	get(&f1);
	free1 = drained_free();
	swap_used(&mi2, &sw2);
	smm_check(outstanding(&f1) == outstanding(&f0) && free1 == free0 && mi2 == mi0 && sw2 == sw0,
		  "overcommit: munmap gives back every page and every swap slot",
		  "pages taken and not returned %lld -> %lld, MemFree %lld -> %lld kB, swap used %lld -> %lld kB (swaps file %lld -> %lld)",
		  outstanding(&f0), outstanding(&f1), free0, free1, mi0, mi2, sw0, sw2);
}

/*
 * "reclaim pages=N" sends some of a process's pages to swap; after fork
 * both processes read them back.  The first fault on a swapped page reads
 * it from swap and leaves it in the swap cache; the other process's fault
 * finds it there: exactly one pswpin and one major fault per page.
 */
static void test_reclaim_fork(void)
{
	const char *name = "reclaim pages=64 sends up to 64 pages to swap";
	const size_t n = 128;
	long long mi0, sw0, mi1, sw1, mi2, sw2, out;
	struct smm_faults f0, f1;
	struct smm_vm v0, v1, v2, v3;
	struct smm_peer pr;
	int tries, err = 0, st;
	long bad;
	char *p;

	if (need_swap(name, n))
		return;
	swap_used(&mi0, &sw0);
	p = map_dev(n, MAP_PRIVATE, 0);
	if (p == MAP_FAILED) {
		smm_check(0, name, "mmap: %s", strerror(errno));
		return;
	}
	get(&f0);
	range_fill(p, 0, n, 0x3300);
	vm(&v0);
	/* A page just written may get a second round on the active list. */
	for (tries = 0; tries < 4 && !err; tries++) {
		err = smm_write(SMM_DEBUGFS "/control", "reclaim pages=64");
		vm(&v1);
		if (v1.pswpout > v0.pswpout)
			break;
	}
	if (tries == 4)
		tries--;
	out = v1.pswpout - v0.pswpout;
	swap_used(&mi1, &sw1);
	smm_check(!err && out > 0 && out <= 64 * (tries + 1) && mi1 - mi0 == out * (long long)(ps / 1024),
		  name,
		  "'reclaim pages=64' x%d: %s; pswpout +%lld (want 1..%d); swap used %lld -> %lld kB (want +%lld)",
		  tries + 1, smm_errname(err), out, 64 * (tries + 1), mi0, mi1, out * (long long)(ps / 1024));
	tables_ok("reclaim: swap entries in the shadow table");
	switch (smm_fork_peer(&pr)) {
	case -1:
		_exit(1);
	case 0: {
		int code = range_bad(p, 0, n, 0x3300) >= 0;

		if (!smm_peer_say(&pr, 'r') || !smm_peer_hear(&pr, 'w'))
			_exit(64);
		range_fill(p, 0, n, 0x4400);
		_exit(code | (range_bad(p, 0, n, 0x4400) >= 0) << 1);
	}
	}
	smm_peer_hear(&pr, 'r');
	vm(&v2);
	bad = range_bad(p, 0, n, 0x3300);
	vm(&v3);
	smm_check(bad < 0 && v2.pswpin - v1.pswpin == out && v2.pgmajfault - v1.pgmajfault == out &&
		  v3.pswpin == v2.pswpin && v3.pgmajfault == v2.pgmajfault,
		  "fork with swapped pages: the child reads each from swap once, the parent finds it in the swap cache",
		  "parent's page %ld differs (-1: none); the child's reads: pswpin +%lld, pgmajfault +%lld (want %lld each); the parent's: pswpin +%lld, pgmajfault +%lld (want 0, 0)",
		  bad, v2.pswpin - v1.pswpin, v2.pgmajfault - v1.pgmajfault, out,
		  v3.pswpin - v2.pswpin, v3.pgmajfault - v2.pgmajfault);
	tables_ok("fork with swapped pages: both sides read them back");
	smm_peer_say(&pr, 'w');
	st = smm_peer_reap(&pr);
	bad = range_bad(p, 0, n, 0x3300);
	smm_check(st == 0 && bad < 0,
		  "fork with swapped pages: the child read the old contents, its writes stay its own",
		  "child %s (exit 1: old contents wrong, 2: its writes lost); parent's page %ld changed (-1: none)",
		  status_text(st), bad);
	munmap(p, n * ps);
	get(&f1);
	swap_used(&mi2, &sw2);
	smm_check(outstanding(&f1) == outstanding(&f0) && mi2 == mi0 && sw2 == sw0,
		  "fork with swapped pages: every page and swap slot is back after both are gone",
		  "pages taken and not returned %lld -> %lld; swap used %lld -> %lld kB (swaps file %lld -> %lld)",
		  outstanding(&f0), outstanding(&f1), mi0, mi2, sw0, sw2);
}

/*
 * Two processes at once, each overcommitting half: each maps as much as
 * the shadow zones hold (one MAP_PRIVATE, one MAP_SHARED), both write
 * their pages at the same time, then read them back.  Exit: 0 intact, 1
 * wrong data, 2 no mapping, 3 a signal.
 */
static void __noreturn overcommit_child(struct smm_peer *pr, long long n, int flags, uint64_t base)
{
	size_t done;
	long bad;
	int sig;
	char *q;

	q = map_dev(n, flags | MAP_NORESERVE, 0);
	if (q == MAP_FAILED || !smm_peer_say(pr, 'r') || !smm_peer_hear(pr, 'g'))
		_exit(2);
	done = bulk(q, n, base, 1, &sig, &bad);
	if (sig || (long long)done != n)
		_exit(3);
	if (!smm_peer_say(pr, 'w') || !smm_peer_hear(pr, 'v'))
		_exit(2);
	done = bulk(q, n, base, 0, &sig, &bad);
	if (sig || (long long)done != n)
		_exit(3);
	_exit(bad ? 1 : 0);	/* exit without munmap */
}

static void test_two_overcommit(void)
{
	const char *name = "two processes at once, each overcommitting half: both read back intact";
	static const int kinds[] = { MAP_PRIVATE, MAP_SHARED };
	long long n = zone_pages, mi0, sw0, mi2, sw2, free0, free1;
	struct smm_faults f0, f1;
	struct smm_vm v0, v1;
	struct smm_peer pr[2];
	int i, ready = 0, wrote = 0, st[2];

	if (need_swap(name, 2 * n))
		return;
	free0 = drained_free();
	swap_used(&mi0, &sw0);
	get(&f0);
	vm(&v0);
	for (i = 0; i < 2; i++) {
		switch (smm_fork_peer(&pr[i])) {
		case -1:
			_exit(1);
		case 0:
			if (i)
				close(pr[0].down), close(pr[0].up);
			overcommit_child(&pr[i], n, kinds[i], (uint64_t)(0x61 + i) << 24);
		}
	}
	for (i = 0; i < 2; i++)
		ready += smm_peer_hear(&pr[i], 'r');
	for (i = 0; i < 2 && ready == 2; i++)
		smm_peer_say(&pr[i], 'g');
	for (i = 0; i < 2 && ready == 2; i++)
		wrote += smm_peer_hear(&pr[i], 'w');
	if (wrote == 2)
		tables_ok("two processes overcommitting: both written");
	for (i = 0; i < 2; i++) {
		if (wrote == 2)
			smm_peer_say(&pr[i], 'v');
		else
			kill(pr[i].pid, SIGKILL);
	}
	for (i = 0; i < 2; i++)
		st[i] = smm_peer_reap(&pr[i]);
	vm(&v1);
	smm_note("two processes: pswpout +%lld, pswpin +%lld, pgmajfault +%lld, pgsteal_kswapd +%lld, pgsteal_direct +%lld",
		 v1.pswpout - v0.pswpout, v1.pswpin - v0.pswpin, v1.pgmajfault - v0.pgmajfault,
		 v1.pgsteal_kswapd - v0.pgsteal_kswapd, v1.pgsteal_direct - v0.pgsteal_direct);
	smm_check(ready == 2 && wrote == 2 && st[0] == 0 && st[1] == 0, name,
		  "%d mapped, %d wrote all; MAP_PRIVATE child %s, MAP_SHARED child %s (exit 1: wrong data, 2: no mapping, 3: a signal)",
		  ready, wrote, status_text(st[0]), status_text(st[1]));
	smm_check(v1.pswpout - v0.pswpout > 0 && v1.pswpin - v0.pswpin > 0,
		  "two processes overcommitting: pages went to swap and came back",
		  "pswpout +%lld, pswpin +%lld (want > 0 each)", v1.pswpout - v0.pswpout,
		  v1.pswpin - v0.pswpin);
	get(&f1);
	free1 = drained_free();
	swap_used(&mi2, &sw2);
	if (outstanding(&f1) != outstanding(&f0))
		late_note("two processes overcommitting", outstanding(&f0));
	smm_check(outstanding(&f1) == outstanding(&f0) && f1.pages_resident == f0.pages_resident &&
		  free1 == free0 && mi2 == mi0 && sw2 == sw0,
		  "two processes overcommitting: their exits give back every page and swap slot",
		  "pages taken and not returned %lld -> %lld, pages_resident %lld -> %lld, MemFree %lld -> %lld kB, swap used %lld -> %lld kB (swaps file %lld -> %lld)",
		  outstanding(&f0), outstanding(&f1), f0.pages_resident, f1.pages_resident, free0,
		  free1, mi0, mi2, sw0, sw2);
}

static int test_device(void)
{
	unsigned int maj = 0, min = 0;
	struct stat st;
	int fd, existed;
	FILE *fp;

	existed = !stat(SMM_DEV, &st);
	fd = smm_open();
	if (fd < 0) {
		smm_check(0, "open /dev/shadow_mm", "%s (is the module loaded?)", strerror(errno));
		return -1;
	}
	close(fd);
	fp = fopen(SMM_SYSFS_DEV, "r");
	if (!fp || fscanf(fp, "%u:%u", &maj, &min) != 2)
		smm_note("cannot read %s", SMM_SYSFS_DEV);
	if (fp)
		fclose(fp);
	if (stat(SMM_DEV, &st))
		memset(&st, 0, sizeof(st));
	smm_check(S_ISCHR(st.st_mode) && (st.st_mode & 07777) == 0600 &&
		  st.st_rdev == makedev(maj, min),
		  "/dev/shadow_mm is a char device, mode 0600, numbered as sysfs says",
		  "%s: mode %o, %u:%u; sysfs says %u:%u",
		  existed ? "devtmpfs node" : "node made here",
		  st.st_mode, major(st.st_rdev), minor(st.st_rdev), maj, min);
	return 0;
}

/* The tests; with --swap only those marked, for a run with swap_mb=. */
static const struct {
	const char *name;
	void (*fn)(void);
	int swap;
} tests[] = {
	{ "mmap reserves only the range", test_mmap_reserves, 0 },
	{ "one by one", test_one_by_one, 0 },
	{ "all at once", test_all_at_once, 0 },
	{ "threads", test_threads, 0 },
	{ "munmap in the middle", test_munmap_middle, 0 },
	{ "refused mappings", test_refused, 0 },
	{ "madvise", note_dontneed, 0 },
	{ "MAP_PRIVATE", test_private, 1 },
	{ "fork MAP_PRIVATE", test_fork_private, 1 },
	{ "fork MAP_SHARED", test_fork_shared, 1 },
	{ "MADV_DONTFORK and fork", test_dontfork, 1 },
	{ "read-only open", test_read_only, 0 },
	{ "HighMem first", test_highmem_first, 0 },
	{ "two processes at once", test_two_processes, 1 },
	{ "overcommit", test_overcommit, 1 },
	{ "reclaim and fork", test_reclaim_fork, 1 },
	{ "two processes overcommitting", test_two_overcommit, 1 },
	{ "exhaustion", test_exhaustion, 1 },
};

/* The files of issue 11: vmstat, swaps and meminfo's new lines. */
static void test_files(void)
{
	static const char *const keys[] = {
		"SwapTotal", "SwapFree", "Active(anon)", "Inactive(anon)", "MemAvailable",
	};
	long long size = -1, used = -1, total, sfree;
	struct smm_vm v;
	int n, i, missing = -1, err;

	err = smm_read_vmstat(&v);
	smm_check(!err, "vmstat has /proc/vmstat's counters, cow_fault too",
		  "a counter is missing (-1): nr_free_pages %lld pgfault %lld pgmajfault %lld pswpin %lld pswpout %lld pgscan_kswapd %lld pgscan_direct %lld pgsteal_kswapd %lld pgsteal_direct %lld pgactivate %lld pgdeactivate %lld allocstall %lld cow_fault %lld",
		  v.nr_free_pages, v.pgfault, v.pgmajfault, v.pswpin, v.pswpout, v.pgscan_kswapd,
		  v.pgscan_direct, v.pgsteal_kswapd, v.pgsteal_direct, v.pgactivate,
		  v.pgdeactivate, v.allocstall, v.cow_fault);
	for (i = 0; i < 5; i++)
		if (smm_meminfo(keys[i]) < 0 && missing < 0)
			missing = i;
	smm_check(missing < 0, "meminfo has SwapTotal, SwapFree, Active(anon), Inactive(anon), MemAvailable",
		  "no %s line", missing < 0 ? "" : keys[missing]);
	total = smm_meminfo("SwapTotal");
	sfree = smm_meminfo("SwapFree");
	n = smm_read_swaps(&size, &used);
	smm_check(n == (swap_pages ? 1 : 0) && (!n || (size == total && used == 0)) &&
		  sfree == total,
		  swap_pages ? "swaps lists one area, as big as SwapTotal, unused" :
		  "swaps has the /proc/swaps header and no area (swap_mb=0)",
		  "%d areas (-1: no file or not /proc/swaps's format), Size %lld kB, Used %lld kB; meminfo SwapTotal %lld kB, SwapFree %lld kB",
		  n, size, used, total, sfree);
}

int main(int argc, char **argv)
{
	struct smm_faults f;
	long long free0, free1, sfree;
	int only_swap = argc > 1 && !strcmp(argv[1], "--swap");
	size_t i;

	smm_check_init("fault: ");
	ps = sysconf(_SC_PAGESIZE);
	if (argc > 2 || (argc == 2 && !only_swap)) {
		fprintf(stderr, "usage: %s [--swap]   (--swap: only the tests of fork and swap)\n",
			argv[0]);
		return 100;
	}
	if (test_device())
		goto out;
	smm_check(!smm_read_faults(&f), "the faults file has every counter",
		  "%s/faults: faults %lld refaults %lld sigbus %lld pages_mapped %lld pages_returned %lld pages_resident %lld mappings %lld (-1: missing)",
		  SMM_DEBUGFS, f.faults, f.refaults, f.sigbus, f.pages_mapped, f.pages_returned,
		  f.pages_resident, f.mappings);
	smm_check(f.pages_resident == 0 && f.mappings == 0 && f.nr_map == 0 && f.nr_mm == 0,
		  "nothing is mapped when the test starts",
		  "pages_resident %lld, mappings %lld, %d mapping lines, %d mm lines",
		  f.pages_resident, f.mappings, f.nr_map, f.nr_mm);
	zone_pages = smm_meminfo("MemTotal") / (ps / 1024);
	swap_pages = smm_swap_pages();
	free0 = drained_free();
	smm_note("shadow MemTotal %lld pages, MemFree at the start %lld kB, swap %d pages%s",
		 zone_pages, free0, swap_pages, only_swap ? "; only the fork and swap tests" : "");
	test_files();

	for (i = 0; i < sizeof(tests) / sizeof(*tests); i++) {
		char name[96];

		if (only_swap && !tests[i].swap)
			continue;
		smm_run_test(tests[i].name, tests[i].fn);
		snprintf(name, sizeof(name), "%s (all its processes gone)", tests[i].name);
		tables_ok(name);
	}

	get(&f);
	smm_check(f.pages_mapped >= 0 && f.pages_mapped == f.pages_returned &&
		  f.pages_resident == 0 && f.mappings == 0 && f.nr_map == 0 && f.nr_mm == 0,
		  "nothing leaked: pages_mapped == pages_returned, nothing resident, no mapping, no process table",
		  "pages_mapped %lld, pages_returned %lld, pages_resident %lld, mappings %lld, %d mapping lines, %d mm lines",
		  f.pages_mapped, f.pages_returned, f.pages_resident, f.mappings, f.nr_map, f.nr_mm);
	free1 = drained_free();
	smm_check(free0 >= 0 && free1 == free0, "shadow MemFree is back where it started",
		  "MemFree %lld kB at the start, %lld kB at the end", free0, free1);
	sfree = swap_free_kb();
	smm_check(sfree == (long long)swap_pages * (long long)(ps / 1024),
		  "every swap slot is free at the end", "SwapFree %lld kB of %lld kB", sfree,
		  (long long)swap_pages * (long long)(ps / 1024));
out:
	return smm_check_done("fault_test");
}
