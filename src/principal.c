/*-------------------------------------------------------------------------
 *
 * principal.c
 *	  rbac.has_permission(permission [, organization]) and
 *	  rbac.has_permission(permission, resource type, external id): the
 *	  checks for the current request's principal (SPEC 4, 5.2 and 7),
 *	  which is, in this order:
 *
 *	  1. a member: the setting rbac.user_id (+ rbac.organization_id, or the
 *		 organization argument);
 *	  2. roles named directly: rbac.role, one slug or several separated by
 *		 commas (+ rbac.organization_id);
 *	  3. only where rbac.jwt_claims = 'trusted': the claims in
 *		 request.jwt.claims, as PostgREST sets it.  With a user claim
 *		 configured (rbac.jwt_user_claim) and present, the principal is that
 *		 member of the claimed organization, whose roles come from rbac's
 *		 tables; otherwise the role and roles claims name roles directly.
 *
 *	  No principal: false.  A principal bound to an organization is never
 *	  asked about another one, members included: false.  An empty
 *	  organization id is no organization: false.  A principal's roles are
 *	  all honoured; a roles claim longer than the reader keeps is refused
 *	  whole (false, and a WARNING).
 *
 *	  The settings are rbac's own parameters, superuser-only (PGC_SUSET):
 *	  an administrator opens them to the role that names the principal with
 *	  GRANT SET ON PARAMETER, or grants EXECUTE on rbac.set_principal() and
 *	  rbac.set_principal_roles(), which set them for the current transaction
 *	  only.  Each call site keeps the principal it resolved and resolves
 *	  again only when one of these settings changed (their assign hooks bump
 *	  a counter) or, for claims, when the claims text changed.
 *
 *-------------------------------------------------------------------------
 */
#include "cache.h"
#include "memo.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"

PG_FUNCTION_INFO_V1(rbac_has_permission);
PG_FUNCTION_INFO_V1(rbac_has_permission_org);
PG_FUNCTION_INFO_V1(rbac_has_permission_resource);
PG_FUNCTION_INFO_V1(rbac_has_permission_org_resource);
PG_FUNCTION_INFO_V1(rbac_has_permissions);
PG_FUNCTION_INFO_V1(rbac_has_permissions_org);
PG_FUNCTION_INFO_V1(rbac_current_principal);
PG_FUNCTION_INFO_V1(rbac_set_principal);
PG_FUNCTION_INFO_V1(rbac_set_principal_roles);

typedef enum
{
	JWT_CLAIMS_IGNORED,
	JWT_CLAIMS_TRUSTED
} JwtClaimsMode;

static const struct config_enum_entry jwt_claims_options[] = {
	{"ignored", JWT_CLAIMS_IGNORED, false},
	{"trusted", JWT_CLAIMS_TRUSTED, false},
	{NULL, 0, false}
};

static char *setting_user_id = NULL;
static char *setting_organization_id = NULL;
static char *setting_role = NULL;
static int	setting_jwt_claims = JWT_CLAIMS_IGNORED;
static char *setting_jwt_role_claim = NULL;
static char *setting_jwt_roles_claim = NULL;
static char *setting_jwt_organization_claim = NULL;
static char *setting_jwt_user_claim = NULL;


/* bumped whenever a setting the principal depends on changes */
static uint64 principal_generation = 1;

/* A principal: a member, or roles (bound to an organization or not). */
typedef struct Principal
{
	bool		invalid;		/* unusable settings or claims: grants nothing */
	bool		member;
	char	   *user;
	int			user_len;
	bool		has_org;
	char	   *org;
	int			org_len;
	int			nroles;
	int			cap;
	char	  **roles;
	int		   *roles_len;
	uint32	   *roles_hash;
} Principal;

