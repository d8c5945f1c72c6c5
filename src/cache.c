/*-------------------------------------------------------------------------
 *
 * cache.c
 *	  A per-backend cache of the roles and grants that the checks read,
 *	  never stale (see ENGINEERING.md, after pg_cron and Citus):
 *
 *	  - statement-level triggers on rbac's catalog tables call
 *		rbac.invalidate_cache(), which queues a relcache invalidation of the
 *		table.  It is transactional: other backends process it after commit
 *		(at their next transaction start at the latest), the writing backend
 *		at its next command, and an aborted transaction's own changes are
 *		flushed locally at abort.
 *	  - one relcache callback, registered in _PG_init, bumps a generation
 *		counter when the relation is one of rbac's tables or InvalidOid
 *		(a full reset after an invalidation queue overflow).
 *	  - the cache lives in its own memory context under CacheMemoryContext.
 *		It is emptied lazily on the first use after the generation moved,
 *		and entries are loaded one role at a time on demand, with index
 *		scans under a fresh catalog snapshot (no caller privileges needed),
 *		so a backend that touches a few organizations holds only those.
 *
 *-------------------------------------------------------------------------
 */
#include "cache.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "catalog/namespace.h"
#include "commands/trigger.h"
#include "common/hashfn.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"

/* more roles and memberships than this and the cache starts over */
#define RBAC_CACHE_MAX_ENTRIES	65536
/* grants above this count get a hash index */
#define RBAC_EXACT_LINEAR_MAX	8

/* the tables whose changes invalidate the cache */
static const char *const rbac_tables[] = {
	"permission", "role", "role_permission", "role_order",
	"organization_order", "default_role", "membership",
	"membership_role", "setting"
};
#define RBAC_NTABLES lengthof(rbac_tables)

/* OIDs and attribute numbers of what the cache reads */
typedef struct RbacCatalog
{
	bool		valid;
	Oid			tables[RBAC_NTABLES];
	Oid			role;
	Oid			role_env_slug_idx;
	Oid			role_org_slug_idx;
	Oid			role_permission;
	Oid			role_permission_pkey;
	Oid			role_pkey;
	Oid			membership;
	Oid			membership_user_org_idx;
	Oid			membership_role;
	Oid			membership_role_pkey;
	AttrNumber	role_id_att;
	AttrNumber	role_slug_att;
	AttrNumber	role_org_att;
	AttrNumber	rp_role_att;
	AttrNumber	rp_slug_att;
	AttrNumber	m_id_att;
	AttrNumber	m_user_att;
	AttrNumber	m_org_att;
	AttrNumber	mr_membership_att;
	AttrNumber	mr_role_att;
} RbacCatalog;

static RbacCatalog catalog;

uint64		rbac_generation = 1;
static uint64 cache_generation = 0;
static MemoryContext cache_cxt = NULL;
/* an open-addressing table of entries that begin with their uint32 hash */
typedef struct Table
{
	uint32	  **slots;
	uint32		mask;
	int			n;
} Table;

static Table roles;				/* of RbacRole */
static Table members;			/* of RbacMember */

PG_FUNCTION_INFO_V1(rbac_invalidate_cache);

/* Relcache callback: note that rbac's catalog changed. */
static void
rbac_relcache_callback(Datum arg, Oid relid)
{
	if (relid == InvalidOid)
	{
		rbac_generation++;
		catalog.valid = false;
		return;
	}
	if (!catalog.valid)
		return;
	for (int i = 0; i < (int) RBAC_NTABLES; i++)
	{
		if (catalog.tables[i] == relid)
		{
			rbac_generation++;
			/* a dropped and re-created extension has new OIDs */
			catalog.valid = false;
			return;
		}
	}
}

/* Register the callback; called from _PG_init. */
void
rbac_cache_init(void)
{
	CacheRegisterRelcacheCallback(rbac_relcache_callback, (Datum) 0);
}

/* rbac.invalidate_cache(): statement-level trigger on rbac's tables */
Datum
rbac_invalidate_cache(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("rbac.invalidate_cache() must be called as a trigger")));
	CacheInvalidateRelcache(trigdata->tg_relation);
	return PointerGetDatum(NULL);
}

/* Attribute number of a column, or InvalidAttrNumber. */
static AttrNumber
column(Oid rel, const char *name)
{
	return get_attnum(rel, name);
}

