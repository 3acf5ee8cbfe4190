// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-rdac.c - the rdac checker with ioctl() replaced by a scripted SG_IO
 * device (sgio-script.h). The checker's source is included so that its
 * calls run against the fake.
 *
 * Two tables. The check: the array's answers to the volume access INQUIRY
 * (VPD 0xC9, built from a healthy page with some bytes changed), each row
 * with the state and message text the checker must give and the number of
 * commands it must send (retries of transient outcomes); every DOWN reason
 * has its own message, and an ioctl failure is never a ghost. The init:
 * the answers to MODE SENSE(10) of the Control mode page and to MODE
 * SELECT(10), whether the checker writes the page back with TAS set (and
 * exactly what it writes), and that init succeeds whatever happens.
 * Beside them: the commands and timeouts sent, no fd, the message table.
 */
#include "../libmultipath/checkers/rdac.c"

#include "libmultipath.h"
#include "sgio-script.h"
#include "msgtable-check.h"

#define OP_INQ		0x12
#define OP_SENSE	0x5a
#define OP_SELECT	0x55

/* A change to a healthy page: byte off becomes val. */
struct patch {
	int off1;	/* off + 1; 0: unused entry */
	int val;
};
#define P(off, val)	{ (off) + 1, (val) }

struct rdac_step {
	uint8_t op;
	struct sg_outcome o;
	struct patch p[4];	/* INQUIRY or MODE SENSE data */
};

#define INQ(o, ...)	{ OP_INQ, o, { __VA_ARGS__ } }
#define SENSE(o, ...)	{ OP_SENSE, o, { __VA_ARGS__ } }
#define SELECT(o)	{ OP_SELECT, o, { { 0, 0 } } }

/* A row's steps, and how many there are. */
#define S(...)	.steps = { __VA_ARGS__ }, \
		.nsteps = sizeof((struct rdac_step[]){ __VA_ARGS__ }) / \
			  sizeof(struct rdac_step)

static void apply(uint8_t *buf, const struct patch *p, int np)
{
	int i;

	for (i = 0; i < np; i++)
		if (p[i].off1)
			buf[p[i].off1 - 1] = p[i].val;
}

/* --- the check ----------------------------------------------------------- */

/* The healthy page of a path through the owning controller. */
#define C9_LEN		48

static size_t c9_page(uint8_t *buf, const struct patch *p, int np)
{
	memset(buf, 0, C9_LEN);
	buf[0] = 0x00;			/* connected disk */
	buf[1] = 0xc9;
	buf[3] = C9_LEN - 4;
	memcpy(buf + 4, "vace", 4);
	buf[8] = 0x01;			/* CVP: owner */
	buf[9] = 0x01;			/* preferred path */
	apply(buf, p, np);
	return C9_LEN;
}

/* Flags in byte 8, access state in byte 10, reason in byte 11. */
#define NOT_OWNER	P(8, 0x00)
#define TPG(aas, why)	P(8, 0x10), P(10, aas), P(11, why)
#define TPG_OWNER(aas, why) P(8, 0x11), P(10, aas), P(11, why)

struct rdac_case {
	const char *name;
	struct rdac_step steps[6];
	int nsteps;
	int state;
	const char *msg;
};

#define T_NOT_CONN	"LUN not connected through this controller"
#define T_IN_STARTUP	"controller is starting up"
#define T_NON_RESP	"controller is not responding"
#define T_IN_RESET	"controller is being reset"
#define T_FW_DL		"controller firmware is being downloaded"
#define T_QUIESCED	"controller is quiesced"
#define T_SERVICE	"controller is in service mode"
#define T_UNAVAILABLE	"controller is unavailable"
#define T_INQ_FAILED	"array returned an error to the volume access INQUIRY (VPD 0xC9)"
#define T_TRANSITION	"controller is transitioning (volume ownership change in progress)"
#define T_NO_RESPONSE	"volume access INQUIRY (VPD 0xC9) got no answer: I/O or transport error on this path"
#define T_NO_SGIO	"device does not support SG_IO: not an RDAC LUN"
#define T_BAD_PAGE	"volume access page (VPD 0xC9) in an unknown format: wrong page code, signature or length"
#define T_OWNER		"path to the owning controller"
#define T_IOSHIP	"path to the non-owning controller, usable with I/O shipping"
#define T_GHOST		"path to the non-owning controller (passive)"

