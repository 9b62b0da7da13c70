#!/bin/sh
# lab-timeout: 600
#
# --virtio-fs through Debian's virtiofsd (/usr/libexec/virtiofsd in L1),
# on a share on L1's scratch disk, beside a folder outside it:
#   1. user errors, each one line and exit 1 before any VM: a missing
#      folder, a missing virtiofsd, a socket nobody listens on;
#   2. virtiofsd's sandbox modes in L1 (namespace, chroot, none), each
#      with a bare-metal guest: which of them start (reported; chroot
#      must), and lkvm reaps the virtiofsd it started;
#   3. at EL1, lkvm starts virtiofsd (DIR,TAG): a Debian guest mounts the
#      share, reads a file L1 wrote (sha256), writes random bytes (fsync),
#      renames, makes a folder and symlinks; L1 checks them byte for
#      byte. Escapes: the guest follows a symlink L1 placed that points
#      outside (absolute), symlinks of its own that point outside
#      (absolute and ..), and .. past the mount's root; none reads or
#      changes anything outside the share (the outside file's contents,
#      times, with its atime set in the past so that any read moves it,
#      and the outside folder's listing stay as they were). Then the
#      benchmark (32 MiB sequential write and read, virtio-fs against a
#      virtio-blk disk on the same L1 disk, in the same guest), then
#      virtiofsd is killed: lkvm goes on, the device reports
#      DEVICE_NEEDS_RESET to the guest, lkvm stop ends the run (the guest
#      cannot unmount a dead virtio-fs), lkvm having reaped virtiofsd;
#   4. at EL2 (--nested), a virtiofsd L1 started (socket=PATH,tag=TAG):
#      the same file and escape checks; virtiofsd ends when lkvm does.
# shellcheck source=tests/lab/lib.sh
. "$LAB/lib.sh"

vfsd=/usr/libexec/virtiofsd
[ -x "$vfsd" ] || fail "no $vfsd (Debian's virtiofsd) on this host"
mkfifo "$W/console"
exec 3<>"$W/console"
smoke=$LAB/guests/smoke.img
cleanup() {
	[ -n "${lkvm_pid:-}" ] && kill "$lkvm_pid" 2>/dev/null
	[ -n "${vfsd_pid:-}" ] && kill "$vfsd_pid" 2>/dev/null
}
trap cleanup EXIT

disk_fs "$W/fs" || fail "$disk_why"
share=$W/fs/share
outside=$W/fs/outside
mkdir -p "$share" "$outside"

# virtiofsd processes alive now (their pids).
vfsd_pids() {
	for _p in /proc/[0-9]*; do
		[ "$(cat "$_p/comm" 2>/dev/null)" = virtiofsd ] && echo "${_p#/proc/}"
	done
}

# one_line TAG PATTERN ARGS...: lkvm refuses with exactly one line
# matching PATTERN and exit 1, before any VM (no "guest" line).
one_line() {
	_t=$1
	_p=$2
	shift 2
	run_lkvm "$_t" run -k "$smoke" "$@"
	[ "$rc" = 1 ] && [ "$(lines "$W/$_t.err")" = 1 ] &&
		grep -q -- "$_p" "$W/$_t.err" ||
		fail "$_t: exit $rc: $(cat "$W/$_t.err")"
	echo "lab: $name: $_t: $(cat "$W/$_t.err")"
}

# --- 1. user errors ----------------------------------------------------
mode=errors
one_line nodir '^lkvm: --virtio-fs /nonexistent: No such file' \
	--virtio-fs /nonexistent,t
one_line novfsd '^lkvm: --virtio-fs: /nonexistent/virtiofsd: No such file.*virtiofsd' \
	--virtio-fs "$share,t,virtiofsd=/nonexistent/virtiofsd"
# A socket file whose listener is gone: connect is refused.
"$vfsd" --socket-path="$W/dead.sock" --shared-dir="$share" --sandbox=none \
	>"$W/dead.vfsd" 2>&1 &
dead=$!
n=0
while [ ! -S "$W/dead.sock" ] && [ "$n" -lt 300 ]; do
	sleep 0.1
	n=$((n + 1))
