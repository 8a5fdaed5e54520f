#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# DKMS builds op25b.ko from the installed source for the cloud kernel, with
# Debian's dkms, in throwaway trees (--dkmstree, --sourcetree,
# --installtree): the machine's /usr/src and /var/lib/dkms are not touched.
# The module is signed with a throwaway MOK key (what dkms does for Secure
# Boot) and its vermagic is the kernel's. Build only: nothing is loaded.
. "$TOP/tests/pkg/lib.sh"
need dkms
cloud_kernel
T=$TMPDIR
make -s -C "$TOP" install-dkms-src DESTDIR="$T" DKMSSRCDIR=/src >"$T/log" 2>&1 ||
	fail "make install-dkms-src: $(cat "$T/log")"
mkdir -p "$T/dkms" "$T/inst"
# dkms reads these from the environment unless /etc/dkms/framework.conf
# sets them: the key pair it generates goes here, not /var/lib/dkms
export mok_signing_key=$T/mok.key mok_certificate=$T/mok.der
dk() { dkms "$@" --dkmstree "$T/dkms" --sourcetree "$T/src" --installtree "$T/inst"; }
before=$(ls -A /var/lib/dkms 2>/dev/null; ls -A /usr/src)

dk add -m op25b -v "$VERSION" >"$T/add.log" 2>&1 || fail "dkms add: $(cat "$T/add.log")"
log "dkms add -m op25b -v $VERSION: $(tail -n 1 "$T/add.log")"
dk build -m op25b -v "$VERSION" -k "$KREL" >"$T/build.log" 2>&1 ||
	fail "dkms build -k $KREL: $(cat "$T/build.log"; cat "$T"/dkms/op25b/"$VERSION"/build/make.log 2>/dev/null)"
st=$(dk status -m op25b -v "$VERSION" -k "$KREL" 2>&1)
case $st in *"$KREL"*": built"*) ;; *) fail "dkms status: $st" ;; esac
log "dkms status: $st"
ko=$(find "$T/dkms/op25b/$VERSION/$KREL" -name 'op25b.ko*' | head -n 1)
[ -n "$ko" ] || fail "no op25b.ko in the dkms tree: $(find "$T/dkms")"
assert_eq "$(modinfo -F vermagic "$ko" | awk '{print $1}')" "$KREL" "the built module's vermagic"
assert_eq "$(modinfo -F version "$ko")" "$VERSION" "the built module's version"
if grep -q '^Signing module' "$T/build.log"; then
	assert_eq "$(modinfo -F signer "$ko")" "DKMS module signing key" "signed with the MOK key"
	[ -s "$T/mok.der" ] || fail "no certificate at $T/mok.der"
fi

dk remove -m op25b -v "$VERSION" --all >"$T/remove.log" 2>&1 || fail "dkms remove: $(cat "$T/remove.log")"
[ -e "$T/dkms/op25b" ] && fail "dkms remove left $(find "$T/dkms/op25b")"
log "dkms remove --all: gone"
assert_eq "$(ls -A /var/lib/dkms 2>/dev/null; ls -A /usr/src)" "$before" "/var/lib/dkms and /usr/src untouched"
