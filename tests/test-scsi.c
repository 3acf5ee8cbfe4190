// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-scsi.c - the SCSI helper of libmultipath: mpath_sense_decode() over
 * a table of real-world sense buffers (fixed and descriptor formats,
 * deferred errors, truncated and garbage buffers), and mpath_sg_io()'s
 * classification of how a command ended, with ioctl() replaced by a fake
 * SG_IO that answers what each table row says and records what it was given.
 * Then what checkers build on it: mpath_sg_cmd()'s retries (which outcomes,
 * how many tries), the outcome a checker concludes and the path state it
 * stands for, and the received length of a data-in command.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <scsi/sg.h>
#include <cmocka.h>

#include "checkers.h"
#include "mpath_scsi.h"

/* --- sense buffers ---------------------------------------------------- */

/* 18-byte fixed-format sense, as most targets return it. */
#define FIXED(rc, key, asc, ascq) \
	{ rc, 0, key, 0, 0, 0, 0, 0x0a, 0, 0, 0, 0, asc, ascq, 0, 0, 0, 0 }
/* 8-byte descriptor-format sense header without descriptors. */
#define DESC(rc, key, asc, ascq) { rc, key, asc, ascq, 0, 0, 0, 0 }

/* The fields a row expects when a key can be decoded. */
#define OK(k, a, q)	.valid = true, .key = (k), .asc = (a), .ascq = (q)

struct sense_case {
	const char *name;
	uint8_t sb[32];
	size_t len;
	bool valid, deferred;
	uint8_t key, asc, ascq;
};

static const struct sense_case sense_cases[] = {
	{ "fixed UNIT ATTENTION 29/00 power on or reset",
	  FIXED(0x70, 0x06, 0x29, 0x00), 18, OK(0x6, 0x29, 0x00) },
	{ "fixed NOT READY 04/0B standby",
	  FIXED(0x70, 0x02, 0x04, 0x0b), 18, OK(0x2, 0x04, 0x0b) },
	{ "fixed NOT READY 04/0A ALUA transitioning",
	  FIXED(0x70, 0x02, 0x04, 0x0a), 18, OK(0x2, 0x04, 0x0a) },
	{ "fixed ILLEGAL REQUEST 25/00 LUN not supported",
	  FIXED(0x70, 0x05, 0x25, 0x00), 18, OK(0x5, 0x25, 0x00) },
	{ "fixed with VALID bit and information: MEDIUM ERROR 11/00",
	  { 0xf0, 0, 0x03, 0x00, 0x12, 0x34, 0x56, 0x0a, 0, 0, 0, 0,
	    0x11, 0x00, 0, 0, 0, 0 }, 18, OK(0x3, 0x11, 0x00) },
	{ "fixed with ILI/EOM/FILEMARK bits around the key",
	  FIXED(0x70, 0xe6, 0x2a, 0x09), 18, OK(0x6, 0x2a, 0x09) },
	{ "fixed in a larger buffer (96 bytes, as the kernel keeps)",
	  FIXED(0x70, 0x04, 0x44, 0x00), 32, OK(0x4, 0x44, 0x00) },
	{ "fixed with additional length 0: bytes past byte 7 are stale",
	  { 0x70, 0, 0x06, 0, 0, 0, 0, 0x00, 0, 0, 0, 0, 0x29, 0x01 },
	  18, OK(0x6, 0x00, 0x00) },
	{ "fixed with additional length 5: ASC only",
	  { 0x70, 0, 0x02, 0, 0, 0, 0, 0x05, 0, 0, 0, 0, 0x04, 0x0b },
	  18, OK(0x2, 0x04, 0x00) },
	{ "descriptor UNIT ATTENTION 29/00",
	  DESC(0x72, 0x06, 0x29, 0x00), 8, OK(0x6, 0x29, 0x00) },
	{ "descriptor NOT READY 04/0B standby",
	  DESC(0x72, 0x02, 0x04, 0x0b), 8, OK(0x2, 0x04, 0x0b) },
	{ "descriptor NOT READY 04/0A ALUA transitioning",
	  DESC(0x72, 0x02, 0x04, 0x0a), 8, OK(0x2, 0x04, 0x0a) },
	{ "descriptor ILLEGAL REQUEST 25/00",
	  DESC(0x72, 0x05, 0x25, 0x00), 8, OK(0x5, 0x25, 0x00) },
	{ "descriptor with an information descriptor: MEDIUM ERROR 11/00",
	  { 0x72, 0x03, 0x11, 0x00, 0, 0, 0, 0x0c, 0x00, 0x0a, 0x80, 0,
	    0, 0, 0, 0, 0, 0, 0x12, 0x34 }, 20, OK(0x3, 0x11, 0x00) },
	{ "descriptor with reserved bits above the key",
	  DESC(0x72, 0xf2, 0x04, 0x0b), 8, OK(0x2, 0x04, 0x0b) },
	{ "deferred fixed (0x71) HARDWARE ERROR 44/00",
	  FIXED(0x71, 0x04, 0x44, 0x00), 18, OK(0x4, 0x44, 0x00),
	  .deferred = true },
	{ "deferred descriptor (0x73) UNIT ATTENTION 2A/09",
	  DESC(0x73, 0x06, 0x2a, 0x09), 8, OK(0x6, 0x2a, 0x09), .deferred = true },
	{ "fixed truncated to 8 bytes: key, no ASC/ASCQ",
	  FIXED(0x70, 0x06, 0x29, 0x00), 8, OK(0x6, 0x00, 0x00) },
	{ "fixed truncated to 13 bytes: key and ASC",
	  FIXED(0x70, 0x02, 0x04, 0x0b), 13, OK(0x2, 0x04, 0x00) },
	{ "fixed truncated to 3 bytes: key only",
	  FIXED(0x70, 0x05, 0x25, 0x00), 3, OK(0x5, 0x00, 0x00) },
	{ "fixed truncated to 2 bytes: no key",
	  FIXED(0x70, 0x06, 0x29, 0x00), 2, .valid = false },
	{ "descriptor truncated to 2 bytes: key only",
	  DESC(0x72, 0x06, 0x29, 0x00), 2, OK(0x6, 0x00, 0x00) },
	{ "descriptor truncated to 1 byte: no key",
	  DESC(0x72, 0x06, 0x29, 0x00), 1, .valid = false },
	{ "length 0", FIXED(0x70, 0x06, 0x29, 0x00), 0, .valid = false },
	{ "all zero", { 0 }, 18, .valid = false },
	{ "all 0x7f (vendor specific)",
	  { [0 ... 31] = 0x7f }, 32, .valid = false },
	{ "all 0xff", { [0 ... 31] = 0xff }, 32, .valid = false },
	{ "response code 0x74 (reserved)",
	  DESC(0x74, 0x06, 0x29, 0x00), 8, .valid = false },
	{ "response code 0x00 with a plausible key",
	  { 0x00, 0, 0x06, 0, 0, 0, 0, 0x0a, 0, 0, 0, 0, 0x29 },
	  18, .valid = false },
};