done
[ -S "$W/dead.sock" ] || fail "virtiofsd --socket-path made no socket: $(cat "$W/dead.vfsd")"
kill -9 "$dead"
wait "$dead" 2>/dev/null
one_line refused "^lkvm: --virtio-fs socket=$W/dead.sock: Connection refused" \
	--virtio-fs "socket=$W/dead.sock,tag=t"

# --- 2. sandbox modes, lkvm reaps its virtiofsd -----------------------
mode=sandbox
for sb in namespace chroot none; do
	run_lkvm "sb-$sb" run -k "$smoke" --loglevel info \
		--virtio-fs "$share,t,sandbox=$sb"
	if [ "$rc" = 0 ]; then
		echo "lab: $name: sandbox=$sb: virtiofsd starts"
		grep -q 'virtio-fs: virtiofsd (pid [0-9]*): features' "$W/sb-$sb.err" ||
			fail "sandbox=$sb: no handshake line"
	else
		echo "lab: $name: sandbox=$sb: virtiofsd does not start (exit $rc): $(grep -v '^lkvm: info' "$W/sb-$sb.err" | tail -n 3 | tr '\n' ' ')"
		[ "$sb" = chroot ] && fail "sandbox=chroot must work for root"
	fi
	left=$(vfsd_pids)
	[ -z "$left" ] || fail "sandbox=$sb: virtiofsd still running after lkvm: $left"
done

# --- 3 and 4: a Debian guest on the share ------------------------------
# L1's file for the guest, and the outside file nobody may touch.
dd if=/dev/urandom of="$share/from-l1.bin" bs=4096 count=64 2>/dev/null
l1sum=$(sha256sum "$share/from-l1.bin" | cut -d' ' -f1)
dd if=/dev/urandom of="$outside/secret" bs=4096 count=4 2>/dev/null
secret_sum=$(sha256sum "$outside/secret" | cut -d' ' -f1)
# An atime in the past: any read of the file moves it (relatime).
touch -a -d '2001-01-01 00:00:00' "$outside/secret"
ln -s "$outside/secret" "$share/l1link"
# (Its contents are read once, at the very end: reading moves the atime.)
outside_state() {
	stat -c '%n size=%s atime=%X mtime=%Y' "$outside/secret"
	ls -la "$outside" | sed 1d
}
outside_state >"$W/outside.before"

# fs_checks MTAG P: the guest mounts MTAG on /mnt and does the file and
# escape checks with its files named P*.
fs_checks() {
	guest_run "mkdir -p /mnt && mount -t virtiofs $1 /mnt && sha256sum /mnt/from-l1.bin" 60 ||
		fail "$mode: mount -t virtiofs $1: $(cat "$W/run.out")"
	grep -q "^$l1sum " "$W/run.out" ||
		fail "$mode: the guest's sha256 of L1's file: $(cat "$W/run.out") (L1: $l1sum)"
	guest_run "dd if=/dev/urandom of=/mnt/$2.tmp bs=4096 count=200 conv=fsync && mv /mnt/$2.tmp /mnt/$2.bin && mkdir /mnt/$2.d && ln -s ../$2.bin /mnt/$2.d/rel && sync && sha256sum /mnt/$2.bin /mnt/$2.d/rel" 120 ||
		fail "$mode: writing in the share: $(cat "$W/run.out")"
	gsum=$(grep " /mnt/$2.bin\$" "$W/run.out" | cut -d' ' -f1)
	[ -n "$gsum" ] && grep -q "^$gsum  */mnt/$2.d/rel\$" "$W/run.out" ||
		fail "$mode: the guest's sums: $(cat "$W/run.out")"
	hsum=$(sha256sum "$share/$2.bin" | cut -d' ' -f1)
	[ "$hsum" = "$gsum" ] || fail "$mode: $2.bin: L1's sha256 $hsum, the guest's $gsum"
	[ "$(stat -c %s "$share/$2.bin")" = 819200 ] || fail "$mode: $2.bin's size on L1"
	[ ! -e "$share/$2.tmp" ] && [ -d "$share/$2.d" ] &&
		[ "$(readlink "$share/$2.d/rel")" = "../$2.bin" ] ||
		fail "$mode: rename, mkdir or symlink not seen on L1: $(ls -la "$share" "$share/$2.d" | tr '\n' ' ')"
	echo "lab: $name: $mode: guest wrote $2.bin, L1 reads the same bytes ($hsum)"
	# Escapes: every read and write below must fail in the guest.
	guest_run "ln -s $outside/secret /mnt/$2.abs && ln -s ../outside/secret /mnt/$2.rel && for f in /mnt/l1link /mnt/$2.abs /mnt/$2.rel /mnt/../outside/secret /mnt/../../outside/secret; do cat \$f >/dev/null 2>&1 && echo READ \$f; echo x 2>/dev/null >\$f && echo WROTE \$f; done; [ \"\$(ls -a /mnt/.. | tr '\\n' ' ')\" = \"\$(ls -a / | tr '\\n' ' ')\" ] && echo DOTDOT-IS-GUEST-ROOT; echo done" 60 ||
		fail "$mode: the escape attempts: $(cat "$W/run.out")"
	! grep -q '^READ\|^WROTE' "$W/run.out" && grep -qx DOTDOT-IS-GUEST-ROOT "$W/run.out" ||
		fail "$mode: an escape: $(cat "$W/run.out")"
	[ "$(readlink "$share/$2.abs")" = "$outside/secret" ] &&
		[ "$(readlink "$share/$2.rel")" = ../outside/secret ] ||
		fail "$mode: the guest's symlinks on L1: $(ls -la "$share" | tr '\n' ' ')"
	outside_state >"$W/outside.after"
	cmp -s "$W/outside.before" "$W/outside.after" ||
		fail "$mode: outside the share changed: $(diff "$W/outside.before" "$W/outside.after" | tr '\n' ' ')"
	echo "lab: $name: $mode: escapes refused, outside untouched (contents, atime, listing)"
}

