# SPDX-License-Identifier: GPL-2.0
#
# tests/lab/lib.sh: helpers for the lab's scenarios. A scenario is a POSIX sh
# script run by l1-init (busybox sh in L1, the host's sh with --native) with:
#
#   LAB           the lab folder: /lab in L1 (bin/lkvm, guests/, l2/, ...)
#   LAB_SCENARIO  its name ("linux-1cpu" for scenarios/50-linux-1cpu.sh)
#   LAB_WORK      an empty scratch folder of its own
#   LAB_RESULT    the file that result() writes, so l1-init can tell a
#                 scenario that ended without a result
#
# It starts with `. "$LAB/lib.sh"` and ends with exactly one pass or fail.
# Protocol lines, read by tests/lab/run on the host:
#
#   LAB-RESULT <scenario> PASS|FAIL <short reason>
#   LAB-METRIC <scenario>.<metric> <value> <unit>
#
# Anything else a scenario prints only goes to the full log.

LAB=${LAB:-/lab}
LKVM=${LKVM:-$LAB/bin/lkvm}
name=${LAB_SCENARIO:?LAB_SCENARIO is not set: run scenarios through l1-init}
W=${LAB_WORK:?LAB_WORK is not set}
mkdir -p "$W"

# Prints the result line (once), and records it for l1-init.
result() { # PASS|FAIL reason...
	_status=$1
	shift
	if [ -e "$LAB_RESULT" ]; then
		echo "lab: $name: a second result ($_status $*) ignored"
		return 0
	fi
	echo "$_status" >"$LAB_RESULT"
	# One line, whatever the reason holds.
	_reason=$(printf '%s' "${*:-no reason given}" | tr '\n\r\t' '   ')
	echo "LAB-RESULT $name $_status $_reason"
}

# pass/fail end the scenario. fail first shows the last lkvm run's output.
pass() {
	result PASS "$@"
	exit 0
}
fail() {
	[ -n "${last:-}" ] && show "$last"
	result FAIL "$@"
	exit 0
}

metric() { # name value unit
	echo "LAB-METRIC $name.$1 $2 $3"
}

# Seconds since boot, with hundredths (/proc/uptime's first field).
now() {
	read -r _up _idle </proc/uptime
	echo "$_up"
}

# CLOCK_MONOTONIC in seconds with microseconds (the clock of lkvm's "t="
# times), from /proc/timer_list's "now at N nsecs"; now()'s 10 ms steps when
# that file cannot be read.
mono() {
	_ns=$(sed -n '/^now at /{s/^now at \([0-9]*\) nsecs.*/\1/p;q;}' /proc/timer_list 2>/dev/null)
	if [ -n "$_ns" ]; then
		awk "BEGIN { printf \"%.6f\", $_ns / 1e9 }"
	else
		now
	fi
}

# Floating-point arithmetic (sh has integers only): calc '2.5 - 1.25'
calc() {
	awk "BEGIN { printf \"%.2f\", $1 }"
}

# run_lkvm TAG ARGS...: runs "$LKVM ARGS..." with stdin from /dev/null,
# stdout to $W/TAG.out, stderr to $W/TAG.err. Sets:
#   rc      its exit status
#   t0, t1  /proc/uptime before it started and right after it exited
#   wall    t1 - t0, in seconds
#   t0f     mono() right before t0 (for the fine-grained start of a run)
#   last    TAG (for show and fail)
run_lkvm() {
	_tag=$1
	shift
	echo "lab: $name: lkvm $*"
	t0f=$(mono)
	t0=$(now)
	"$LKVM" "$@" </dev/null >"$W/$_tag.out" 2>"$W/$_tag.err"
	rc=$?
	t1=$(now)
	wall=$(calc "$t1 - $t0")
	last=$_tag
	echo "lab: $name: exit $rc after ${wall}s"
}