static const struct rdac_case cases[] = {
	/* Ownership. */
	{ "owner", S(INQ(O_GOOD)), PATH_UP, T_OWNER },
	{ "not owner", S(INQ(O_GOOD, NOT_OWNER)), PATH_GHOST, T_GHOST },
	{ "not owner, not preferred either",
	  S(INQ(O_GOOD, NOT_OWNER, P(9, 0))), PATH_GHOST, T_GHOST },
	{ "not owner, I/O shipping", S(INQ(O_GOOD, P(8, 0x20))),
	  PATH_UP, T_IOSHIP },
	{ "owner and I/O shipping", S(INQ(O_GOOD, P(8, 0x21))),
	  PATH_UP, T_OWNER },
	{ "not owner, AVT enabled", S(INQ(O_GOOD, P(8, 0x80))),
	  PATH_GHOST, T_GHOST },
	{ "TPG data: owner, active/optimized",
	  S(INQ(O_GOOD, TPG_OWNER(0x00, 0))), PATH_UP, T_OWNER },
	{ "TPG data: not owner, active/non-optimized",
	  S(INQ(O_GOOD, TPG(0x01, 0))), PATH_GHOST, T_GHOST },
	{ "TPG data: not owner, standby",
	  S(INQ(O_GOOD, TPG(0x02, 0))), PATH_GHOST, T_GHOST },
	{ "TPG data: not owner, offline (not a DOWN state here)",
	  S(INQ(O_GOOD, TPG(0x0e, 0))), PATH_GHOST, T_GHOST },
	{ "TPG data: I/O shipping, standby",
	  S(INQ(O_GOOD, P(8, 0x30), P(10, 0x02))), PATH_UP, T_IOSHIP },
	{ "unavailable without TPGDE: the bytes mean nothing",
	  S(INQ(O_GOOD, P(10, 0x03), P(11, 0x02))), PATH_UP, T_OWNER },

	/* The controller cannot serve I/O: each reason its own message. */
	{ "unavailable, no reason", S(INQ(O_GOOD, TPG(0x03, 0x00))),
	  PATH_DOWN, T_UNAVAILABLE },
	{ "unavailable, reason 1 (not a known code)",
	  S(INQ(O_GOOD, TPG(0x03, 0x01))), PATH_DOWN, T_UNAVAILABLE },
	{ "unavailable, not responding", S(INQ(O_GOOD, TPG(0x03, 0x02))),
	  PATH_DOWN, T_NON_RESP },
	{ "unavailable, in reset", S(INQ(O_GOOD, TPG(0x03, 0x03))),
	  PATH_DOWN, T_IN_RESET },
	{ "unavailable, firmware download phase 1",
	  S(INQ(O_GOOD, TPG(0x03, 0x04))), PATH_DOWN, T_FW_DL },
	{ "unavailable, firmware download phase 2",
	  S(INQ(O_GOOD, TPG(0x03, 0x05))), PATH_DOWN, T_FW_DL },
	{ "unavailable, quiesced", S(INQ(O_GOOD, TPG(0x03, 0x06))),
	  PATH_DOWN, T_QUIESCED },
	{ "unavailable, service mode", S(INQ(O_GOOD, TPG(0x03, 0x07))),
	  PATH_DOWN, T_SERVICE },
	{ "unavailable, reason 0x55 (unknown)",
	  S(INQ(O_GOOD, TPG(0x03, 0x55))), PATH_DOWN, T_UNAVAILABLE },
	{ "unavailable beats ownership",
	  S(INQ(O_GOOD, TPG_OWNER(0x03, 0x03))), PATH_DOWN, T_IN_RESET },
	{ "unavailable beats I/O shipping",
	  S(INQ(O_GOOD, P(8, 0x30), P(10, 0x03), P(11, 0x06))),
	  PATH_DOWN, T_QUIESCED },
	{ "unavailable with high bits set in the state byte",
	  S(INQ(O_GOOD, TPG(0x83, 0x07))), PATH_DOWN, T_SERVICE },
	{ "transitioning", S(INQ(O_GOOD, TPG(0x0f, 0x00))),
	  PATH_DOWN, T_TRANSITION },
	{ "transitioning on the owner", S(INQ(O_GOOD, TPG_OWNER(0x0f, 0x02))),
	  PATH_DOWN, T_TRANSITION },
	{ "transitioning, controller starting up",
	  S(INQ(O_GOOD, TPG(0x8f, 0x00))), PATH_DOWN, T_IN_STARTUP },
	{ "TPG data announced but page ends before it",
	  S(INQ(O_TRUNC(11), TPG(0x03, 0x02))), PATH_DOWN, T_BAD_PAGE },
	{ "TPG data announced but page length ends before it",
	  S(INQ(O_GOOD, TPG(0x03, 0x02), P(3, 6))), PATH_DOWN, T_BAD_PAGE },

	/* The LUN is not presented on this path. */
	{ "qualifier 001b: not connected", S(INQ(O_GOOD, P(0, 0x20))),
	  PATH_DOWN, T_NOT_CONN },
	{ "qualifier 011b, type 0x1f: no LUN", S(INQ(O_GOOD, P(0, 0x7f))),
	  PATH_DOWN, T_NOT_CONN },
	{ "type 0x1f: unknown device", S(INQ(O_GOOD, P(0, 0x1f))),
	  PATH_DOWN, T_NOT_CONN },
	{ "not connected beats the owner bit",
	  S(INQ(O_GOOD, P(0, 0x20), TPG_OWNER(0x00, 0))),
	  PATH_DOWN, T_NOT_CONN },

	/* The page is not what it should be. */
	{ "page code 0xC8", S(INQ(O_GOOD, P(1, 0xc8))), PATH_DOWN, T_BAD_PAGE },
	{ "signature 'vacf'", S(INQ(O_GOOD, P(7, 'f'))), PATH_DOWN, T_BAD_PAGE },
	{ "signature 'VACE'", S(INQ(O_GOOD, P(4, 'V'), P(5, 'A'), P(6, 'C'),
				    P(7, 'E'))), PATH_DOWN, T_BAD_PAGE },
	{ "only 7 bytes returned", S(INQ(O_TRUNC(7))), PATH_DOWN, T_BAD_PAGE },
	{ "only 8 bytes returned (no flags byte)", S(INQ(O_TRUNC(8))),
	  PATH_DOWN, T_BAD_PAGE },
	{ "9 bytes returned: enough without TPG data",
	  S(INQ(O_TRUNC(9), NOT_OWNER)), PATH_GHOST, T_GHOST },
	{ "page length says 4 bytes", S(INQ(O_GOOD, P(3, 4))),
	  PATH_DOWN, T_BAD_PAGE },
	{ "only 1 byte returned", S(INQ(O_TRUNC(1))), PATH_DOWN, T_BAD_PAGE },

	/* The INQUIRY failing: DOWN, never GHOST. */
	{ "ioctl EIO", S(INQ(O_ERR(EIO))), PATH_DOWN, T_NO_RESPONSE },
	{ "ioctl ENODEV", S(INQ(O_ERR(ENODEV))), PATH_DOWN, T_NO_RESPONSE },
	{ "ioctl ENOTTY", S(INQ(O_ERR(ENOTTY))), PATH_DOWN, T_NO_SGIO },
	{ "no connection", S(INQ(O_HOST(DID_NO_CONNECT))),
	  PATH_DOWN, T_NO_RESPONSE },
	{ "timed out in the HBA", S(INQ(O_HOST(DID_TIME_OUT))),
	  PATH_DOWN, T_NO_RESPONSE },
	{ "ILLEGAL REQUEST (page not supported)",
	  S(INQ(O_CHECK(KEY_ILLEGAL_REQUEST, 0x24, 0x00))),
	  PATH_DOWN, T_INQ_FAILED },
	{ "NOT READY, descriptor sense",
	  S(INQ(O_CHECK_DESC(KEY_NOT_READY, 0x04, 0x01))),
	  PATH_DOWN, T_INQ_FAILED },
	{ "RESERVATION CONFLICT", S(INQ(O_STATUS(SCSI_RESERVATION_CONFLICT))),
	  PATH_DOWN, T_INQ_FAILED },

	/* Retries of transient outcomes. */
	{ "UNIT ATTENTION once, then owner", S(INQ(O_UA), INQ(O_GOOD)),
	  PATH_UP, T_OWNER },
	{ "BUSY twice, then not owner",
	  S(INQ(O_STATUS(SCSI_BUSY)), INQ(O_STATUS(SCSI_BUSY)),
	    INQ(O_GOOD, NOT_OWNER)), PATH_GHOST, T_GHOST },
	{ "transport disrupted once, then in reset",
	  S(INQ(O_HOST(DID_TRANSPORT_DISRUPTED)), INQ(O_GOOD, TPG(0x03, 0x03))),
	  PATH_DOWN, T_IN_RESET },
	{ "UNIT ATTENTION three times",
	  S(INQ(O_UA), INQ(O_UA), INQ(O_UA)), PATH_DOWN, T_INQ_FAILED },
	{ "transport disrupted three times",
	  S(INQ(O_HOST(DID_TRANSPORT_DISRUPTED)),
	    INQ(O_HOST(DID_TRANSPORT_DISRUPTED)),
	    INQ(O_HOST(DID_TRANSPORT_DISRUPTED))), PATH_DOWN, T_NO_RESPONSE },
};

