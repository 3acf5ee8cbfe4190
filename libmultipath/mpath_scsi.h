/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mpath_scsi.h - SCSI commands over SG_IO for checker plugins: one helper
 * that issues a command and classifies how it ended, and one sense decoder
 * for fixed and descriptor formats. Checkers never parse sense bytes or
 * sg_io_hdr status fields themselves.
 *
 * Part of the plugin SDK (installed next to checkers.h; usable on its own).
 * Both functions may be called from any thread, concurrently; they keep no
 * state. mpath_sg_io() blocks for up to its timeout (and, on a dead path,
 * the kernel may hold it longer): call it from libcheck_check(), which the
 * framework runs on its executor for asynchronous checkers.
 */
#ifndef MPATH_SCSI_H
#define MPATH_SCSI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum mpath_sg_dir {
	MPATH_SG_NONE,		/* no data (TEST UNIT READY) */
	MPATH_SG_FROM_DEV,	/* data in (INQUIRY, READ, MODE SENSE) */
	MPATH_SG_TO_DEV,	/* data out (MODE SELECT) */
};

/* How a command ended. */
enum mpath_sg_class {
	MPATH_SG_GOOD = 0,		/* SCSI status GOOD, no transport error */
	MPATH_SG_IOCTL_ERROR,		/* the ioctl failed: errno in err */
	MPATH_SG_TRANSPORT,		/* host or driver status says so */
	MPATH_SG_CHECK_CONDITION,	/* CHECK CONDITION: see sense */
	MPATH_SG_RESERVATION_CONFLICT,
	MPATH_SG_BUSY,			/* BUSY or TASK SET FULL */
	MPATH_SG_OTHER_STATUS,		/* any other SCSI status */
};

/* Decoded sense data. */
struct mpath_sense {
	bool valid;		/* a sense key could be decoded */
	bool deferred;		/* response code 0x71 or 0x73 */
	uint8_t key;		/* sense key, 0..15 */
	uint8_t asc;		/* 0 when the buffer is too short to hold it */
	uint8_t ascq;		/* 0 when the buffer is too short to hold it */
};

/* Sense keys the checkers act on. */
enum {
	MPATH_SENSE_NO_SENSE = 0x0,
	MPATH_SENSE_RECOVERED_ERROR = 0x1,
	MPATH_SENSE_NOT_READY = 0x2,
	MPATH_SENSE_MEDIUM_ERROR = 0x3,
	MPATH_SENSE_HARDWARE_ERROR = 0x4,
	MPATH_SENSE_ILLEGAL_REQUEST = 0x5,
	MPATH_SENSE_UNIT_ATTENTION = 0x6,
	MPATH_SENSE_DATA_PROTECT = 0x7,
	MPATH_SENSE_ABORTED_COMMAND = 0xb,
};

struct mpath_sg_result {
	enum mpath_sg_class cls;
	int err;		/* errno of a failed ioctl, else 0 */
	uint8_t status;		/* SCSI status byte */
	uint16_t host_status;	/* DID_* */
	uint16_t driver_status;	/* DRIVER_* */
	int resid;		/* bytes not transferred */
	struct mpath_sense sense;	/* valid with CHECK CONDITION */
	/*
	 * Worth retrying: UNIT ATTENTION, a transient host status (bus busy,
	 * requeue, immediate retry, transport disrupted, soft error) or BUSY.
	 */
	bool transient;
};

/*
 * mpath_sense_decode - decode a sense buffer of len bytes.
 *
 * Understands fixed (response code 0x70/0x71) and descriptor (0x72/0x73)
 * formats. Returns true and fills *out when a sense key could be decoded;
 * ASC/ASCQ are 0 when the buffer is too short to hold them. Returns false
 * (and out->valid false) for an empty, truncated-before-the-key or
 * unrecognised buffer. Never reads past len.
 */
bool mpath_sense_decode(const uint8_t *sb, size_t len, struct mpath_sense *out);

/*
 * mpath_sg_io - issue one SCSI command with SG_IO on fd and classify it.
 *
 * cdb: cdb_len bytes (6 to 16); buf/len: the data buffer for dir (NULL/0
 * for MPATH_SG_NONE); timeout_ms: the command timeout given to the kernel.
 * Always fills *res. Returns 0 when the command completed with GOOD status
 * and no transport error, -err when the ioctl failed (-ENOTTY: the device
 * does not support SG_IO), -EIO otherwise (res says why).
 */
int mpath_sg_io(int fd, const uint8_t *cdb, size_t cdb_len,
		enum mpath_sg_dir dir, void *buf, size_t len,
		unsigned int timeout_ms, struct mpath_sg_result *res);

#ifdef __cplusplus
}
#endif

#endif /* MPATH_SCSI_H */