/* Look up the OIDs of rbac's tables and indexes; false if any is missing. */
static bool
catalog_lookup(void)
{
	Oid			nsp;
	RbacCatalog c;

	if (catalog.valid)
		return true;
	memset(&c, 0, sizeof(c));
	nsp = get_namespace_oid("rbac", true);
	if (!OidIsValid(nsp))
		return false;
	for (int i = 0; i < (int) RBAC_NTABLES; i++)
		c.tables[i] = get_relname_relid(rbac_tables[i], nsp);
	c.role = get_relname_relid("role", nsp);
	c.role_env_slug_idx = get_relname_relid("role_environment_slug_key", nsp);
	c.role_org_slug_idx = get_relname_relid("role_organization_slug_key", nsp);
	c.role_permission = get_relname_relid("role_permission", nsp);
	c.role_permission_pkey = get_relname_relid("role_permission_pkey", nsp);
	c.role_pkey = get_relname_relid("role_pkey", nsp);
	c.membership = get_relname_relid("membership", nsp);
	c.membership_user_org_idx = get_relname_relid("membership_user_organization_key", nsp);
	c.membership_role = get_relname_relid("membership_role", nsp);
	c.membership_role_pkey = get_relname_relid("membership_role_pkey", nsp);
	if (!OidIsValid(c.role) || !OidIsValid(c.role_env_slug_idx) ||
		!OidIsValid(c.role_org_slug_idx) || !OidIsValid(c.role_permission) ||
		!OidIsValid(c.role_permission_pkey) || !OidIsValid(c.role_pkey) ||
		!OidIsValid(c.membership) || !OidIsValid(c.membership_user_org_idx) ||
		!OidIsValid(c.membership_role) || !OidIsValid(c.membership_role_pkey))
		return false;
	c.role_id_att = column(c.role, "id");
	c.role_slug_att = column(c.role, "slug");
	c.role_org_att = column(c.role, "organization_id");
	c.rp_role_att = column(c.role_permission, "role_id");
	c.rp_slug_att = column(c.role_permission, "permission_slug");
	c.m_id_att = column(c.membership, "id");
	c.m_user_att = column(c.membership, "user_id");
	c.m_org_att = column(c.membership, "organization_id");
	c.mr_membership_att = column(c.membership_role, "membership_id");
	c.mr_role_att = column(c.membership_role, "role_id");
	if (c.role_id_att == InvalidAttrNumber || c.role_slug_att == InvalidAttrNumber ||
		c.role_org_att == InvalidAttrNumber || c.rp_role_att == InvalidAttrNumber ||
		c.rp_slug_att == InvalidAttrNumber || c.m_id_att == InvalidAttrNumber ||
		c.m_user_att == InvalidAttrNumber || c.m_org_att == InvalidAttrNumber ||
		c.mr_membership_att == InvalidAttrNumber || c.mr_role_att == InvalidAttrNumber)
		return false;
	c.valid = true;
	catalog = c;
	return true;
}

/* Hash of a slug or key, as the cache uses it. */
uint32
rbac_hash_slug(const char *s, int len)
{
	return hash_bytes((const unsigned char *) s, len);
}

/*
 * Empty the cache if the catalog changed since it was filled, or if it grew
 * past its bound.  Called only at the entry points, never while an entry
 * is being loaded.
 */
static void
cache_sync(void)
{
	if (cache_generation == rbac_generation && cache_cxt != NULL &&
		roles.n + members.n < RBAC_CACHE_MAX_ENTRIES)
		return;
	if (cache_cxt == NULL)
		cache_cxt = AllocSetContextCreate(CacheMemoryContext, "rbac cache",
										  ALLOCSET_DEFAULT_SIZES);
	else
		MemoryContextReset(cache_cxt);
	memset(&roles, 0, sizeof(roles));
	memset(&members, 0, sizeof(members));
	cache_generation = rbac_generation;
}

