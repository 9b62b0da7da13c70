/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The control socket's protocol, pure: where a guest's socket lives, and
 * the request and reply lines. One request per line, one reply line for
 * each, in order:
 *
 *   request                   reply
 *   info                      ok name=N pid=P vcpus=V mem=MIB state=S
 *                             (S: running, paused)
 *   stop                      ok stopping (lkvm then exits with 6)
 *   pause                     ok paused: no vCPU runs until resume
 *   resume                    ok running
 *   sdei signal EVENT         ok pending | ok merged | error TEXT
 *   sdei signal EVENT CPU     (the same; CPU is a vCPU index)
 *   sdei status               ok N, then N lines: tables of the PEs and
 *                             events (control-status.h)
 *   sdei status json          ok 1, then one line: the same as JSON
 *   debug dump                ok N, then N lines: each vCPU's registers
 *                             (the guest is paused meanwhile)
 *   debug sysrq C             ok sysrq C: magic SysRq C on the console
 *
 * "merged": the event was already pending there, and triggers coalesce
 * until it is dispatched (DEN0054B: an event is pending or not). Words are
 * separated by single or repeated spaces; numbers are decimal or 0x hex.
 * A line longer than CONTROL_LINE_MAX (newline included) is refused and
 * the connection closed.
 */
#ifndef LKVM_CONTROL_PROTO_H
#define LKVM_CONTROL_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONTROL_LINE_MAX 256
/* sun_path holds 108 bytes; the folder and the name must fit in it. */
#define CONTROL_PATH_MAX 108
/*
 * The longest socket path, NUL included: lkvm binds its socket as
 * PATH.<pid> first (vmm/control.c), and ".<pid>" takes up to 8 bytes
 * (PID_MAX_LIMIT is 4194304).
 */
#define CONTROL_SOCKET_PATH_MAX (CONTROL_PATH_MAX - 8)

/* No vCPU given: a shared event follows its route. */
#define CONTROL_CPU_ROUTED (-1)

/* Room for the longest reply: the status of a guest with many vCPUs. */
#define CONTROL_REPLY_MAX 65536

enum control_op {
	CONTROL_SDEI_SIGNAL,
	CONTROL_INFO,
	CONTROL_STOP,
	CONTROL_PAUSE,
	CONTROL_RESUME,
	CONTROL_SDEI_STATUS,
	CONTROL_DEBUG_DUMP,
	CONTROL_DEBUG_SYSRQ,
};

struct control_req {
	enum control_op op;
	uint32_t event;
	int cpu; /* CONTROL_CPU_ROUTED, or a vCPU index */
	bool json; /* sdei status json */
	char key; /* debug sysrq: a printable character, not a space */
};

/* Whether the reply to req has a body: "ok N" and N more lines. */
static inline bool control_reply_has_body(const struct control_req *req)
{
	return req->op == CONTROL_SDEI_STATUS || req->op == CONTROL_DEBUG_DUMP;
}

/*
 * Parses one request line (without its newline). Returns 0, or -EINVAL
 * with a one-line reason in err.
 */
int control_parse(const char *line, struct control_req *req, char *err,
		  size_t err_size);

/*
 * A decimal or 0x-hex number up to max with nothing after it (no sign,
 * no spaces): event numbers and vCPU indexes, on the socket and the
 * command line alike. 0 or -EINVAL.
 */
int control_parse_number(const char *s, uint64_t max, uint64_t *v);

/* Writes the request line for req, newline included; its length or -1. */
int control_format(const struct control_req *req, char *buf, size_t size);

/* What the edge found in the environment, for control_dir(). */
struct control_env {
	const char *xdg; /* $XDG_RUNTIME_DIR, or NULL */
	const char *home; /* $HOME, or NULL */
	/*
	 * home names an existing folder that has .lkvm, or where this user
	 * may make it (a read-only or foreign home has not)
	 */
	bool home_usable;
	unsigned int euid;
};

/*
 * The folder of lkvm's sockets, the same for lkvm run and its clients:
 * $XDG_RUNTIME_DIR/lkvm when that is absolute, else $HOME/.lkvm when HOME
 * is absolute and usable (home_usable; kvmtool's place), else this user's
 * runtime folder /tmp/lkvm-<euid>. Returns 0, or -ENAMETOOLONG with err
 * set.
 */
int control_dir(const struct control_env *env, char *buf, size_t size,
		char *err, size_t err_size);

/*
 * Whether the folder dir, as lstat() describes it (st_mode, st_uid), may
 * hold the sockets of user euid: a real folder (no symlink) of that user
 * that nobody else can enter (no group or other permission bits). Returns
 * 0, or -EPERM with one line in err that says what to do.
 */
int control_dir_check(const char *dir, unsigned int mode, unsigned int uid,
		      unsigned int euid, char *err, size_t err_size);

/* The socket of guest name in dir; 0 or -ENAMETOOLONG with err set. */
int control_path(const char *dir, const char *name, char *buf, size_t size,
		 char *err, size_t err_size);

/*
 * The folder of a socket path (lkvm run --socket PATH): what comes before
 * its last '/', "/" for a file in the root, "." without a '/'. 0 or
 * -ENAMETOOLONG.
 */
int control_socket_dir(const char *path, char *buf, size_t size);

#endif