static void sense_decode_table(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(sense_cases) / sizeof(sense_cases[0]); i++) {
		const struct sense_case *t = &sense_cases[i];
		struct mpath_sense s;
		/* Exactly len bytes on the heap: ASan sees any over-read. */
		uint8_t *sb = malloc(t->len ? t->len : 1);
		bool ok;

		assert_non_null(sb);
		memcpy(sb, t->sb, t->len);
		memset(&s, 0xa5, sizeof(s));
		ok = mpath_sense_decode(sb, t->len, &s);
		free(sb);
		print_message("  %s\n", t->name);
		assert_int_equal(ok, t->valid);
		assert_int_equal(s.valid, t->valid);
		assert_int_equal(s.deferred, t->deferred);
		assert_int_equal(s.key, t->key);
		assert_int_equal(s.asc, t->asc);
		assert_int_equal(s.ascq, t->ascq);
	}
}

static void sense_decode_null_buffer(void **state)
{
	struct mpath_sense s;

	memset(&s, 0xa5, sizeof(s));
	assert_false(mpath_sense_decode(NULL, 0, &s));
	assert_false(s.valid);
	assert_int_equal(s.key, 0);
}

/* --- a fake SG_IO -------------------------------------------------------- */

/* What the fake ioctl answers. */
struct sg_reply {
	int ret, err;		/* ret < 0: fail with errno err */
	uint8_t status;		/* the raw status byte */
	uint16_t host, driver;
	uint8_t sense[32];
	size_t sense_len;
	int resid;
};

/*
 * Written by the single test thread only. Without a script every call gets
 * reply; with one, call i gets script[i], and calls past its end its last
 * entry again.
 */
static struct sg_reply reply;
static const struct sg_reply *script;
static int script_len;
static int ioctl_calls;
static int last_fd;
static unsigned long last_req;
static sg_io_hdr_t last_hdr;
static uint8_t last_cdb[16];