/* Put an entry (beginning with its hash) into a table, growing it. */
static void
table_insert(Table *t, uint32 *entry)
{
	uint32		i;

	if (t->slots == NULL || (uint32) (t->n + 1) * 2 > t->mask + 1)
	{
		uint32		newsize = t->slots ? (t->mask + 1) * 2 : 64;
		uint32	  **old = t->slots;
		uint32		oldsize = t->slots ? t->mask + 1 : 0;

		t->slots = MemoryContextAllocZero(cache_cxt, newsize * sizeof(uint32 *));
		t->mask = newsize - 1;
		for (uint32 j = 0; j < oldsize; j++)
		{
			if (old[j] == NULL)
				continue;
			for (i = *old[j] & t->mask; t->slots[i] != NULL; i = (i + 1) & t->mask)
				;
			t->slots[i] = old[j];
		}
		if (old)
			pfree(old);
	}
	for (i = *entry & t->mask; t->slots[i] != NULL; i = (i + 1) & t->mask)
		;
	t->slots[i] = entry;
	t->n++;
}

/* A text datum for a scan key. */
static Datum
text_datum(const char *s, int len)
{
	return PointerGetDatum(cstring_to_text_with_len(s, len));
}

/* Add one granted permission slug to a role entry. */
static void
add_grant(RbacRole *r, const char *s, int len, int *cap_exact, int *cap_wild)
{
	char	   *copy = MemoryContextAlloc(cache_cxt, len + 1);

	memcpy(copy, s, len);
	copy[len] = '\0';
	if (rbac_slug_has_wildcard(s, len))
	{
		if (r->nwild == *cap_wild)
		{
			*cap_wild = *cap_wild ? *cap_wild * 2 : 4;
			r->wild = r->wild ? repalloc(r->wild, *cap_wild * sizeof(char *)) :
				MemoryContextAlloc(cache_cxt, *cap_wild * sizeof(char *));
			r->wild_len = r->wild_len ? repalloc(r->wild_len, *cap_wild * sizeof(int)) :
				MemoryContextAlloc(cache_cxt, *cap_wild * sizeof(int));
		}
		r->wild[r->nwild] = copy;
		r->wild_len[r->nwild] = len;
		r->nwild++;
	}
	else
	{
		if (r->nexact == *cap_exact)
		{
			*cap_exact = *cap_exact ? *cap_exact * 2 : 8;
			r->exact = r->exact ? repalloc(r->exact, *cap_exact * sizeof(char *)) :
				MemoryContextAlloc(cache_cxt, *cap_exact * sizeof(char *));
			r->exact_len = r->exact_len ? repalloc(r->exact_len, *cap_exact * sizeof(int)) :
				MemoryContextAlloc(cache_cxt, *cap_exact * sizeof(int));
			r->exact_hash = r->exact_hash ? repalloc(r->exact_hash, *cap_exact * sizeof(uint32)) :
				MemoryContextAlloc(cache_cxt, *cap_exact * sizeof(uint32));
		}
		r->exact[r->nexact] = copy;
		r->exact_len[r->nexact] = len;
		r->exact_hash[r->nexact] = rbac_hash_slug(s, len);
		r->nexact++;
	}
}

/* Build the hash index over a role's exact grants when there are many. */
static void
index_exact(RbacRole *r)
{
	uint32		size = 16;

	if (r->nexact <= RBAC_EXACT_LINEAR_MAX)
		return;
	while (size < (uint32) r->nexact * 2)
		size *= 2;
	r->exact_slots = MemoryContextAllocZero(cache_cxt, size * sizeof(int));
	r->exact_mask = size - 1;
	for (int i = 0; i < r->nexact; i++)
	{
		uint32		s;

		for (s = r->exact_hash[i] & r->exact_mask; r->exact_slots[s] != 0;
			 s = (s + 1) & r->exact_mask)
			;
		r->exact_slots[s] = i + 1;
	}
}

/*
 * Scan an index of a table for the tuples matching the keys (text
 * equality on the given columns), calling fn on each; false if the table
 * is gone.
 */
static bool
scan_text_keys(Oid relid, Oid indexid, int nkeys, const AttrNumber *atts,
			   const Datum *values,
			   void (*fn) (HeapTuple tup, TupleDesc desc, void *arg), void *arg)
{
	Relation	rel;
	SysScanDesc scan;
	ScanKeyData key[2];
	HeapTuple	tup;

	Assert(nkeys <= 2);
	rel = try_table_open(relid, AccessShareLock);
	if (rel == NULL)
		return false;
	for (int i = 0; i < nkeys; i++)
		ScanKeyInit(&key[i], atts[i], BTEqualStrategyNumber, F_TEXTEQ, values[i]);
	scan = systable_beginscan(rel, indexid, true, NULL, nkeys, key);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
		fn(tup, RelationGetDescr(rel), arg);
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return true;
}