# start_lkvm TAG ARGS...: run_lkvm in the background, for scenarios that
# talk to the running guest, with stdin from $LKVM_STDIN (default
# /dev/null; a FIFO lets the scenario type on the guest's console). Sets
# lkvm_pid, t0 and last; wait_lkvm collects rc, t1 and wall.
start_lkvm() {
	_tag=$1
	shift
	echo "lab: $name: lkvm $* &"
	t0=$(now)
	"$LKVM" "$@" <"${LKVM_STDIN:-/dev/null}" >"$W/$_tag.out" 2>"$W/$_tag.err" &
	lkvm_pid=$!
	last=$_tag
}

wait_lkvm() {
	wait "$lkvm_pid"
	rc=$?
	t1=$(now)
	wall=$(calc "$t1 - $t0")
	echo "lab: $name: exit $rc after ${wall}s"
}

# out_count TAG TEXT: lines of run TAG's stdout with TEXT (0 before the
# backgrounded lkvm has even created the file).
out_count() {
	_c=$(grep -acF -- "$2" "$W/$1.out" 2>/dev/null)
	echo "${_c:-0}"
}

# wait_out TAG TEXT [SECONDS] [COUNT]: waits until run TAG's stdout holds
# COUNT (default 1) lines with TEXT, for at most SECONDS (default 60).
# Fails (returns 1) at the limit, or when the lkvm started by start_lkvm
# has exited without printing them.
wait_out() {
	_n=$(( ${3:-60} * 10 ))
	while [ "$(out_count "$1" "$2")" -lt "${4:-1}" ]; do
		if ! kill -0 "$lkvm_pid" 2>/dev/null; then
			[ "$(out_count "$1" "$2")" -ge "${4:-1}" ]
			return
		fi
		_n=$((_n - 1))
		[ "$_n" -gt 0 ] || return 1
		sleep 0.1
	done
}

# Shows the end of a run's output in the log, for diagnosing a failure.
show() { # TAG [lines]
	for _f in "$W/$1.out" "$W/$1.err"; do
		[ -s "$_f" ] || continue
		echo "lab: $name: --- ${_f##*/} (last ${2:-40} lines) ---"
		tail -n "${2:-40}" "$_f" | sed 's/^/  | /'
	done
}

# has TAG FILE-SUFFIX PATTERN: the run's out/err contains the fixed string.
has() {
	grep -qF -- "$3" "$W/$1.$2"
}

# Lines in a file (0 for an empty one; a last line without newline counts).
lines() {
	awk 'END { print NR }' "$1"
}

# powered_off TAG: lkvm's "guest powered off (t=<CLOCK_MONOTONIC>)" line
# (--loglevel info) of run TAG: sets off to that time, or empty. The time is
# comparable with now()'s (/proc/uptime, CLOCK_BOOTTIME: no suspend here).
powered_off() {
	off=$(sed -n 's/.*guest powered off (t=\([0-9.]*\)).*/\1/p' "$W/$1.err" | head -n 1)
}

# guest_says TAG TEXT: the guest's /init reported a kernel log line with TEXT
# (a "LKVM-GUEST-DMESG <line>" line, see tests/lab/guest-init).
guest_says() {
	grep -a '^LKVM-GUEST-DMESG ' "$W/$1.out" | grep -qF -- "$2"
}