int __wrap_ioctl(int fd, unsigned long req, ...);
int __wrap_ioctl(int fd, unsigned long req, ...)
{
	sg_io_hdr_t *hdr;
	va_list ap;
	size_t n;

	va_start(ap, req);
	hdr = va_arg(ap, sg_io_hdr_t *);
	va_end(ap);
	if (script)
		reply = script[ioctl_calls < script_len ? ioctl_calls :
							   script_len - 1];
	ioctl_calls++;
	last_fd = fd;
	last_req = req;
	if (req != SG_IO) {
		errno = ENOTTY;
		return -1;
	}
	last_hdr = *hdr;
	memcpy(last_cdb, hdr->cmdp, hdr->cmd_len <= 16 ? hdr->cmd_len : 16);
	if (reply.ret < 0) {
		errno = reply.err;
		return -1;
	}
	/* Data in: a recognisable pattern, as a device would return. */
	if (hdr->dxfer_direction == SG_DXFER_FROM_DEV && hdr->dxfer_len)
		memset(hdr->dxferp, 0x5a, hdr->dxfer_len);
	hdr->status = reply.status;
	hdr->masked_status = (reply.status >> 1) & 0x7f;
	hdr->host_status = reply.host;
	hdr->driver_status = reply.driver;
	hdr->resid = reply.resid;
	n = reply.sense_len < hdr->mx_sb_len ? reply.sense_len : hdr->mx_sb_len;
	memcpy(hdr->sbp, reply.sense, n);
	hdr->sb_len_wr = n;
	return reply.ret;
}

/* --- mpath_sg_io: classification --------------------------------------- */

#define UA_SENSE	.sense = FIXED(0x70, 0x06, 0x29, 0x00), .sense_len = 18
#define STANDBY_SENSE	.sense = FIXED(0x70, 0x02, 0x04, 0x0b), .sense_len = 18

struct class_case {
	const char *name;
	struct sg_reply r;
	int rc, err;
	enum mpath_sg_class cls;
	bool transient;
	uint8_t status;			/* as res reports it: masked */
	bool sense_valid;
	uint8_t key, asc, ascq;
};

/* The fields a row expects when CHECK CONDITION came with sense. */
#define SENSE(k, a, q)	.sense_valid = true, .key = (k), .asc = (a), .ascq = (q)

static const struct class_case class_cases[] = {
	{ "ioctl fails with ENOTTY", { .ret = -1, .err = ENOTTY },
	  .rc = -ENOTTY, .err = ENOTTY, .cls = MPATH_SG_IOCTL_ERROR },
	{ "ioctl fails with EIO", { .ret = -1, .err = EIO },
	  .rc = -EIO, .err = EIO, .cls = MPATH_SG_IOCTL_ERROR },
	{ "ioctl fails with ENODEV", { .ret = -1, .err = ENODEV },
	  .rc = -ENODEV, .err = ENODEV, .cls = MPATH_SG_IOCTL_ERROR },
	{ "GOOD", { .status = 0 }, .rc = 0, .cls = MPATH_SG_GOOD },
	{ "GOOD with reserved status bits set", { .status = 0x81 },
	  .rc = 0, .cls = MPATH_SG_GOOD },
	{ "CHECK CONDITION with UNIT ATTENTION is transient",
	  { .status = 0x02, UA_SENSE }, .rc = -EIO,
	  .cls = MPATH_SG_CHECK_CONDITION, .transient = true, .status = 0x02,
	  SENSE(0x6, 0x29, 0x00) },
	{ "CHECK CONDITION with reserved bit 0 set",
	  { .status = 0x03, STANDBY_SENSE }, .rc = -EIO,
	  .cls = MPATH_SG_CHECK_CONDITION, .status = 0x02,
	  SENSE(0x2, 0x04, 0x0b) },
	{ "CHECK CONDITION with descriptor sense",
	  { .status = 0x02, .sense = DESC(0x72, 0x05, 0x25, 0x00),
	    .sense_len = 8 }, .rc = -EIO, .cls = MPATH_SG_CHECK_CONDITION,
	  .status = 0x02, SENSE(0x5, 0x25, 0x00) },
	{ "CHECK CONDITION without sense data", { .status = 0x02 },
	  .rc = -EIO, .cls = MPATH_SG_CHECK_CONDITION, .status = 0x02 },
	{ "CHECK CONDITION with garbage sense",
	  { .status = 0x02, .sense = { [0 ... 17] = 0x7f }, .sense_len = 18 },
	  .rc = -EIO, .cls = MPATH_SG_CHECK_CONDITION, .status = 0x02 },
	{ "driver sense bit with status GOOD",
	  { .driver = 0x08, UA_SENSE }, .rc = -EIO,
	  .cls = MPATH_SG_CHECK_CONDITION, .transient = true, .status = 0x00,
	  SENSE(0x6, 0x29, 0x00) },
	{ "driver sense bit with a retry suggestion in the high nibble",
	  { .driver = 0x28, STANDBY_SENSE }, .rc = -EIO,
	  .cls = MPATH_SG_CHECK_CONDITION, .status = 0x00,
	  SENSE(0x2, 0x04, 0x0b) },
	{ "driver sense bit but no sense bytes is GOOD", { .driver = 0x08 },
	  .rc = 0, .cls = MPATH_SG_GOOD },
	{ "driver timeout", { .driver = 0x06 },
	  .rc = -EIO, .cls = MPATH_SG_TRANSPORT },
	{ "RESERVATION CONFLICT", { .status = 0x18 }, .rc = -EIO,
	  .cls = MPATH_SG_RESERVATION_CONFLICT, .status = 0x18 },
	{ "BUSY is transient", { .status = 0x08 }, .rc = -EIO,
	  .cls = MPATH_SG_BUSY, .transient = true, .status = 0x08 },
	{ "TASK SET FULL is transient", { .status = 0x28 }, .rc = -EIO,
	  .cls = MPATH_SG_BUSY, .transient = true, .status = 0x28 },
	{ "TASK ABORTED is another status", { .status = 0x40 }, .rc = -EIO,
	  .cls = MPATH_SG_OTHER_STATUS, .status = 0x40 },
	{ "CONDITION MET is another status", { .status = 0x04 }, .rc = -EIO,
	  .cls = MPATH_SG_OTHER_STATUS, .status = 0x04 },
	{ "host DID_BUS_BUSY is transient", { .host = 0x02 }, .rc = -EIO,
	  .cls = MPATH_SG_TRANSPORT, .transient = true },
	{ "host DID_SOFT_ERROR is transient", { .host = 0x0b }, .rc = -EIO,
	  .cls = MPATH_SG_TRANSPORT, .transient = true },
	{ "host DID_IMM_RETRY is transient", { .host = 0x0c }, .rc = -EIO,
	  .cls = MPATH_SG_TRANSPORT, .transient = true },
	{ "host DID_REQUEUE is transient", { .host = 0x0d }, .rc = -EIO,
	  .cls = MPATH_SG_TRANSPORT, .transient = true },
	{ "host DID_TRANSPORT_DISRUPTED is transient", { .host = 0x0e },
	  .rc = -EIO, .cls = MPATH_SG_TRANSPORT, .transient = true },
	{ "host DID_NO_CONNECT is not transient", { .host = 0x01 },
	  .rc = -EIO, .cls = MPATH_SG_TRANSPORT },
	{ "host DID_TIME_OUT is not transient", { .host = 0x03 },
	  .rc = -EIO, .cls = MPATH_SG_TRANSPORT },
	{ "host DID_TRANSPORT_FAILFAST is not transient", { .host = 0x0f },
	  .rc = -EIO, .cls = MPATH_SG_TRANSPORT },
	{ "a host error outranks CHECK CONDITION and its sense",
	  { .host = 0x01, .status = 0x02, UA_SENSE }, .rc = -EIO,
	  .cls = MPATH_SG_TRANSPORT, .status = 0x02 },
};

