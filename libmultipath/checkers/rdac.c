// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * rdac.c - libcheckrdac.so, the checker for LSI/Engenio RDAC arrays
 * (NetApp E-Series, IBM DS3000/4000/5000, Dell MD3000 and their kin).
 *
 * Each LUN of these arrays is owned by one of two controllers. The array
 * describes the path's controller in a vendor-specific INQUIRY page, VPD
 * 0xC9 ("volume access control"): whether this controller owns the LUN,
 * whether I/O shipping lets the other controller serve it too, and, when
 * target port group data is enabled, the asymmetric access state of this
 * controller with a reason when it is unavailable. The check maps it so:
 *
 *   INQUIRY fails (ioctl, transport, error status)  PATH_DOWN
 *   page code, signature or length wrong            PATH_DOWN
 *   LUN not connected (peripheral qualifier/type)   PATH_DOWN
 *   TPG data: controller unavailable                PATH_DOWN, with the
 *                                                   reason the array gives
 *   TPG data: controller transitioning              PATH_DOWN (in startup
 *                                                   when flagged so)
 *   this controller owns the LUN                    PATH_UP
 *   I/O shipping enabled                            PATH_UP
 *   otherwise                                       PATH_GHOST
 *
 * A failed ioctl is PATH_DOWN and never PATH_GHOST: a path that cannot
 * carry the INQUIRY cannot carry I/O after a failover either, and a ghost
 * path is a promise that it could.
 *
 * On init, the checker tries once (best effort) to set the TAS bit (task
 * aborted status) of the Control mode page. With TAS set, commands of this
 * host that the array aborts because of another initiator's action (a
 * reset or a volume transfer triggered by another host) complete with TASK
 * ABORTED status instead of vanishing silently; without it the host only
 * notices when the command times out, which stalls failover on these
 * arrays. Failure to read or change the page is logged at debug level and
 * does not fail init: many arrays ship with TAS already set.
 *
 * Transient outcomes (UNIT ATTENTION, BUSY, a transient host status) are
 * retried a few times. All commands use c->timeout (30 s when 0). The
 * check is a plain blocking function; the framework's executor runs it
 * asynchronously when asked to.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "checkers.h"
#include "mpath_scsi.h"
#include "mpath_time.h"

/* Every command: retries after the first try, of any transient outcome. */
#define RDAC_RETRIES		2
#define RDAC_RETRY_ON		MPATH_SG_RETRY_TRANSIENT

#define INQUIRY_OP		0x12
#define MODE_SENSE_10_OP	0x5a
#define MODE_SELECT_10_OP	0x55
#define INQUIRY_EVPD		0x01

/*
 * VPD page 0xC9, volume access control, as these arrays return it. The
 * layout follows the public descriptions of the page (the kernel's RDAC
 * device handler reads the ownership byte the same way); the vendor has
 * not published it, so the less certain parts say so.
 *
 *   byte 0      peripheral qualifier (bits 7-5) and device type (4-0)
 *   byte 1      page code, 0xC9
 *   bytes 2-3   page length (bytes after byte 3)
 *   bytes 4-7   signature "vace"
 *   byte 8      bit 0 CVP: this controller is the LUN's current owner
 *               bit 4 TPGDE: bytes 10-11 hold target port group data
 *               bit 5 IOSHIP: I/O shipping, either controller serves I/O
 *               bit 7 AVTE: automatic volume transfer enabled (not used)
 *   byte 9      bit 0: this path is the preferred path (not used)
 *   byte 10     bits 3-0: asymmetric access state of this controller's
 *               target port group, SPC coding (3 unavailable, 0xF
 *               transitioning); bit 7 with "transitioning": the
 *               controller is starting up. Uncertain: bit 7 as the
 *               startup flag is known from field use, not a document.
 *   byte 11     vendor-specific reason for "unavailable": 2 not
 *               responding, 3 in reset, 4 and 5 firmware download
 *               (two phases), 6 quiesced, 7 service mode. Uncertain:
 *               these codes are known from field use; any other value is
 *               reported as plain "unavailable".
 */
#define C9_PAGE			0xC9
#define C9_OFF_PQ_PDT		0
#define C9_OFF_SIG		4
#define C9_SIG			"vace"
#define C9_SIG_LEN		4
#define C9_OFF_FLAGS		8
#define C9_OFF_AAS		10
#define C9_OFF_REASON		11
#define C9_MIN_LEN		(C9_OFF_FLAGS + 1)
#define C9_TPG_LEN		(C9_OFF_REASON + 1)

#define C9_CVP			0x01
#define C9_TPGDE		0x10
#define C9_IOSHIP		0x20

#define PQ_MASK			0xe0
#define PDT_MASK		0x1f
#define PDT_DISK		0x00