# linux_run TAG [-i INITRD] OPTIONS...: boots the Debian kernel (the L1
# kernel itself) with the lab's L2 initramfs (or INITRD) through
# "lkvm run -k Image -i INITRD --loglevel info OPTIONS..." (OPTIONS: -m, -c,
# -p, --nested, ...). Besides run_lkvm's rc, wall, t0, t1, sets:
#   marker, uptime, online   the first "LKVM-GUEST-INIT uptime=U online=O"
#   off, teardown            guest poweroff time (powered_off), t1 - off
#   rss                      "<lkvm KiB> <guest RAM KiB>", lkvm's
#                            "resident memory" line
# (each empty when lkvm did not print it) and prints the metrics lkvm_wall,
# guest_uptime_at_init, teardown, lkvm_rss and guest_ram_rss it has.
linux_run() {
	_lr=$1
	shift
	_initrd=$LAB/l2/initrd.cpio.gz
	if [ "${1:-}" = -i ]; then
		_initrd=$2
		shift 2
	fi
	run_lkvm "$_lr" run -k "$LAB/l2/Image" -i "$_initrd" --loglevel info "$@"
	metric lkvm_wall "$wall" s
	# What the guest's init reported, for the log.
	grep -a 'LKVM-GUEST-' "$W/$_lr.out" | tr -d '\r' | sed "s/^/lab: $name: guest: /"

	marker=$(grep -a 'LKVM-GUEST-INIT' "$W/$_lr.out" | head -n 1 | tr -d '\r')
	uptime=$(echo "$marker" | sed -n 's/.*uptime=\([0-9.]*\).*/\1/p')
	online=$(echo "$marker" | sed -n 's/.*online=\([^ ]*\).*/\1/p')
	[ -n "$uptime" ] && metric guest_uptime_at_init "$uptime" s

	powered_off "$_lr"
	teardown=
	if [ -n "$off" ]; then
		teardown=$(calc "$t1 - $off")
		metric teardown "$teardown" s
	fi
	# "resident memory: lkvm <N> KiB, guest RAM <M> KiB"
	rss=$(sed -n 's/.*resident memory: lkvm \([0-9]*\) KiB, guest RAM \([0-9]*\) KiB.*/\1 \2/p' \
		"$W/$_lr.err" | head -n 1)
	if [ -n "$rss" ]; then
		metric lkvm_rss "${rss% *}" KiB
		metric guest_ram_rss "${rss#* }" KiB
	fi
}

# linux_boot CPUS ONLINE: boots the L2 Linux guest (linux_run) with 256 MiB
# and CPUS vCPUs, without --nested: its init prints "LKVM-GUEST-INIT
# uptime=U online=O" and powers off. Passes when the kernel started at EL1
# ("CPU: All CPU(s) started at EL1"), O is ONLINE and lkvm exits 0, having
# printed its poweroff and memory lines. Metrics: see linux_run.
linux_boot() {
	linux_run linux -m 256 -c "$1" -p "quiet"
	[ -n "$marker" ] || fail "no LKVM-GUEST-INIT marker (lkvm exit $rc after ${wall}s)"
	[ "$online" = "$2" ] || fail "guest has online=$online, expected $2"
	guest_says linux 'CPU: All CPU(s) started at EL1' ||
		fail "the guest does not say 'CPU: All CPU(s) started at EL1'"
	[ "$rc" = 0 ] || fail "lkvm exited $rc"
	[ -n "$off" ] || fail "no 'guest powered off (t=...)' line from lkvm"
	[ -n "$rss" ] || fail "no 'resident memory' line from lkvm"
	pass "started at EL1, init at ${uptime}s guest time, online=$online, lkvm ${wall}s"
}