static const uint8_t tur_cdb[6];

static void sg_io_classification_table(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(class_cases) / sizeof(class_cases[0]); i++) {
		const struct class_case *t = &class_cases[i];
		struct mpath_sg_result res;
		int rc;

		print_message("  %s\n", t->name);
		reply = t->r;
		ioctl_calls = 0;
		memset(&res, 0xa5, sizeof(res));
		rc = mpath_sg_io(3, tur_cdb, sizeof(tur_cdb), MPATH_SG_NONE,
				 NULL, 0, 5000, &res);
		assert_int_equal(ioctl_calls, 1);
		assert_int_equal(rc, t->rc);
		assert_int_equal(res.cls, t->cls);
		assert_int_equal(res.err, t->err);
		assert_int_equal(res.transient, t->transient);
		assert_int_equal(res.sense.valid, t->sense_valid);
		assert_int_equal(res.sense.key, t->key);
		assert_int_equal(res.sense.asc, t->asc);
		assert_int_equal(res.sense.ascq, t->ascq);
		if (t->cls == MPATH_SG_IOCTL_ERROR)
			continue;
		assert_int_equal(res.status, t->status);
		assert_int_equal(res.host_status, t->r.host);
		assert_int_equal(res.driver_status, t->r.driver);
		assert_int_equal(res.resid, 0);
	}
}

/* --- mpath_sg_io: what reaches the kernel ------------------------------ */

static void sg_io_hands_the_kernel_a_no_data_command(void **state)
{
	struct mpath_sg_result res;

	memset(&reply, 0, sizeof(reply));
	ioctl_calls = 0;
	assert_int_equal(mpath_sg_io(7, tur_cdb, sizeof(tur_cdb),
				     MPATH_SG_NONE, NULL, 0, 30000, &res), 0);
	assert_int_equal(ioctl_calls, 1);
	assert_int_equal(last_fd, 7);
	assert_int_equal(last_req, SG_IO);
	assert_int_equal(last_hdr.interface_id, 'S');
	assert_int_equal(last_hdr.cmd_len, 6);
	assert_memory_equal(last_cdb, tur_cdb, 6);
	assert_int_equal(last_hdr.dxfer_direction, SG_DXFER_NONE);
	assert_int_equal(last_hdr.dxfer_len, 0);
	assert_null(last_hdr.dxferp);
	assert_int_equal(last_hdr.timeout, 30000);
	assert_non_null(last_hdr.sbp);
	assert_true(last_hdr.mx_sb_len >= 32);
}

