#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kernel.sh: build (once per machine) and print the path of the debug kernel
# tree for `make test`.  The tree lives outside the clone, in
# $SMM_CACHE/kernel/<key>, where <key> hashes scripts/debug.config and the
# linux-source-6.12 version, so a changed fragment builds a new tree.
set -euo pipefail
. "$(dirname "$0")/common.sh"

# --cached: print the tree only if it is already built; never build.
if [ "${1:-}" = --cached ]; then
	srcver=$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null) || exit 0
else
	"$SMM_TOP/scripts/deps.sh" ksrc
	srcver=$(dpkg-query -W -f='${Version}' linux-source-6.12)
fi
frag="$SMM_TOP/scripts/debug.config"
key=$( (cat "$frag"; echo "$srcver") | sha256sum | cut -c1-16)
base="$SMM_CACHE/kernel/$key"
tree="$base/linux-source-6.12"

if [ -f "$base/.done" ]; then
	echo "$tree"
	exit 0
fi
[ "${1:-}" = --cached ] && exit 0

mkdir -p "$base"
exec 9>"$base/.lock"
flock 9
if [ -f "$base/.done" ]; then echo "$tree"; exit 0; fi

start=$(date +%s)
log "building the debug kernel (linux-source $srcver, key $key) in $base"
rm -rf "$tree"
log "unpacking /usr/src/linux-source-6.12.tar.xz"
tar -C "$base" -xf /usr/src/linux-source-6.12.tar.xz

cd "$tree"
make -s ARCH=x86_64 tinyconfig >/dev/null
scripts/kconfig/merge_config.sh -m .config "$frag" >/dev/null
make -s ARCH=x86_64 olddefconfig >/dev/null
# Every option the fragment asks for must have survived olddefconfig.
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
[ $bad -eq 0 ] || die "the debug config fragment does not apply cleanly"

log "compiling bzImage and modules with -j$SMM_JOBS (log: $base/build.log)"
make ARCH=x86_64 -j"$SMM_JOBS" bzImage modules > "$base/build.log" 2>&1 &
mk=$!
while kill -0 $mk 2>/dev/null; do
	sleep 30
	kill -0 $mk 2>/dev/null || break
	n=$(find . -name '*.o' -newer .config 2>/dev/null | wc -l)
	log "  ... $(( $(date +%s) - start ))s, $n objects built"
done
if ! wait $mk; then
	tail -n 40 "$base/build.log" >&2
	die "debug kernel build failed"
fi
[ -f Module.symvers ] || die "no Module.symvers after the build"
touch "$base/.done"
log "debug kernel ready in $(( $(date +%s) - start ))s"
echo "$tree"