static const char *msg_text(short id)
{
	return id == CHECKER_MSGID_NO_FD ? "(no fd)" : CHECKER_MSG_TEXT(id);
}

/* --- the Control mode page ---------------------------------------------- */

/*
 * MODE SENSE(10) data: the header, bdlen bytes of block descriptors, and
 * the Control mode page with PS set and TAS clear.
 */
static size_t mode_data(uint8_t *buf, int bdlen, const struct patch *p,
			int np)
{
	static const uint8_t page[12] = {
		0x8a, 0x0a, 0x02, 0x10, 0x00, 0x00, 0x00, 0x00,
		0xff, 0xff, 0x00, 0x00
	};
	size_t len = 8 + bdlen + sizeof(page);

	memset(buf, 0, len);
	buf[1] = len - 2;		/* mode data length */
	buf[3] = 0x10;			/* DPOFUA */
	buf[7] = bdlen;
	memset(buf + 8, 0xbd, bdlen);
	memcpy(buf + 8 + bdlen, page, sizeof(page));
	apply(buf, p, np);
	return len;
}

/* What a MODE SELECT must carry: a zero header, the page, PS off, TAS on. */
static const uint8_t expected_select[20] = {
	0, 0, 0, 0, 0, 0, 0, 0,
	0x0a, 0x0a, 0x02, 0x10, 0x00, 0x40, 0x00, 0x00,
	0xff, 0xff, 0x00, 0x00
};

