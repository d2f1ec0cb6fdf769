/* SPDX-License-Identifier: BSD-3-Clause */
/* Scalar values: numbers, sizes, durations, names, addresses, prefixes. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/util/base64.h"
#include "lib/util/errcode.h"
#include "lib/wire/rrtype.h"
#include "server/conf/conf_internal.h"

static int bad(conf_ctx_t *ctx, const yaml_node_t *n, const char *key,
               const char *why)
{
	return conf_error(ctx, n, "invalid value '%s' for '%s': %s",
	                  conf_scalar(n), key, why);
}

int conf_val_str(conf_ctx_t *ctx, const yaml_node_t *n, const char *key,
                 const char **out)
{
	int ret = conf_expect_scalar(ctx, n, key);
	if (ret != DZ_OK) {
		return ret;
	}
	if (conf_scalar(n)[0] == '\0') {
		return bad(ctx, n, key, "must not be empty");
	}
	char *s = conf_strdup(ctx, conf_scalar(n));
	if (s == NULL) {
		return DZ_ENOMEM;
	}
	*out = s;
	return DZ_OK;
}

int conf_val_bool(conf_ctx_t *ctx, const yaml_node_t *n, const char *key,
                  bool *out)
{
	static const char *const names[] = {"false", "true", "no", "yes",
	                                    "off",   "on",   NULL};
	int ret = conf_expect_scalar(ctx, n, key);
	if (ret != DZ_OK) {
		return ret;
	}
	for (int i = 0; names[i] != NULL; i++) {
		if (strcasecmp(conf_scalar(n), names[i]) == 0) {
			*out = (i % 2) == 1;
			return DZ_OK;
		}
	}
	return bad(ctx, n, key, "expected true|false");
}

/* Leading decimal digits of \p s into *val; returns the end, NULL on overflow
 * or when there is no digit. */
static const char *parse_digits(const char *s, uint64_t *val)
{
	uint64_t v = 0;
	const char *p = s;
	for (; *p >= '0' && *p <= '9'; p++) {
		unsigned d = (unsigned)(*p - '0');
		if (v > (UINT64_MAX - d) / 10) {
			return NULL;
		}
		v = v * 10 + d;
	}
	if (p == s) {
		return NULL;
	}
	*val = v;
	return p;
}

int conf_val_uint(conf_ctx_t *ctx, const yaml_node_t *n, const char *key,
                  uint64_t min, uint64_t max, uint64_t *out)
{
	int ret = conf_expect_scalar(ctx, n, key);
	if (ret != DZ_OK) {
		return ret;
	}
	uint64_t v = 0;
	const char *end = parse_digits(conf_scalar(n), &v);
	if (end == NULL || *end != '\0' || v < min || v > max) {
		char why[96];
		(void)snprintf(why, sizeof(why),
		               "expected an integer from %llu to %llu",
		               (unsigned long long)min,
		               (unsigned long long)max);
		return bad(ctx, n, key, why);
	}
	*out = v;
	return DZ_OK;
}

/* Multiply \p v by the unit \p u from \p units / \p mults; false on overflow
 * or unknown unit. An empty unit multiplies by 1. */
static bool apply_unit(uint64_t *v, const char *u, const char *units,
                       const uint64_t *mults)
{
	if (*u == '\0') {
		return true;
	}
	const char *hit = u[1] == '\0' ? strchr(units, u[0]) : NULL;
	if (hit == NULL) {
		return false;
	}
	uint64_t m = mults[(hit - units) / 2];
	if (*v > UINT64_MAX / m) {
		return false;
	}
	*v *= m;
	return true;
}

int conf_val_size(conf_ctx_t *ctx, const yaml_node_t *n, const char *key,
                  uint64_t *out)
{
	/* Upper and lower case of each unit share one multiplier (index / 2).
	 */
	static const uint64_t mults[] = {UINT64_C(1) << 10, UINT64_C(1) << 20,
	                                 UINT64_C(1) << 30, UINT64_C(1) << 40};
	int ret = conf_expect_scalar(ctx, n, key);
	if (ret != DZ_OK) {
		return ret;
	}
	uint64_t v = 0;
	const char *end = parse_digits(conf_scalar(n), &v);
	if (end == NULL || !apply_unit(&v, end, "KkMmGgTt", mults)) {
		return bad(ctx, n, key, "expected a size like 512K, 64M or 1G");
	}
	*out = v;
	return DZ_OK;
}

