// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-tur.c - the tur checker against a fake SG_IO: a table of what the
 * device answers, try by try (ioctl errno, host status, SCSI status,
 * sense), and the state, message and number of tries each answer must
 * give. It covers every mapping tur.c promises (GOOD or a reservation
 * conflict up, standby ghost, ALUA transitioning pending, LUN not
 * supported disconnected, no SG_IO wild, anything else down) and the
 * retries (unit attentions and transient host statuses, 5 after the first
 * try; BUSY never). The checker's source is included, so its SG_IO (in
 * the library's helper, linked in as objects) lands in the fake ioctl below.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <scsi/sg.h>
#include <cmocka.h>

#include "../libmultipath/checkers/tur.c"
#include "msgtable-check.h"

/* --- a scripted SG_IO ---------------------------------------------------- */

#define FIXED(key, asc, ascq) \
	{ 0x70, 0, key, 0, 0, 0, 0, 0x0a, 0, 0, 0, 0, asc, ascq, 0, 0, 0, 0 }
#define DESC(key, asc, ascq) { 0x72, key, asc, ascq, 0, 0, 0, 0 }

struct sg_reply {
	int ret, err;		/* ret < 0: the ioctl fails with errno err */
	uint8_t status;
	uint16_t host, driver;
	uint8_t sense[18];
	size_t sense_len;
};

/* One device answer each. */
#define GOOD		{ .status = 0x00 }
#define ERRNO(e)	{ .ret = -1, .err = (e) }
#define STATUS(s)	{ .status = (s) }
#define HOST(h)		{ .host = (h) }
#define CC(k, a, q)	{ .status = 0x02, .sense = FIXED(k, a, q), .sense_len = 18 }
#define CC_DESC(k, a, q) { .status = 0x02, .sense = DESC(k, a, q), .sense_len = 8 }
#define UA		CC(0x6, 0x29, 0x00)

#define MAX_REPLIES	8

/*
 * The script of one row: call i gets replies[i]; calls past the end get
 * the last reply again, so "keeps answering X" is one entry.
 */
static const struct sg_reply *script;
static int script_len;
static int ioctl_calls;
static int last_fd;
static sg_io_hdr_t last_hdr;
static uint8_t last_cdb[16];
static bool bad_request;		/* an ioctl other than SG_IO came */

int __wrap_ioctl(int fd, unsigned long req, ...);
int __wrap_ioctl(int fd, unsigned long req, ...)
{
	const struct sg_reply *r;
	sg_io_hdr_t *hdr;
	va_list ap;

	va_start(ap, req);
	hdr = va_arg(ap, sg_io_hdr_t *);
	va_end(ap);
	if (req != SG_IO) {
		bad_request = true;
		errno = ENOTTY;
		return -1;
	}
	r = &script[ioctl_calls < script_len ? ioctl_calls : script_len - 1];
	ioctl_calls++;
	last_fd = fd;
	last_hdr = *hdr;
	memcpy(last_cdb, hdr->cmdp, hdr->cmd_len <= 16 ? hdr->cmd_len : 16);
	if (r->ret < 0) {
		errno = r->err;
		return -1;
	}
	hdr->status = r->status;
	hdr->masked_status = r->status >> 1;
	hdr->host_status = r->host;
	hdr->driver_status = r->driver;
	hdr->sb_len_wr = r->sense_len < hdr->mx_sb_len ? r->sense_len :
							 hdr->mx_sb_len;
	memcpy(hdr->sbp, r->sense, hdr->sb_len_wr);
	return 0;
}

/* --- the table ------------------------------------------------------------ */

struct tur_case {
	const char *name;
	int nr;				/* replies used from r[] */
	struct sg_reply r[MAX_REPLIES];
	int state;
	const char *msg;
	int calls;			/* SG_IO calls the check makes */
};

