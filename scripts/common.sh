# SPDX-License-Identifier: GPL-2.0
# Shared settings for the shadow_mm scripts.  Sourced, never run.

SMM_CACHE=${SMM_CACHE:-/var/cache/shadow_mm}
SMM_TOP=${SMM_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
SMM_JOBS=${SMM_JOBS:-$(($(nproc) + 1))}

log() { printf '[shadow_mm] %s\n' "$*" >&2; }
die() { printf '[shadow_mm] error: %s\n' "$*" >&2; exit 1; }

# apt_install PKG...: install the packages that are not installed yet.
apt_install() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	[ "$(id -u)" -eq 0 ] || die "need root to install: ${missing[*]}"
	log "installing: ${missing[*]}"
	apt_update_once
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		"${missing[@]}" >/dev/null || die "apt-get install ${missing[*]} failed"
}

apt_update_once() {
	[ -n "${SMM_APT_UPDATED:-}" ] && return 0
	log "apt-get update"
	apt-get update -qq >/dev/null || die "apt-get update failed"
	SMM_APT_UPDATED=1
}

# stock_version: the newest Debian 6.12 amd64 kernel ABI the archive offers,
# e.g. "6.12.117+deb12-amd64".  Resolved at run time, never hard-coded.  The
# answer is remembered in the cache so that later runs boot the same kernel
# (and do not need the package lists).
stock_version() {
	local f="$SMM_CACHE/stock/VERSION" v
	if [ -s "$f" ]; then cat "$f"; return 0; fi
	v=$(apt-cache search --names-only '^linux-image-6\.12\.[0-9]+\+deb12-amd64-unsigned$' 2>/dev/null |
		awk '{print $1}' | sed -e 's/^linux-image-//' -e 's/-unsigned$//' | sort -V | tail -n 1)
	if [ -z "$v" ]; then
		apt_update_once
		v=$(apt-cache search --names-only '^linux-image-6\.12\.[0-9]+\+deb12-amd64-unsigned$' |
			awk '{print $1}' | sed -e 's/^linux-image-//' -e 's/-unsigned$//' | sort -V | tail -n 1)
	fi
	[ -n "$v" ] || die "no linux-image-6.12.*+deb12-amd64-unsigned in the apt lists"
	mkdir -p "$SMM_CACHE/stock"
	echo "$v" > "$f"
	echo "$v"
}