#define AAS_MASK		0x0f
#define AAS_UNAVAILABLE		0x03
#define AAS_TRANSITIONING	0x0f
#define AAS_STARTUP		0x80

#define REASON_NON_RESPONSIVE	0x02
#define REASON_IN_RESET		0x03
#define REASON_FW_DOWNLOAD_1	0x04
#define REASON_FW_DOWNLOAD_2	0x05
#define REASON_QUIESCED		0x06
#define REASON_SERVICE_MODE	0x07

/* Allocation length of the INQUIRY; the page is well under it. */
#define C9_INQ_LEN		64

/*
 * The Control mode page (0x0A), SPC. Returned after the 8-byte MODE
 * SENSE(10) header and any block descriptors (bytes 6-7 of the header give
 * their length). In the page: byte 0 PS (bit 7), SPF (bit 6) and page
 * code; byte 1 page length; byte 5 bit 6 is TAS.
 */
#define CONTROL_PAGE		0x0a
#define MODE_HDR_LEN		8
#define MODE_BUF_LEN		252
#define MODE_PAGE_PS		0x80
#define MODE_PAGE_SPF		0x40
#define MODE_PAGE_CODE_MASK	0x3f
#define CONTROL_OFF_TAS		5
#define CONTROL_TAS		0x40
#define MODE_SENSE_DBD		0x08
#define MODE_SELECT_PF		0x10

enum {
	MSG_RDAC_NOT_CONN = CHECKER_FIRST_MSGID,
	MSG_RDAC_IN_STARTUP,
	MSG_RDAC_NON_RESPONSIVE,
	MSG_RDAC_IN_RESET,
	MSG_RDAC_FW_DOWNLOADING,
	MSG_RDAC_QUIESCED,
	MSG_RDAC_SERVICE_MODE,
	MSG_RDAC_UNAVAILABLE,
	MSG_RDAC_INQUIRY_FAILED,
	MSG_RDAC_TRANSITIONING,
	MSG_RDAC_NO_RESPONSE,
	MSG_RDAC_NO_SGIO,
	MSG_RDAC_BAD_PAGE,
	MSG_RDAC_OWNER,
	MSG_RDAC_IOSHIP,
	MSG_RDAC_GHOST,
	MSG_RDAC_NO_MEMORY,
};

#define MSG(id) [MSG_RDAC_##id - CHECKER_FIRST_MSGID]

const char *libcheck_msgtable[] = {
	MSG(NOT_CONN) = "LUN not connected through this controller",
	MSG(IN_STARTUP) = "controller is starting up",
	MSG(NON_RESPONSIVE) = "controller is not responding",
	MSG(IN_RESET) = "controller is being reset",
	MSG(FW_DOWNLOADING) = "controller firmware is being downloaded",
	MSG(QUIESCED) = "controller is quiesced",
	MSG(SERVICE_MODE) = "controller is in service mode",
	MSG(UNAVAILABLE) = "controller is unavailable",
	MSG(INQUIRY_FAILED) = "array returned an error to the volume access INQUIRY (VPD 0xC9)",
	MSG(TRANSITIONING) = "controller is transitioning (volume ownership change in progress)",
	MSG(NO_RESPONSE) = "volume access INQUIRY (VPD 0xC9) got no answer: I/O or transport error on this path",
	MSG(NO_SGIO) = "device does not support SG_IO: not an RDAC LUN",
	MSG(BAD_PAGE) = "volume access page (VPD 0xC9) in an unknown format: wrong page code, signature or length",
	MSG(OWNER) = "path to the owning controller",
	MSG(IOSHIP) = "path to the non-owning controller, usable with I/O shipping",
	MSG(GHOST) = "path to the non-owning controller (passive)",
	MSG(NO_MEMORY) = "checker context missing (out of memory at init)",
	NULL,
};

/* Per-path data. Used by one thread at a time: no lock. */
struct rdac_ctx {
	bool tas_tried;		/* for the debug log: init ran the attempt */
};

static void rdac_tas_failed(const struct checker *c, const char *what,
			    const struct mpath_sg_result *res)
{
	mpath_log(MPATH_LOG_DEBUG,
		  "rdac: fd %d: cannot set TAS: %s (class %d err %d sense %x/%02x/%02x)",
		  c->fd, what, res->cls, res->err, res->sense.key,
		  res->sense.asc, res->sense.ascq);
}

/*
 * Best effort: read the current Control mode page and, if TAS is clear,
 * write the page back with TAS set. MODE SELECT uses PF=1 and SP=0: the
 * change applies until the array restarts and is not saved, so the
 * array's stored configuration is left alone; the next init sets it again.
 */