int conf_val_duration(conf_ctx_t *ctx, const yaml_node_t *n, const char *key,
                      bool allow_never, uint64_t max, int64_t *out)
{
	static const uint64_t mults[] = {1, 60, 3600, 86400, 604800};
	int ret = conf_expect_scalar(ctx, n, key);
	if (ret != DZ_OK) {
		return ret;
	}
	if (allow_never && strcmp(conf_scalar(n), "-1") == 0) {
		*out = -1;
		return DZ_OK;
	}
	uint64_t v = 0;
	const char *end = parse_digits(conf_scalar(n), &v);
	if (end == NULL || !apply_unit(&v, end, "sSmMhHdDwW", mults) ||
	    v > max) {
		return bad(ctx, n, key,
		           allow_never ? "expected a duration like 30s, 5m, "
		                         "1h or 1d, or -1"
		                       : "expected a duration like 30s, 5m, "
		                         "1h or 1d");
	}
	*out = (int64_t)v;
	return DZ_OK;
}

int conf_val_enum(conf_ctx_t *ctx, const yaml_node_t *n, const char *key,
                  const char *const *names, int *out)
{
	int ret = conf_expect_scalar(ctx, n, key);
	if (ret != DZ_OK) {
		return ret;
	}
	char why[160] = "expected ";
	for (int i = 0; names[i] != NULL; i++) {
		if (strcmp(conf_scalar(n), names[i]) == 0) {
			*out = i;
			return DZ_OK;
		}
		if (i > 0) {
			(void)strncat(why, "|", sizeof(why) - strlen(why) - 1);
		}
		(void)strncat(why, names[i], sizeof(why) - strlen(why) - 1);
	}
	return bad(ctx, n, key, why);
}

int conf_val_name(conf_ctx_t *ctx, const yaml_node_t *n, const char *key,
                  bool absolute, uint8_t *out)
{
	static const uint8_t root[1] = {0};
	int ret = conf_expect_scalar(ctx, n, key);
	if (ret != DZ_OK) {
		return ret;
	}
	const char *s = conf_scalar(n);
	uint8_t name[DZ_NAME_MAXLEN];
	if (dz_name_from_str(name, s, strlen(s), NULL) > 0) {
		memcpy(out, name, dz_name_len(name));
		return DZ_OK;
	}
	if (dz_name_from_str(name, s, strlen(s), root) <= 0) {
		return bad(ctx, n, key, "not a domain name");
	}
	if (absolute) {
		return bad(ctx, n, key, "must be absolute (end with '.')");
	}
	memcpy(out, name, dz_name_len(name));
	return DZ_OK;
}

