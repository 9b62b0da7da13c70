#!/bin/sh
# lab-timeout: 600
#
# virtio-net under a Debian guest (virtio_net and its failover modules
# loaded from the initramfs: lkvm.net):
#   1. user mode (-n mode=user,hostfwd=tcp:127.0.0.1:5555-:7777), at EL1
#      and at EL2 (--nested): the guest gets 10.0.2.15, router 10.0.2.2
#      and DNS 10.0.2.3 from libslirp's DHCP (busybox udhcpc); fetches a
#      1 MiB random file from busybox httpd on L1's loopback through
#      10.0.2.2 (wget), and its sha256 is the file's; resolves a name
#      through 10.0.2.3 (busybox nslookup), which libslirp forwards,
#      under lkvm's sandbox, to the nameserver of L1's /etc/resolv.conf:
#      127.0.0.53, where /lab/bin/dns-answer answers it (a nameserver
#      slirp could not read would have gone to 127.0.0.1); L1 connects to
#      127.0.0.1:5555 and reads the line a busybox nc listening on the
#      guest's port 7777 sends.
#   2. tap: L1 makes a persistent tap (busybox tunctl), gives it
#      192.168.77.1/24; lkvm -n mode=tap,tapif=it; the guest takes
#      192.168.77.2 and fetches the same file from L1's httpd through
#      it, byte for byte.
#   3. lkvm creates a tap itself (-n mode=tap, root in L1) for a
#      bare-metal guest, and says so; a hostfwd= to a port in use (the
#      httpd's) is refused before any VM, in one line.
#   Throughput, guest to L1 (busybox nc, 8 MiB of zeros), in user mode
#   and over tap: LAB-METRIC lines, not pass/fail.
# shellcheck source=tests/lab/lib.sh
. "$LAB/lib.sh"

mkfifo "$W/console"
exec 3<>"$W/console"
www=$W/www
mkdir -p "$www"
head -c 1048576 /dev/urandom >"$www/data.bin"
sha_data=$(sha256sum <"$www/data.bin" | cut -d' ' -f1)
ip link set lo up 2>/dev/null
busybox httpd -f -p 8080 -h "$www" &
httpd_pid=$!
# L1's nameserver, as lkvm reads it at its start: a loopback address of
# its own, not 127.0.0.1 where libslirp falls back without one.
"$LAB/bin/dns-answer" 127.0.0.53 10.9.8.7 >"$W/dns.out" 2>&1 &
dns_pid=$!
[ -e /etc/resolv.conf ] && cp /etc/resolv.conf "$W/resolv.conf.l1"
mkdir -p /etc
echo "nameserver 127.0.0.53" >/etc/resolv.conf
tap=lkvmtap$$
cleanup() {
	[ -n "${lkvm_pid:-}" ] && kill "$lkvm_pid" 2>/dev/null
	kill "$httpd_pid" "$dns_pid" 2>/dev/null
	if [ -e "$W/resolv.conf.l1" ]; then
		cp "$W/resolv.conf.l1" /etc/resolv.conf
	else
		rm -f /etc/resolv.conf
	fi
	busybox tunctl -d "$tap" >/dev/null 2>&1
}
trap cleanup EXIT

# sha: the first sha256 in $W/run.out.
sha() {
	sed -n 's/^\([0-9a-f]\{64\}\) .*/\1/p' "$W/run.out" | head -n 1
}

# boot TAG LKVM-OPTIONS...: the guest up to its wait-cmd, eth0 up.
boot() {
	tag=$1
	shift
	ready=1
	# shellcheck disable=SC2068
	LKVM_STDIN=$W/console start_lkvm "$tag" run -k "$LAB/l2/Image" \
		-i "$LAB/l2/initrd.cpio.gz" -m 256 -c 1 --loglevel info "$@" \
		-p "quiet lkvm.virtio lkvm.net lkvm.wait-cmd"
	wait_out "$tag" LKVM-GUEST-READY 240 || fail "$tag: the guest never got ready"
	grep -a 'LKVM-GUEST-NET' "$W/$tag.out" | tr -d '\r' | sed "s/^/lab: $name: $tag: /"
	has "$tag" out 'LKVM-GUEST-NET eth0 mac=02:15:15:15:15:15' ||
		fail "$tag: no eth0 with lkvm's MAC: $(grep -a LKVM-GUEST-NET "$W/$tag.out" | tr -d '\r')"
	grep -a 'virtio-net' "$W/$tag.err" | sed "s/^/lab: $name: $tag: /"
}

# throughput HOST: 8 MiB from the guest to nc listening on L1's port
# 9000, reached as HOST from the guest; LAB-METRIC in MiB/s.
throughput() {
	rm -f "$W/nc.out" "$W/nc.in"
	# L1's nc gets a stdin that stays open (a FIFO held by fd 4): at
	# EOF on stdin it would end the connection before the data came.
	mkfifo "$W/nc.in"
	timeout 60 busybox nc -l -p 9000 <"$W/nc.in" >"$W/nc.out" &
	ncpid=$!
	exec 4>"$W/nc.in"
	guest_run "a=\$(cut -d' ' -f1 /proc/uptime); dd if=/dev/zero bs=65536 count=128 2>/dev/null | timeout 60 nc $1 9000; b=\$(cut -d' ' -f1 /proc/uptime); echo secs \$a \$b" 90 ||
		echo "lab: $name: $mode: throughput run failed"
	wait "$ncpid" 2>/dev/null
	exec 4>&-
	got=$(wc -c <"$W/nc.out")
	secs=$(awk '/^secs/ { print $3 - $2 }' "$W/run.out")
	if [ "$got" = 8388608 ] && [ -n "$secs" ]; then
		metric "$mode.tcp_guest_to_l1" "$(calc "8 / ($secs + 0.001)")" MiB/s
	else
		echo "lab: $name: $mode: throughput: L1 got $got bytes of 8388608"
	fi
}

