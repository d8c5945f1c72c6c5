/*-------------------------------------------------------------------------
 *
 * principal.c
 *	  rbac.has_permission(permission [, organization]): the check for the
 *	  current request's principal (SPEC 4), which is, in this order:
 *
 *	  1. a member: the setting rbac.user_id (+ rbac.organization_id, or the
 *		 organization argument);
 *	  2. roles named directly: rbac.role, one slug or several separated by
 *		 commas (+ rbac.organization_id);
 *	  3. the WorkOS-style claims role, roles and org_id of the JSON in
 *		 request.jwt.claims, as PostgREST sets it.
 *
 *	  No principal: false.  Roles bound to an organization (rbac.role with
 *	  rbac.organization_id, or claims with org_id) are not asked about
 *	  another organization: false.  rbac.user_id, rbac.organization_id and
 *	  rbac.role are rbac's own settings, read as C variables, so a per-row
 *	  call costs less than one current_setting().
 *
 *-------------------------------------------------------------------------
 */
#include "cache.h"

#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/guc.h"

PG_FUNCTION_INFO_V1(rbac_has_permission);
PG_FUNCTION_INFO_V1(rbac_has_permission_org);

static char *setting_user_id = NULL;
static char *setting_organization_id = NULL;
static char *setting_role = NULL;

#define MAX_PRINCIPAL_ROLES RBAC_CLAIMS_MAX_ROLES

/* A principal: a member, or roles (bound to an organization or not). */
typedef struct Principal
{
	bool		invalid;		/* unusable settings or claims: grants nothing */
	bool		member;
	char		user[RBAC_CLAIM_MAX + 1];
	int			user_len;
	bool		has_org;
	char		org[RBAC_CLAIM_MAX + 1];
	int			org_len;
	int			nroles;
	char		roles[MAX_PRINCIPAL_ROLES][RBAC_CLAIM_MAX + 1];
	int			roles_len[MAX_PRINCIPAL_ROLES];
	uint32		roles_hash[MAX_PRINCIPAL_ROLES];
} Principal;

/* One remembered input: a copy of a string (or of NULL). */
typedef struct MemoInput
{
	bool		set;			/* a value is remembered */
	bool		isnull;
	int			len;
	int			cap;
	char	   *data;
} MemoInput;

enum
{
	IN_USER, IN_ORG, IN_ROLE, IN_CLAIMS, IN_PERM, IN_ARG_ORG, N_INPUTS
};

/* The per-call-site memo: the inputs last seen and what they meant. */
typedef struct PrincipalMemo
{
	uint64		generation;
	bool		result;
	MemoInput	in[N_INPUTS];
	Principal	principal;
} PrincipalMemo;

/* Is the input what the memo holds? */
static inline bool
input_same(const MemoInput *mi, const char *s, int len)
{
	if (!mi->set)
		return false;
	if (s == NULL)
		return mi->isnull;
	return !mi->isnull && mi->len == len && memcmp(mi->data, s, len) == 0;
}

/* Remember an input. */
static void
input_store(MemoryContext cxt, MemoInput *mi, const char *s, int len)
{
	mi->set = true;
	mi->isnull = (s == NULL);
	mi->len = s ? len : 0;
	if (s == NULL)
		return;
	if (mi->data == NULL || mi->cap < len)
	{
		mi->cap = Max(len, 32);
		mi->data = MemoryContextAlloc(cxt, mi->cap);
	}
	memcpy(mi->data, s, len);
}

