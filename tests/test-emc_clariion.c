// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-emc_clariion.c - the emc_clariion checker with ioctl() replaced by
 * a scripted SG_IO device (sgio-script.h). The checker's source is
 * included so that its calls run against the fake.
 *
 * One table: the array's answers to the unit report INQUIRY (VPD 0xC0,
 * built from a healthy page with some bytes changed) and, on the owning
 * path, to the READ of block 0; each row with the state and message text
 * the checker must give and the number of commands it must send (retries
 * of transient outcomes, no READ on passive paths). Beside it: the WWN
 * change between checks, the map-wide memory of an inactive snapshot
 * (the active path sees it, the passive path of the same map reports
 * DOWN, a path of another map does not), the commands and timeouts sent,
 * and the message table.
 */
#include "../libmultipath/checkers/emc_clariion.c"

#include "test-util.h"
#include "sgio-script.h"
#include "msgtable-check.h"

#define OP_INQ	0x12
#define OP_READ	0x28

/* A change to the healthy page: byte off becomes val. */
struct patch {
	int off1;	/* off + 1; 0: unused entry */
	int val;
};
#define P(off, val)	{ (off) + 1, (val) }

struct emc_step {
	uint8_t op;
	struct sg_outcome o;
	struct patch p[4];	/* INQUIRY only */
};

#define INQ(o, ...)	{ OP_INQ, o, { __VA_ARGS__ } }
#define READ(o)		{ OP_READ, o, { { 0, 0 } } }

/* The healthy page of a path through the owning SP. */
#define PAGE_LEN	64
#define PASSIVE		P(4, 1)

static const uint8_t wwn_a[16] = {
	0x60, 0x06, 0x01, 0x60, 0x1a, 0x2b, 0x3c, 0x00,
	0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0xe0, 0x11
};
static const uint8_t wwn_b[16] = {
	0x60, 0x06, 0x01, 0x60, 0x1a, 0x2b, 0x3c, 0x00,
	0x99, 0x88, 0x77, 0x66, 0x55, 0x44, 0xe0, 0x11
};

static size_t emc_page(uint8_t *buf, const uint8_t *wwn,
		       const struct patch *p, int np)
{
	int i;

	memset(buf, 0, PAGE_LEN);
	buf[1] = 0xc0;
	buf[3] = PAGE_LEN - 4;
	buf[4] = 2;		/* bound, owned by this SP */
	buf[5] = 0;		/* default SP A */
	buf[7] = 1;		/* port */
	buf[8] = 0;		/* current SP A */
	memcpy(buf + 10, wwn, 16);
	buf[27] = 0x03;		/* CLARiiON Open */
	buf[28] = 0x04;		/* failover mode 1 (PNR) */
	buf[30] = 0x04;		/* arraycommpath */
	buf[48] = 0;		/* normal operations */
	for (i = 0; i < np; i++)
		if (p[i].off1)
			buf[p[i].off1 - 1] = p[i].val;
	return PAGE_LEN;
}

/* Queue an INQUIRY answer with the page of wwn, changed by p. */
static void push_inq(const struct sg_outcome *o, const uint8_t *wwn,
		     const struct patch *p, int np)
{
	uint8_t page[PAGE_LEN];

	sg_push(OP_INQ, 0xc0, o, page, emc_page(page, wwn, p, np));
}

static void push_passive_ok(const uint8_t *wwn)
{
	struct sg_outcome good = O_GOOD;
	struct patch p[] = { PASSIVE };

	push_inq(&good, wwn, p, 1);
}

static void push_active(const uint8_t *wwn, const struct sg_outcome *read)
{
	struct sg_outcome good = O_GOOD;

	push_inq(&good, wwn, NULL, 0);
	sg_push(OP_READ, -1, read, "block zero", 10);
}

struct emc_case {
	const char *name;
	struct emc_step steps[6];
	int nsteps;
	int state;
	const char *msg;
};

