/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sgio-script.h - a scripted SG_IO device for the unit tests of the
 * vendor SCSI checkers (hp_sw, emc_clariion, rdac).
 *
 * A test that includes this header replaces ioctl() (the Makefile derives
 * -Wl,--wrap=ioctl from the __wrap_ioctl below and links the library's
 * objects, so the SG_IO of mpath_sg_io() lands here). The test queues the
 * device's answers with sg_push(): for each command the checker sends, in
 * order, the opcode (and VPD or mode page) it must send and how the
 * command ends: the ioctl failing with an errno, a host status, a SCSI
 * status with sense, and the data the device returns. The fake fills the
 * sg_io_hdr the way the kernel's SG_IO does (status, masked_status,
 * host_status, driver_status DRIVER_SENSE with CHECK CONDITION, sense,
 * resid, info) and records what it was given: the CDB, the timeout and
 * any data sent to the device. A command nobody queued, or one other than
 * the queued one, fails the test.
 *
 * Used from the test's thread only: no locking.
 */
#ifndef MPATH_SGIO_SCRIPT_H
#define MPATH_SGIO_SCRIPT_H

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <scsi/sg.h>
#include <cmocka.h>

#define SG_FAKE_FD		3	/* the fd the tests give their checkers */
#define SG_MAX_STEPS		16
#define SG_DATA_MAX		256

#define SCSI_GOOD		0x00
#define SCSI_CHECK_CONDITION	0x02
#define SCSI_BUSY		0x08
#define SCSI_RESERVATION_CONFLICT 0x18

#define DID_NO_CONNECT		0x01
#define DID_BUS_BUSY		0x02
#define DID_TIME_OUT		0x03
#define DID_ERROR		0x07
#define DID_TRANSPORT_DISRUPTED	0x0e
#define DRIVER_SENSE		0x08

#define KEY_NOT_READY		0x2
#define KEY_MEDIUM_ERROR	0x3
#define KEY_HARDWARE_ERROR	0x4
#define KEY_ILLEGAL_REQUEST	0x5
#define KEY_UNIT_ATTENTION	0x6
#define KEY_ABORTED_COMMAND	0xb

/*
 * How one command ends. Zero-initialised means GOOD with the full data.
 * trunc > 0: the device returns only that many bytes of the data.
 */
struct sg_outcome {
	int err;		/* non-zero: the ioctl fails with this errno */
	uint8_t host;		/* host_status */
	uint8_t status;		/* SCSI status byte */
	bool desc;		/* descriptor-format sense instead of fixed */
	uint8_t key, asc, ascq;	/* sense, with CHECK CONDITION */
	int trunc;
};

#define O_GOOD			{ .status = SCSI_GOOD }
#define O_ERR(e)		{ .err = (e) }
#define O_HOST(h)		{ .host = (h) }
#define O_STATUS(s)		{ .status = (s) }
#define O_CHECK(k, a, q)	{ .status = SCSI_CHECK_CONDITION, \
				  .key = (k), .asc = (a), .ascq = (q) }
#define O_CHECK_DESC(k, a, q)	{ .status = SCSI_CHECK_CONDITION, .desc = true, \
				  .key = (k), .asc = (a), .ascq = (q) }
#define O_TRUNC(n)		{ .trunc = (n) }
#define O_UA			O_CHECK(KEY_UNIT_ATTENTION, 0x29, 0x00)

struct sg_step {
	uint8_t op;		/* the opcode the checker must send */
	int page;		/* its VPD or mode page; -1: none */
	struct sg_outcome o;
	uint8_t data[SG_DATA_MAX];
	size_t data_len;
};

/* What the fake saw, per command, in order. */
struct sg_seen {
	uint8_t cdb[16];
	unsigned int cdb_len;
	unsigned int timeout;
	int dir;
	uint8_t out[SG_DATA_MAX];	/* data sent to the device */
	size_t out_len;
};

static struct {
	struct sg_step steps[SG_MAX_STEPS];
	int n;			/* steps queued */
	int calls;		/* SG_IO calls made (= steps consumed) */
	struct sg_seen seen[SG_MAX_STEPS];
} sg_script;

int __real_ioctl(int fd, unsigned long req, ...);

static inline void sg_reset(void)
{
	memset(&sg_script, 0, sizeof(sg_script));
}

/* Queue the answer to the next command. data may be NULL (no data). */
static inline void sg_push(uint8_t op, int page, const struct sg_outcome *o,
			   const void *data, size_t len)
{
	struct sg_step *s;

	assert_true(sg_script.n < SG_MAX_STEPS);
	assert_true(len <= SG_DATA_MAX);
	s = &sg_script.steps[sg_script.n++];
	s->op = op;
	s->page = page;
	s->o = *o;
	if (data)
		memcpy(s->data, data, len);
	s->data_len = len;
}