/* The per-call-site memo: what the principal was resolved from, the answer. */
typedef struct PrincipalMemo
{
	uint64		generation;		/* rbac_generation of the answer; 0 = none */
	RbacSnapId	snap;			/* the snapshot of the answer */
	bool		result;
	uint64		principal_generation;	/* of the resolved principal; 0 = none */
	bool		claims_read;	/* the principal came from (or fell to) claims */
	MemoValue	claims;
	MemoValue	perm;
	MemoValue	type;			/* the resource type (checks on a resource) */
	bool		perm_valid;		/* checks on a resource: perm and type valid */
	bool		fixed;			/* checks on a resource: perm and type constants, set */
	uint32		perm_hash;
	MemoryContext cxt;			/* the principal's memory */
	Principal	principal;
	OrgAnswers	orgs;			/* for this principal and permission */
	bool		is_query;		/* a permission query (SPEC 9), not one slug */
	QueryProgram *prog;
} PrincipalMemo;

/* assign hook of every principal setting */
static void
principal_assign(const char *newval, void *extra)
{
	principal_generation++;
}

/* assign hook of rbac.jwt_claims */
static void
principal_assign_enum(int newval, void *extra)
{
	principal_generation++;
}

/* check hook of the claim names: at most RBAC_CLAIM_NAME_MAX bytes */
static bool
check_claim_name(char **newval, void **extra, GucSource source)
{
	if (*newval != NULL && strlen(*newval) > RBAC_CLAIM_NAME_MAX)
	{
		GUC_check_errdetail("A claim name has at most %d bytes.", RBAC_CLAIM_NAME_MAX);
		return false;
	}
	return true;
}

/* Define a superuser-only string setting of the principal. */
static void
define_setting(const char *name, const char *short_desc, const char *long_desc,
			   char **var, const char *boot, GucStringCheckHook check)
{
	DefineCustomStringVariable(name, short_desc, long_desc, var, boot,
							   PGC_SUSET, 0, check, principal_assign, NULL);
}

/* Define rbac's settings; called from _PG_init. */
void
rbac_principal_init(void)
{
	define_setting("rbac.user_id",
				   "The user the current request acts for.",
				   "rbac.has_permission() checks this user's membership. Superuser-only: "
				   "GRANT SET ON PARAMETER opens it to the role that names the principal.",
				   &setting_user_id, "", NULL);
	define_setting("rbac.organization_id",
				   "The organization the current request's principal is bound to.",
				   NULL, &setting_organization_id, "", NULL);
	define_setting("rbac.role",
				   "The role slugs of the current request, separated by commas.",
				   "Used by rbac.has_permission() when rbac.user_id is not set.",
				   &setting_role, "", NULL);
	DefineCustomEnumVariable("rbac.jwt_claims",
							 "Whether request.jwt.claims names the principal.",
							 "\"trusted\" only where the server sets it for every request "
							 "(PostgREST, Supabase); \"ignored\" otherwise.",
							 &setting_jwt_claims, JWT_CLAIMS_IGNORED, jwt_claims_options,
							 PGC_SUSET, 0, NULL, principal_assign_enum, NULL);
	define_setting("rbac.jwt_role_claim",
				   "The claim that carries one role slug.", NULL,
				   &setting_jwt_role_claim, "role", check_claim_name);
	define_setting("rbac.jwt_roles_claim",
				   "The claim that carries an array of role slugs.", NULL,
				   &setting_jwt_roles_claim, "roles", check_claim_name);
	define_setting("rbac.jwt_organization_claim",
				   "The claim that carries the organization id.", NULL,
				   &setting_jwt_organization_claim, "org_id", check_claim_name);
	define_setting("rbac.jwt_user_claim",
				   "The claim that carries the user id (empty: none).",
				   "With a user claim present, the principal is that member of the claimed "
				   "organization, with the roles rbac's tables give it.",
				   &setting_jwt_user_claim, "", check_claim_name);
	MarkGUCPrefixReserved("rbac");
}

/* The claims text of the current request, or NULL. */
static const char *
current_claims(void)
{
	return GetConfigOption("request.jwt.claims", true, false);
}

/*
 * Are the claims what the memo holds?  request.jwt.claims is PostgREST's
 * placeholder, not a setting of rbac's (defining it would turn its NULL in
 * a session that never set it into an empty string), so no assign hook
 * tells of a change: the text is compared, without strlen.
 */
static inline bool
claims_same(const MemoValue *v, const char *claims)
{
	if (!v->set)
		return false;
	if (claims == NULL)
		return v->isnull;
	return !v->isnull && memcmp(v->data, claims, v->len) == 0 && claims[v->len] == '\0';
}

