/*-------------------------------------------------------------------------
 *
 * check.c
 *	  The checks of SPEC 3, called once per row by row-level-security
 *	  policies:
 *
 *		rbac.role_has_permission(role, permission [, organization])
 *		rbac.roles_have_permission(roles[], permission [, organization])
 *		rbac.user_has_permission(user, organization, permission
 *								 [, resource type, external id])
 *
 *	  Each call site keeps a memo in fn_extra: the last arguments, their
 *	  answer and the cache generation it was computed under.  A call with
 *	  the same arguments as the row before costs a comparison and a
 *	  generation check; arguments that are constants or parameters are not
 *	  even compared.  Anything else goes to the per-backend cache.
 *
 *	  An unknown role, a role of another organization, a malformed slug:
 *	  false, never an error.
 *
 *-------------------------------------------------------------------------
 */
#include "cache.h"
#include "memo.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "nodes/primnodes.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "funcapi.h"
#include "utils/lsyscache.h"
#include "catalog/pg_collation.h"
#include "utils/tuplestore.h"
#include "utils/varlena.h"

PG_FUNCTION_INFO_V1(rbac_role_has_permission);
PG_FUNCTION_INFO_V1(rbac_role_has_permission_org);
PG_FUNCTION_INFO_V1(rbac_roles_have_permission);
PG_FUNCTION_INFO_V1(rbac_roles_have_permission_org);
PG_FUNCTION_INFO_V1(rbac_user_has_permission);
PG_FUNCTION_INFO_V1(rbac_user_has_permission_resource);
PG_FUNCTION_INFO_V1(rbac_role_has_permissions);
PG_FUNCTION_INFO_V1(rbac_role_has_permissions_org);
PG_FUNCTION_INFO_V1(rbac_user_has_permissions);
PG_FUNCTION_INFO_V1(rbac_organizations_with_permission);
PG_FUNCTION_INFO_V1(rbac_resources_with_permission);
PG_FUNCTION_INFO_V1(rbac_effective_permissions);

#define MEMO_NARGS 3

/* The per-call-site memo. */
typedef struct CheckMemo
{
	uint64		generation;		/* cache generation of the answer; 0 = none */
	RbacSnapId	snap;			/* the snapshot of the answer */
	bool		result;
	MemoValue	args[MEMO_NARGS];
	/* the requested permission, validated and hashed */
	bool		perm_valid;
	uint32		perm_hash;
	/* the role slug of args[0], validated and hashed */
	bool		role_valid;
	uint32		role_hash;
	/* roles array, deconstructed (roles_have_permission only) */
	int			nroles;
	char	  **role;
	int		   *role_len;
	uint32	   *role_hashes;
	/* answers per organization for the current role and permission */
	OrgAnswers	orgs;
	/* a permission query (SPEC 9) instead of one permission */
	bool		is_query;
	QueryProgram *prog;
} CheckMemo;

/*
 * The memo of this call site, made on first use.  Memo argument i holds
 * call argument argno[i] (argno NULL: argument i).
 */
static CheckMemo *
get_memo(FunctionCallInfo fcinfo, int nargs, const int *argno)
{
	CheckMemo  *m = (CheckMemo *) fcinfo->flinfo->fn_extra;

	if (m == NULL)
	{
		m = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(CheckMemo));
		for (int i = 0; i < nargs; i++)
			m->args[i].stable = rbac_arg_is_const(fcinfo->flinfo, argno ? argno[i] : i);
		fcinfo->flinfo->fn_extra = m;
	}
	return m;
}

/* Remember an argument. */
static inline void
memo_store(FunctionCallInfo fcinfo, MemoValue *a, const char *data, int len)
{
	memo_value_store(fcinfo->flinfo->fn_mcxt, a, data, len);
}

