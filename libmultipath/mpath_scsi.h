/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mpath_scsi.h - SCSI commands over SG_IO for checker plugins: one helper
 * that issues a command and classifies how it ended, one that retries it
 * while the outcome is transient, one sense decoder for fixed and
 * descriptor formats, and the few conclusions every SCSI checker draws from
 * an outcome (what failed, the path state that usually follows, how many
 * bytes came back). Checkers never parse sense bytes or sg_io_hdr status
 * fields, nor write their own retry loop.
 *
 * Part of the plugin SDK (installed next to checkers.h; usable on its own,
 * though the path states mpath_sg_outcome_state() returns are checkers.h's).
 * Every function may be called from any thread, concurrently; none keeps
 * state. mpath_sg_io() and mpath_sg_cmd() block for up to their timeout per
 * try (and, on a dead path, the kernel may hold them longer): call them from
 * libcheck_check(), which the framework runs on its executor for
 * asynchronous checkers. A checker's timeout in milliseconds is
 * mpath_check_timeout_ms() of mpath_time.h.
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

/*
 * Which transient outcomes mpath_sg_cmd() tries again: a checker's
 * specification names them (TEST UNIT READY, for one, reports a BUSY
 * device instead of asking it again at once). MPATH_SG_RETRY_TRANSIENT is
 * every outcome that res.transient marks.
 */
enum {
	MPATH_SG_RETRY_UNIT_ATTENTION = 1u << 0,	/* CHECK CONDITION, UNIT ATTENTION */
	MPATH_SG_RETRY_TRANSPORT = 1u << 1,	/* a transient host status */
	MPATH_SG_RETRY_BUSY = 1u << 2,		/* BUSY or TASK SET FULL */
	MPATH_SG_RETRY_TRANSIENT = MPATH_SG_RETRY_UNIT_ATTENTION |
				   MPATH_SG_RETRY_TRANSPORT |
				   MPATH_SG_RETRY_BUSY,
};

/*
 * mpath_sg_cmd - mpath_sg_io(), tried again while the outcome is transient.
 *
 * The arguments up to timeout_ms (per try) are mpath_sg_io()'s. retries:
 * how many times at most the command is sent again after the first try;
 * retry_on: which transient outcomes (MPATH_SG_RETRY_* bits) count, any
 * other outcome ends the tries at once. A device still answering
 * transiently after the last retry is reported as it answered, so
 * res->transient set on return means the retries were used up on it.
 * *res and the return value are those of the last try.
 */
int mpath_sg_cmd(int fd, const uint8_t *cdb, size_t cdb_len,
		 enum mpath_sg_dir dir, void *buf, size_t len,
		 unsigned int timeout_ms, unsigned int retries,
		 unsigned int retry_on, struct mpath_sg_result *res);

/*
 * What a checker can conclude from how a command ended: whether it reached
 * the device, and whether the device took it. The messages differ from
 * checker to checker, these distinctions do not.
 */
enum mpath_sg_outcome {
	MPATH_SG_DONE = 0,	/* GOOD: the device did what was asked */
	MPATH_SG_NO_SGIO,	/* the ioctl failed with ENOTTY: no SG_IO here */
	MPATH_SG_NOT_SENT,	/* the ioctl failed otherwise: never reached it */
	MPATH_SG_NO_ANSWER,	/* a host (transport) or driver failure: no
				 * answer from the device */
	MPATH_SG_UNSUPPORTED,	/* CHECK CONDITION with ILLEGAL REQUEST: the
				 * device does not know this command or page */
	MPATH_SG_REFUSED,	/* the device answered with any other status */
};

/* mpath_sg_outcome - sort a result (of mpath_sg_io or mpath_sg_cmd). */
enum mpath_sg_outcome mpath_sg_outcome(const struct mpath_sg_result *res);

/*
 * mpath_sg_outcome_state - the path state a command's outcome stands for
 * when the command is how a checker tells whether the device is there:
 * PATH_UP when it was done; PATH_WILD when the device is not one the
 * command can judge (no SG_IO, or it rejects the command as unsupported);
 * PATH_DOWN when the command did not reach the device, got no answer or
 * was refused. A checker that reads more into an answer (sense keys, a
 * passive controller's refusal) looks at the result itself.
 */
int mpath_sg_outcome_state(enum mpath_sg_outcome outcome);

/*
 * mpath_sg_received - the bytes a data-in command of len bytes actually
 * delivered: len less the residual count, never negative, never more than
 * len (a negative or bogus resid is not trusted beyond that). 0 when the
 * ioctl itself failed, as no data came then.
 */
size_t mpath_sg_received(size_t len, const struct mpath_sg_result *res);

#ifdef __cplusplus
}
#endif

#endif /* MPATH_SCSI_H */
