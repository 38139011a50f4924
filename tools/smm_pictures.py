#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Draw shadow_mm's debugfs files as PNG pictures.

smm_pictures.py [-o OUTDIR] DATADIR

DATADIR holds files dumped from a run (``make run`` puts them in
.build/pictures/data/).  Each picture is drawn from the files it needs and
skipped, with a message, when one of them is missing:

  arena-before.png, arena-after.png
      pfnmap.before, pfnmap.after: <instance>/pfnmap (one record per PFN)
      buddyinfo.before/after (optional): the number of buddy orders
  buddyinfo.png    buddyinfo.before, buddyinfo.after (either may be missing)
  bringup.png      bringup: <instance>/bringup (stages and their steps)
  eras.png         bringup.2629, bringup.612: the two instances' bringup files
                   of make run ERA=both (stages only, one time axis)
  slab.png         replay: the replay report (per-strategy rows), or else
                   for each strategy S of slab, slub, slob:
                   meminfo.S.before, meminfo.S.after, slabinfo.S (the
                   instance before and after the workload), workload.slab
                   (the control commands run on each) and, for the time,
                   bench (the module's bench output, its slab rows)

Each picture written is printed as its path.  Malformed input stops that
picture with "FILE:LINE: what is wrong"; the exit status is 1 if any
picture failed, 0 otherwise (skipped pictures do not count).

Only Python 3 and matplotlib (Debian's python3-matplotlib, Agg) are needed.
See Documentation/pictures.rst.
"""

import argparse
import math
import os
import re
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import colors as mcolors  # noqa: E402
from matplotlib.colorbar import ColorbarBase  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402
import numpy as np  # noqa: E402

PAGE_SIZE = 4096
DPI = 120

# The owners of Documentation/pfn.rst, in legend order, with their colours.
# Buddy free blocks are not here: they take a ramp of one hue by order.
OWNERS = [
    ("hole", "#ffffff", "hole (no memory: e820 gap or outside the arena)"),
    ("firmware", "#404040", "firmware (e820 reserved, ACPI, NVS)"),
    ("early_res", "#8c510a", "early_res reservation"),
    ("memmap", "#dfc27d", "mem_map (struct page array)"),
    ("free", "#fff3a0", "free, not yet in the buddy allocator"),
    ("bootmem", "#bf812d", "bootmem allocation"),
    ("pcp", "#00bcd4", "per-CPU list (free)"),
    ("alloc", "#2166ac", "buddy allocation (alloc_pages)"),
    ("slab", "#ff7f0e", "slab page / large kmalloc"),
    ("pgtable", "#d62728", "page table"),
    ("vmalloc", "#9467bd", "vmalloc area"),
    ("user", "#e7298a", "user page (/dev/shadow_mm)"),
    ("swapcache", "#67001f", "swap cache"),
    ("kmap", "#ffff00", "kmapped HighMem page"),
]
OWNER_INDEX = {name: i for i, (name, _, _) in enumerate(OWNERS)}
BUDDY = len(OWNERS)           # image value of a buddy page of order 0
ZONES = ("DMA", "DMA32", "Normal", "HighMem", "Movable", "-")
E820 = ("usable", "reserved", "ACPI", "NVS", "unusable", "hole")
MAX_ORDER_LIMIT = 16


class InputError(Exception):
    """Malformed input: the message names the file and the line."""

    def __init__(self, path, lineno, msg):
        where = f"{path}:{lineno}" if lineno else path
        super().__init__(f"{where}: {msg}")


class Missing(Exception):
    """An input file is not there: the picture is skipped."""


def open_input(path):
    if not os.path.isfile(path):
        raise Missing(path)
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read().splitlines()


# ---------------------------------------------------------------- parsers

class PfnMap:
    """One pfnmap file: owner image value, zone and e820 type per PFN."""

    def __init__(self, path):
        self.path = path
        lines = open_input(path)
        recs = []
        for n, line in enumerate(lines, 1):
            if not line.strip() or line.startswith("#"):
                continue
            f = line.split()
            if len(f) != 6:
                raise InputError(path, n, f"want 6 fields (pfn zone e820 owner order "
                                 f"detail), got {len(f)}: {line!r}")
            pfn_s, zone, e820, owner, order_s, detail = f
            # "0x%lx"; a bare "0" too, which is what printf's "%#lx" gives for 0.
            if not pfn_s.startswith("0x") and pfn_s != "0":
                raise InputError(path, n, f"pfn {pfn_s!r} is not 0x-prefixed hex")
            try:
                pfn = int(pfn_s, 16)
            except ValueError:
                raise InputError(path, n, f"pfn {pfn_s!r} is not hex") from None
            if zone not in ZONES:
                raise InputError(path, n, f"unknown zone {zone!r} (want one of "
                                 f"{', '.join(ZONES)})")
            if e820 not in E820:
                raise InputError(path, n, f"unknown e820 type {e820!r} (want one of "
                                 f"{', '.join(E820)})")
            if owner != "buddy" and owner not in OWNER_INDEX:
                raise InputError(path, n, f"unknown owner {owner!r}")
            if order_s == "-":
                order = -1
            else:
                if not order_s.isdigit() or int(order_s) >= MAX_ORDER_LIMIT:
                    raise InputError(path, n, f"order {order_s!r} is not '-' or 0..."
                                     f"{MAX_ORDER_LIMIT - 1}")
                order = int(order_s)
            if owner == "buddy" and order < 0:
                raise InputError(path, n, "a buddy page without its block's order")
            recs.append((n, pfn, zone, e820, owner, order, detail))
        if not recs:
            raise InputError(path, 0, "no records")
        self.npages = max(r[1] for r in recs) + 1
        self.value = np.full(self.npages, -1, dtype=np.int16)
        self.zone = np.full(self.npages, ZONES.index("-"), dtype=np.int8)
        self.order = np.full(self.npages, -1, dtype=np.int8)
        seen = np.zeros(self.npages, dtype=bool)
        for n, pfn, zone, e820, owner, order, detail in recs:
            if seen[pfn]:
                raise InputError(path, n, f"pfn 0x{pfn:x} listed twice")
            seen[pfn] = True
            self.value[pfn] = BUDDY + order if owner == "buddy" else OWNER_INDEX[owner]
            self.zone[pfn] = ZONES.index(zone)
            self.order[pfn] = order
        missing = int((~seen).sum())
        if missing:
            warn(f"{path}: {missing} pfns below 0x{self.npages:x} have no record; "
                 "drawn as holes")
            self.value[~seen] = OWNER_INDEX["hole"]
        self.max_buddy_order = int(max((r[5] for r in recs if r[4] == "buddy"), default=-1))

    def zones(self):
        """[(name, first pfn, last pfn + 1)] of each zone, in PFN order."""
        out = []
        for zi, name in enumerate(ZONES[:-1]):
            idx = np.nonzero(self.zone == zi)[0]
            if len(idx):
                out.append((name, int(idx[0]), int(idx[-1]) + 1))
        return sorted(out, key=lambda z: z[1])

    def counts(self):
        c = np.bincount(self.value.astype(np.int64), minlength=BUDDY + MAX_ORDER_LIMIT)
        out = {name: int(c[i]) for i, (name, _, _) in enumerate(OWNERS)}
        out["buddy"] = int(c[BUDDY:].sum())
        return out


BUDDYINFO_RE = re.compile(r"^Node\s+(\d+),\s+zone\s+(\S+)((?:\s+\d+)+)\s*$")


def parse_buddyinfo(path):
    """{zone: [free blocks of order 0, 1, ...]} in file order."""
    out = {}
    for n, line in enumerate(open_input(path), 1):
        if not line.strip():
            continue
        m = BUDDYINFO_RE.match(line)
        if not m:
            raise InputError(path, n, "not a buddyinfo line "
                             f"('Node N, zone NAME count count ...'): {line!r}")
        counts = [int(x) for x in m.group(3).split()]
        if m.group(2) in out:
            raise InputError(path, n, f"zone {m.group(2)} listed twice")
        if out and len(counts) != len(next(iter(out.values()))):
            raise InputError(path, n, "not as many orders as the lines before")
        out[m.group(2)] = counts
    if not out:
        raise InputError(path, 0, "no zones")
    return out


def parse_bringup(path):
    """[(stage, kernel, start_ns, duration_ns, result, [steps])], steps alike."""
    stages = []
    header = False
    for n, line in enumerate(open_input(path), 1):
        if not line.strip():
            continue
        if line.startswith("stage ") and "start_ns" in line:
            header = True
            continue
        if re.match(r"^\d+ steps not recorded", line):
            continue
        if re.match(r"^total \d+ ns$", line):
            break       # what follows (the mem_init() banner) is not timed
        if not header:
            raise InputError(path, n, "expected the header 'stage kernel start_ns "
                             f"duration_ns result', got {line!r}")
        step = line[0].isspace()
        f = line.split(None, 3 if step else 4)
        if step:
            f.insert(0, "")
        if len(f) < 4 or not f[2].isdigit() or not f[3].isdigit():
            raise InputError(path, n, "want 'stage kernel start_ns duration_ns result' "
                             f"or an indented step 'name start_ns duration_ns result': "
                             f"{line!r}")
        rec = (f[0], f[1], int(f[2]), int(f[3]), f[4] if len(f) > 4 else "", [])
        if step:
            if not stages:
                raise InputError(path, n, "a step before any stage")
            stages[-1][5].append(rec)
        else:
            stages.append(rec)
    if not stages:
        raise InputError(path, 0, "no stages")
    return stages


REPLAY_COLS = ["strategy", "ops", "ns_per_op", "host_ns_per_op", "ratio", "peak_pages",
               "peak_efficiency", "slabs_created", "slabs_destroyed", "unknown_frees"]


def parse_replay(path):
    """{strategy: {column: value}} from the replay report's strategy table."""
    rows = {}
    header = None
    for n, line in enumerate(open_input(path), 1):
        if line.startswith("#"):
            if header:      # "# buddy": the strategy table is over
                break
            continue
        if not line.strip():
            if header:
                break
            continue
        f = line.split()
        if header is None:
            if f != REPLAY_COLS:
                raise InputError(path, n, f"want the header {' '.join(REPLAY_COLS)!r}, "
                                 f"got {line!r}")
            header = f
            continue
        if len(f) != len(header):
            raise InputError(path, n, f"want {len(header)} fields, got {len(f)}: {line!r}")
        row = {}
        for k, v in zip(header[1:], f[1:]):
            try:
                row[k] = float(v)
            except ValueError:
                raise InputError(path, n, f"{k} {v!r} is not a number") from None
        rows[f[0]] = row
    if not rows:
        raise InputError(path, 0, "no strategy rows")
    return rows


def parse_meminfo(path):
    out = {}
    for n, line in enumerate(open_input(path), 1):
        if not line.strip():
            continue
        m = re.match(r"^(\S+):\s+(\d+) kB$", line)
        if not m:
            raise InputError(path, n, f"not a meminfo line ('Name:  N kB'): {line!r}")
        out[m.group(1)] = int(m.group(2))
    if "Slab" not in out:
        raise InputError(path, 0, "no Slab: line")
    return out


def parse_slabinfo(path):
    """{cache: (active_objs, num_objs, objsize, objperslab, pagesperslab, num_slabs)}"""
    out = {}
    for n, line in enumerate(open_input(path), 1):
        if line.startswith("slabinfo - version") or line.startswith("#") or not line.strip():
            continue
        f = line.split()
        if len(f) != 16 or f[6] != ":" or f[11] != ":":
            raise InputError(path, n, f"not a slabinfo 2.1 line: {line!r}")
        try:
            out[f[0]] = tuple(int(f[i]) for i in (1, 2, 3, 4, 5, 14))
        except ValueError:
            raise InputError(path, n, f"a field is not a number: {line!r}") from None
    return out


def workload_bytes(path):
    """Bytes asked for and still live after the control commands in @path."""
    sizes, tags = {}, {}
    for n, line in enumerate(open_input(path), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        verb, *words = line.split()
        kv = {}
        for w in words:
            if "=" not in w:
                raise InputError(path, n, f"{w!r} is not key=value")
            k, v = w.split("=", 1)
            kv[k] = v
        try:
            count = int(kv.get("count", "1"), 0)
            if verb == "cache_create":
                sizes[kv["name"]] = int(kv["size"], 0)
            elif verb == "cache_alloc":
                tags[kv["tag"]] = sizes[kv["name"]] * count
            elif verb in ("kmalloc",):
                tags[kv["tag"]] = int(kv["size"], 0) * count
            elif verb == "free":
                tags.pop(kv["tag"])
            elif verb in ("cache_shrink", "drain"):
                pass
            else:
                raise InputError(path, n, f"{verb!r}: only cache_create, cache_alloc, "
                                 "kmalloc, free, cache_shrink and drain count")
        except (KeyError, ValueError) as e:
            raise InputError(path, n, f"bad or missing value ({e}): {line!r}") from None
    return sum(tags.values())


def parse_bench_slab(path):
    """{strategy: {row name: (shadow ns/op, host ns/op, ratio, spread)}} from the
    bench's slab rows."""
    out, cur = {}, None
    for line in open_input(path):
        m = re.match(r"^# slab strategy (\w+);", line)
        if m:
            cur = out.setdefault(m.group(1), {})
            continue
        if line.startswith("#"):
            cur = None
            continue
        if cur is None:
            continue
        m = re.match(r"^(.*?\S)\s+(\d+)\s+(\d+)\s+([\d.]+)\s+(\S+)$", line)
        if m:
            cur[m.group(1)] = (int(m.group(2)), int(m.group(3)), float(m.group(4)),
                               m.group(5))
    return out


# ---------------------------------------------------------------- drawing

def warn(msg):
    print(f"smm_pictures: {msg}", file=sys.stderr)


def buddy_colours(max_order):
    """One hue: dark for order 0, light for @max_order, so that big free
    blocks look empty and the small ones left by fragmentation stand out."""
    cmap = plt.get_cmap("Greens")
    n = max_order + 1
    return [cmap(0.9 - 0.62 * o / max(n - 1, 1)) for o in range(n)]


def choose_cols(npages):
    """Pages a row: a power of two that makes the map about 2.5 times as wide
    as it is tall with cells 1.5 times as tall as wide (256 for 64 MiB)."""
    cols = 2 ** round(math.log2(math.sqrt(npages * 2.5 * 1.5)))
    return min(4096, max(64, cols))


def boundary_path(pfn, cols):
    """The step line between pfn - 1 and pfn in a grid of @cols a row."""
    r, c = divmod(pfn, cols)
    if c == 0:
        return [-0.5, cols - 0.5], [r - 0.5, r - 0.5]
    return ([cols - 0.5, c - 0.5, c - 0.5, -0.5], [r - 0.5, r - 0.5, r + 0.5, r + 0.5])


def fmt_mib(pages):
    mib = pages * PAGE_SIZE / (1 << 20)
    return f"{mib:g} MiB" if mib == int(mib) else f"{mib:.2f} MiB"


def draw_arena(pm, when, out, npages, max_order, shown, instance):
    cols = choose_cols(npages)
    rows = math.ceil(npages / cols)
    grid = np.full(rows * cols, -1, dtype=np.int16)
    grid[:pm.npages] = pm.value
    img = np.ma.masked_less(grid.reshape(rows, cols), 0)
    palette = [c for _, c, _ in OWNERS] + buddy_colours(max_order)
    cmap = mcolors.ListedColormap(palette)
    cmap.set_bad("#dddddd")
    norm = mcolors.BoundaryNorm(np.arange(len(palette) + 1) - 0.5, len(palette))

    # The layout in inches: title, map, x label, then legend and colour bar.
    left, map_w, right = 1.55, 11.0, 1.75
    # Cells half again as tall as wide: the rows stay readable in a map
    # four times as wide as it is tall.
    map_h = map_w * rows / cols * 1.5
    top, xlab, legend_h = 0.55, 0.55, 1.45
    fw, fh = left + map_w + right, top + map_h + xlab + legend_h
    # At least a pixel and a half a page across, for arenas of many rows.
    dpi = min(400, max(DPI, math.ceil(1.5 * cols / map_w)))
    fig = plt.figure(figsize=(fw, fh), dpi=dpi)
    ax = fig.add_axes([left / fw, (legend_h + xlab) / fh, map_w / fw, map_h / fh])
    ax.imshow(img, cmap=cmap, norm=norm, interpolation="nearest", aspect="auto")
    # Row labels: the PFN and MiB at which each labelled row starts.
    step = max(1, 2 ** math.ceil(math.log2(max(rows / 16, 1))))
    ticks = list(range(0, rows, step))
    ax.set_yticks(ticks)
    ax.set_yticklabels([f"0x{r * cols:x}  {fmt_mib(r * cols):>8}" for r in ticks],
                       fontsize=8, family="monospace")
    xt = list(range(0, cols, cols // 8))
    ax.set_xticks(xt)
    ax.set_xticklabels([f"+{x}" for x in xt], fontsize=8)
    ax.set_xlabel(f"page within the row ({cols} pages = {fmt_mib(cols)} a row)", fontsize=9)
    ax.set_ylabel("first PFN of the row", fontsize=9)
    ax.set_xlim(-0.5, cols - 0.5)
    ax.set_ylim(rows - 0.5, -0.5)
    # The frame of every page, so that white holes show.
    ax.add_patch(plt.Rectangle((-0.5, -0.5), cols, rows, fill=False, lw=0.8, ec="black"))
    # Holes hatched, so that they show against the palest free blocks.
    hole = img.filled(-1) == OWNER_INDEX["hole"]
    for r in range(rows):
        runs = np.diff(np.concatenate(([0], hole[r].astype(np.int8), [0])))
        for c0, c1 in zip(np.nonzero(runs == 1)[0], np.nonzero(runs == -1)[0]):
            ax.add_patch(plt.Rectangle((c0 - 0.5, r - 0.5), c1 - c0, 1, fc="white",
                                       ec="#888888", hatch="/////", lw=0))
    # Zone boundaries, and each zone's name at the right of its rows.
    zones = pm.zones()
    for name, start, end in zones:
        if start > 0:
            xs, ys = boundary_path(start, cols)
            ax.plot(xs, ys, color="black", lw=2.4, solid_joinstyle="miter")
            ax.plot(xs, ys, color="yellow", lw=1.0, ls=(0, (3, 3)))
        y0, y1 = start / cols - 0.5, end / cols - 0.5
        ax.plot([cols + cols * 0.012] * 2, [y0 + 0.1, y1 - 0.1], color="#333333", lw=1.5,
                clip_on=False, solid_capstyle="butt")
        ax.text(cols + cols * 0.025, (y0 + y1) / 2,
                f"{name}\npfn 0x{start:x}-0x{end - 1:x}\n{fmt_mib(end - start)}",
                va="center", ha="left", fontsize=8, linespacing=1.1)
    if zones and zones[-1][2] < pm.npages:
        xs, ys = boundary_path(zones[-1][2], cols)
        ax.plot(xs, ys, color="black", lw=2.4)
    counts = pm.counts()
    used = npages - counts["hole"] - counts["firmware"]
    fig.text(left / fw, 1 - 0.3 / fh,
             f"shadow_mm arena {when} ({instance}): {npages} pages ({fmt_mib(npages)}), "
             f"{counts['buddy'] + counts['pcp']} free, "
             f"{used - counts['buddy'] - counts['pcp']} in use; one cell per page, in PFN "
             "order", fontsize=11, va="center", ha="left", weight="bold")
    # The legend: every owner seen in either map (same colours in both).
    handles = [Patch(fc=c, ec="#666666", lw=0.5, label=f"{label}: {counts[name]}",
                     hatch="/////" if name == "hole" else None)
               for name, c, label in OWNERS if name in shown]
    handles.append(Patch(fc=buddy_colours(max_order)[min(3, max_order)], ec="#666666",
                         lw=0.5, label=f"buddy free block: {counts['buddy']} "
                         "(shade = its order, right)"))
    handles.append(plt.Line2D([], [], color="black", lw=2.4, label="zone boundary"))
    fig.legend(handles=handles, loc="upper left",
               bbox_to_anchor=(0.15 / fw, (legend_h - 0.05) / fh), ncol=3, fontsize=8,
               frameon=False, title=f"pages by owner ({when})", title_fontsize=9,
               alignment="left", handlelength=1.6, columnspacing=1.2)
    # The buddy ramp as a discrete colour bar, at the right of the legend.
    cax = fig.add_axes([(fw - 4.4) / fw, (legend_h - 0.75) / fh, 3.9 / fw, 0.22 / fh])
    bcm = mcolors.ListedColormap(buddy_colours(max_order))
    ColorbarBase(cax, cmap=bcm, norm=mcolors.BoundaryNorm(np.arange(max_order + 2) - 0.5,
                                                          max_order + 1),
                 orientation="horizontal", ticks=range(max_order + 1))
    cax.tick_params(labelsize=8)
    cax.set_title("buddy free block order\n(a block of 2^order pages)", fontsize=8.5)
    fig.savefig(out)
    plt.close(fig)


def picture_arena(data, outdir, written):
    maps = {}
    for when in ("before", "after"):
        try:
            maps[when] = PfnMap(os.path.join(data, f"pfnmap.{when}"))
        except Missing as e:
            warn(f"no {e}: no arena map {when} the workload")
    if not maps:
        return
    npages = max(pm.npages for pm in maps.values())
    max_order = max(pm.max_buddy_order for pm in maps.values())
    for when in ("before", "after"):
        try:
            bi = parse_buddyinfo(os.path.join(data, f"buddyinfo.{when}"))
            max_order = max(max_order, len(next(iter(bi.values()))) - 1)
        except (Missing, InputError):
            pass
    max_order = max(max_order, 0)
    shown = set()
    for pm in maps.values():
        shown |= {name for name, c in pm.counts().items() if c}
    shown |= {"hole", "firmware", "early_res", "memmap"}
    instance = "instance default"
    for when, pm in maps.items():
        out = os.path.join(outdir, f"arena-{when}.png")
        draw_arena(pm, f"{when} the workload", out, npages, max_order, shown, instance)
        written.append(out)


def picture_buddyinfo(data, outdir, written):
    infos = {}
    for when in ("before", "after"):
        try:
            infos[when] = parse_buddyinfo(os.path.join(data, f"buddyinfo.{when}"))
        except Missing as e:
            warn(f"no {e}: buddyinfo {when} the workload left out")
    if not infos:
        return
    zones = []
    for bi in infos.values():
        zones += [z for z in bi if z not in zones]
    norders = max(len(c) for bi in infos.values() for c in bi.values())
    fig, axes = plt.subplots(2, len(zones), figsize=(4.6 * len(zones) + 1, 7.2), dpi=DPI,
                             squeeze=False)
    colours = {"before": "#7fa7d9", "after": "#e8743b"}
    width = 0.8 / len(infos)
    x = np.arange(norders)
    for zi, zone in enumerate(zones):
        for row, pages in ((0, False), (1, True)):
            ax = axes[row][zi]
            for i, (when, bi) in enumerate(infos.items()):
                c = bi.get(zone, [0] * norders)
                c = c + [0] * (norders - len(c))
                y = [n << o for o, n in enumerate(c)] if pages else c
                bars = ax.bar(x + (i - (len(infos) - 1) / 2) * width, y, width,
                              color=colours[when], label=f"{when} the workload",
                              edgecolor="#333333", lw=0.4)
                if not pages:
                    for b, v in zip(bars, y):
                        if v:
                            ax.text(b.get_x() + b.get_width() / 2, b.get_height(), str(v),
                                    ha="center", va="bottom", fontsize=7)
            ax.set_xticks(x)
            ax.set_xticklabels([str(o) for o in x], fontsize=8)
            if not pages:
                ax.yaxis.set_major_locator(MaxNLocator(integer=True))
            ax.grid(axis="y", alpha=0.3)
            ax.set_axisbelow(True)
            if pages:
                ax.set_yscale("log")
                ax.set_ylim(0.7, None)
                ax.set_xlabel("order (block of 2^order pages)", fontsize=9)
                if zi == 0:
                    ax.set_ylabel("free pages in blocks of that order\n(log scale)",
                                  fontsize=9)
            else:
                free = "; ".join(f"{w} {sum(n << o for o, n in enumerate(bi.get(zone, [])))}"
                                 for w, bi in infos.items())
                ax.set_title(f"zone {zone}\nfree pages: {free}", fontsize=10)
                if zi == 0:
                    ax.set_ylabel("free blocks (buddyinfo)", fontsize=9)
                ax.margins(y=0.12)
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper right", fontsize=9)
    fig.suptitle("shadow_mm buddyinfo: free blocks per zone and order, before and after the "
                 "workload", fontsize=12, x=0.02, ha="left", weight="bold")
    fig.tight_layout(rect=(0, 0, 1, 0.95))
    out = os.path.join(outdir, "buddyinfo.png")
    fig.savefig(out)
    plt.close(fig)
    written.append(out)


def fmt_ns(ns):
    if ns >= 1e6:
        return f"{ns / 1e6:.3g} ms"
    if ns >= 1e3:
        return f"{ns / 1e3:.3g} us"
    return f"{ns} ns"


def shorten(text, n=72):
    return text if len(text) <= n else text[:n - 3] + "..."


def stage_colour(i, step):
    """A pair of shades per stage (dark for the stage, light for its steps)."""
    cmap = plt.get_cmap("tab20" if i < 10 else "tab20b")
    return cmap((2 * i) % 20 + (1 if step else 0))


def picture_bringup(data, outdir, written):
    path = os.path.join(data, "bringup")
    try:
        stages = parse_bringup(path)
    except Missing as e:
        warn(f"no {e}: no bring-up timeline")
        return
    rows = []           # (label, start, dur, stage index, is step, result)
    for i, (name, kernel, start, dur, result, steps) in enumerate(stages):
        rows.append((f"{name}: {kernel}", start, dur, i, False, result))
        for _, sname, sstart, sdur, sres, _ in steps:
            rows.append((sname, sstart, sdur, i, True, sres))
    end = max(s + d for _, s, d, _, _, _ in rows)
    t0 = min(s for _, s, _, _, _, _ in rows)
    # A stage that dominates from the start (the arena, taken from the host)
    # gets its own panel, so that the others are not crushed: a broken axis.
    first = min(stages, key=lambda s: s[2])
    rest = [s for s in stages if s is not first]
    first_end = first[2] + first[3]
    broken = bool(rest) and first[3] > 0.6 * (end - t0) and \
        min(s[2] for s in rest) >= first_end - first[3] * 0.02
    n = len(rows)
    label_w = 0.075 * max(len(r[0]) + (4 if r[4] else 0) for r in rows) + 0.4
    fw, fh = 15.0, max(3.5, 0.26 * n + 1.5)
    fig = plt.figure(figsize=(fw, fh), dpi=DPI)
    bottom, top = 0.75 / fh, 1 - 0.6 / fh
    if broken:
        lw = 2.0
        axl = fig.add_axes([label_w / fw, bottom, lw / fw, top - bottom])
        axr = fig.add_axes([(label_w + lw + 0.15) / fw, bottom,
                            (fw - label_w - lw - 0.35) / fw, top - bottom], sharey=axl)
        axes = (axl, axr)
        cut = min(s[2] for s in rest)
        axl.set_xlim(t0 / 1e6, first_end / 1e6)
        span = (end - cut) / 1e6
        axr.set_xlim(cut / 1e6 - span * 0.01, end / 1e6 + span * 0.8)
    else:
        axr = fig.add_axes([label_w / fw, bottom, (fw - label_w - 0.2) / fw, top - bottom])
        axes = (axr,)
        cut = t0
        axr.set_xlim(t0 / 1e6, (end + (end - t0) * 0.8) / 1e6)
    for y, (label, start, dur, ci, step, result) in enumerate(rows):
        colour = stage_colour(ci, step)
        for ax in axes:
            ax.barh(y, max(dur, 1) / 1e6, left=start / 1e6, height=0.5 if step else 0.8,
                    color=colour, edgecolor="#333333", lw=0.4)
        text = fmt_ns(dur) + (f"   {shorten(result)}" if result else "")
        if broken and start + dur <= cut:
            # Ends in the left panel: the time inside the bar.
            axes[0].text(min(start + dur, first_end) / 1e6, y, fmt_ns(dur) + "  ",
                         va="center", ha="right", fontsize=8, color="white", weight="bold")
            if not step and result:
                axes[1].text(cut / 1e6, y, f"  ({shorten(result)})", va="center", ha="left",
                             fontsize=7.5, color="#222222")
        else:
            axes[-1].text((start + dur) / 1e6, y, "  " + text, va="center", ha="left",
                          fontsize=7 if step else 7.5, color="#222222", clip_on=True)
    for ax in axes:
        ax.grid(axis="x", alpha=0.3)
        ax.set_axisbelow(True)
        ax.tick_params(labelsize=8)
    axes[0].set_yticks(range(n))
    axes[0].set_yticklabels([("   - " if r[4] else "") + r[0] for r in rows], fontsize=8,
                            family="monospace")
    for lab, r in zip(axes[0].get_yticklabels(), rows):
        if not r[4]:
            lab.set_fontweight("bold")
    axes[0].set_ylim(n - 0.5, -0.5)
    xlabel = "time since the instance's bring-up began (ms)"
    if broken:
        axl, axr = axes
        axl.spines["right"].set_visible(False)
        axr.spines["left"].set_visible(False)
        axr.tick_params(left=False, labelleft=False)
        kw = dict(color="k", clip_on=False, lw=1)
        for ax, x in ((axl, 1), (axr, 0)):
            dx = 0.06 if ax is axl else 0.06 * 2.0 / (fw - label_w - 2.35)
            for yy in (0, 1):
                ax.plot((x - dx / 2, x + dx / 2), (yy - 0.012, yy + 0.012),
                        transform=ax.transAxes, **kw)
        xlabel += f"; the axis is broken after '{first[0]}'"
    fig.text(0.5, 0.15 / fh, xlabel, ha="center", fontsize=9)
    total = sum(s[3] for s in stages)
    fig.text(0.01, 1 - 0.3 / fh, f"shadow_mm bring-up timeline: {len(stages)} stages (bold) "
             f"and their steps, {fmt_ns(total)} in all", fontsize=12, weight="bold",
             va="center")
    out = os.path.join(outdir, "bringup.png")
    fig.savefig(out)
    plt.close(fig)
    written.append(out)


def picture_eras(data, outdir, written):
    """The stages of both eras' bring-ups on one time axis (make run ERA=both)."""
    eras = []
    for era, name in (("2.6.29", "bringup.2629"), ("6.12", "bringup.612")):
        path = os.path.join(data, name)
        if not os.path.exists(path):
            return      # not a make run ERA=both: nothing to draw
        # The arena is taken from the host, not brought up: leave it out.
        eras.append((era, [st for st in parse_bringup(path) if st[1] != "(firmware)"]))
    rows = []           # (era index, label, start, dur, stage index)
    for ei, (era, stages) in enumerate(eras):
        t0 = min(st[2] for st in stages)
        for si, (name, kernel, start, dur, result, steps) in enumerate(stages):
            rows.append((ei, f"{kernel}()" if "(" not in kernel else kernel, start - t0, dur,
                         si))
    end = max(r[2] + r[3] for r in rows)
    n = len(rows) + 1
    fw, fh = 13.0, 0.27 * n + 1.6
    fig, ax = plt.subplots(figsize=(fw, fh), dpi=DPI)
    labels, totals = [], []
    y = 0
    era_colours = ("#4c72b0", "#dd8452")
    for ei, (era, stages) in enumerate(eras):
        total = sum(st[3] for st in stages)
        for r in rows:
            if r[0] != ei:
                continue
            ax.barh(y, max(r[3], 1) / 1e6, left=r[2] / 1e6, height=0.75,
                    color=era_colours[ei], edgecolor="#333333", lw=0.4)
            ax.text((r[2] + r[3]) / 1e6, y, "  " + fmt_ns(r[3]), va="center", ha="left",
                    fontsize=7.5, color="#222222")
            labels.append(f"{era:>6}  {r[1]}")
            y += 1
        if ei == 0:
            ax.axhline(y - 0.5 + 0.5, color="#999999", lw=0.8, ls="--")
            labels.append("")
            y += 1
        totals.append(f"{era}: {len(stages)} stages, {fmt_ns(total)}")
    ax.set_yticks(range(len(labels)))
    ax.set_yticklabels(labels, fontsize=8, family="monospace")
    ax.set_ylim(len(labels) - 0.5, -0.5)
    ax.set_xlim(0, end / 1e6 * 1.15)
    ax.grid(axis="x", alpha=0.3)
    ax.set_axisbelow(True)
    ax.set_xlabel("time since the first stage after the arena (ms)", fontsize=9)
    ax.set_title("shadow_mm: the 2.6.29 and 6.12 bring-ups of the same memory, stage by stage"
                 f"\n{'; '.join(totals)} (the arena left out)", fontsize=11, loc="left",
                 weight="bold")
    fig.tight_layout()
    out = os.path.join(outdir, "eras.png")
    fig.savefig(out)
    plt.close(fig)
    written.append(out)


STRATEGIES = ("slab", "slub", "slob")
STRATEGY_COLOURS = {"slab": "#4c72b0", "slub": "#55a868", "slob": "#c44e52"}


def slab_from_instances(data):
    """The comparison from the three instances' files, or None if one is missing."""
    req = workload_bytes(os.path.join(data, "workload.slab"))
    out = {}
    for st in STRATEGIES:
        b = parse_meminfo(os.path.join(data, f"meminfo.{st}.before"))
        a = parse_meminfo(os.path.join(data, f"meminfo.{st}.after"))
        parse_slabinfo(os.path.join(data, f"slabinfo.{st}"))    # checked, shown in docs
        pages = (a["Slab"] - b["Slab"]) * 1024 // PAGE_SIZE
        out[st] = dict(pages=pages, base=b["Slab"] * 1024 // PAGE_SIZE,
                       eff=req / (pages * PAGE_SIZE) if pages else float("nan"))
    times, row = None, None
    try:
        bench = parse_bench_slab(os.path.join(data, "bench"))
        for cand in ("1000 allocs+1000 frees", "256-byte pair, hot cache"):
            if all(cand in bench.get(st, {}) for st in STRATEGIES):
                row = cand
                times = {st: bench[st][cand] for st in STRATEGIES}
                break
        if row is None:
            warn(f"{os.path.join(data, 'bench')}: no slab rows for all three strategies")
    except Missing:
        pass
    return out, req, times, row


def picture_slab(data, outdir, written):
    try:
        rep = parse_replay(os.path.join(data, "replay"))
        sts = [s for s in rep]
        eff = [rep[s]["peak_efficiency"] * 100 for s in sts]
        pages = [rep[s]["peak_pages"] for s in sts]
        base = None
        times = {s: (rep[s]["ns_per_op"], rep[s]["host_ns_per_op"], rep[s]["ratio"], None)
                 for s in sts}
        ops = int(max(rep[s]["ops"] for s in sts))
        title = f"slab strategies on the replayed allocation stream ({ops} operations)"
        ptitle = "slab pages at the peak"
        etitle = "space efficiency at the peak\n(live bytes asked / slab bytes)"
        ttitle = "time per operation (replay)"
        host = "the host's own time for the stream"
    except Missing:
        try:
            res, req, times, row = slab_from_instances(data)
        except Missing as e:
            warn(f"no {e}: no slab comparison (neither a replay report nor the three "
                 "instances' files)")
            return
        sts = list(STRATEGIES)
        eff = [res[s]["eff"] * 100 for s in sts]
        pages = [res[s]["pages"] for s in sts]
        base = [res[s]["base"] for s in sts]
        title = (f"slab strategies on the same workload ({req} bytes asked for, "
                 "workload.slab), one instance each")
        if times is None:
            title += "; no time: the dump has no bench rows"
        ptitle = "slab pages the workload added\n(above: the instance's own at rest)"
        etitle = "space efficiency\n(bytes asked / slab bytes added)"
        ttitle = f"time per operation\n(bench: {row})" if row else ""
        host = "the host kernel's SLUB, same run"
    ncols = 3 if times else 2
    fig, axes = plt.subplots(1, ncols, figsize=(4.4 * ncols + 0.6, 5.2), dpi=DPI)
    cols = [STRATEGY_COLOURS.get(s, "#888888") for s in sts]
    x = np.arange(len(sts))

    def label(ax, bars, fmt):
        for b in bars:
            v = b.get_height()
            if not math.isnan(v):
                ax.text(b.get_x() + b.get_width() / 2, b.get_y() + v, fmt(v), ha="center",
                        va="bottom", fontsize=8.5)

    ax = axes[0]
    label(ax, ax.bar(x, eff, color=cols, edgecolor="#333333"), lambda v: f"{v:.1f}%")
    ax.set_ylim(0, 110)
    ax.set_ylabel("%")
    ax.set_title(etitle, fontsize=10)
    ax = axes[1]
    bars = ax.bar(x, pages, color=cols, edgecolor="#333333")
    for b, v in zip(bars, pages):
        ax.text(b.get_x() + b.get_width() / 2, v, f"{int(v)}", ha="center", va="top",
                fontsize=9, color="white", weight="bold")
    if base is not None:
        ax.bar(x, base, bottom=pages, color=cols, alpha=0.3, edgecolor="#333333", hatch="//")
        for i, bv in enumerate(base):
            ax.text(i, pages[i] + bv, f"+{bv} at rest" if bv else "none at rest",
                    ha="center", va="bottom", fontsize=8, color="#444444")
    ax.set_ylabel("pages (4 KiB)")
    ax.set_title(ptitle, fontsize=10)
    ax.margins(y=0.15)
    if times:
        ax = axes[2]
        bars = ax.bar(x, [times[s][0] for s in sts], color=cols, edgecolor="#333333")
        for b, st in zip(bars, sts):
            ratio = times[st][2]
            ax.text(b.get_x() + b.get_width() / 2, b.get_height(),
                    f"{int(times[st][0])}" + (f"\n{ratio:.2f}x host" if ratio else ""),
                    ha="center", va="bottom", fontsize=8)
        hosts = [times[s][1] for s in sts]
        if any(hosts):
            ax.hlines(hosts, x - 0.4, x + 0.4, color="black", lw=2, zorder=3)
            for i, h in enumerate(hosts):
                ax.text(i + 0.4, h, f"host\n{int(h)}", ha="right", va="bottom", fontsize=7.5)
            ttitle += f"\n(black line: {host})"
        ax.set_ylabel("ns per operation")
        ax.set_title(ttitle, fontsize=10)
        ax.margins(y=0.15)
    for ax in axes:
        ax.set_xticks(x)
        ax.set_xticklabels([s.upper() for s in sts])
        ax.grid(axis="y", alpha=0.3)
        ax.set_axisbelow(True)
    fig.suptitle(title, fontsize=11, x=0.02, ha="left", weight="bold")
    fig.tight_layout(rect=(0, 0, 1, 0.95))
    out = os.path.join(outdir, "slab.png")
    fig.savefig(out)
    plt.close(fig)
    written.append(out)


PICTURES = [("arena map", picture_arena), ("buddyinfo", picture_buddyinfo),
            ("bring-up timeline", picture_bringup), ("slab comparison", picture_slab),
            ("both eras", picture_eras)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__.split("\n\n", 1)[1])
    ap.add_argument("data", help="the directory of dumped files")
    ap.add_argument("-o", "--out", help="where to write the PNGs (default: DATA/..)")
    ap.add_argument("--only", choices=[w for w, _ in PICTURES],
                    help="draw this picture only")
    args = ap.parse_args()
    if not os.path.isdir(args.data):
        ap.error(f"{args.data} is not a directory")
    outdir = args.out or os.path.dirname(os.path.abspath(args.data))
    os.makedirs(outdir, exist_ok=True)
    failed = 0
    for what, draw in PICTURES:
        if args.only and what != args.only:
            continue
        written = []
        try:
            draw(args.data, outdir, written)
        except (InputError, Missing) as e:
            warn(f"{what}: {e}")
            failed += 1
        for p in written:
            print(p)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
