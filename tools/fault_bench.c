// SPDX-License-Identifier: GPL-2.0
/*
 * fault_bench: page faults through /dev/shadow_mm against the host's own.
 *
 *   fault_bench [pages=N] [rounds=N]       the fault-in and copy-on-write rows
 *   fault_bench swap [pages=N] [rounds=N]  the swap and reclaim rows
 *
 * Defaults: pages=1000 rounds=15 (at least 5).
 *
 * Fault-in: each round maps N pages of /dev/shadow_mm (MAP_SHARED) and N
 * pages of anonymous memory (MAP_PRIVATE | MAP_ANONYMOUS, without
 * transparent huge pages), times one write to each page with
 * CLOCK_MONOTONIC, and unmaps them.  The first touch of each page is a page
 * fault: on the device, shadow_mm's handler takes a page from the shadow
 * buddy allocator, zeroes it, fills in the shadow page table and maps it; on
 * anonymous memory, the host's do_anonymous_page() does the same with its
 * own allocator.
 *
 * Copy-on-write: each round maps N pages MAP_PRIVATE (the device, then
 * anonymous memory), writes every page, and forks.  The child writes one
 * byte in each page, each write a COW fault that copies the page
 * (do_wp_page() -> wp_page_copy()), times that loop itself, checks that it
 * still sees the parent's contents, and exits.  Then the parent, now the
 * only one left mapping the pages, writes each page once more: a write
 * fault that reuses the page without copying (wp_can_reuse_anon_folio()),
 * timed too; it checks that the child's writes did not reach it.
 *
 * Both kinds alternate, device then anonymous, after one warm-up round of
 * each that is not counted, and print each side's median in ns per page,
 * the median of the per-round ratios and their minimum and maximum, in the
 * format of the module's bench file.
 *
 * Swap (the default instance must have swap, swap_mb=): each round maps N
 * pages MAP_PRIVATE, writes a pattern into each, and writes "reclaim
 * pages=N" to the control file, timed; then reads each page back (a major
 * fault on a swap entry), timed, and checks the pattern.  The debugfs file
 * vmstat gives the pages that went out (pswpout), came back (pswpin) and
 * were scanned (pgscan_direct + pgscan_kswapd) in each phase.  The host
 * has no swap to compare with, so these rows are absolute: pages per
 * second, and ns of reclaim per page scanned.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "smm_user.h"

static long page;

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Touch each page of @p once; return the time per page in ns. */
static long long touch_ns(volatile char *p, unsigned long pages)
{
	long long t0 = now_ns();
	unsigned long i;

	for (i = 0; i < pages; i++)
		p[i * page] = 1;
	return (now_ns() - t0) / pages;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

/* The median of @v, which it sorts. */
static long long median(long long *v, unsigned int n)
{
	qsort(v, n, sizeof(*v), cmp_ll);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* A per-round ratio in 1/10000; a round too quick to time counts as 1 ns. */
static long long ratio_of(long long dev, long long anon)
{
	return dev * 10000 / (anon > 0 ? anon : 1);
}

static void print_header(void)
{
	printf("%-28s %12s %12s %9s %s\n", "row", "shadow_ns/op", "host_ns/op", "ratio", "spread");
}

/* One ratio row: each side's median, the median ratio and its spread. */
static void print_row(const char *name, long long *dev_ns, long long *anon_ns,
		      long long *ratios, unsigned long rounds)
{
	long long dev = median(dev_ns, rounds), anon = median(anon_ns, rounds);
	long long ratio = median(ratios, rounds);	/* sorts ratios */

	printf("%-28s %12lld %12lld %4lld.%04lld %lld.%04lld-%lld.%04lld\n", name, dev, anon,
	       ratio / 10000, ratio % 10000, ratios[0] / 10000, ratios[0] % 10000,
	       ratios[rounds - 1] / 10000, ratios[rounds - 1] % 10000);
}

/* The counters of the vmstat file that the rows read. */
enum {
	V_PGFAULT, V_PGMAJFAULT, V_PSWPIN, V_PSWPOUT, V_PGSCAN_KSWAPD, V_PGSCAN_DIRECT,
	V_PGSTEAL_KSWAPD, V_PGSTEAL_DIRECT, V_COW_FAULT, V_NR
};

static const char *const vm_names[V_NR] = {
	"pgfault", "pgmajfault", "pswpin", "pswpout", "pgscan_kswapd", "pgscan_direct",
	"pgsteal_kswapd", "pgsteal_direct", "cow_fault",
};

/*
 * Read the default instance's vmstat file into @v; a counter it lacks reads
 * as -1.  Return: 0, or -1 if the file cannot be read (an older module).
 */
static int vmstat_read(long long *v)
{
	static char buf[4096];
	char *line, *next;
	int i;

	for (i = 0; i < V_NR; i++)
		v[i] = -1;
	if (smm_read_file("vmstat", buf, sizeof(buf)) < 0)
		return -1;
	for (line = buf; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		for (i = 0; i < V_NR; i++) {
			size_t n = strlen(vm_names[i]);

			if (!strncmp(line, vm_names[i], n) && line[n] == ' ')
				v[i] = atoll(line + n + 1);
		}
	}
	return 0;
}

/* b[i] - a[i], or -1 if either side lacks the counter. */
static long long vm_delta(const long long *a, const long long *b, int i)
{
	return a[i] < 0 || b[i] < 0 ? -1 : b[i] - a[i];
}

/* The fault-in row. */
static int bench_fault_in(int fd, unsigned long pages, unsigned long rounds)
{
	long long *dev_ns, *anon_ns, *ratios, dev, anon;
	size_t len = pages * page;
	char name[40];
	unsigned long r;

	dev_ns = calloc(rounds, sizeof(*dev_ns));
	anon_ns = calloc(rounds, sizeof(*anon_ns));
	ratios = calloc(rounds, sizeof(*ratios));
	if (!dev_ns || !anon_ns || !ratios)
		return -1;

	/* Round 0 warms up the caches, the page tables and the per-CPU lists. */
	for (r = 0; r <= rounds; r++) {
		char *p;

		p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (p == MAP_FAILED) {
			fprintf(stderr, "fault_bench: mmap %s: %s\n", SMM_DEV, strerror(errno));
			return -1;
		}
		dev = touch_ns(p, pages);
		munmap(p, len);

		p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			fprintf(stderr, "fault_bench: mmap anonymous: %s\n", strerror(errno));
			return -1;
		}
		madvise(p, len, MADV_NOHUGEPAGE);	/* one fault per 4 KiB page, as ours */
		anon = touch_ns(p, pages);
		munmap(p, len);

		if (r) {
			dev_ns[r - 1] = dev;
			anon_ns[r - 1] = anon;
			ratios[r - 1] = ratio_of(dev, anon);
		}
	}

	printf("# demand paging: %lu pages touched once, median of %lu rounds; %s\n",
	       pages, rounds, "host = anonymous mmap");
	print_header();
	snprintf(name, sizeof(name), "fault-in %lu pages", pages);
	print_row(name, dev_ns, anon_ns, ratios, rounds);
	free(dev_ns);
	free(anon_ns);
	free(ratios);
	return 0;
}

/* Offsets in each page: the child's write, the parent's pattern, the parent's second write. */
#define COW_CHILD	0
#define COW_PATTERN	1
#define COW_PARENT	2

/*
 * One copy-on-write round on @p, @pages pages mapped MAP_PRIVATE: write
 * every page, fork, let the child time its COW faults, then time the
 * parent's reuse faults.  @what names the side for messages.
 * Return: 0, or -1 after saying why.
 */
static int cow_round(volatile char *p, unsigned long pages, const char *what,
		     long long *child_ns, long long *parent_ns)
{
	long long res[2], t0;
	unsigned long i, bad;
	int pfd[2], status;
	ssize_t n;
	pid_t pid;

	for (i = 0; i < pages; i++) {
		p[i * page + COW_CHILD] = 1;
		p[i * page + COW_PATTERN] = (char)(0x5a ^ i);
	}
	if (pipe(pfd)) {
		fprintf(stderr, "fault_bench: pipe: %s\n", strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "fault_bench: fork: %s\n", strerror(errno));
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	if (!pid) {
		close(pfd[0]);
		t0 = now_ns();
		for (i = 0; i < pages; i++)
			p[i * page + COW_CHILD] = 2;
		res[0] = (now_ns() - t0) / pages;
		res[1] = 0;
		for (i = 0; i < pages; i++)
			if (p[i * page + COW_CHILD] != 2 ||
			    p[i * page + COW_PATTERN] != (char)(0x5a ^ i))
				res[1]++;
		if (write(pfd[1], res, sizeof(res)) != sizeof(res))
			_exit(1);
		_exit(0);
	}
	close(pfd[1]);
	n = read(pfd[0], res, sizeof(res));
	close(pfd[0]);
	if (waitpid(pid, &status, 0) != pid) {
		fprintf(stderr, "fault_bench: waitpid: %s\n", strerror(errno));
		return -1;
	}
	if (WIFSIGNALED(status) || n != sizeof(res)) {
		fprintf(stderr, "fault_bench: COW, %s: the child %s\n", what,
			WIFSIGNALED(status) ? strsignal(WTERMSIG(status)) : "failed");
		return -1;
	}
	if (res[1]) {
		fprintf(stderr, "fault_bench: COW, %s: the child saw %lld of %lu pages wrong\n",
			what, res[1], pages);
		return -1;
	}
	*child_ns = res[0];

	t0 = now_ns();
	for (i = 0; i < pages; i++)
		p[i * page + COW_PARENT] = 3;
	*parent_ns = (now_ns() - t0) / pages;
	for (i = bad = 0; i < pages; i++)
		if (p[i * page + COW_CHILD] != 1 || p[i * page + COW_PATTERN] != (char)(0x5a ^ i))
			bad++;
	if (bad) {
		fprintf(stderr, "fault_bench: COW, %s: the parent saw %lu of %lu pages changed\n",
			what, bad, pages);
		return -1;
	}
	return 0;
}

/*
 * The copy-on-write rows: the child's COW faults (copies) and the parent's
 * write faults after the child is gone (reuse), device against anonymous.
 */
static int bench_cow(int fd, unsigned long pages, unsigned long rounds)
{
	long long *c_dev, *c_anon, *c_ratio, *p_dev, *p_anon, *p_ratio;
	long long cow_child = -1, cow_parent = -1, v0[V_NR], v1[V_NR], v2[V_NR];
	long long pf_child = -1, pf_parent = -1;
	size_t len = pages * page;
	unsigned long r;
	int have_vmstat;

	c_dev = calloc(rounds, sizeof(long long));
	c_anon = calloc(rounds, sizeof(long long));
	c_ratio = calloc(rounds, sizeof(long long));
	p_dev = calloc(rounds, sizeof(long long));
	p_anon = calloc(rounds, sizeof(long long));
	p_ratio = calloc(rounds, sizeof(long long));
	if (!c_dev || !c_anon || !c_ratio || !p_dev || !p_anon || !p_ratio)
		return -1;

	for (r = 0; r <= rounds; r++) {
		long long cd, pd, ca, pa;
		char *p;

		p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
		if (p == MAP_FAILED) {
			fprintf(stderr, "fault_bench: mmap %s MAP_PRIVATE: %s\n", SMM_DEV,
				strerror(errno));
			return -1;
		}
		if (cow_round(p, pages, "device", &cd, &pd))
			return -1;
		munmap(p, len);

		p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			fprintf(stderr, "fault_bench: mmap anonymous: %s\n", strerror(errno));
			return -1;
		}
		madvise(p, len, MADV_NOHUGEPAGE);
		if (cow_round(p, pages, "anonymous", &ca, &pa))
			return -1;
		munmap(p, len);

		if (r) {
			c_dev[r - 1] = cd;
			c_anon[r - 1] = ca;
			c_ratio[r - 1] = ratio_of(cd, ca);
			p_dev[r - 1] = pd;
			p_anon[r - 1] = pa;
			p_ratio[r - 1] = ratio_of(pd, pa);
		}
	}

	/*
	 * Count the cow_fault events of one more device round, phase by
	 * phase, outside the timed rounds: the child should copy every page,
	 * the parent none.
	 */
	have_vmstat = !vmstat_read(v0);
	if (have_vmstat) {
		volatile char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
		unsigned long i;
		int st;
		pid_t pid;

		if (p == MAP_FAILED)
			return -1;
		for (i = 0; i < pages; i++)
			p[i * page] = 1;
		vmstat_read(v0);
		pid = fork();
		if (!pid) {
			for (i = 0; i < pages; i++)
				p[i * page] = 2;
			_exit(0);
		}
		if (pid < 0 || waitpid(pid, &st, 0) != pid)
			return -1;
		vmstat_read(v1);
		for (i = 0; i < pages; i++)
			p[i * page] = 3;
		vmstat_read(v2);
		munmap((void *)p, len);
		cow_child = vm_delta(v0, v1, V_COW_FAULT);
		cow_parent = vm_delta(v1, v2, V_COW_FAULT);
		pf_child = vm_delta(v0, v1, V_PGFAULT);
		pf_parent = vm_delta(v1, v2, V_PGFAULT);
	}

	printf("# copy-on-write after fork: %lu pages written, fork, the child writes each (a copy), %s, median of %lu rounds; host = anonymous mmap\n",
	       pages, "then the parent alone (a reuse)", rounds);
	print_header();
	print_row("COW fault after fork", c_dev, c_anon, c_ratio, rounds);
	print_row("COW reuse in parent", p_dev, p_anon, p_ratio, rounds);
	if (!have_vmstat)
		printf("# no vmstat file: the cow_fault counter was not checked\n");
	else if (cow_child < 0)
		printf("# the vmstat file has no cow_fault counter\n");
	else
		printf("# cow_fault counted in one more device round: child %lld, parent %lld (expected %lu and 0)%s\n",
		       cow_child, cow_parent, pages,
		       cow_child != (long long)pages || cow_parent ?
		       "  # unsound: the timed writes were not the faults they should be" : "");
	if (have_vmstat && pf_child >= 0)
		printf("# pgfault in the same round: child %lld, parent %lld, for %lu pages each\n",
		       pf_child, pf_parent, pages);
	free(c_dev);
	free(c_anon);
	free(c_ratio);
	free(p_dev);
	free(p_anon);
	free(p_ratio);
	return 0;
}

/* One reported row: the median and the range. */
static void print_abs(const char *name, long long *v, unsigned long n)
{
	long long m = median(v, n);

	printf("%-28s %12lld %lld-%lld\n", name, m, v[0], v[n - 1]);
}

/* The swap area's size in kB: meminfo's SwapTotal, else the swaps file's Size; -1 if neither. */
static long long swap_total_kb(void)
{
	long long kb = smm_meminfo("SwapTotal");
	static char buf[1024];
	char *line;

	if (kb >= 0 || smm_read_file("swaps", buf, sizeof(buf)) < 0)
		return kb;
	/* "Filename Type Size Used Priority", then one line per area */
	line = strchr(buf, '\n');
	if (!line || sscanf(line + 1, "%*s %*s %lld", &kb) != 1)
		return 0;
	return kb;
}

/* Reclaim commands a swap round may use to get its pages out. */
#define SWAP_MAX_CMDS	64

/* The swap and reclaim rows. */
static int bench_swap(int fd, unsigned long pages, unsigned long rounds)
{
	long long *out_ps, *in_ps, *scan_ns, *n_out, *n_in, *n_scan, *n_maj, *n_cmds;
	long long v0[V_NR], v1[V_NR], v2[V_NR], swap_kb;
	unsigned long r, i, bad;
	long long kswapd = 0;
	size_t len = pages * page;
	char cmd[64];

	swap_kb = swap_total_kb();
	if (vmstat_read(v0) || v0[V_PSWPOUT] < 0 || v0[V_PSWPIN] < 0) {
		fprintf(stderr, "fault_bench: no vmstat file with pswpout and pswpin in %s\n",
			SMM_DEBUGFS);
		return -1;
	}
	if (swap_kb <= 0) {
		fprintf(stderr, "fault_bench: the default instance has no swap (SwapTotal %lld kB): load the module with swap_mb=\n",
			swap_kb);
		return -1;
	}
	if ((long long)(len / 1024) > swap_kb) {
		fprintf(stderr, "fault_bench: %lu pages do not fit in %lld kB of swap\n",
			pages, swap_kb);
		return -1;
	}
	/*
	 * Keep kswapd out of the timed reclaim: with swappiness 0 it does not
	 * swap, while the reclaim command does.  Were it to run, its pages
	 * would count in pswpout and its scans in pgscan_kswapd, and neither
	 * in the command's time.
	 */
	if (smm_control("sysctl swappiness=0")) {
		fprintf(stderr, "fault_bench: 'sysctl swappiness=0': %s\n", strerror(errno));
		return -1;
	}
	out_ps = calloc(rounds, sizeof(long long));
	in_ps = calloc(rounds, sizeof(long long));
	scan_ns = calloc(rounds, sizeof(long long));
	n_out = calloc(rounds, sizeof(long long));
	n_in = calloc(rounds, sizeof(long long));
	n_scan = calloc(rounds, sizeof(long long));
	n_maj = calloc(rounds, sizeof(long long));
	n_cmds = calloc(rounds, sizeof(long long));
	if (!out_ps || !in_ps || !scan_ns || !n_out || !n_in || !n_scan || !n_maj || !n_cmds)
		return -1;

	for (r = 0; r <= rounds; r++) {
		long long t_out, t_in, out, in, scan, cmds, *sink;
		volatile long long *q;
		char *p;

		p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
		if (p == MAP_FAILED) {
			fprintf(stderr, "fault_bench: mmap %s MAP_PRIVATE: %s\n", SMM_DEV,
				strerror(errno));
			return -1;
		}
		for (i = 0; i < pages; i++) {
			q = (volatile long long *)(p + i * page);
			q[0] = (long long)(r << 32 | i);
		}

		/*
		 * Pages just written are referenced: reclaim's first look only
		 * marks them (folio_check_references()), and a command gives
		 * up after a few rounds without progress.  So repeat it, for
		 * the pages not yet out, until all went out or a command
		 * scanned nothing; the time and the counts are the sum.
		 */
		vmstat_read(v0);
		t_out = 0;
		memcpy(v1, v0, sizeof(v1));
		for (cmds = 0, out = 0; cmds < SWAP_MAX_CMDS && out < (long long)pages;) {
			long long t, va[V_NR];

			memcpy(va, v1, sizeof(va));
			snprintf(cmd, sizeof(cmd), "reclaim pages=%llu",
				 (unsigned long long)pages - out);
			t = now_ns();
			if (smm_control(cmd)) {
				fprintf(stderr, "fault_bench: '%s': %s\n", cmd, strerror(errno));
				return -1;
			}
			t_out += now_ns() - t;
			cmds++;
			vmstat_read(v1);
			out = vm_delta(v0, v1, V_PSWPOUT);
			if (vm_delta(va, v1, V_PGSCAN_DIRECT) <= 0 &&
			    vm_delta(va, v1, V_PGSCAN_KSWAPD) <= 0)
				break;
		}

		sink = calloc(pages, sizeof(*sink));
		if (!sink)
			return -1;
		t_in = now_ns();
		for (i = 0; i < pages; i++)
			sink[i] = *(volatile long long *)(p + i * page);
		t_in = now_ns() - t_in;
		vmstat_read(v2);
		for (i = bad = 0; i < pages; i++)
			if (sink[i] != (long long)(r << 32 | i))
				bad++;
		free(sink);
		munmap(p, len);
		if (bad) {
			fprintf(stderr, "fault_bench: swap: %lu of %lu pages came back wrong\n",
				bad, pages);
			return -1;
		}

		in = vm_delta(v1, v2, V_PSWPIN);
		scan = vm_delta(v0, v1, V_PGSCAN_DIRECT);
		if (vm_delta(v0, v2, V_PGSCAN_KSWAPD) > 0)
			kswapd += vm_delta(v0, v2, V_PGSCAN_KSWAPD);
		if (out <= 0 || in <= 0 || scan <= 0) {
			fprintf(stderr, "fault_bench: swap: %lld reclaim commands swapped out %lld pages, scanned %lld; reading back swapped in %lld\n",
				cmds, out, scan, in);
			return -1;
		}
		if (r) {
			out_ps[r - 1] = out * 1000000000LL / (t_out > 0 ? t_out : 1);
			in_ps[r - 1] = in * 1000000000LL / (t_in > 0 ? t_in : 1);
			scan_ns[r - 1] = t_out / scan;
			n_out[r - 1] = out;
			n_in[r - 1] = in;
			n_scan[r - 1] = scan;
			n_maj[r - 1] = vm_delta(v1, v2, V_PGMAJFAULT);
			n_cmds[r - 1] = cmds;
		}
	}

	printf("# swap and reclaim: %lu pages written, 'reclaim pages=N' for the pages not yet out until all are (timed), read back (timed); swap %lld kB; median of %lu rounds\n",
	       pages, swap_kb, rounds);
	printf("# absolute figures (no host swap to compare with); under TCG only indicative\n");
	printf("%-28s %12s %s\n", "row", "value", "min-max");
	print_abs("swap-out pages/s", out_ps, rounds);
	print_abs("swap-in pages/s", in_ps, rounds);
	print_abs("reclaim ns/page scanned", scan_ns, rounds);
	printf("# per round, medians: reclaim commands %lld, pswpout %lld, pswpin %lld, pgmajfault %lld, pgscan_direct %lld\n",
	       median(n_cmds, rounds), median(n_out, rounds), median(n_in, rounds),
	       median(n_maj, rounds), median(n_scan, rounds));
	if (kswapd)
		printf("# unsound: kswapd scanned %lld pages during the rounds (swappiness 0 should keep it out): pswpout counts its pages, the time does not\n",
		       kswapd);
	free(out_ps);
	free(in_ps);
	free(scan_ns);
	free(n_out);
	free(n_in);
	free(n_scan);
	free(n_maj);
	free(n_cmds);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long pages = 1000, rounds = 15, *arg;
	long long free_kb;
	int i = 1, fd, swap = 0, rc;
	char *end;

	page = sysconf(_SC_PAGESIZE);
	if (argc > 1 && !strcmp(argv[1], "swap")) {
		swap = 1;
		i = 2;
	}
	for (; i < argc; i++) {
		if (!strncmp(argv[i], "pages=", 6))
			arg = &pages;
		else if (!strncmp(argv[i], "rounds=", 7))
			arg = &rounds;
		else
			goto usage;
		*arg = strtoul(strchr(argv[i], '=') + 1, &end, 0);
		if (*end || !*arg || *arg > 1000000 || (arg == &rounds && *arg < 5))
			goto usage;
	}
	free_kb = smm_meminfo("MemFree") + smm_meminfo("PerCPULists") + 1;
	if (free_kb > 0 && (long long)(pages * page / 1024) >= free_kb) {
		fprintf(stderr, "fault_bench: %lu pages do not fit in %lld kB of shadow memory\n",
			pages, free_kb);
		return 1;
	}
	fd = smm_open();
	if (fd < 0) {
		fprintf(stderr, "fault_bench: cannot open %s: %s\n", SMM_DEV, strerror(errno));
		return 1;
	}
	if (swap) {
		rc = bench_swap(fd, pages, rounds);
	} else {
		rc = bench_fault_in(fd, pages, rounds);
		fflush(stdout);
		if (!rc)
			rc = bench_cow(fd, pages, rounds);
	}
	close(fd);
	return rc ? 1 : 0;

usage:
	fprintf(stderr, "usage: %s [swap] [pages=N] [rounds=N]   (pages 1..1000000, rounds 5..1000000;\n"
		"defaults 1000 and 15)\n", argv[0]);
	return 2;
}
