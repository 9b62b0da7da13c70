#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Writes the seed corpora of tests/fuzz/corpus/NAME/ (the files are kept in
# the repository; run this again after changing an input layout). Layouts:
# the comment at the top of each tests/fuzz/fuzz-NAME.c.
set -euo pipefail

mkdir -p "$(dirname "$0")/corpus"
cd "$(dirname "$0")/corpus"

# le BYTES VALUE: VALUE little-endian, as printf escapes.
le() {
	local i
	for ((i = 0; i < $1; i++)); do
		printf '\\x%02x' $((($2 >> (8 * i)) & 255))
	done
}

# Guest RAM images, built in the array ram, one byte an element.
ram_new() {
	ram=()
	local i
	for ((i = 0; i < $1; i++)); do ram[i]=0; done
}

# put OFFSET BYTES VALUE
put() {
	local i
	for ((i = 0; i < $2; i++)); do
		ram[$1 + i]=$((($3 >> (8 * i)) & 255))
	done
}

# desc OFFSET ADDR LEN FLAGS NEXT: a descriptor (virtio 1.2, 2.7.5).
desc() {
	put "$1" 8 "$2"
	put $(($1 + 8)) 4 "$3"
	put $(($1 + 12)) 2 "$4"
	put $(($1 + 14)) 2 "$5"
}

ram_dump() {
	local b
	for b in "${ram[@]}"; do printf '\\x%02x' "$b"; done
}

seed() {
	printf '%b' "$2" >"$1"
}

B=0x80000000
NEXT=1
WRITE=2
INDIRECT=4

# --- fuzz-virtq: header, ops, then RAM -------------------------------------
mkdir -p fuzz-virtq
# ring selector, mode 0: at offset x of RAM.
at() { le 8 $(($1 << 2)); }
# ops: pop (filling writable buffers), push, interrupt?, arm, the driver
# publishes head 0 again, pop, push, interrupt?
OPS="$(le 4 0x00ee0100)$(le 4 0x11000002)$(le 4 3)$(le 4 4)$(le 4 6)$(le 4 0)$(le 4 0x01000002)$(le 4 3)"

# A 3-descriptor chain: header, data, status byte; queue of 8.
ram_new 1024
desc 0x000 $((B + 0x200)) 16 $NEXT 1
desc 0x010 $((B + 0x210)) 64 $NEXT 2
desc 0x020 $((B + 0x300)) 1 $WRITE 0
put 0x082 2 1 # avail->idx
put 0x084 2 0 # avail->ring[0]
put 0x200 4 0 # a virtio-blk IN header, sector 2
put 0x208 8 2
seed fuzz-virtq/chain3 "$(le 2 7)$(le 1 0)$(le 1 8)$(at 0)$(at 0x80)$(at 0x100)$OPS$(ram_dump)"

# The same chain through an indirect table, with event_idx.
ram_new 1024
desc 0x000 $((B + 0x180)) 48 $INDIRECT 0
desc 0x180 $((B + 0x200)) 16 $NEXT 1
desc 0x190 $((B + 0x210)) 64 $NEXT 2
desc 0x1a0 $((B + 0x300)) 1 $WRITE 0
put 0x082 2 1
put 0x094 2 0 # used_event
seed fuzz-virtq/indirect-event-idx "$(le 2 7)$(le 1 3)$(le 1 8)$(at 0)$(at 0x80)$(at 0x100)$OPS$(ram_dump)"

# Two chains in a queue of 16, heads 0 and 5, the second all writable.
ram_new 1024
desc 0x000 $((B + 0x200)) 16 $NEXT 1
desc 0x010 $((B + 0x240)) 256 $WRITE 0
desc 0x050 $((B + 0x380)) 32 $WRITE 0
put 0x102 2 2
put 0x104 2 0
put 0x106 2 5
seed fuzz-virtq/two-chains "$(le 2 15)$(le 1 0)$(le 1 6)$(at 0)$(at 0x100)$(at 0x140)$(le 4 0)$(le 4 0)$(le 4 0x02)$(le 4 0x00010102)$(le 4 3)$(le 4 4)$(ram_dump)"