/* A copy of n bytes in cxt, NUL-terminated. */
static char *
copy_in(MemoryContext cxt, const char *s, size_t n)
{
	char	   *c = MemoryContextAlloc(cxt, n + 1);

	memcpy(c, s, n);
	c[n] = '\0';
	return c;
}

/* Add one role slug to the principal, if it is valid. */
static void
add_role(MemoryContext cxt, Principal *p, const char *s, int len)
{
	if (!rbac_role_slug_valid(s, len))
		return;
	if (p->nroles == p->cap)
	{
		p->cap = p->cap ? p->cap * 2 : 8;
		p->roles = p->roles ? repalloc(p->roles, p->cap * sizeof(char *)) :
			MemoryContextAlloc(cxt, p->cap * sizeof(char *));
		p->roles_len = p->roles_len ? repalloc(p->roles_len, p->cap * sizeof(int)) :
			MemoryContextAlloc(cxt, p->cap * sizeof(int));
		p->roles_hash = p->roles_hash ? repalloc(p->roles_hash, p->cap * sizeof(uint32)) :
			MemoryContextAlloc(cxt, p->cap * sizeof(uint32));
	}
	p->roles[p->nroles] = copy_in(cxt, s, len);
	p->roles_len[p->nroles] = len;
	p->roles_hash[p->nroles] = rbac_hash_slug(s, len);
	p->nroles++;
}

/* Set an id (user or organization); false if it cannot be one. */
static bool
set_id(MemoryContext cxt, char **buf, int *len, const char *s, size_t n)
{
	if (n == 0 || n > RBAC_ORG_ID_MAX_LEN * 4)
		return false;
	*buf = copy_in(cxt, s, n);
	*len = (int) n;
	return true;
}

/* The principal from the claims (rbac.jwt_claims = 'trusted'). */
static void
resolve_claims(MemoryContext cxt, Principal *p, const char *claims)
{
	RbacClaimNames names;
	RbacClaims *c;

#define CLAIM_NAME(field, setting) \
	names.field = (setting) ? (setting) : ""; \
	names.field##_len = strlen(names.field)
	CLAIM_NAME(role, setting_jwt_role_claim);
	CLAIM_NAME(roles, setting_jwt_roles_claim);
	CLAIM_NAME(org, setting_jwt_organization_claim);
	CLAIM_NAME(user, setting_jwt_user_claim);
#undef CLAIM_NAME

	c = palloc(sizeof(RbacClaims));
	if (rbac_claims_parse(claims, strlen(claims), &names, c))
	{
		/* an organization claim we cannot read binds to none: fail closed */
		p->invalid = c->bad_org_id;
		if (c->has_org_id)
		{
			p->has_org = set_id(cxt, &p->org, &p->org_len, c->org_id, c->org_id_len);
			p->invalid |= !p->has_org;
		}
		if (names.user_len > 0 && (c->has_user || c->bad_user))
		{
			/* a member: the token names who, rbac's tables say what */
			p->member = c->has_user &&
				set_id(cxt, &p->user, &p->user_len, c->user, c->user_len);
			p->invalid |= !p->member;
		}
		else if (c->roles_overflow)
		{
			ereport(WARNING,
					(errmsg("rbac: the \"%s\" claim names more than %d roles; the principal is refused",
							names.roles, RBAC_CLAIMS_MAX_ROLES),
					 errhint("Give the token fewer roles, or configure rbac.jwt_user_claim so that roles come from rbac's memberships.")));
			p->invalid = true;
		}
		else
		{
			if (c->has_role)
				add_role(cxt, p, c->role, (int) c->role_len);
			for (int i = 0; i < c->nroles; i++)
				add_role(cxt, p, c->roles[i], (int) c->roles_len[i]);
		}
	}
	pfree(c);
}

/*
 * Work out the principal from the settings, and from the claims when they
 * count (claims NULL otherwise).
 */