static void sg_io_hands_the_kernel_a_data_in_command(void **state)
{
	static const uint8_t read10[10] = { 0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0 };
	uint8_t buf[512], want[512];
	struct mpath_sg_result res;

	memset(&reply, 0, sizeof(reply));
	reply.resid = 12;
	memset(buf, 0, sizeof(buf));
	memset(want, 0x5a, sizeof(want));
	assert_int_equal(mpath_sg_io(4, read10, sizeof(read10),
				     MPATH_SG_FROM_DEV, buf, sizeof(buf),
				     1234, &res), 0);
	assert_int_equal(last_hdr.cmd_len, 10);
	assert_memory_equal(last_cdb, read10, 10);
	assert_int_equal(last_hdr.dxfer_direction, SG_DXFER_FROM_DEV);
	assert_ptr_equal(last_hdr.dxferp, buf);
	assert_int_equal(last_hdr.dxfer_len, 512);
	assert_int_equal(last_hdr.timeout, 1234);
	assert_memory_equal(buf, want, sizeof(buf));
	assert_int_equal(res.resid, 12);
	assert_int_equal(res.cls, MPATH_SG_GOOD);
}

static void sg_io_hands_the_kernel_a_data_out_command(void **state)
{
	static const uint8_t cdb16[16] = { 0x55, 0x10 };	/* MODE SELECT(10)-ish */
	uint8_t buf[24] = { 1, 2, 3 };
	struct mpath_sg_result res;

	memset(&reply, 0, sizeof(reply));
	assert_int_equal(mpath_sg_io(4, cdb16, sizeof(cdb16), MPATH_SG_TO_DEV,
				     buf, sizeof(buf), 60000, &res), 0);
	assert_int_equal(last_hdr.cmd_len, 16);
	assert_memory_equal(last_cdb, cdb16, 16);
	assert_int_equal(last_hdr.dxfer_direction, SG_DXFER_TO_DEV);
	assert_ptr_equal(last_hdr.dxferp, buf);
	assert_int_equal(last_hdr.dxfer_len, 24);
}

static void sg_io_refuses_bad_arguments_without_an_ioctl(void **state)
{
	static const uint8_t cdb[17];
	uint8_t buf[8];
	struct mpath_sg_result res;

	memset(&reply, 0, sizeof(reply));
	ioctl_calls = 0;
	assert_int_equal(mpath_sg_io(3, cdb, 5, MPATH_SG_NONE, NULL, 0, 1,
				     &res), -EINVAL);
	assert_int_equal(res.cls, MPATH_SG_IOCTL_ERROR);
	assert_int_equal(res.err, EINVAL);
	assert_int_equal(mpath_sg_io(3, cdb, 17, MPATH_SG_NONE, NULL, 0, 1,
				     &res), -EINVAL);
	assert_int_equal(mpath_sg_io(3, NULL, 6, MPATH_SG_NONE, NULL, 0, 1,
				     &res), -EINVAL);
	assert_int_equal(mpath_sg_io(3, cdb, 10, MPATH_SG_FROM_DEV, NULL, 8,
				     1, &res), -EINVAL);
	assert_int_equal(mpath_sg_io(3, cdb, 10, MPATH_SG_FROM_DEV, buf, 0,
				     1, &res), -EINVAL);
	assert_int_equal(ioctl_calls, 0);
}

/* --- mpath_sg_cmd: retries ----------------------------------------------- */

/* Device answers, one per try. */
#define R_GOOD		{ .status = 0x00 }
#define R_ERRNO(e)	{ .ret = -1, .err = (e) }
#define R_STATUS(s)	{ .status = (s) }
#define R_HOST(h)	{ .host = (h) }
#define R_UA		{ .status = 0x02, UA_SENSE }
#define R_STANDBY	{ .status = 0x02, STANDBY_SENSE }

#define MAX_TRIES	8
#define RETRY_UA	MPATH_SG_RETRY_UNIT_ATTENTION
#define RETRY_TRANSPORT	MPATH_SG_RETRY_TRANSPORT
#define RETRY_BUSY	MPATH_SG_RETRY_BUSY
#define RETRY_ALL	MPATH_SG_RETRY_TRANSIENT

struct retry_case {
	const char *name;
	int nr;				/* answers in r[]; the last repeats */
	struct sg_reply r[MAX_TRIES];
	unsigned int retries, retry_on;
	int calls;			/* SG_IO calls expected */
	int rc;
	enum mpath_sg_class cls;	/* of the last try */
	bool transient;
};

