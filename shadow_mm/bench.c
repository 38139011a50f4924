// SPDX-License-Identifier: GPL-2.0
/*
 * shadow_mm benchmarks: shadow against host, in ratios.
 *
 * DOC: benchmarks
 *
 * ``/sys/kernel/debug/shadow_mm/bench`` runs the benchmarks when read and
 * prints one row per measurement.  Absolute times mean little (the test VM
 * runs under emulation), so every row is a ratio against the host kernel's
 * own allocator, measured in the same run, as lib/test_vmalloc.c and the
 * page_bench modules do.
 *
 * Bring-up rows build a fresh instance ``loops`` times, with the arena from
 * max-order chunks, and take the median of each stage's time per MiB.  The
 * host figure is the median time to obtain the same memory from the host's
 * buddy allocator with alloc_pages() of the same order and flags; the ratio
 * says how much a stage costs in units of "getting the memory at all".
 *
 * Writing ``arena_mb=N`` or ``loops=N`` (one or both, space-separated) sets
 * the size and repetitions for the next read; bad values get -EINVAL or
 * -ERANGE and change nothing.
 */

#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/gfp.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "bench.h"
#include "instance.h"

#define BENCH_MAX_LOOPS	32

/*
 * Lock order: bench_lock only; it serialises runs and protects
 * bench_arena_mb and bench_loops.
 */
static DEFINE_MUTEX(bench_lock);
static unsigned int bench_arena_mb = 64;
static unsigned int bench_loops = 5;

/* The rows of the bring-up table: the arena, each stage, the total. */
enum bench_row {
	ROW_HOST,
	ROW_STAGE,				/* + enum smm_stage */
	ROW_TOTAL = ROW_STAGE + SMM_STAGE_NR,
	ROW_NR,
};

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static u64 median(u64 *v, unsigned int n)
{
	sort(v, n, sizeof(*v), cmp_u64, NULL);
	return v[n / 2];
}

/*
 * The host baseline: the same number of pages, in the same order and with
 * the same flags as the arena's chunks.  Returns the ns spent allocating,
 * or 0 if the host could not spare the memory.
 */
static u64 host_alloc_ns(unsigned long nr_pages, struct page **pages)
{
	const gfp_t gfp = GFP_KERNEL | __GFP_RETRY_MAYFAIL | __GFP_NOWARN;
	unsigned long n = nr_pages >> MAX_PAGE_ORDER, i, got;
	ktime_t t0 = ktime_get();
	u64 ns;

	for (got = 0; got < n; got++) {
		pages[got] = alloc_pages(gfp, MAX_PAGE_ORDER);
		if (!pages[got])
			break;
	}
	ns = ktime_to_ns(ktime_sub(ktime_get(), t0));
	for (i = 0; i < got; i++)
		__free_pages(pages[i], MAX_PAGE_ORDER);
	return got == n ? ns : 0;
}

static void ratio_row(struct seq_file *m, const char *name, u64 shadow_ns,
		      u64 host_ns, unsigned int mb)
{
	/* Four decimals: a stage can cost a ten-thousandth of the memory. */
	u64 r = host_ns ? div64_u64(shadow_ns * 10000, host_ns) : 0;

	seq_printf(m, "%-22s %14llu %14llu %4llu.%04llu\n", name,
		   div_u64(shadow_ns, mb), div_u64(host_ns, mb), r / 10000, r % 10000);
}