/* A row's steps, and how many there are. */
#define S(...)	.steps = { __VA_ARGS__ }, \
		.nsteps = sizeof((struct emc_step[]){ __VA_ARGS__ }) / \
			  sizeof(struct emc_step)

#define T_NO_SGIO	"device does not support SG_IO: emc_clariion cannot check it"
#define T_UNSUPPORTED	"device rejects the CLARiiON unit report INQUIRY (VPD 0xC0): not a CLARiiON/VNX LUN"
#define T_INQ_IOCTL	"unit report INQUIRY (VPD 0xC0) could not be sent on this path"
#define T_INQ_TRANSPORT	"unit report INQUIRY (VPD 0xC0) failed in transport: no answer from the array"
#define T_INQ_ERROR	"array returned an error to the unit report INQUIRY (VPD 0xC0)"
#define T_BAD_PAGE	"unit report page (VPD 0xC0) in an unknown format: wrong page code or too short"
#define T_BAD_CONFIG	"path not correctly configured for failover on the array: register the host with initiator type CLARiiON Open, failover mode 1 or 4, arraycommpath on"
#define T_LUNZ		"LUN is unbound (LUNZ): no LUN of the host's storage group behind this path"
#define T_BAD_STATE	"array reports an unknown LUN ownership state"
#define T_SHAKY		"LUN not available for normal operations (array operation in progress)"
#define T_WWN_CHANGED	"LUN WWN changed since the first check: the path now leads to a different LUN"
#define T_ACTIVE_UP	"active path (owning SP) is healthy"
#define T_ACTIVE_SNAP	"active path to an inactive snapshot: the LUN cannot be used on any path"
#define T_READ_FAILED	"read of block 0 on the active path (owning SP) failed"
#define T_PASSIVE_UP	"passive path (non-owning SP) is healthy"
#define T_PASSIVE_SNAP	"passive path to an inactive snapshot (seen by the map's active path)"

#define O_SNAP		O_CHECK(KEY_ILLEGAL_REQUEST, 0x25, 0x01)