# A chain that loops (0 -> 1 -> 0): the queue breaks.
ram_new 512
desc 0x000 $((B + 0x100)) 16 $NEXT 1
desc 0x010 $((B + 0x110)) 16 $NEXT 0
put 0x042 2 1
seed fuzz-virtq/loop "$(le 2 3)$(le 1 0)$(le 1 2)$(at 0)$(at 0x40)$(at 0x60)$(le 4 0)$(le 4 7)$(ram_dump)"

# The descriptor table 128 bytes before the end, the avail ring misaligned.
ram_new 1024
seed fuzz-virtq/near-end-misaligned "$(le 2 7)$(le 1 0)$(le 1 1)$(le 8 $((128 << 2 | 1)))$(at 0x81)$(at 0x100)$(le 4 0)$(ram_dump)"

# The chain of chain3, then the used ring moved past RAM without a
# restart (op 7, a = 0xb0): the next pop must refuse it.
ram_new 1024
desc 0x000 $((B + 0x200)) 16 $NEXT 1
desc 0x010 $((B + 0x210)) 64 $NEXT 2
desc 0x020 $((B + 0x300)) 1 $WRITE 0
put 0x082 2 2
seed fuzz-virtq/moved-used-ring "$(le 2 7)$(le 1 0)$(le 1 4)$(at 0)$(at 0x80)$(at 0x100)$(le 4 0)$(le 4 0x7ffcb007)$(le 4 0)$(le 4 2)$(ram_dump)"

# A queue size past VIRTQ_MAX_SIZE (300).
ram_new 256
seed fuzz-virtq/size-300 "$(le 2 0xc258)$(le 1 0)$(le 1 1)$(at 0)$(at 0x80)$(at 0x100)$(le 4 0)$(ram_dump)"

# --- fuzz-virtio-mmio: header, steps, then RAM ------------------------------
mkdir -p fuzz-virtio-mmio
r4() { printf '%s' "$(le 1 0x02)$(le 2 "$1")"; }            # 4-byte read
w4() { printf '%s' "$(le 1 0x0a)$(le 2 "$1")$(le 4 "$2")"; } # 4-byte write
n=0
steps=""
add() { steps+="$1"; n=$((n + 1)); }

# A driver's whole start-up (virtio 1.2, 3.1.1 and 4.2.3), one request.
add "$(r4 0x000)"; add "$(r4 0x004)"; add "$(r4 0x008)"
add "$(w4 0x070 1)"; add "$(w4 0x070 3)"
add "$(w4 0x014 0)"; add "$(r4 0x010)"; add "$(w4 0x014 1)"; add "$(r4 0x010)"
add "$(w4 0x024 0)"; add "$(w4 0x020 0x30000044)"
add "$(w4 0x024 1)"; add "$(w4 0x020 1)"
add "$(w4 0x070 0x0b)"; add "$(r4 0x070)"
add "$(w4 0x030 0)"; add "$(r4 0x034)"; add "$(w4 0x038 8)"
add "$(w4 0x080 $B)"; add "$(w4 0x084 0)"
add "$(w4 0x090 $((B + 0x80)))"; add "$(w4 0x094 0)"
add "$(w4 0x0a0 $((B + 0x100)))"; add "$(w4 0x0a4 0)"
add "$(w4 0x044 1)"; add "$(r4 0x044)"
add "$(w4 0x070 0x0f)"
add "$(le 1 0x03)$(le 2 0x100)" # config: capacity, 8 bytes
add "$(w4 0x050 0)"             # QueueNotify 0
add "$(r4 0x060)"; add "$(w4 0x064 1)"
add "$(w4 0x070 0)" # reset
ram_new 1024
desc 0x000 $((B + 0x200)) 16 $NEXT 1
desc 0x010 $((B + 0x210)) 512 $((NEXT | WRITE)) 2
desc 0x020 $((B + 0x3f0)) 1 $WRITE 0
put 0x082 2 1
put 0x084 2 0
put 0x208 8 2
seed fuzz-virtio-mmio/driver-start "$(le 1 6)$(le 1 248)$(le 1 0)$(le 1 0x44)$(le 1 $n)$steps$(ram_dump)"