/* Remember the permission argument, with its validity and hash. */
static void
memo_store_perm(FunctionCallInfo fcinfo, CheckMemo *m, int argno,
				const char *perm, int plen)
{
	if (m->is_query)
	{
		/* compiled first: a malformed query raises and is not remembered */
		m->args[argno].set = false;
		m->prog = rbac_query_compile(fcinfo->flinfo->fn_mcxt, m->prog, perm, plen);
		m->perm_valid = true;
		m->perm_hash = 0;
	}
	else
	{
		m->perm_valid = rbac_permission_slug_valid(perm, plen);
		m->perm_hash = m->perm_valid ? rbac_hash_slug(perm, plen) : 0;
	}
	memo_store(fcinfo, &m->args[argno], perm, plen);
	m->orgs.generation = 0;
}

/* Is this a plausible user or organization id (1 to 128 characters)? */
static inline bool
id_ok(const char *s, int len)
{
	return len > 0 && len <= RBAC_ORG_ID_MAX_LEN * 4;
}

/* Does the user's membership in the organization grant the permission? */
static bool
check_member(const char *user, int ulen, const char *org, int olen,
			 const char *perm, int plen, uint32 phash)
{
	if (!id_ok(user, ulen) || !id_ok(org, olen))
		return false;
	return rbac_member_grants(rbac_cache_member(user, ulen, org, olen), perm, plen, phash);
}

/* Remember the role argument, with its validity and hash. */
static void
memo_store_role(FunctionCallInfo fcinfo, CheckMemo *m, const char *role, int rlen)
{
	memo_store(fcinfo, &m->args[0], role, rlen);
	m->orgs.generation = 0;
	m->role_valid = rbac_role_slug_valid(role, rlen);
	m->role_hash = m->role_valid ? rbac_hash_slug(role, rlen) : 0;
}

/* What a query's slugs are checked for: a role, or a user's membership. */
typedef struct QueryTarget
{
	bool		member;
	const char *rs;
	int			rlen;
	uint32		role_hash;
	const char *os;
	int			olen;
} QueryTarget;

/* QuerySlugCheck of the role and member checks */
static bool
query_slug(void *arg, const char *slug, int len, uint32 hash)
{
	QueryTarget *t = (QueryTarget *) arg;

	if (t->member)
		return check_member(t->rs, t->rlen, t->os, t->olen, slug, len, hash);
	return rbac_check_role(t->rs, t->rlen, t->role_hash, t->os, t->olen, slug, len, hash);
}

/*
 * The answer for a role (or, for a member check, a user) in an
 * organization: of the permission, or of the query.
 */
static bool
answer(const CheckMemo *m, bool member, const char *rs, int rlen,
	   const char *os, int olen, const char *ps, int plen)
{
	if (m->is_query)
	{
		QueryTarget t = {member, rs, rlen, m->role_hash, os, olen};

		return rbac_query_run(m->prog, query_slug, &t);
	}
	if (member)
		return check_member(rs, rlen, os, olen, ps, plen, m->perm_hash);
	return rbac_check_role(rs, rlen, m->role_hash, os, olen, ps, plen, m->perm_hash);
}

/*
 * The answer for one organization, through the call site's table of
 * answers per organization (memo.c).
 */
static bool
check_org(FunctionCallInfo fcinfo, CheckMemo *m, bool member,
		  const char *rs, int rlen, const char *os, int olen,
		  const char *ps, int plen)
{
	uint64		gen;
	uint32		hash;
	bool		result;

	if (rbac_org_answer_get(&m->orgs, os, olen, &hash, &result))
		return result;
	gen = rbac_generation;
	result = answer(m, member, rs, rlen, os, olen, ps, plen);
	rbac_org_answer_put(fcinfo->flinfo->fn_mcxt, &m->orgs, gen, os, olen, hash, result);
	return result;
}

