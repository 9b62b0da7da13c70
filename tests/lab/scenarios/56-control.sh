#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# lab-timeout: 240
#
# The control socket with bare-metal guests (ticker: "TICK n ms" every
# 100 ms of its clock; pvpanic):
#   - two guests at once, lab-a and lab-b: lkvm list (and --json) shows
#     both with their vCPUs, memory and state;
#   - pause lab-a: its console stops and list says paused, lab-b ticks on;
#     resume: its ticks and clock go on; a second pause, a resume of a
#     running guest are refused;
#   - hostile peers on lab-b's socket (random bytes, a 10 KiB line, a
#     half-closed request, more connections than it serves, a flood of
#     requests it never reads): it answers what it should and runs on;
#   - stop lab-a: its lkvm exits 6 and its socket goes, lab-b runs on;
#   - a guest killed with SIGKILL leaves a stale socket: lkvm list removes
#     it and the name can be used again; stop works on a paused guest;
#   - each protection of the socket on its own: (b) the default folder is
#     0700 and the socket 0600, so user 1000 cannot even connect; (a) where
#     the file system lets user 1000 in (--socket in a 0755 folder, the
#     socket made 0666 here), lkvm's own peer check answers "error
#     permission denied"; (c) a folder open to the group or others (0770,
#     0702), another user's folder and a symlink are refused in one line
#     before any VM, and so are a --socket without its folder or too long;
#     (d) with HOME=/nonexistent and no XDG_RUNTIME_DIR lkvm boots with its
#     socket in /tmp/lkvm-<uid>, and list and stop find it there (and so
#     with a read-only HOME, which cannot hold .lkvm); --socket
#     PATH works with sdei status and stop;
#   - on a terminal (pty-run) the console is raw and Ctrl-A x quits with
#     status 6;
#   - --timeout 2: exit 5; a pvpanic PANICKED report: exit 4, after a
#     CRASH_LOADED report that let the guest go on.
# shellcheck source=tests/lab/lib.sh
. "$LAB/lib.sh"

ticks() { grep -ac '^TICK ' "$W/$1.out"; }
# last_tick TAG: the <ms> of the guest's last whole "TICK <n> <ms>" line
# (the console ends lines with \r\n: the line lkvm is still writing, which
# ticks already counts, has no \r yet and no whole <ms>)
cr=$(printf '\r')
last_tick() {
	grep -a "^TICK [0-9]* [0-9]*$cr" "$W/$1.out" | tail -n 1 | cut -d' ' -f3 | tr -d '\r'
}
ctl() { # TAG ARGS...: lkvm ARGS, stdout to $W/TAG.ctl; sets crc
	_t=$1
	shift
	"$LKVM" "$@" >"$W/$_t.ctl" 2>&1
	crc=$?
	echo "lab: $name: lkvm $* -> $crc: $(head -n 3 "$W/$_t.ctl" | tr '\n' '|')"
}
# ticking TAG PID: the guest of TAG prints at least 3 more ticks within 20 s.
ticking() {
	lkvm_pid=$2
	wait_out "$1" 'TICK ' 20 $(($(ticks "$1") + 3))
}

start_lkvm a run -k "$LAB/guests/ticker.img" --name lab-a --loglevel info
pid_a=$lkvm_pid
start_lkvm b run -k "$LAB/guests/ticker.img" --name lab-b -c 2 -m 64 --loglevel info
pid_b=$lkvm_pid
ticking a "$pid_a" || fail "lab-a does not tick"
ticking b "$pid_b" || fail "lab-b does not tick"

ctl list list
grep -q '^lab-a .* 1 *256 running$' "$W/list.ctl" ||
	fail "lkvm list does not show lab-a: $(cat "$W/list.ctl")"
grep -q '^lab-b .* 2 *64 running$' "$W/list.ctl" ||
	fail "lkvm list does not show lab-b: $(cat "$W/list.ctl")"
ctl listj list --json
grep -q '"name":"lab-a","pid":'"$pid_a"',"vcpus":1,"mem_mib":256,"state":"running"' "$W/listj.ctl" &&
	grep -q '"name":"lab-b"' "$W/listj.ctl" ||
	fail "lkvm list --json: $(cat "$W/listj.ctl")"

