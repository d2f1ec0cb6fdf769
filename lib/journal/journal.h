/* SPDX-License-Identifier: BSD-3-Clause */
/* Zone journal: an append-only file of checksummed change records per zone. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/util/api.h"

/* From lib/zone/changeset.h (a repeated typedef is valid C11). */
typedef struct dz_changeset dz_changeset_t;

/*
 * One journal file per zone (format: docs/formats/journal.md). Each record
 * holds the change from one serial to the next; records chain (the
 * serial_from of a record is the serial_to of the one before) so a zone can
 * replay the records that follow its zone file's serial, and IXFR can be
 * served from any serial the journal holds.
 *
 * Durability is explicit: dz_journal_append() adds a record to the current
 * batch (in memory), dz_journal_sync() writes the whole batch with one
 * write() and fdatasync()s it (group commit, DESIGN.md §3). If the batch
 * cannot be written, the file is put back as it was before the batch and
 * the journal stays usable for the next batch.
 *
 * A journal object is not thread-safe: its owner (the zone's writer)
 * serialises every call, including reads for IXFR.
 */

typedef struct dz_journal dz_journal_t;

/*! Open flags. */
enum {
	DZ_JOURNAL_CREATE = 1u << 0, /*!< create the file if missing or empty */
	DZ_JOURNAL_RDONLY = 1u << 1, /*!< read only: never written or repaired */
};

/*! Largest record accepted on append or read (bounds untrusted lengths). */
#define DZ_JOURNAL_MAX_RECORD (256u * 1024 * 1024)

/*! Why the scan at open stopped before the end of the file. */
typedef enum dz_journal_cut {
	DZ_JOURNAL_CUT_NONE = 0, /*!< every byte belonged to a good record */
	DZ_JOURNAL_CUT_SHORT,    /*!< the file ends inside a record */
	DZ_JOURNAL_CUT_MARKER,   /*!< no record marker where a record starts */
	DZ_JOURNAL_CUT_LENGTH,   /*!< impossible record length */
	DZ_JOURNAL_CUT_CRC,      /*!< checksum mismatch */
	DZ_JOURNAL_CUT_FORMAT,   /*!< the RRs do not fill the record exactly */
	DZ_JOURNAL_CUT_CHAIN,    /*!< serials do not follow the previous record */
} dz_journal_cut_t;

/*! What the scan at open found (for the `journal-truncated` log event). */
typedef struct dz_journal_repair {
	uint32_t records;        /*!< good records kept */
	uint64_t good_size;      /*!< file size up to the end of the last one */
	uint64_t cut_bytes;      /*!< bytes after it, not replayed */
	dz_journal_cut_t reason; /*!< why they were not used */
	bool truncated;          /*!< cut_bytes were removed from the file */
} dz_journal_repair_t;

/*! Summary of an open journal. */
typedef struct dz_journal_info {
	uint32_t records;   /*!< committed records */
	uint64_t size;      /*!< committed file size in octets */
	bool has_serial;    /*!< false: new journal, no record and no anchor */
	uint32_t first;     /*!< oldest serial held (serial_from of the first
	                         record, or the anchor when there is none) */
	uint32_t last;      /*!< serial_to of the newest committed record */
	uint64_t created;   /*!< creation time of the file (Unix seconds) */
} dz_journal_info_t;

/*! Iterator over committed records (a value; no cleanup needed). It is
 *  invalidated by dz_journal_trim() and dz_journal_free(). */
typedef struct dz_journal_iter {
	dz_journal_t *j;
	size_t pos; /*!< next record index */
	size_t end; /*!< one past the last record to visit */
} dz_journal_iter_t;

/*!
 * \brief Open the journal at \p path for zone \p origin.
 *
 * The whole file is scanned and an index (serial -> offset) is built. A torn
 * or corrupt tail (see dz_journal_cut_t) ends the scan: the file is
 * truncated to the last good record (unless DZ_JOURNAL_RDONLY) and \p repair
 * says what was cut; records after a bad one are never used. A new file is
 * created atomically (temp file, fsync, rename, fsync of the folder). A
 * writable journal holds an exclusive flock() on the file.
 *
 * \param origin  zone apex (wire); NULL accepts any (tools)
 * \param flags   DZ_JOURNAL_CREATE, DZ_JOURNAL_RDONLY
 * \param repair  optional; filled on success
 * \return DZ_OK, DZ_EINVAL, -errno (DZ_ENOENT without DZ_JOURNAL_CREATE,
 *         DZ_EACCES, -EWOULDBLOCK if another process holds it), DZ_EMALF
 *         (bad file header), DZ_ENOTSUP (unknown version), DZ_EOUTZONE
 *         (the journal belongs to another zone), DZ_ENOMEM
 */
DZ_API int dz_journal_open(const char *path, const uint8_t *origin,
                           unsigned flags, dz_journal_repair_t *repair,
                           dz_journal_t **out);

