/* SPDX-License-Identifier: BSD-3-Clause */
/* dynzoned configuration: the immutable object loaded from YAML (DESIGN §2). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "lib/wire/name.h"

/*
 * A conf_t is built once by conf_load()/conf_load_str() and never changed
 * afterwards: the daemon reads it from any thread without locks and swaps
 * whole objects on reload. Every pointer inside it (strings, arrays, the
 * resolved references between sections) points into memory owned by the
 * conf_t and stays valid until conf_free(). The structs are transparent so
 * the daemon can read them directly; treat every field as read-only.
 * docs/configuration.md documents each key;
 * docs/checklists/new-config-option.md lists what to touch when adding one.
 */

/*! Size of the error buffer conf_load() and conf_load_str() fill in. */
#define CONF_ERRBUF_SIZE 512

/* --- log ---------------------------------------------------------------- */

typedef enum {
	CONF_LOG_STDERR,
	CONF_LOG_SYSLOG,
	CONF_LOG_FILE,
} conf_log_target_t;

typedef enum {
	CONF_LOG_TEXT,
	CONF_LOG_JSON,
} conf_log_format_t;

/* Ordered by verbosity: a message is written when its level <= the target's. */
typedef enum {
	CONF_LEVEL_ERROR,
	CONF_LEVEL_WARNING,
	CONF_LEVEL_NOTICE,
	CONF_LEVEL_INFO,
	CONF_LEVEL_DEBUG,
} conf_log_level_t;

/* Log categories, a bit each (log.categories). */
enum {
	CONF_CAT_GENERAL = 1u << 0,
	CONF_CAT_QUERY = 1u << 1,
	CONF_CAT_UPDATE = 1u << 2,
	CONF_CAT_NOTIFY = 1u << 3,
	CONF_CAT_XFR_IN = 1u << 4,
	CONF_CAT_XFR_OUT = 1u << 5,
	CONF_CAT_SECURITY = 1u << 6,
	CONF_CAT_CONTROL = 1u << 7,
	CONF_CAT_ALL = (1u << 8) - 1,
};

typedef struct {
	conf_log_target_t target;
	const char *path; /* file path for CONF_LOG_FILE, else NULL */
	conf_log_format_t format;
	conf_log_level_t level;
	unsigned categories; /* CONF_CAT_* bits */
} conf_log_t;

/* --- key ---------------------------------------------------------------- */

typedef enum {
	CONF_HMAC_MD5,
	CONF_HMAC_SHA1,
	CONF_HMAC_SHA224,
	CONF_HMAC_SHA256,
	CONF_HMAC_SHA384,
	CONF_HMAC_SHA512,
} conf_tsig_alg_t;

typedef struct {
	uint8_t name[DZ_NAME_MAXLEN]; /* key id, a wire name */
	conf_tsig_alg_t algorithm;
	const uint8_t *secret; /* decoded secret */
	size_t secret_len;
	unsigned line;
} conf_key_t;

/* --- remote ------------------------------------------------------------- */

typedef struct {
	const char *id;
	const struct sockaddr_storage *addrs; /* with ports */
	size_t naddrs;
	const conf_key_t *key; /* NULL: unsigned */
	bool has_via;
	struct sockaddr_storage via; /* source address, port 0 */
	unsigned line;
} conf_remote_t;

/* --- acl ---------------------------------------------------------------- */

/* ACL actions, a bit each (acl.action). */
enum {
	CONF_ACTION_QUERY = 1u << 0,
	CONF_ACTION_UPDATE = 1u << 1,
	CONF_ACTION_TRANSFER = 1u << 2,
	CONF_ACTION_NOTIFY = 1u << 3,
};

typedef enum {
	CONF_OWNER_ANY, /* update-owner not set: no owner restriction */
	CONF_OWNER_KEY,
	CONF_OWNER_ZONE,
	CONF_OWNER_NAME,
} conf_owner_t;

typedef enum {
	CONF_MATCH_SUB_OR_EQUAL,
	CONF_MATCH_EQUAL,
	CONF_MATCH_SUB,
} conf_owner_match_t;

/* An address prefix; a plain address is a full-length prefix. */
typedef struct {
	int family; /* AF_INET or AF_INET6 */
	uint8_t addr[16];
	uint8_t len; /* prefix length in bits */
} conf_prefix_t;

typedef struct {
	uint8_t name[DZ_NAME_MAXLEN];
	bool relative; /* relative to the zone: name holds the labels + root */
} conf_owner_name_t;

typedef struct {
	const char *id;
	const conf_prefix_t *addrs; /* empty: any address */
	size_t naddrs;
	const conf_key_t *const *keys; /* empty: no key required */
	size_t nkeys;
	unsigned actions;             /* CONF_ACTION_* bits */
	const uint16_t *update_types; /* empty: every type */
	size_t ntypes;
	conf_owner_t update_owner;
	conf_owner_match_t update_owner_match;
	const conf_owner_name_t *owner_names;
	size_t nowner_names;
	unsigned line;
} conf_acl_t;

/* --- zone --------------------------------------------------------------- */

typedef enum {
	CONF_ROLE_PRIMARY,
	CONF_ROLE_SECONDARY,
} conf_role_t;

typedef enum {
	CONF_SERIAL_INCREMENT,
	CONF_SERIAL_UNIXTIME,
	CONF_SERIAL_DATESERIAL,
} conf_serial_policy_t;

