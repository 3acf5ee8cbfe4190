// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * emc_clariion.c - libcheckemc_clariion.so, the checker for EMC CLARiiON
 * and VNX block arrays (active/passive, PNR or ALUA failover mode).
 *
 * The array describes each path in a vendor-specific INQUIRY page, VPD
 * 0xC0 (the "unit report" or SP information page): whether this storage
 * processor (SP) owns the LUN, the LUN's WWN, how the host's initiator is
 * registered for failover, and whether the LUN is operating normally. The
 * check reads that page and, on the owning path only, block 0:
 *
 *   INQUIRY fails                      ENOTTY or ILLEGAL REQUEST: PATH_WILD
 *                                      (not a CLARiiON); else PATH_DOWN
 *   page code or header wrong          PATH_DOWN
 *   failover registration wrong        PATH_DOWN, says what to fix
 *   LUN unbound (LUNZ)                 PATH_DOWN
 *   LUN operations not normal          PATH_SHAKY
 *   WWN differs from the first check   PATH_DOWN (the path now leads to
 *                                      another LUN); the first WWN is kept
 *                                      until the checker is re-initialised
 *   owning SP: READ(10) of block 0     GOOD: PATH_UP; "inactive snapshot"
 *                                      sense: PATH_DOWN, remembered for the
 *                                      map; other failure: PATH_DOWN
 *   other SP                           PATH_DOWN if the map's active path
 *                                      saw an inactive snapshot, else UP
 *
 * Why the map-wide memory: an inactive snapshot LUN answers INQUIRY
 * normally on every path, and only a READ on the owning SP reveals that it
 * cannot be used. Passive paths are not read (the non-owning SP rejects
 * media access in PNR mode, and in other modes a read could move the
 * LUN), so without the shared flag they would stay UP and the map
 * would fail over onto them, to a LUN that is no more usable there. The
 * flag lives in the map-wide context (*c->mpcontext, from
 * libcheck_mp_init()) and is set or cleared only by the owning path's READ.
 * Paths of one map may be checked concurrently on different threads, so
 * the flag is accessed atomically.
 *
 * Passive paths of a healthy LUN are PATH_UP, not PATH_GHOST, as for this
 * array the daemon's path grouping (not the checker) tells owning and
 * non-owning paths apart.
 *
 * Transient outcomes (UNIT ATTENTION, BUSY, a transient host status) are
 * retried a few times. The check is a plain blocking function; the
 * framework's executor runs it asynchronously when asked to.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkers.h"
#include "mpath_scsi.h"
#include "mpath_time.h"

/* Every command: retries after the first try, of any transient outcome. */
#define EMC_RETRIES		2
#define EMC_RETRY_ON		MPATH_SG_RETRY_TRANSIENT

#define INQUIRY_OP		0x12
#define READ_10_OP		0x28
#define INQUIRY_EVPD		0x01

/*
 * VPD page 0xC0 as CLARiiON/VNX arrays return it. Only the bytes below are
 * read, and each only after checking that the device returned it. This
 * layout comes from public descriptions of the page (the kernel's EMC
 * device handler reads the same ownership bytes); EMC has not published a
 * specification, so where a meaning is less certain it says so.
 *
 *   byte 1      page code, 0xC0
 *   bytes 2-3   page length (bytes after byte 3)
 *   byte 4      LUN state: 0 unbound (LUNZ), 1 bound but owned by the
 *               other SP, 2 bound and owned by the SP of this path
 *   bytes 10-25 the LUN's WWN (16 bytes)
 *   byte 27     effective initiator type: 3 is "CLARiiON Open", the type
 *               Linux hosts must be registered with
 *   byte 28     failover mode in bits 0-2: the values 4 and 6 are what
 *               arrays report for the supported modes (PNR "mode 1" and
 *               ALUA "mode 4"). Uncertain: how the array encodes the
 *               Navisphere mode numbers in these bits is not documented;
 *               4 and 6 are the values seen in the field.
 *   byte 30     bit 2: arraycommpath enabled (needed so that LUNZ and the
 *               non-owning SP still present the LUN)
 *   byte 48     LUN operations: 0 normal; anything else (e.g. a trespass
 *               or background operation in progress) means the LUN should
 *               not be used right now. Uncertain which non-zero values
 *               exist; all are treated alike.
 */
