// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * hp_sw.c - libcheckhp_sw.so, the checker for HP active/passive arrays
 * (MSA1000, EVA/HSV in active/passive mode and their relatives).
 *
 * On these arrays both controllers answer INQUIRY, but only the active
 * one accepts media-access commands: the passive controller rejects TEST
 * UNIT READY (typically with NOT READY, "initializing command required")
 * until a START STOP UNIT moves the LUN over. So the check is two steps:
 *
 *   1. INQUIRY for the unit serial number page (VPD 0x80). This proves the
 *      device answers at all on this path. A device that rejects the page
 *      (ILLEGAL REQUEST), or a file that is not a SCSI device (ENOTTY), is
 *      not one this checker can judge: PATH_WILD. Any other failure is
 *      PATH_DOWN.
 *   2. TEST UNIT READY. GOOD status: the active controller, PATH_UP. The
 *      device answering with any other status: the passive controller,
 *      PATH_GHOST.
 *
 * A TUR whose ioctl fails, or which ends in a transport failure (no
 * connection, command timed out in the HBA driver), got no answer from the
 * device at all, so it says nothing about the controller being passive; a
 * path that just vanished must not be offered as a failover target. Those
 * are PATH_DOWN.
 *
 * Transient outcomes (UNIT ATTENTION, BUSY, a transient host status such
 * as a transport disruption) are retried a few times before they count:
 * a unit attention after a reset would otherwise make a healthy path look
 * down or passive for one round.
 *
 * The check is a plain blocking function. For asynchronous checkers the
 * framework runs it on its executor, with c->timeout as deadline.
 */
#include <stdint.h>
#include <stdlib.h>

#include "checkers.h"
#include "mpath_scsi.h"
#include "mpath_time.h"

/* Every command: retries after the first try, of any transient outcome. */
#define HP_SW_RETRIES		2
#define HP_SW_RETRY_ON		MPATH_SG_RETRY_TRANSIENT

#define INQUIRY_OP		0x12
#define TEST_UNIT_READY_OP	0x00
#define INQUIRY_EVPD		0x01
#define VPD_UNIT_SERIAL		0x80

/*
 * Allocation length of the serial number INQUIRY. Kept below 256 so that
 * it fits byte 4 alone: older devices read only that byte (SPC-2), and the
 * data itself is not used.
 */
#define HP_SW_INQ_LEN		0xff

enum {
	MSG_HP_SW_UP = CHECKER_FIRST_MSGID,
	MSG_HP_SW_GHOST,
	MSG_HP_SW_NO_SGIO,
	MSG_HP_SW_INQ_UNSUPPORTED,
	MSG_HP_SW_INQ_IOCTL,
	MSG_HP_SW_INQ_TRANSPORT,
	MSG_HP_SW_INQ_ERROR,
	MSG_HP_SW_TUR_IOCTL,
	MSG_HP_SW_TUR_TRANSPORT,
	MSG_HP_SW_NO_MEMORY,
};

#define MSG(id) [MSG_HP_SW_##id - CHECKER_FIRST_MSGID]

const char *libcheck_msgtable[] = {
	MSG(UP) = "active path: TEST UNIT READY succeeded",
	MSG(GHOST) = "passive path: the controller rejects TEST UNIT READY (standby controller of an active/passive array)",
	MSG(NO_SGIO) = "device does not support SG_IO: hp_sw cannot check it",
	MSG(INQ_UNSUPPORTED) = "device rejects the serial number INQUIRY (VPD 0x80): hp_sw cannot check it",
	MSG(INQ_IOCTL) = "serial number INQUIRY could not be sent on this path",
	MSG(INQ_TRANSPORT) = "serial number INQUIRY failed in transport: no answer from the device",
	MSG(INQ_ERROR) = "device returned an error to the serial number INQUIRY",
	MSG(TUR_IOCTL) = "TEST UNIT READY could not be sent on this path",
	MSG(TUR_TRANSPORT) = "TEST UNIT READY failed in transport: no answer from the device",
	MSG(NO_MEMORY) = "checker context missing (out of memory at init)",
	NULL,
};

