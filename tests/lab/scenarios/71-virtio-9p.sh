#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# lab-timeout: 480
# lab-l2: generic
#
# --9p DIR,TAG: a folder of L1 shared with a Debian guest over virtio-9p
# (9P2000.L). The guest is Debian's generic arm64 kernel (the cloud one
# the other scenarios boot has no 9p), from the disk tests/lab/run gives
# L1 for it (LAB_GENERIC), with its modules appended to the lab's
# initramfs. lkvm runs sandboxed, as always: a system call of the 9p
# server missing from the allow-list would end it. At EL1, then at EL2
# (--nested), one boot each:
#   1. the guest mounts the share (trans=virtio, version=9p2000.L) and
#      reads a file L1 wrote (sha256 on both sides);
#   2. the guest writes random bytes (fsync), renames the file, makes a
#      folder, a symlink and a hard link, and chmods 4755; L1 checks the
#      bytes (sha256), the names, the link's text, the hard link's inode,
#      the owner (lkvm's user) and that the setuid bit was dropped;
#   3. escapes, each of which must fail while the files outside the share
#      stay as they were (content, and no new names beside them):
#      - an absolute symlink L1 placed, pointing at L1's file outside the
#        share: the guest resolves it in its own file system (where that
#        path holds the guest's own copy), never reaching L1's;
#      - a relative one (../outside-MODE/secret): resolved by the guest
#        from its mount point, it names nothing;
#      - a symlink the guest makes, pointing at L1's file by its absolute
#        path, written through: the guest's own copy changes, L1's file
#        does not, and the link on L1 is the guest's text (lkvm stored it
#        and never followed it);
#      - ".." past the root and a walk past it (cd to the mount point's
#        parent and back down): they stay in the guest's tree. (The Linux
#        client resolves ".." itself and never sends it to the server:
#        lkvm's answer to a ".." walk past the root is unit-tested, in
#        test-p9-fs, and fuzzed.)
#   4. at EL1 a benchmark (figures only): sequential write (dd, 1 MiB
#      blocks, then fsync) and read (caches dropped) of 8 MiB through the
#      share and of 32 MiB through a virtio-blk disk whose image is in the
#      same L1 tmpfs, in the same boot; the 9p/virtio-blk ratios. Small, because
#      Linux 7.3's client moves 4 KiB per request, one at a time (with
#      cache=loose and msize=512000 too, seen with 32 MiB), about 1 MiB/s
#      here; lkvm's own share of each request's time is its "in lkvm per
#      request" line at the end (--loglevel info).
# shellcheck source=tests/lab/lib.sh
. "$LAB/lib.sh"

[ -n "${LAB_GENERIC:-}" ] && [ -s "$LAB_GENERIC/Image" ] ||
	fail "no generic kernel (LAB_GENERIC): tests/lab/run gives L1 its disk for '# lab-l2: generic'"
mkfifo "$W/console"
exec 3<>"$W/console"
cleanup() {
	[ -n "${lkvm_pid:-}" ] && kill "$lkvm_pid" 2>/dev/null
}
trap cleanup EXIT
initrd=$W/initrd9p.cpio.gz
cat "$LAB/l2/initrd.cpio.gz" "$LAB_GENERIC/p9mods.cpio.gz" >"$initrd"
l1sum() {
	sha256sum "$1" | cut -d' ' -f1
}