/*!
 * \brief Open a journal image held in memory, read only (fuzzing, tests).
 *        \p buf is borrowed and must outlive the journal.
 * \return as dz_journal_open()
 */
DZ_API int dz_journal_open_buf(const uint8_t *buf, size_t len,
                               const uint8_t *origin,
                               dz_journal_repair_t *repair,
                               dz_journal_t **out);

/*! \brief Close a journal, dropping an unsynced batch. NULL is a no-op. */
DZ_API void dz_journal_free(dz_journal_t *j);

/*! \brief Zone apex stored in the journal (borrowed). */
DZ_API const uint8_t *dz_journal_origin(const dz_journal_t *j);

/*! \brief Summary of the committed records. */
DZ_API void dz_journal_info(const dz_journal_t *j, dz_journal_info_t *info);

/*! \brief Committed file size in octets (for `journal-max-size`). */
DZ_API uint64_t dz_journal_size(const dz_journal_t *j);

/*!
 * \brief Add the change \p serial_from -> \p serial_to to the current batch.
 *
 * Nothing reaches the file before dz_journal_sync() (except that a batch
 * over 4 MiB is written early, still unsynced). The record must chain:
 * \p serial_from equals the serial_to of the last record (committed or in
 * the batch), or the anchor of an empty journal, and \p serial_to is newer
 * (RFC 1982).
 *
 * \return DZ_OK; DZ_ESERIAL, DZ_ELIMIT (record too large), DZ_ENOMEM,
 *         DZ_ENOTSUP (read-only journal) leave the batch as it was; -errno
 *         from an early write drops the whole batch (as dz_journal_sync)
 */
DZ_API int dz_journal_append(dz_journal_t *j, uint32_t serial_from,
                             uint32_t serial_to, const dz_changeset_t *ch);

/*!
 * \brief Write the current batch and fdatasync() it (group commit).
 *
 * On failure the batch is dropped and the file truncated back to its size
 * before the batch (if even that fails, the next sync retries the truncation
 * first, and the next open cuts the torn tail); the journal stays usable.
 *
 * \return DZ_OK (also for an empty batch), DZ_ENOTSUP (read-only), or
 *         -errno (DZ_ENOSPC, DZ_EIO, -EFBIG, ...)
 */
DZ_API int dz_journal_sync(dz_journal_t *j);

/*!
 * \brief Drop the current batch without writing it.
 * \return DZ_OK, or -errno if bytes written early could not be truncated
 */
DZ_API int dz_journal_abort(dz_journal_t *j);

/*!
 * \brief Iterator over the committed records that follow \p serial: the
 *        first one visited has serial_from == \p serial.
 *
 * If a serial occurs twice (the chain went round 2^32) the newest occurrence
 * is used. \p serial equal to the newest serial_to (or to the anchor of an
 * empty journal) gives an empty iterator: nothing follows.
 *
 * \return DZ_OK, DZ_ENOENT (the journal does not hold \p serial)
 */
DZ_API int dz_journal_find(dz_journal_t *j, uint32_t serial,
                           dz_journal_iter_t *it);

/*! \brief Iterator over every committed record, oldest first. */
DZ_API void dz_journal_iter_all(dz_journal_t *j, dz_journal_iter_t *it);

/*!
 * \brief Read the next record: its serials and a new change set (owned by
 *        the caller, free with dz_changeset_free()).
 *
 * The record is read again from the file and its CRC checked, so rot since
 * the open is reported rather than replayed.
 *
 * \return DZ_OK, DZ_ENOENT (no more records), DZ_EMALF (the record no longer
 *         checks out), DZ_ENOMEM, -errno
 */
DZ_API int dz_journal_iter_next(dz_journal_iter_t *it, uint32_t *serial_from,
                                uint32_t *serial_to, dz_changeset_t **ch);

/*! \brief File offset of the record the next call to iter_next() reads
 *         (for messages); the committed size at the end. */
DZ_API uint64_t dz_journal_iter_offset(const dz_journal_iter_t *it);

/*!
 * \brief Drop the records before \p keep_from (already in the zone file).
 *
 * The kept records are copied into a temp file beside the journal, which is
 * fsync()ed and renamed over it, then the folder is fsync()ed: a crash
 * leaves either the old or the new journal. \p keep_from equal to the newest
 * serial drops every record; the journal stays anchored there, so the next
 * append still has to chain. Iterators are invalidated.
 *
 * \return DZ_OK (also when nothing is to drop), DZ_ENOENT (serial not held),
 *         DZ_EINVAL (a batch is pending), DZ_ENOTSUP (read only), -errno
 */
DZ_API int dz_journal_trim(dz_journal_t *j, uint32_t keep_from);

/*! \brief Short lowercase phrase for a cut reason ("bad crc", ...). */
DZ_API const char *dz_journal_cut_str(dz_journal_cut_t reason);
