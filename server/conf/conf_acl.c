/* SPDX-License-Identifier: BSD-3-Clause */
/* ACL evaluation: address prefixes, keys, actions, update types and owners. */
#include "server/conf/conf.h"

#include <netinet/in.h>
#include <string.h>

/* The address bytes of \p sa as seen by a prefix of \p family; NULL when the
 * families cannot match. A v4-mapped IPv6 source (::ffff:a.b.c.d, what a
 * dual-stack socket reports for IPv4 clients) is compared as IPv4. */
static const uint8_t *addr_bytes(const struct sockaddr *sa, int family)
{
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in4 = (const struct sockaddr_in *)sa;
		return family == AF_INET ? (const uint8_t *)&in4->sin_addr
		                         : NULL;
	}
	if (sa->sa_family != AF_INET6) {
		return NULL;
	}
	const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
	const uint8_t *b = in6->sin6_addr.s6_addr;
	if (family == AF_INET6) {
		return b;
	}
	if (family == AF_INET && IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) {
		return b + 12;
	}
	return NULL;
}

bool conf_prefix_match(const conf_prefix_t *prefix, const struct sockaddr *addr)
{
	const uint8_t *b = addr_bytes(addr, prefix->family);
	if (b == NULL) {
		return false;
	}
	unsigned full = prefix->len / 8;
	unsigned rest = prefix->len % 8;
	if (memcmp(b, prefix->addr, full) != 0) {
		return false;
	}
	if (rest == 0) {
		return true;
	}
	uint8_t mask = (uint8_t)(0xffu << (8 - rest));
	return ((b[full] ^ prefix->addr[full]) & mask) == 0;
}

static bool acl_addr_match(const conf_acl_t *acl, const struct sockaddr *addr)
{
	bool ok = acl->naddrs == 0;
	for (size_t i = 0; !ok && i < acl->naddrs; i++) {
		ok = conf_prefix_match(&acl->addrs[i], addr);
	}
	return ok;
}

bool acl_match(const conf_acl_t *acl, const struct sockaddr *addr,
               const uint8_t *key, unsigned action)
{
	if ((acl->actions & action) == 0 || !acl_addr_match(acl, addr)) {
		return false;
	}
	if (acl->nkeys == 0) {
		return true;
	}
	for (size_t i = 0; key != NULL && i < acl->nkeys; i++) {
		if (dz_name_equal(acl->keys[i]->name, key)) {
			return true;
		}
	}
	return false;
}

const char *acl_refusal(const conf_acl_t *const *acls, size_t nacls,
                        const struct sockaddr *addr, const uint8_t *key,
                        unsigned action)
{
	for (size_t i = 0; i < nacls; i++) {
		if (acl_match(acls[i], addr, key, action)) {
			return NULL;
		}
	}
	/* Would an ACL with keys have matched this address? Then the key is
	 * what is wrong - the usual mistake, worth its own reason. */
	for (size_t i = 0; i < nacls; i++) {
		const conf_acl_t *acl = acls[i];
		if ((acl->actions & action) != 0 && acl->nkeys != 0 &&
		    acl_addr_match(acl, addr)) {
			return "wrong-key";
		}
	}
	return "no-acl";
}

bool acl_allows_type(const conf_acl_t *acl, uint16_t type)
{
	if (acl->ntypes == 0) {
		return true;
	}
	for (size_t i = 0; i < acl->ntypes; i++) {
		if (acl->update_types[i] == type) {
			return true;
		}
	}
	return false;
}

static bool owner_matches(const uint8_t *owner, const uint8_t *target,
                          conf_owner_match_t match)
{
	switch (match) {
	case CONF_MATCH_EQUAL:
		return dz_name_equal(owner, target);
	case CONF_MATCH_SUB:
		return dz_name_is_strict_sub(owner, target);
	case CONF_MATCH_SUB_OR_EQUAL:
	default:
		return dz_name_is_sub(owner, target);
	}
}

static bool owner_in_names(const conf_acl_t *acl, const uint8_t *apex,
                           const uint8_t *owner)
{
	for (size_t i = 0; i < acl->nowner_names; i++) {
		const conf_owner_name_t *on = &acl->owner_names[i];
		uint8_t full[DZ_NAME_MAXLEN];
		const uint8_t *target = on->name;
		if (on->relative) {
			/* Too long below this apex: it names nothing there. */
			if (dz_name_concat(full, on->name, apex) < 0) {
				continue;
			}
			target = full;
		}
		if (owner_matches(owner, target, acl->update_owner_match)) {
			return true;
		}
	}
	return false;
}

bool acl_allows_owner(const conf_acl_t *acl, const uint8_t *apex,
                      const uint8_t *owner, const uint8_t *key)
{
	switch (acl->update_owner) {
	case CONF_OWNER_KEY:
		return key != NULL &&
		       owner_matches(owner, key, acl->update_owner_match);
	case CONF_OWNER_ZONE:
		return owner_matches(owner, apex, acl->update_owner_match);
	case CONF_OWNER_NAME:
		return owner_in_names(acl, apex, owner);
	case CONF_OWNER_ANY:
	default:
		return true;
	}
}