static void rdac_set_tas(const struct checker *c)
{
	const uint8_t sense_cdb[10] = {
		MODE_SENSE_10_OP, MODE_SENSE_DBD, CONTROL_PAGE, 0, 0, 0, 0,
		0, MODE_BUF_LEN, 0
	};
	uint8_t cdb[10] = { MODE_SELECT_10_OP, MODE_SELECT_PF };
	uint8_t buf[MODE_BUF_LEN], sel[MODE_HDR_LEN + 2 + 255];
	struct mpath_sg_result res;
	size_t got, off, plen, sel_len;

	memset(buf, 0, sizeof(buf));
	if (mpath_sg_cmd(c->fd, sense_cdb, sizeof(sense_cdb), MPATH_SG_FROM_DEV,
			 buf, sizeof(buf), mpath_check_timeout_ms(c),
			 RDAC_RETRIES, RDAC_RETRY_ON, &res) != 0) {
		rdac_tas_failed(c, "MODE SENSE failed", &res);
		return;
	}

	/* Trust neither the transfer nor the lengths the header claims. */
	got = mpath_sg_received(sizeof(buf), &res);
	if (got >= 2 && ((size_t)buf[0] << 8 | buf[1]) + 2 < got)
		got = ((size_t)buf[0] << 8 | buf[1]) + 2;
	if (got < MODE_HDR_LEN) {
		rdac_tas_failed(c, "MODE SENSE data too short", &res);
		return;
	}
	/* DBD asks for no block descriptors, but a device may send some. */
	off = MODE_HDR_LEN + ((size_t)buf[6] << 8 | buf[7]);
	if (off + 2 > got ||
	    (buf[off] & (MODE_PAGE_SPF | MODE_PAGE_CODE_MASK)) != CONTROL_PAGE) {
		rdac_tas_failed(c, "no Control mode page in MODE SENSE data",
				&res);
		return;
	}
	plen = buf[off + 1];
	if (plen < CONTROL_OFF_TAS - 1 || off + 2 + plen > got) {
		rdac_tas_failed(c, "Control mode page truncated", &res);
		return;
	}
	if (buf[off + CONTROL_OFF_TAS] & CONTROL_TAS) {
		mpath_log(MPATH_LOG_DEBUG, "rdac: fd %d: TAS already set",
			  c->fd);
		return;
	}

	/*
	 * The parameter list: a header of zeros (its mode data length,
	 * medium type and device-specific bytes are reserved for MODE
	 * SELECT on disks, and no block descriptors are sent), then the
	 * page with PS cleared, as MODE SELECT requires, and TAS set.
	 */
	memset(sel, 0, sizeof(sel));
	memcpy(sel + MODE_HDR_LEN, buf + off, 2 + plen);
	sel[MODE_HDR_LEN] &= ~MODE_PAGE_PS;
	sel[MODE_HDR_LEN + CONTROL_OFF_TAS] |= CONTROL_TAS;
	sel_len = MODE_HDR_LEN + 2 + plen;
	cdb[7] = sel_len >> 8;
	cdb[8] = sel_len & 0xff;
	if (mpath_sg_cmd(c->fd, cdb, sizeof(cdb), MPATH_SG_TO_DEV, sel, sel_len,
			 mpath_check_timeout_ms(c), RDAC_RETRIES,
			 RDAC_RETRY_ON, &res) != 0) {
		rdac_tas_failed(c, "MODE SELECT failed", &res);
		return;
	}
	mpath_log(MPATH_LOG_INFO,
		  "rdac: fd %d: set TAS in the Control mode page", c->fd);
}

int libcheck_init(struct checker *c)
{
	struct rdac_ctx *ctx = calloc(1, sizeof(*ctx));

	if (!ctx)
		return 1;
	c->context = ctx;
	if (c->fd >= 0) {
		rdac_set_tas(c);
		ctx->tas_tried = true;
	}
	return 0;
}

void libcheck_free(struct checker *c)
{
	free(c->context);
	c->context = NULL;
}

/* Why a controller whose TPG data says unavailable or transitioning is. */
static short rdac_down_reason(uint8_t aas, uint8_t reason)
{
	if ((aas & AAS_MASK) == AAS_TRANSITIONING)
		return aas & AAS_STARTUP ? MSG_RDAC_IN_STARTUP :
					   MSG_RDAC_TRANSITIONING;
	switch (reason) {
	case REASON_NON_RESPONSIVE:
		return MSG_RDAC_NON_RESPONSIVE;
	case REASON_IN_RESET:
		return MSG_RDAC_IN_RESET;
	case REASON_FW_DOWNLOAD_1:
	case REASON_FW_DOWNLOAD_2:
		return MSG_RDAC_FW_DOWNLOADING;
	case REASON_QUIESCED:
		return MSG_RDAC_QUIESCED;
	case REASON_SERVICE_MODE:
		return MSG_RDAC_SERVICE_MODE;
	default:
		return MSG_RDAC_UNAVAILABLE;
	}
}