static void
resolve(MemoryContext cxt, Principal *p, const char *claims)
{
	memset(p, 0, sizeof(*p));
	if (setting_organization_id && *setting_organization_id)
	{
		p->has_org = set_id(cxt, &p->org, &p->org_len, setting_organization_id,
							strlen(setting_organization_id));
		/* an organization too long to be one binds to none: fail closed */
		p->invalid = !p->has_org;
	}
	if (setting_user_id && *setting_user_id)
	{
		p->member = set_id(cxt, &p->user, &p->user_len, setting_user_id,
						   strlen(setting_user_id));
		p->invalid |= !p->member;
		return;
	}
	if (setting_role && *setting_role)
	{
		const char *s = setting_role;

		for (;;)
		{
			const char *end = strchr(s, ',');
			const char *a = s;
			const char *b = end ? end : s + strlen(s);

			while (a < b && (*a == ' ' || *a == '\t'))
				a++;
			while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
				b--;
			add_role(cxt, p, a, (int) (b - a));
			if (end == NULL)
				break;
			s = end + 1;
		}
		return;
	}
	/* the claims speak for themselves: the organization setting is not theirs */
	p->has_org = false;
	p->invalid = false;
	if (claims && *claims)
		resolve_claims(cxt, p, claims);
}

/* Does the principal have the permission (in the organization, if given)? */
static bool
principal_grants(const Principal *p, const char *org, int olen,
				 const char *perm, int plen)
{
	uint32		phash;

	if (p->invalid || !rbac_permission_slug_valid(perm, plen))
		return false;
	phash = rbac_hash_slug(perm, plen);
	if (org != NULL)
	{
		if (olen == 0)
			return false;		/* an empty organization id is no organization */
		if (p->has_org && (olen != p->org_len || memcmp(org, p->org, olen) != 0))
			return false;		/* bound to another organization */
	}
	else if (p->has_org)
	{
		org = p->org;
		olen = p->org_len;
	}

	if (p->member)
	{
		if (org == NULL || olen > RBAC_ORG_ID_MAX_LEN * 4)
			return false;
		return rbac_member_grants(rbac_cache_member(p->user, p->user_len, org, olen),
								  perm, plen, phash);
	}
	for (int i = 0; i < p->nroles; i++)
		if (rbac_check_role(p->roles[i], p->roles_len[i], p->roles_hash[i],
							org, org ? olen : -1, perm, plen, phash))
			return true;
	return false;
}

/* What a query's slugs are checked for: the principal, in an organization. */
typedef struct PrincipalTarget
{
	const Principal *p;
	const char *org;
	int			olen;
} PrincipalTarget;

/* QuerySlugCheck of has_permissions */
static bool
principal_slug(void *arg, const char *slug, int len, uint32 hash)
{
	PrincipalTarget *t = (PrincipalTarget *) arg;

	return principal_grants(t->p, t->org, t->olen, slug, len);
}

/* The principal's answer for the permission, or for the query. */
static bool
principal_answer(const PrincipalMemo *m, const char *org, int olen,
				 const char *ps, int plen)
{
	if (m->is_query)
	{
		PrincipalTarget t = {&m->principal, org, olen};

		return rbac_query_run(m->prog, principal_slug, &t);
	}
	return principal_grants(&m->principal, org, olen, ps, plen);
}