# Pause and resume lab-a.
ctl pause pause --name lab-a
[ "$crc" = 0 ] && grep -q '^ok paused' "$W/pause.ctl" || fail "pause: $(cat "$W/pause.ctl")"
ctl list2 list
grep -q '^lab-a .*paused$' "$W/list2.ctl" || fail "list after pause: $(cat "$W/list2.ctl")"
n1=$(ticks a)
last_ms=$(last_tick a)
# The pause lasts while lab-b prints 25 ticks (2.5 s of its clock): the
# other guest's progress, not a sleep, sets the window.
lkvm_pid=$pid_b
wait_out b 'TICK ' 60 $(($(ticks b) + 25)) || fail "lab-b stopped ticking while lab-a was paused"
n2=$(ticks a)
[ "$n1" = "$n2" ] || fail "paused lab-a printed $((n2 - n1)) ticks"
ctl again pause --name lab-a
[ "$crc" = 1 ] && grep -q 'paused already' "$W/again.ctl" || fail "a second pause: $(cat "$W/again.ctl")"
ctl resume resume --name lab-a
[ "$crc" = 0 ] && grep -q '^ok running' "$W/resume.ctl" || fail "resume: $(cat "$W/resume.ctl")"
ticking a "$pid_a" || fail "lab-a does not tick after resume"
ms=$(last_tick a)
gap=$((ms - last_ms))
[ "$gap" -ge 2000 ] || fail "lab-a's clock moved only $gap ms across a pause of lab-b's 25 ticks"
ctl resume2 resume --name lab-a
[ "$crc" = 1 ] && grep -q 'not paused' "$W/resume2.ctl" || fail "resume of a running guest: $(cat "$W/resume2.ctl")"
metric pause_clock_gap "$gap" ms

# Hostile peers on lab-b's socket.
sock=$sockdir/lab-b.sock
"$LAB/bin/ctl-junk" "$sock" random 50 >"$W/junk" 2>&1 || fail "ctl-junk random: $(cat "$W/junk")"
"$LAB/bin/ctl-junk" "$sock" long >"$W/junk" 2>&1
grep -q 'reply: error request too long' "$W/junk" || fail "a 10 KiB line: $(cat "$W/junk")"
"$LAB/bin/ctl-junk" "$sock" half >"$W/junk" 2>&1
grep -q 'reply: ok name=lab-b' "$W/junk" || fail "a half-closed request: $(cat "$W/junk")"
"$LAB/bin/ctl-junk" "$sock" many 10 >"$W/junk" 2>&1
grep -q 'reply: error too many connections' "$W/junk" || fail "11 connections: $(cat "$W/junk")"
"$LAB/bin/ctl-junk" "$sock" flood >"$W/junk" 2>&1 || fail "ctl-junk flood: $(cat "$W/junk")"
cat "$W/junk"
ctl list3 list
grep -q '^lab-b .*running$' "$W/list3.ctl" || fail "lab-b does not answer after the hostile peers: $(cat "$W/list3.ctl")"
ticking b "$pid_b" || fail "lab-b stopped ticking after the hostile peers"

# Stop lab-a; lab-b runs on.
ctl stop stop --name lab-a
[ "$crc" = 0 ] && grep -q '^ok stopping' "$W/stop.ctl" || fail "stop: $(cat "$W/stop.ctl")"
lkvm_pid=$pid_a
wait_lkvm
[ "$rc" = 6 ] || fail "lab-a's lkvm exited $rc after lkvm stop, expected 6"
[ ! -e "$sockdir/lab-a.sock" ] || fail "lab-a's socket is still there"
ticking b "$pid_b" || fail "lab-b stopped ticking when lab-a stopped"
ctl list4 list
! grep -q '^lab-a ' "$W/list4.ctl" && grep -q '^lab-b ' "$W/list4.ctl" ||
	fail "list after stopping lab-a: $(cat "$W/list4.ctl")"

# A guest that dies leaves a stale socket: list removes it.
kill -KILL "$pid_b"
wait "$pid_b" 2>/dev/null
[ -S "$sock" ] || fail "no stale socket left by a killed lkvm"
ctl list5 list
[ ! -e "$sock" ] || fail "lkvm list did not remove lab-b's stale socket"
! grep -q '^lab-b ' "$W/list5.ctl" || fail "list shows the dead lab-b"

# The name again; stop a paused guest.
start_lkvm c run -k "$LAB/guests/ticker.img" --name lab-b
ticking c "$lkvm_pid" || fail "a new lab-b does not tick"
ctl pause2 pause --name lab-b
[ "$crc" = 0 ] || fail "pause of the new lab-b: $(cat "$W/pause2.ctl")"
ctl stop2 stop --name lab-b
wait_lkvm
[ "$rc" = 6 ] || fail "a paused guest's lkvm exited $rc after lkvm stop, expected 6"

# b. The default folder is 0700 and the socket 0600: the file system stops
# another user before lkvm's peer check (a) could.
start_lkvm d run -k "$LAB/guests/ticker.img" --name lab-d
ticking d "$lkvm_pid" || fail "lab-d does not tick"
"$LAB/bin/ctl-junk" "$sockdir/lab-d.sock" as-uid 1000 >"$W/uid" 2>&1
[ "$(cat "$W/uid")" = "refused: Permission denied" ] ||
	fail "user 1000 on lab-d's socket in $sockdir: '$(tr '\n' '|' <"$W/uid")', expected 'refused: Permission denied'"