# disk_fs DIR: DIR becomes a folder on a block-backed file system, for
# what tmpfs cannot show (a FLUSH that reaches a device): L1's scratch disk
# (LAB_DISK, tests/lab/run gives L1 one), made ext4 and mounted there with
# a 300 s commit interval, so that the device's flushes come from fsync
# and not from the journal's timer; natively, DIR as it is. Sets diskstat
# to the device's /sys stat file (its 16th field counts flush requests).
# Returns 1, with a reason in disk_why, when there is no such device.
disk_fs() {
	mkdir -p "$1"
	if [ -n "${LAB_DISK:-}" ]; then
		/usr/sbin/mke2fs -q -t ext4 -F "$LAB_DISK" >"$W/mke2fs-disk.out" 2>&1 ||
			{ disk_why="mke2fs $LAB_DISK: $(cat "$W/mke2fs-disk.out")"; return 1; }
		mount -t ext4 -o commit=300 "$LAB_DISK" "$1" ||
			{ disk_why="mount $LAB_DISK failed"; return 1; }
		diskstat=/sys/block/${LAB_DISK##*/}/stat
	else
		# The device of the longest mount point above DIR.
		_mm=$(awk -v d="$(cd "$1" && pwd -P)/" '
			index(d, ($5 == "/" ? "/" : $5 "/")) == 1 && length($5) >= best {
				best = length($5); mm = $3 }
			END { print mm }' /proc/self/mountinfo)
		diskstat=/sys/dev/block/$_mm/stat
	fi
	[ -r "$diskstat" ] && [ "$(awk '{ print NF }' "$diskstat")" -ge 17 ] ||
		{ disk_why="no block device under $1 (no $diskstat with flush counts): L1 has no scratch disk, or natively $1 is not on a disk"; return 1; }
}

# flushes: the flush requests the disk_fs device has completed.
flushes() {
	awk '{ print $16 }' "$diskstat"
}

# kexec_initrd OUT: the L2 initramfs for a kexec scenario: the lab's L2 one,
# the kexec add-on (kexec with its libraries, /initrd2.cpio.gz for the
# second kernel) and an uncompressed archive with /Image (the kernel takes
# concatenated archives; an uncompressed one must start 4-byte aligned).
kexec_initrd() {
	mkdir -p "$W/img"
	ln -s "$LAB/l2/Image" "$W/img/Image"
	cat "$LAB/l2/initrd.cpio.gz" "$LAB/l2/kexec.cpio.gz" >"$1"
	_size=$(wc -c <"$1")
	head -c $(((4 - _size % 4) % 4)) /dev/zero >>"$1"
	(cd "$W/img" && echo Image | cpio -o -H newc -L >>"$1") ||
		fail "cpio could not archive the Image"
	rm -rf "$W/img"
}

# --- Talking to a Linux guest that runs the SDEI test module -----------
#
# For scenarios that start the guest with start_lkvm TAG ... --name $g and
# "-p ... lkvm.sdei-test=EVENTS lkvm.wait-cmd", its console on fd 3 (a
# FIFO given as LKVM_STDIN). They set g (the guest's name), tag, mode (for
# messages) and ready (the LKVM-GUEST-READY lines seen so far).

# Where lkvm puts its control sockets (control_dir(), vmm/control-proto.c):
# $XDG_RUNTIME_DIR/lkvm, else ~/.lkvm where HOME is an existing folder that
# has .lkvm or where this user may make it (in L1 HOME is /), else
# /tmp/lkvm-<euid>.
sockdir=/tmp/lkvm-$(id -u)
case ${HOME:-} in
/*)
	if [ -d "$HOME" ] && { [ -e "${HOME%/}/.lkvm" ] || [ -w "$HOME" ]; }; then
		sockdir=${HOME%/}/.lkvm
	fi
	;;
esac
case ${XDG_RUNTIME_DIR:-} in /*) sockdir=${XDG_RUNTIME_DIR%/}/lkvm ;; esac

# report TAG EVENT CPU: the module's latest count for EVENT on CPU (0: none).
report() {
	_c=$(grep -a "^LKVM-GUEST-SDEI-REPORT event=$2 cpu=$3 " "$W/$1.out" |
		tail -n 1 | sed -n 's/.* count=\([0-9]*\).*/\1/p')
	echo "${_c:-0}"
}

# command TEXT [SECONDS]: types a command for the guest's wait-cmd and waits
# until it asks for the next one (for SECONDS, default 60, at most).
command() {
	echo "$1" >&3
	ready=$((ready + 1))
	wait_out "$tag" LKVM-GUEST-READY "${2:-60}" "$ready" || fail "$mode: '$1' did not finish"
}

# event_json FILE EVENT: the object {"event":EVENT,...} in FILE, the output
# of lkvm sdei status --json (empty when EVENT is not there): checks then
# look at one event, never at whichever event matches first.
event_json() {
	awk -v key="{\"event\":$2," '{
		i = index($0, key)
		if (!i)
			next
		s = substr($0, i)
		d = 0
		for (j = 1; j <= length(s); j++) {
			c = substr(s, j, 1)
			if (c == "{")
				d++
			else if (c == "}" && --d == 0) {
				print substr(s, 1, j)
				exit
			}
		}
	}' "$1"
}

