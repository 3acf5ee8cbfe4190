// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-cciss_tur.c - the cciss_tur checker against fake CCISS ioctls: a
 * table of what CCISS_GETLUNINFO and CCISS_PASSTHRU answer (ioctl errno,
 * the controller's command status, SCSI status, sense) and the state,
 * message and number of ioctls each must give; and the pass-through
 * request the checker builds (volume address, TUR CDB, no data, timeout).
 * The checker's source is included so its ioctls land in the fake below.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../libmultipath/checkers/cciss_tur.c"
#include "msgtable-check.h"

/* --- fake CCISS ioctls ------------------------------------------------- */

struct ctur_reply {
	int lun_err;		/* GETLUNINFO fails with this errno; 0: works */
	uint32_t lun_id;
	int pt_err;		/* PASSTHRU fails with this errno; 0: works */
	uint16_t cmd_status;	/* the controller's CommandStatus */
	uint8_t scsi_status;
	uint8_t sense[18];
	uint8_t sense_len;
};

/* Written by the single test thread only. */
static struct ctur_reply reply;
static int ioctl_calls;
static int last_fd;
static IOCTL_Command_struct last_cmd;
static bool bad_request;

int __wrap_ioctl(int fd, unsigned long req, ...);
int __wrap_ioctl(int fd, unsigned long req, ...)
{
	void *arg;
	va_list ap;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	ioctl_calls++;
	last_fd = fd;
	if (req == CCISS_GETLUNINFO) {
		LogvolInfo_struct *lvi = arg;

		if (reply.lun_err) {
			errno = reply.lun_err;
			return -1;
		}
		lvi->LunID = reply.lun_id;
		lvi->num_opens = 1;
		lvi->num_parts = 0;
		return 0;
	}
	if (req == CCISS_PASSTHRU) {
		IOCTL_Command_struct *cmd = arg;

		last_cmd = *cmd;
		if (reply.pt_err) {
			errno = reply.pt_err;
			return -1;
		}
		cmd->error_info.CommandStatus = reply.cmd_status;
		cmd->error_info.ScsiStatus = reply.scsi_status;
		/* A controller may claim more sense than SenseInfo holds. */
		cmd->error_info.SenseLen = reply.sense_len;
		memcpy(cmd->error_info.SenseInfo, reply.sense,
		       reply.sense_len < sizeof(reply.sense) ?
		       reply.sense_len : sizeof(reply.sense));
		return 0;
	}
	bad_request = true;
	errno = ENOTTY;
	return -1;
}

/* --- the table ------------------------------------------------------------ */

#define FIXED(key, asc, ascq) \
	{ 0x70, 0, key, 0, 0, 0, 0, 0x0a, 0, 0, 0, 0, asc, ascq, 0, 0, 0, 0 }

struct ctur_case {
	const char *name;
	struct ctur_reply r;
	int state;
	const char *msg;
	int calls;
};

static const struct ctur_case cases[] = {
	{ "TUR succeeds", { .lun_id = 1, .cmd_status = CMD_SUCCESS },
	  PATH_UP, "test unit ready succeeded", 2 },
	{ "not a cciss device: LUN info ENOTTY", { .lun_err = ENOTTY },
	  PATH_WILD,
	  "cciss_tur checker doesn't support this device (not a cciss volume)",
	  1 },
	{ "LUN info fails with EIO", { .lun_err = EIO }, PATH_DOWN,
	  "cannot read the volume's LUN information", 1 },
	{ "LUN info fails with ENXIO", { .lun_err = ENXIO }, PATH_DOWN,
	  "cannot read the volume's LUN information", 1 },
	{ "pass-through not supported (ENOTTY)", { .pt_err = ENOTTY },
	  PATH_WILD,
	  "cciss_tur checker doesn't support this device (not a cciss volume)",
	  2 },
	{ "pass-through fails with EIO", { .pt_err = EIO }, PATH_DOWN,
	  "controller pass-through ioctl failed", 2 },
	{ "pass-through fails with ENOMEM", { .pt_err = ENOMEM }, PATH_DOWN,
	  "controller pass-through ioctl failed", 2 },
	{ "target status CHECK CONDITION, NOT READY",
	  { .cmd_status = CMD_TARGET_STATUS, .scsi_status = 0x02,
	    .sense = FIXED(0x2, 0x04, 0x01), .sense_len = 18 }, PATH_DOWN,
	  "test unit ready failed: volume returned a SCSI error status", 2 },
	{ "target status with an over-long sense length",
	  { .cmd_status = CMD_TARGET_STATUS, .scsi_status = 0x02,
	    .sense = FIXED(0x6, 0x29, 0x00), .sense_len = 200 }, PATH_DOWN,
	  "test unit ready failed: volume returned a SCSI error status", 2 },
	{ "target status RESERVATION CONFLICT",
	  { .cmd_status = CMD_TARGET_STATUS, .scsi_status = 0x18 }, PATH_DOWN,
	  "test unit ready failed: volume returned a SCSI error status", 2 },
	{ "connection lost", { .cmd_status = CMD_CONNECTION_LOST }, PATH_DOWN,
	  "test unit ready failed: controller reported an error", 2 },
	{ "command timed out", { .cmd_status = CMD_TIMEOUT }, PATH_DOWN,
	  "test unit ready failed: controller reported an error", 2 },
	{ "hardware error", { .cmd_status = CMD_HARDWARE_ERR }, PATH_DOWN,
	  "test unit ready failed: controller reported an error", 2 },
	{ "command aborted", { .cmd_status = CMD_ABORTED }, PATH_DOWN,
	  "test unit ready failed: controller reported an error", 2 },
	{ "invalid command", { .cmd_status = CMD_INVALID }, PATH_DOWN,
	  "test unit ready failed: controller reported an error", 2 },
};

static const char *msg_text(const struct checker *c)
{
	return CHECKER_MSG_TEXT(c->msgid);
}

static int run_check(const struct ctur_reply *r, unsigned int timeout,
		     struct checker *c)
{
	reply = *r;
	ioctl_calls = 0;
	bad_request = false;
	memset(c, 0, sizeof(*c));
	c->fd = 3;
	c->timeout = timeout;
	assert_int_equal(libcheck_init(c), 0);
	c->path_state = libcheck_check(c);
	libcheck_free(c);
	assert_false(bad_request);
	return c->path_state;
}

static void cciss_tur_table(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct ctur_case *t = &cases[i];
		struct checker c;

		print_message("  %s\n", t->name);
		run_check(&t->r, 10, &c);
		assert_int_equal(c.path_state, t->state);
		assert_string_equal(msg_text(&c), t->msg);
		assert_int_equal(ioctl_calls, t->calls);
	}
}

