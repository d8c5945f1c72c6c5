/*-------------------------------------------------------------------------
 *
 * memo.h
 *	  A call site's answers per organization, for the checks whose policy
 *	  takes the organization from the row.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RBAC_MEMO_H
#define RBAC_MEMO_H

#include "keytab.h"

#include "fmgr.h"

/*
 * The answers of one call site for its fixed role (or user, or principal)
 * and permission, per organization, valid while the cache generation is
 * "generation": a keytab (keytab.h) of organization ids, the answer in
 * each slot's flag, table and ids in the memo's own memory context.
 */
typedef struct OrgAnswers
{
	MemoryContext cxt;			/* NULL until the first answer is kept */
	keytab_hash *tab;			/* NULL while empty */
	uint64		generation;		/* 0: to be emptied before use */
} OrgAnswers;

extern bool rbac_org_answer_get(OrgAnswers *t, const char *org, int olen,
								uint32 *hash, bool *result);
extern bool rbac_arg_is_const(FmgrInfo *flinfo, int argno);
extern void rbac_org_answer_put(MemoryContext parent, OrgAnswers *t, uint64 generation,
								const char *org, int olen, uint32 hash, bool result);

#endif							/* RBAC_MEMO_H */