/* Shared body of the two role_has_permission forms. */
static Datum
role_has_permission(FunctionCallInfo fcinfo, bool with_org, bool is_query)
{
	text	   *role = PG_GETARG_TEXT_PP(0);
	text	   *perm = PG_GETARG_TEXT_PP(1);
	text	   *org = with_org ? rbac_getarg_text_pp(fcinfo, 2) : NULL;
	const char *rs = VARDATA_ANY(role);
	int			rlen = VARSIZE_ANY_EXHDR(role);
	const char *ps = VARDATA_ANY(perm);
	int			plen = VARSIZE_ANY_EXHDR(perm);
	const char *os = org ? VARDATA_ANY(org) : NULL;
	int			olen = org ? (int) VARSIZE_ANY_EXHDR(org) : -1;
	CheckMemo  *m = get_memo(fcinfo, with_org ? 3 : 2, NULL);
	bool		same_role;
	bool		same_perm;
	uint64		gen;

	m->is_query = is_query;
	same_role = memo_value_same(&m->args[0], rs, rlen);
	same_perm = memo_value_same(&m->args[1], ps, plen);

	if (m->generation == rbac_generation && same_role && same_perm)
	{
		uint32		hash;
		bool		result;

		if (!with_org && rbac_snap_is(&m->snap))
			PG_RETURN_BOOL(m->result);
		/* the same role and permission: the organization's answer, if known */
		if (with_org && rbac_org_answer_get(&m->orgs, os, olen, &hash, &result))
			PG_RETURN_BOOL(result);
	}

	if (!same_perm)
		memo_store_perm(fcinfo, m, 1, ps, plen);
	if (!same_role)
		memo_store_role(fcinfo, m, rs, rlen);
	gen = rbac_generation;
	rbac_snap_id(&m->snap);
	m->generation = 0;
	if (!m->role_valid || !m->perm_valid)
		m->result = false;
	else if (with_org)
		m->result = check_org(fcinfo, m, false, rs, rlen, os, olen, ps, plen);
	else
		m->result = answer(m, false, rs, rlen, os, olen, ps, plen);
	m->generation = gen;
	PG_RETURN_BOOL(m->result);
}

/* rbac.role_has_permission(role_slug text, permission_slug text) */
Datum
rbac_role_has_permission(PG_FUNCTION_ARGS)
{
	return role_has_permission(fcinfo, false, false);
}

/* rbac.role_has_permission(role_slug, permission_slug, organization_id) */
Datum
rbac_role_has_permission_org(PG_FUNCTION_ARGS)
{
	return role_has_permission(fcinfo, true, false);
}

/* rbac.role_has_permissions(role_slug text, query text) (SPEC 9) */
Datum
rbac_role_has_permissions(PG_FUNCTION_ARGS)
{
	return role_has_permission(fcinfo, false, true);
}

/* rbac.role_has_permissions(role_slug, query, organization_id) (SPEC 9) */
Datum
rbac_role_has_permissions_org(PG_FUNCTION_ARGS)
{
	return role_has_permission(fcinfo, true, true);
}

/*
 * Keep the deconstructed role slugs of an array in the memo.  Every element
 * counts, whatever the array's dimensions: a check never raises.
 */
static void
memo_store_roles(FunctionCallInfo fcinfo, CheckMemo *m, ArrayType *arr)
{
	MemoryContext old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
	Datum	   *elems;
	bool	   *nulls;
	int			n;

	if (m->role)
	{
		for (int i = 0; i < m->nroles; i++)
			if (m->role[i])
				pfree(m->role[i]);
		pfree(m->role);
		pfree(m->role_len);
		pfree(m->role_hashes);
		m->role = NULL;
	}
	deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
	m->role = palloc0(Max(n, 1) * sizeof(char *));
	m->role_len = palloc0(Max(n, 1) * sizeof(int));
	m->role_hashes = palloc0(Max(n, 1) * sizeof(uint32));
	m->nroles = n;
	for (int i = 0; i < n; i++)
	{
		text	   *t;

		if (nulls[i])
			continue;			/* a NULL element grants nothing */
		t = DatumGetTextPP(elems[i]);
		if (!rbac_role_slug_valid(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t)))
			continue;			/* nor does a malformed slug */
		m->role_len[i] = VARSIZE_ANY_EXHDR(t);
		m->role[i] = palloc(m->role_len[i] + 1);
		memcpy(m->role[i], VARDATA_ANY(t), m->role_len[i]);
		m->role_hashes[i] = rbac_hash_slug(m->role[i], m->role_len[i]);
	}
	pfree(elems);
	pfree(nulls);
	MemoryContextSwitchTo(old);
}

