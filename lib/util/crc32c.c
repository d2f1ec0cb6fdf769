/* SPDX-License-Identifier: BSD-3-Clause */
/* CRC32C: slice-by-8 tables, and the SSE4.2 instruction where available. */
#include "lib/util/crc32c.h"

#include <pthread.h>
#include <string.h>

/* Reflected Castagnoli polynomial 0x1EDC6F41 (RFC 3720 §12.1). */
#define CRC32C_POLY 0x82F63B78u

/* Eight tables of 256 entries: table[k][b] is the CRC of byte b followed by
 * k zero bytes, so eight input bytes are folded with eight look-ups. */
static uint32_t crc_table[8][256];
static bool crc_hw;
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;

static void crc_init(void)
{
	for (uint32_t b = 0; b < 256; b++) {
		uint32_t c = b;
		for (int i = 0; i < 8; i++) {
			c = (c >> 1) ^ (CRC32C_POLY & (0u - (c & 1u)));
		}
		crc_table[0][b] = c;
	}
	for (uint32_t b = 0; b < 256; b++) {
		for (int k = 1; k < 8; k++) {
			uint32_t prev = crc_table[k - 1][b];
			crc_table[k][b] = (prev >> 8) ^ crc_table[0][prev & 0xff];
		}
	}
#if defined(__x86_64__)
	__builtin_cpu_init();
	crc_hw = __builtin_cpu_supports("sse4.2");
#endif
}

static uint32_t crc_sw(uint32_t c, const uint8_t *p, size_t len)
{
	while (len > 0 && ((uintptr_t)p & 7) != 0) {
		c = (c >> 8) ^ crc_table[0][(c ^ *p++) & 0xff];
		len--;
	}
	while (len >= 8) {
		/* Little-endian load of the next 8 octets, as two words. */
		uint32_t lo = (uint32_t)p[0] | (uint32_t)p[1] << 8 |
		              (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
		uint32_t hi = (uint32_t)p[4] | (uint32_t)p[5] << 8 |
		              (uint32_t)p[6] << 16 | (uint32_t)p[7] << 24;
		lo ^= c;
		c = crc_table[7][lo & 0xff] ^ crc_table[6][(lo >> 8) & 0xff] ^
		    crc_table[5][(lo >> 16) & 0xff] ^ crc_table[4][lo >> 24] ^
		    crc_table[3][hi & 0xff] ^ crc_table[2][(hi >> 8) & 0xff] ^
		    crc_table[1][(hi >> 16) & 0xff] ^ crc_table[0][hi >> 24];
		p += 8;
		len -= 8;
	}
	while (len > 0) {
		c = (c >> 8) ^ crc_table[0][(c ^ *p++) & 0xff];
		len--;
	}
	return c;
}

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) static uint32_t crc_hw_run(uint32_t c,
                                                             const uint8_t *p,
                                                             size_t len)
{
	while (len > 0 && ((uintptr_t)p & 7) != 0) {
		c = __builtin_ia32_crc32qi(c, *p++);
		len--;
	}
	uint64_t c64 = c;
	while (len >= 8) {
		uint64_t w;
		memcpy(&w, p, sizeof(w));
		c64 = __builtin_ia32_crc32di(c64, w);
		p += 8;
		len -= 8;
	}
	c = (uint32_t)c64;
	while (len > 0) {
		c = __builtin_ia32_crc32qi(c, *p++);
		len--;
	}
	return c;
}
#endif

uint32_t dz_crc32c_sw(uint32_t crc, const void *data, size_t len)
{
	(void)pthread_once(&crc_once, crc_init);
	return ~crc_sw(~crc, data, len);
}

uint32_t dz_crc32c(uint32_t crc, const void *data, size_t len)
{
	(void)pthread_once(&crc_once, crc_init);
#if defined(__x86_64__)
	if (crc_hw) {
		return ~crc_hw_run(~crc, data, len);
	}
#endif
	return ~crc_sw(~crc, data, len);
}

bool dz_crc32c_hw_available(void)
{
	(void)pthread_once(&crc_once, crc_init);
	return crc_hw;
}