/* The state of a grants load: the entry and its arrays' capacities. */
typedef struct GrantsLoad
{
	RbacRole   *r;
	int			cap_exact;
	int			cap_wild;
} GrantsLoad;

/* scan callback: one grant of the role */
static void
grant_tuple(HeapTuple tup, TupleDesc desc, void *arg)
{
	GrantsLoad *gl = (GrantsLoad *) arg;
	bool		isnull;
	Datum		d = heap_getattr(tup, catalog.rp_slug_att, desc, &isnull);
	text	   *t;

	if (isnull)
		return;
	t = DatumGetTextPP(d);
	add_grant(gl->r, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), &gl->cap_exact, &gl->cap_wild);
}

/* Read the grants of the role with this id into the entry. */
static void
load_grants(RbacRole *r, Datum role_id)
{
	GrantsLoad	gl = {r, 0, 0};
	AttrNumber	atts[1] = {catalog.rp_role_att};
	Datum		values[1] = {role_id};

	if (!scan_text_keys(catalog.role_permission, catalog.role_permission_pkey,
						1, atts, values, grant_tuple, &gl))
	{
		r->found = false;
		return;
	}
	index_exact(r);
}

/* A copy of a text column of a tuple, or 0 for NULL. */
static Datum
text_column(HeapTuple tup, TupleDesc desc, AttrNumber att)
{
	bool		isnull;
	Datum		d = heap_getattr(tup, att, desc, &isnull);

	return isnull ? (Datum) 0 : PointerGetDatum(DatumGetTextPCopy(d));
}

/* Where first_id keeps what it finds. */
typedef struct FirstId
{
	AttrNumber	att;			/* the id column */
	Datum		id;				/* a copy of the first tuple's id, or 0 */
} FirstId;

/* scan callback: keep the first tuple's id column */
static void
first_id(HeapTuple tup, TupleDesc desc, void *arg)
{
	FirstId    *f = (FirstId *) arg;

	if (f->id == (Datum) 0)
		f->id = text_column(tup, desc, f->att);
}

/* Read one role and its grants from the catalog into a new entry. */
static void
load_role(RbacRole *r, const char *org, int orglen, const char *slug, int slen)
{
	FirstId		role = {catalog.role_id_att, (Datum) 0};
	AttrNumber	atts[2];
	Datum		values[2];

	r->found = false;
	if (orglen >= 0)
	{
		atts[0] = catalog.role_org_att;
		values[0] = text_datum(org, orglen);
		atts[1] = catalog.role_slug_att;
		values[1] = text_datum(slug, slen);
		scan_text_keys(catalog.role, catalog.role_org_slug_idx, 2, atts, values,
					   first_id, &role);
	}
	else
	{
		atts[0] = catalog.role_slug_att;
		values[0] = text_datum(slug, slen);
		scan_text_keys(catalog.role, catalog.role_env_slug_idx, 1, atts, values,
					   first_id, &role);
	}
	if (role.id == (Datum) 0)
		return;
	r->found = true;
	load_grants(r, role.id);
}

/* A role entry from the table, loaded on first use (no sync, no reset). */
static RbacRole *
role_lookup(const char *org, int orglen, const char *slug, int slen,
			uint32 slug_hash)
{
	int			olen = orglen > 0 ? orglen : 0;
	uint32		hash;
	RbacRole   *r;

	hash = orglen >= 0 ? hash_combine(slug_hash, rbac_hash_slug(org, orglen))
		: slug_hash ^ 0x9e3779b9U;

	if (roles.slots != NULL)
	{
		for (uint32 i = hash & roles.mask; (r = (RbacRole *) roles.slots[i]) != NULL;
			 i = (i + 1) & roles.mask)
		{
			if (r->hash == hash && r->orglen == orglen && r->slen == slen &&
				memcmp(r->key + olen, slug, slen) == 0 &&
				(olen == 0 || memcmp(r->key, org, olen) == 0))
				return r;
		}
	}

	r = MemoryContextAllocZero(cache_cxt, offsetof(RbacRole, key) + olen + slen);
	r->hash = hash;
	r->orglen = orglen;
	r->slen = slen;
	if (olen > 0)
		memcpy(r->key, org, olen);
	memcpy(r->key + olen, slug, slen);
	load_role(r, org, orglen, slug, slen);
	table_insert(&roles, &r->hash);
	return r;
}