# bench: 32 MiB sequential write (fsync) and read (guest cache dropped)
# on virtio-fs and on the virtio-blk disk vda, timed by the guest's
# uptime; figures and ratios only.
bench_one() { # NAME WRITE-CMD READ-CMD
	guest_run "read a _ </proc/uptime; $2 2>/dev/null; read b _ </proc/uptime; sync; echo 3 >/proc/sys/vm/drop_caches; read c _ </proc/uptime; $3 2>/dev/null; read d _ </proc/uptime; echo BENCH \$a \$b \$c \$d" 300 ||
		fail "$mode: benchmark $1: $(cat "$W/run.out")"
	set -- "$1" $(sed -n 's/^BENCH //p' "$W/run.out")
	eval "${1}_w=$(calc "32 / ($3 - $2)")"
	eval "${1}_r=$(calc "32 / ($5 - $4)")"
}
bench() {
	bench_one fs "dd if=/dev/zero of=/mnt/big bs=1M count=32 conv=fsync" \
		"dd if=/mnt/big of=/dev/null bs=1M"
	bench_one blk "dd if=/dev/zero of=/dev/vda bs=1M count=32 conv=fsync" \
		"dd if=/dev/vda of=/dev/null bs=1M count=32"
	metric fs_write "$fs_w" MiB/s
	metric fs_read "$fs_r" MiB/s
	metric blk_write "$blk_w" MiB/s
	metric blk_read "$blk_r" MiB/s
	metric fs_blk_write_ratio "$(calc "$fs_w / $blk_w")" x
	metric fs_blk_read_ratio "$(calc "$fs_r / $blk_r")" x
	rm -f "$share/big"
}

# --- 3. EL1, lkvm's own virtiofsd --------------------------------------
mode=el1
tag=fs-el1
ready=1
truncate -s 40M "$W/fs/blk.img" 2>/dev/null ||
	dd if=/dev/zero of="$W/fs/blk.img" bs=1M count=0 seek=40 2>/dev/null
LKVM_STDIN=$W/console start_lkvm "$tag" run -k "$LAB/l2/Image" \
	-i "$LAB/l2/initrd.cpio.gz" -m 256 -c 1 --loglevel info \
	-d "$W/fs/blk.img" --virtio-fs "$share,myfs" --name vfs-el1 \
	-p "quiet lkvm.virtio lkvm.wait-cmd"
wait_out "$tag" LKVM-GUEST-READY 240 || fail "$mode: the guest never got ready"
has "$tag" err 'virtio-fs: tag myfs, through virtiofsd' ||
	fail "$mode: lkvm did not report the virtio-fs device"