static const struct retry_case retry_cases[] = {
	{ "GOOD at once: one try", 1, { R_GOOD }, 5, RETRY_ALL,
	  1, 0, MPATH_SG_GOOD, false },
	{ "UNIT ATTENTION, then GOOD", 2, { R_UA, R_GOOD }, 2, RETRY_UA,
	  2, 0, MPATH_SG_GOOD, false },
	{ "UNIT ATTENTION on every try: 1 + 2 retries", 1, { R_UA }, 2,
	  RETRY_UA, 3, -EIO, MPATH_SG_CHECK_CONDITION, true },
	{ "UNIT ATTENTION on every try: 1 + 5 retries", 1, { R_UA }, 5,
	  RETRY_ALL, 6, -EIO, MPATH_SG_CHECK_CONDITION, true },
	{ "no retries: one try, transient or not", 1, { R_UA }, 0, RETRY_ALL,
	  1, -EIO, MPATH_SG_CHECK_CONDITION, true },
	{ "a unit attention is not retried unless asked", 2, { R_UA, R_GOOD },
	  5, RETRY_TRANSPORT | RETRY_BUSY, 1, -EIO, MPATH_SG_CHECK_CONDITION,
	  true },
	{ "BUSY retried when asked", 3, { R_STATUS(0x08), R_STATUS(0x28),
	  R_GOOD }, 2, RETRY_BUSY, 3, 0, MPATH_SG_GOOD, false },
	{ "BUSY not retried without MPATH_SG_RETRY_BUSY", 2,
	  { R_STATUS(0x08), R_GOOD }, 5, RETRY_UA | RETRY_TRANSPORT,
	  1, -EIO, MPATH_SG_BUSY, true },
	{ "transient host status retried", 2, { R_HOST(0x0e), R_GOOD }, 2,
	  RETRY_TRANSPORT, 2, 0, MPATH_SG_GOOD, false },
	{ "transient host status not retried for UA only", 2,
	  { R_HOST(0x02), R_GOOD }, 2, RETRY_UA, 1, -EIO, MPATH_SG_TRANSPORT,
	  true },
	{ "a host status that is not transient ends the tries", 2,
	  { R_HOST(0x01), R_GOOD }, 5, RETRY_ALL, 1, -EIO, MPATH_SG_TRANSPORT, false },
	{ "a transient one, then one that is not", 3,
	  { R_HOST(0x0c), R_HOST(0x03), R_GOOD }, 5, RETRY_ALL, 2, -EIO,
	  MPATH_SG_TRANSPORT, false },
	{ "the ioctl failing is not retried", 2, { R_ERRNO(EIO), R_GOOD }, 5,
	  RETRY_ALL, 1, -EIO, MPATH_SG_IOCTL_ERROR, false },
	{ "no SG_IO is not retried", 2, { R_ERRNO(ENOTTY), R_GOOD }, 5,
	  RETRY_ALL, 1, -ENOTTY, MPATH_SG_IOCTL_ERROR, false },
	{ "other sense is not retried", 2, { R_STANDBY, R_GOOD }, 5, RETRY_ALL,
	  1, -EIO, MPATH_SG_CHECK_CONDITION, false },
	{ "RESERVATION CONFLICT is not retried", 2, { R_STATUS(0x18), R_GOOD },
	  5, RETRY_ALL, 1, -EIO, MPATH_SG_RESERVATION_CONFLICT, false },
	{ "retries are shared by every transient kind", 4,
	  { R_UA, R_HOST(0x02), R_STATUS(0x28), R_GOOD }, 3, RETRY_ALL,
	  4, 0, MPATH_SG_GOOD, false },
	{ "one too few retries: the GOOD after them is never asked", 4,
	  { R_UA, R_HOST(0x02), R_STATUS(0x28), R_GOOD }, 2, RETRY_ALL,
	  3, -EIO, MPATH_SG_BUSY, true },
	{ "a unit attention, then the ioctl fails", 2, { R_UA, R_ERRNO(ENODEV) },
	  5, RETRY_ALL, 2, -ENODEV, MPATH_SG_IOCTL_ERROR, false },
	{ "a unit attention, then standby: the last try's answer", 2,
	  { R_UA, R_STANDBY }, 5, RETRY_UA, 2, -EIO, MPATH_SG_CHECK_CONDITION, false },
};

