/* SPDX-License-Identifier: BSD-3-Clause */
/* Fuzz target: decode control-protocol requests and responses; what decodes must re-encode to the same octets and decode equal. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/ctl/ctl_proto.h"
#include "lib/util/errcode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static dz_ctl_req_t req, req2;
static uint8_t out[DZ_CTL_FRAME_HDR + DZ_CTL_FRAME_MAX];

static void check(int ok)
{
	if (!ok) {
		abort();
	}
}

static void req_equal(const dz_ctl_req_t *a, const dz_ctl_req_t *b)
{
	check(a->flags == b->flags && a->argc == b->argc);
	for (size_t i = 0; i < a->argc; i++) {
		check(strcmp(a->arg[i], b->arg[i]) == 0);
	}
}

/* The encoding is canonical, so a decoded frame re-encodes byte for byte. */
static void fuzz_req(const uint8_t *data, size_t size)
{
	if (dz_ctl_req_from_wire(data, size, &req) != DZ_OK) {
		return;
	}
	check(req.argc >= 1 && req.argc <= DZ_CTL_MAX_ARGS);
	int n = dz_ctl_req_to_wire(&req, out, sizeof(out));
	check(n > 0 && (size_t)n == size && memcmp(out, data, size) == 0);
	check(dz_ctl_req_from_wire(out, (size_t)n, &req2) == DZ_OK);
	req_equal(&req, &req2);
}

static void fuzz_resp(const uint8_t *data, size_t size)
{
	dz_ctl_resp_t resp, resp2;
	if (dz_ctl_resp_from_wire(data, size, &resp) != DZ_OK) {
		return;
	}
	check(resp.status <= 0);
	int n = dz_ctl_resp_to_wire(&resp, out, sizeof(out));
	check(n > 0 && (size_t)n == size && memcmp(out, data, size) == 0);
	check(dz_ctl_resp_from_wire(out, (size_t)n, &resp2) == DZ_OK);
	check(resp2.status == resp.status && resp2.text_len == resp.text_len);
	check(resp.text_len == 0 ||
	      memcmp(resp.text, resp2.text, resp.text_len) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t flen = 0;
	if (dz_ctl_frame_len(data, size, DZ_CTL_FRAME_MAX, &flen) == DZ_OK) {
		check(flen > DZ_CTL_FRAME_HDR &&
		      flen <= DZ_CTL_FRAME_HDR + DZ_CTL_FRAME_MAX);
	}
	fuzz_req(data, size);
	fuzz_resp(data, size);
	return 0;
}