static const struct emc_case cases[] = {
	/* The owning SP: the READ decides. */
	{ "active path, read good",
	  S(INQ(O_GOOD), READ(O_GOOD)), PATH_UP, T_ACTIVE_UP },
	{ "active path, inactive snapshot 05/25/01",
	  S(INQ(O_GOOD), READ(O_SNAP)), PATH_DOWN, T_ACTIVE_SNAP },
	{ "active path, inactive snapshot, descriptor sense",
	  S(INQ(O_GOOD), READ(O_CHECK_DESC(KEY_ILLEGAL_REQUEST, 0x25, 0x01))),
	  PATH_DOWN, T_ACTIVE_SNAP },
	{ "active path, 05/25/00 is not the snapshot sense",
	  S(INQ(O_GOOD), READ(O_CHECK(KEY_ILLEGAL_REQUEST, 0x25, 0x00))),
	  PATH_DOWN, T_READ_FAILED },
	{ "active path, 25/01 with another key is not the snapshot sense",
	  S(INQ(O_GOOD), READ(O_CHECK(KEY_NOT_READY, 0x25, 0x01))),
	  PATH_DOWN, T_READ_FAILED },
	{ "active path, read MEDIUM ERROR",
	  S(INQ(O_GOOD), READ(O_CHECK(KEY_MEDIUM_ERROR, 0x11, 0x00))),
	  PATH_DOWN, T_READ_FAILED },
	{ "active path, read ioctl EIO",
	  S(INQ(O_GOOD), READ(O_ERR(EIO))), PATH_DOWN, T_READ_FAILED },
	{ "active path, read no connection",
	  S(INQ(O_GOOD), READ(O_HOST(DID_NO_CONNECT))),
	  PATH_DOWN, T_READ_FAILED },
	{ "active path, read UNIT ATTENTION once, then good",
	  S(INQ(O_GOOD), READ(O_UA), READ(O_GOOD)), PATH_UP, T_ACTIVE_UP },
	{ "active path, read transport disrupted, then snapshot",
	  S(INQ(O_GOOD), READ(O_HOST(DID_TRANSPORT_DISRUPTED)), READ(O_SNAP)),
	  PATH_DOWN, T_ACTIVE_SNAP },
	{ "active path, read UNIT ATTENTION three times",
	  S(INQ(O_GOOD), READ(O_UA), READ(O_UA), READ(O_UA)),
	  PATH_DOWN, T_READ_FAILED },

	/* The other SP: no READ. */
	{ "passive path", S(INQ(O_GOOD, PASSIVE)), PATH_UP, T_PASSIVE_UP },
	{ "passive path, failover mode ALUA",
	  S(INQ(O_GOOD, PASSIVE, P(28, 0x06))), PATH_UP, T_PASSIVE_UP },
	{ "active path, failover mode ALUA",
	  S(INQ(O_GOOD, P(28, 0x06)), READ(O_GOOD)), PATH_UP, T_ACTIVE_UP },
	{ "failover mode: bits above 0-2 are not the mode",
	  S(INQ(O_GOOD, PASSIVE, P(28, 0xf4))), PATH_UP, T_PASSIVE_UP },

	/* The INQUIRY failing. */
	{ "INQUIRY: ILLEGAL REQUEST (not a CLARiiON)",
	  S(INQ(O_CHECK(KEY_ILLEGAL_REQUEST, 0x24, 0x00))),
	  PATH_WILD, T_UNSUPPORTED },
	{ "INQUIRY: ILLEGAL REQUEST, descriptor sense",
	  S(INQ(O_CHECK_DESC(KEY_ILLEGAL_REQUEST, 0x24, 0x00))),
	  PATH_WILD, T_UNSUPPORTED },
	{ "INQUIRY: ioctl ENOTTY", S(INQ(O_ERR(ENOTTY))), PATH_WILD, T_NO_SGIO },
	{ "INQUIRY: ioctl EIO", S(INQ(O_ERR(EIO))), PATH_DOWN, T_INQ_IOCTL },
	{ "INQUIRY: no connection",
	  S(INQ(O_HOST(DID_NO_CONNECT))), PATH_DOWN, T_INQ_TRANSPORT },
	{ "INQUIRY: NOT READY",
	  S(INQ(O_CHECK(KEY_NOT_READY, 0x04, 0x00))), PATH_DOWN, T_INQ_ERROR },
	{ "INQUIRY: RESERVATION CONFLICT",
	  S(INQ(O_STATUS(SCSI_RESERVATION_CONFLICT))), PATH_DOWN, T_INQ_ERROR },
	{ "INQUIRY: UNIT ATTENTION once, then passive",
	  S(INQ(O_UA), INQ(O_GOOD, PASSIVE)), PATH_UP, T_PASSIVE_UP },
	{ "INQUIRY: bus busy once, transport disrupted once, then passive",
	  S(INQ(O_HOST(DID_BUS_BUSY)), INQ(O_HOST(DID_TRANSPORT_DISRUPTED)),
	    INQ(O_GOOD, PASSIVE)), PATH_UP, T_PASSIVE_UP },
	{ "INQUIRY: bus busy three times",
	  S(INQ(O_HOST(DID_BUS_BUSY)), INQ(O_HOST(DID_BUS_BUSY)),
	    INQ(O_HOST(DID_BUS_BUSY))), PATH_DOWN, T_INQ_TRANSPORT },
	{ "INQUIRY: BUSY three times",
	  S(INQ(O_STATUS(SCSI_BUSY)), INQ(O_STATUS(SCSI_BUSY)),
	    INQ(O_STATUS(SCSI_BUSY))), PATH_DOWN, T_INQ_ERROR },
	{ "INQUIRY: UNIT ATTENTION three times",
	  S(INQ(O_UA), INQ(O_UA), INQ(O_UA)), PATH_DOWN, T_INQ_ERROR },

	/* The page's header. */
	{ "page code 0xC1", S(INQ(O_GOOD, P(1, 0xc1))), PATH_DOWN, T_BAD_PAGE },
	{ "page code 0x00", S(INQ(O_GOOD, P(1, 0x00))), PATH_DOWN, T_BAD_PAGE },
	{ "only 40 bytes returned",
	  S(INQ(O_TRUNC(40))), PATH_DOWN, T_BAD_PAGE },
	{ "only 48 bytes returned (byte 48 missing)",
	  S(INQ(O_TRUNC(48))), PATH_DOWN, T_BAD_PAGE },
	{ "49 bytes returned: enough",
	  S(INQ(O_TRUNC(49), PASSIVE)), PATH_UP, T_PASSIVE_UP },
	{ "only 3 bytes returned",
	  S(INQ(O_TRUNC(3))), PATH_DOWN, T_BAD_PAGE },
	{ "page length says 32 bytes",
	  S(INQ(O_GOOD, P(3, 32))), PATH_DOWN, T_BAD_PAGE },
	{ "page length says 45 bytes (48 in all)",
	  S(INQ(O_GOOD, P(3, 44))), PATH_DOWN, T_BAD_PAGE },
	{ "page length in byte 2 too (260 bytes)",
	  S(INQ(O_GOOD, PASSIVE, P(2, 1), P(3, 0))), PATH_UP, T_PASSIVE_UP },

	/* The host's failover registration. */
	{ "initiator type not CLARiiON Open",
	  S(INQ(O_GOOD, P(27, 0x00))), PATH_DOWN, T_BAD_CONFIG },
	{ "initiator type HP (0x1c)",
	  S(INQ(O_GOOD, PASSIVE, P(27, 0x1c))), PATH_DOWN, T_BAD_CONFIG },
	{ "failover mode 0",
	  S(INQ(O_GOOD, P(28, 0x00))), PATH_DOWN, T_BAD_CONFIG },
	{ "failover mode 1 encoded as 1",
	  S(INQ(O_GOOD, P(28, 0x01))), PATH_DOWN, T_BAD_CONFIG },
	{ "failover mode bits 5",
	  S(INQ(O_GOOD, P(28, 0x05))), PATH_DOWN, T_BAD_CONFIG },
	{ "arraycommpath off",
	  S(INQ(O_GOOD, P(30, 0x00))), PATH_DOWN, T_BAD_CONFIG },
	{ "arraycommpath off, other flags on",
	  S(INQ(O_GOOD, P(30, 0xfb))), PATH_DOWN, T_BAD_CONFIG },
	{ "bad registration beats LUNZ",
	  S(INQ(O_GOOD, P(4, 0), P(27, 0x00))), PATH_DOWN, T_BAD_CONFIG },

	/* The LUN. */
	{ "LUNZ (unbound)", S(INQ(O_GOOD, P(4, 0))), PATH_DOWN, T_LUNZ },
	{ "LUNZ with operations flagged: still LUNZ",
	  S(INQ(O_GOOD, P(4, 0), P(48, 1))), PATH_DOWN, T_LUNZ },
	{ "unknown LUN state 3",
	  S(INQ(O_GOOD, P(4, 3))), PATH_DOWN, T_BAD_STATE },
	{ "unknown LUN state 0xff",
	  S(INQ(O_GOOD, P(4, 0xff))), PATH_DOWN, T_BAD_STATE },
	{ "active path, LUN operations not normal: shaky, no read",
	  S(INQ(O_GOOD, P(48, 0x01))), PATH_SHAKY, T_SHAKY },
	{ "passive path, LUN operations not normal",
	  S(INQ(O_GOOD, PASSIVE, P(48, 0x80))), PATH_SHAKY, T_SHAKY },
};