/* Every queued answer was asked for, and nothing more. */
static inline void sg_assert_done(void)
{
	assert_int_equal(sg_script.calls, sg_script.n);
}

static inline void sg_fill_sense(sg_io_hdr_t *hdr, const struct sg_outcome *o)
{
	uint8_t sb[18];
	size_t len;

	memset(sb, 0, sizeof(sb));
	if (o->desc) {
		sb[0] = 0x72;
		sb[1] = o->key;
		sb[2] = o->asc;
		sb[3] = o->ascq;
		len = 8;
	} else {
		sb[0] = 0x70;
		sb[2] = o->key;
		sb[7] = 10;
		sb[12] = o->asc;
		sb[13] = o->ascq;
		len = 18;
	}
	if (len > hdr->mx_sb_len)
		len = hdr->mx_sb_len;
	memcpy(hdr->sbp, sb, len);
	hdr->sb_len_wr = len;
}

/* The command must be the one queued: opcode, and page where it has one. */
static inline void sg_check_cdb(const struct sg_step *s, const uint8_t *cdb,
				unsigned int len)
{
	if (cdb[0] != s->op)
		fail_msg("command %d: opcode 0x%02x, expected 0x%02x",
			 sg_script.calls, cdb[0], s->op);
	switch (cdb[0]) {
	case 0x12:	/* INQUIRY: EVPD with the page, or standard */
		assert_int_equal(len, 6);
		if (s->page >= 0) {
			assert_int_equal(cdb[1] & 0x01, 0x01);
			assert_int_equal(cdb[2], s->page);
		}
		break;
	case 0x5a:	/* MODE SENSE(10) */
	case 0x55:	/* MODE SELECT(10) */
		assert_int_equal(len, 10);
		if (cdb[0] == 0x5a && s->page >= 0)
			assert_int_equal(cdb[2] & 0x3f, s->page);
		break;
	case 0x28:	/* READ(10) */
		assert_int_equal(len, 10);
		break;
	case 0x00:	/* TEST UNIT READY */
		assert_int_equal(len, 6);
		break;
	}
}

int __wrap_ioctl(int fd, unsigned long req, ...);
int __wrap_ioctl(int fd, unsigned long req, ...)
{
	struct sg_step *s;
	struct sg_seen *seen;
	sg_io_hdr_t *hdr;
	size_t n;
	va_list ap;

	va_start(ap, req);
	hdr = va_arg(ap, sg_io_hdr_t *);
	va_end(ap);
	if (req != SG_IO)
		return __real_ioctl(fd, req, hdr);

	assert_int_equal(fd, SG_FAKE_FD);
	assert_int_equal(hdr->interface_id, 'S');
	if (sg_script.calls >= sg_script.n)
		fail_msg("unexpected command 0x%02x (call %d, %d queued)",
			 hdr->cmdp[0], sg_script.calls + 1, sg_script.n);
	s = &sg_script.steps[sg_script.calls];
	seen = &sg_script.seen[sg_script.calls];
	sg_script.calls++;

	memcpy(seen->cdb, hdr->cmdp, hdr->cmd_len < 16 ? hdr->cmd_len : 16);
	seen->cdb_len = hdr->cmd_len;
	seen->timeout = hdr->timeout;
	seen->dir = hdr->dxfer_direction;
	if (hdr->dxfer_direction == SG_DXFER_TO_DEV && hdr->dxferp) {
		seen->out_len = hdr->dxfer_len < SG_DATA_MAX ?
				hdr->dxfer_len : SG_DATA_MAX;
		memcpy(seen->out, hdr->dxferp, seen->out_len);
	}
	sg_check_cdb(s, hdr->cmdp, hdr->cmd_len);

	if (s->o.err) {
		errno = s->o.err;
		return -1;
	}

	hdr->status = s->o.status;
	hdr->masked_status = s->o.status >> 1;
	hdr->host_status = s->o.host;
	hdr->driver_status = 0;
	hdr->sb_len_wr = 0;
	hdr->resid = 0;
	hdr->info = 0;
	if (s->o.status == SCSI_CHECK_CONDITION) {
		hdr->driver_status = DRIVER_SENSE;
		sg_fill_sense(hdr, &s->o);
	}
	if (hdr->dxfer_direction == SG_DXFER_FROM_DEV) {
		n = s->data_len;
		if (s->o.trunc > 0 && (size_t)s->o.trunc < n)
			n = s->o.trunc;
		/* Data arrives only with a command that got through. */
		if (s->o.host || s->o.status != SCSI_GOOD)
			n = 0;
		if (n > hdr->dxfer_len)
			n = hdr->dxfer_len;
		memcpy(hdr->dxferp, s->data, n);
		hdr->resid = hdr->dxfer_len - n;
	}
	if (hdr->masked_status || hdr->host_status || hdr->driver_status)
		hdr->info |= SG_INFO_CHECK;
	return 0;
}

#endif /* MPATH_SGIO_SCRIPT_H */
