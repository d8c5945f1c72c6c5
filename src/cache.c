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

/* more entries than this and the cache starts over (bounds memory) */
#define RBAC_CACHE_MAX_ROLES	65536
/* grants above this count get a hash index */
#define RBAC_EXACT_LINEAR_MAX	8

/* the tables whose changes invalidate the cache */
static const char *const rbac_tables[] = {
	"permission", "role", "role_permission", "role_order",
	"organization_order", "default_role", "organization_membership",
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
	AttrNumber	role_id_att;
	AttrNumber	role_slug_att;
	AttrNumber	role_org_att;
	AttrNumber	rp_role_att;
	AttrNumber	rp_slug_att;
} RbacCatalog;

static RbacCatalog catalog;

uint64		rbac_generation = 1;
static uint64 cache_generation = 0;
static MemoryContext cache_cxt = NULL;
static RbacRole **slots = NULL;
static uint32 slot_mask = 0;
static int	nroles = 0;

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
	if (!OidIsValid(c.role) || !OidIsValid(c.role_env_slug_idx) ||
		!OidIsValid(c.role_org_slug_idx) || !OidIsValid(c.role_permission) ||
		!OidIsValid(c.role_permission_pkey))
		return false;
	c.role_id_att = column(c.role, "id");
	c.role_slug_att = column(c.role, "slug");
	c.role_org_att = column(c.role, "organization_id");
	c.rp_role_att = column(c.role_permission, "role_id");
	c.rp_slug_att = column(c.role_permission, "permission_slug");
	if (c.role_id_att == InvalidAttrNumber || c.role_slug_att == InvalidAttrNumber ||
		c.role_org_att == InvalidAttrNumber || c.rp_role_att == InvalidAttrNumber ||
		c.rp_slug_att == InvalidAttrNumber)
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

/* Empty the cache if the catalog changed since it was filled. */
static void
cache_sync(void)
{
	if (cache_generation == rbac_generation && cache_cxt != NULL)
		return;
	if (cache_cxt == NULL)
		cache_cxt = AllocSetContextCreate(CacheMemoryContext, "rbac cache",
										  ALLOCSET_DEFAULT_SIZES);
	else
		MemoryContextReset(cache_cxt);
	slots = NULL;
	slot_mask = 0;
	nroles = 0;
	cache_generation = rbac_generation;
}

/* Put an entry into the open-addressing table, growing it as needed. */
static void
slots_insert(RbacRole *r)
{
	uint32		i;

	if (slots == NULL || (uint32) (nroles + 1) * 2 > slot_mask + 1)
	{
		uint32		newsize = slots ? (slot_mask + 1) * 2 : 64;
		RbacRole  **old = slots;
		uint32		oldsize = slots ? slot_mask + 1 : 0;

		slots = MemoryContextAllocZero(cache_cxt, newsize * sizeof(RbacRole *));
		slot_mask = newsize - 1;
		for (uint32 j = 0; j < oldsize; j++)
		{
			if (old[j] == NULL)
				continue;
			for (i = old[j]->hash & slot_mask; slots[i] != NULL; i = (i + 1) & slot_mask)
				;
			slots[i] = old[j];
		}
		if (old)
			pfree(old);
	}
	for (i = r->hash & slot_mask; slots[i] != NULL; i = (i + 1) & slot_mask)
		;
	slots[i] = r;
	nroles++;
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

/* Read one role and its grants from the catalog into a new entry. */
static void
load_role(RbacRole *r, const char *org, int orglen, const char *slug, int slen)
{
	Relation	rel;
	SysScanDesc scan;
	ScanKeyData key[2];
	HeapTuple	tup;
	Datum		role_id = (Datum) 0;
	int			cap_exact = 0;
	int			cap_wild = 0;
	RbacCatalog c = catalog;

	r->found = false;
	rel = try_table_open(c.role, AccessShareLock);
	if (rel == NULL)
		return;
	if (orglen >= 0)
	{
		ScanKeyInit(&key[0], c.role_org_att, BTEqualStrategyNumber, F_TEXTEQ,
					text_datum(org, orglen));
		ScanKeyInit(&key[1], c.role_slug_att, BTEqualStrategyNumber, F_TEXTEQ,
					text_datum(slug, slen));
		scan = systable_beginscan(rel, c.role_org_slug_idx, true, NULL, 2, key);
	}
	else
	{
		ScanKeyInit(&key[0], c.role_slug_att, BTEqualStrategyNumber, F_TEXTEQ,
					text_datum(slug, slen));
		scan = systable_beginscan(rel, c.role_env_slug_idx, true, NULL, 1, key);
	}
	tup = systable_getnext(scan);
	if (HeapTupleIsValid(tup))
	{
		bool		isnull;
		Datum		d = heap_getattr(tup, c.role_id_att, RelationGetDescr(rel), &isnull);

		if (!isnull)
		{
			role_id = PointerGetDatum(DatumGetTextPCopy(d));
			r->found = true;
		}
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	if (!r->found)
		return;

	rel = try_table_open(c.role_permission, AccessShareLock);
	if (rel == NULL)
	{
		r->found = false;
		return;
	}
	ScanKeyInit(&key[0], c.rp_role_att, BTEqualStrategyNumber, F_TEXTEQ, role_id);
	scan = systable_beginscan(rel, c.role_permission_pkey, true, NULL, 1, key);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		bool		isnull;
		Datum		d = heap_getattr(tup, c.rp_slug_att, RelationGetDescr(rel), &isnull);
		text	   *t;

		if (isnull)
			continue;
		t = DatumGetTextPP(d);
		add_grant(r, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), &cap_exact, &cap_wild);
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	index_exact(r);
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
	int			olen = orglen > 0 ? orglen : 0;
	uint32		hash;
	RbacRole   *r;

	cache_sync();

	hash = orglen >= 0 ? hash_combine(slug_hash, rbac_hash_slug(org, orglen))
		: slug_hash ^ 0x9e3779b9U;

	if (slots != NULL)
	{
		for (uint32 i = hash & slot_mask; (r = slots[i]) != NULL; i = (i + 1) & slot_mask)
		{
			if (r->hash == hash && r->orglen == orglen && r->slen == slen &&
				memcmp(r->key + olen, slug, slen) == 0 &&
				(olen == 0 || memcmp(r->key, org, olen) == 0))
				return r;
		}
	}

	if (!catalog_lookup())
	{
		static RbacRole none;

		none.found = false;
		return &none;
	}

	if (nroles >= RBAC_CACHE_MAX_ROLES)
	{
		/* start over rather than grow without bound */
		cache_generation = 0;
		cache_sync();
	}

	r = MemoryContextAllocZero(cache_cxt, offsetof(RbacRole, key) + olen + slen);
	r->hash = hash;
	r->orglen = orglen;
	r->slen = slen;
	if (olen > 0)
		memcpy(r->key, org, olen);
	memcpy(r->key + olen, slug, slen);

	PG_TRY();
	{
		load_role(r, org, orglen, slug, slen);
	}
	PG_CATCH();
	{
		/* a failed load leaves nothing behind */
		cache_generation = 0;
		PG_RE_THROW();
	}
	PG_END_TRY();

	slots_insert(r);
	return r;
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
