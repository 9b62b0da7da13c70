#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# lab-timeout: 180
# lab-l1-cpus: 2
#
# How long an SDEI event raised from the host takes to reach the guest's
# handler (a figure, never judged): the bare-metal sdei-latency guest takes
# event 100 on vCPU 0, 200 times; the lab's sig-latency tool sends each
# request through the control socket once the event is idle (the last
# handler has completed: every reply must be "ok pending", never merged or
# held, and the guest must count 200 runs) and records this host's counter
# before it and after lkvm's reply; the guest records its counter at each
# handler entry; lkvm's "guest counter = host CNTVCT - OFFSET" line sets
# the two clocks side by side. Prints the medians from the request and
# from its reply to the handler (negative: the handler ran before the
# reply was back), at EL1 and at EL2 (--nested).
# shellcheck source=tests/lab/lib.sh
. "$LAB/lib.sh"

# median FILE: the middle value of a file of numbers, one a line.
median() {
	sort -n "$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

for mode in el1 el2; do
	flags=
	[ "$mode" = el2 ] && flags=--nested
	g=lat-$mode-$$
	# shellcheck disable=SC2086
	start_lkvm "$mode" run -k "$LAB/guests/sdei-latency.img" --name "$g" \
		--sdei-event 100 --loglevel info $flags
	wait_out "$mode" 'LATENCY: READY' 60 || fail "$mode: the guest did not get ready"
	n=$(sed -n 's/.*LATENCY: READY \([0-9]*\).*/\1/p' "$W/$mode.out" | tr -d '\r')
	"$LAB/bin/sig-latency" "$sockdir/$g.sock" 100 0 "$n" 5 >"$W/$mode.sig" 2>"$W/sig.err" ||
		fail "$mode: sig-latency failed: $(cat "$W/sig.err")"
	wait_lkvm
	[ "$rc" = 0 ] && has "$mode" out 'LATENCY: DONE' ||
		fail "$mode: lkvm exit $rc: $(grep -a 'LATENCY: FAIL' "$W/$mode.out" | head -n 1)"
	[ "$(grep -c '^SIG .* ok pending$' "$W/$mode.sig")" = "$n" ] ||
		fail "$mode: not every signal was answered 'ok pending': $(grep -v ' ok pending$' "$W/$mode.sig" | head -n 1)"
	off=$(sed -n 's/.*guest counter = host CNTVCT - \(-\{0,1\}[0-9]*\).*/\1/p' "$W/$mode.err")
	freq=$(sed -n 's/.*LATENCY: DONE \([0-9]*\).*/\1/p' "$W/$mode.out" | tr -d '\r')
	[ -n "$off" ] && [ -n "$freq" ] || fail "$mode: no counter offset or frequency"
	# Per round: guest entry (in host time) minus send, minus reply, in us.
	grep -a '^LAT ' "$W/$mode.out" | tr -d '\r' >"$W/lat"
	awk -v off="$off" -v f="$freq" '
		FNR == NR { entry[$2] = $3; next }
		($2 in entry) { e = entry[$2]
			print (e - ($3 - off)) * 1e6 / f, (e - ($4 - off)) * 1e6 / f }' \
		"$W/lat" "$W/$mode.sig" >"$W/both"
	cut -d' ' -f1 "$W/both" >"$W/from_send"
	cut -d' ' -f2 "$W/both" >"$W/from_reply"
	[ "$(lines "$W/from_send")" = "$n" ] || fail "$mode: $(lines "$W/from_send") of $n rounds matched"
	s=$(median "$W/from_send")
	r=$(median "$W/from_reply")
	# Within a second either way, or the two clocks were not lined up.
	awk -v s="$s" -v r="$r" 'BEGIN { exit !(s > 0 && s < 1e6 && r > -1e6 && r < 1e6) }' ||
		fail "$mode: medians $s us and $r us: the counter offset is wrong"
	metric "${mode}_send_to_handler_median" "$s" us
	metric "${mode}_reply_to_handler_median" "$r" us
	eval "med_$mode=\$r"
done
# shellcheck disable=SC2154
pass "from lkvm sdei's reply to the handler, median of 200: ${med_el1} us at EL1, ${med_el2} us at EL2"
