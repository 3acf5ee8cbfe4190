// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * cciss_tur.c - libcheckcciss_tur.so: TEST UNIT READY for logical volumes
 * of HP Smart Array (cciss) controllers.
 *
 * Those volumes are not SCSI devices to the kernel, so SG_IO cannot reach
 * them; the controller driver has its own pass-through ioctl instead. The
 * volume's controller-side id comes from CCISS_GETLUNINFO, and a TEST UNIT
 * READY addressed to it goes through CCISS_PASSTHRU. The controller's
 * command status says whether the volume answered.
 *
 * A plain blocking check: the framework's executor runs it on a worker for
 * asynchronous checkers and enforces the deadline, so no threads here.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/cciss_ioctl.h>

#include "checkers.h"
#include "mpath_scsi.h"
#include "mpath_time.h"

#define CTUR_MAX_TIMEOUT_S	0xffff	/* the request's timeout is 16 bits */
#define CTUR_LOGVOL_ADDRESSING	1	/* LUN address mode: logical volume */
#define CTUR_VOLID_MASK		0x3fffffff	/* the address's 30-bit id */

enum {
	MSG_CTUR_UP = CHECKER_FIRST_MSGID,
	MSG_CTUR_UNSUPPORTED,
	MSG_CTUR_LUNINFO_FAILED,
	MSG_CTUR_PASSTHRU_FAILED,
	MSG_CTUR_TARGET_STATUS,
	MSG_CTUR_COMMAND_FAILED,
};

#define MSG(id)	[(id) - CHECKER_FIRST_MSGID]
const char *libcheck_msgtable[] = {
	MSG(MSG_CTUR_UP) = "test unit ready succeeded",
	MSG(MSG_CTUR_UNSUPPORTED) = "cciss_tur checker doesn't support this device (not a cciss volume)",
	MSG(MSG_CTUR_LUNINFO_FAILED) = "cannot read the volume's LUN information",
	MSG(MSG_CTUR_PASSTHRU_FAILED) = "controller pass-through ioctl failed",
	MSG(MSG_CTUR_TARGET_STATUS) = "test unit ready failed: volume returned a SCSI error status",
	MSG(MSG_CTUR_COMMAND_FAILED) = "test unit ready failed: controller reported an error",
	NULL,
};

/* No per-path state: the LUN id is asked for again at every check. */
int libcheck_init(struct checker *c)
{
	c->context = NULL;
	return 0;
}

void libcheck_free(struct checker *c)
{
}

/* A failed ioctl: ENOTTY means the driver is not cciss at all. */
static int ctur_ioctl_failed(struct checker *c, const char *what, int err,
			     short msgid)
{
	mpath_log(MPATH_LOG_DEBUG, "cciss_tur: fd %d: %s: errno %d", c->fd,
		  what, err);
	if (err == ENOTTY) {
		c->msgid = MSG_CTUR_UNSUPPORTED;
		return PATH_WILD;
	}
	c->msgid = msgid;
	return PATH_DOWN;
}

int libcheck_check(struct checker *c)
{
	unsigned int tmo = mpath_check_timeout_s(c);
	IOCTL_Command_struct cmd;
	LogvolInfo_struct lvi;
	struct mpath_sense sense;
	int err;

	memset(&lvi, 0, sizeof(lvi));
	if (ioctl(c->fd, CCISS_GETLUNINFO, &lvi) < 0) {
		err = errno;
		return ctur_ioctl_failed(c, "CCISS_GETLUNINFO", err,
					 MSG_CTUR_LUNINFO_FAILED);
	}

	memset(&cmd, 0, sizeof(cmd));
	cmd.LUN_info.LogDev.VolId = lvi.LunID & CTUR_VOLID_MASK;
	cmd.LUN_info.LogDev.Mode = CTUR_LOGVOL_ADDRESSING;
	cmd.Request.CDBLen = 6;		/* TEST UNIT READY: six zero bytes */
	cmd.Request.Type.Type = TYPE_CMD;
	cmd.Request.Type.Attribute = ATTR_SIMPLE;
	cmd.Request.Type.Direction = XFER_NONE;
	cmd.Request.Timeout = tmo > CTUR_MAX_TIMEOUT_S ? CTUR_MAX_TIMEOUT_S : tmo;
	cmd.buf_size = 0;
	cmd.buf = NULL;
	if (ioctl(c->fd, CCISS_PASSTHRU, &cmd) < 0) {
		err = errno;
		return ctur_ioctl_failed(c, "CCISS_PASSTHRU", err,
					 MSG_CTUR_PASSTHRU_FAILED);
	}

	/*
	 * The ioctl succeeds whenever the controller took the request; how
	 * the command itself ended is in the error information.
	 */
	switch (cmd.error_info.CommandStatus) {
	case CMD_SUCCESS:
		c->msgid = MSG_CTUR_UP;
		return PATH_UP;
	case CMD_TARGET_STATUS:
		/* Decoded only to tell the debug log why. */
		mpath_sense_decode(cmd.error_info.SenseInfo,
				   cmd.error_info.SenseLen < SENSEINFOBYTES ?
				   cmd.error_info.SenseLen : SENSEINFOBYTES,
				   &sense);
		mpath_log(MPATH_LOG_DEBUG, "cciss_tur: fd %d: SCSI status 0x%02x, sense %x/%02x/%02x",
			  c->fd, cmd.error_info.ScsiStatus, sense.key,
			  sense.asc, sense.ascq);
		c->msgid = MSG_CTUR_TARGET_STATUS;
		return PATH_DOWN;
	default:
		mpath_log(MPATH_LOG_DEBUG, "cciss_tur: fd %d: command status 0x%x",
			  c->fd, cmd.error_info.CommandStatus);
		c->msgid = MSG_CTUR_COMMAND_FAILED;
		return PATH_DOWN;
	}
}