/*
 * Prepare the cache for a lookup at an entry point: synced, catalog OIDs
 * known.  False if rbac's catalog cannot be found.
 */
static bool
cache_enter(void)
{
	cache_sync();
	return catalog_lookup();
}

/*
 * The cache entry for a role: an organization's role when orglen >= 0,
 * else an environment role.  slug_hash is rbac_hash_slug(slug, slen).
 * Loads the entry on first use.  Never NULL; the entry's "found" says
 * whether the role exists.
 */
RbacRole *
rbac_cache_role(const char *org, int orglen, const char *slug, int slen,
				uint32 slug_hash)
{
	static RbacRole none;
	RbacRole   *r = NULL;

	if (!cache_enter())
		return &none;
	PG_TRY();
	{
		r = role_lookup(org, orglen, slug, slen, slug_hash);
	}
	PG_CATCH();
	{
		cache_generation = 0;
		PG_RE_THROW();
	}
	PG_END_TRY();
	return r;
}

/* The state of a membership load. */
typedef struct MemberLoad
{
	RbacMember *m;
	int			cap;
} MemberLoad;

/* scan callback: one role of the membership, by id */
static void
member_role_id(HeapTuple tup, TupleDesc desc, void *arg)
{
	List	  **ids = (List **) arg;
	Datum		id = text_column(tup, desc, catalog.mr_role_att);

	if (id != (Datum) 0)
		*ids = lappend(*ids, DatumGetPointer(id));
}

/* scan callback: a role tuple found by id, added to the membership */
static void
member_role(HeapTuple tup, TupleDesc desc, void *arg)
{
	MemberLoad *ml = (MemberLoad *) arg;
	Datum		slug = text_column(tup, desc, catalog.role_slug_att);
	Datum		org = text_column(tup, desc, catalog.role_org_att);
	text	   *st;
	RbacRole   *r;

	if (slug == (Datum) 0)
		return;
	st = DatumGetTextPP(slug);
	if (org != (Datum) 0)
	{
		text	   *ot = DatumGetTextPP(org);

		r = role_lookup(VARDATA_ANY(ot), VARSIZE_ANY_EXHDR(ot),
						VARDATA_ANY(st), VARSIZE_ANY_EXHDR(st),
						rbac_hash_slug(VARDATA_ANY(st), VARSIZE_ANY_EXHDR(st)));
	}
	else
		r = role_lookup(NULL, -1, VARDATA_ANY(st), VARSIZE_ANY_EXHDR(st),
						rbac_hash_slug(VARDATA_ANY(st), VARSIZE_ANY_EXHDR(st)));
	if (ml->m->nroles == ml->cap)
	{
		ml->cap = ml->cap ? ml->cap * 2 : 4;
		ml->m->roles = ml->m->roles ?
			repalloc(ml->m->roles, ml->cap * sizeof(RbacRole *)) :
			MemoryContextAlloc(cache_cxt, ml->cap * sizeof(RbacRole *));
	}
	ml->m->roles[ml->m->nroles++] = r;
}

/* Read a membership and its roles from the catalog into a new entry. */
static void
load_member(RbacMember *m, const char *user, int ulen, const char *org, int olen)
{
	FirstId		membership = {catalog.m_id_att, (Datum) 0};
	AttrNumber	atts[2] = {catalog.m_user_att, catalog.m_org_att};
	Datum		values[2] = {text_datum(user, ulen), text_datum(org, olen)};
	List	   *ids = NIL;
	ListCell   *lc;
	MemberLoad	ml = {m, 0};

	scan_text_keys(catalog.membership, catalog.membership_user_org_idx, 2, atts, values,
				   first_id, &membership);
	if (membership.id == (Datum) 0)
		return;
	m->found = true;
	atts[0] = catalog.mr_membership_att;
	values[0] = membership.id;
	scan_text_keys(catalog.membership_role, catalog.membership_role_pkey, 1, atts, values,
				   member_role_id, &ids);
	foreach(lc, ids)
	{
		atts[0] = catalog.role_id_att;
		values[0] = PointerGetDatum(lfirst(lc));
		scan_text_keys(catalog.role, catalog.role_pkey, 1, atts, values,
					   member_role, &ml);
	}
}

/*
 * The cache entry for a user's membership in an organization, loaded on
 * first use.  Never NULL; "found" says whether the user is a member.
 */