# Two queues, config writes, odd-sized and misaligned accesses, and the
# device's side: an interrupt, a needed reset, a reset, serving.
n=0
steps=""
add "$(w4 0x070 3)"; add "$(w4 0x024 1)"; add "$(w4 0x020 1)"
add "$(w4 0x070 0x0b)"
add "$(w4 0x030 1)"; add "$(w4 0x038 4)"; add "$(w4 0x080 $B)"
add "$(w4 0x090 $((B + 0x80)))"; add "$(w4 0x0a0 $((B + 0x100)))"
add "$(w4 0x044 1)"; add "$(w4 0x030 5)"; add "$(r4 0x034)"
add "$(w4 0x070 0x0f)"
add "$(le 1 0x08)$(le 2 0x120)$(le 1 0x5a)"       # config write, 1 byte
add "$(le 1 0x09)$(le 2 0x122)$(le 2 0x1234)"     # 2 bytes
add "$(le 1 0x0b)$(le 2 0x130)$(le 8 0x1122334455667788)" # 8 bytes
add "$(le 1 0x0c)$(le 2 0x139)$(le 3 0xabcdef)"   # 3 bytes
add "$(le 1 0x00)$(le 2 0x13b)"                   # 1-byte read
add "$(le 1 0x04)$(le 2 0x071)"                   # 3-byte register read
add "$(le 1 0x02)$(le 2 0x1fe)"                   # past the config
add "$(le 1 0xc0)$(le 2 1)"                       # device interrupt
add "$(w4 0x050 1)"
add "$(le 1 0xf0)$(le 2 0)"                       # serve the queues
add "$(le 1 0xd0)$(le 2 0)"                       # needs reset
add "$(r4 0x070)"
add "$(le 1 0xe0)$(le 2 0)"                       # reset
ram_new 512
desc 0x000 $((B + 0x180)) 8 $WRITE 0
put 0x082 2 1
seed fuzz-virtio-mmio/two-queues-config "$(le 1 7)$(le 1 0)$(le 1 60)$(le 1 0x44)$(le 1 $n)$steps$(ram_dump)"

# Rings outside RAM: QueueReady 1 fails, the device needs a reset.
n=0
steps=""
add "$(w4 0x070 3)"; add "$(w4 0x024 1)"; add "$(w4 0x020 1)"
add "$(w4 0x070 0x0b)"; add "$(w4 0x038 8)"
add "$(w4 0x080 0x70000000)"; add "$(w4 0x090 $((B + 0xfff)))"
add "$(w4 0x0a4 1)"; add "$(w4 0x044 1)"; add "$(w4 0x070 0x0f)"
add "$(r4 0x060)"; add "$(w4 0x050 0)"
seed fuzz-virtio-mmio/rings-outside "$(le 1 0)$(le 1 0)$(le 1 0)$(le 1 0)$(le 1 $n)$steps"