static void push_steps(const struct rdac_step *steps, int n, int bdlen)
{
	uint8_t buf[SG_DATA_MAX];
	int i;

	for (i = 0; i < n; i++) {
		const struct rdac_step *s = &steps[i];

		switch (s->op) {
		case OP_INQ:
			sg_push(OP_INQ, 0xc9, &s->o, buf, c9_page(buf, s->p, 4));
			break;
		case OP_SENSE:
			sg_push(OP_SENSE, 0x0a, &s->o, buf,
				mode_data(buf, bdlen, s->p, 4));
			break;
		default:
			sg_push(s->op, -1, &s->o, NULL, 0);
			break;
		}
	}
}

/* An init whose MODE SENSE finds TAS already set: one command. */
static void checker_open(struct checker *c, unsigned int timeout)
{
	struct rdac_step tas_set = SENSE(O_GOOD, P(13, 0x40));

	memset(c, 0, sizeof(*c));
	c->fd = SG_FAKE_FD;
	c->timeout = timeout;
	sg_reset();
	push_steps(&tas_set, 1, 0);
	assert_int_equal(libcheck_init(c), 0);
	assert_non_null(c->context);
	sg_assert_done();
	sg_reset();
}

static void check_table(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct rdac_case *t = &cases[i];
		struct checker c;
		int st;

		print_message("rdac: %s\n", t->name);
		checker_open(&c, 5);
		push_steps(t->steps, t->nsteps, 0);
		/* A previous verdict must not leak into this one. */
		c.msgid = MSG_RDAC_GHOST;
		st = libcheck_check(&c);
		if (st != t->state)
			fail_msg("%s: state %s (%s), expected %s", t->name,
				 checker_state_name(st), msg_text(c.msgid),
				 checker_state_name(t->state));
		assert_string_equal(msg_text(c.msgid), t->msg);
		if (sg_script.calls != t->nsteps)
			fail_msg("%s: %d commands, expected %d", t->name,
				 sg_script.calls, t->nsteps);
		libcheck_free(&c);
		assert_null(c.context);
	}
}

