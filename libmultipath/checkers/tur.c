// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * tur.c - libchecktur.so: TEST UNIT READY over SG_IO.
 *
 * The cheapest question a SCSI path can answer: the command moves no data
 * and touches no medium, yet it has to cross the whole transport and be
 * answered by the logical unit. The answer also says more than up or down:
 * a standby ALUA port is a ghost, a port in ALUA transition is asked again
 * later, and a LUN that this port does not present is disconnected.
 *
 * A plain blocking check: the framework's executor runs it on a worker for
 * asynchronous checkers and enforces the deadline, so no threads here.
 */
#include <stdint.h>

#include "checkers.h"
#include "mpath_scsi.h"
#include "mpath_time.h"

/*
 * Retries after the first try, of unit attentions and transient host
 * statuses only: a BUSY device is reported as such, and the next check
 * asks again. A device that keeps reporting them is treated as down
 * rather than retried for ever.
 */
#define TUR_RETRIES		5
#define TUR_RETRY_ON		(MPATH_SG_RETRY_UNIT_ATTENTION | \
				 MPATH_SG_RETRY_TRANSPORT)

enum {
	MSG_TUR_UP = CHECKER_FIRST_MSGID,
	MSG_TUR_RESERVED,
	MSG_TUR_UNSUPPORTED,
	MSG_TUR_IOCTL_FAILED,
	MSG_TUR_TRANSPORT,
	MSG_TUR_TRANSPORT_BUSY,
	MSG_TUR_UNIT_ATTENTION,
	MSG_TUR_STANDBY,
	MSG_TUR_TRANSITIONING,
	MSG_TUR_LUN_NOT_SUPPORTED,
	MSG_TUR_NOT_READY,
	MSG_TUR_CHECK_CONDITION,
	MSG_TUR_BUSY,
	MSG_TUR_BAD_STATUS,
};

#define MSG(id)	[(id) - CHECKER_FIRST_MSGID]
const char *libcheck_msgtable[] = {
	MSG(MSG_TUR_UP) = "test unit ready succeeded",
	MSG(MSG_TUR_RESERVED) = "LUN reserved by another initiator; path is up",
	MSG(MSG_TUR_UNSUPPORTED) = "tur checker doesn't support this device (no SG_IO)",
	MSG(MSG_TUR_IOCTL_FAILED) = "SG_IO ioctl failed",
	MSG(MSG_TUR_TRANSPORT) = "transport error on this path",
	MSG(MSG_TUR_TRANSPORT_BUSY) = "transport still busy after retries",
	MSG(MSG_TUR_UNIT_ATTENTION) = "unit attention still reported after retries",
	MSG(MSG_TUR_STANDBY) = "LUN in standby state: path is passive",
	MSG(MSG_TUR_TRANSITIONING) = "ALUA state transitioning; asking again later",
	MSG(MSG_TUR_LUN_NOT_SUPPORTED) = "LUN not supported through this port",
	MSG(MSG_TUR_NOT_READY) = "LUN not ready",
	MSG(MSG_TUR_CHECK_CONDITION) = "test unit ready failed with CHECK CONDITION",
	MSG(MSG_TUR_BUSY) = "device busy (BUSY or TASK SET FULL)",
	MSG(MSG_TUR_BAD_STATUS) = "test unit ready returned an unexpected SCSI status",
	NULL,
};

/* TUR needs no per-path state: every check starts from nothing. */
int libcheck_init(struct checker *c)
{
	c->context = NULL;
	return 0;
}

void libcheck_free(struct checker *c)
{
}

/* The answer of a CHECK CONDITION, from its (already decoded) sense. */
static int tur_sense_state(struct checker *c, const struct mpath_sense *s)
{
	if (!s->valid)
		goto failed;

	switch (s->key) {
	case MPATH_SENSE_UNIT_ATTENTION:
		/* Only reached once the retries are used up. */
		c->msgid = MSG_TUR_UNIT_ATTENTION;
		return PATH_DOWN;
	case MPATH_SENSE_NOT_READY:
		if (s->asc == 0x04 && s->ascq == 0x0b) {
			/* Target port in standby: alive, takes I/O after failover. */
			c->msgid = MSG_TUR_STANDBY;
			return PATH_GHOST;
		}
		if (s->asc == 0x04 && s->ascq == 0x0a) {
			/*
			 * ALUA transition: neither up nor down yet, and
			 * failing the path now would only flap it.
			 */
			c->msgid = MSG_TUR_TRANSITIONING;
			return PATH_PENDING;
		}
		c->msgid = MSG_TUR_NOT_READY;
		return PATH_DOWN;
	case MPATH_SENSE_ILLEGAL_REQUEST:
		if (s->asc == 0x25 && s->ascq == 0x00) {
			/* The port answers but does not present this LUN. */
			c->msgid = MSG_TUR_LUN_NOT_SUPPORTED;
			return PATH_DISCONNECTED;
		}
		break;
	}
failed:
	c->msgid = MSG_TUR_CHECK_CONDITION;
	return PATH_DOWN;
}

int libcheck_check(struct checker *c)
{
	static const uint8_t cdb[6] = { 0x00 };	/* TEST UNIT READY */
	struct mpath_sg_result res;

	mpath_sg_cmd(c->fd, cdb, sizeof(cdb), MPATH_SG_NONE, NULL, 0,
		     mpath_check_timeout_ms(c), TUR_RETRIES, TUR_RETRY_ON, &res);

	switch (res.cls) {
	case MPATH_SG_GOOD:
		c->msgid = MSG_TUR_UP;
		return PATH_UP;
	case MPATH_SG_IOCTL_ERROR:
		if (mpath_sg_outcome(&res) == MPATH_SG_NO_SGIO) {
			c->msgid = MSG_TUR_UNSUPPORTED;
			return PATH_WILD;
		}
		c->msgid = MSG_TUR_IOCTL_FAILED;
		return PATH_DOWN;
	case MPATH_SG_TRANSPORT:
		/* Still transient: the retries were used up on it. */
		c->msgid = res.transient ? MSG_TUR_TRANSPORT_BUSY :
					   MSG_TUR_TRANSPORT;
		return PATH_DOWN;
	case MPATH_SG_RESERVATION_CONFLICT:
		/*
		 * The LUN answered: the path works, another host merely holds
		 * a reservation. Failing the path would not help that host or
		 * this one, as every path to the LUN would say the same.
		 */
		c->msgid = MSG_TUR_RESERVED;
		return PATH_UP;
	case MPATH_SG_CHECK_CONDITION:
		return tur_sense_state(c, &res.sense);
	case MPATH_SG_BUSY:
		c->msgid = MSG_TUR_BUSY;
		return PATH_DOWN;
	case MPATH_SG_OTHER_STATUS:
	default:
		c->msgid = MSG_TUR_BAD_STATUS;
		return PATH_DOWN;
	}
}