int libcheck_check(struct checker *c)
{
	const uint8_t cdb[6] = {
		INQUIRY_OP, INQUIRY_EVPD, C9_PAGE, 0, C9_INQ_LEN, 0
	};
	uint8_t page[C9_INQ_LEN];
	struct mpath_sg_result res;
	size_t got, page_len;
	uint8_t flags, aas;

	if (c->fd < 0) {
		c->msgid = CHECKER_MSGID_NO_FD;
		return PATH_WILD;
	}
	if (!c->context) {
		c->msgid = MSG_RDAC_NO_MEMORY;
		return PATH_WILD;
	}

	memset(page, 0, sizeof(page));
	if (mpath_sg_cmd(c->fd, cdb, sizeof(cdb), MPATH_SG_FROM_DEV, page,
			 sizeof(page), mpath_check_timeout_ms(c), RDAC_RETRIES,
			 RDAC_RETRY_ON, &res) != 0) {
		mpath_log(MPATH_LOG_DEBUG,
			  "rdac: fd %d: INQUIRY 0xC9: class %d err %d status 0x%02x host 0x%02x sense %x/%02x/%02x",
			  c->fd, res.cls, res.err, res.status, res.host_status,
			  res.sense.key, res.sense.asc, res.sense.ascq);
		/* Every failure of the INQUIRY is PATH_DOWN; the message says why. */
		switch (mpath_sg_outcome(&res)) {
		case MPATH_SG_NO_SGIO:
			c->msgid = MSG_RDAC_NO_SGIO;
			break;
		case MPATH_SG_NOT_SENT:
		case MPATH_SG_NO_ANSWER:
			c->msgid = MSG_RDAC_NO_RESPONSE;
			break;
		default:
			c->msgid = MSG_RDAC_INQUIRY_FAILED;
			break;
		}
		return PATH_DOWN;
	}

	/* Header: page code, signature, and no more than the page claims. */
	got = mpath_sg_received(sizeof(page), &res);
	if (got < C9_OFF_SIG + C9_SIG_LEN || page[1] != C9_PAGE ||
	    memcmp(page + C9_OFF_SIG, C9_SIG, C9_SIG_LEN) != 0) {
		c->msgid = MSG_RDAC_BAD_PAGE;
		return PATH_DOWN;
	}
	page_len = 4 + ((size_t)page[2] << 8 | page[3]);
	if (page_len < got)
		got = page_len;

	/*
	 * A LUN the controller does not present on this path: qualifier
	 * not 000b ("not connected" or "not supported"), or a device type
	 * other than a disk (0x1f is "no device"). RDAC volumes are disks.
	 */
	if ((page[C9_OFF_PQ_PDT] & PQ_MASK) != 0 ||
	    (page[C9_OFF_PQ_PDT] & PDT_MASK) != PDT_DISK) {
		c->msgid = MSG_RDAC_NOT_CONN;
		return PATH_DOWN;
	}

	if (got < C9_MIN_LEN) {
		c->msgid = MSG_RDAC_BAD_PAGE;
		return PATH_DOWN;
	}
	flags = page[C9_OFF_FLAGS];

	/*
	 * With target port group data, the array can tell that this
	 * controller cannot serve I/O right now, and why: unavailable and
	 * transitioning are PATH_DOWN. Offline (0xE) is not tested here: a
	 * port in that state is normally unreachable, so the INQUIRY itself
	 * fails, which is PATH_DOWN already.
	 */
	if (flags & C9_TPGDE) {
		if (got < C9_TPG_LEN) {
			c->msgid = MSG_RDAC_BAD_PAGE;
			return PATH_DOWN;
		}
		aas = page[C9_OFF_AAS];
		if ((aas & AAS_MASK) == AAS_UNAVAILABLE ||
		    (aas & AAS_MASK) == AAS_TRANSITIONING) {
			c->msgid = rdac_down_reason(aas, page[C9_OFF_REASON]);
			mpath_log(MPATH_LOG_DEBUG,
				  "rdac: fd %d: access state 0x%02x reason 0x%02x",
				  c->fd, aas, page[C9_OFF_REASON]);
			return PATH_DOWN;
		}
	}

	if (flags & C9_CVP) {
		c->msgid = MSG_RDAC_OWNER;
		return PATH_UP;
	}
	if (flags & C9_IOSHIP) {
		c->msgid = MSG_RDAC_IOSHIP;
		return PATH_UP;
	}
	c->msgid = MSG_RDAC_GHOST;
	return PATH_GHOST;
}