/* Define rbac's settings; called from _PG_init. */
void
rbac_principal_init(void)
{
	DefineCustomStringVariable("rbac.user_id",
							   "The user the current request acts for.",
							   "Set per request with SET LOCAL; rbac.has_permission() checks this user's membership.",
							   &setting_user_id, "", PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomStringVariable("rbac.organization_id",
							   "The organization of the current request.",
							   NULL,
							   &setting_organization_id, "", PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomStringVariable("rbac.role",
							   "The role slugs of the current request, separated by commas.",
							   "Used by rbac.has_permission() when rbac.user_id is not set.",
							   &setting_role, "", PGC_USERSET, 0, NULL, NULL, NULL);
	MarkGUCPrefixReserved("rbac");
}

/* Add one role slug to the principal (if it is valid and there is room). */
static void
add_role(Principal *p, const char *s, int len)
{
	if (p->nroles >= MAX_PRINCIPAL_ROLES || !rbac_role_slug_valid(s, len))
		return;
	memcpy(p->roles[p->nroles], s, len);
	p->roles_len[p->nroles] = len;
	p->roles_hash[p->nroles] = rbac_hash_slug(s, len);
	p->nroles++;
}

/* Copy an id into a fixed buffer; false if it does not fit. */
static bool
set_id(char *buf, int *len, const char *s, size_t n)
{
	if (n == 0 || n > RBAC_CLAIM_MAX)
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	*len = (int) n;
	return true;
}

/* Work out the principal from the settings and claims. */
static void
resolve(Principal *p, const char *claims)
{
	memset(p, 0, sizeof(*p));
	if (setting_organization_id && *setting_organization_id)
	{
		p->has_org = set_id(p->org, &p->org_len, setting_organization_id,
							strlen(setting_organization_id));
		/* an organization too long to be one binds to none: fail closed */
		p->invalid = !p->has_org;
	}
	if (setting_user_id && *setting_user_id)
	{
		p->member = set_id(p->user, &p->user_len, setting_user_id, strlen(setting_user_id));
		p->invalid |= !p->member;
		return;
	}
	if (setting_role && *setting_role)
	{
		const char *s = setting_role;

		while (*s)
		{
			const char *end = strchr(s, ',');
			const char *a = s;
			const char *b = end ? end : s + strlen(s);

			while (a < b && (*a == ' ' || *a == '\t'))
				a++;
			while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
				b--;
			add_role(p, a, (int) (b - a));
			if (end == NULL)
				break;
			s = end + 1;
		}
		return;
	}
	if (claims && *claims)
	{
		RbacClaims *c = palloc(sizeof(RbacClaims));

		p->has_org = false;
		p->invalid = false;
		if (rbac_claims_parse(claims, strlen(claims), c))
		{
			p->invalid = c->bad_org_id;
			if (c->has_role)
				add_role(p, c->role, (int) c->role_len);
			for (int i = 0; i < c->nroles; i++)
				add_role(p, c->roles[i], (int) c->roles_len[i]);
			if (c->has_org_id)
			{
				p->has_org = set_id(p->org, &p->org_len, c->org_id, c->org_id_len);
				/* an empty org_id binds to none either: fail closed */
				p->invalid |= !p->has_org;
			}
		}
		pfree(c);
	}
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
	if (org == NULL && p->has_org)
	{
		org = p->org;
		olen = p->org_len;
	}
	else if (org != NULL && p->has_org && !p->member &&
			 (olen != p->org_len || memcmp(org, p->org, olen) != 0))
		return false;			/* roles bound to another organization */

	if (p->member)
	{
		if (org == NULL || olen <= 0 || olen > RBAC_ORG_ID_MAX_LEN * 4)
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

/* Shared body of the two has_permission forms. */
static Datum
has_permission(FunctionCallInfo fcinfo, bool with_org)
{
	text	   *perm = PG_GETARG_TEXT_PP(0);
	text	   *org = with_org ? PG_GETARG_TEXT_PP(1) : NULL;
	PrincipalMemo *m = (PrincipalMemo *) fcinfo->flinfo->fn_extra;
	const char *v[N_INPUTS];
	int			len[N_INPUTS];
	bool		principal_same = true;
	bool		all_same;
	uint64		gen;

	if (m == NULL)
	{
		m = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(PrincipalMemo));
		fcinfo->flinfo->fn_extra = m;
	}

	/* everything the answer depends on */
	v[IN_USER] = setting_user_id;
	v[IN_ORG] = setting_organization_id;
	v[IN_ROLE] = setting_role;
	v[IN_CLAIMS] = NULL;
	if (!(setting_user_id && *setting_user_id) && !(setting_role && *setting_role))
		v[IN_CLAIMS] = GetConfigOption("request.jwt.claims", true, false);
	for (int i = IN_USER; i <= IN_CLAIMS; i++)
		len[i] = v[i] ? (int) strlen(v[i]) : 0;
	v[IN_PERM] = VARDATA_ANY(perm);
	len[IN_PERM] = VARSIZE_ANY_EXHDR(perm);
	v[IN_ARG_ORG] = org ? VARDATA_ANY(org) : NULL;
	len[IN_ARG_ORG] = org ? (int) VARSIZE_ANY_EXHDR(org) : 0;

	for (int i = IN_USER; i <= IN_CLAIMS && principal_same; i++)
		principal_same = input_same(&m->in[i], v[i], len[i]);
	all_same = principal_same &&
		input_same(&m->in[IN_PERM], v[IN_PERM], len[IN_PERM]) &&
		input_same(&m->in[IN_ARG_ORG], v[IN_ARG_ORG], len[IN_ARG_ORG]);
	if (all_same && m->generation == rbac_generation)
		PG_RETURN_BOOL(m->result);

	if (!principal_same)
	{
		/* new settings or claims: resolve the principal again */
		resolve(&m->principal, v[IN_CLAIMS]);
		for (int i = IN_USER; i <= IN_CLAIMS; i++)
			input_store(fcinfo->flinfo->fn_mcxt, &m->in[i], v[i], len[i]);
	}
	input_store(fcinfo->flinfo->fn_mcxt, &m->in[IN_PERM], v[IN_PERM], len[IN_PERM]);
	input_store(fcinfo->flinfo->fn_mcxt, &m->in[IN_ARG_ORG], v[IN_ARG_ORG], len[IN_ARG_ORG]);
	gen = rbac_generation;
	m->generation = 0;
	m->result = principal_grants(&m->principal, v[IN_ARG_ORG],
								 org ? len[IN_ARG_ORG] : -1,
								 v[IN_PERM], len[IN_PERM]);
	m->generation = gen;
	PG_RETURN_BOOL(m->result);
}

/* rbac.has_permission(permission_slug text) */
Datum
rbac_has_permission(PG_FUNCTION_ARGS)
{
	return has_permission(fcinfo, false);
}

/* rbac.has_permission(permission_slug text, organization_id text) */
Datum
rbac_has_permission_org(PG_FUNCTION_ARGS)
{
	return has_permission(fcinfo, true);
}
