/* SPDX-License-Identifier: BSD-3-Clause */
/* Bounded big-endian read/write cursor over a buffer, with a sticky error. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lib/util/errcode.h"

/*
 * Every access is bounds-checked. The first failure is kept in `err` and
 * every later operation becomes a no-op (reads return 0 / zero-fill), so a
 * parser can read a whole structure and check `err` once at the end:
 * DZ_ETRUNC for a read or skip past the end, DZ_ESPACE for a write past the
 * end, DZ_ERANGE for set_pos beyond the buffer. Invariant: pos <= size.
 */

/*! \brief Cursor; transparent so it can live on the stack. */
typedef struct dz_wire_ctx {
	uint8_t *buf; /*!< start of the buffer */
	size_t size;  /*!< buffer size in octets */
	size_t pos;   /*!< current offset, <= size */
	int err;      /*!< DZ_OK or the first error */
} dz_wire_ctx_t;

/*! \brief Start a cursor at offset 0 of a writable buffer. */
static inline void dz_wire_ctx_init(dz_wire_ctx_t *ctx, uint8_t *buf,
                                    size_t size)
{
	ctx->buf = buf;
	ctx->size = size;
	ctx->pos = 0;
	ctx->err = DZ_OK;
}

/*!
 * \brief Start a read-only cursor over a const buffer (a received packet).
 *        The write functions must not be used on it.
 */
static inline void dz_wire_ctx_init_const(dz_wire_ctx_t *ctx,
                                          const uint8_t *buf, size_t size)
{
	dz_wire_ctx_init(ctx, (uint8_t *)(uintptr_t)buf, size);
}

/*! \brief Octets left between the position and the end (0 after an error). */
static inline size_t dz_wire_ctx_available(const dz_wire_ctx_t *ctx)
{
	return ctx->err != DZ_OK ? 0 : ctx->size - ctx->pos;
}

/* Private: can n octets be accessed? If not, record err and say no. */
static inline bool dz__wire_ctx_need(dz_wire_ctx_t *ctx, size_t n, int err)
{
	if (ctx->err != DZ_OK) {
		return false;
	}
	if (ctx->size - ctx->pos < n) {
		ctx->err = err;
		return false;
	}
	return true;
}

/*! \brief Move to absolute offset \p pos (DZ_ERANGE if beyond the end). */
static inline void dz_wire_ctx_set_pos(dz_wire_ctx_t *ctx, size_t pos)
{
	if (ctx->err != DZ_OK) {
		return;
	}
	if (pos > ctx->size) {
		ctx->err = DZ_ERANGE;
		return;
	}
	ctx->pos = pos;
}

/*! \brief Move forward \p n octets (DZ_ETRUNC if past the end). */
static inline void dz_wire_ctx_skip(dz_wire_ctx_t *ctx, size_t n)
{
	if (dz__wire_ctx_need(ctx, n, DZ_ETRUNC)) {
		ctx->pos += n;
	}
}

/*! \brief Read one octet; 0 on error. */
static inline uint8_t dz_wire_ctx_read_u8(dz_wire_ctx_t *ctx)
{
	if (!dz__wire_ctx_need(ctx, 1, DZ_ETRUNC)) {
		return 0;
	}
	return ctx->buf[ctx->pos++];
}

