#!/bin/sh
# Install the Debian packages op25b needs to build and test, if missing.
#
#   scripts/deps.sh [lint] [debug]
#
# Always the packages of make, make check and make demo; with "lint" also
# those of make lint (sparse, clang, checkpatch.pl from linux-source-6.1);
# with "debug" also those that build the debug kernel of make check-debug.
set -eu

pkgs="build-essential pkg-config libmnl-dev libnftnl-dev libcmocka-dev
linux-image-cloud-amd64 linux-headers-cloud-amd64 qemu-system-x86
busybox-static cpio iproute2 nftables socat jq netsniff-ng kmod
prometheus iptables ipset
dkms dh-dkms debhelper dpkg-dev lintian mandoc man-db bash-completion systemd"

for list in "$@"; do
	case $list in
	lint) pkgs="$pkgs sparse clang linux-source-6.1 xz-utils" ;;
	debug) pkgs="$pkgs linux-source-6.1 xz-utils bc bison flex libelf-dev libssl-dev" ;;
	*) echo "deps: unknown list '$list' (lint, debug)" >&2; exit 2 ;;
	esac
done

missing=
for p in $pkgs; do
	case " $missing " in *" $p "*) continue ;; esac
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "deps: missing packages:$missing" >&2
	echo "deps: run as root, or: sudo apt-get install$missing" >&2
	exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