#define EMC_VPD_PAGE		0xC0
#define EMC_OFF_LUN_STATE	4
#define EMC_OFF_WWN		10
#define EMC_WWN_LEN		16
#define EMC_OFF_INIT_TYPE	27
#define EMC_OFF_FAILOVER	28
#define EMC_OFF_FLAGS		30
#define EMC_OFF_LUN_OPS		48
#define EMC_MIN_PAGE_LEN	(EMC_OFF_LUN_OPS + 1)

#define EMC_LUN_UNBOUND		0
#define EMC_LUN_BOUND		1
#define EMC_LUN_OWNED		2

#define EMC_INIT_TYPE_OPEN	0x03
#define EMC_FAILOVER_MASK	0x07
#define EMC_FAILOVER_PNR	0x04
#define EMC_FAILOVER_ALUA	0x06
#define EMC_ARRAYCOMMPATH	0x04

/* Allocation length of the INQUIRY: the page is well under this. */
#define EMC_INQ_LEN		128

/*
 * The sense an inactive snapshot LUN returns to a READ: ILLEGAL REQUEST
 * with ASC/ASCQ 25/01. ASC 25 is "logical unit not supported"; qualifier
 * 01 is what these arrays use for a snapshot that is not activated.
 */
#define EMC_SNAP_ASC		0x25
#define EMC_SNAP_ASCQ		0x01

/*
 * The READ of block 0 transfers one logical block. CLARiiON LUNs have 512
 * byte blocks; the buffer is sized for up to 4096 so that a larger block
 * size still fits rather than overrunning.
 */
#define EMC_READ_LEN		4096

enum {
	MSG_EMC_NO_SGIO = CHECKER_FIRST_MSGID,
	MSG_EMC_UNSUPPORTED,
	MSG_EMC_INQ_IOCTL,
	MSG_EMC_INQ_TRANSPORT,
	MSG_EMC_INQ_ERROR,
	MSG_EMC_BAD_PAGE,
	MSG_EMC_BAD_CONFIG,
	MSG_EMC_LUNZ,
	MSG_EMC_BAD_LUN_STATE,
	MSG_EMC_SHAKY,
	MSG_EMC_WWN_CHANGED,
	MSG_EMC_ACTIVE_UP,
	MSG_EMC_ACTIVE_SNAP,
	MSG_EMC_ACTIVE_READ_FAILED,
	MSG_EMC_PASSIVE_UP,
	MSG_EMC_PASSIVE_SNAP,
	MSG_EMC_NO_MEMORY,
};

#define MSG(id) [MSG_EMC_##id - CHECKER_FIRST_MSGID]

const char *libcheck_msgtable[] = {
	MSG(NO_SGIO) = "device does not support SG_IO: emc_clariion cannot check it",
	MSG(UNSUPPORTED) = "device rejects the CLARiiON unit report INQUIRY (VPD 0xC0): not a CLARiiON/VNX LUN",
	MSG(INQ_IOCTL) = "unit report INQUIRY (VPD 0xC0) could not be sent on this path",
	MSG(INQ_TRANSPORT) = "unit report INQUIRY (VPD 0xC0) failed in transport: no answer from the array",
	MSG(INQ_ERROR) = "array returned an error to the unit report INQUIRY (VPD 0xC0)",
	MSG(BAD_PAGE) = "unit report page (VPD 0xC0) in an unknown format: wrong page code or too short",
	MSG(BAD_CONFIG) = "path not correctly configured for failover on the array: register the host with initiator type CLARiiON Open, failover mode 1 or 4, arraycommpath on",
	MSG(LUNZ) = "LUN is unbound (LUNZ): no LUN of the host's storage group behind this path",
	MSG(BAD_LUN_STATE) = "array reports an unknown LUN ownership state",
	MSG(SHAKY) = "LUN not available for normal operations (array operation in progress)",
	MSG(WWN_CHANGED) = "LUN WWN changed since the first check: the path now leads to a different LUN",
	MSG(ACTIVE_UP) = "active path (owning SP) is healthy",
	MSG(ACTIVE_SNAP) = "active path to an inactive snapshot: the LUN cannot be used on any path",
	MSG(ACTIVE_READ_FAILED) = "read of block 0 on the active path (owning SP) failed",
	MSG(PASSIVE_UP) = "passive path (non-owning SP) is healthy",
	MSG(PASSIVE_SNAP) = "passive path to an inactive snapshot (seen by the map's active path)",
	MSG(NO_MEMORY) = "checker context missing (out of memory at init)",
	NULL,
};