/* Shared body of the has_permission and has_permissions forms. */
static Datum
has_permission(FunctionCallInfo fcinfo, bool with_org, bool is_query)
{
	PrincipalMemo *m = (PrincipalMemo *) fcinfo->flinfo->fn_extra;
	text	   *org = with_org ? rbac_getarg_text_pp(fcinfo, 1) : NULL;
	text	   *perm;
	const char *ps;
	int			plen;
	const char *os = org ? VARDATA_ANY(org) : NULL;
	int			olen = org ? (int) VARSIZE_ANY_EXHDR(org) : 0;
	const char *claims = NULL;
	int			claims_len = 0;
	bool		same_principal;
	uint64		gen;

	/*
	 * The organization from the row, the permission a constant, the principal
	 * from rbac's settings as before: the call site's table answers.
	 */
	if (m != NULL && org != NULL && m->principal_generation == principal_generation &&
		!m->claims_read && m->generation == rbac_generation &&
		m->perm.stable && m->perm.set)
	{
		uint32		hash;
		bool		result;

		if (rbac_org_answer_get(&m->orgs, os, olen, &hash, &result))
			PG_RETURN_BOOL(result);
	}
	perm = PG_GETARG_TEXT_PP(0);
	ps = VARDATA_ANY(perm);
	plen = VARSIZE_ANY_EXHDR(perm);

	if (m == NULL)
	{
		m = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(PrincipalMemo));
		m->cxt = AllocSetContextCreate(fcinfo->flinfo->fn_mcxt, "rbac principal",
									   ALLOCSET_SMALL_SIZES);
		m->perm.stable = rbac_arg_is_const(fcinfo->flinfo, 0);
		m->is_query = is_query;
		fcinfo->flinfo->fn_extra = m;
	}

	same_principal = m->principal_generation == principal_generation;
	if (same_principal && m->claims_read)
	{
		claims = current_claims();
		same_principal = claims_same(&m->claims, claims);
	}
	if (same_principal && m->generation == rbac_generation &&
		memo_value_same(&m->perm, ps, plen))
	{
		uint32		hash;
		bool		result;

		/* the same principal and permission: the organization decides */
		if (org == NULL && rbac_snap_is(&m->snap))
			PG_RETURN_BOOL(m->result);
		if (rbac_org_answer_get(&m->orgs, os, olen, &hash, &result))
			PG_RETURN_BOOL(result);
	}

	if (!same_principal)
	{
		/* new settings or claims: resolve the principal again */
		m->orgs.generation = 0;
		m->principal_generation = 0;
		m->claims_read = !(setting_user_id && *setting_user_id) &&
			!(setting_role && *setting_role) &&
			setting_jwt_claims == JWT_CLAIMS_TRUSTED;
		if (m->claims_read && claims == NULL)
			claims = current_claims();
		MemoryContextReset(m->cxt);
		resolve(m->cxt, &m->principal, m->claims_read ? claims : NULL);
		if (m->claims_read)
		{
			claims_len = claims ? (int) strlen(claims) : 0;
			memo_value_store(fcinfo->flinfo->fn_mcxt, &m->claims, claims, claims_len);
		}
		m->principal_generation = principal_generation;
	}
	if (!memo_value_same(&m->perm, ps, plen))
	{
		if (is_query)
		{
			/* compiled first: a malformed query raises and is not remembered */
			m->perm.set = false;
			m->prog = rbac_query_compile(fcinfo->flinfo->fn_mcxt, m->prog, ps, plen);
		}
		memo_value_store(fcinfo->flinfo->fn_mcxt, &m->perm, ps, plen);
		m->orgs.generation = 0;
	}
	gen = rbac_generation;
	rbac_snap_id(&m->snap);
	m->generation = 0;
	if (org != NULL)
	{
		/* the organization from the row: answers per organization */
		uint32		hash;
		bool		result;

		if (!rbac_org_answer_get(&m->orgs, os, olen, &hash, &result))
		{
			result = principal_answer(m, os, olen, ps, plen);
			rbac_org_answer_put(fcinfo->flinfo->fn_mcxt, &m->orgs, gen, os, olen,
								hash, result);
		}
		m->result = result;
	}
	else
		m->result = principal_answer(m, os, olen, ps, plen);
	m->generation = gen;
	PG_RETURN_BOOL(m->result);
}

/*
 * Does the principal have the permission on the resource?  A member: its
 * membership in the principal's organization (SPEC 7's rule); roles bound
 * to an organization: those roles, as assigned on that organization's
 * root; no organization: false.
 */
static bool
principal_grants_on(const Principal *p, const char *org, int olen,
					const char *perm, int plen, uint32 phash,
					const char *type, int tlen, const char *ext, int elen)
{
	if (p->invalid)
		return false;
	if (org != NULL)
	{
		/* the organization asked about: not another than the principal's */
		if (olen == 0 ||
			(p->has_org && (olen != p->org_len || memcmp(org, p->org, olen) != 0)))
			return false;
	}
	else if (p->has_org)
	{
		org = p->org;
		olen = p->org_len;
	}
	else
		return false;
	if (p->member)
		return rbac_member_resource_grants(p->user, p->user_len, org, olen,
										   perm, plen, phash, type, tlen, ext, elen);
	return rbac_roles_resource_grants(p->nroles, p->roles, p->roles_len, p->roles_hash,
									  org, olen, perm, plen, phash,
									  type, tlen, ext, elen);
}