# --- fuzz-virtio-blk: disk, chain, buffer contents --------------------------
mkdir -p fuzz-virtio-blk
MIB=$((1 << 20))
# hdr TYPE SECTOR: the 16-byte request header (5.2.6).
hdr() { printf '%s' "$(le 4 "$1")$(le 4 0)$(le 8 "$2")"; }
zeros() { printf '%s' "$(le "$1" 0)"; }
# blk SIZE FLAGS NR_OUT STATUS "LEN..." CONTENTS
blk() {
	local lens="" l nr=0
	for l in $5; do
		lens+="$(le 2 $((l - 1)))"
		nr=$((nr + 1))
	done
	printf '%s' "$(le 8 "$1")$(le 1 "$2")$(le 2 $nr)$(le 2 "$3")$(le 1 "$4")$lens$6"
}
seed fuzz-virtio-blk/in "$(blk $MIB 0 1 0 "16 512 1" "$(hdr 0 2)")"
seed fuzz-virtio-blk/out-split-header "$(blk $MIB 0 3 0 "8 8 1024 1" "$(hdr 1 10)")"
seed fuzz-virtio-blk/flush "$(blk $MIB 0 1 0 "16 1" "$(hdr 4 0)")"
seed fuzz-virtio-blk/get-id "$(blk $MIB 0 1 0 "16 20 1" "$(hdr 8 0)")"
seed fuzz-virtio-blk/discard "$(blk $MIB 2 1 0 "48 1" "$(hdr 11 0)$(le 8 0)$(le 4 8)$(le 4 0)$(le 8 64)$(le 4 128)$(le 4 0)")"
seed fuzz-virtio-blk/out-read-only "$(blk $MIB 1 2 1 "16 512 1" "$(hdr 1 0)")"
seed fuzz-virtio-blk/in-past-end "$(blk $MIB 0 1 0 "16 1024 1" "$(hdr 0 2047)")"
seed fuzz-virtio-blk/in-many-buffers "$(blk $((64 * MIB)) 0 1 0 "16 100 412 512 256 256 1" "$(hdr 0 7)")"
seed fuzz-virtio-blk/no-status "$(blk $MIB 0 1 0 "16" "$(hdr 0 0)")"
seed fuzz-virtio-blk/discard-split "$(blk $MIB 2 4 0 "8 8 10 22 1" "$(hdr 11 0)$(le 8 4)$(le 4 4)$(le 4 0)$(le 8 64)$(le 4 128)$(le 4 0)")"
seed fuzz-virtio-blk/unknown-type "$(blk $MIB 0 1 0 "16 1" "$(hdr 13 0)")"

# --- fuzz-image: mode, x, then the file's head -----------------------------
mkdir -p fuzz-image
# image CODE0 TEXT_OFFSET IMAGE_SIZE FLAGS: a 64-byte arm64 Image header
# (Documentation/arch/arm64/booting.rst), PE header offset 0x40.
image() {
	printf '%s' "$(le 4 "$1")$(le 4 0x14000000)$(le 8 "$2")$(le 8 "$3")$(le 8 "$4")$(zeros 24)ARM\\x64$(le 4 0x40)"
}
# mode 1: the file is 1 + x bytes bigger than the head.
seed fuzz-image/image-efi-stub "$(le 1 1)$(le 8 $((20 * MIB)))$(image 0xfa405a4d 0 $((32 * MIB)) 0x0a)PE\\x00\\x00"
seed fuzz-image/image-old-text-offset "$(le 1 1)$(le 8 $((8 * MIB)))$(image 0x14000010 0x80000 0 0)"
seed fuzz-image/image-64k "$(le 1 1)$(le 8 4096)$(image 0x14000010 0 $((2 * MIB)) 0x6)"
seed fuzz-image/image-big-endian "$(le 1 1)$(le 8 4096)$(image 0x14000010 0 $((2 * MIB)) 0x1)"
seed fuzz-image/image-bad-text-offset "$(le 1 1)$(le 8 4096)$(image 0x14000010 0x80001 $((2 * MIB)) 0)"
seed fuzz-image/image-size-too-small "$(le 1 1)$(le 8 $((4 * MIB)))$(image 0x14000010 0 $MIB 0)"
# mode 2: the file ends inside the head (40 bytes of 64).
seed fuzz-image/image-truncated "$(le 1 2)$(le 8 40)$(image 0xfa405a4d 0 $MIB 0)"
seed fuzz-image/mz-short "$(le 1 0)$(le 8 0)MZ$(zeros 20)"
seed fuzz-image/elf "$(le 1 1)$(le 8 $MIB)\\x7fELF\\x02\\x01\\x01$(zeros 9)\\x02\\x00\\xb7\\x00"
seed fuzz-image/zboot "$(le 1 1)$(le 8 $MIB)MZ\\x00\\x00zimg$(le 4 0x40)$(le 4 $MIB)gzip"
seed fuzz-image/gzip "$(le 1 1)$(le 8 $MIB)\\x1f\\x8b\\x08\\x00$(zeros 6)"
seed fuzz-image/xz "$(le 1 1)$(le 8 $MIB)\\xfd7zXZ\\x00$(zeros 6)"
seed fuzz-image/zstd "$(le 1 1)$(le 8 $MIB)\\x28\\xb5\\x2f\\xfd$(zeros 6)"
seed fuzz-image/lz4-legacy "$(le 1 1)$(le 8 $MIB)\\x02\\x21\\x4c\\x18$(zeros 6)"
seed fuzz-image/raw-binary "$(le 1 1)$(le 8 4096)$(le 4 0xd2800000)$(le 4 0xd503207f)$(le 4 0x17ffffff)"
seed fuzz-image/empty "$(le 1 3)$(le 8 0)"

