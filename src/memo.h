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

#include "rbac.h"

#include "fmgr.h"

/* organization ids up to this many bytes get a slot */
#define RBAC_ORG_INLINE		32

/* One remembered answer for an organization. */
typedef struct OrgSlot
{
	uint32		hash;
	int16		len;
	bool		used;
	bool		result;
	char		org[RBAC_ORG_INLINE];
} OrgSlot;

/*
 * The answers of one call site for its fixed role (or user, or principal)
 * and permission, valid while the cache generation is "generation".
 */
typedef struct OrgAnswers
{
	OrgSlot    *slots;
	uint32		mask;
	int			n;
	uint64		generation;		/* 0: to be emptied before use */
} OrgAnswers;

extern bool rbac_org_answer_get(OrgAnswers *t, const char *org, int olen,
								uint32 *hash, bool *result);
extern bool rbac_arg_is_const(FmgrInfo *flinfo, int argno);
extern void rbac_org_answer_put(MemoryContext cxt, OrgAnswers *t, uint64 generation,
								const char *org, int olen, uint32 hash, bool result);

#endif							/* RBAC_MEMO_H */
