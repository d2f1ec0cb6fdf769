/* SPDX-License-Identifier: BSD-3-Clause */
/* Assembles the XDP filter program (classic eBPF instructions, no compiler needed) that sends our UDP to AF_XDP. */
#include "server/net/net_xdp_prog.h"

#include <arpa/inet.h>
#include <string.h>

#include <linux/if_ether.h>

#include "lib/net/frame.h"
#include "lib/util/errcode.h"

/*
 * Frame offsets (Ethernet II, 14 octets, then IP, then UDP). IPv4 is taken
 * only without options (IHL 5), so its UDP header is at a fixed place.
 */
#define ETH_TYPE 12
#define V4_VER_IHL 14
#define V4_FRAG 20
#define V4_PROTO 23
#define V4_DST 30
#define V4_DPORT 36
#define V4_MIN DZ_FRAME_HDR4_LEN /* up to the end of the UDP header */
#define V6_VER 14
#define V6_NEXT 20
#define V6_DST 38
#define V6_DPORT 56
#define V6_MIN DZ_FRAME_HDR6_LEN

/* struct xdp_md fields the program reads. */
#define MD_DATA 0
#define MD_DATA_END 4
#define MD_RXQ 16

/* Registers: r6 the context, r2 the frame, r7 IPv4 destination, r8 port. */
enum { R0, R1, R2, R3, R4, R5, R6, R7, R8 };

/* Jump targets: fixed ones, then one "next address" label per match. */
enum { L_PASS, L_REDIRECT, L_V4, L_NEXT0, L_COUNT = L_NEXT0 + NET_XDP_MATCH_MAX };

#define FIXUPS_MAX (NET_XDP_MATCH_MAX * 8 + 16)

typedef struct {
	struct bpf_insn *out;
	size_t cap, n;
	long label[L_COUNT]; /* instruction index, -1: not placed yet */
	struct {
		size_t at;
		int label;
	} fix[FIXUPS_MAX];
	size_t nfix;
	bool overflow;
} asm_t;

static void emit(asm_t *a, uint8_t code, uint8_t dst, uint8_t src,
                 int16_t off, int32_t imm)
{
	if (a->n >= a->cap) {
		a->overflow = true;
		return;
	}
	a->out[a->n++] = (struct bpf_insn){.code = code,
	                                   .dst_reg = dst,
	                                   .src_reg = src,
	                                   .off = off,
	                                   .imm = imm};
}

/* A conditional (or, with BPF_JA, plain) jump to \p label, fixed later. */
static void jump(asm_t *a, uint8_t code, uint8_t dst, int32_t imm, int label)
{
	if (a->nfix >= FIXUPS_MAX) {
		a->overflow = true;
		return;
	}
	a->fix[a->nfix].at = a->n;
	a->fix[a->nfix].label = label;
	a->nfix++;
	emit(a, code, dst, 0, 0, imm);
}

static void place(asm_t *a, int label)
{
	a->label[label] = (long)a->n;
}

static void load(asm_t *a, uint8_t size, uint8_t dst, uint8_t base,
                 int16_t off)
{
	emit(a, BPF_LDX | BPF_MEM | size, dst, base, off, 0);
}

/* Go to PASS when data + \p len compared with the frame's end (\p cmp:
 * BPF_JGT - shorter than len, BPF_JLT - longer than len) holds. */
static void length_check(asm_t *a, int32_t len, uint8_t cmp)
{
	emit(a, BPF_ALU64 | BPF_MOV | BPF_X, R4, R2, 0, 0);
	emit(a, BPF_ALU64 | BPF_ADD | BPF_K, R4, 0, 0, len);
	jump(a, BPF_JMP | cmp | BPF_X, R4, 0, L_PASS);
	if (a->n > 0 && !a->overflow) {
		a->out[a->n - 1].src_reg = R3;
	}
}

/* Go to PASS unless the frame has \p need octets. */
static void need_bytes(asm_t *a, int32_t need)
{
	length_check(a, need, BPF_JGT);
}

/* A 16-bit field as the program loads it: network order read little-endian. */
static int32_t wire16(uint16_t host)
{
	return (int32_t)htons(host);
}

static int32_t wire32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return (int32_t)v;
}

static void match_v4(asm_t *a, const net_xdp_match_t *m, int next)
{
	jump(a, BPF_JMP | BPF_JNE | BPF_K, R8, wire16(m->port), next);
	if (!m->any) {
		jump(a, BPF_JMP32 | BPF_JNE | BPF_K, R7, wire32(m->addr), next);
	}
	jump(a, BPF_JMP | BPF_JA, 0, 0, L_REDIRECT);
}

static void match_v6(asm_t *a, const net_xdp_match_t *m, int next)
{
	jump(a, BPF_JMP | BPF_JNE | BPF_K, R8, wire16(m->port), next);
	for (int k = 0; k < 4 && !m->any; k++) {
		load(a, BPF_W, R5, R2, (int16_t)(V6_DST + 4 * k));
		jump(a, BPF_JMP32 | BPF_JNE | BPF_K, R5,
		     wire32(m->addr + 4 * k), next);
	}
	jump(a, BPF_JMP | BPF_JA, 0, 0, L_REDIRECT);
}