# running_on FILE EVENT: the vCPUs (space-separated) whose running
# handlers, in lkvm sdei status --json's "vcpus" list, include EVENT.
running_on() {
	awk -v e="$2" '{
		sub(/\],"events":.*/, "")
		n = split($0, v, "\\{\"vcpu\":")
		for (i = 2; i <= n; i++) {
			split(v[i], f, ",")
			r = v[i]
			sub(/.*"running":\[/, "", r)
			sub(/\].*/, "", r)
			if (index("," r ",", "," e ","))
				printf "%s%s", c++ ? " " : "", f[1]
		}
	}' "$1"
}

# vcpu_entry FILE EVENT CPU: private EVENT's entry {"vcpu":CPU,...} in
# FILE (lkvm sdei status --json).
vcpu_entry() {
	event_json "$1" "$2" | grep -o "{\"vcpu\":$3,[^}]*}"
}

# status_json: lkvm sdei status --json of guest $g into $W/status.json.
status_json() {
	"$LKVM" sdei --name "$g" status --json >"$W/status.json" 2>&1
}

# event_until EVENT[:CPU] TEXT SECONDS: polls lkvm sdei status --json
# until EVENT's object (with :CPU, private EVENT's entry for vCPU CPU)
# holds TEXT, for SECONDS at most (fails, returning 1, then;
# $W/status.json has the last status).
event_until() {
	_end=$(($(now | cut -d. -f1) + $3))
	until status_json && _event_part "$1" | grep -qF -- "$2"; do
		[ "$(now | cut -d. -f1)" -lt "$_end" ] || return 1
		sleep 0.05
	done
}
_event_part() {
	case "$1" in
	*:*) vcpu_entry "$W/status.json" "${1%:*}" "${1#*:}" ;;
	*) event_json "$W/status.json" "$1" ;;
	esac
}

# idle EVENT[:CPU] SECONDS: event_until the event (entry) is neither
# running nor pending.
idle() {
	event_until "$1" '"running":false,"pending":false' "$2"
}

# sig EVENT [CPU]: one lkvm sdei signal; prints lkvm's answer.
sig() {
	"$LKVM" sdei --name "$g" signal "$1" ${2:+--cpu "$2"} 2>&1
}

# signals TAG EVENT CPU N: N signals through sig-latency, each once the
# event is idle there (neither pending nor running); every one must be
# answered "ok pending", and the last one's handler has run when it
# returns.
signals() {
	"$LAB/bin/sig-latency" "$sockdir/$g.sock" "$2" "$3" "$4" 20 >"$W/$1.sig" 2>"$W/sig.err" ||
		fail "$mode: sig-latency $2 $3 failed: $(cat "$W/sig.err")"
	_ok=$(grep -c ' ok pending$' "$W/$1.sig")
	[ "$_ok" = "$4" ] ||
		fail "$mode: event $2 cpu $3: $_ok of $4 signals answered 'ok pending': $(grep -v ' ok pending$' "$W/$1.sig" | head -n 1)"
}


# guest_run CMD [SECONDS]: runs the shell command CMD in the guest
# (wait-cmd's "run"; command's SECONDS); its output lines go to
# $W/run.out; returns its exit status.
guest_run() {
	_from=$(($(lines "$W/$tag.out") + 1))
	command "run $1" "${2:-60}"
	tail -n +"$_from" "$W/$tag.out" | tr -d '\r' >"$W/run.all"
	sed -n 's/^LKVM-GUEST-OUT //p' "$W/run.all" >"$W/run.out"
	_rc=$(sed -n 's/^LKVM-GUEST-RC \([0-9]*\).*/\1/p' "$W/run.all" | tail -n 1)
	sed "s/^/lab: $name: $mode: guest: /" "$W/run.out" | head -n 20
	[ "${_rc:-1}" = 0 ]
}

# le32 WORD: the 32-bit hex WORD (no 0x) as four bytes, little-endian: the
# scenarios write small guest programs an instruction word at a time.
le32() { # WORD (hex, no 0x): four bytes, little-endian
	for _s in 0 8 16 24; do
		# shellcheck disable=SC2059
		printf "\\$(printf %o $(((0x$1 >> _s) & 255)))"
	done
}