static const char *msg_text(short id)
{
	return id == CHECKER_MSGID_NO_FD ? "(no fd)" : CHECKER_MSG_TEXT(id);
}

/* Set up a checker as checker_init() would: init, then the map's context. */
static void checker_open(struct checker *c, void **mpctx, unsigned int timeout)
{
	memset(c, 0, sizeof(*c));
	c->fd = SG_FAKE_FD;
	c->timeout = timeout;
	c->mpcontext = mpctx;
	assert_int_equal(libcheck_init(c), 0);
	assert_non_null(c->context);
	if (mpctx && !*mpctx) {
		assert_int_equal(libcheck_mp_init(c), 0);
		assert_non_null(*mpctx);
	}
}

static void check_expect(struct checker *c, int state, const char *msg)
{
	int st;

	c->msgid = CHECKER_MSGID_NONE;
	st = libcheck_check(c);
	if (st != state)
		fail_msg("state %s (%s), expected %s (%s)",
			 checker_state_name(st), msg_text(c->msgid),
			 checker_state_name(state), msg);
	assert_string_equal(msg_text(c->msgid), msg);
	sg_assert_done();
}

static void check_table(void **state)
{
	size_t i;
	int j;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct emc_case *t = &cases[i];
		void *mp = NULL;
		struct checker c;
		int st;

		print_message("emc_clariion: %s\n", t->name);
		sg_reset();
		for (j = 0; j < t->nsteps; j++) {
			const struct emc_step *s = &t->steps[j];

			if (s->op == OP_INQ)
				push_inq(&s->o, wwn_a, s->p, 4);
			else
				sg_push(OP_READ, -1, &s->o, "block zero", 10);
		}
		checker_open(&c, &mp, 5);
		c.msgid = CHECKER_MSGID_NONE;
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
		free(mp);
	}
}