/* Shared body of the two roles_have_permission forms. */
static Datum
roles_have_permission(FunctionCallInfo fcinfo, bool with_org)
{
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(0);
	text	   *perm = PG_GETARG_TEXT_PP(1);
	text	   *org = with_org ? rbac_getarg_text_pp(fcinfo, 2) : NULL;
	const char *as = (const char *) arr;
	int			alen = VARSIZE(arr);
	const char *ps = VARDATA_ANY(perm);
	int			plen = VARSIZE_ANY_EXHDR(perm);
	const char *os = org ? VARDATA_ANY(org) : NULL;
	int			olen = org ? (int) VARSIZE_ANY_EXHDR(org) : -1;
	CheckMemo  *m = get_memo(fcinfo, with_org ? 3 : 2, NULL);
	bool		same_roles = memo_value_same(&m->args[0], as, alen);
	bool		same_perm = memo_value_same(&m->args[1], ps, plen);
	uint64		gen;
	uint32		hash = 0;
	bool		result = false;

	if (m->generation == rbac_generation && same_roles && same_perm)
	{
		if (!with_org && rbac_snap_is(&m->snap))
			PG_RETURN_BOOL(m->result);
		/* the same roles and permission: the organization's answer, if known */
		if (with_org && rbac_org_answer_get(&m->orgs, os, olen, &hash, &result))
			PG_RETURN_BOOL(result);
	}

	if (!same_perm)
		memo_store_perm(fcinfo, m, 1, ps, plen);
	if (!same_roles)
	{
		m->args[0].set = false;
		memo_store_roles(fcinfo, m, arr);
		memo_store(fcinfo, &m->args[0], as, alen);
		m->orgs.generation = 0;
	}
	gen = rbac_generation;
	rbac_snap_id(&m->snap);
	m->generation = 0;
	if (with_org && rbac_org_answer_get(&m->orgs, os, olen, &hash, &result))
		;
	else
	{
		for (int i = 0; i < m->nroles && !result && m->perm_valid; i++)
			if (m->role[i] != NULL)
				result = rbac_check_role(m->role[i], m->role_len[i], m->role_hashes[i],
										 os, olen, ps, plen, m->perm_hash);
		if (with_org)
			rbac_org_answer_put(fcinfo->flinfo->fn_mcxt, &m->orgs, gen, os, olen,
								hash, result);
	}
	m->result = result;
	m->generation = gen;
	PG_RETURN_BOOL(result);
}

/* rbac.roles_have_permission(role_slugs text[], permission_slug text) */
Datum
rbac_roles_have_permission(PG_FUNCTION_ARGS)
{
	return roles_have_permission(fcinfo, false);
}

/* rbac.roles_have_permission(role_slugs text[], permission_slug, organization_id) */
Datum
rbac_roles_have_permission_org(PG_FUNCTION_ARGS)
{
	return roles_have_permission(fcinfo, true);
}

/*
 * rbac.user_has_permission(user_id, organization_id, permission_slug):
 * the union of the roles of the user's membership.  The memo's args are
 * [0] user, [1] permission, [2] organization, as in role_has_permission.
 */