/* Each DOWN reason has a message id of its own. */
static void down_reasons_are_distinct(void **state)
{
	static const char *const down[] = {
		T_NOT_CONN, T_IN_STARTUP, T_NON_RESP, T_IN_RESET, T_FW_DL,
		T_QUIESCED, T_SERVICE, T_UNAVAILABLE, T_INQ_FAILED,
		T_TRANSITION, T_NO_RESPONSE, T_NO_SGIO, T_BAD_PAGE,
	};
	size_t i, j, n = sizeof(down) / sizeof(down[0]);

	for (i = 0; i < n; i++) {
		bool found = false;

		for (j = 0; j < n; j++)
			if (j != i)
				assert_string_not_equal(down[i], down[j]);
		for (j = 0; libcheck_msgtable[j]; j++)
			found |= strcmp(libcheck_msgtable[j], down[i]) == 0;
		assert_true(found);
	}
}

struct tas_case {
	const char *name;
	struct rdac_step steps[6];
	int nsteps;
	int bdlen;		/* block descriptor bytes in MODE SENSE data */
	bool selects;		/* a MODE SELECT is the last command */
};

static const struct tas_case tas_cases[] = {
	{ "TAS clear: written back with TAS set",
	  S(SENSE(O_GOOD), SELECT(O_GOOD)), 0, true },
	{ "TAS already set: nothing written",
	  S(SENSE(O_GOOD, P(13, 0x40))), 0, false },
	{ "TAS set among other bits: nothing written",
	  S(SENSE(O_GOOD, P(13, 0xff))), 0, false },
	{ "block descriptors returned: skipped, not sent back",
	  S(SENSE(O_GOOD), SELECT(O_GOOD)), 8, true },
	{ "MODE SENSE: ILLEGAL REQUEST",
	  S(SENSE(O_CHECK(KEY_ILLEGAL_REQUEST, 0x24, 0x00))), 0, false },
	{ "MODE SENSE: ioctl EIO", S(SENSE(O_ERR(EIO))), 0, false },
	{ "MODE SENSE: ioctl ENOTTY", S(SENSE(O_ERR(ENOTTY))), 0, false },
	{ "MODE SENSE: no connection", S(SENSE(O_HOST(DID_NO_CONNECT))),
	  0, false },
	{ "MODE SENSE: UNIT ATTENTION once, then TAS clear",
	  S(SENSE(O_UA), SENSE(O_GOOD), SELECT(O_GOOD)), 0, true },
	{ "MODE SENSE: UNIT ATTENTION three times",
	  S(SENSE(O_UA), SENSE(O_UA), SENSE(O_UA)), 0, false },
	{ "MODE SELECT: ILLEGAL REQUEST 26/00 (TAS not changeable)",
	  S(SENSE(O_GOOD), SELECT(O_CHECK(KEY_ILLEGAL_REQUEST, 0x26, 0x00))),
	  0, true },
	{ "MODE SELECT: ioctl EIO", S(SENSE(O_GOOD), SELECT(O_ERR(EIO))),
	  0, true },
	{ "MODE SELECT: UNIT ATTENTION once, then good",
	  S(SENSE(O_GOOD), SELECT(O_UA), SELECT(O_GOOD)), 0, true },
	{ "another page returned (caching, 0x08)",
	  S(SENSE(O_GOOD, P(8, 0x88))), 0, false },
	{ "subpage format returned (SPF set)",
	  S(SENSE(O_GOOD, P(8, 0xca))), 0, false },
	{ "only the header returned", S(SENSE(O_TRUNC(8))), 0, false },
	{ "page cut before the TAS byte", S(SENSE(O_TRUNC(13))), 0, false },
	{ "page length 3: no TAS byte", S(SENSE(O_GOOD, P(9, 3))), 0, false },
	{ "page length beyond the data",
	  S(SENSE(O_GOOD, P(9, 0x40))), 0, false },
	{ "block descriptor length beyond the data",
	  S(SENSE(O_GOOD, P(7, 0x80))), 0, false },
	{ "mode data length ends inside the page",
	  S(SENSE(O_GOOD, P(1, 10))), 0, false },
};