/* The listeners of \p family, each failing on to the next; none: PASS. */
static void match_all(asm_t *a, const net_xdp_match_t *m, size_t n,
                      int family)
{
	for (size_t i = 0; i < n; i++) {
		if (m[i].family != family) {
			continue;
		}
		if (family == AF_INET) {
			match_v4(a, &m[i], L_NEXT0 + (int)i);
		} else {
			match_v6(a, &m[i], L_NEXT0 + (int)i);
		}
		place(a, L_NEXT0 + (int)i);
	}
	jump(a, BPF_JMP | BPF_JA, 0, 0, L_PASS);
}

static void section_v6(asm_t *a, const net_xdp_match_t *m, size_t n)
{
	need_bytes(a, V6_MIN);
	load(a, BPF_B, R5, R2, V6_VER);
	emit(a, BPF_ALU64 | BPF_AND | BPF_K, R5, 0, 0, 0xf0);
	jump(a, BPF_JMP | BPF_JNE | BPF_K, R5, 0x60, L_PASS);
	load(a, BPF_B, R5, R2, V6_NEXT);
	jump(a, BPF_JMP | BPF_JNE | BPF_K, R5, IPPROTO_UDP, L_PASS);
	load(a, BPF_H, R8, R2, V6_DPORT);
	match_all(a, m, n, AF_INET6);
}

static void section_v4(asm_t *a, const net_xdp_match_t *m, size_t n)
{
	place(a, L_V4);
	load(a, BPF_B, R5, R2, V4_VER_IHL);
	jump(a, BPF_JMP | BPF_JNE | BPF_K, R5, 0x45, L_PASS);
	load(a, BPF_B, R5, R2, V4_PROTO);
	jump(a, BPF_JMP | BPF_JNE | BPF_K, R5, IPPROTO_UDP, L_PASS);
	/* More-fragments flag or an offset: the kernel reassembles. */
	load(a, BPF_H, R5, R2, V4_FRAG);
	emit(a, BPF_ALU64 | BPF_AND | BPF_K, R5, 0, 0, wire16(0x3fff));
	jump(a, BPF_JMP | BPF_JNE | BPF_K, R5, 0, L_PASS);
	load(a, BPF_W, R7, R2, V4_DST);
	load(a, BPF_H, R8, R2, V4_DPORT);
	match_all(a, m, n, AF_INET);
}

static void tail(asm_t *a, int map_fd, int fallback)
{
	place(a, L_REDIRECT);
	load(a, BPF_W, R2, R6, MD_RXQ);
	/* 64-bit immediate load of the map: two instruction slots. */
	emit(a, BPF_LD | BPF_DW | BPF_IMM, R1, BPF_PSEUDO_MAP_FD, 0, map_fd);
	emit(a, 0, 0, 0, 0, 0);
	emit(a, BPF_ALU64 | BPF_MOV | BPF_K, R3, 0, 0, fallback);
	emit(a, BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_redirect_map);
	emit(a, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	place(a, L_PASS);
	emit(a, BPF_ALU64 | BPF_MOV | BPF_K, R0, 0, 0, XDP_PASS);
	emit(a, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
}

static int resolve(asm_t *a)
{
	for (size_t i = 0; i < a->nfix; i++) {
		long to = a->label[a->fix[i].label];
		long off = to - (long)a->fix[i].at - 1;
		if (to < 0 || off < 0 || off > INT16_MAX) {
			return DZ_EINVAL;
		}
		a->out[a->fix[i].at].off = (int16_t)off;
	}
	return DZ_OK;
}

static int check_matches(const net_xdp_match_t *m, size_t n)
{
	if (n == 0 || n > NET_XDP_MATCH_MAX) {
		return DZ_EINVAL;
	}
	for (size_t i = 0; i < n; i++) {
		if (m[i].family != AF_INET && m[i].family != AF_INET6) {
			return DZ_EINVAL;
		}
	}
	return DZ_OK;
}

int net_xdp_prog_build(const net_xdp_match_t *m, size_t n, int map_fd,
                       int fallback, uint32_t max_len, struct bpf_insn *out,
                       size_t cap)
{
	int rc = check_matches(m, n);
	if (rc == DZ_OK && (max_len < V6_MIN || max_len > INT32_MAX)) {
		rc = DZ_EINVAL;
	}
	if (rc != DZ_OK) {
		return rc;
	}
	asm_t *a = &(asm_t){.out = out, .cap = cap};
	for (int i = 0; i < L_COUNT; i++) {
		a->label[i] = -1;
	}
	emit(a, BPF_ALU64 | BPF_MOV | BPF_X, R6, R1, 0, 0);
	load(a, BPF_W, R2, R6, MD_DATA);
	load(a, BPF_W, R3, R6, MD_DATA_END);
	need_bytes(a, V4_MIN);
	length_check(a, (int32_t)max_len, BPF_JLT); /* longer: the stack */
	load(a, BPF_H, R5, R2, ETH_TYPE);
	jump(a, BPF_JMP | BPF_JEQ | BPF_K, R5, wire16(ETH_P_IP), L_V4);
	jump(a, BPF_JMP | BPF_JNE | BPF_K, R5, wire16(ETH_P_IPV6), L_PASS);
	section_v6(a, m, n);
	section_v4(a, m, n);
	tail(a, map_fd, fallback);
	if (a->overflow) {
		return DZ_ESPACE;
	}
	rc = resolve(a);
	return rc == DZ_OK ? (int)a->n : rc;
}