static Datum
user_has_permission(FunctionCallInfo fcinfo, bool is_query)
{
	static const int argno[MEMO_NARGS] = {0, 2, 1};	/* user, permission, org */
	CheckMemo  *m = get_memo(fcinfo, MEMO_NARGS, argno);
	text	   *org = rbac_getarg_text_pp(fcinfo, 1);
	const char *os = VARDATA_ANY(org);
	int			olen = VARSIZE_ANY_EXHDR(org);
	text	   *user;
	text	   *perm;
	const char *us;
	int			ulen;
	const char *ps;
	int			plen;
	bool		same_user;
	bool		same_perm;
	uint64		gen;

	m->is_query = is_query;
	/* a constant user and permission: the organization decides */
	if (m->generation == rbac_generation && m->args[0].stable && m->args[0].set &&
		m->args[1].stable && m->args[1].set)
	{
		uint32		hash;
		bool		result;

		if (rbac_org_answer_get(&m->orgs, os, olen, &hash, &result))
			PG_RETURN_BOOL(result);
	}
	user = PG_GETARG_TEXT_PP(0);
	perm = PG_GETARG_TEXT_PP(2);
	us = VARDATA_ANY(user);
	ulen = VARSIZE_ANY_EXHDR(user);
	ps = VARDATA_ANY(perm);
	plen = VARSIZE_ANY_EXHDR(perm);

	same_user = memo_value_same(&m->args[0], us, ulen);
	same_perm = memo_value_same(&m->args[1], ps, plen);
	if (m->generation == rbac_generation && same_user && same_perm)
	{
		uint32		hash;
		bool		result;

		/* the same user and permission: the organization's answer, if known */
		if (rbac_org_answer_get(&m->orgs, os, olen, &hash, &result))
			PG_RETURN_BOOL(result);
	}

	if (!same_perm)
		memo_store_perm(fcinfo, m, 1, ps, plen);
	if (!same_user)
	{
		memo_store(fcinfo, &m->args[0], us, ulen);
		m->orgs.generation = 0;
		m->role_valid = id_ok(us, ulen);
	}
	gen = rbac_generation;
	rbac_snap_id(&m->snap);
	m->generation = 0;
	m->result = m->role_valid && m->perm_valid &&
		check_org(fcinfo, m, true, us, ulen, os, olen, ps, plen);
	m->generation = gen;
	PG_RETURN_BOOL(m->result);
}

/*
 * The memo of a check on a resource: user, organization, permission and
 * type as the previous row had them (or constants), and the answers for
 * them per external id -- per organization and external id when the
 * organization is not a constant: a policy over a table shared by
 * organizations takes it from the row, and it changes from row to row.
 */
typedef struct ResourceMemo
{
	MemoValue	args[4];		/* user, organization, permission, type */
	bool		valid;			/* user, permission and type can name something */
	uint32		perm_hash;
	OrgAnswers	exts;			/* the answers */
} ResourceMemo;

/*
 * rbac.user_has_permission(user_id, organization_id, permission_slug,
 * resource_type_slug, external_id): SPEC 7's rule for the user's
 * membership (cache.c).
 */