# p9 MODE OPTIONS...: one boot, parts 1 to 3 (and 4 at EL1).
p9() {
	mode=$1
	shift
	tag=p9-$mode
	ready=1
	share=$W/share-$mode
	outside=$W/outside-$mode
	mkdir -p "$share" "$outside"
	echo "L1-SECRET $mode" >"$outside/secret"
	secret_sum=$(l1sum "$outside/secret")
	dd if=/dev/urandom of="$share/host.bin" bs=1k count=200 2>/dev/null
	host_sum=$(l1sum "$share/host.bin")
	ln -s "$outside/secret" "$share/abs"
	ln -s "../outside-$mode/secret" "$share/rel"
	disk=$W/blk-$mode.img
	rm -f "$disk"
	truncate -s 40M "$disk"
	LKVM_STDIN=$W/console start_lkvm "$tag" run -k "$LAB_GENERIC/Image" \
		-i "$initrd" -m 256 -c 1 --loglevel info -d "$disk" \
		--9p "$share,labshare" "$@" \
		-p "quiet lkvm.virtio lkvm.9p=labshare lkvm.wait-cmd"
	wait_out "$tag" LKVM-GUEST-READY 240 || fail "$mode: the guest never got ready"
	grep -a 'LKVM-GUEST-9P' "$W/$tag.out" | tr -d '\r' | sed "s/^/lab: $name: $mode: /"
	has "$tag" out 'LKVM-GUEST-9P mounted labshare' ||
		fail "$mode: the guest did not mount the share: $(grep -a LKVM-GUEST-9P "$W/$tag.out")"
	has "$tag" err 'sandbox: no capabilities' ||
		fail "$mode: lkvm did not say it was sandboxed"

	# 1. What L1 wrote, read by the guest.
	guest_run "sha256sum /mnt/9p/host.bin" 60 ||
		fail "$mode: the guest could not read host.bin: $(cat "$W/run.out")"
	grep -q "^$host_sum " "$W/run.out" ||
		fail "$mode: host.bin differs in the guest: $(cat "$W/run.out") (L1: $host_sum)"

	# 2. What the guest writes, checked by L1.
	guest_run "cd /mnt/9p && dd if=/dev/urandom of=g.tmp bs=1k count=300 conv=fsync 2>/dev/null && mv g.tmp g.bin && mkdir gdir && ln -s g.bin glink && ln g.bin gdir/ghard && chmod 4755 g.bin && sync && sha256sum g.bin" 60 ||
		fail "$mode: the guest's writes failed: $(cat "$W/run.out")"
	guest_sum=$(sed -n 's/^\([0-9a-f]\{64\}\)  g.bin$/\1/p' "$W/run.out")
	[ -n "$guest_sum" ] || fail "$mode: no sha256 from the guest: $(cat "$W/run.out")"
	[ "$(l1sum "$share/g.bin")" = "$guest_sum" ] ||
		fail "$mode: g.bin differs on L1 ($(l1sum "$share/g.bin")) from the guest's ($guest_sum)"
	[ "$(stat -c %s "$share/g.bin")" = 307200 ] || fail "$mode: g.bin is $(stat -c %s "$share/g.bin") bytes"
	[ ! -e "$share/g.tmp" ] || fail "$mode: g.tmp is still there after the rename"
	[ -d "$share/gdir" ] || fail "$mode: no folder gdir on L1"
	[ "$(readlink "$share/glink")" = g.bin ] ||
		fail "$mode: glink on L1 is '$(readlink "$share/glink")', not g.bin"
	[ "$(stat -c %i "$share/gdir/ghard")" = "$(stat -c %i "$share/g.bin")" ] &&
		[ "$(stat -c %h "$share/g.bin")" = 2 ] ||
		fail "$mode: gdir/ghard is not a hard link of g.bin"
	[ "$(stat -c %u:%g "$share/g.bin")" = "$(id -u):$(id -g)" ] ||
		fail "$mode: g.bin belongs to $(stat -c %u:%g "$share/g.bin"), not lkvm's user"
	[ "$(stat -c %a "$share/g.bin")" = 755 ] ||
		fail "$mode: g.bin's mode on L1 is $(stat -c %a "$share/g.bin"), not 755 (the setuid bit must be dropped)"
	echo "lab: $name: $mode: the guest's file, folder, links and chmod are on L1 as written ($guest_sum)"

	# 3. Escapes. The guest's own copy of L1's outside path first.
	guest_run "mkdir -p $outside && echo GUEST-COPY >$outside/secret" 30 ||
		fail "$mode: the guest could not make its copy"
	guest_run "cat /mnt/9p/abs" 30 ||
		fail "$mode: reading the absolute symlink failed: $(cat "$W/run.out")"
	[ "$(cat "$W/run.out")" = GUEST-COPY ] ||
		fail "$mode: the absolute symlink read '$(cat "$W/run.out")', not the guest's own file"
	if guest_run "cat /mnt/9p/rel" 30 || grep -q L1-SECRET "$W/run.out"; then
		fail "$mode: the relative symlink out of the share was read: $(cat "$W/run.out")"
	fi
	guest_run "ln -s $outside/secret /mnt/9p/gout && echo PWNED >/mnt/9p/gout && cat $outside/secret" 30 ||
		fail "$mode: writing through the guest's symlink failed: $(cat "$W/run.out")"
	[ "$(cat "$W/run.out")" = PWNED ] ||
		fail "$mode: the guest's write through its symlink went elsewhere: $(cat "$W/run.out")"
	[ "$(readlink "$share/gout")" = "$outside/secret" ] ||
		fail "$mode: the guest's symlink on L1 is '$(readlink "$share/gout")'"
	if guest_run "cat /mnt/9p/../../$outside/secret /mnt/9p/../9p/../../$W/outside-$mode/secret; cd /mnt/9p/.. && ls" 30; then
		:
	fi
	grep -q L1-SECRET "$W/run.out" && fail "$mode: '..' reached L1's file: $(cat "$W/run.out")"
	grep -qx 9p "$W/run.out" ||
		fail "$mode: the mount point's parent is not the guest's /mnt: $(cat "$W/run.out")"
	[ "$(l1sum "$outside/secret")" = "$secret_sum" ] ||
		fail "$mode: L1's file outside the share changed: $(cat "$outside/secret")"
	[ "$(ls -A "$outside")" = secret ] ||
		fail "$mode: new names beside L1's file outside the share: $(ls -A "$outside")"
	echo "lab: $name: $mode: symlinks out and '..' stayed in the guest; L1's outside file is untouched"

	# 4. The benchmark (figures only).
	if [ "$mode" = el1 ]; then
		# seq DIR TAG: $mib MiB written (then fsync) and read back (caches
		# dropped) through the share mounted on DIR, times as TAG0/TAG1.
		# (virtio-blk: 32 MiB, for /proc/uptime's 10 ms to matter little)
		mib=8
		bmib=32
		seq="t() { read -r u _ </proc/uptime; echo \"\$1 \$u\"; }; seq() { t \${2}w0; dd if=/dev/zero of=\$1/bench bs=1M count=$mib conv=fsync 2>/dev/null; t \${2}w1; echo 3 >/proc/sys/vm/drop_caches; t \${2}r0; dd if=\$1/bench of=/dev/null bs=1M 2>/dev/null; t \${2}r1; rm \$1/bench; }"
		guest_run "$seq; grep ' 9p ' /proc/mounts; seq /mnt/9p p9; t bw0; dd if=/dev/zero of=/dev/vda bs=1M count=$bmib conv=fsync 2>/dev/null; t bw1; echo 3 >/proc/sys/vm/drop_caches; t br0; dd if=/dev/vda of=/dev/null bs=1M count=$bmib 2>/dev/null; t br1" 300 ||
			fail "$mode: the benchmark failed: $(cat "$W/run.out")"
		[ ! -e "$share/bench" ] || fail "$mode: the benchmark's file is still on L1"
		at() { sed -n "s/^$1 \([0-9.]*\)$/\1/p" "$W/run.out"; }
		mibs() { calc "$2 / ($(at "${1}1") - $(at "${1}0") + 0.005)"; }
		p9w=$(mibs p9w $mib)
		p9r=$(mibs p9r $mib)
		blkw=$(mibs bw $bmib)
		blkr=$(mibs br $bmib)
		metric p9_seqwrite "$p9w" MiB/s
		metric p9_seqread "$p9r" MiB/s
		metric blk_seqwrite "$blkw" MiB/s
		metric blk_seqread "$blkr" MiB/s
		metric p9_blk_seqwrite_ratio "$(calc "$p9w / $blkw")" x
		metric p9_blk_seqread_ratio "$(calc "$p9r / $blkr")" x
	fi

	echo poweroff >&3
	wait_lkvm
	lkvm_pid=
	[ "$rc" = 0 ] || fail "$mode: lkvm exited $rc"
	grep -a 'sandbox\|virtio-9p\|virtio-blk' "$W/$tag.err" | sed "s/^/lab: $name: $mode: /"
}

start=$(now)
p9 el1
p9 el2 --nested
metric scenario_wall "$(calc "$(now) - $start")" s
pass "share mounted, written and read both ways at EL1 and EL2, sandboxed; symlink and '..' escapes stayed in the guest"
