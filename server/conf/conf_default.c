/* SPDX-License-Identifier: BSD-3-Clause */
/* The embedded default configuration (DESIGN.md §1): dynzoned with no -c. */
#include "server/conf/conf.h"

#include "lib/util/errcode.h"

/* Kept as YAML, not as a hand-built struct, so it goes through the same
 * parser and checks as any operator's file and can be printed as an example. */
static const char default_yaml[] =
        "# dynzoned built-in configuration (used when no -c FILE is given)\n"
        "server:\n"
        "  listen: [127.0.0.1@5353, \"::1@5353\"]\n"
        "  data-dir: ./dynzone-data\n"
        "log:\n"
        "  - target: stderr\n"
        "    format: text\n"
        "    level: info\n"
        "    categories: [general, query, update, notify, xfr-in, xfr-out,\n"
        "                 security, control]\n"
        "acl:\n"
        "  - id: loopback-update\n"
        "    address: [127.0.0.0/8, \"::1\"]\n"
        "    action: [update]\n"
        "zone:\n"
        "  - domain: example.test.\n"
        "    role: primary\n"
        "    acl: [loopback-update]\n";

const char *conf_default_yaml(void)
{
	return default_yaml;
}

int conf_default(conf_t **out, char *errbuf)
{
	return conf_load_str(default_yaml, "<built-in>", out, errbuf);
}