/*
 * The checks on a resource for the principal: has_permission(permission,
 * type, external_id) in the principal's organization, and, with_org,
 * has_permission(permission, organization_id, type, external_id) in the
 * organization from the row.  Answers per external id (and organization)
 * for the principal, permission and type of the previous row (or
 * constants); the principal resolved again as has_permission() does.
 */
static pg_attribute_always_inline Datum
has_permission_on(FunctionCallInfo fcinfo, bool with_org)
{
	PrincipalMemo *m = (PrincipalMemo *) fcinfo->flinfo->fn_extra;
	int			type_arg = with_org ? 2 : 1;
	text	   *org = with_org ? rbac_getarg_text_pp(fcinfo, 1) : NULL;
	text	   *ext = rbac_getarg_text_pp(fcinfo, type_arg + 1);
	const char *os = org ? VARDATA_ANY(org) : NULL;
	int			olen = org ? (int) VARSIZE_ANY_EXHDR(org) : 0;
	int			key_olen = org ? olen : -1; /* the key: organization and external id, or the id */
	const char *es = VARDATA_ANY(ext);
	int			elen = VARSIZE_ANY_EXHDR(ext);
	text	   *perm;
	text	   *type;
	const char *ps;
	int			plen;
	const char *ts;
	int			tlen;
	const char *claims = NULL;
	int			claims_len = 0;
	bool		same_principal;
	uint32		hash;
	uint64		gen;
	bool		result;

	/* the principal as before, permission and type constants: the external id decides */
	if (m != NULL && m->fixed && m->principal_generation == principal_generation &&
		!m->claims_read)
	{
		if (!m->perm_valid)
			PG_RETURN_BOOL(false);
		if (rbac_org_answer_get_pair(&m->orgs, os, key_olen, es, elen, &hash, &result))
			PG_RETURN_BOOL(result);
	}
	perm = rbac_getarg_text_pp(fcinfo, 0);
	type = rbac_getarg_text_pp(fcinfo, type_arg);
	ps = VARDATA_ANY(perm);
	plen = VARSIZE_ANY_EXHDR(perm);
	ts = VARDATA_ANY(type);
	tlen = VARSIZE_ANY_EXHDR(type);

	if (m == NULL)
	{
		m = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(PrincipalMemo));
		m->cxt = AllocSetContextCreate(fcinfo->flinfo->fn_mcxt, "rbac principal",
									   ALLOCSET_SMALL_SIZES);
		m->perm.stable = rbac_arg_is_const(fcinfo->flinfo, 0);
		m->type.stable = rbac_arg_is_const(fcinfo->flinfo, type_arg);
		fcinfo->flinfo->fn_extra = m;
	}

	same_principal = m->principal_generation == principal_generation;
	if (same_principal && m->claims_read)
	{
		claims = current_claims();
		same_principal = claims_same(&m->claims, claims);
	}
	if (!same_principal)
	{
		m->orgs.generation = 0;
		m->principal_generation = 0;
		m->claims_read = !(setting_user_id && *setting_user_id) &&
			!(setting_role && *setting_role) &&
			setting_jwt_claims == JWT_CLAIMS_TRUSTED;
		if (m->claims_read && claims == NULL)
			claims = current_claims();
		claims_len = claims ? (int) strlen(claims) : 0;
		MemoryContextReset(m->cxt);
		resolve(m->cxt, &m->principal, m->claims_read ? claims : NULL);
		if (m->claims_read)
			memo_value_store(fcinfo->flinfo->fn_mcxt, &m->claims, claims, claims_len);
		m->principal_generation = principal_generation;
	}
	if (!memo_value_same(&m->perm, ps, plen) || !memo_value_same(&m->type, ts, tlen))
	{
		memo_value_store(fcinfo->flinfo->fn_mcxt, &m->perm, ps, plen);
		memo_value_store(fcinfo->flinfo->fn_mcxt, &m->type, ts, tlen);
		m->fixed = m->perm.stable && m->type.stable;
		m->orgs.generation = 0;
		m->perm_valid = rbac_permission_slug_valid(ps, plen) &&
			rbac_resource_type_slug_valid(ts, tlen);
		m->perm_hash = m->perm_valid ? rbac_hash_slug(ps, plen) : 0;
		/* answered without the table, which keeps answers from the next row on */
		if (!m->perm_valid)
			PG_RETURN_BOOL(false);
		PG_RETURN_BOOL(principal_grants_on(&m->principal, os, olen, m->perm.data, m->perm.len,
										   m->perm_hash, m->type.data, m->type.len,
										   es, elen));
	}
	if (!m->perm_valid)
		PG_RETURN_BOOL(false);
	if (rbac_org_answer_get_pair(&m->orgs, os, key_olen, es, elen, &hash, &result))
		PG_RETURN_BOOL(result);
	gen = rbac_generation;
	result = principal_grants_on(&m->principal, os, olen, m->perm.data, m->perm.len,
								 m->perm_hash, m->type.data, m->type.len, es, elen);
	rbac_org_answer_put_pair(fcinfo->flinfo->fn_mcxt, &m->orgs, gen, os, key_olen, es, elen,
							 hash, result);
	PG_RETURN_BOOL(result);
}