/*
 * The WWN seen first is kept: another one is PATH_DOWN for as long as it
 * differs (logged once per change), the first one again is fine, and a
 * re-initialised checker takes the new one.
 */
static void wwn_change(void **state)
{
	struct sg_outcome good = O_GOOD;
	struct checker c;
	void *mp = NULL;

	test_log_start();
	checker_open(&c, &mp, 5);

	sg_reset();
	push_passive_ok(wwn_a);
	check_expect(&c, PATH_UP, T_PASSIVE_UP);

	sg_reset();
	push_passive_ok(wwn_b);
	check_expect(&c, PATH_DOWN, T_WWN_CHANGED);
	assert_int_equal(test_log.count[MPATH_LOG_WARNING], 1);
	/* The log names both WWNs, for the operator to compare. */
	assert_non_null(strstr(test_log.last,
			       "600601601a2b3c00112233445566e011"));
	assert_non_null(strstr(test_log.last,
			       "600601601a2b3c00998877665544e011"));

	/* Still the other LUN, and the active path does not read it. */
	sg_reset();
	push_inq(&good, wwn_b, NULL, 0);
	check_expect(&c, PATH_DOWN, T_WWN_CHANGED);
	assert_int_equal(test_log.count[MPATH_LOG_WARNING], 1);

	/* Back to the first LUN. */
	sg_reset();
	push_active(wwn_a, &good);
	check_expect(&c, PATH_UP, T_ACTIVE_UP);

	/* A second change is news again. */
	sg_reset();
	push_passive_ok(wwn_b);
	check_expect(&c, PATH_DOWN, T_WWN_CHANGED);
	assert_int_equal(test_log.count[MPATH_LOG_WARNING], 2);
	libcheck_free(&c);

	/* Set up again (the daemon re-created the path): the new LUN is it. */
	checker_open(&c, &mp, 5);
	sg_reset();
	push_passive_ok(wwn_b);
	check_expect(&c, PATH_UP, T_PASSIVE_UP);
	libcheck_free(&c);
	free(mp);
}