/*! \brief Read a big-endian 16-bit value; 0 on error. */
static inline uint16_t dz_wire_ctx_read_u16(dz_wire_ctx_t *ctx)
{
	if (!dz__wire_ctx_need(ctx, 2, DZ_ETRUNC)) {
		return 0;
	}
	const uint8_t *p = ctx->buf + ctx->pos;
	ctx->pos += 2;
	return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

/*! \brief Read a big-endian 32-bit value; 0 on error. */
static inline uint32_t dz_wire_ctx_read_u32(dz_wire_ctx_t *ctx)
{
	if (!dz__wire_ctx_need(ctx, 4, DZ_ETRUNC)) {
		return 0;
	}
	const uint8_t *p = ctx->buf + ctx->pos;
	ctx->pos += 4;
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/*! \brief Read a big-endian 48-bit value (TSIG time, RFC 8945); 0 on error. */
static inline uint64_t dz_wire_ctx_read_u48(dz_wire_ctx_t *ctx)
{
	if (!dz__wire_ctx_need(ctx, 6, DZ_ETRUNC)) {
		return 0;
	}
	const uint8_t *p = ctx->buf + ctx->pos;
	ctx->pos += 6;
	uint64_t v = 0;
	for (int i = 0; i < 6; i++) {
		v = v << 8 | p[i];
	}
	return v;
}

/*! \brief Copy \p n octets to \p dst; on error \p dst is zero-filled. */
static inline void dz_wire_ctx_read_bytes(dz_wire_ctx_t *ctx, uint8_t *dst,
                                          size_t n)
{
	if (!dz__wire_ctx_need(ctx, n, DZ_ETRUNC)) {
		if (n > 0) {
			memset(dst, 0, n);
		}
		return;
	}
	if (n > 0) {
		memcpy(dst, ctx->buf + ctx->pos, n);
	}
	ctx->pos += n;
}

/*!
 * \brief Borrow \p n octets in place and move past them.
 * \return pointer into the buffer, or NULL on error
 */
static inline const uint8_t *dz_wire_ctx_read_ptr(dz_wire_ctx_t *ctx, size_t n)
{
	if (!dz__wire_ctx_need(ctx, n, DZ_ETRUNC)) {
		return NULL;
	}
	const uint8_t *p = ctx->buf + ctx->pos;
	ctx->pos += n;
	return p;
}

/*! \brief Write one octet. */
static inline void dz_wire_ctx_write_u8(dz_wire_ctx_t *ctx, uint8_t v)
{
	if (dz__wire_ctx_need(ctx, 1, DZ_ESPACE)) {
		ctx->buf[ctx->pos++] = v;
	}
}

/*! \brief Write a big-endian 16-bit value. */
static inline void dz_wire_ctx_write_u16(dz_wire_ctx_t *ctx, uint16_t v)
{
	if (dz__wire_ctx_need(ctx, 2, DZ_ESPACE)) {
		uint8_t *p = ctx->buf + ctx->pos;
		p[0] = (uint8_t)(v >> 8);
		p[1] = (uint8_t)v;
		ctx->pos += 2;
	}
}

/*! \brief Write a big-endian 32-bit value. */
static inline void dz_wire_ctx_write_u32(dz_wire_ctx_t *ctx, uint32_t v)
{
	if (dz__wire_ctx_need(ctx, 4, DZ_ESPACE)) {
		uint8_t *p = ctx->buf + ctx->pos;
		p[0] = (uint8_t)(v >> 24);
		p[1] = (uint8_t)(v >> 16);
		p[2] = (uint8_t)(v >> 8);
		p[3] = (uint8_t)v;
		ctx->pos += 4;
	}
}

/*! \brief Write the low 48 bits of \p v big-endian (TSIG time). */
static inline void dz_wire_ctx_write_u48(dz_wire_ctx_t *ctx, uint64_t v)
{
	if (dz__wire_ctx_need(ctx, 6, DZ_ESPACE)) {
		uint8_t *p = ctx->buf + ctx->pos;
		for (int i = 5; i >= 0; i--) {
			p[i] = (uint8_t)v;
			v >>= 8;
		}
		ctx->pos += 6;
	}
}

/*! \brief Write \p n octets from \p src. */
static inline void dz_wire_ctx_write_bytes(dz_wire_ctx_t *ctx,
                                           const uint8_t *src, size_t n)
{
	if (dz__wire_ctx_need(ctx, n, DZ_ESPACE) && n > 0) {
		memcpy(ctx->buf + ctx->pos, src, n);
		ctx->pos += n;
	}
}
