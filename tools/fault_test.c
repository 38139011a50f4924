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

static void get(struct smm_faults *f)
{
	if (smm_read_faults(f))
		smm_note("cannot read or parse %s/faults", SMM_DEBUGFS);
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

/* Run @fn in a process of its own; a signal that kills it fails @name. */
static void run_test(const char *name, void (*fn)(void))
{
	pid_t pid;
	int st;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		smm_check(0, name, "fork: %s", strerror(errno));
		return;
	}
	if (!pid) {
		fn();
		fflush(stdout);
		_exit(0);
	}
	if (waitpid(pid, &st, 0) != pid)
		smm_check(0, name, "waitpid: %s", strerror(errno));
	else if (WIFSIGNALED(st))
		smm_check(0, name, "the test process died by signal %d (%s)", WTERMSIG(st),
			  strsignal(WTERMSIG(st)));
	else if (WEXITSTATUS(st))
		smm_check(0, name, "the test process could not set up (pipe or fork failed)");
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
	struct smm_faults b, a, c;
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
		/* Writing the page now needs no fault. */
		fill_page(pg, i + 1);
		get(&c);
		if (bad_again < 0 && (c.faults != a.faults || c.refaults != a.refaults ||
				      c.pages_mapped != a.pages_mapped))
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
	smm_check(bad_again < 0, "one by one: writing a page already touched does not fault",
		  "page %ld: faults, refaults or pages_mapped moved on the write after the first read",
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
	struct smm_faults b, a;
	int err, ok, i;
	void *target;
	char *p, *q;

	get(&b);
	p = map_dev(4, MAP_PRIVATE, 0);
	err = errno;
	get(&a);
	smm_check(p == MAP_FAILED && err == EINVAL && a.mappings == b.mappings,
		  "MAP_PRIVATE is refused with EINVAL",
		  "mmap %s, errno %d (%s), mappings %lld -> %lld",
		  p == MAP_FAILED ? "failed" : "succeeded", err, strerror(err), b.mappings,
		  a.mappings);
	if (p != MAP_FAILED)
		munmap(p, 4 * ps);

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

	p = map_dev(4, MAP_SHARED, 0);
	if (p == MAP_FAILED) {
		smm_check(0, "mremap to grow is refused", "mmap: %s", strerror(errno));
		return;
	}
	for (i = 0; i < 4; i++)
		fill_page(p + i * ps, 400 + i);
	get(&b);
	q = mremap(p, 4 * ps, 64 * ps, MREMAP_MAYMOVE);
	err = errno;
	ok = q == MAP_FAILED;
	if (!ok) {
		p = q;	/* it moved; unmap it from there */
		munmap(q, 64 * ps);
	} else {
		for (i = 0; i < 4; i++)
			ok &= page_ok(p + i * ps, 400 + i);
	}
	get(&a);
	smm_check(ok && a.pages_resident == b.pages_resident && a.faults == b.faults,
		  "mremap to grow is refused",
		  "mremap from 4 to 64 pages %s (errno %d); data %s; pages_resident %lld -> %lld",
		  q == MAP_FAILED ? "failed" : "succeeded", err, ok ? "intact" : "changed",
		  b.pages_resident, a.pages_resident);
	if (q != MAP_FAILED)
		return;

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
	smm_check(ok && a.pages_resident == b.pages_resident && a.faults == b.faults,
		  "mremap to move is refused",
		  "mremap to a new address %s (errno %d); data %s; pages_resident %lld -> %lld",
		  q == MAP_FAILED ? "failed" : "succeeded", err, ok ? "intact" : "changed",
		  b.pages_resident, a.pages_resident);
	get(&b);
	munmap(p, 4 * ps);
	get(&a);
	smm_check(a.pages_returned == b.pages_returned + 4 &&
		  a.pages_resident == b.pages_resident - 4,
		  "the mapping mremap refused unmaps cleanly",
		  "pages_returned +%lld, pages_resident %lld -> %lld (want +4, -4)",
		  a.pages_returned - b.pages_returned, b.pages_resident, a.pages_resident);
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

/* fork(): the child does not inherit the mapping, and can make its own. */
static void test_fork(void)
{
	const size_t n = 8;
	static const char *const why[] = {
		"no SIGSEGV reading the parent's first page",
		"no SIGSEGV writing the parent's last page",
		"the child's mmap failed",
		"the child's pages do not hold what it wrote",
		"no mapping line with the child's pid and resident=8",
		"the parent's mapping line is gone or changed while the child ran",
		"the child's munmap did not return its 8 pages",
	};
	struct smm_faults b, a, f;
	const struct smm_mapping *m;
	int st, code = 0, bit, ok;
	char msg[512] = "";
	char *p, *q;
	size_t i;
	pid_t pid;

	p = map_dev(n, MAP_SHARED, 0);
	if (p == MAP_FAILED) {
		smm_check(0, "fork: the child gets SIGSEGV on the parent's mapping", "mmap: %s",
			  strerror(errno));
		return;
	}
	for (i = 0; i < n; i++)
		fill_page(p + i * ps, 200 + i);
	get(&b);
	fflush(stdout);
	pid = fork();
	if (!pid) {
		if (!segv_at(p, 0))
			code |= 1;
		if (!segv_at(p + n * ps - 1, 1))
			code |= 2;
		q = map_dev(n, MAP_SHARED, 0);
		if (q == MAP_FAILED)
			_exit(code | 4);
		for (i = 0; i < n; i++)
			fill_page(q + i * ps, 300 + i);
		for (i = 0; i < n; i++)
			if (!page_ok(q + i * ps, 300 + i))
				code |= 8;
		get(&f);
		m = smm_find_mapping(&f, getpid(), (unsigned long)q);
		if (!m || m->resident != (long long)n)
			code |= 16;
		m = smm_find_mapping(&f, getppid(), (unsigned long)p);
		if (!m || m->resident != (long long)n)
			code |= 32;
		get(&a);
		munmap(q, n * ps);
		get(&f);
		if (f.pages_returned != a.pages_returned + (long long)n)
			code |= 64;
		_exit(code);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid) {
		smm_check(0, "fork: the child gets SIGSEGV on the parent's mapping",
			  "fork or waitpid: %s", strerror(errno));
		munmap(p, n * ps);
		return;
	}
	if (WIFSIGNALED(st)) {
		snprintf(msg, sizeof(msg), "the child died by signal %d (%s)", WTERMSIG(st),
			 strsignal(WTERMSIG(st)));
		code = 0x7f;
	} else {
		code = WEXITSTATUS(st);
		for (bit = 0; bit < 7; bit++)
			if (code & 1 << bit)
				snprintf(msg + strlen(msg), sizeof(msg) - strlen(msg), "%s%s",
					 msg[0] ? "; " : "", why[bit]);
	}
	smm_check(!(code & 3), "fork: the child gets SIGSEGV on the parent's mapping", "%s", msg);
	smm_check(!(code & 0x7c), "fork: the child maps, uses and unmaps pages of its own", "%s",
		  msg);
	get(&a);
	ok = 1;
	for (i = 0; i < n; i++)
		ok &= page_ok(p + i * ps, 200 + i);
	m = smm_find_mapping(&a, getpid(), (unsigned long)p);
	smm_check(ok && m && m->resident == (long long)n && a.faults == b.faults + (long long)n &&
		  a.pages_resident == b.pages_resident,
		  "fork: the parent's data and pages are untouched",
		  "data %s, mapping line %s, faults +%lld (want 8, the child's own), pages_resident %lld -> %lld",
		  ok ? "intact" : "changed", m ? "present" : "missing", a.faults - b.faults,
		  b.pages_resident, a.pages_resident);
	munmap(p, n * ps);
}

/* One byte from @fd within @secs seconds; 0 if none came. */
static char read_byte(int fd, int secs)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char c;

	if (poll(&pfd, 1, secs * 1000) != 1 || read(fd, &c, 1) != 1)
		return 0;
	return c;
}

/*
 * What a process may do to a mapping before fork(), to try to make the
 * child inherit it.  Each is followed by madvise(MADV_DOFORK), which
 * clears VM_DONTCOPY on other mappings.
 */
enum dofork_prep {
	PREP_NONE,		/* just MADV_DOFORK */
	PREP_MPROTECT,		/* mprotect(PROT_READ) and back around it */
	PREP_SPLIT,		/* MADV_DOFORK on the middle page only */
	PREP_DONTFORK,		/* MADV_DONTFORK first, then MADV_DOFORK */
	PREP_SHRINK,		/* mremap() to half the size first */
	PREP_NR,
};

static const char *const prep_names[PREP_NR] = {
	[PREP_NONE]	= "madvise(MADV_DOFORK)",
	[PREP_MPROTECT]	= "mprotect, MADV_DOFORK, mprotect",
	[PREP_SPLIT]	= "MADV_DOFORK on the middle page",
	[PREP_DONTFORK]	= "MADV_DONTFORK then MADV_DOFORK",
	[PREP_SHRINK]	= "mremap to half, then MADV_DOFORK",
};

/*
 * The child of test_dofork(): wait until the parent has unmapped @p and
 * given its pages to a new mapping, then try to read and write every page
 * of @p.  Each page must raise SIGSEGV.  Exit status: the number of pages
 * it could reach (0 is right), or 100 if the parent never said go.
 */
static void __noreturn dofork_child(int down, char *p, size_t n)
{
	int reached = 0;
	size_t i;

	if (read_byte(down, 120) != 'g')
		_exit(100);
	for (i = 0; i < n; i++)
		if (!segv_at(p + i * ps, 0) || !segv_at(p + i * ps + 1, 1))
			reached++;
	_exit(reached);
}

/*
 * madvise(MADV_DOFORK), alone or with mprotect and mremap around it, then
 * fork(): the child must not reach the parent's pages, and above all not
 * after munmap() gave them back and a new mapping took them.
 */
static void test_dofork(void)
{
	const size_t n = 8;
	int prep, down[2], st, ret, err, reached, ok;
	size_t len, i;
	char why[384];
	char *p, *q;
	pid_t pid;

	signal(SIGPIPE, SIG_IGN);
	for (prep = 0; prep < PREP_NR; prep++) {
		char name[128];

		snprintf(name, sizeof(name), "fork after %s: the child cannot reach the pages",
			 prep_names[prep]);
		p = map_dev(n, MAP_SHARED, 0);
		if (p == MAP_FAILED) {
			smm_check(0, name, "mmap: %s", strerror(errno));
			continue;
		}
		len = n * ps;
		for (i = 0; i < n; i++)
			fill_page(p + i * ps, 0x600 + i);
		ret = 0;
		err = 0;
		switch (prep) {
		case PREP_MPROTECT:
			mprotect(p, len, PROT_READ);
			ret = madvise(p, len, MADV_DOFORK);
			err = errno;
			mprotect(p, len, PROT_READ | PROT_WRITE);
			break;
		case PREP_SPLIT:
			ret = madvise(p + n / 2 * ps, ps, MADV_DOFORK);
			err = errno;
			break;
		case PREP_DONTFORK:
			madvise(p, len, MADV_DONTFORK);
			ret = madvise(p, len, MADV_DOFORK);
			err = errno;
			break;
		case PREP_SHRINK:
			q = mremap(p, len, len / 2, 0);
			if (q != MAP_FAILED)
				len /= 2;
			ret = madvise(p, len, MADV_DOFORK);
			err = errno;
			break;
		default:
			ret = madvise(p, len, MADV_DOFORK);
			err = errno;
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
			dofork_child(down[0], p, len / ps);
		}
		close(down[0]);
		/* The parent lets go; a new mapping takes the freed pages. */
		munmap(p, len);
		q = map_dev(n, MAP_SHARED, 0);
		if (q != MAP_FAILED)
			for (i = 0; i < n; i++)
				fill_page(q + i * ps, 0x700 + i);
		if (write(down[1], "g", 1) != 1)
			smm_note("cannot tell the child to go");
		close(down[1]);
		if (waitpid(pid, &st, 0) != pid)
			st = -1;
		reached = st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
		ok = 1;
		if (q != MAP_FAILED) {
			for (i = 0; i < n; i++)
				ok &= page_ok(q + i * ps, 0x700 + i);
			munmap(q, n * ps);
		}
		snprintf(why, sizeof(why),
			 "madvise(MADV_DOFORK) %s (errno %d); the child reached %d of %zu pages%s; the new mapping's data %s",
			 ret ? "failed" : "succeeded", ret ? err : 0, reached, len / ps,
			 reached < 0 ? " (it died or never started)" : "",
			 ok ? "intact" : "changed by the child");
		smm_check(q != MAP_FAILED && reached == 0 && ok, name, "%s", why);
		if (prep == PREP_NONE)
			smm_check(ret && err == EINVAL,
				  "madvise(MADV_DOFORK) on a mapping is refused with EINVAL",
				  "it %s (errno %d, %s)", ret ? "failed" : "succeeded",
				  ret ? err : 0,
				  ret ? strerror(err) : "none");
	}
}

/*
 * A descriptor opened read-only: MAP_SHARED gives a read-only shared
 * mapping, which reads zeroed pages from the shadow allocator and can
 * never become writable.  MAP_PRIVATE is still refused.
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
	w = mmap(NULL, n * ps, PROT_READ, MAP_PRIVATE, fd, 0);
	err = errno;
	smm_check(w == MAP_FAILED && err == EINVAL,
		  "read-only open: MAP_PRIVATE is refused with EINVAL",
		  "mmap %s (errno %d)", w == MAP_FAILED ? "failed" : "succeeded", err);
	if (w != MAP_FAILED)
		munmap(w, n * ps);
	munmap(p, n * ps);
	close(fd);
	get(&c);
	smm_check(c.pages_returned == a.pages_returned + (long long)n,
		  "read-only open: munmap gives the pages back",
		  "pages_returned +%lld (want %zu)", c.pages_returned - a.pages_returned, n);
}

/* HIGHUSER: the pages come from HighMem while it has free pages. */
static void test_highmem_first(void)
{
	const size_t n = 64;
	long long h0, l0, h1, l1, h2;
	char *p;
	size_t i;

	p = map_dev(n, MAP_SHARED, 0);
	if (p == MAP_FAILED) {
		smm_check(0, "pages come from HighMem first", "mmap: %s", strerror(errno));
		return;
	}
	drained_free();
	h0 = smm_meminfo("HighFree");
	l0 = smm_meminfo("LowFree");
	for (i = 0; i < n; i++)
		p[i * ps] = 1;
	drained_free();
	h1 = smm_meminfo("HighFree");
	l1 = smm_meminfo("LowFree");
	smm_check(h0 >= 0 && l0 >= 0 && h0 - h1 >= (long long)(n * ps / 1024) &&
		  l0 - l1 < (long long)(n * ps / 1024),
		  "pages come from HighMem first",
		  "touching 64 pages (256 kB): HighFree %lld -> %lld kB, LowFree %lld -> %lld kB",
		  h0, h1, l0, l1);
	munmap(p, n * ps);
	drained_free();
	h2 = smm_meminfo("HighFree");
	smm_check(h2 == h0, "the HighMem pages go back to HighMem",
		  "HighFree %lld kB before, %lld kB after munmap", h0, h2);
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
	if (read_byte(down, 120) != 'g')
		_exit(2);
	for (j = 0; j < n; j++)
		fill_page(q + j * ps, seed << 16 | j);
	if (write(up, "d", 1) != 1 || !read_byte(down, 120))
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
	char why[256];
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
		ready += read_byte(up[0], 120) == 'r';
	get(&m);
	/* Both are mapped and waiting: let them go at once. */
	for (i = 0; i < 2 && ready == 2; i++)
		if (write(down[i][1], "g", 1) != 1)
			ready = 0;
	for (i = 0; i < 2 && ready == 2; i++)
		done += read_byte(up[0], 120) == 'd';
	get(&a);
	res[0] = smm_pid_resident(&a, pid[0], &lines[0]);
	res[1] = smm_pid_resident(&a, pid[1], &lines[1]);
	snprintf(why, sizeof(why),
		 "%d ready, %d done; untouched: faults +%lld, mappings +%lld (want 0, 2); touched: faults +%lld, pages_resident +%lld (want 512 each), resident %lld and %lld in %d and %d lines (want 256 in 1 each)",
		 ready, done, m.faults - b.faults, m.mappings - b.mappings, a.faults - b.faults,
		 a.pages_resident - b.pages_resident, res[0], res[1], lines[0], lines[1]);
	smm_check(ready == 2 && done == 2 && m.faults == b.faults && m.mappings == b.mappings + 2 &&
		  a.faults == b.faults + 2 * (long long)n &&
		  a.pages_resident == b.pages_resident + 2 * (long long)n &&
		  res[0] == (long long)n && lines[0] == 1 &&
		  res[1] == (long long)n && lines[1] == 1,
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
	smm_check(e.pages_resident == b.pages_resident && e.mappings == b.mappings &&
		  e.pages_returned == b.pages_returned + (a.pages_resident - b.pages_resident) &&
		  !smm_find_mapping(&e, pid[0], 0) && !smm_find_mapping(&e, pid[1], 0),
		  "process exit returns every page and drops the mapping lines",
		  "pages_resident %lld -> %lld, pages_returned +%lld (want %lld), mappings %lld -> %lld",
		  b.pages_resident, e.pages_resident, e.pages_returned - b.pages_returned,
		  a.pages_resident - b.pages_resident, b.mappings, e.mappings);
}

/* What the exhaustion child found out, sent up a pipe. */
struct exhaust {
	long long pages, free_pages, touched;
	int sig, addr_ok, sig2, data_ok;
	long long sigbus1, sigbus2, faults, resident, returned, resident_after, resident_before;
};

static void exhaust_child(int out, long long free_pages)
{
	struct exhaust r = { .free_pages = free_pages };
	struct smm_faults b, a, c, d;
	unsigned char v;
	long long i;
	char *p;

	/* 16 MiB more than all of shadow memory, free or not. */
	r.pages = smm_meminfo("MemTotal") / (ps / 1024) + (16 << 20) / ps;
	p = map_dev(r.pages, MAP_SHARED | MAP_NORESERVE, 0);
	if (p == MAP_FAILED) {
		r.sig = -errno;
		goto out;
	}
	get(&b);
	r.resident_before = b.pages_resident;
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
	r.data_ok = 1;
	for (i = 0; i < r.touched; i++)
		if ((unsigned char)p[i * ps] != ((i & 0xff) | 1))
			r.data_ok = 0;
	munmap(p, r.pages * ps);
	get(&d);
	r.returned = d.pages_returned - c.pages_returned;
	r.resident_after = d.pages_resident;
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

/* Touch more than the arena holds: SIGBUS, never the OOM killer. */
static void test_exhaustion(void)
{
	static char klog[1 << 16];
	struct exhaust r;
	int pfd[2], st, kfd, log_smm, log_oom;
	long long free0, free1;
	char why[256];
	ssize_t n;
	pid_t pid;

	free0 = drained_free();
	kfd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	if (kfd >= 0)
		lseek(kfd, 0, SEEK_END);
	if (pipe(pfd))
		_exit(1);
	fflush(stdout);
	pid = fork();
	if (!pid) {
		close(pfd[0]);
		exhaust_child(pfd[1], free0 / (ps / 1024));
	}
	close(pfd[1]);
	memset(&r, 0, sizeof(r));
	n = read(pfd[0], &r, sizeof(r));
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		st = -1;
	smm_note("exhaustion: %lld pages mapped, %lld free, SIGBUS after %lld pages", r.pages,
		 r.free_pages, r.touched);
	if (n != sizeof(r))
		snprintf(why, sizeof(why), "the child died before it reported: %s",
			 st != -1 && WIFSIGNALED(st) ? strsignal(WTERMSIG(st)) : "no signal");
	else if (r.sig < 0)
		snprintf(why, sizeof(why), "mmap of %lld pages failed: %s", r.pages,
			 strerror(-r.sig));
	else
		snprintf(why, sizeof(why),
			 "%s at page %lld of %lld (%lld pages were free), at %s address",
			 sig_name(r.sig), r.touched, r.pages, r.free_pages,
			 r.addr_ok ? "the right" : "the wrong");
	smm_check(n == sizeof(r) && st != -1 && WIFEXITED(st) && r.sig == SIGBUS && r.addr_ok &&
		  r.touched <= r.free_pages && r.touched >= r.free_pages * 3 / 4,
		  "exhaustion: touching past the end of shadow memory gives SIGBUS", "%s", why);
	if (n != sizeof(r) || r.sig < 0)
		return;
	smm_check(r.sigbus1 == 1 && r.sig2 == SIGBUS && r.sigbus2 == 2,
		  "exhaustion: the sigbus counter counts each SIGBUS",
		  "sigbus +%lld after the first (want 1); touching again: %s, sigbus +%lld (want 2)",
		  r.sigbus1, sig_name(r.sig2), r.sigbus2);
	smm_check(r.faults == r.touched && r.resident == r.touched && r.data_ok,
		  "exhaustion: each page before the SIGBUS faulted once and kept its data",
		  "faults +%lld, resident %lld, %lld pages touched, data %s", r.faults, r.resident,
		  r.touched, r.data_ok ? "intact" : "corrupted");
	if (kmsg_since(kfd, klog, sizeof(klog)) < 0) {
		smm_check(0, "exhaustion: the kernel says so, and no OOM kill",
			  "cannot read /dev/kmsg");
	} else {
		log_smm = !!strstr(klog, "shadow_mm");
		log_oom = strcasestr(klog, "oom-kill") || strstr(klog, "Killed process");
		smm_check(log_smm && !log_oom, "exhaustion: the kernel says so, and no OOM kill",
			  "%s", log_oom ? "the host's OOM killer ran" :
			  "no new kernel message naming shadow_mm");
	}
	free1 = drained_free();
	smm_check(r.returned == r.touched && r.resident_after == r.resident_before &&
		  free1 == free0,
		  "exhaustion: munmap gives every page back",
		  "pages_returned +%lld of %lld, pages_resident %lld (want %lld), MemFree %lld -> %lld kB",
		  r.returned, r.touched, r.resident_after, r.resident_before, free0, free1);
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

int main(void)
{
	struct smm_faults f;
	long long free0, free1;

	smm_check_init("fault: ");
	ps = sysconf(_SC_PAGESIZE);
	if (test_device())
		goto out;
	smm_check(!smm_read_faults(&f), "the faults file has every counter",
		  "%s/faults: faults %lld refaults %lld sigbus %lld pages_mapped %lld pages_returned %lld pages_resident %lld mappings %lld (-1: missing)",
		  SMM_DEBUGFS, f.faults, f.refaults, f.sigbus, f.pages_mapped, f.pages_returned,
		  f.pages_resident, f.mappings);
	smm_check(f.pages_resident == 0 && f.mappings == 0 && f.nr_map == 0,
		  "nothing is mapped when the test starts",
		  "pages_resident %lld, mappings %lld, %d mapping lines", f.pages_resident,
		  f.mappings, f.nr_map);
	free0 = drained_free();
	smm_note("shadow MemFree at the start: %lld kB", free0);

	run_test("mmap reserves only the range", test_mmap_reserves);
	run_test("one by one", test_one_by_one);
	run_test("all at once", test_all_at_once);
	run_test("threads", test_threads);
	run_test("munmap in the middle", test_munmap_middle);
	run_test("refused mappings", test_refused);
	run_test("madvise", note_dontneed);
	run_test("fork", test_fork);
	run_test("MADV_DOFORK and fork", test_dofork);
	run_test("read-only open", test_read_only);
	run_test("HighMem first", test_highmem_first);
	run_test("two processes at once", test_two_processes);
	run_test("exhaustion", test_exhaustion);

	get(&f);
	smm_check(f.pages_mapped >= 0 && f.pages_mapped == f.pages_returned &&
		  f.pages_resident == 0 &&
		  f.mappings == 0 && f.nr_map == 0,
		  "nothing leaked: pages_mapped == pages_returned, nothing resident, no mapping",
		  "pages_mapped %lld, pages_returned %lld, pages_resident %lld, mappings %lld, %d mapping lines",
		  f.pages_mapped, f.pages_returned, f.pages_resident, f.mappings, f.nr_map);
	free1 = drained_free();
	smm_check(free0 >= 0 && free1 == free0, "shadow MemFree is back where it started",
		  "MemFree %lld kB at the start, %lld kB at the end", free0, free1);
out:
	return smm_check_done("fault_test");
}