static void tas_table(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(tas_cases) / sizeof(tas_cases[0]); i++) {
		const struct tas_case *t = &tas_cases[i];
		const struct sg_seen *sel;
		struct checker c;

		print_message("rdac init: %s\n", t->name);
		memset(&c, 0, sizeof(c));
		c.fd = SG_FAKE_FD;
		c.timeout = 5;
		sg_reset();
		push_steps(t->steps, t->nsteps, t->bdlen);
		/* Best effort: init succeeds whatever the array says. */
		assert_int_equal(libcheck_init(&c), 0);
		assert_non_null(c.context);
		if (sg_script.calls != t->nsteps)
			fail_msg("%s: %d commands, expected %d", t->name,
				 sg_script.calls, t->nsteps);

		/* MODE SENSE(10): DBD, current values, Control page. */
		assert_int_equal(sg_script.seen[0].cdb[1], 0x08);
		assert_int_equal(sg_script.seen[0].cdb[2], 0x0a);
		assert_int_equal(sg_script.seen[0].cdb[3], 0x00);
		assert_true((sg_script.seen[0].cdb[7] << 8 |
			     sg_script.seen[0].cdb[8]) >= 20);
		assert_int_equal(sg_script.seen[0].dir, SG_DXFER_FROM_DEV);
		assert_int_equal(sg_script.seen[0].timeout, 5000);

		sel = &sg_script.seen[sg_script.calls - 1];
		if (t->selects) {
			/* PF set, SP clear (not saved), length of the list. */
			assert_int_equal(sel->cdb[0], OP_SELECT);
			assert_int_equal(sel->cdb[1], 0x10);
			assert_int_equal(sel->cdb[7] << 8 | sel->cdb[8],
					 sizeof(expected_select));
			assert_int_equal(sel->dir, SG_DXFER_TO_DEV);
			assert_int_equal(sel->timeout, 5000);
			assert_int_equal(sel->out_len, sizeof(expected_select));
			assert_memory_equal(sel->out, expected_select,
					    sizeof(expected_select));
		} else {
			assert_int_not_equal(sel->cdb[0], OP_SELECT);
		}
		libcheck_free(&c);
	}
}

/* Without an fd, init sends nothing; the check then reports no fd. */
static void no_fd(void **state)
{
	struct checker c;

	memset(&c, 0, sizeof(c));
	c.fd = -1;
	sg_reset();
	assert_int_equal(libcheck_init(&c), 0);
	assert_int_equal(libcheck_check(&c), PATH_WILD);
	assert_int_equal(c.msgid, CHECKER_MSGID_NO_FD);
	assert_int_equal(sg_script.calls, 0);
	libcheck_free(&c);

	checker_open(&c, 5);
	libcheck_free(&c);
	assert_int_equal(libcheck_check(&c), PATH_WILD);
	assert_string_equal(msg_text(c.msgid),
			    "checker context missing (out of memory at init)");
	assert_int_equal(sg_script.calls, 0);
}

/* The INQUIRY itself, and the timeout each command carries. */
static void commands_and_timeouts(void **state)
{
	struct rdac_step owner = INQ(O_GOOD);
	struct rdac_step init_retry[] = {
		SENSE(O_UA), SENSE(O_GOOD), SELECT(O_GOOD)
	};
	struct rdac_step check_retry[] = { INQ(O_UA), INQ(O_GOOD) };
	struct checker c;
	int i;

	checker_open(&c, 11);
	push_steps(&owner, 1, 0);
	assert_int_equal(libcheck_check(&c), PATH_UP);
	sg_assert_done();
	assert_memory_equal(sg_script.seen[0].cdb, "\x12\x01\xc9\x00", 4);
	assert_true(sg_script.seen[0].cdb[4] >= 12);
	assert_int_equal(sg_script.seen[0].dir, SG_DXFER_FROM_DEV);
	assert_int_equal(sg_script.seen[0].timeout, 11000);
	libcheck_free(&c);

	/* No timeout configured: 30 s for every command, init's too. */
	memset(&c, 0, sizeof(c));
	c.fd = SG_FAKE_FD;
	sg_reset();
	push_steps(init_retry, 3, 0);
	assert_int_equal(libcheck_init(&c), 0);
	sg_assert_done();
	for (i = 0; i < 3; i++)
		assert_int_equal(sg_script.seen[i].timeout, 30000);
	sg_reset();
	push_steps(check_retry, 2, 0);
	assert_int_equal(libcheck_check(&c), PATH_UP);
	sg_assert_done();
	for (i = 0; i < 2; i++)
		assert_int_equal(sg_script.seen[i].timeout, 30000);
	libcheck_free(&c);
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
		cmocka_unit_test(down_reasons_are_distinct),
		cmocka_unit_test(tas_table),
		cmocka_unit_test(no_fd),
		cmocka_unit_test(commands_and_timeouts),
		cmocka_unit_test(message_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