static int bench_bringup(struct seq_file *m, unsigned int mb, unsigned int loops)
{
	const unsigned long nr_pages = (unsigned long)mb << (20 - PAGE_SHIFT);
	const struct smm_params p = {
		.name = "bench",
		.arena_mb = mb,
		.source = SMM_ARENA_CHUNKS,
		.chunk_order = MAX_PAGE_ORDER,
	};
	u64 (*v)[BENCH_MAX_LOOPS];
	struct page **pages;
	unsigned int i, l;
	u64 med[ROW_NR];
	int ret = 0;

	v = kcalloc(ROW_NR, sizeof(*v), GFP_KERNEL);
	pages = kvcalloc(nr_pages >> MAX_PAGE_ORDER, sizeof(*pages), GFP_KERNEL);
	if (!v || !pages) {
		ret = -ENOMEM;
		goto out;
	}

	for (l = 0; l < loops; l++) {
		struct smm_instance *inst;

		v[ROW_HOST][l] = host_alloc_ns(nr_pages, pages);
		inst = smm_instance_create(&p);
		if (IS_ERR(inst) || !v[ROW_HOST][l]) {
			smm_instance_destroy(inst);
			ret = -ENOMEM;
			goto out;
		}
		v[ROW_TOTAL][l] = smm_timeline_total_ns(&inst->timeline);
		for (i = 0; i < SMM_STAGE_NR; i++)
			v[ROW_STAGE + i][l] = inst->timeline.recs[i].duration_ns;
		smm_instance_destroy(inst);
	}
	for (i = 0; i < ROW_NR; i++)
		med[i] = median(v[i], loops);

	seq_printf(m, "# bring-up, arena_mb=%u, median of %u runs; host = alloc_pages(order %d) of the same memory\n",
		   mb, loops, MAX_PAGE_ORDER);
	seq_printf(m, "%-22s %14s %14s %9s\n", "row", "shadow_ns/MiB", "host_ns/MiB",
		   "ratio");
	ratio_row(m, "arena acquisition", med[ROW_STAGE + SMM_STAGE_ARENA],
		  med[ROW_HOST], mb);
	for (i = 0; i < SMM_STAGE_NR; i++) {
		char name[32];

		if (i == SMM_STAGE_ARENA)
			continue;
		snprintf(name, sizeof(name), "stage %s", smm_stage_name(i));
		ratio_row(m, name, med[ROW_STAGE + i], med[ROW_HOST], mb);
	}
	ratio_row(m, "bring-up total", med[ROW_TOTAL], med[ROW_HOST], mb);
out:
	kvfree(pages);
	kfree(v);
	return ret;
}

static int bench_show(struct seq_file *m, void *unused)
{
	int ret;

	mutex_lock(&bench_lock);
	seq_puts(m, "# shadow_mm bench: ratio = shadow / host, both measured in this run\n");
	ret = bench_bringup(m, bench_arena_mb, bench_loops);
	mutex_unlock(&bench_lock);
	return ret;
}

static int bench_open(struct inode *inode, struct file *file)
{
	/* The table is small, but the runs are long: one buffer, one run. */
	return single_open_size(file, bench_show, inode->i_private, 8192);
}

static int parse_setting(char *tok, unsigned int *mb, unsigned int *loops)
{
	char *val = strchr(tok, '=');
	unsigned int n;

	if (!val)
		goto bad;
	*val++ = '\0';
	if (kstrtouint(val, 0, &n))
		goto bad;
	if (!strcmp(tok, "arena_mb")) {
		if (n < SMM_ARENA_MIN_MB || n > SMM_ARENA_MAX_MB) {
			smm_bad_input("bench.arena_mb", "%u is outside [%u, %u]", n,
				      SMM_ARENA_MIN_MB, SMM_ARENA_MAX_MB);
			return -ERANGE;
		}
		*mb = n;
		return 0;
	}
	if (!strcmp(tok, "loops")) {
		if (n < 1 || n > BENCH_MAX_LOOPS) {
			smm_bad_input("bench.loops", "%u is outside [1, %d]", n,
				      BENCH_MAX_LOOPS);
			return -ERANGE;
		}
		*loops = n;
		return 0;
	}
bad:
	smm_bad_input("bench", "expected arena_mb=N and/or loops=N, got '%s'", tok);
	return -EINVAL;
}

static ssize_t bench_write(struct file *file, const char __user *ubuf,
			   size_t len, loff_t *ppos)
{
	unsigned int mb, loops;
	char *buf, *cur, *tok;
	int ret = 0;

	if (len > 128) {
		smm_bad_input("bench", "command longer than 128 bytes");
		return -EINVAL;
	}
	buf = memdup_user_nul(ubuf, len);
	if (IS_ERR(buf))
		return PTR_ERR(buf);

	mutex_lock(&bench_lock);
	mb = bench_arena_mb;
	loops = bench_loops;
	cur = strim(buf);
	while (!ret && (tok = strsep(&cur, " \t")) != NULL) {
		if (*tok)
			ret = parse_setting(tok, &mb, &loops);
	}
	if (!ret) {	/* all or nothing */
		bench_arena_mb = mb;
		bench_loops = loops;
	}
	mutex_unlock(&bench_lock);
	kfree(buf);
	return ret ? ret : len;
}

static const struct file_operations bench_fops = {
	.owner		= THIS_MODULE,
	.open		= bench_open,
	.read		= seq_read,
	.write		= bench_write,
	.llseek		= seq_lseek,
	.release	= single_release,
};

/**
 * smm_bench_debugfs_init() - create the ``bench`` file
 * @root: the module's debugfs directory
 *
 * Context: process context.
 */
void smm_bench_debugfs_init(struct dentry *root)
{
	debugfs_create_file("bench", 0600, root, NULL, &bench_fops);
}
