// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * scsi.c - the SCSI helper every SCSI checker uses: one SG_IO call that
 * classifies how a command ended, one retry loop over it, one sense
 * decoder, and the conclusions checkers draw from an outcome. Keeping them
 * here means the rules for status bytes, sense formats and what is worth
 * retrying are written (and tested) once, not again in every checker. See
 * mpath_scsi.h.
 *
 * No function keeps state; all may run concurrently on any thread.
 *
 * Offers mpath_scsi.h (exported). Calls: log.h only. Called by checker
 * plugins.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/ioctl.h>
#include <scsi/sg.h>

#include "internal.h"
#include "mpath_scsi.h"

/*
 * Room for any sense the kernel will hand back: SPC allows up to 252
 * bytes, Linux keeps 96 per command; what a checker acts on is in the
 * first 14. A larger buffer than the kernel's only costs stack.
 */
#define SENSE_BUF_LEN	96

/* SAM status codes, after masking off the reserved bits. */
#define SAM_GOOD		0x00
#define SAM_CHECK_CONDITION	0x02
#define SAM_BUSY		0x08
#define SAM_RESERVATION_CONFLICT 0x18
#define SAM_TASK_SET_FULL	0x28

/*
 * Bits 0 and 7 of the status byte are reserved, not status; some old
 * targets and drivers leave junk there.
 */
#define SAM_STATUS_MASK		0x7e

/* Host (transport) status codes the kernel reports in host_status. */
#define DID_OK			0x00
#define DID_BUS_BUSY		0x02
#define DID_SOFT_ERROR		0x0b
#define DID_IMM_RETRY		0x0c
#define DID_REQUEUE		0x0d
#define DID_TRANSPORT_DISRUPTED	0x0e

/*
 * Driver status: only the low nibble is the status (the high one held
 * "suggestions" in old kernels). DRIVER_SENSE means sense data was
 * returned; some drivers set it while leaving the status byte at GOOD.
 */
#define DRIVER_STATUS_MASK	0x0f
#define DRIVER_SENSE		0x08

bool mpath_sense_decode(const uint8_t *sb, size_t len, struct mpath_sense *out)
{
	memset(out, 0, sizeof(*out));
	if (!sb || len == 0)
		return false;

	/* Bit 7 of byte 0 is the VALID (information field) bit, not format. */
	switch (sb[0] & 0x7f) {
	case 0x70:
	case 0x71:
		/* Fixed format: key in byte 2, ASC/ASCQ in bytes 12/13. */
		if (len < 3)
			return false;
		out->key = sb[2] & 0x0f;
		/*
		 * Byte 7 says how many bytes follow it; bytes past that are
		 * stale buffer contents, not sense, even when len covers them.
		 */
		if (len >= 8 && len > (size_t)sb[7] + 8)
			len = (size_t)sb[7] + 8;
		if (len > 12)
			out->asc = sb[12];
		if (len > 13)
			out->ascq = sb[13];
		break;
	case 0x72:
	case 0x73:
		/* Descriptor format: key, ASC and ASCQ in bytes 1 to 3. */
		if (len < 2)
			return false;
		out->key = sb[1] & 0x0f;
		if (len > 2)
			out->asc = sb[2];
		if (len > 3)
			out->ascq = sb[3];
		break;
	default:
		/* 0x74-0x7e are reserved, 0x7f is vendor specific: no key. */
		return false;
	}
	out->deferred = (sb[0] & 0x7f) == 0x71 || (sb[0] & 0x7f) == 0x73;
	out->valid = true;
	return true;
}

/* Host codes after which the same command may well succeed at once. */
static bool host_status_transient(unsigned int host)
{
	switch (host) {
	case DID_BUS_BUSY:
	case DID_SOFT_ERROR:
	case DID_IMM_RETRY:
	case DID_REQUEUE:
	case DID_TRANSPORT_DISRUPTED:
		return true;
	default:
		return false;
	}
}