/* Per-path data: none is needed beyond a count for the debug log. */
struct hp_sw_ctx {
	unsigned long checks;
};

int libcheck_init(struct checker *c)
{
	c->context = calloc(1, sizeof(struct hp_sw_ctx));
	return c->context ? 0 : 1;
}

void libcheck_free(struct checker *c)
{
	free(c->context);
	c->context = NULL;
}

/* Step 1: is the device there and does it know the page? */
static int hp_sw_inquiry(struct checker *c)
{
	const uint8_t cdb[6] = {
		INQUIRY_OP, INQUIRY_EVPD, VPD_UNIT_SERIAL, 0, HP_SW_INQ_LEN, 0
	};
	uint8_t buf[HP_SW_INQ_LEN];
	struct mpath_sg_result res;
	enum mpath_sg_outcome outcome;

	if (mpath_sg_cmd(c->fd, cdb, sizeof(cdb), MPATH_SG_FROM_DEV, buf,
			 sizeof(buf), mpath_check_timeout_ms(c), HP_SW_RETRIES,
			 HP_SW_RETRY_ON, &res) == 0)
		return PATH_UP;

	outcome = mpath_sg_outcome(&res);
	switch (outcome) {
	case MPATH_SG_NO_SGIO:
		c->msgid = MSG_HP_SW_NO_SGIO;
		break;
	case MPATH_SG_NOT_SENT:
		c->msgid = MSG_HP_SW_INQ_IOCTL;
		break;
	case MPATH_SG_NO_ANSWER:
		c->msgid = MSG_HP_SW_INQ_TRANSPORT;
		break;
	case MPATH_SG_UNSUPPORTED:
		c->msgid = MSG_HP_SW_INQ_UNSUPPORTED;
		break;
	default:
		/* Any other answer is an error on a device that should answer. */
		c->msgid = MSG_HP_SW_INQ_ERROR;
		break;
	}
	/* No SG_IO, or the page rejected: not a device hp_sw can judge. */
	return mpath_sg_outcome_state(outcome);
}

/* Step 2: active or passive controller? */
static int hp_sw_tur(struct checker *c)
{
	const uint8_t cdb[6] = { TEST_UNIT_READY_OP, 0, 0, 0, 0, 0 };
	struct mpath_sg_result res;

	if (mpath_sg_cmd(c->fd, cdb, sizeof(cdb), MPATH_SG_NONE, NULL, 0,
			 mpath_check_timeout_ms(c), HP_SW_RETRIES,
			 HP_SW_RETRY_ON, &res) == 0) {
		c->msgid = MSG_HP_SW_UP;
		return PATH_UP;
	}

	switch (mpath_sg_outcome(&res)) {
	case MPATH_SG_NO_SGIO:
	case MPATH_SG_NOT_SENT:
		c->msgid = MSG_HP_SW_TUR_IOCTL;
		return PATH_DOWN;
	case MPATH_SG_NO_ANSWER:
		c->msgid = MSG_HP_SW_TUR_TRANSPORT;
		return PATH_DOWN;
	default:
		/*
		 * The device itself answered and refused: that is how the
		 * passive controller of these arrays behaves.
		 */
		mpath_log(MPATH_LOG_DEBUG,
			  "hp_sw: fd %d: TUR class %d status 0x%02x sense %x/%02x/%02x: passive",
			  c->fd, res.cls, res.status, res.sense.key,
			  res.sense.asc, res.sense.ascq);
		c->msgid = MSG_HP_SW_GHOST;
		return PATH_GHOST;
	}
}

int libcheck_check(struct checker *c)
{
	struct hp_sw_ctx *ctx = c->context;
	int state;

	if (c->fd < 0) {
		c->msgid = CHECKER_MSGID_NO_FD;
		return PATH_WILD;
	}
	if (!ctx) {
		c->msgid = MSG_HP_SW_NO_MEMORY;
		return PATH_WILD;
	}
	ctx->checks++;

	state = hp_sw_inquiry(c);
	if (state != PATH_UP)
		return state;
	return hp_sw_tur(c);
}
