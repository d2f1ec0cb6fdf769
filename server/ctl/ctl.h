/* SPDX-License-Identifier: BSD-3-Clause */
/* The daemon's control socket: owner-only Unix socket on the libuv loop, dispatching `dynzone ctl` commands to handlers. */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <uv.h>

typedef struct ctl ctl_t;
typedef struct ctl_resp ctl_resp_t;
typedef struct ctl_pending ctl_pending_t;

/* One request as a handler sees it; everything is borrowed for the call. */
typedef struct {
	const char *cmd;         /* the command name, as registered */
	size_t argc;             /* arguments after the command */
	const char *const *argv; /* argc NUL-terminated UTF-8 strings */
	bool json;               /* the client asked for JSON (`--json`) */
	uid_t peer_uid;          /* who asked (already allowed) */
} ctl_args_t;

/*
 * A command handler. It appends its answer to \p resp (text, or one JSON
 * document when args->json) and returns DZ_OK or a negative DZ_E* status,
 * which becomes the response status unless it already holds an error set
 * with ctl_resp_set_status(). On an error, the text is the message the
 * client shows (empty: the client shows dz_strerror of the status).
 * Handlers run on the loop thread and must not block.
 */
typedef int (*ctl_handler_fn)(const ctl_args_t *args, ctl_resp_t *resp,
                              void *ctx);

/*
 * Handler return value after ctl_resp_defer(): "the answer comes later".
 * Positive, so it cannot be confused with a status.
 */
#define CTL_PENDING 1

/* Defaults; ctl_set_limits() changes them (tests use short timeouts). */
#define CTL_IDLE_TIMEOUT_MS 30000
#define CTL_MAX_CLIENTS 16
#define CTL_MAX_COMMANDS 48

/*
 * Create a control channel for the socket at \p path on \p loop (borrowed,
 * must outlive the channel). Nothing is opened until ctl_start().
 * DZ_OK, DZ_EINVAL (empty path), DZ_ELIMIT (path longer than a sockaddr_un
 * holds) or DZ_ENOMEM.
 */
int ctl_new(uv_loop_t *loop, const char *path, ctl_t **out);

/* Idle timeout per client (ms, > 0) and most clients at once (> 0). */
void ctl_set_limits(ctl_t *ctl, unsigned idle_timeout_ms, unsigned max_clients);

/*
 * Register \p fn for command \p cmd (copied; [a-z][a-z0-9-]*, up to 32
 * octets). \p ctx is passed to every call. DZ_OK, DZ_EINVAL (bad name),
 * DZ_EEXIST (already registered, or the built-in `help`), DZ_ELIMIT
 * (CTL_MAX_COMMANDS reached).
 */
int ctl_register(ctl_t *ctl, const char *cmd, ctl_handler_fn fn, void *ctx);

/*
 * Create the socket and listen. The parent folder is created 0700 if
 * missing and must otherwise be owned by this user and not writable by
 * group or others (DZ_EACCES). An existing socket file that nobody answers
 * on is stale and replaced; if a daemon answers there, DZ_EEXIST; a path
 * that exists but is not a socket is left alone (DZ_EEXIST). The socket
 * file is made 0600. Other failures: -errno.
 */
int ctl_start(ctl_t *ctl);

/*
 * Close the listener and every client (a response already queued is still
 * sent first unless the peer is gone), remove the socket file if it is
 * still ours, and free the channel once libuv has closed every handle; the
 * caller keeps running the loop until then. \p on_closed (may be NULL) is
 * called last. Safe from inside a handler (`stop`): the channel is then
 * closed after the current response is queued. Clients waiting for a
 * deferred answer are closed at once; the channel itself lives on until
 * every ctl_pending_t was completed (the loop must keep running).
 */
void ctl_close(ctl_t *ctl, void (*on_closed)(void *arg), void *arg);

/* Number of clients connected now (for `stats` and tests). */
size_t ctl_client_count(const ctl_t *ctl);

/*
 * Is a peer with \p peer_uid allowed on a socket of a daemon running as
 * \p self_uid? Only the same user and root (who can reach the socket file
 * anyway) are.
 */
bool ctl_peer_is_allowed(uid_t peer_uid, uid_t self_uid);

/* ---- the response builder ---------------------------------------------- */

/*
 * Append \p len octets of text. Octets that are not valid response text
 * (bad UTF-8, control characters other than TAB and LF) become '?', so a
 * handler can pass zone data through. DZ_OK, or DZ_ESPACE once the answer
 * would pass DZ_CTL_RESP_TEXT_MAX (the response then becomes a DZ_ELIMIT
 * error) or DZ_ENOMEM.
 */
int ctl_resp_append(ctl_resp_t *resp, const char *text, size_t len);

/* ctl_resp_append() of a formatted string. */
int ctl_resp_printf(ctl_resp_t *resp, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Append \p s as a JSON string literal, quotes included (RFC 8259 §7). */
int ctl_resp_json_str(ctl_resp_t *resp, const char *s);

/* Set the response status (DZ_OK or a negative DZ_E* code). */
void ctl_resp_set_status(ctl_resp_t *resp, int status);

/* ---- deferred responses ------------------------------------------------ */

/*
 * Answer the request being handled later, for work that runs elsewhere (a
 * zone's writer thread reloading or syncing the zone). Call from inside a
 * handler; it must then return CTL_PENDING, and text already appended to
 * \p resp is dropped: the answer is the one ctl_pending_done() gives.
 * Until then the connection reads no further request and its idle timer
 * is stopped. *out must be passed exactly once to ctl_pending_done().
 * DZ_OK, DZ_EINVAL (not inside a handler), DZ_EEXIST (already deferred),
 * DZ_ENOMEM.
 */
int ctl_resp_defer(ctl_resp_t *resp, ctl_pending_t **out);

/* Did the deferred request ask for JSON (`--json`)? Any thread. */
bool ctl_pending_json(const ctl_pending_t *p);

/*
 * Complete a deferred answer with \p status (DZ_OK or a negative DZ_E*)
 * and \p text (copied, sanitised like ctl_resp_append(); NULL: none). Any
 * thread: the answer is sent from the loop thread (a uv_async wake-up),
 * and `ctl-command` is logged then with the real result. If the client
 * went away, or ctl_close() ran meanwhile, the answer is dropped; the
 * channel is freed only after every deferred answer was completed.
 */
void ctl_pending_done(ctl_pending_t *p, int status, const char *text);