/* IPv4 or IPv6 text into \p ss with \p port; false if neither. */
static bool parse_ip(const char *s, uint16_t port, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
	if (inet_pton(AF_INET, s, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons(port);
		return true;
	}
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
	if (inet_pton(AF_INET6, s, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		return true;
	}
	return false;
}

int conf_val_addrport(conf_ctx_t *ctx, const yaml_node_t *n, const char *key,
                      uint16_t defport, struct sockaddr_storage *out)
{
	int ret = conf_expect_scalar(ctx, n, key);
	if (ret != DZ_OK) {
		return ret;
	}
	char addr[INET6_ADDRSTRLEN + 1];
	const char *s = conf_scalar(n);
	const char *at = strrchr(s, '@');
	size_t alen = at != NULL ? (size_t)(at - s) : strlen(s);
	uint64_t port = defport;
	if (at != NULL) {
		const char *end = parse_digits(at + 1, &port);
		if (end == NULL || *end != '\0' || port == 0 || port > 65535) {
			return bad(ctx, n, key, "bad port");
		}
	}
	struct sockaddr_storage ss;
	if (alen >= sizeof(addr)) {
		return bad(ctx, n, key, "not an IP address");
	}
	memcpy(addr, s, alen);
	addr[alen] = '\0';
	if (!parse_ip(addr, (uint16_t)port, &ss)) {
		return bad(ctx, n, key, "not an IP address");
	}
	*out = ss;
	return DZ_OK;
}

static void prefix_from_ss(const struct sockaddr_storage *ss, conf_prefix_t *p)
{
	p->family = ss->ss_family;
	if (ss->ss_family == AF_INET) {
		memcpy(p->addr, &((const struct sockaddr_in *)ss)->sin_addr, 4);
		p->len = 32;
	} else {
		memcpy(p->addr, &((const struct sockaddr_in6 *)ss)->sin6_addr,
		       16);
		p->len = 128;
	}
}

int conf_val_prefix(conf_ctx_t *ctx, const yaml_node_t *n, const char *key,
                    conf_prefix_t *out)
{
	int ret = conf_expect_scalar(ctx, n, key);
	if (ret != DZ_OK) {
		return ret;
	}
	char addr[INET6_ADDRSTRLEN + 1];
	const char *s = conf_scalar(n);
	const char *slash = strchr(s, '/');
	size_t alen = slash != NULL ? (size_t)(slash - s) : strlen(s);
	struct sockaddr_storage ss;
	if (alen >= sizeof(addr)) {
		return bad(ctx, n, key, "not an IP address or prefix");
	}
	memcpy(addr, s, alen);
	addr[alen] = '\0';
	if (!parse_ip(addr, 0, &ss)) {
		return bad(ctx, n, key, "not an IP address or prefix");
	}
	conf_prefix_t p = {0};
	prefix_from_ss(&ss, &p);
	if (slash != NULL) {
		uint64_t len = 0;
		const char *end = parse_digits(slash + 1, &len);
		if (end == NULL || *end != '\0' || len > p.len) {
			return bad(ctx, n, key, "bad prefix length");
		}
		p.len = (uint8_t)len;
	}
	*out = p;
	return DZ_OK;
}

int conf_val_base64(conf_ctx_t *ctx, const yaml_node_t *n, const char *key,
                    const uint8_t **out, size_t *outlen)
{
	int ret = conf_expect_scalar(ctx, n, key);
	if (ret != DZ_OK) {
		return ret;
	}
	const char *s = conf_scalar(n);
	size_t slen = strlen(s);
	uint8_t *buf = conf_alloc(ctx, slen / 4 * 3 + 3);
	if (buf == NULL) {
		return DZ_ENOMEM;
	}
	int len = dz_base64_decode(buf, slen / 4 * 3 + 3, s, slen);
	if (len <= 0) {
		return bad(ctx, n, key, "not base64");
	}
	*out = buf;
	*outlen = (size_t)len;
	return DZ_OK;
}

int conf_val_rrtype(conf_ctx_t *ctx, const yaml_node_t *n, const char *key,
                    uint16_t *out)
{
	int ret = conf_expect_scalar(ctx, n, key);
	if (ret != DZ_OK) {
		return ret;
	}
	const char *s = conf_scalar(n);
	uint16_t type = 0;
	if (dz_rrtype_from_str(s, strlen(s), &type) != DZ_OK ||
	    dz_rrtype_is_meta(type)) {
		return bad(ctx, n, key, "not an RR type");
	}
	*out = type;
	return DZ_OK;
}

int conf_val_addrlist(conf_ctx_t *ctx, const yaml_node_t *n, const char *key,
                      uint16_t defport, const struct sockaddr_storage **out,
                      size_t *count)
{
	conf_list_t l;
	int ret = conf_list(ctx, n, key, &l);
	if (ret != DZ_OK) {
		return ret;
	}
	struct sockaddr_storage *arr =
	        conf_alloc(ctx, (l.n + 1) * sizeof(*arr));
	if (arr == NULL) {
		return DZ_ENOMEM;
	}
	for (size_t i = 0; i < l.n && ret == DZ_OK; i++) {
		ret = conf_val_addrport(ctx, conf_list_at(ctx, &l, i), key,
		                        defport, &arr[i]);
	}
	if (ret == DZ_OK) {
		*out = arr;
		*count = l.n;
	}
	return ret;
}