mode_dir=$(stat -c %a "$sockdir")
mode_sock=$(stat -c %a "$sockdir/lab-d.sock")
[ "$mode_dir" = 700 ] && [ "$mode_sock" = 600 ] ||
	fail "socket folder $sockdir has mode $mode_dir, lab-d's socket $mode_sock: expected 700 and 600"
ctl stop3 stop --name lab-d
wait_lkvm
[ "$rc" = 6 ] || fail "lab-d: exit $rc after lkvm stop"

# a. lkvm's own peer check (SO_PEERCRED), with nothing else in the way: a
# --socket in a folder anyone may enter, the socket made 0666 here.
mkdir -m 0755 "$W/pub"
psock=$W/pub/x.sock
start_lkvm p run -k "$LAB/guests/ticker.img" --name lab-p --socket "$psock" --loglevel info
pid_p=$lkvm_pid
ticking p "$pid_p" || fail "lab-p (--socket $psock) does not tick"
has p err "control socket $psock" || fail "lab-p: no 'control socket $psock' line"
[ "$(stat -c %a "$psock")" = 600 ] || fail "--socket $psock has mode $(stat -c %a "$psock"), expected 600"
[ ! -e "$sockdir/lab-p.sock" ] || fail "--socket: lab-p has a socket in $sockdir too"
ctl pstat sdei --socket "$psock" status
[ "$crc" = 0 ] && grep -q '^vCPU ' "$W/pstat.ctl" || fail "sdei --socket status: $(cat "$W/pstat.ctl")"
ctl plist list
[ "$crc" = 0 ] && ! grep -q '^lab-p ' "$W/plist.ctl" ||
	fail "lkvm list shows lab-p, whose socket is not in the folder: $(cat "$W/plist.ctl")"
run_lkvm p2 run -k "$LAB/guests/ticker.img" --socket "$psock" --timeout 10
[ "$rc" = 1 ] && has p2 err 'a guest is running at that socket' ||
	fail "a second guest on lab-p's socket: exit $rc: $(head -n 2 "$W/p2.err" | tr '\n' '|')"
chmod 0666 "$psock"
# lkvm answers and closes at once: ctl-junk's "info" may then meet a
# closed socket (a "send: Broken pipe" line); the reply is what counts.
"$LAB/bin/ctl-junk" "$psock" as-uid 1000 >"$W/uid-p" 2>&1
reply_p=$(grep -v '^send: ' "$W/uid-p")
[ "$reply_p" = "reply: error permission denied" ] ||
	fail "user 1000 on lab-p's 0666 socket: '$(tr '\n' '|' <"$W/uid-p")', expected 'reply: error permission denied'"
ticking p "$pid_p" || fail "lab-p stopped ticking after user 1000's connection"
ctl pstop stop --socket "$psock"
[ "$crc" = 0 ] && grep -q '^ok stopping' "$W/pstop.ctl" || fail "stop --socket: $(cat "$W/pstop.ctl")"
lkvm_pid=$pid_p
wait_lkvm
[ "$rc" = 6 ] || fail "lab-p: exit $rc after lkvm stop --socket, expected 6"
[ ! -e "$psock" ] || fail "lab-p's socket $psock is still there"

# c. Folders lkvm refuses, in one line, before any VM (--timeout: a guest
# booted by mistake ends, and the check fails on its exit status).
# refused TAG TEXT WHAT: run TAG exited 1 with one line holding TEXT and
# started no guest.
refused() {
	[ "$rc" = 1 ] && [ "$(lines "$W/$1.err")" = 1 ] && has "$1" err "$2" &&
		[ ! -s "$W/$1.out" ] ||
		fail "$3: exit $rc, $(lines "$W/$1.err") lines: $(head -n 3 "$W/$1.err" | tr '\n' '|')"
	echo "lab: $name: $3: $(cat "$W/$1.err")"
}
xdir=$W/xdg/lkvm
mkdir -p "$xdir"
xdg_saved=${XDG_RUNTIME_DIR-}
export XDG_RUNTIME_DIR="$W/xdg"
for m in 0770 0702; do
	chmod "$m" "$xdir"
	run_lkvm "x$m" run -k "$LAB/guests/ticker.img" --name lab-x --timeout 10
	refused "x$m" "$xdir has mode $m" "a socket folder of mode $m"