/*
 * rbac.has_permission(permission_slug, resource_type_slug, external_id):
 * in the principal's organization (SPEC 7).
 */
Datum
rbac_has_permission_resource(PG_FUNCTION_ARGS)
{
	return has_permission_on(fcinfo, false);
}

/*
 * rbac.has_permission(permission_slug, organization_id, resource_type_slug,
 * external_id): in the organization given (a table shared by
 * organizations takes it from the row); a principal bound to another
 * organization, or an empty organization id: false, as has_permission(
 * permission, organization_id).
 */
Datum
rbac_has_permission_org_resource(PG_FUNCTION_ARGS)
{
	return has_permission_on(fcinfo, true);
}

/* rbac.has_permission(permission_slug text) */
Datum
rbac_has_permission(PG_FUNCTION_ARGS)
{
	return has_permission(fcinfo, false, false);
}

/* rbac.has_permission(permission_slug text, organization_id text) */
Datum
rbac_has_permission_org(PG_FUNCTION_ARGS)
{
	return has_permission(fcinfo, true, false);
}

/* rbac.has_permissions(query text) (SPEC 9) */
Datum
rbac_has_permissions(PG_FUNCTION_ARGS)
{
	return has_permission(fcinfo, false, true);
}

/* rbac.has_permissions(query text, organization_id text) (SPEC 9) */
Datum
rbac_has_permissions_org(PG_FUNCTION_ARGS)
{
	return has_permission(fcinfo, true, true);
}

/* Set one of rbac's settings for the current transaction only. */
static void
set_local(const char *name, const char *value)
{
	(void) set_config_option(name, value, PGC_SUSET, PGC_S_SESSION,
							 GUC_ACTION_LOCAL, true, 0, false);
}

/* The organization argument of the set_principal functions ("" for NULL). */
static const char *
organization_arg(FunctionCallInfo fcinfo, int argno)
{
	text	   *t;

	if (PG_ARGISNULL(argno))
		return "";
	t = PG_GETARG_TEXT_PP(argno);
	rbac_require_id(t, "organization id");
	return text_to_cstring(t);
}

/*
 * rbac.set_principal(user_id, organization_id DEFAULT NULL): the member the
 * current transaction acts for.  Runs with the privilege its EXECUTE grant
 * gives, as SET LOCAL by a superuser would.
 */
Datum
rbac_set_principal(PG_FUNCTION_ARGS)
{
	text	   *user;
	const char *org;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("user id must not be null")));
	user = PG_GETARG_TEXT_PP(0);
	rbac_require_id(user, "user id");
	org = organization_arg(fcinfo, 1);
	set_local("rbac.user_id", text_to_cstring(user));
	set_local("rbac.organization_id", org);
	set_local("rbac.role", "");
	PG_RETURN_VOID();
}