/* Pages that fail before the WWN test do not record their WWN. */
static void wwn_not_taken_from_bad_pages(void **state)
{
	struct sg_outcome good = O_GOOD;
	struct patch lunz[] = { P(4, 0) };
	struct patch shaky[] = { P(48, 1) };
	struct patch config[] = { P(27, 0) };
	struct checker c;
	void *mp = NULL;

	checker_open(&c, &mp, 5);
	sg_reset();
	push_inq(&good, wwn_b, lunz, 1);
	check_expect(&c, PATH_DOWN, T_LUNZ);
	sg_reset();
	push_inq(&good, wwn_b, config, 1);
	check_expect(&c, PATH_DOWN, T_BAD_CONFIG);
	sg_reset();
	push_inq(&good, wwn_b, shaky, 1);
	check_expect(&c, PATH_SHAKY, T_SHAKY);
	sg_reset();
	push_passive_ok(wwn_a);
	check_expect(&c, PATH_UP, T_PASSIVE_UP);
	sg_reset();
	push_passive_ok(wwn_a);
	check_expect(&c, PATH_UP, T_PASSIVE_UP);
	libcheck_free(&c);
	free(mp);
}

/*
 * Map 1 has an active path and a passive one, map 2 a passive one. When
 * map 1's active path finds an inactive snapshot, map 1's passive path is
 * DOWN too, map 2's is not; a good READ on the active path clears it.
 */
static void inactive_snapshot_is_map_wide(void **state)
{
	struct sg_outcome good = O_GOOD, snap = O_SNAP;
	struct sg_outcome medium = O_CHECK(KEY_MEDIUM_ERROR, 0x11, 0x00);
	struct checker act1, pas1, pas2;
	void *map1 = NULL, *map2 = NULL;

	checker_open(&act1, &map1, 5);
	checker_open(&pas1, &map1, 5);	/* the map's context exists already */
	checker_open(&pas2, &map2, 5);
	assert_ptr_not_equal(map1, map2);

	/* Before anything was seen, the passive path is fine. */
	sg_reset();
	push_passive_ok(wwn_a);
	check_expect(&pas1, PATH_UP, T_PASSIVE_UP);

	sg_reset();
	push_active(wwn_a, &snap);
	check_expect(&act1, PATH_DOWN, T_ACTIVE_SNAP);

	sg_reset();
	push_passive_ok(wwn_a);
	check_expect(&pas1, PATH_DOWN, T_PASSIVE_SNAP);
	/* Remembered: again on the next round. */
	sg_reset();
	push_passive_ok(wwn_a);
	check_expect(&pas1, PATH_DOWN, T_PASSIVE_SNAP);

	/* Another map is not affected. */
	sg_reset();
	push_passive_ok(wwn_b);
	check_expect(&pas2, PATH_UP, T_PASSIVE_UP);

	/* Another read error on the active path does not clear the memory. */
	sg_reset();
	push_active(wwn_a, &medium);
	check_expect(&act1, PATH_DOWN, T_READ_FAILED);
	sg_reset();
	push_passive_ok(wwn_a);
	check_expect(&pas1, PATH_DOWN, T_PASSIVE_SNAP);

	/* The snapshot was activated: a good read clears it for the map. */
	sg_reset();
	push_active(wwn_a, &good);
	check_expect(&act1, PATH_UP, T_ACTIVE_UP);
	sg_reset();
	push_passive_ok(wwn_a);
	check_expect(&pas1, PATH_UP, T_PASSIVE_UP);

	libcheck_free(&act1);
	libcheck_free(&pas1);
	libcheck_free(&pas2);
	free(map1);
	free(map2);
}