fs_checks myfs e1
t_b0=$(now)
bench
echo "lab: $name: $mode: benchmark took $(calc "$(now) - $t_b0")s"
# virtiofsd dies under the running guest.
vpid=$(vfsd_pids)
[ -n "$vpid" ] || fail "$mode: no virtiofsd while the guest runs"
kill -9 $vpid
n=0
until grep -q 'virtio-fs: its vhost-user back end went away' "$W/$tag.err"; do
	n=$((n + 1))
	[ "$n" -lt 300 ] || fail "$mode: lkvm did not notice virtiofsd's death"
	sleep 0.1
done
guest_run "for d in /sys/bus/virtio/devices/*; do [ \"\$(cat \$d/device)\" = 0x001a ] && echo FS-STATUS \$(cat \$d/status); done" 60 ||
	fail "$mode: reading the device's status: $(cat "$W/run.out")"
st=$(sed -n 's/^FS-STATUS //p' "$W/run.out")
[ -n "$st" ] && [ $((st & 0x40)) != 0 ] ||
	fail "$mode: the device's status after virtiofsd died: '$st' (no NEEDS_RESET)"
echo "lab: $name: $mode: virtiofsd killed: device status $st (DEVICE_NEEDS_RESET), lkvm goes on"
# The guest cannot unmount a virtio-fs whose server died (Linux waits
# for the requests in flight, at umount and at poweroff alike): stop it
# from outside, as a user would.
"$LKVM" stop --name vfs-el1 >"$W/stop.out" 2>&1 ||
	fail "$mode: lkvm stop: $(cat "$W/stop.out")"
n=0
while kill -0 "$lkvm_pid" 2>/dev/null; do
	n=$((n + 1))
	[ "$n" -lt 600 ] || fail "$mode: lkvm still running 60 s after lkvm stop"
	sleep 0.1
done
wait_lkvm
[ "$rc" = 6 ] || fail "$mode: lkvm exited $rc after lkvm stop, expected 6"
grep -q "virtio-fs: virtiofsd (pid $vpid) ended: signal 9" "$W/$tag.err" ||
	fail "$mode: lkvm did not reap virtiofsd $vpid"
grep -a 'sandbox\|virtio-fs' "$W/$tag.err" | sed "s/^/lab: $name: $mode: /"

# --- 4. EL2, a virtiofsd L1 started ------------------------------------
mode=el2
tag=fs-el2
ready=1
"$vfsd" --socket-path="$W/vfs.sock" --shared-dir="$share" --sandbox=chroot \
	--log-level=warn >"$W/vfsd.log" 2>&1 &
vfsd_pid=$!
n=0
while [ ! -S "$W/vfs.sock" ] && [ "$n" -lt 300 ]; do
	sleep 0.1
	n=$((n + 1))
done
[ -S "$W/vfs.sock" ] || fail "$mode: virtiofsd made no socket: $(cat "$W/vfsd.log")"
LKVM_STDIN=$W/console start_lkvm "$tag" run --nested -k "$LAB/l2/Image" \
	-i "$LAB/l2/initrd.cpio.gz" -m 256 -c 1 --loglevel info \
	--virtio-fs "socket=$W/vfs.sock,tag=myfs2" \
	-p "quiet lkvm.virtio lkvm.wait-cmd"
wait_out "$tag" LKVM-GUEST-READY 300 || fail "$mode: the guest never got ready"
fs_checks myfs2 e2
echo poweroff >&3
wait_lkvm
[ "$rc" = 0 ] || fail "$mode: lkvm exited $rc"
# virtiofsd ends when its front end goes.
n=0
while kill -0 "$vfsd_pid" 2>/dev/null; do
	n=$((n + 1))
	[ "$n" -lt 300 ] || fail "$mode: virtiofsd still running after lkvm"
	sleep 0.1
done
wait "$vfsd_pid"
echo "lab: $name: $mode: virtiofsd ended with status $? after lkvm"
vfsd_pid=
grep -a 'sandbox\|virtio-fs' "$W/$tag.err" | sed "s/^/lab: $name: $mode: /"

[ "$(sha256sum "$outside/secret" | cut -d' ' -f1)" = "$secret_sum" ] ||
	fail "the file outside the share changed"
pass "virtio-fs at EL1 (lkvm's virtiofsd) and EL2 (socket=): files both ways, escapes refused, a dead virtiofsd gives NEEDS_RESET; user errors in one line"
