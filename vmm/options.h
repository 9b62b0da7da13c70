/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Command line parsing, with kvmtool's subcommand and option names. Pure: it
 * fills plain structs and reports the first problem as one line of text.
 */
#ifndef LKVM_OPTIONS_H
#define LKVM_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "control-proto.h"
#include "log.h"
#include "../devices/virtio-fs.h"
#include "../devices/virtio-9p.h"
#include "../firmware-emu/sdei.h"

enum lkvm_cmd {
	CMD_RUN,
	CMD_PROBE,
	CMD_HELP, /* lkvm help, lkvm --help, or --help of a subcommand */
	CMD_VERSION,
	CMD_SDEI, /* lkvm sdei --name NAME|--socket PATH signal ... | status */
	CMD_LIST, /* lkvm list [--json] */
	CMD_STOP, /* lkvm stop --name NAME; pause, resume alike */
	CMD_PAUSE,
	CMD_RESUME,
	CMD_DEBUG, /* lkvm debug --name NAME --dump | --sysrq C */
};

enum console_kind {
	CONSOLE_SERIAL, /* the 8250 UART, ttyS0 */
	CONSOLE_VIRTIO, /* virtio-console, hvc0 */
};

/* --vcpu-affinity: host CPUs 0 to OPT_AFFINITY_CPUS - 1 (CPU_SETSIZE). */
#define OPT_AFFINITY_CPUS 1024

#define OPT_MAX_DISKS 8
#define OPT_DISK_PATH_MAX 1024

/*
 * -d/--disk FILE[,ro][,direct]: a raw image the guest sees as a virtio-blk
 * disk.
 */
struct disk_opt {
	char path[OPT_DISK_PATH_MAX];
	bool read_only;
	bool direct; /* O_DIRECT on the image, as kvmtool's ,direct */
};

/*
 * --9p DIR[,TAG], kvmtool's: the host folder DIR as a virtio-9p share the
 * guest mounts by TAG (kvmtool's default "kvm_9p" without one). The tag
 * is the device's config space after its le16 length (virtio 1.2 section
 * 5.11.4), which virtio-mmio gives 256 bytes: at most 254.
 */
#define OPT_MAX_9P 4
#define OPT_9P_TAG_MAX VIRTIO_9P_TAG_MAX
#define OPT_9P_DEFAULT_TAG "kvm_9p"

struct p9_opt {
	char dir[OPT_DISK_PATH_MAX];
	char tag[OPT_9P_TAG_MAX + 1];
};

/* -n/--network: the guest's network device and its backend. */
enum net_mode {
	NET_NONE, /* no network device (lkvm's default, see README) */
	NET_USER, /* user-mode networking through libslirp */
	NET_TAP, /* a host tap device */
};

#define OPT_MAX_HOSTFWD 8
#define OPT_TAPIF_MAX 15 /* IFNAMSIZ - 1 */

/*
 * hostfwd=[tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT (QEMU's
 * syntax): connections to HOSTADDR:HOSTPORT on the host reach the guest.
 * Addresses in host byte order; 0 means any (host) or the guest's DHCP
 * address (guest).
 */
struct hostfwd_opt {
	bool udp;
	uint32_t host_addr;
	uint16_t host_port;
	uint32_t guest_addr;
	uint16_t guest_port;
};

struct net_opt {
	enum net_mode mode;
	char tapif[OPT_TAPIF_MAX + 1]; /* empty: lkvm creates one (tap) */
	uint8_t mac[6];
	bool mac_set; /* guest_mac=; else lkvm's fixed default */
	struct hostfwd_opt fwd[OPT_MAX_HOSTFWD];
	unsigned int nr_fwd;
};

/* kvmtool's default RAM: OPT_MEM_PER_CPU_MIB * (vCPUs + 3). */
#define OPT_MEM_PER_CPU_MIB 64
#define OPT_MEM_MIN_MIB 8
#define OPT_MEM_MAX_MIB (1024ULL * 1024) /* 1 TiB */
#define OPT_NAME_MAX 64
#define OPT_TIMEOUT_MAX (7U * 24 * 3600) /* a week */

