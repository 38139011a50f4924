#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# dkms.sh KVER...: the install check of make test.  With Debian's dkms, the
# commands README.md gives -- dkms add, build and install -- for each
# installed kernel KVER (its headers in /lib/modules/KVER/build), then
# dkms remove, so that the host is left as it was.  Prints one
# "SMM-CHECK pass|fail NAME" line a check, as the guests do.
set -uo pipefail
. "$(dirname "$0")/common.sh"

pass() { echo "SMM-CHECK pass dkms: $1"; }
fail() { echo "SMM-CHECK fail dkms: $1: $2"; }

"$SMM_TOP/scripts/deps.sh" dkms >&2 || { fail "installing dkms" "deps.sh dkms failed"; exit 0; }
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$SMM_TOP/dkms.conf")
modver=$(sed -n 's/^MODULE_VERSION("\(.*\)");$/\1/p' "$SMM_TOP/shadow_mm/main.c")
if [ -n "$ver" ] && [ "$ver" = "$modver" ]; then
	pass "dkms.conf's PACKAGE_VERSION is the module's MODULE_VERSION ($ver)"
else
	fail "dkms.conf's PACKAGE_VERSION is the module's MODULE_VERSION" "'$ver' against '$modver'"
	exit 0
fi
logs=$SMM_TOP/.build/dkms
mkdir -p "$logs"

# undo: leave no trace of shadow_mm in dkms's trees or the module trees.
undo() {
	dkms remove "shadow_mm/$ver" --all > /dev/null 2>&1
	rm -rf "/usr/src/shadow_mm-$ver" /var/lib/dkms/shadow_mm
}
undo
# dkms copies the top directory's files but not its dot-directories
# (.git, .build), as README's "dkms add ." does.
if dkms add "$SMM_TOP" > "$logs/add.log" 2>&1; then
	pass "dkms add"
else
	fail "dkms add" "$(tail -n 5 "$logs/add.log")"
	undo
	exit 0
fi
for k in "$@"; do
	if ! dkms build "shadow_mm/$ver" -k "$k" > "$logs/build-$k.log" 2>&1; then
		fail "dkms build for $k" "$(tail -n 5 "$logs/build-$k.log"; \
			tail -n 20 "/var/lib/dkms/shadow_mm/$ver/build/make.log" 2>/dev/null)"
		continue
	fi
	pass "dkms build for $k"
	if ! dkms install "shadow_mm/$ver" -k "$k" > "$logs/install-$k.log" 2>&1; then
		fail "dkms install for $k" "$(tail -n 5 "$logs/install-$k.log")"
		continue
	fi
	ko=$(find "/lib/modules/$k/updates/dkms" -name 'shadow_mm.ko*' 2>/dev/null | head -n 1)
	if [ -z "$ko" ]; then
		fail "dkms install for $k" "no shadow_mm.ko under /lib/modules/$k/updates/dkms"
		continue
	fi
	# The installed module is the one modprobe would load for that kernel,
	# built for it, with our version.
	vm=$(modinfo -F vermagic "$ko" | awk '{ print $1 }')
	mv=$(modinfo -F version "$ko")
	found=$(modinfo -k "$k" -n shadow_mm 2>/dev/null)
	if [ "$vm" = "$k" ] && [ "$mv" = "$ver" ] && [ "$found" = "$ko" ] &&
	   dkms status "shadow_mm/$ver" -k "$k" | grep -q ': installed'; then
		pass "dkms install for $k: $ko, vermagic $vm, version $mv"
	else
		fail "dkms install for $k" "vermagic '$vm', version '$mv', modprobe finds '$found', status: $(dkms status "shadow_mm/$ver" -k "$k")"
	fi
done
undo
if dkms status shadow_mm | grep -q . || [ -e "/usr/src/shadow_mm-$ver" ] ||
   find /lib/modules/*/updates/dkms -name 'shadow_mm.ko*' 2>/dev/null | grep -q .; then
	fail "dkms remove leaves nothing behind" "$(dkms status shadow_mm)"
else
	pass "dkms remove leaves nothing behind"
fi