Datum
rbac_user_has_permission_resource(PG_FUNCTION_ARGS)
{
	ResourceMemo *m = (ResourceMemo *) fcinfo->flinfo->fn_extra;
	text	   *ext = rbac_getarg_text_pp(fcinfo, 4);
	text	   *org;
	const char *es = VARDATA_ANY(ext);
	int			elen = VARSIZE_ANY_EXHDR(ext);
	const char *os;
	int			olen;
	int			key_olen;		/* the organization's part of the key; -1: none */
	const char *s[4];
	int			len[4];
	bool		same = true;
	uint32		hash;
	uint64		gen;
	bool		result;

	if (m == NULL)
	{
		m = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(ResourceMemo));
		for (int i = 0; i < 4; i++)
			m->args[i].stable = rbac_arg_is_const(fcinfo->flinfo, i);
		fcinfo->flinfo->fn_extra = m;
	}
	else if (m->args[0].stable && m->args[1].stable && m->args[2].stable &&
			 m->args[3].stable && m->args[0].set && m->args[1].set &&
			 m->args[2].set && m->args[3].set)
	{
		/* constants: the external id decides */
		os = m->args[1].data;
		olen = m->args[1].len;
		key_olen = -1;
		goto lookup;
	}
	org = rbac_getarg_text_pp(fcinfo, 1);
	os = VARDATA_ANY(org);
	olen = VARSIZE_ANY_EXHDR(org);
	/* malformed: false, as the cache would say */
	if (!id_ok(os, olen) || elen > RBAC_EXTERNAL_ID_MAX_LEN)
		PG_RETURN_BOOL(false);
	for (int i = 0; i < 4; i++)
	{
		text	   *t = (i == 1) ? org : rbac_getarg_text_pp(fcinfo, i);

		s[i] = VARDATA_ANY(t);
		len[i] = VARSIZE_ANY_EXHDR(t);
		if (i != 1 && !memo_value_same(&m->args[i], s[i], len[i]))
			same = false;
	}
	/* an organization from the row is part of the key: it does not count here */
	if (m->args[1].stable && !memo_value_same(&m->args[1], os, olen))
		same = false;
	key_olen = m->args[1].stable ? -1 : olen;
	if (!same)
	{
		for (int i = 0; i < 4; i++)
			memo_value_store(fcinfo->flinfo->fn_mcxt, &m->args[i], s[i], len[i]);
		m->exts.generation = 0;
		m->valid = id_ok(s[0], len[0]) &&
			rbac_permission_slug_valid(s[2], len[2]) &&
			rbac_resource_type_slug_valid(s[3], len[3]);
		m->perm_hash = m->valid ? rbac_hash_slug(s[2], len[2]) : 0;
		/*
		 * Answered without the table, which keeps answers from the next row
		 * with these arguments on: a policy whose user, permission or type
		 * changes from row to row would otherwise empty and rebuild it on
		 * every row.
		 */
		if (!m->valid)
			PG_RETURN_BOOL(false);
		PG_RETURN_BOOL(rbac_member_resource_grants(s[0], len[0], os, olen,
												   s[2], len[2], m->perm_hash,
												   s[3], len[3], es, elen));
	}
lookup:
	if (!m->valid)
		PG_RETURN_BOOL(false);
	if (rbac_org_answer_get_pair(&m->exts, os, key_olen, es, elen, &hash, &result))
		PG_RETURN_BOOL(result);
	gen = rbac_generation;
	result = rbac_member_resource_grants(m->args[0].data, m->args[0].len, os, olen,
										 m->args[2].data, m->args[2].len, m->perm_hash,
										 m->args[3].data, m->args[3].len, es, elen);
	rbac_org_answer_put_pair(fcinfo->flinfo->fn_mcxt, &m->exts, gen, os, key_olen, es, elen,
							 hash, result);
	PG_RETURN_BOOL(result);
}

/* rbac.user_has_permission(user_id, organization_id, permission_slug) */
Datum
rbac_user_has_permission(PG_FUNCTION_ARGS)
{
	return user_has_permission(fcinfo, false);
}

/* rbac.user_has_permissions(user_id, organization_id, query) (SPEC 9) */
Datum
rbac_user_has_permissions(PG_FUNCTION_ARGS)
{
	return user_has_permission(fcinfo, true);
}

/* State of rbac.organizations_with_permission() across its calls. */
typedef struct OrgsState
{
	List	   *orgs;
	ListCell   *next;
} OrgsState;