static const struct tur_case cases[] = {
	{ "GOOD", 1, { GOOD }, PATH_UP, "test unit ready succeeded", 1 },
	{ "SG_IO not supported (ENOTTY)", 1, { ERRNO(ENOTTY) }, PATH_WILD,
	  "tur checker doesn't support this device (no SG_IO)", 1 },
	{ "ioctl fails with EIO", 1, { ERRNO(EIO) }, PATH_DOWN,
	  "SG_IO ioctl failed", 1 },
	{ "ioctl fails with ENODEV (device gone)", 1, { ERRNO(ENODEV) },
	  PATH_DOWN, "SG_IO ioctl failed", 1 },
	{ "RESERVATION CONFLICT", 1, { STATUS(0x18) }, PATH_UP,
	  "LUN reserved by another initiator; path is up", 1 },
	{ "NOT READY 04/0B standby", 1, { CC(0x2, 0x04, 0x0b) }, PATH_GHOST,
	  "LUN in standby state: path is passive", 1 },
	{ "NOT READY 04/0B standby, descriptor sense", 1,
	  { CC_DESC(0x2, 0x04, 0x0b) }, PATH_GHOST,
	  "LUN in standby state: path is passive", 1 },
	{ "NOT READY 04/0A ALUA transitioning", 1, { CC(0x2, 0x04, 0x0a) },
	  PATH_PENDING, "ALUA state transitioning; asking again later", 1 },
	{ "NOT READY 04/0A ALUA transitioning, descriptor sense", 1,
	  { CC_DESC(0x2, 0x04, 0x0a) }, PATH_PENDING,
	  "ALUA state transitioning; asking again later", 1 },
	{ "ILLEGAL REQUEST 25/00 LUN not supported", 1,
	  { CC(0x5, 0x25, 0x00) }, PATH_DISCONNECTED,
	  "LUN not supported through this port", 1 },
	{ "ILLEGAL REQUEST 25/00, descriptor sense", 1,
	  { CC_DESC(0x5, 0x25, 0x00) }, PATH_DISCONNECTED,
	  "LUN not supported through this port", 1 },
	{ "ILLEGAL REQUEST 24/00 invalid field in CDB", 1,
	  { CC(0x5, 0x24, 0x00) }, PATH_DOWN,
	  "test unit ready failed with CHECK CONDITION", 1 },
	{ "NOT READY 04/02 initializing command required", 1,
	  { CC(0x2, 0x04, 0x02) }, PATH_DOWN, "LUN not ready", 1 },
	{ "NOT READY 3A/00 medium not present", 1, { CC(0x2, 0x3a, 0x00) },
	  PATH_DOWN, "LUN not ready", 1 },
	{ "HARDWARE ERROR 44/00", 1, { CC(0x4, 0x44, 0x00) }, PATH_DOWN,
	  "test unit ready failed with CHECK CONDITION", 1 },
	{ "CHECK CONDITION without sense", 1, { STATUS(0x02) }, PATH_DOWN,
	  "test unit ready failed with CHECK CONDITION", 1 },
	{ "driver sense with status GOOD: standby", 1,
	  { { .driver = 0x08, .sense = FIXED(0x2, 0x04, 0x0b),
	      .sense_len = 18 } }, PATH_GHOST,
	  "LUN in standby state: path is passive", 1 },
	{ "BUSY is not retried", 1, { STATUS(0x08) }, PATH_DOWN,
	  "device busy (BUSY or TASK SET FULL)", 1 },
	{ "TASK SET FULL", 1, { STATUS(0x28) }, PATH_DOWN,
	  "device busy (BUSY or TASK SET FULL)", 1 },
	{ "TASK ABORTED", 1, { STATUS(0x40) }, PATH_DOWN,
	  "test unit ready returned an unexpected SCSI status", 1 },
	{ "host DID_NO_CONNECT is not retried", 1, { HOST(0x01) }, PATH_DOWN,
	  "transport error on this path", 1 },
	{ "host DID_TIME_OUT is not retried", 1, { HOST(0x03) }, PATH_DOWN,
	  "transport error on this path", 1 },
	{ "driver timeout", 1, { { .driver = 0x06 } }, PATH_DOWN,
	  "transport error on this path", 1 },

	/* Retries: up to 5 after the first try. */
	{ "UNIT ATTENTION, then GOOD", 2, { UA, GOOD }, PATH_UP,
	  "test unit ready succeeded", 2 },
	{ "UNIT ATTENTION 4 times, then GOOD", 5, { UA, UA, UA, UA, GOOD },
	  PATH_UP, "test unit ready succeeded", 5 },
	{ "UNIT ATTENTION 5 times, then GOOD on the last retry", 6,
	  { UA, UA, UA, UA, UA, GOOD }, PATH_UP,
	  "test unit ready succeeded", 6 },
	{ "UNIT ATTENTION on every try", 1, { UA }, PATH_DOWN,
	  "unit attention still reported after retries", 6 },
	{ "UNIT ATTENTION, descriptor sense, then standby", 2,
	  { CC_DESC(0x6, 0x2a, 0x09), CC(0x2, 0x04, 0x0b) }, PATH_GHOST,
	  "LUN in standby state: path is passive", 2 },
	{ "UNIT ATTENTION twice, then ALUA transitioning", 3,
	  { UA, UA, CC(0x2, 0x04, 0x0a) }, PATH_PENDING,
	  "ALUA state transitioning; asking again later", 3 },
	{ "host DID_BUS_BUSY, then GOOD", 2, { HOST(0x02), GOOD }, PATH_UP,
	  "test unit ready succeeded", 2 },
	{ "host DID_TRANSPORT_DISRUPTED on every try", 1, { HOST(0x0e) },
	  PATH_DOWN, "transport still busy after retries", 6 },
	{ "host DID_IMM_RETRY then DID_NO_CONNECT", 2,
	  { HOST(0x0c), HOST(0x01) }, PATH_DOWN,
	  "transport error on this path", 2 },
	{ "retries are shared between unit attentions and the transport", 6,
	  { UA, HOST(0x0d), UA, HOST(0x0b), UA, GOOD }, PATH_UP,
	  "test unit ready succeeded", 6 },
	{ "six transient answers: the seventh (GOOD) is never asked", 7,
	  { UA, HOST(0x02), UA, HOST(0x0c), UA, HOST(0x0e), GOOD }, PATH_DOWN,
	  "transport still busy after retries", 6 },
	{ "UNIT ATTENTION then RESERVATION CONFLICT", 2,
	  { UA, STATUS(0x18) }, PATH_UP,
	  "LUN reserved by another initiator; path is up", 2 },
	{ "UNIT ATTENTION then the ioctl fails", 2, { UA, ERRNO(EIO) },
	  PATH_DOWN, "SG_IO ioctl failed", 2 },
};