/* Per-path data. Used by one thread at a time: no lock. */
struct emc_ctx {
	uint8_t wwn[EMC_WWN_LEN];	/* the LUN's WWN at the first good page */
	bool wwn_set;
	bool wwn_change_logged;		/* warn once, not every round */
};

/*
 * Map-wide data, shared by the checkers of all paths of one map, which may
 * run concurrently: accessed only with __atomic builtins (relaxed for the
 * flag, a lone value that orders nothing else). Allocated with
 * malloc() (the daemon frees it with the map).
 */
struct emc_map_ctx {
	int inactive_snap;
};

int libcheck_init(struct checker *c)
{
	c->context = calloc(1, sizeof(struct emc_ctx));
	return c->context ? 0 : 1;
}

void libcheck_free(struct checker *c)
{
	free(c->context);
	c->context = NULL;
}

int libcheck_mp_init(struct checker *c)
{
	struct emc_map_ctx *mp;

	if (!c->mpcontext)
		return 1;
	mp = calloc(1, sizeof(*mp));
	if (!mp)
		return 1;
	/* Published with release order: other paths' checks may read it. */
	__atomic_store_n(c->mpcontext, mp, __ATOMIC_RELEASE);
	return 0;
}

/* The map-wide context, or NULL when there is none (mp_init failed). */
static struct emc_map_ctx *emc_map(const struct checker *c)
{
	if (!c->mpcontext)
		return NULL;
	return __atomic_load_n(c->mpcontext, __ATOMIC_ACQUIRE);
}

static void emc_set_inactive_snap(const struct checker *c, int value)
{
	struct emc_map_ctx *mp = emc_map(c);

	if (mp)
		__atomic_store_n(&mp->inactive_snap, value, __ATOMIC_RELAXED);
}

static bool emc_inactive_snap(const struct checker *c)
{
	struct emc_map_ctx *mp = emc_map(c);

	return mp && __atomic_load_n(&mp->inactive_snap, __ATOMIC_RELAXED);
}

static void emc_wwn_str(const uint8_t *wwn, char *out, size_t size)
{
	size_t i;

	for (i = 0; i < EMC_WWN_LEN && 2 * i + 2 < size; i++)
		snprintf(out + 2 * i, size - 2 * i, "%02x", wwn[i]);
}

/*
 * Read the page into buf (EMC_INQ_LEN bytes); returns the number of valid
 * bytes, or -1 with the state in *state and c->msgid set.
 */
