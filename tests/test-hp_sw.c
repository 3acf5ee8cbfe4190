// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-hp_sw.c - the hp_sw checker with ioctl() replaced by a scripted
 * SG_IO device (sgio-script.h). The checker's source is included so that
 * its calls run against the fake.
 *
 * One table: the device's answers to the serial number INQUIRY (VPD 0x80)
 * and the TEST UNIT READY that follows, each row with the state and the
 * message text the checker must give and the number of commands it must
 * send (which is how the retries of transient outcomes are checked).
 * Beside it: the CDBs and timeouts sent, no fd, and the message table.
 */
#include "../libmultipath/checkers/hp_sw.c"

#include "libmultipath.h"
#include "sgio-script.h"
#include "msgtable-check.h"

#define OP_INQ	0x12
#define OP_TUR	0x00

struct hp_step {
	uint8_t op;
	struct sg_outcome o;
};

#define INQ(o)	{ OP_INQ, o }
#define TUR(o)	{ OP_TUR, o }

struct hp_case {
	const char *name;
	struct hp_step steps[8];
	int nsteps;
	int state;
	const char *msg;
};

/* A row's steps, and how many there are. */
#define S(...)	.steps = { __VA_ARGS__ }, \
		.nsteps = sizeof((struct hp_step[]){ __VA_ARGS__ }) / \
			  sizeof(struct hp_step)

/* The texts an operator sees; the table must say exactly these. */
#define T_UP		"active path: TEST UNIT READY succeeded"
#define T_GHOST		"passive path: the controller rejects TEST UNIT READY (standby controller of an active/passive array)"
#define T_NO_SGIO	"device does not support SG_IO: hp_sw cannot check it"
#define T_INQ_UNSUPP	"device rejects the serial number INQUIRY (VPD 0x80): hp_sw cannot check it"
#define T_INQ_IOCTL	"serial number INQUIRY could not be sent on this path"
#define T_INQ_TRANSPORT	"serial number INQUIRY failed in transport: no answer from the device"
#define T_INQ_ERROR	"device returned an error to the serial number INQUIRY"
#define T_TUR_IOCTL	"TEST UNIT READY could not be sent on this path"
#define T_TUR_TRANSPORT	"TEST UNIT READY failed in transport: no answer from the device"

