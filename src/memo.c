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
/* Remember a value (s NULL: a NULL). */
void
memo_value_store(MemoryContext cxt, MemoValue *v, const char *s, int len)
{
	v->set = true;
	v->isnull = (s == NULL);
	v->len = s ? len : 0;
	if (s == NULL)
		return;
	if (v->data == NULL || v->cap < len)
	{
		v->cap = Max(len, 32);
		v->data = MemoryContextAlloc(cxt, v->cap);
	}
	memcpy(v->data, s, len);
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
	OrgRef		k = {org, olen};
	OrgSlot    *s;
	bool		found;

	if (olen > ORG_ID_MAX || generation != rbac_generation ||
		t->generation != generation ||
		(t->tab != NULL && t->tab->members >= ORG_ANSWERS_MAX))
		return;
	if (t->cxt == NULL)
		t->cxt = AllocSetContextCreate(parent, "rbac answers per organization",
									   ALLOCSET_SMALL_SIZES);
	if (t->tab == NULL)
		t->tab = orgtab_create(t->cxt, 64, NULL);
	s = orgtab_insert_hash(t->tab, k, hash, &found);
	if (!found)
	{
		/* the slot got the caller's pointer: keep the bytes */
		if (olen <= ORG_INLINE)
		{
			memcpy(s->inl, org, olen);
			s->key.p = NULL;
		}
		else
		{
			char	   *copy = MemoryContextAlloc(t->cxt, olen);

			memcpy(copy, org, olen);
			s->key.p = copy;
		}
	}
	s->result = result;
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
