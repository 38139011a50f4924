#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# page-types.sh [SERIES]: build the kernel's own page-types (tools/mm in
# 6.12, tools/vm in 6.1) from the cached debug kernel tree of SERIES, linked
# statically so that it runs in the busybox guest, into
# .build/tools/page-types-SERIES, and print its path.  Built once: again only
# when the tree's source changes.  The tree is left as it is: libapi, which
# page-types needs, is built in its own Makefile's OUTPUT= directory here.
set -euo pipefail
. "$(dirname "$0")/common.sh"

series=${1:-$SMM_SERIES_DEFAULT}
check_series "$series"
tree=$("$SMM_TOP/scripts/kernel.sh" "$series")
src=
for f in "$tree/tools/mm/page-types.c" "$tree/tools/vm/page-types.c"; do
	if [ -f "$f" ]; then src=$f; break; fi
done
[ -n "$src" ] || die "no tools/mm/page-types.c or tools/vm/page-types.c in $tree"

out="$SMM_TOP/.build/tools"
bin="$out/page-types-$series"
if [ -x "$bin" ] && [ -f "$bin.src" ] && [ "$(cat "$bin.src")" = "$src" ] &&
   [ "$bin" -nt "$src" ]; then
	echo "$bin"
	exit 0
fi
apt_install gcc make libc6-dev
work="$out/page-types-$series.build"
rm -rf "$work"
mkdir -p "$work/api"
make -s -C "$tree/tools/lib/api" OUTPUT="$work/api/" > "$work/build.log" 2>&1 ||
	die "building libapi for page-types failed: see $work/build.log"
# The flags of tools/mm/Makefile, plus -static.
${CC:-gcc} -static -O2 -Wall -Wextra -I"$tree/tools/lib" -pthread -o "$bin.tmp" "$src" \
	"$work/api/libapi.a" -pthread >> "$work/build.log" 2>&1 ||
	die "building page-types failed: see $work/build.log"
mv "$bin.tmp" "$bin"
echo "$src" > "$bin.src"
echo "$bin"