typedef struct {
	uint8_t domain[DZ_NAME_MAXLEN];
	const char *file; /* as configured (or derived: "<domain>zone") */
	const char *path; /* file resolved against data-dir */
	conf_role_t role;
	const conf_acl_t *const *acls;
	size_t nacls;
	const conf_remote_t *const *notify;
	size_t nnotify;
	bool notify_ns;
	const conf_remote_t *const *primaries;
	size_t nprimaries;
	conf_serial_policy_t serial_policy;
	uint64_t journal_max_size; /* bytes */
	int64_t zonefile_sync;     /* seconds; 0: every change; -1: never */
	uint32_t refresh_min, refresh_max; /* clamp the SOA refresh (seconds) */
	uint32_t retry_min, retry_max;
	uint32_t expire_min, expire_max;
	bool update_forwarding;
	unsigned line;
} conf_zone_t;

/* --- server and the whole object ----------------------------------------- */

typedef struct {
	const struct sockaddr_storage *listen;
	size_t nlisten;
	const uint8_t *const *identity; /* wire names */
	size_t nidentity;
	const char *data_dir;
	const char *control;
	unsigned workers;
	const char *user;     /* NULL: do not drop privileges */
	const char *pid_file; /* NULL: no pid file */
	const struct sockaddr_storage *resolver; /* nresolver 0: resolv.conf */
	size_t nresolver;
	uint32_t tcp_idle_timeout; /* seconds */
	unsigned tcp_max_clients;
	uint16_t udp_max_payload; /* EDNS buffer size we advertise */
	const char *xdp_interface; /* NULL: UDP through sockets only */
} conf_server_t;

typedef struct conf {
	const char *source; /* file name or the name given to conf_load_str */
	conf_server_t server;
	const conf_log_t *logs;
	size_t nlogs;
	const conf_key_t *keys;
	size_t nkeys;
	const conf_remote_t *remotes;
	size_t nremotes;
	const conf_acl_t *acls;
	size_t nacls;
	const conf_zone_t *zones; /* in file order */
	size_t nzones;
	const conf_zone_t *const *zone_index; /* sorted by canonical name */
	struct conf_mem *mem;                 /* owns everything above */
} conf_t;

/*
 * Load the YAML configuration in \p path. On success *out is a new conf_t
 * (free with conf_free). On failure errbuf (CONF_ERRBUF_SIZE bytes) holds
 * "FILE:LINE: message" ("FILE:LINE:COL: ..." for YAML syntax errors) and the
 * status is DZ_ESYNTAX (YAML syntax), DZ_EINVAL (bad configuration),
 * DZ_ENOMEM, or -errno when the file cannot be read.
 */
int conf_load(const char *path, conf_t **out, char *errbuf);

/* Same as conf_load() for an in-memory YAML string; \p name stands for FILE. */
int conf_load_str(const char *yaml, const char *name, conf_t **out,
                  char *errbuf);

/* The embedded default configuration (DESIGN.md §1) as YAML text. */
const char *conf_default_yaml(void);

/* Load the embedded default; errors only on DZ_ENOMEM. */
int conf_default(conf_t **out, char *errbuf);

/* Free a configuration; NULL is a no-op. */
void conf_free(conf_t *conf);

/* Lookups: borrowed pointers valid until conf_free(), or NULL. */
const conf_zone_t *conf_zone_find(const conf_t *conf, const uint8_t *name);
const conf_key_t *conf_key_find(const conf_t *conf, const uint8_t *name);
const conf_remote_t *conf_remote_find(const conf_t *conf, const char *id);
const conf_acl_t *conf_acl_find(const conf_t *conf, const char *id);

/*
 * True if \p acl allows \p action (one CONF_ACTION_* bit) from \p addr
 * signed with \p key (a wire name, or NULL for an unsigned request, whose
 * TSIG the caller has already verified). An IPv4-mapped IPv6 address
 * (::ffff:a.b.c.d) matches IPv4 prefixes. An ACL without addresses matches
 * every address; an ACL without keys does not constrain the key. The
 * update-type and update-owner rules are per record: see acl_allows_type()
 * and acl_allows_owner().
 */
bool acl_match(const conf_acl_t *acl, const struct sockaddr *addr,
               const uint8_t *key, unsigned action);

/*
 * Why no ACL of \p acls allows \p action from \p addr with \p key: NULL
 * when one does, "wrong-key" when one would with another key (or with a
 * signature), else "no-acl" (default deny). The reason goes in the log
 * and in the answer's EDE text.
 */
const char *acl_refusal(const conf_acl_t *const *acls, size_t nacls,
                        const struct sockaddr *addr, const uint8_t *key,
                        unsigned action);

/* True if \p acl lets an update change records of \p type. */
bool acl_allows_type(const conf_acl_t *acl, uint16_t type);

/*
 * True if \p acl lets an update signed with \p key (NULL: unsigned) in the
 * zone \p apex change records owned by \p owner (update-owner rules).
 */
bool acl_allows_owner(const conf_acl_t *acl, const uint8_t *apex,
                      const uint8_t *owner, const uint8_t *key);

/* Whether \p prefix contains \p addr (v4-mapped v6 matches v4 prefixes). */
bool conf_prefix_match(const conf_prefix_t *prefix,
                       const struct sockaddr *addr);
