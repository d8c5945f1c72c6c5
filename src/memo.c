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
 *	  per call site; others go to the cache every time.
 *
 *-------------------------------------------------------------------------
 */
#include "memo.h"

#include "cache.h"
#include "nodes/primnodes.h"
#include "utils/memutils.h"

/* at most this many organizations per call site */
#define ORG_ANSWERS_MAX		32768
/* and ids of at most this many bytes */
#define ORG_ID_MAX			(RBAC_ORG_ID_MAX_LEN * 4)

/*
 * The remembered answer for an organization, if any.  Sets *hash for a
 * later rbac_org_answer_put().  A table of another generation is emptied.
 */
bool
rbac_org_answer_get(OrgAnswers *t, const char *org, int olen, uint32 *hash,
					bool *result)
{
	KeyRef		k = {NULL, org, -1, olen};
	KeySlot    *s;

	if (t->generation != rbac_generation)
	{
		if (t->tab != NULL)
		{
			MemoryContextReset(t->cxt);
			t->tab = NULL;
		}
		t->generation = rbac_generation;
	}
	*hash = rbac_hash_slug(org, olen);
	if (t->tab == NULL)
		return false;
	s = keytab_lookup_hash(t->tab, k, *hash);
	if (s == NULL)
		return false;
	*result = s->flag;
	return true;
}

/*
 * Remember the answer computed for an organization under the cache
 * generation "generation" (taken before computing it): unless the catalog
 * changed meanwhile, the id is too long, or the table is full.
 */
void
rbac_org_answer_put(MemoryContext parent, OrgAnswers *t, uint64 generation,
					const char *org, int olen, uint32 hash, bool result)
{
	KeyRef		k;
	KeySlot    *s;
	char	   *copy;
	bool		found;

	if (olen > ORG_ID_MAX || generation != rbac_generation ||
		t->generation != generation ||
		(t->tab != NULL && t->tab->members >= ORG_ANSWERS_MAX))
		return;
	if (t->cxt == NULL)
		t->cxt = AllocSetContextCreate(parent, "rbac answers per organization",
									   ALLOCSET_SMALL_SIZES);
	if (t->tab == NULL)
		t->tab = keytab_create(t->cxt, 64, NULL);
	copy = MemoryContextAlloc(t->cxt, Max(olen, 1));
	memcpy(copy, org, olen);
	k.a = NULL;
	k.alen = -1;
	k.b = copy;
	k.blen = olen;
	s = keytab_insert_hash(t->tab, k, hash, &found);
	s->flag = result;
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