# --- fuzz-options: argv[1..], NUL-separated --------------------------------
mkdir -p fuzz-options
args() {
	local a out=""
	for a in "$@"; do out+="$a\\x00"; done
	printf '%s' "${out%\\x00}"
}
seed fuzz-options/run-typical "$(args run -k Image -c 2 -m 512 --sdei-event 300,shared -d disk.img,ro)"
seed fuzz-options/run-long-forms "$(args run --kernel=Image --cpus=4 --mem=1G --name vm-1.test --console virtio --rng --disk-io sync -d a.img -d b.img,ro --timeout 0x3c --loglevel debug --reboot restart --console-log out.txt --dump-dtb guest.dtb -p 'console=hvc0 quiet')"
seed fuzz-options/run-nested "$(args run Image --nested --e2h0 --no-sdei --nodefaults -i initrd.cpio)"
seed fuzz-options/run-short-inline "$(args run -kImage -c4096 -m8 -nvm2 --sdei-event 0x10,private,critical --sdei-event 2,normal)"
seed fuzz-options/run-no-kernel "$(args run -c 2)"
seed fuzz-options/run-bad-cpus "$(args run -k Image -c 0)"
seed fuzz-options/run-e2h0-alone "$(args run -k Image --e2h0)"
seed fuzz-options/run-twice-declared "$(args run -k Image --sdei-event 5 --sdei-event 0x5,shared)"
seed fuzz-options/sdei-signal "$(args sdei --name vm1 signal 300 --cpu 1)"
seed fuzz-options/sdei-status "$(args sdei -n vm1 status --json)"
seed fuzz-options/stop "$(args stop --name vm1)"
seed fuzz-options/pause "$(args pause -n vm1)"
seed fuzz-options/resume "$(args resume --name=vm1)"
seed fuzz-options/run-socket "$(args run -k Image --name ci --socket /w/pub/x.sock)"
seed fuzz-options/sdei-socket "$(args sdei --socket /w/pub/x.sock signal 100)"
seed fuzz-options/stop-socket "$(args stop --socket=x.sock)"
seed fuzz-options/list "$(args list --json)"
seed fuzz-options/probe "$(args probe --json)"
seed fuzz-options/help-run "$(args help run)"
seed fuzz-options/run-help "$(args run --help)"
seed fuzz-options/version "$(args version)"
seed fuzz-options/unknown "$(args frobnicate --now)"