RbacMember *
rbac_cache_member(const char *user, int ulen, const char *org, int olen)
{
	static RbacMember none;
	uint32		hash;
	RbacMember *m;

	if (!cache_enter())
		return &none;
	hash = hash_combine(rbac_hash_slug(user, ulen), rbac_hash_slug(org, olen));
	if (members.slots != NULL)
	{
		for (uint32 i = hash & members.mask; (m = (RbacMember *) members.slots[i]) != NULL;
			 i = (i + 1) & members.mask)
		{
			if (m->hash == hash && m->ulen == ulen && m->olen == olen &&
				memcmp(m->key, user, ulen) == 0 && memcmp(m->key + ulen, org, olen) == 0)
				return m;
		}
	}
	PG_TRY();
	{
		m = MemoryContextAllocZero(cache_cxt, offsetof(RbacMember, key) + ulen + olen);
		m->hash = hash;
		m->ulen = ulen;
		m->olen = olen;
		memcpy(m->key, user, ulen);
		memcpy(m->key + ulen, org, olen);
		load_member(m, user, ulen, org, olen);
		table_insert(&members, &m->hash);
	}
	PG_CATCH();
	{
		cache_generation = 0;
		PG_RE_THROW();
	}
	PG_END_TRY();
	return m;
}

/* scan callback: the organization of one membership */
static void
member_organization(HeapTuple tup, TupleDesc desc, void *arg)
{
	List	  **orgs = (List **) arg;
	Datum		org = text_column(tup, desc, catalog.m_org_att);

	if (org != (Datum) 0)
		*orgs = lappend(*orgs, text_to_cstring(DatumGetTextPP(org)));
}

/* The organizations the user is a member of (palloc'd C strings). */
List *
rbac_member_organizations(const char *user, int ulen)
{
	AttrNumber	atts[1];
	Datum		values[1];
	List	   *orgs = NIL;

	if (!cache_enter())
		return NIL;
	atts[0] = catalog.m_user_att;
	values[0] = text_datum(user, ulen);
	scan_text_keys(catalog.membership, catalog.membership_user_org_idx, 1, atts, values,
				   member_organization, &orgs);
	return orgs;
}

/* Does any role of the membership grant the permission? */
bool
rbac_member_grants(const RbacMember *m, const char *perm, int plen, uint32 phash)
{
	if (!m->found)
		return false;
	for (int i = 0; i < m->nroles; i++)
		if (rbac_role_grants(m->roles[i], perm, plen, phash))
			return true;
	return false;
}

/*
 * Does the role named by this slug grant the permission?  The slug and the
 * permission are valid, with their hashes.  orglen < 0: no organization,
 * the slug names an environment role.  With an organization, a slug that
 * begins with "org-" names that organization's role, any other an
 * environment role.
 */
bool
rbac_check_role(const char *slug, int slen, uint32 slug_hash,
				const char *org, int orglen,
				const char *perm, int plen, uint32 phash)
{
	/* at most 128 characters of at most 4 bytes each */
	if (orglen > RBAC_ORG_ID_MAX_LEN * 4)
		return false;
	if (orglen >= 0 && (slen < 4 || memcmp(slug, "org-", 4) != 0))
		orglen = -1;
	return rbac_role_grants(rbac_cache_role(org, orglen, slug, slen, slug_hash),
							perm, plen, phash);
}

/* Does the role grant the requested permission slug (hash precomputed)? */
bool
rbac_role_grants(const RbacRole *r, const char *perm, int plen, uint32 phash)
{
	if (!r->found)
		return false;
	if (r->exact_slots != NULL)
	{
		for (uint32 s = phash & r->exact_mask; r->exact_slots[s] != 0;
			 s = (s + 1) & r->exact_mask)
		{
			int			i = r->exact_slots[s] - 1;

			if (r->exact_hash[i] == phash && r->exact_len[i] == plen &&
				memcmp(r->exact[i], perm, plen) == 0)
				return true;
		}
	}
	else
	{
		for (int i = 0; i < r->nexact; i++)
			if (r->exact_hash[i] == phash && r->exact_len[i] == plen &&
				memcmp(r->exact[i], perm, plen) == 0)
				return true;
	}
	for (int i = 0; i < r->nwild; i++)
		if (rbac_permission_matches(r->wild[i], r->wild_len[i], perm, plen))
			return true;
	return false;
}