done
chmod 0700 "$xdir"
chown 1000 "$xdir"
run_lkvm xuid run -k "$LAB/guests/ticker.img" --name lab-x --timeout 10
refused xuid "$xdir belongs to uid 1000" "a socket folder of user 1000"
rm -rf "$xdir"
mkdir -m 0700 "$W/real"
ln -s "$W/real" "$xdir"
run_lkvm xlink run -k "$LAB/guests/ticker.img" --name lab-x --timeout 10
refused xlink "$xdir is a symbolic link" "a socket folder that is a symlink"
[ -z "$(ls "$W/real")" ] || fail "a socket was made through the symlink: $(ls "$W/real")"
unset XDG_RUNTIME_DIR
run_lkvm nodir run -k "$LAB/guests/ticker.img" --socket "$W/none/x.sock" --timeout 10
refused nodir "no folder $W/none" "--socket in a folder that does not exist"
long=/$(printf '%099d' 0)
run_lkvm long run -k "$LAB/guests/ticker.img" --socket "$long" --timeout 10
refused long "at most 99" "--socket of 100 bytes"

# d. No home (HOME=/nonexistent, no XDG_RUNTIME_DIR), as for a service
# user or a CI job: the socket goes to /tmp/lkvm-<uid>, and list and stop
# with the same environment find it.
[ ! -e /nonexistent ] || fail "/nonexistent exists"
home=$HOME
export HOME=/nonexistent
tdir=/tmp/lkvm-$(id -u)
start_lkvm h run -k "$LAB/guests/ticker.img" --name lab-h --loglevel info
pid_h=$lkvm_pid
ticking h "$pid_h" || fail "HOME=/nonexistent: lab-h does not boot"
has h err "control socket $tdir/lab-h.sock" ||
	fail "HOME=/nonexistent: no 'control socket $tdir/lab-h.sock' line: $(grep -a 'control socket' "$W/h.err")"
[ -S "$tdir/lab-h.sock" ] && [ "$(stat -c '%a %u' "$tdir")" = "700 $(id -u)" ] ||
	fail "HOME=/nonexistent: $tdir: $(ls -ld "$tdir" 2>&1)"
ctl hlist list
grep -q '^lab-h .* running$' "$W/hlist.ctl" || fail "HOME=/nonexistent: lkvm list: $(cat "$W/hlist.ctl")"
ctl hstop stop --name lab-h
wait_lkvm
[ "$rc" = 6 ] || fail "HOME=/nonexistent: lab-h exited $rc after lkvm stop, expected 6"
# A home that cannot hold .lkvm (read-only): the same folder.
mkdir -p "$W/rohome"
mount -t tmpfs -o ro,mode=0755 tmpfs "$W/rohome" || fail "cannot mount a read-only home"
export HOME=$W/rohome
start_lkvm r run -k "$LAB/guests/ticker.img" --name lab-r --loglevel info
ticking r "$lkvm_pid" || fail "read-only HOME: lab-r does not boot: $(head -n 2 "$W/r.err")"
has r err "control socket $tdir/lab-r.sock" ||
	fail "read-only HOME: no 'control socket $tdir/lab-r.sock' line: $(grep -a 'control socket' "$W/r.err")"
ctl rstop stop --name lab-r
wait_lkvm
umount "$W/rohome"
[ "$rc" = 6 ] || fail "read-only HOME: lab-r exited $rc after lkvm stop, expected 6"
export HOME="$home"
[ -z "$xdg_saved" ] || export XDG_RUNTIME_DIR="$xdg_saved"

# On a terminal the console is raw and Ctrl-A x quits: exit 6.
"$LAB/bin/pty-run" 30 'TICK 3 ' '\x01x' "$LKVM" run -k "$LAB/guests/ticker.img" \
	>"$W/pty.out" 2>&1
grep -aq 'Ctrl-A x quits' "$W/pty.out" || fail "no escape-key hint on a terminal: $(tail -n 3 "$W/pty.out")"
grep -aq '^PTY-EXIT 6' "$W/pty.out" || fail "Ctrl-A x on a terminal: $(tail -n 2 "$W/pty.out" | tr '\n' '|')"

run_lkvm timeout run -k "$LAB/guests/ticker.img" --timeout 2
[ "$rc" = 5 ] && has timeout err '--timeout 2' || fail "--timeout 2: exit $rc"
run_lkvm pvpanic run -k "$LAB/guests/pvpanic.img"
[ "$rc" = 4 ] && has pvpanic err 'reported by its pvpanic device' ||
	fail "pvpanic: exit $rc: $(grep -a PVPANIC "$W/pvpanic.out" | tail -n 1)"
has pvpanic out 'still running after CRASH_LOADED' || fail "CRASH_LOADED stopped the guest"
pass "list, pause/resume (clock gap ${gap} ms), hostile peers, stop (6), stale socket, user 1000 refused by the folder (700/600) and by lkvm (--socket 0666), bad folders refused, HOME=/nonexistent in $tdir, Ctrl-A x (6), --timeout (5), pvpanic (4)"