# --- fuzz-virtio-net: a transmit chain, then a frame and receive chains ----
mkdir -p fuzz-virtio-net
# nethdr FLAGS GSO CSUM_START CSUM_OFFSET: the 12-byte header (5.1.6).
nethdr() {
	printf '%s' "$(le 1 "$1")$(le 1 "$2")$(le 2 0)$(le 2 0)$(le 2 "$3")$(le 2 "$4")$(le 2 0)"
}
# tx FLAGS NR_OUT "LEN..." CONTENTS
tx() {
	local lens="" l nr=0
	for l in $3; do
		lens+="$(le 2 $((l - 1)))"
		nr=$((nr + 1))
	done
	printf '%s' "$(le 1 "$1")$(le 1 $nr)$(le 1 "$2")$lens$4"
}
# rxc "LEN:W ..." : one receive chain's buffers (W 1: writable)
rxc() {
	local b out="" nb=0
	for b in $1; do
		out+="$(le 2 $((${b%:*} - 1)))$(le 1 "${b#*:}")"
		nb=$((nb + 1))
	done
	printf '%s' "$(le 1 $((nb - 1)))$out"
}
frame60="$(zeros 60)"
seed fuzz-virtio-net/tx-plain "$(tx 0 1 "72" "$(nethdr 0 0 0 0)$frame60")$(le 2 100)$(le 1 1)$(rxc "1526:1")"
seed fuzz-virtio-net/tx-csum "$(tx 1 2 "5 67" "$(nethdr 1 0 34 16)$frame60")$(le 2 60)$(le 1 1)$(rxc "12:1 48:1")"
seed fuzz-virtio-net/tx-gso "$(tx 1 1 "72" "$(nethdr 0 1 0 0)$frame60")"
seed fuzz-virtio-net/rx-merge "$(tx 3 1 "72" "$(nethdr 0 0 0 0)$frame60")$(le 2 3000)$(le 1 3)$(rxc "1500:1")$(rxc "1000:1 500:1")$(rxc "2048:1")"
seed fuzz-virtio-net/rx-short-first "$(tx 2 1 "72" "$(nethdr 0 0 0 0)$frame60")$(le 2 300)$(le 1 2)$(rxc "8:1")$(rxc "400:1")"

# --- fuzz-control: one request line ----------------------------------------
mkdir -p fuzz-control
seed fuzz-control/info "info"
seed fuzz-control/stop "stop"
seed fuzz-control/pause "pause"
seed fuzz-control/resume "resume"
seed fuzz-control/sdei-signal "sdei signal 0"
seed fuzz-control/sdei-signal-cpu "sdei signal 300 1"
seed fuzz-control/sdei-signal-hex "sdei signal 0x7fffffff 0xfff"
seed fuzz-control/sdei-signal-spaces "  sdei   signal  5  "
seed fuzz-control/sdei-status "sdei status"
seed fuzz-control/sdei-status-json "sdei status json"
seed fuzz-control/bad-cpu "sdei signal 5 4096"
seed fuzz-control/bad-event "sdei signal 0x80000000"
seed fuzz-control/extra-word "info now"
seed fuzz-control/unknown "sdei frobnicate"
seed fuzz-control/number "0x1F"
seed fuzz-control/runtime-dir "/run/user/1000"
seed fuzz-control/socket-path "/tmp/lkvm-0/ci-1.sock"

# --- fuzz-p9: a session flag, then records of 9P2000.L messages ------------
mkdir -p fuzz-p9
# s STR: a 9P string, len[2] then the bytes.
s() { printf '%s%s' "$(le 2 ${#1})" "$1"; }
# rec TYPE BODY: a record (the harness writes the size field; reply 8192)
# holding size[4] type[1] tag[2] BODY.
rec() {
	local n
	n=$(printf '%b' "$2" | wc -c)
	printf '%s%s%s%s%s%s' "$(le 1 1)" "$(le 2 $((7 + n)))" "$(le 4 0)" \
		"$(le 1 "$1")" "$(le 2 1)" "$2"
}
u32() { le 4 "$1"; }
u64() { le 8 "$1"; }
# Twalk 110, Tlopen 12, Tlcreate 14, Twrite 118, Tread 116, Tgetattr 24,
# Tclunk 120, Treaddir 40, Tmkdir 72, Tsymlink 16, Tlink 70, Trenameat 74,
# Tunlinkat 76, Tlock 52, Tgetlock 54, Tsetattr 26, Tfsync 50, Tremove 122,
# Txattrwalk 30, Txattrcreate 32.
seed fuzz-p9/file-io "$(le 1 1)$(rec 110 "$(u32 0)$(u32 1)$(le 2 1)$(s file)")$(rec 12 "$(u32 1)$(u32 2)")$(rec 118 "$(u32 1)$(u64 4)$(u32 3)abc")$(rec 116 "$(u32 1)$(u64 0)$(u32 100)")$(rec 24 "$(u32 1)$(u64 0x3fff)")$(rec 50 "$(u32 1)$(u32 0)")$(rec 26 "$(u32 1)$(u32 0x129)$(u32 0600)$(u32 0)$(u32 0)$(u64 2)$(u64 0)$(u64 0)$(u64 5)$(u64 0)")$(rec 120 "$(u32 1)")"
seed fuzz-p9/dir-ops "$(le 1 1)$(rec 110 "$(u32 0)$(u32 1)$(le 2 0)")$(rec 14 "$(u32 1)$(s new)$(u32 2)$(u32 0644)$(u32 0)")$(rec 72 "$(u32 0)$(s sub)$(u32 0755)$(u32 0)")$(rec 16 "$(u32 0)$(s ln)$(s new)$(u32 0)")$(rec 110 "$(u32 0)$(u32 2)$(le 2 1)$(s file)")$(rec 70 "$(u32 0)$(u32 2)$(s hard)")$(rec 74 "$(u32 0)$(s hard)$(u32 0)$(s moved)")$(rec 76 "$(u32 0)$(s sub)$(u32 0x200)")$(rec 110 "$(u32 0)$(u32 3)$(le 2 0)")$(rec 12 "$(u32 3)$(u32 0)")$(rec 40 "$(u32 3)$(u64 0)$(u32 4000)")$(rec 122 "$(u32 2)")"
seed fuzz-p9/locks "$(le 1 1)$(rec 110 "$(u32 0)$(u32 1)$(le 2 1)$(s file)")$(rec 12 "$(u32 1)$(u32 2)")$(rec 110 "$(u32 0)$(u32 2)$(le 2 1)$(s file)")$(rec 12 "$(u32 2)$(u32 2)")$(rec 52 "$(u32 1)$(le 1 1)$(u32 0)$(u64 0)$(u64 10)$(u32 7)$(s guest)")$(rec 52 "$(u32 2)$(le 1 0)$(u32 1)$(u64 5)$(u64 0)$(u32 8)$(s guest)")$(rec 54 "$(u32 2)$(le 1 1)$(u64 0)$(u64 0)$(u32 8)$(s guest)")"
seed fuzz-p9/escapes "$(le 1 1)$(rec 110 "$(u32 0)$(u32 1)$(le 2 3)$(s ..)$(s ..)$(s outside)")$(rec 110 "$(u32 0)$(u32 2)$(le 2 2)$(s abs)$(s secret)")$(rec 110 "$(u32 0)$(u32 3)$(le 2 1)$(s rel)")$(rec 12 "$(u32 3)$(u32 2)")$(rec 16 "$(u32 0)$(s esc)$(s ../outside/secret)$(u32 0)")$(rec 110 "$(u32 0)$(u32 4)$(le 2 1)$(s esc)")$(rec 12 "$(u32 4)$(u32 01002)")$(rec 70 "$(u32 0)$(u32 4)$(s hard)")$(rec 20 "$(u32 4)$(u32 0)$(s ../x)")"
seed fuzz-p9/no-session "$(le 1 0)$(rec 100 "$(u32 8192)$(s 9P2000.L)")$(rec 104 "$(u32 5)$(u32 0xffffffff)$(s root)$(s "")$(u32 0)")$(rec 110 "$(u32 5)$(u32 6)$(le 2 1)$(s dir)")"
seed fuzz-p9/xattr "$(le 1 1)$(rec 110 "$(u32 0)$(u32 1)$(le 2 1)$(s file)")$(rec 32 "$(u32 1)$(s user.k)$(u64 3)$(u32 0)")$(rec 118 "$(u32 1)$(u64 0)$(u32 3)val")$(rec 120 "$(u32 1)")$(rec 30 "$(u32 0)$(u32 2)$(s "")")$(rec 30 "$(u32 0)$(u32 3)$(s user.k)")$(rec 116 "$(u32 3)$(u64 0)$(u32 100)")"

# --- fuzz-vhost-user: request, length mode, a reply (or an option) -------
mkdir -p fuzz-vhost-user
# hdr REQUEST FLAGS SIZE: a vhost-user header (vhost-user.rst).
hdr() { echo "$(le 4 "$1")$(le 4 "$2")$(le 4 "$3")"; }
seed fuzz-vhost-user/reply-get-features "$(le 1 1)$(le 1 0)$(hdr 1 5 8)$(le 8 0x174000000)"
seed fuzz-vhost-user/reply-vring-base "$(le 1 11)$(le 1 0)$(hdr 11 5 8)$(le 4 1)$(le 4 256)"
seed fuzz-vhost-user/reply-ack "$(le 1 2)$(le 1 0)$(hdr 2 13 8)$(le 8 0)"
seed fuzz-vhost-user/opt-dir "$(le 1 0)$(le 1 0x80)/srv/share,myfs,sandbox=chroot,virtiofsd=/usr/libexec/virtiofsd"
seed fuzz-vhost-user/opt-socket "$(le 1 0)$(le 1 0x80)socket=/run/vfs.sock,tag=myfs"
# --- fuzz-p9-proto: msize, reply cap, chain shape, then one T-message ------
mkdir -p fuzz-p9-proto
# tm TYPE BODY: size[4] type[1] tag[2] BODY, the size field right.
tm() {
	local n
	n=$(printf '%b' "$2" | wc -c)
	printf '%s%s%s%s' "$(le 4 $((7 + n)))" "$(le 1 "$1")" "$(le 2 1)" "$2"
}
# hdr: msize 8192, reply cap 8192, 3 readable buffers cut at 1/4 and 1/2,
# 2 writable ones of 12 and 200 bytes.
hdr="$(u32 8192)$(le 1 0x80)$(le 1 2)$(le 1 64)$(le 1 128)$(le 1 0)$(le 1 2)$(le 1 11)$(le 1 199)"
seed fuzz-p9-proto/version "$hdr$(tm 100 "$(u32 8192)$(s 9P2000.L)")"
seed fuzz-p9-proto/attach "$hdr$(tm 104 "$(u32 0)$(u32 0xffffffff)$(s root)$(s "")$(u32 0)")"
seed fuzz-p9-proto/walk "$hdr$(tm 110 "$(u32 0)$(u32 1)$(le 2 3)$(s ..)$(s dir)$(s file)")"
seed fuzz-p9-proto/lcreate "$hdr$(tm 14 "$(u32 1)$(s new)$(u32 2)$(u32 0644)$(u32 0)")"
seed fuzz-p9-proto/write "$hdr$(tm 118 "$(u32 1)$(u64 4)$(u32 3)abc")"
seed fuzz-p9-proto/read "$(u32 8192)$(le 1 40)$(le 1 0)$(le 1 3)$(le 1 2)$(le 1 10)$(le 1 255)$(tm 116 "$(u32 1)$(u64 0)$(u32 100)")"
seed fuzz-p9-proto/symlink "$hdr$(tm 16 "$(u32 0)$(s ln)$(s ../outside/secret)$(u32 0)")"
seed fuzz-p9-proto/renameat "$hdr$(tm 74 "$(u32 0)$(s a)$(u32 0)$(s b)")"
seed fuzz-p9-proto/setattr "$hdr$(tm 26 "$(u32 1)$(u32 0x129)$(u32 0600)$(u32 0)$(u32 0)$(u64 2)$(u64 0)$(u64 0)$(u64 5)$(u64 0)")"
seed fuzz-p9-proto/lock "$hdr$(tm 52 "$(u32 1)$(le 1 1)$(u32 0)$(u64 0)$(u64 10)$(u32 7)$(s guest)")"
seed fuzz-p9-proto/xattrcreate "$hdr$(tm 32 "$(u32 1)$(s user.k)$(u64 3)$(u32 0)")"
seed fuzz-p9-proto/mknod "$hdr$(tm 18 "$(u32 0)$(s fifo)$(u32 010644)$(u32 0)$(u32 0)$(u32 0)")"