static int emc_read_page(struct checker *c, uint8_t *buf, int *state)
{
	const uint8_t cdb[6] = {
		INQUIRY_OP, INQUIRY_EVPD, EMC_VPD_PAGE, 0, EMC_INQ_LEN, 0
	};
	const size_t len = EMC_INQ_LEN;
	struct mpath_sg_result res;
	size_t got, page_len;

	if (mpath_sg_cmd(c->fd, cdb, sizeof(cdb), MPATH_SG_FROM_DEV, buf, len,
			 mpath_check_timeout_ms(c), EMC_RETRIES, EMC_RETRY_ON,
			 &res) != 0) {
		enum mpath_sg_outcome outcome = mpath_sg_outcome(&res);

		/*
		 * Not a SCSI device, or one that does not know the page: not
		 * a CLARiiON, nothing this checker can judge (PATH_WILD).
		 */
		*state = mpath_sg_outcome_state(outcome);
		switch (outcome) {
		case MPATH_SG_NO_SGIO:
			c->msgid = MSG_EMC_NO_SGIO;
			break;
		case MPATH_SG_NOT_SENT:
			c->msgid = MSG_EMC_INQ_IOCTL;
			break;
		case MPATH_SG_NO_ANSWER:
			c->msgid = MSG_EMC_INQ_TRANSPORT;
			break;
		case MPATH_SG_UNSUPPORTED:
			c->msgid = MSG_EMC_UNSUPPORTED;
			break;
		default:
			c->msgid = MSG_EMC_INQ_ERROR;
			break;
		}
		return -1;
	}

	/* The header first: page code and the length the page claims. */
	got = mpath_sg_received(len, &res);
	if (got < 4 || buf[1] != EMC_VPD_PAGE) {
		*state = PATH_DOWN;
		c->msgid = MSG_EMC_BAD_PAGE;
		return -1;
	}
	page_len = 4 + ((size_t)buf[2] << 8 | buf[3]);
	if (page_len < got)
		got = page_len;
	if (got < EMC_MIN_PAGE_LEN) {
		*state = PATH_DOWN;
		c->msgid = MSG_EMC_BAD_PAGE;
		return -1;
	}
	return got;
}

/* The owning path: READ(10) of one block at LBA 0 decides. */
static int emc_check_active(struct checker *c, struct emc_ctx *ctx)
{
	const uint8_t cdb[10] = { READ_10_OP, 0, 0, 0, 0, 0, 0, 0, 1, 0 };
	uint8_t buf[EMC_READ_LEN];
	struct mpath_sg_result res;
	char wwn[2 * EMC_WWN_LEN + 1] = "";

	if (mpath_sg_cmd(c->fd, cdb, sizeof(cdb), MPATH_SG_FROM_DEV, buf,
			 sizeof(buf), mpath_check_timeout_ms(c), EMC_RETRIES,
			 EMC_RETRY_ON, &res) == 0) {
		/* The snapshot (if it was one) is active again. */
		emc_set_inactive_snap(c, 0);
		c->msgid = MSG_EMC_ACTIVE_UP;
		return PATH_UP;
	}

	emc_wwn_str(ctx->wwn, wwn, sizeof(wwn));
	if (res.cls == MPATH_SG_CHECK_CONDITION && res.sense.valid &&
	    res.sense.key == MPATH_SENSE_ILLEGAL_REQUEST &&
	    res.sense.asc == EMC_SNAP_ASC && res.sense.ascq == EMC_SNAP_ASCQ) {
		/*
		 * Tell the other paths of the map: they cannot see this
		 * themselves and would otherwise stay UP.
		 */
		if (!emc_inactive_snap(c))
			mpath_log(MPATH_LOG_NOTICE,
				  "emc_clariion: fd %d: LUN %s is an inactive snapshot; failing all its paths",
				  c->fd, wwn);
		emc_set_inactive_snap(c, 1);
		c->msgid = MSG_EMC_ACTIVE_SNAP;
		return PATH_DOWN;
	}
	mpath_log(MPATH_LOG_DEBUG,
		  "emc_clariion: fd %d: read of LUN %s failed: class %d err %d status 0x%02x host 0x%02x sense %x/%02x/%02x",
		  c->fd, wwn, res.cls, res.err, res.status, res.host_status,
		  res.sense.key, res.sense.asc, res.sense.ascq);
	c->msgid = MSG_EMC_ACTIVE_READ_FAILED;
	return PATH_DOWN;
}

