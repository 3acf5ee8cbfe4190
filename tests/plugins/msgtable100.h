/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * msgtable100.h - the 100 message texts of the test plugins msgfull.c and
 * msgnoterm.c, "message 00" to "message 99": a table as long as the
 * contract allows (CHECKER_MSGTABLE_SIZE entries).
 */
#ifndef MPATH_TEST_MSGTABLE100_H
#define MPATH_TEST_MSGTABLE100_H

#define MSG10(tens) \
	"message " tens "0", "message " tens "1", "message " tens "2", \
	"message " tens "3", "message " tens "4", "message " tens "5", \
	"message " tens "6", "message " tens "7", "message " tens "8", \
	"message " tens "9"

#define MSGTABLE_100_TEXTS \
	MSG10("0"), MSG10("1"), MSG10("2"), MSG10("3"), MSG10("4"), \
	MSG10("5"), MSG10("6"), MSG10("7"), MSG10("8"), MSG10("9")

#endif /* MPATH_TEST_MSGTABLE100_H */