static const char *msg_text(const struct checker *c)
{
	return CHECKER_MSG_TEXT(c->msgid);
}

static void run_check(struct checker *c, const struct sg_reply *r, int nr)
{
	script = r;
	script_len = nr;
	ioctl_calls = 0;
	bad_request = false;
	memset(c, 0, sizeof(*c));
	c->fd = 3;
	c->msgid = CHECKER_MSGID_NONE;
	assert_int_equal(libcheck_init(c), 0);
	c->path_state = libcheck_check(c);
	libcheck_free(c);
	assert_false(bad_request);
}

static void tur_table(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct tur_case *t = &cases[i];
		struct checker c;

		print_message("  %s\n", t->name);
		assert_true(t->nr >= 1 && t->nr <= MAX_REPLIES);
		run_check(&c, t->r, t->nr);
		assert_int_equal(c.path_state, t->state);
		assert_string_equal(msg_text(&c), t->msg);
		assert_int_equal(ioctl_calls, t->calls);
	}
}

/* What reaches the device: a 6-byte TUR, no data, the checker's timeout. */
static void tur_sends_a_test_unit_ready(void **state)
{
	static const uint8_t zero[6];
	static const struct sg_reply good = GOOD;
	struct checker c;

	run_check(&c, &good, 1);
	assert_int_equal(last_fd, 3);
	assert_int_equal(last_hdr.interface_id, 'S');
	assert_int_equal(last_hdr.cmd_len, 6);
	assert_memory_equal(last_cdb, zero, 6);
	assert_int_equal(last_hdr.dxfer_direction, SG_DXFER_NONE);
	assert_int_equal(last_hdr.dxfer_len, 0);
	/* Timeout 0 is the 30 s default. */
	assert_int_equal(last_hdr.timeout, 30000);
}

static void tur_timeout_is_the_checkers(void **state)
{
	static const struct sg_reply r = GOOD;
	struct checker c = { .fd = 5, .timeout = 7 };

	script = &r;
	script_len = 1;
	ioctl_calls = 0;
	assert_int_equal(libcheck_check(&c), PATH_UP);
	assert_int_equal(last_hdr.timeout, 7000);
	assert_int_equal(last_fd, 5);
	/* A timeout too large for milliseconds is clamped, not wrapped. */
	c.timeout = UINT_MAX / 100;
	assert_int_equal(libcheck_check(&c), PATH_UP);
	assert_int_equal(last_hdr.timeout, UINT_MAX);
}

static void tur_msgtable_is_well_formed(void **state)
{
	ASSERT_MSGTABLE_WELL_FORMED(libcheck_msgtable);
	/* An entry for every message id, the last one included. */
	assert_int_equal(sizeof(libcheck_msgtable) / sizeof(libcheck_msgtable[0]),
			 MSG_TUR_BAD_STATUS - CHECKER_FIRST_MSGID + 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tur_table),
		cmocka_unit_test(tur_sends_a_test_unit_ready),
		cmocka_unit_test(tur_timeout_is_the_checkers),
		cmocka_unit_test(tur_msgtable_is_well_formed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