/* Sort a completed SG_IO into one class; hdr is what the kernel returned. */
static void sg_classify(const sg_io_hdr_t *hdr, const uint8_t *sense,
			struct mpath_sg_result *res)
{
	unsigned int driver = res->driver_status & DRIVER_STATUS_MASK;
	size_t sense_len = hdr->sb_len_wr;

	if (sense_len > SENSE_BUF_LEN)
		sense_len = SENSE_BUF_LEN;

	/*
	 * A transport failure first: the status byte and sense of a command
	 * that did not get through to the device mean nothing.
	 */
	if (res->host_status != DID_OK) {
		res->cls = MPATH_SG_TRANSPORT;
		res->transient = host_status_transient(res->host_status);
		return;
	}

	if (res->status == SAM_CHECK_CONDITION ||
	    (driver == DRIVER_SENSE && sense_len > 0)) {
		res->cls = MPATH_SG_CHECK_CONDITION;
		mpath_sense_decode(sense, sense_len, &res->sense);
		/* A unit attention is reported once: the retry will not see it. */
		res->transient = res->sense.valid &&
			res->sense.key == MPATH_SENSE_UNIT_ATTENTION;
		return;
	}

	/*
	 * Any other driver status is the low-level driver giving up on the
	 * command (timeout, error, invalid); DRIVER_SENSE with nothing in the
	 * sense buffer carries no news and falls through to the status.
	 */
	if (driver != 0 && driver != DRIVER_SENSE) {
		res->cls = MPATH_SG_TRANSPORT;
		return;
	}

	switch (res->status) {
	case SAM_GOOD:
		res->cls = MPATH_SG_GOOD;
		break;
	case SAM_RESERVATION_CONFLICT:
		res->cls = MPATH_SG_RESERVATION_CONFLICT;
		break;
	case SAM_BUSY:
	case SAM_TASK_SET_FULL:
		/* The device is there but its queue is full: try again. */
		res->cls = MPATH_SG_BUSY;
		res->transient = true;
		break;
	default:
		res->cls = MPATH_SG_OTHER_STATUS;
		break;
	}
}

int mpath_sg_io(int fd, const uint8_t *cdb, size_t cdb_len,
		enum mpath_sg_dir dir, void *buf, size_t len,
		unsigned int timeout_ms, struct mpath_sg_result *res)
{
	uint8_t sense[SENSE_BUF_LEN];
	sg_io_hdr_t hdr;

	memset(res, 0, sizeof(*res));
	if (!cdb || cdb_len < 6 || cdb_len > 16 || len > UINT_MAX ||
	    (dir != MPATH_SG_NONE && (!buf || !len)) ||
	    (dir != MPATH_SG_NONE && dir != MPATH_SG_FROM_DEV &&
	     dir != MPATH_SG_TO_DEV)) {
		res->cls = MPATH_SG_IOCTL_ERROR;
		res->err = EINVAL;
		return -EINVAL;
	}

	memset(&hdr, 0, sizeof(hdr));
	memset(sense, 0, sizeof(sense));
	hdr.interface_id = 'S';
	hdr.cmd_len = cdb_len;
	/* The kernel only reads the CDB; the header's field is not const. */
	hdr.cmdp = (unsigned char *)cdb;
	hdr.mx_sb_len = sizeof(sense);
	hdr.sbp = sense;
	hdr.timeout = timeout_ms;
	switch (dir) {
	case MPATH_SG_NONE:
		hdr.dxfer_direction = SG_DXFER_NONE;
		break;
	case MPATH_SG_FROM_DEV:
		hdr.dxfer_direction = SG_DXFER_FROM_DEV;
		break;
	case MPATH_SG_TO_DEV:
		hdr.dxfer_direction = SG_DXFER_TO_DEV;
		break;
	}
	if (dir != MPATH_SG_NONE) {
		hdr.dxferp = buf;
		hdr.dxfer_len = len;
	}

	if (ioctl(fd, SG_IO, &hdr) < 0) {
		res->cls = MPATH_SG_IOCTL_ERROR;
		res->err = errno ? errno : EIO;
		mp_debug("SG_IO opcode 0x%02x on fd %d: errno %d", cdb[0], fd,
			 res->err);
		return -res->err;
	}

	res->status = hdr.status & SAM_STATUS_MASK;
	res->host_status = hdr.host_status;
	res->driver_status = hdr.driver_status;
	res->resid = hdr.resid;
	sg_classify(&hdr, sense, res);
	if (res->cls == MPATH_SG_GOOD)
		return 0;

	mp_debug("SG_IO opcode 0x%02x on fd %d: class %d status 0x%02x host 0x%02x driver 0x%02x sense %s%x/%02x/%02x%s",
		 cdb[0], fd, res->cls, res->status, res->host_status,
		 res->driver_status, res->sense.valid ? "" : "(none) ",
		 res->sense.key, res->sense.asc, res->sense.ascq,
		 res->transient ? " (transient)" : "");
	return -EIO;
}