/* Without a map context (mp_init failed or no map) nothing is shared. */
static void no_map_context(void **state)
{
	struct sg_outcome snap = O_SNAP;
	struct checker act, pas;
	void *empty = NULL;

	checker_open(&act, NULL, 5);
	checker_open(&pas, NULL, 5);
	sg_reset();
	push_active(wwn_a, &snap);
	check_expect(&act, PATH_DOWN, T_ACTIVE_SNAP);
	sg_reset();
	push_passive_ok(wwn_a);
	check_expect(&pas, PATH_UP, T_PASSIVE_UP);
	libcheck_free(&act);
	libcheck_free(&pas);

	/* A map pointer whose context was never allocated. */
	memset(&act, 0, sizeof(act));
	act.fd = SG_FAKE_FD;
	act.mpcontext = &empty;
	assert_int_equal(libcheck_init(&act), 0);
	sg_reset();
	push_active(wwn_a, &snap);
	check_expect(&act, PATH_DOWN, T_ACTIVE_SNAP);
	libcheck_free(&act);
	assert_null(empty);

	/* mp_init needs somewhere to put the context. */
	memset(&act, 0, sizeof(act));
	assert_int_not_equal(libcheck_mp_init(&act), 0);
}

/* The commands themselves, and the timeout each carries. */
static void commands_and_timeouts(void **state)
{
	struct sg_outcome good = O_GOOD, ua = O_UA;
	struct checker c;
	void *mp = NULL;

	checker_open(&c, &mp, 9);
	sg_reset();
	push_active(wwn_a, &good);
	check_expect(&c, PATH_UP, T_ACTIVE_UP);
	/* INQUIRY, EVPD, page 0xC0, room for the page in byte 4. */
	assert_memory_equal(sg_script.seen[0].cdb, "\x12\x01\xc0\x00", 4);
	assert_true(sg_script.seen[0].cdb[4] >= 49);
	assert_int_equal(sg_script.seen[0].dir, SG_DXFER_FROM_DEV);
	assert_int_equal(sg_script.seen[0].timeout, 9000);
	/* READ(10) of one block at LBA 0, into a buffer of at least 512. */
	assert_memory_equal(sg_script.seen[1].cdb,
			    "\x28\x00\x00\x00\x00\x00\x00\x00\x01\x00", 10);
	assert_int_equal(sg_script.seen[1].dir, SG_DXFER_FROM_DEV);
	assert_int_equal(sg_script.seen[1].timeout, 9000);
	libcheck_free(&c);
	free(mp);

	/* No timeout configured: 30 s per command, retries included. */
	mp = NULL;
	checker_open(&c, &mp, 0);
	sg_reset();
	push_inq(&ua, wwn_a, NULL, 0);
	push_inq(&good, wwn_a, NULL, 0);
	sg_push(OP_READ, -1, &ua, NULL, 0);
	sg_push(OP_READ, -1, &good, "block zero", 10);
	check_expect(&c, PATH_UP, T_ACTIVE_UP);
	assert_int_equal(sg_script.seen[0].timeout, 30000);
	assert_int_equal(sg_script.seen[1].timeout, 30000);
	assert_int_equal(sg_script.seen[2].timeout, 30000);
	assert_int_equal(sg_script.seen[3].timeout, 30000);
	libcheck_free(&c);
	free(mp);
}

/* Without an fd or a context the checker sends nothing. */
static void no_fd_no_context(void **state)
{
	struct checker c;

	sg_reset();
	checker_open(&c, NULL, 5);
	c.fd = -1;
	assert_int_equal(libcheck_check(&c), PATH_WILD);
	assert_int_equal(c.msgid, CHECKER_MSGID_NO_FD);
	libcheck_free(&c);

	checker_open(&c, NULL, 5);
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
		cmocka_unit_test(wwn_change),
		cmocka_unit_test(wwn_not_taken_from_bad_pages),
		cmocka_unit_test(inactive_snapshot_is_map_wide),
		cmocka_unit_test(no_map_context),
		cmocka_unit_test(commands_and_timeouts),
		cmocka_unit_test(no_fd_no_context),
		cmocka_unit_test(message_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