static const struct hp_case cases[] = {
	/* The two answers of a healthy array. */
	{ "active controller: INQUIRY and TUR good",
	  S(INQ(O_GOOD), TUR(O_GOOD)), PATH_UP, T_UP },
	{ "passive controller: TUR NOT READY 04/02",
	  S(INQ(O_GOOD), TUR(O_CHECK(KEY_NOT_READY, 0x04, 0x02))),
	  PATH_GHOST, T_GHOST },
	{ "passive controller, descriptor sense",
	  S(INQ(O_GOOD), TUR(O_CHECK_DESC(KEY_NOT_READY, 0x04, 0x02))),
	  PATH_GHOST, T_GHOST },
	{ "TUR: ILLEGAL REQUEST is still the device refusing",
	  S(INQ(O_GOOD), TUR(O_CHECK(KEY_ILLEGAL_REQUEST, 0x20, 0x00))),
	  PATH_GHOST, T_GHOST },
	{ "TUR: RESERVATION CONFLICT",
	  S(INQ(O_GOOD), TUR(O_STATUS(SCSI_RESERVATION_CONFLICT))),
	  PATH_GHOST, T_GHOST },
	{ "TUR: other SCSI status (TASK ABORTED)",
	  S(INQ(O_GOOD), TUR(O_STATUS(0x40))), PATH_GHOST, T_GHOST },

	/* TUR retries on transient outcomes. */
	{ "TUR: UNIT ATTENTION once, then good",
	  S(INQ(O_GOOD), TUR(O_UA), TUR(O_GOOD)), PATH_UP, T_UP },
	{ "TUR: UNIT ATTENTION twice, then NOT READY",
	  S(INQ(O_GOOD), TUR(O_UA), TUR(O_UA),
	    TUR(O_CHECK(KEY_NOT_READY, 0x04, 0x02))), PATH_GHOST, T_GHOST },
	{ "TUR: UNIT ATTENTION three times: gives up, the device answered",
	  S(INQ(O_GOOD), TUR(O_UA), TUR(O_UA), TUR(O_UA)),
	  PATH_GHOST, T_GHOST },
	{ "TUR: BUSY three times",
	  S(INQ(O_GOOD), TUR(O_STATUS(SCSI_BUSY)), TUR(O_STATUS(SCSI_BUSY)),
	    TUR(O_STATUS(SCSI_BUSY))), PATH_GHOST, T_GHOST },
	{ "TUR: transport disrupted, then good",
	  S(INQ(O_GOOD), TUR(O_HOST(DID_TRANSPORT_DISRUPTED)), TUR(O_GOOD)),
	  PATH_UP, T_UP },
	{ "TUR: transport disrupted three times",
	  S(INQ(O_GOOD), TUR(O_HOST(DID_TRANSPORT_DISRUPTED)),
	    TUR(O_HOST(DID_TRANSPORT_DISRUPTED)),
	    TUR(O_HOST(DID_TRANSPORT_DISRUPTED))),
	  PATH_DOWN, T_TUR_TRANSPORT },

	/* A TUR that got no answer from the device is not a passive path. */
	{ "TUR: ioctl fails with EIO",
	  S(INQ(O_GOOD), TUR(O_ERR(EIO))), PATH_DOWN, T_TUR_IOCTL },
	{ "TUR: ioctl fails with ENODEV",
	  S(INQ(O_GOOD), TUR(O_ERR(ENODEV))), PATH_DOWN, T_TUR_IOCTL },
	{ "TUR: no connection",
	  S(INQ(O_GOOD), TUR(O_HOST(DID_NO_CONNECT))),
	  PATH_DOWN, T_TUR_TRANSPORT },
	{ "TUR: timed out in the HBA",
	  S(INQ(O_GOOD), TUR(O_HOST(DID_TIME_OUT))),
	  PATH_DOWN, T_TUR_TRANSPORT },

	/* INQUIRY failing: not this checker's device, or down. */
	{ "INQUIRY: ILLEGAL REQUEST 24/00 (page not supported)",
	  S(INQ(O_CHECK(KEY_ILLEGAL_REQUEST, 0x24, 0x00))),
	  PATH_WILD, T_INQ_UNSUPP },
	{ "INQUIRY: ILLEGAL REQUEST, descriptor sense",
	  S(INQ(O_CHECK_DESC(KEY_ILLEGAL_REQUEST, 0x24, 0x00))),
	  PATH_WILD, T_INQ_UNSUPP },
	{ "INQUIRY: ioctl ENOTTY (not a SCSI device)",
	  S(INQ(O_ERR(ENOTTY))), PATH_WILD, T_NO_SGIO },
	{ "INQUIRY: ioctl EIO",
	  S(INQ(O_ERR(EIO))), PATH_DOWN, T_INQ_IOCTL },
	{ "INQUIRY: ioctl ENXIO",
	  S(INQ(O_ERR(ENXIO))), PATH_DOWN, T_INQ_IOCTL },
	{ "INQUIRY: no connection",
	  S(INQ(O_HOST(DID_NO_CONNECT))), PATH_DOWN, T_INQ_TRANSPORT },
	{ "INQUIRY: host error",
	  S(INQ(O_HOST(DID_ERROR))), PATH_DOWN, T_INQ_TRANSPORT },
	{ "INQUIRY: NOT READY 04/03",
	  S(INQ(O_CHECK(KEY_NOT_READY, 0x04, 0x03))),
	  PATH_DOWN, T_INQ_ERROR },
	{ "INQUIRY: HARDWARE ERROR 44/00",
	  S(INQ(O_CHECK(KEY_HARDWARE_ERROR, 0x44, 0x00))),
	  PATH_DOWN, T_INQ_ERROR },
	{ "INQUIRY: RESERVATION CONFLICT",
	  S(INQ(O_STATUS(SCSI_RESERVATION_CONFLICT))), PATH_DOWN, T_INQ_ERROR },

	/* INQUIRY retries on transient outcomes. */
	{ "INQUIRY: UNIT ATTENTION once, then active",
	  S(INQ(O_UA), INQ(O_GOOD), TUR(O_GOOD)), PATH_UP, T_UP },
	{ "INQUIRY: bus busy once, then passive",
	  S(INQ(O_HOST(DID_BUS_BUSY)), INQ(O_GOOD),
	    TUR(O_CHECK(KEY_NOT_READY, 0x04, 0x02))), PATH_GHOST, T_GHOST },
	{ "INQUIRY: UNIT ATTENTION three times",
	  S(INQ(O_UA), INQ(O_UA), INQ(O_UA)), PATH_DOWN, T_INQ_ERROR },
	{ "INQUIRY: BUSY three times",
	  S(INQ(O_STATUS(SCSI_BUSY)), INQ(O_STATUS(SCSI_BUSY)),
	    INQ(O_STATUS(SCSI_BUSY))), PATH_DOWN, T_INQ_ERROR },
	{ "INQUIRY: transport disrupted three times",
	  S(INQ(O_HOST(DID_TRANSPORT_DISRUPTED)),
	    INQ(O_HOST(DID_TRANSPORT_DISRUPTED)),
	    INQ(O_HOST(DID_TRANSPORT_DISRUPTED))),
	  PATH_DOWN, T_INQ_TRANSPORT },
};

