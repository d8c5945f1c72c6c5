/*-------------------------------------------------------------------------
 *
 * memo.c
 *	  A call site's answers per organization: an open-addressing table
 *	  kept in fn_extra for the checks whose policy takes the organization
 *	  from the row (role_has_permission, user_has_permission and
 *	  has_permission with an organization).  Such a policy asks about the
 *	  same role, user or principal and the same permission for many
 *	  organizations, so each organization is answered once per query (and
 *	  again only after the catalog changed).  At most 32,768 organizations
 *	  of at most RBAC_ORG_INLINE bytes; others go to the cache every time.
 *
 *-------------------------------------------------------------------------
 */
#include "memo.h"

#include "cache.h"
#include "nodes/primnodes.h"

#define ORG_SLOTS_MAX	65536

/*
 * The remembered answer for an organization, if any.  Sets *hash for a
 * later rbac_org_answer_put().  A table of another generation is emptied.
 */
bool
rbac_org_answer_get(OrgAnswers *t, const char *org, int olen, uint32 *hash,
					bool *result)
{
	if (olen > RBAC_ORG_INLINE)
		return false;
	if (t->generation != rbac_generation)
	{
		if (t->slots != NULL)
			memset(t->slots, 0, (t->mask + 1) * sizeof(OrgSlot));
		t->n = 0;
		t->generation = rbac_generation;
	}
	*hash = rbac_hash_slug(org, olen);
	if (t->slots == NULL)
		return false;
	for (uint32 i = *hash & t->mask; t->slots[i].used; i = (i + 1) & t->mask)
	{
		OrgSlot    *slot = &t->slots[i];

		if (slot->hash == *hash && slot->len == olen && memcmp(slot->org, org, olen) == 0)
		{
			*result = slot->result;
			return true;
		}
	}
	return false;
}

/* Where an entry with this hash goes in slots of size mask + 1. */
static uint32
free_slot(const OrgSlot *slots, uint32 mask, uint32 hash)
{
	uint32		i;

	for (i = hash & mask; slots[i].used; i = (i + 1) & mask)
		;
	return i;
}

/*
 * Remember the answer computed for an organization under the cache
 * generation "generation" (taken before computing it): unless the catalog
 * changed meanwhile, the id is too long, or the table is full.
 */
void
rbac_org_answer_put(MemoryContext cxt, OrgAnswers *t, uint64 generation,
					const char *org, int olen, uint32 hash, bool result)
{
	uint32		i;

	if (olen > RBAC_ORG_INLINE || generation != rbac_generation ||
		t->generation != generation || t->n >= ORG_SLOTS_MAX / 2)
		return;
	if (t->slots == NULL || (uint32) (t->n + 1) * 2 > t->mask + 1)
	{
		OrgSlot    *old = t->slots;
		uint32		oldsize = old ? t->mask + 1 : 0;

		t->mask = old ? oldsize * 2 - 1 : 63;
		t->slots = MemoryContextAllocZero(cxt, (t->mask + 1) * sizeof(OrgSlot));
		for (uint32 j = 0; j < oldsize; j++)
			if (old[j].used)
				t->slots[free_slot(t->slots, t->mask, old[j].hash)] = old[j];
		if (old)
			pfree(old);
	}
	i = free_slot(t->slots, t->mask, hash);
	t->slots[i].hash = hash;
	t->slots[i].len = olen;
	t->slots[i].result = result;
	memcpy(t->slots[i].org, org, olen);
	t->slots[i].used = true;
	t->n++;
}

/*
 * Is argument argno of this call a Const?  Only then is it the same on every
 * call through this FmgrInfo: a Param is not (PL/pgSQL re-evaluates one
 * expression state with changing parameter values).
 */
bool
rbac_arg_is_const(FmgrInfo *flinfo, int argno)
{
	List	   *args;

	if (flinfo->fn_expr == NULL || !IsA(flinfo->fn_expr, FuncExpr))
		return false;
	args = ((FuncExpr *) flinfo->fn_expr)->args;
	if (argno >= list_length(args))
		return false;
	return IsA(list_nth(args, argno), Const);
}