/* The MPATH_SG_RETRY_* bit of a transient result, 0 for a final one. */
static unsigned int sg_retry_kind(const struct mpath_sg_result *res)
{
	if (!res->transient)
		return 0;
	switch (res->cls) {
	case MPATH_SG_CHECK_CONDITION:
		return MPATH_SG_RETRY_UNIT_ATTENTION;
	case MPATH_SG_TRANSPORT:
		return MPATH_SG_RETRY_TRANSPORT;
	case MPATH_SG_BUSY:
		return MPATH_SG_RETRY_BUSY;
	default:
		return 0;
	}
}

int mpath_sg_cmd(int fd, const uint8_t *cdb, size_t cdb_len,
		 enum mpath_sg_dir dir, void *buf, size_t len,
		 unsigned int timeout_ms, unsigned int retries,
		 unsigned int retry_on, struct mpath_sg_result *res)
{
	unsigned int tries = 0;
	int rc;

	/*
	 * Immediate retries: a unit attention is reported once and then
	 * cleared, a transient host status or a full queue usually clears as
	 * fast; the bound keeps a device that keeps saying so from holding
	 * the check for ever.
	 */
	for (;;) {
		rc = mpath_sg_io(fd, cdb, cdb_len, dir, buf, len, timeout_ms,
				 res);
		if (!(sg_retry_kind(res) & retry_on))
			return rc;
		if (tries++ == retries)
			break;
	}
	mp_debug("SG_IO opcode 0x%02x on fd %d: still transient after %u retries",
		 cdb[0], fd, retries);
	return rc;
}

enum mpath_sg_outcome mpath_sg_outcome(const struct mpath_sg_result *res)
{
	switch (res->cls) {
	case MPATH_SG_GOOD:
		return MPATH_SG_DONE;
	case MPATH_SG_IOCTL_ERROR:
		return res->err == ENOTTY ? MPATH_SG_NO_SGIO : MPATH_SG_NOT_SENT;
	case MPATH_SG_TRANSPORT:
		return MPATH_SG_NO_ANSWER;
	case MPATH_SG_CHECK_CONDITION:
		if (res->sense.valid &&
		    res->sense.key == MPATH_SENSE_ILLEGAL_REQUEST)
			return MPATH_SG_UNSUPPORTED;
		return MPATH_SG_REFUSED;
	default:
		return MPATH_SG_REFUSED;
	}
}

int mpath_sg_outcome_state(enum mpath_sg_outcome outcome)
{
	switch (outcome) {
	case MPATH_SG_DONE:
		return PATH_UP;
	case MPATH_SG_NO_SGIO:
	case MPATH_SG_UNSUPPORTED:
		/* Not a device this command can judge: neither up nor down. */
		return PATH_WILD;
	default:
		return PATH_DOWN;
	}
}

size_t mpath_sg_received(size_t len, const struct mpath_sg_result *res)
{
	if (res->cls == MPATH_SG_IOCTL_ERROR)
		return 0;
	if (res->resid <= 0)
		return len;
	if ((size_t)res->resid >= len)
		return 0;
	return len - res->resid;
}