static const uint8_t serial_page[] = {
	0x00, 0x80, 0x00, 0x08, 'H', 'P', 'S', 'W', '0', '0', '4', '2'
};

static const char *msg_text(short id)
{
	return id == CHECKER_MSGID_NO_FD ? "(no fd)" : CHECKER_MSG_TEXT(id);
}

static void checker_open(struct checker *c, unsigned int timeout)
{
	memset(c, 0, sizeof(*c));
	c->fd = SG_FAKE_FD;
	c->timeout = timeout;
	assert_int_equal(libcheck_init(c), 0);
	assert_non_null(c->context);
}

static void check_table(void **state)
{
	size_t i;
	int j;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct hp_case *t = &cases[i];
		struct checker c;
		int st;

		print_message("hp_sw: %s\n", t->name);
		sg_reset();
		for (j = 0; j < t->nsteps; j++)
			sg_push(t->steps[j].op,
				t->steps[j].op == OP_INQ ? 0x80 : -1,
				&t->steps[j].o, serial_page,
				sizeof(serial_page));
		checker_open(&c, 5);
		c.msgid = CHECKER_MSGID_NONE;
		st = libcheck_check(&c);
		if (st != t->state)
			fail_msg("%s: state %s, expected %s", t->name,
				 checker_state_name(st),
				 checker_state_name(t->state));
		assert_string_equal(msg_text(c.msgid), t->msg);
		if (sg_script.calls != t->nsteps)
			fail_msg("%s: %d commands, expected %d", t->name,
				 sg_script.calls, t->nsteps);
		libcheck_free(&c);
		assert_null(c.context);
	}
}

/* The commands themselves, and the timeout each carries. */
static void commands_and_timeouts(void **state)
{
	struct checker c;
	struct sg_outcome good = O_GOOD;

	sg_reset();
	sg_push(OP_INQ, 0x80, &good, serial_page, sizeof(serial_page));
	sg_push(OP_TUR, -1, &good, NULL, 0);
	checker_open(&c, 7);
	assert_int_equal(libcheck_check(&c), PATH_UP);
	sg_assert_done();
	/* INQUIRY, EVPD, page 0x80, an allocation length that fits byte 4. */
	assert_int_equal(sg_script.seen[0].cdb[0], 0x12);
	assert_int_equal(sg_script.seen[0].cdb[1], 0x01);
	assert_int_equal(sg_script.seen[0].cdb[2], 0x80);
	assert_int_equal(sg_script.seen[0].cdb[3], 0);
	assert_true(sg_script.seen[0].cdb[4] >= 4);
	assert_int_equal(sg_script.seen[0].dir, SG_DXFER_FROM_DEV);
	assert_int_equal(sg_script.seen[0].timeout, 7000);
	/* TEST UNIT READY: six zero bytes, no data. */
	assert_memory_equal(sg_script.seen[1].cdb, "\0\0\0\0\0\0", 6);
	assert_int_equal(sg_script.seen[1].dir, SG_DXFER_NONE);
	assert_int_equal(sg_script.seen[1].timeout, 7000);
	libcheck_free(&c);

	/* No timeout configured: 30 s per command, retries included. */
	sg_reset();
	{
		struct sg_outcome ua = O_UA;

		sg_push(OP_INQ, 0x80, &ua, NULL, 0);
		sg_push(OP_INQ, 0x80, &good, serial_page, sizeof(serial_page));
		sg_push(OP_TUR, -1, &good, NULL, 0);
	}
	checker_open(&c, 0);
	assert_int_equal(libcheck_check(&c), PATH_UP);
	sg_assert_done();
	assert_int_equal(sg_script.seen[0].timeout, 30000);
	assert_int_equal(sg_script.seen[1].timeout, 30000);
	assert_int_equal(sg_script.seen[2].timeout, 30000);
	libcheck_free(&c);
}

/* Without an fd or a context the checker sends nothing. */
static void no_fd_no_context(void **state)
{
	struct checker c;

	sg_reset();
	checker_open(&c, 5);
	c.fd = -1;
	assert_int_equal(libcheck_check(&c), PATH_WILD);
	assert_int_equal(c.msgid, CHECKER_MSGID_NO_FD);
	libcheck_free(&c);

	checker_open(&c, 5);
	libcheck_free(&c);
	assert_int_equal(libcheck_check(&c), PATH_WILD);
	assert_string_equal(msg_text(c.msgid),
			    "checker context missing (out of memory at init)");
	assert_int_equal(sg_script.calls, 0);
}

/* NULL-terminated, at most 100 entries, no holes. */
static void message_table(void **state)
{
	ASSERT_MSGTABLE_WELL_FORMED(libcheck_msgtable);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(check_table),
		cmocka_unit_test(commands_and_timeouts),
		cmocka_unit_test(no_fd_no_context),
		cmocka_unit_test(message_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