int libcheck_check(struct checker *c)
{
	struct emc_ctx *ctx = c->context;
	uint8_t page[EMC_INQ_LEN];
	int state = PATH_DOWN;
	const uint8_t *wwn;
	int lun_state, mode;

	if (c->fd < 0) {
		c->msgid = CHECKER_MSGID_NO_FD;
		return PATH_WILD;
	}
	if (!ctx) {
		c->msgid = MSG_EMC_NO_MEMORY;
		return PATH_WILD;
	}

	memset(page, 0, sizeof(page));
	if (emc_read_page(c, page, &state) < 0)
		return state;

	/*
	 * The host must be registered for failover the way dm-multipath
	 * expects, or the non-owning SP will not serve the LUN after a
	 * failover. Only the array's configuration can fix that: say so.
	 */
	mode = page[EMC_OFF_FAILOVER] & EMC_FAILOVER_MASK;
	if (page[EMC_OFF_INIT_TYPE] != EMC_INIT_TYPE_OPEN ||
	    (mode != EMC_FAILOVER_PNR && mode != EMC_FAILOVER_ALUA) ||
	    !(page[EMC_OFF_FLAGS] & EMC_ARRAYCOMMPATH)) {
		mpath_log(MPATH_LOG_DEBUG,
			  "emc_clariion: fd %d: initiator type 0x%02x, failover mode %d, flags 0x%02x",
			  c->fd, page[EMC_OFF_INIT_TYPE], mode,
			  page[EMC_OFF_FLAGS]);
		c->msgid = MSG_EMC_BAD_CONFIG;
		return PATH_DOWN;
	}

	/* An unbound LUN (LUNZ) has no WWN worth remembering: test it first. */
	lun_state = page[EMC_OFF_LUN_STATE];
	if (lun_state == EMC_LUN_UNBOUND) {
		c->msgid = MSG_EMC_LUNZ;
		return PATH_DOWN;
	}
	if (lun_state != EMC_LUN_BOUND && lun_state != EMC_LUN_OWNED) {
		mpath_log(MPATH_LOG_DEBUG,
			  "emc_clariion: fd %d: unknown LUN state %d",
			  c->fd, lun_state);
		c->msgid = MSG_EMC_BAD_LUN_STATE;
		return PATH_DOWN;
	}

	if (page[EMC_OFF_LUN_OPS] != 0) {
		c->msgid = MSG_EMC_SHAKY;
		return PATH_SHAKY;
	}

	/*
	 * The path must keep leading to the LUN it led to at first: after a
	 * re-zoning or LUN re-mapping on the array the same device node can
	 * suddenly reach another LUN, and writing there destroys data. Such
	 * a path stays down until the daemon sets it up again.
	 */
	wwn = page + EMC_OFF_WWN;
	if (!ctx->wwn_set) {
		memcpy(ctx->wwn, wwn, EMC_WWN_LEN);
		ctx->wwn_set = true;
	} else if (memcmp(ctx->wwn, wwn, EMC_WWN_LEN) != 0) {
		if (!ctx->wwn_change_logged) {
			char was[2 * EMC_WWN_LEN + 1] = "";
			char now[2 * EMC_WWN_LEN + 1] = "";

			emc_wwn_str(ctx->wwn, was, sizeof(was));
			emc_wwn_str(wwn, now, sizeof(now));
			mpath_log(MPATH_LOG_WARNING,
				  "emc_clariion: fd %d: LUN WWN changed from %s to %s",
				  c->fd, was, now);
			ctx->wwn_change_logged = true;
		}
		c->msgid = MSG_EMC_WWN_CHANGED;
		return PATH_DOWN;
	} else {
		/* Back to the first LUN: warn again if it changes again. */
		ctx->wwn_change_logged = false;
	}

	if (lun_state == EMC_LUN_OWNED)
		return emc_check_active(c, ctx);

	if (emc_inactive_snap(c)) {
		c->msgid = MSG_EMC_PASSIVE_SNAP;
		return PATH_DOWN;
	}
	c->msgid = MSG_EMC_PASSIVE_UP;
	return PATH_UP;
}