/*
 * rbac.set_principal_roles(role_slugs, organization_id DEFAULT NULL): the
 * roles the current transaction acts with.
 */
Datum
rbac_set_principal_roles(PG_FUNCTION_ARGS)
{
	ArrayType  *arr;
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	StringInfoData buf;
	const char *org;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("role slugs must not be null")));
	arr = PG_GETARG_ARRAYTYPE_P(0);
	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("role slugs must be a one-dimensional array")));
	deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
	if (n == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a principal needs at least one role")));
	initStringInfo(&buf);
	for (int i = 0; i < n; i++)
	{
		text	   *t;

		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("role slugs must not contain null")));
		t = DatumGetTextPP(elems[i]);
		rbac_require_role_slug(t);
		if (i > 0)
			appendStringInfoChar(&buf, ',');
		appendBinaryStringInfo(&buf, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
	}
	org = organization_arg(fcinfo, 1);
	set_local("rbac.role", buf.data);
	set_local("rbac.organization_id", org);
	set_local("rbac.user_id", "");
	PG_RETURN_VOID();
}

/* Append a JSON string of n bytes (or null). */
static void
json_string(StringInfo buf, const char *s, int n)
{
	char	   *z;

	if (s == NULL)
	{
		appendStringInfoString(buf, "null");
		return;
	}
	z = pnstrdup(s, n);
	escape_json(buf, z);
	pfree(z);
}

/*
 * rbac.current_principal(): the principal rbac.has_permission() would use
 * now, resolved by the same code, as jsonb (for rbac.explain()): where it
 * came from, the member or the roles, the organization it is bound to, and
 * whether it can be granted anything at all.
 */
Datum
rbac_current_principal(PG_FUNCTION_ARGS)
{
	bool		has_user = setting_user_id && *setting_user_id;
	bool		has_role = !has_user && setting_role && *setting_role;
	bool		use_claims = !has_user && !has_role &&
		setting_jwt_claims == JWT_CLAIMS_TRUSTED;
	const char *claims = use_claims ? current_claims() : NULL;
	const char *raw_claims = current_claims();
	Principal	p;
	StringInfoData buf;
	const char *source;

	resolve(CurrentMemoryContext, &p, claims);
	if (has_user)
		source = "rbac.user_id";
	else if (has_role)
		source = "rbac.role";
	else if (use_claims && claims && *claims)
		source = "request.jwt.claims";
	else
		source = "none";

	initStringInfo(&buf);
	appendStringInfoString(&buf, "{\"source\": ");
	escape_json(&buf, source);
	appendStringInfo(&buf, ", \"member\": %s, \"user_id\": ", p.member ? "true" : "false");
	json_string(&buf, p.member ? p.user : NULL, p.user_len);
	appendStringInfoString(&buf, ", \"roles\": [");
	for (int i = 0; i < p.nroles; i++)
	{
		if (i > 0)
			appendStringInfoString(&buf, ", ");
		json_string(&buf, p.roles[i], p.roles_len[i]);
	}
	appendStringInfoString(&buf, "], \"organization_id\": ");
	json_string(&buf, p.has_org ? p.org : NULL, p.org_len);
	appendStringInfo(&buf, ", \"usable\": %s, \"jwt_claims\": \"%s\", \"claims_set\": %s}",
					 (!p.invalid && (p.member || p.nroles > 0)) ? "true" : "false",
					 setting_jwt_claims == JWT_CLAIMS_TRUSTED ? "trusted" : "ignored",
					 (raw_claims && *raw_claims) ? "true" : "false");
	PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data)));
}

/*
 * The user id of the principal now, if it is a member, copied into cxt;
 * NULL otherwise (for the actor of an event).
 */
char *
rbac_principal_user_id(MemoryContext cxt)
{
	bool		has_user = setting_user_id && *setting_user_id;
	bool		has_role = !has_user && setting_role && *setting_role;
	bool		use_claims = !has_user && !has_role &&
		setting_jwt_claims == JWT_CLAIMS_TRUSTED;
	Principal	p;

	resolve(CurrentMemoryContext, &p, use_claims ? current_claims() : NULL);
	if (!p.member)
		return NULL;
	return copy_in(cxt, p.user, p.user_len);
}
