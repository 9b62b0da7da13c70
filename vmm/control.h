/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The control socket of a running guest: a Unix stream socket at
 * <dir>/<name>.sock (control_dir()), mode 0600 in a 0700 folder, or where
 * lkvm run --socket PATH puts it, made before the VM exists and removed at
 * exit. Only this user and root may talk to it (SO_PEERCRED). The I/O thread polls it with
 * the console; requests are the lines of control-proto.h.
 */
#ifndef LKVM_CONTROL_H
#define LKVM_CONTROL_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>

#include "control-proto.h"

#define CONTROL_MAX_CLIENTS 8

struct control_client {
	int fd; /* -1: free */
	size_t len;
	char buf[CONTROL_LINE_MAX];
};

/* Answers one request into reply (one line, no newline). */
typedef void (*control_handler)(void *ctx, const struct control_req *req,
				char *reply, size_t size);

struct control {
	int listen_fd; /* -1: no socket */
	char path[CONTROL_PATH_MAX];
	struct control_client clients[CONTROL_MAX_CLIENTS];
	control_handler handler;
	void *ctx;
};

/*
 * Creates guest name's socket, at sock when that is not NULL (its folder
 * must exist). A socket left by a guest that is gone is replaced; a live
 * guest there, or a path that is no socket, is an error (one line
 * logged). Returns 0 or -1.
 */
int control_open(struct control *c, const char *name, const char *sock,
		 control_handler handler, void *ctx);
/* Closes every connection and removes the socket. */
void control_close(struct control *c);

/* Fills at most max pollfds (listener and clients); returns how many. */
unsigned int control_pollfds(const struct control *c, struct pollfd *fds,
			     unsigned int max);
/* Serves what control_pollfds' fds reported. */
void control_serve(struct control *c, const struct pollfd *fds, unsigned int n);

/*
 * Client side (lkvm sdei ...): sends req to the guest at socket sock, or
 * when sock is NULL to guest name in this user's folder, and puts its
 * reply line in reply. Returns 0, or -1 after logging one line (no such
 * guest, not running, no reply).
 */
int control_request(const char *name, const char *sock,
		    const struct control_req *req, char *reply, size_t size);

/* One running guest, as its "info" request tells (lkvm list). */
struct control_guest {
	char name[CONTROL_PATH_MAX];
	int pid;
	unsigned int vcpus;
	unsigned long long mem_mib;
	char state[16];
};

/*
 * Calls fn for every guest of this user that answers on its socket in
 * the folder (control_dir(); guests started with --socket elsewhere are
 * not seen), in name order; removes the sockets of guests that are gone.
 * Returns the number of guests, or -1 after logging (no socket folder is
 * 0 guests).
 */
int control_list(void (*fn)(void *ctx, const struct control_guest *g),
		 void *ctx);

#endif
