#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kernel.sh [--cached] SERIES: build (once per machine) and print the path of
# the debug kernel tree of SERIES (6.12 or 6.1) for `make test`.  The tree
# lives outside the clone, in $SMM_CACHE/kernel/<key>, where <key> hashes
# scripts/debug.config, the series and its linux-source-SERIES version, so a
# changed fragment or a new source package builds a new tree.
#
# --cached: print the tree only if it is already built; never build.
set -euo pipefail
. "$(dirname "$0")/common.sh"

cached=
if [ "${1:-}" = --cached ]; then cached=1; shift; fi
series=${1:-$SMM_SERIES_DEFAULT}
check_series "$series"
pkg=linux-source-$series

if [ -n "$cached" ]; then
	srcver=$(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null) || exit 0
else
	"$SMM_TOP/scripts/deps.sh" "ksrc:$series"
	srcver=$(dpkg-query -W -f='${Version}' "$pkg")
fi
frag="$SMM_TOP/scripts/debug.config"
key=$( (cat "$frag"; echo "$series $srcver") | sha256sum | cut -c1-16)
base="$SMM_CACHE/kernel/$key"
tree="$base/$pkg"

if [ -f "$base/.done" ]; then
	echo "$tree"
	exit 0
fi
[ -n "$cached" ] && exit 0

mkdir -p "$base"
exec 9>"$base/.lock"
flock 9
if [ -f "$base/.done" ]; then echo "$tree"; exit 0; fi

start=$(date +%s)
log "building the $series debug kernel ($pkg $srcver, key $key) in $base"
rm -rf "$tree"
log "unpacking /usr/src/$pkg.tar.xz"
tar -C "$base" -xf "/usr/src/$pkg.tar.xz"

cd "$tree"
make -s ARCH=x86_64 tinyconfig >/dev/null
scripts/kconfig/merge_config.sh -m .config "$frag" >/dev/null
make -s ARCH=x86_64 olddefconfig >/dev/null
# Every option the fragment asks for must have survived olddefconfig.  An
# option that is off may simply not exist in an older series.
bad=0
while IFS= read -r line; do
	case "$line" in CONFIG_*=*) ;; *) continue ;; esac
	opt=${line%%=*} val=${line#*=}
	if [ "$val" = n ]; then
		grep -q "^$opt=" .config && { log "config: $opt should be off"; bad=1; }
	else
		grep -qx "$line" .config || { log "config: $line did not stick"; bad=1; }
	fi
done < "$frag"
[ $bad -eq 0 ] || die "the debug config fragment does not apply cleanly to $series"

log "compiling bzImage and modules with -j$SMM_JOBS (log: $base/build.log)"
make ARCH=x86_64 -j"$SMM_JOBS" bzImage modules > "$base/build.log" 2>&1 &
mk=$!
while kill -0 $mk 2>/dev/null; do
	sleep 30
	kill -0 $mk 2>/dev/null || break
	# find fails when the compiler deletes a temporary file under it.
	n=$(find . -name '*.o' -newer .config 2>/dev/null | wc -l) || true
	log "  ... $(( $(date +%s) - start ))s, $n objects built"
done
if ! wait $mk; then
	tail -n 40 "$base/build.log" >&2
	die "$series debug kernel build failed"
fi
[ -f Module.symvers ] || die "no Module.symvers after the $series build"
echo "$(( $(date +%s) - start ))" > "$base/build-seconds"
touch "$base/.done"
log "$series debug kernel ready in $(( $(date +%s) - start ))s"
echo "$tree"