/* The pass-through: TUR to the volume's logical address, no data. */
static void cciss_tur_builds_the_request(void **state)
{
	static const uint8_t zero[16];
	struct ctur_reply r = { .lun_id = 0xc0000123,
				.cmd_status = CMD_SUCCESS };
	struct checker c;

	assert_int_equal(run_check(&r, 10, &c), PATH_UP);
	assert_int_equal(last_fd, 3);
	/* Only the 30-bit volume id goes into the address. */
	assert_int_equal(last_cmd.LUN_info.LogDev.VolId, 0x123);
	assert_int_equal(last_cmd.LUN_info.LogDev.Mode, 1);
	assert_int_equal(last_cmd.Request.CDBLen, 6);
	assert_memory_equal(last_cmd.Request.CDB, zero, 16);
	assert_int_equal(last_cmd.Request.Type.Type, TYPE_CMD);
	assert_int_equal(last_cmd.Request.Type.Attribute, ATTR_SIMPLE);
	assert_int_equal(last_cmd.Request.Type.Direction, XFER_NONE);
	assert_int_equal(last_cmd.Request.Timeout, 10);
	assert_int_equal(last_cmd.buf_size, 0);
	assert_null(last_cmd.buf);
}

static void cciss_tur_timeout(void **state)
{
	struct ctur_reply r = { .cmd_status = CMD_SUCCESS };
	struct checker c;

	/* 0 is the 30 s default; the request's field has 16 bits. */
	run_check(&r, 0, &c);
	assert_int_equal(last_cmd.Request.Timeout, 30);
	run_check(&r, 100000, &c);
	assert_int_equal(last_cmd.Request.Timeout, 0xffff);
}

static void cciss_tur_msgtable_is_well_formed(void **state)
{
	ASSERT_MSGTABLE_WELL_FORMED(libcheck_msgtable);
	/* An entry for every message id, the last one included. */
	assert_int_equal(sizeof(libcheck_msgtable) / sizeof(libcheck_msgtable[0]),
			 MSG_CTUR_COMMAND_FAILED - CHECKER_FIRST_MSGID + 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cciss_tur_table),
		cmocka_unit_test(cciss_tur_builds_the_request),
		cmocka_unit_test(cciss_tur_timeout),
		cmocka_unit_test(cciss_tur_msgtable_is_well_formed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