# user MODE OPTIONS...: part 1 at one exception level.
user() {
	mode=$1
	shift
	boot "u-$mode" -n mode=user,hostfwd=tcp:127.0.0.1:5555-:7777 "$@"
	has "$tag" err 'tcp 127.0.0.1:5555 on the host goes to the guest' ||
		fail "$mode: lkvm did not report the port forward"
	guest_run "udhcpc -i eth0 -n -q -t 5 -T 2 -s /bin/udhcpc-script" 60 ||
		fail "$mode: DHCP failed: $(cat "$W/run.out")"
	grep -q 'udhcpc: eth0 10.0.2.15 router 10.0.2.2 dns 10.0.2.3' "$W/run.out" ||
		fail "$mode: not libslirp's lease: $(cat "$W/run.out")"
	guest_run "wget -q -O - http://10.0.2.2:8080/data.bin | sha256sum" 90 ||
		fail "$mode: wget through 10.0.2.2 failed: $(cat "$W/run.out")"
	[ "$(sha)" = "$sha_data" ] ||
		fail "$mode: the file fetched through 10.0.2.2 differs: $(sha) != $sha_data"
	# DNS through 10.0.2.3: L1's dns-answer gives every A query 10.9.8.7.
	guest_run "nslookup lkvm-dns-$mode.test 10.0.2.3" 60 ||
		fail "$mode: nslookup through 10.0.2.3 failed: $(tr '\n' ' ' <"$W/run.out"); L1's DNS server: $(tr '\n' ' ' <"$W/dns.out")"
	grep -q '10\.9\.8\.7' "$W/run.out" ||
		fail "$mode: 10.0.2.3 did not answer dns-answer's address: $(tr '\n' ' ' <"$W/run.out")"
	grep -q "dns-answer: lkvm-dns-$mode.test from 127\." "$W/dns.out" ||
		fail "$mode: L1's DNS server saw no query: $(tr '\n' ' ' <"$W/dns.out")"
	echo "lab: $name: $mode: lkvm-dns-$mode.test resolved through 10.0.2.3 by L1's nameserver"
	# Into the guest: nc listens on 7777 there; L1 connects to 5555.
	command "bg sh -c 'echo guest-hello-$mode | nc -l -p 7777'"
	got=
	for _ in $(seq 1 30); do
		got=$(timeout 5 busybox nc 127.0.0.1 5555 </dev/null 2>/dev/null | tr -d '\r')
		[ -n "$got" ] && break
		sleep 1
	done
	[ "$got" = "guest-hello-$mode" ] ||
		fail "$mode: through hostfwd 127.0.0.1:5555 L1 read '$got', not guest-hello-$mode"
	echo "lab: $name: $mode: L1 read '$got' through the port forward"
	throughput 10.0.2.2
	echo poweroff >&3
	wait_lkvm
	[ "$rc" = 0 ] || fail "$mode: lkvm exited $rc"
}

user el1
user el2 --nested

# 2. tap, an existing one. (L1's kernel has tun as a module.)
[ -e /dev/net/tun ] || insmod "$LAB/mods/tun.ko" ||
	fail "no /dev/net/tun, and insmod tun.ko failed"
n=0
while [ ! -e /dev/net/tun ] && [ $n -lt 20 ]; do
	sleep 0.1
	n=$((n + 1))
done
if [ ! -e /dev/net/tun ]; then
	mkdir -p /dev/net
	mknod /dev/net/tun c 10 200 || fail "no /dev/net/tun"
fi
busybox tunctl -t "$tap" >"$W/tunctl.out" 2>&1 ||
	fail "tunctl -t $tap: $(cat "$W/tunctl.out")"
ifconfig "$tap" 192.168.77.1 netmask 255.255.255.0 up ||
	fail "ifconfig $tap failed"
mode=tap
boot tap -n "mode=tap,tapif=$tap"
guest_run "ifconfig eth0 192.168.77.2 netmask 255.255.255.0 up && wget -q -O - http://192.168.77.1:8080/data.bin | sha256sum" 90 ||
	fail "tap: wget through $tap failed: $(cat "$W/run.out")"
[ "$(sha)" = "$sha_data" ] ||
	fail "tap: the file fetched through $tap differs: $(sha) != $sha_data"
throughput 192.168.77.1
echo poweroff >&3
wait_lkvm
[ "$rc" = 0 ] || fail "tap: lkvm exited $rc"

# 3. lkvm creates a tap; a forward to a port in use.
run_lkvm mktap run -k "$LAB/guests/smoke.img" -n mode=tap --loglevel info
[ "$rc" = 0 ] && has mktap err 'created tap' ||
	fail "mktap: lkvm exited $rc without creating a tap: $(grep -a -e error -e tap "$W/mktap.err" | head -n 3)"
echo "lab: $name: $(grep -a 'created tap' "$W/mktap.err")"
run_lkvm busy run -k "$LAB/guests/smoke.img" -n mode=user,hostfwd=tcp:127.0.0.1:8080-:80
[ "$rc" = 1 ] && has busy err 'hostfwd=tcp:127.0.0.1:8080' &&
	[ "$(lines "$W/busy.err")" = 1 ] && ! has busy out SMOKE ||
	fail "busy: a forward to a port in use: exit $rc: $(head -n 3 "$W/busy.err")"
echo "lab: $name: $(cat "$W/busy.err")"

pass "user mode at EL1 and EL2 (DHCP, wget through 10.0.2.2, DNS through 10.0.2.3, hostfwd into the guest), tap (existing, and created by lkvm)"