/* rbac.organizations_with_permission(user_id, permission_slug) */
Datum
rbac_organizations_with_permission(PG_FUNCTION_ARGS)
{
	FuncCallContext *funcctx;
	OrgsState  *st;

	if (SRF_IS_FIRSTCALL())
	{
		text	   *user = PG_GETARG_TEXT_PP(0);
		text	   *perm = PG_GETARG_TEXT_PP(1);
		const char *us = VARDATA_ANY(user);
		int			ulen = VARSIZE_ANY_EXHDR(user);
		const char *ps = VARDATA_ANY(perm);
		int			plen = VARSIZE_ANY_EXHDR(perm);
		MemoryContext old;
		List	   *all;
		ListCell   *lc;

		funcctx = SRF_FIRSTCALL_INIT();
		old = MemoryContextSwitchTo(funcctx->multi_call_memory_ctx);
		st = palloc0(sizeof(OrgsState));
		if (id_ok(us, ulen) && rbac_permission_slug_valid(ps, plen))
		{
			uint32		phash = rbac_hash_slug(ps, plen);

			all = rbac_member_organizations(us, ulen);
			foreach(lc, all)
			{
				char	   *o = lfirst(lc);

				if (check_member(us, ulen, o, strlen(o), ps, plen, phash))
					st->orgs = lappend(st->orgs, o);
			}
		}
		st->next = list_head(st->orgs);
		funcctx->user_fctx = st;
		MemoryContextSwitchTo(old);
	}
	funcctx = SRF_PERCALL_SETUP();
	st = (OrgsState *) funcctx->user_fctx;
	if (st->next != NULL)
	{
		char	   *o = lfirst(st->next);

		st->next = lnext(st->orgs, st->next);
		SRF_RETURN_NEXT(funcctx, PointerGetDatum(cstring_to_text(o)));
	}
	SRF_RETURN_DONE(funcctx);
}

/* Sort external ids (text *) in the collation of the call. */
static Oid	sort_collation;

static int
text_ptr_cmp(const void *a, const void *b)
{
	text	   *x = *(text *const *) a;
	text	   *y = *(text *const *) b;

	return varstr_cmp(VARDATA_ANY(x), VARSIZE_ANY_EXHDR(x),
					  VARDATA_ANY(y), VARSIZE_ANY_EXHDR(y), sort_collation);
}

/* Return the list of text * as the rows of a set, sorted in the call's collation. */
static Datum
return_sorted(FunctionCallInfo fcinfo, List *found)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int			n = list_length(found);
	text	  **sorted;

	if (n == 0)
		return (Datum) 0;
	sorted = palloc(n * sizeof(text *));
	for (int i = 0; i < n; i++)
		sorted[i] = list_nth(found, i);
	sort_collation = OidIsValid(PG_GET_COLLATION()) ? PG_GET_COLLATION() : DEFAULT_COLLATION_OID;
	qsort(sorted, n, sizeof(text *), text_ptr_cmp);
	for (int i = 0; i < n; i++)
	{
		Datum		value = PointerGetDatum(sorted[i]);
		bool		isnull = false;

		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, &value, &isnull);
	}
	return (Datum) 0;
}

/* The first n arguments of the call, as bytes and lengths. */
static void
text_args(FunctionCallInfo fcinfo, int n, const char **s, int *len)
{
	for (int i = 0; i < n; i++)
	{
		text	   *t = PG_GETARG_TEXT_PP(i);

		s[i] = VARDATA_ANY(t);
		len[i] = VARSIZE_ANY_EXHDR(t);
	}
}

/*
 * rbac.resources_with_permission(user_id, organization_id, permission_slug,
 * resource_type_slug): the external ids of the resources of the type in the
 * organization on which the user has the permission, sorted (SPEC 7
 * discovery), through the cache as the checks: no privilege on rbac's
 * tables needed, nothing malformed raises.
 */
Datum
rbac_resources_with_permission(PG_FUNCTION_ARGS)
{
	const char *s[4];
	int			len[4];

	text_args(fcinfo, 4, s, len);
	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
	return return_sorted(fcinfo, rbac_member_resources(s[0], len[0], s[1], len[1],
													   s[2], len[2], s[3], len[3]));
}

/*
 * rbac.effective_permissions(user_id, organization_id, resource_type_slug,
 * external_id): the slugs of the permissions of the resource's type on
 * which a check of the user on the resource is true, sorted (SPEC 7
 * discovery), through the cache as the checks: no privilege on rbac's
 * tables needed, nothing malformed raises.
 */
Datum
rbac_effective_permissions(PG_FUNCTION_ARGS)
{
	const char *s[4];
	int			len[4];

	text_args(fcinfo, 4, s, len);
	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
	return return_sorted(fcinfo, rbac_member_effective_permissions(s[0], len[0], s[1], len[1],
																   s[2], len[2], s[3], len[3]));
}