static void sg_cmd_retry_table(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(retry_cases) / sizeof(retry_cases[0]); i++) {
		const struct retry_case *t = &retry_cases[i];
		struct mpath_sg_result res;
		int rc;

		print_message("  %s\n", t->name);
		assert_true(t->nr >= 1 && t->nr <= MAX_TRIES);
		script = t->r;
		script_len = t->nr;
		ioctl_calls = 0;
		memset(&res, 0xa5, sizeof(res));
		rc = mpath_sg_cmd(3, tur_cdb, sizeof(tur_cdb), MPATH_SG_NONE,
				  NULL, 0, 5000, t->retries, t->retry_on, &res);
		script = NULL;
		assert_int_equal(ioctl_calls, t->calls);
		assert_int_equal(rc, t->rc);
		assert_int_equal(res.cls, t->cls);
		assert_int_equal(res.transient, t->transient);
	}
}

/* Every try is the same command: CDB, data buffer, timeout. */
static void sg_cmd_repeats_the_same_command(void **state)
{
	static const uint8_t inq[6] = { 0x12, 0x01, 0x80, 0, 0xff, 0 };
	static const struct sg_reply r[] = { R_UA, R_UA, R_GOOD };
	uint8_t buf[255];
	struct mpath_sg_result res;

	script = r;
	script_len = 3;
	ioctl_calls = 0;
	assert_int_equal(mpath_sg_cmd(9, inq, sizeof(inq), MPATH_SG_FROM_DEV,
				      buf, sizeof(buf), 7000, 2, RETRY_ALL,
				      &res), 0);
	script = NULL;
	assert_int_equal(ioctl_calls, 3);
	assert_int_equal(last_fd, 9);
	assert_memory_equal(last_cdb, inq, sizeof(inq));
	assert_int_equal(last_hdr.dxfer_direction, SG_DXFER_FROM_DEV);
	assert_ptr_equal(last_hdr.dxferp, buf);
	assert_int_equal(last_hdr.dxfer_len, sizeof(buf));
	assert_int_equal(last_hdr.timeout, 7000);
	assert_int_equal(res.cls, MPATH_SG_GOOD);
	assert_false(res.transient);
}

static void sg_cmd_refuses_bad_arguments_once(void **state)
{
	struct mpath_sg_result res;

	memset(&reply, 0, sizeof(reply));
	ioctl_calls = 0;
	assert_int_equal(mpath_sg_cmd(3, tur_cdb, 5, MPATH_SG_NONE, NULL, 0,
				      1000, 5, RETRY_ALL, &res), -EINVAL);
	assert_int_equal(res.cls, MPATH_SG_IOCTL_ERROR);
	assert_int_equal(res.err, EINVAL);
	assert_int_equal(ioctl_calls, 0);
}

/* --- mpath_sg_outcome and the path state it stands for ------------------- */

struct outcome_case {
	const char *name;
	struct sg_reply r;
	enum mpath_sg_outcome outcome;
	int state;
};

static const struct outcome_case outcome_cases[] = {
	{ "GOOD", R_GOOD, MPATH_SG_DONE, PATH_UP },
	{ "no SG_IO (ENOTTY)", R_ERRNO(ENOTTY), MPATH_SG_NO_SGIO, PATH_WILD },
	{ "the ioctl fails with EIO", R_ERRNO(EIO), MPATH_SG_NOT_SENT,
	  PATH_DOWN },
	{ "the ioctl fails with ENODEV", R_ERRNO(ENODEV), MPATH_SG_NOT_SENT,
	  PATH_DOWN },
	{ "the ioctl fails with EINVAL", R_ERRNO(EINVAL), MPATH_SG_NOT_SENT,
	  PATH_DOWN },
	{ "host DID_NO_CONNECT", R_HOST(0x01), MPATH_SG_NO_ANSWER, PATH_DOWN },
	{ "host DID_TRANSPORT_DISRUPTED (transient)", R_HOST(0x0e),
	  MPATH_SG_NO_ANSWER, PATH_DOWN },
	{ "driver timeout", { .driver = 0x06 }, MPATH_SG_NO_ANSWER,
	  PATH_DOWN },
	{ "ILLEGAL REQUEST 24/00 invalid field in CDB",
	  { .status = 0x02, .sense = FIXED(0x70, 0x05, 0x24, 0x00),
	    .sense_len = 18 }, MPATH_SG_UNSUPPORTED, PATH_WILD },
	{ "ILLEGAL REQUEST 25/00, descriptor sense",
	  { .status = 0x02, .sense = DESC(0x72, 0x05, 0x25, 0x00),
	    .sense_len = 8 }, MPATH_SG_UNSUPPORTED, PATH_WILD },
	{ "NOT READY 04/0B standby", R_STANDBY, MPATH_SG_REFUSED, PATH_DOWN },
	{ "UNIT ATTENTION", R_UA, MPATH_SG_REFUSED, PATH_DOWN },
	{ "CHECK CONDITION without sense", R_STATUS(0x02), MPATH_SG_REFUSED,
	  PATH_DOWN },
	{ "CHECK CONDITION with garbage sense",
	  { .status = 0x02, .sense = { [0 ... 17] = 0x7f }, .sense_len = 18 },
	  MPATH_SG_REFUSED, PATH_DOWN },
	{ "RESERVATION CONFLICT", R_STATUS(0x18), MPATH_SG_REFUSED, PATH_DOWN },
	{ "BUSY", R_STATUS(0x08), MPATH_SG_REFUSED, PATH_DOWN },
	{ "TASK ABORTED", R_STATUS(0x40), MPATH_SG_REFUSED, PATH_DOWN },
	{ "a host error outranks ILLEGAL REQUEST sense",
	  { .host = 0x01, .status = 0x02,
	    .sense = FIXED(0x70, 0x05, 0x24, 0x00), .sense_len = 18 },
	  MPATH_SG_NO_ANSWER, PATH_DOWN },
};