struct run_opts {
	const char *kernel;
	const char *firmware; /* -f FILE: a raw image instead of a kernel */
	uint64_t firmware_addr; /* --firmware-address; 0: RAM's base */
	const char *initrd;
	const char *params;
	const char *dump_dtb;
	char name[OPT_NAME_MAX + 1]; /* empty: lkvm picks "guest-<pid>" */
	unsigned int nr_cpus;
	uint64_t mem_mib;
	bool mem_given; /* -m given; else kvmtool's default for nr_cpus */
	enum console_kind console;
	bool nodefaults;
	bool nested; /* vCPUs with EL2 */
	bool e2h0; /* EL2 without VHE (HCR_EL2.E2H = 0) */
	/* Platform SDEI events the user declares (--sdei-event). */
	struct sdei_event_desc sdei_events[SDEI_MAX_PLATFORM_EVENTS];
	unsigned int nr_sdei_events;
	bool no_sdei; /* no SDEI: no DT node, its calls stay KVM's */
	bool reboot_restart; /* --reboot=restart: a guest reset boots again */
	unsigned int timeout_s; /* --timeout: stop after this long; 0: never */
	const char *console_log; /* --console-log FILE: a copy of the output */
	struct disk_opt disks[OPT_MAX_DISKS];
	unsigned int nr_disks;
	bool disk_sync; /* --disk-io sync: preadv/pwritev, not io_uring */
	bool rng; /* --rng: a virtio-rng device fed by getrandom */
	struct p9_opt p9[OPT_MAX_9P]; /* --9p, in the order given */
	unsigned int nr_p9;
	uint32_t vsock_cid; /* --vsock CID: virtio-vsock (vhost); 0: none */
	struct vfs_opt vfs; /* --virtio-fs; tag empty without it */
	struct net_opt net; /* -n/--network; mode NET_NONE without it */
	bool debug_mmio; /* --debug-mmio: log every unmapped MMIO access */
	/* vCPU features, kvmtool's: on where KVM has them, PMU on request. */
	bool pmu; /* --pmu */
	bool no_sve; /* --no-sve */
	unsigned int sve_max_vl; /* --sve-max-vl BITS; 0: the host's */
	bool no_ptrauth; /* --no-ptrauth */
	bool no_pvtime; /* --no-pvtime */
	bool disable_mte; /* --disable-mte */
	const char *hugetlbfs; /* --hugetlbfs DIR: guest RAM in a file there */
	bool aarch32; /* --aarch32: the vCPUs' EL1 is AArch32 */
	bool protected_vm; /* --protected: a pKVM protected VM */
	/* --counter-offset N: guest counter = host's - N; 0: KVM's own. */
	uint64_t counter_offset;
	/* --kaslr-seed N: /chosen/kaslr-seed; without it a random one. */
	bool kaslr_seed_set;
	uint64_t kaslr_seed;
	/* --vcpu-affinity CPULIST: the host CPUs every vCPU thread may use. */
	bool vcpu_affinity_set;
	uint64_t vcpu_affinity[OPT_AFFINITY_CPUS / 64];
	enum log_level loglevel;
	bool no_sandbox; /* --no-sandbox: keep capabilities, no seccomp */
	const char *user; /* --user NAME|UID[:GID]: run as this user */
	const char *socket; /* --socket PATH: the control socket there */
};

struct probe_opts {
	bool json;
};

/* lkvm sdei, stop, pause, resume: a request to a guest's control socket. */
struct sdei_opts {
	char name[OPT_NAME_MAX + 1]; /* empty: socket names the guest */
	const char *socket; /* --socket PATH, or NULL */
	struct control_req req;
	bool json; /* lkvm sdei status --json, lkvm list --json */
};

struct lkvm_opts {
	enum lkvm_cmd cmd;
	enum lkvm_cmd help_for; /* for CMD_HELP: which command's help */
	struct run_opts run;
	struct probe_opts probe;
	struct sdei_opts sdei;
};

/*
 * Parses argv (argv[0] is the program). Returns 0, or -EINVAL with a
 * one-line message in err (without the "lkvm: " prefix).
 */
int options_parse(int argc, char *const argv[], struct lkvm_opts *o, char *err,
		  size_t err_size);

/* The usage text of a command, for --help. */
const char *options_usage(enum lkvm_cmd cmd);

#endif
