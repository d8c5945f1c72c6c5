/*-------------------------------------------------------------------------
 *
 * memo.c
 *	  A call site's answers per organization: an open-addressing table
 *	  (memo.h) kept in fn_extra for the checks whose policy takes the organization
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
#include "mb/pg_wchar.h"
#include "nodes/primnodes.h"
#include "utils/memutils.h"

/* at most this many organizations per call site */
#define ORG_ANSWERS_MAX		32768
/* and ids of at most this many bytes (an organization and an external id, for the checks on a resource) */
#define ORG_ID_MAX			(RBAC_ORG_ID_MAX_LEN * 4 + 1 + RBAC_EXTERNAL_ID_MAX_LEN)
/* slots of a new table (a power of two) */
#define ORG_SLOTS_MIN		64
/*
 * Compile a permission query into prog (allocated in cxt when NULL), or
 * raise 42601 naming the character where the problem is: a malformed
 * query is a programming error, not an access decision (SPEC 9).
 */
QueryProgram *
rbac_query_compile(MemoryContext cxt, QueryProgram *prog, const char *s, int len)
{
	RbacQueryError err;
	int			nchars = pg_mbstrlen_with_len(s, len);

	if (prog == NULL)
		prog = MemoryContextAllocZero(cxt, sizeof(QueryProgram));
	if (prog->text != NULL)
		pfree(prog->text);
	prog->text = NULL;
	prog->len = 0;
	if (nchars > RBAC_QUERY_MAX_CHARS)
		ereport(ERROR,
				(errcode(ERRCODE_SYNTAX_ERROR),
				 errmsg("invalid permission query \"%s\"", rbac_quote_for_message(s, len)),
				 errdetail("A permission query has at most %d characters; this one has %d.",
						   RBAC_QUERY_MAX_CHARS, nchars)));
	if (!rbac_query_parse(s, len, &prog->q, &err))
		ereport(ERROR,
				(errcode(ERRCODE_SYNTAX_ERROR),
				 errmsg("invalid permission query \"%s\"", rbac_quote_for_message(s, len)),
				 errdetail("At character %d: %s.",
						   pg_mbstrlen_with_len(s, (int) err.pos) + 1,
						   rbac_query_error_message(err.kind))));
	prog->text = MemoryContextAlloc(cxt, Max(len, 1));
	memcpy(prog->text, s, len);
	prog->len = len;
	for (int i = 0; i < prog->q.nslugs; i++)
	{
		const char *slug = prog->text + prog->q.slug_start[i];
		int			slen = prog->q.slug_len[i];

		prog->valid[i] = rbac_permission_slug_valid(slug, slen);
		prog->hash[i] = prog->valid[i] ? rbac_hash_slug(slug, slen) : 0;
	}
	return prog;
}

/*
 * The query's answer: each distinct slug checked once (a malformed one is
 * false, as in the checks of one slug), then the program.
 */
bool
rbac_query_run(const QueryProgram *prog, QuerySlugCheck check, void *arg)
{
	bool		values[RBAC_QUERY_MAX_SLUGS];

	for (int i = 0; i < prog->q.nslugs; i++)
		values[i] = prog->valid[i] &&
			check(arg, prog->text + prog->q.slug_start[i], prog->q.slug_len[i],
				  prog->hash[i]);
	return rbac_query_eval(&prog->q, values);
}

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
static void
org_slots_alloc(OrgAnswers *t, uint32 nslots)
{
	t->slots_mem = MemoryContextAllocZero(t->cxt, nslots * sizeof(OrgSlot) + PG_CACHE_LINE_SIZE);
	t->slots = (OrgSlot *) TYPEALIGN(PG_CACHE_LINE_SIZE, t->slots_mem);
	t->mask = nslots - 1;
}

void
rbac_org_answer_put(MemoryContext parent, OrgAnswers *t, uint64 generation,
					const char *org, int olen, uint32 hash, bool result)
{
	uint32		i;
	OrgSlot    *s;

	if (olen > ORG_ID_MAX || generation != rbac_generation ||
		t->generation != generation || t->members >= ORG_ANSWERS_MAX)
		return;
	if (t->cxt == NULL)
		t->cxt = AllocSetContextCreate(parent, "rbac answers per organization",
									   ALLOCSET_SMALL_SIZES);
	if (t->slots == NULL)
	{
		org_slots_alloc(t, ORG_SLOTS_MIN);
		t->members = 0;
		t->arena = NULL;
		t->arena_used = t->arena_cap = 0;
	}
	for (i = hash & t->mask; t->slots[i].used; i = (i + 1) & t->mask)
	{
		s = &t->slots[i];
		if (s->hash == hash && s->len == olen &&
			rbac_bytes_equal(org_slot_id(t, s), org, olen))
		{
			s->result = result;
			return;
		}
	}
	/* a new id: keep the table at most half full */
	if ((t->members + 1) * 2 > t->mask + 1)
	{
		OrgSlot    *old = t->slots;
		void	   *old_mem = t->slots_mem;
		uint32		old_n = t->mask + 1;

		org_slots_alloc(t, old_n * 2);
		for (uint32 j = 0; j < old_n; j++)
		{
			uint32		k;

			if (!old[j].used)
				continue;
			for (k = old[j].hash & t->mask; t->slots[k].used; k = (k + 1) & t->mask)
				;
			t->slots[k] = old[j];
		}
		pfree(old_mem);
		for (i = hash & t->mask; t->slots[i].used; i = (i + 1) & t->mask)
			;
	}
	s = &t->slots[i];
	if (olen <= ORG_INLINE)
		memcpy(s->inl, org, olen);
	else
	{
		uint32		off = t->arena_used;

		if (t->arena == NULL)
		{
			t->arena_cap = Max(1024, olen);
			t->arena = MemoryContextAlloc(t->cxt, t->arena_cap);
		}
		else if (t->arena_used + olen > t->arena_cap)
		{
			t->arena_cap = Max(t->arena_cap * 2, t->arena_used + olen);
			t->arena = repalloc(t->arena, t->arena_cap);
		}
		memcpy(t->arena + off, org, olen);
		memcpy(s->inl, &off, sizeof(off));
		t->arena_used += olen;
	}
	s->hash = hash;
	s->len = (uint16) olen;
	s->used = true;
	s->result = result;
	t->members++;
}

/*
 * The same for the key a, b of rbac_org_answer_get_pair(): kept as a, a zero
 * byte, b (b alone when alen < 0).
 */
void
rbac_org_answer_put_pair(MemoryContext parent, OrgAnswers *t, uint64 generation,
						 const char *a, int alen, const char *b, int blen,
						 uint32 hash, bool result)
{
	char		key[ORG_ID_MAX];

	if (alen < 0)
	{
		rbac_org_answer_put(parent, t, generation, b, blen, hash, result);
		return;
	}
	if (alen + 1 + blen > ORG_ID_MAX)
		return;
	memcpy(key, a, alen);
	key[alen] = '\0';
	memcpy(key + alen + 1, b, blen);
	rbac_org_answer_put(parent, t, generation, key, alen + 1 + blen, hash, result);
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
