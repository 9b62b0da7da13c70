/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A 9P2000.L server over a host folder (the share of `--9p DIR,TAG`).
 * Edge code: it makes syscalls on the share, but needs no KVM, so the unit
 * tests run it on a temporary folder.
 *
 * The guest never gets a path, only fids. Each fid holds an O_PATH
 * descriptor of its file and one of the folder holding it (with its name
 * there), so that every operation is an *at() call on a descriptor and a
 * single validated name, and every reopening goes through openat2(2)
 * with RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS. No
 * symlink is ever followed by lkvm: the guest resolves its symlinks
 * itself (9P2000.L walks return the link, Treadlink reads it).
 *
 * Xattrs: the user.* namespace only (Txattrwalk and Txattrcreate make
 * xattr fids whose value is read or written with Tread and Twrite), on
 * regular files and folders; others answer EOPNOTSUPP.
 *
 * The syscalls p9_handle makes (for the sandbox's allow-list): openat2,
 * close, fcntl (F_DUPFD_CLOEXEC, F_OFD_SETLK, F_OFD_GETLK), newfstatat
 * and fstat, fstatfs, getdents64, lseek, preadv, pwritev, fsync,
 * fdatasync, ftruncate, mkdirat, mknodat, symlinkat, linkat, renameat2
 * (renameat, glibc's for no flags),
 * unlinkat, readlinkat, fchownat, utimensat, fchmodat2 (or fchmod where
 * the kernel has no fchmodat2), fgetxattr, flistxattr, fsetxattr,
 * fremovexattr, and malloc's. p9_server_init opens the share with openat.
 *
 * Ownership: lkvm serves the share as the user it runs as (after --user,
 * with no capability), with no mapping. Files the guest creates belong to
 * that user and group; Tgetattr gives the guest the host's own uid, gid
 * and mode; Tsetattr's chown is the host's fchownat as that user (EPERM
 * for another owner), and the host's permission checks apply to every
 * call. The guest's uid in Tattach and Tlcreate's gid are not used.
 *
 * Setuid and setgid bits are dropped from every mode the guest gives
 * (Tlcreate, Tmkdir, Tmknod, Tsetattr's chmod; P9_FS_MODE_BITS): the file
 * is a host file owned by lkvm's user, and a setuid one would let anyone
 * on the host who may run it act as that user (root, for an lkvm started
 * as root without --user), which a guest must never be able to grant.
 *
 * One request at a time: the caller serialises p9_handle calls on a
 * server (the decoded message and the scratch buffer live in it).
 */
#ifndef LKVM_P9_FS_H
#define LKVM_P9_FS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "p9-proto.h"

/* The mode bits a guest may set: permissions and sticky, no S_ISUID/S_ISGID. */
#define P9_FS_MODE_BITS 01777

/* The default bound on the guest's fids (each holds 2 or 3 host fds). */
#define P9_FS_MAX_FIDS_DEFAULT 16384
/* Fids live in chunks of this many, allocated on first use. */
#define P9_FS_FID_CHUNK 256

struct p9_fid;

struct p9_server {
	int root_fd; /* O_PATH | O_DIRECTORY of the share */
	uint64_t root_dev, root_ino;
	uint32_t msize; /* 0 until Tversion */
	uint32_t max_fids; /* guest fids are 0 .. max_fids - 1 */
	struct p9_fid **chunks; /* max_fids / P9_FS_FID_CHUNK pointers */
	struct p9_tmsg msg; /* the request being served */
	uint8_t scratch[P9_MSIZE_MAX]; /* Treaddir's getdents64 buffer */
};

/*
 * Opens the share dir for a server with at most max_fids fids (rounded
 * up to a whole chunk; 0 for the default). Returns 0 or a negative errno
 * (the folder cannot be opened or is not a folder).
 */
int p9_server_init(struct p9_server *s, const char *dir, uint32_t max_fids);

/* Closes every fid and the share. */
void p9_server_destroy(struct p9_server *s);

/*
 * Serves one request, in[in_len] (one whole T-message), writing the reply
 * into out[out_cap]. Returns the reply's length, or -EMSGSIZE when out_cap
 * cannot hold even an Rlerror (P9_HDR_LEN + 4 bytes). A reply never
 * exceeds the negotiated msize nor out_cap: a read or readdir is cut to
 * fit.
 */
int p9_handle(struct p9_server *s, const uint8_t *in, size_t in_len,
	      uint8_t *out, size_t out_cap);

/* How many fids are in use (for tests: a clunk must free its fid). */
unsigned int p9_server_nr_fids(const struct p9_server *s);

#endif