static void sg_outcome_table(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(outcome_cases) / sizeof(outcome_cases[0]); i++) {
		const struct outcome_case *t = &outcome_cases[i];
		struct mpath_sg_result res;
		enum mpath_sg_outcome o;

		print_message("  %s\n", t->name);
		reply = t->r;
		mpath_sg_io(3, tur_cdb, sizeof(tur_cdb), MPATH_SG_NONE, NULL, 0,
			    5000, &res);
		o = mpath_sg_outcome(&res);
		assert_int_equal(o, t->outcome);
		assert_int_equal(mpath_sg_outcome_state(o), t->state);
	}
}

/* --- mpath_sg_received ---------------------------------------------------- */

static size_t received(size_t len, int resid, enum mpath_sg_class cls)
{
	struct mpath_sg_result res;

	memset(&res, 0, sizeof(res));
	res.cls = cls;
	res.resid = resid;
	return mpath_sg_received(len, &res);
}

static void sg_received_edges(void **state)
{
	/* Everything came. */
	assert_int_equal(received(64, 0, MPATH_SG_GOOD), 64);
	/* Part of it. */
	assert_int_equal(received(512, 12, MPATH_SG_GOOD), 500);
	assert_int_equal(received(64, 63, MPATH_SG_GOOD), 1);
	/* Nothing, or a resid beyond the buffer: nothing, never a wrap. */
	assert_int_equal(received(64, 64, MPATH_SG_GOOD), 0);
	assert_int_equal(received(64, 65, MPATH_SG_GOOD), 0);
	assert_int_equal(received(64, INT_MAX, MPATH_SG_GOOD), 0);
	/* A negative resid is not more data than the buffer holds. */
	assert_int_equal(received(64, -1, MPATH_SG_GOOD), 64);
	assert_int_equal(received(64, INT_MIN, MPATH_SG_GOOD), 64);
	/* An empty buffer holds nothing. */
	assert_int_equal(received(0, 0, MPATH_SG_GOOD), 0);
	assert_int_equal(received(0, 5, MPATH_SG_GOOD), 0);
	/* A failed ioctl brought no data, whatever resid says. */
	assert_int_equal(received(64, 0, MPATH_SG_IOCTL_ERROR), 0);
	/* A command that ended otherwise: what the kernel counted. */
	assert_int_equal(received(96, 32, MPATH_SG_CHECK_CONDITION), 64);
}

/* The resid the kernel reports reaches mpath_sg_received(). */
static void sg_received_after_a_short_transfer(void **state)
{
	static const uint8_t inq[6] = { 0x12, 0x01, 0xc9, 0, 64, 0 };
	uint8_t buf[64];
	struct mpath_sg_result res;

	memset(&reply, 0, sizeof(reply));
	reply.resid = 20;
	assert_int_equal(mpath_sg_cmd(3, inq, sizeof(inq), MPATH_SG_FROM_DEV,
				      buf, sizeof(buf), 1000, 0, 0, &res), 0);
	assert_int_equal(mpath_sg_received(sizeof(buf), &res), 44);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sense_decode_table),
		cmocka_unit_test(sense_decode_null_buffer),
		cmocka_unit_test(sg_io_classification_table),
		cmocka_unit_test(sg_io_hands_the_kernel_a_no_data_command),
		cmocka_unit_test(sg_io_hands_the_kernel_a_data_in_command),
		cmocka_unit_test(sg_io_hands_the_kernel_a_data_out_command),
		cmocka_unit_test(sg_io_refuses_bad_arguments_without_an_ioctl),
		cmocka_unit_test(sg_cmd_retry_table),
		cmocka_unit_test(sg_cmd_repeats_the_same_command),
		cmocka_unit_test(sg_cmd_refuses_bad_arguments_once),
		cmocka_unit_test(sg_outcome_table),
		cmocka_unit_test(sg_received_edges),
		cmocka_unit_test(sg_received_after_a_short_transfer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
