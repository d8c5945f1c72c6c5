/*-------------------------------------------------------------------------
 *
 * cache.c
 *	  A per-backend cache of the roles and grants that the checks read,
 *	  never stale (see ENGINEERING.md, after pg_cron and Citus):
 *
 *	  - statement-level triggers on rbac's catalog tables (ENABLE ALWAYS) and
 *		row-level ones that fire only in the replica role (logical
 *		replication apply workers fire row triggers only) call
 *		rbac.invalidate_cache(), which queues a relcache invalidation of the
 *		table.  Other backends process it after commit, the writing backend
 *		at its next command, and an aborted transaction's own changes are
 *		flushed locally at abort.
 *	  - one relcache callback, registered in _PG_init, bumps a generation
 *		counter when the relation is one of rbac's tables or InvalidOid
 *		(a full reset after an invalidation queue overflow).
 *	  - rbac's tables are found through the extension: the schema it was
 *		created in (by OID, so a renamed schema and a look-alike under the
 *		old name change nothing) and its member objects, with the types of
 *		the columns read checked.  Indexes are looked up after each table
 *		open, so REINDEX CONCURRENTLY cannot leave a stale OID behind; a
 *		missing index means a heap scan, never an error.
 *	  - rows are read under the active snapshot of the query the check runs
 *		in, so every check of one statement (a cursor included, parallel
 *		workers included) answers from one catalog state, the one an SQL
 *		join over the catalog would see.  The cache's contents are shared by
 *		later queries only while that is safe: the query's snapshot sees at
 *		least what a snapshot taken after the last invalidation this backend
 *		processed sees.  Otherwise the cache is pinned to the query's
 *		snapshot and emptied when another query comes.
 *	  - the cache lives in its own memory context under CacheMemoryContext,
 *		emptied lazily, and loaded one role or membership at a time on demand.
 *
 *-------------------------------------------------------------------------
 */
#include "cache.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "access/transam.h"
#include "access/xact.h"
#include "catalog/dependency.h"
#include "catalog/indexing.h"
#include "catalog/namespace.h"
#include "catalog/pg_am.h"
#include "catalog/pg_class.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_index.h"
#include "catalog/pg_type.h"
#include "commands/extension.h"
#include "commands/trigger.h"
#include "common/hashfn.h"
#include "fmgr.h"
#include "storage/lmgr.h"
#include "access/parallel.h"
#include "storage/proc.h"
#include "storage/procarray.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

/* The grants of one role, as the checks need them. */
typedef struct RbacRole
{
	uint32		hash;			/* hash of the key */
	int			orglen;			/* -1: an environment role lookup */
	int			slen;
	bool		found;			/* does such a role exist? */
	int			nexact;			/* grants without a wildcard segment */
	char	  **exact;
	int		   *exact_len;
	uint32	   *exact_hash;
	uint32		exact_mask;		/* slots - 1, when there is a hash index */
	int		   *exact_slots;	/* index + 1 of a grant, 0 = empty */
	int			nwild;			/* grants with a wildcard segment */
	char	  **wild;
	int		   *wild_len;
	char		key[FLEXIBLE_ARRAY_MEMBER]; /* organization id, then slug */
} RbacRole;

/* A user's membership in an organization, with its roles' grants. */
struct RbacMember
{
	uint32		hash;			/* hash of the key (first, as in RbacRole) */
	int			ulen;
	int			olen;
	bool		found;			/* is the user a member? */
	int			nroles;
	RbacRole  **roles;
	char		key[FLEXIBLE_ARRAY_MEMBER]; /* user id, then organization id */
};

/* more roles and memberships than this and the cache starts over */
#define RBAC_CACHE_MAX_ENTRIES	65536
/* grants above this count get a hash index */
#define RBAC_EXACT_LINEAR_MAX	8

/* rbac's tables, as the extension creates them */
typedef enum
{
	T_PERMISSION, T_ROLE, T_ROLE_PERMISSION, T_ROLE_ORDER, T_ORGANIZATION_ORDER,
	T_DEFAULT_ROLE, T_MEMBERSHIP, T_MEMBERSHIP_ROLE, T_SETTING, RBAC_NTABLES
} RbacTable;

static const char *const table_names[RBAC_NTABLES] = {
	"permission", "role", "role_permission", "role_order",
	"organization_order", "default_role", "membership",
	"membership_role", "setting"
};

/* the columns the cache reads: all text (or a domain over text) */
typedef enum
{
	C_ROLE_ID, C_ROLE_SLUG, C_ROLE_ORG, C_RP_ROLE, C_RP_SLUG,
	C_M_ID, C_M_USER, C_M_ORG, C_MR_MEMBERSHIP, C_MR_ROLE, RBAC_NCOLUMNS
} RbacColumn;

static const struct
{
	RbacTable	table;
	const char *name;
}			column_names[RBAC_NCOLUMNS] = {
	{T_ROLE, "id"}, {T_ROLE, "slug"}, {T_ROLE, "organization_id"},
	{T_ROLE_PERMISSION, "role_id"}, {T_ROLE_PERMISSION, "permission_slug"},
	{T_MEMBERSHIP, "id"}, {T_MEMBERSHIP, "user_id"}, {T_MEMBERSHIP, "organization_id"},
	{T_MEMBERSHIP_ROLE, "membership_id"}, {T_MEMBERSHIP_ROLE, "role_id"}
};

/* the indexes the cache scans, with their leading key columns */
typedef enum
{
	I_ROLE_ENV_SLUG, I_ROLE_ORG_SLUG, I_ROLE_PKEY, I_RP_PKEY, I_M_USER_ORG,
	I_MR_PKEY, I_M_USER_ORG_PREFIX, RBAC_NINDEXES
} RbacIndex;

static const struct
{
	const char *name;
	RbacTable	table;
	int			nkeys;
	RbacColumn	keys[2];
}			index_defs[RBAC_NINDEXES] = {
	{"role_environment_slug_key", T_ROLE, 1, {C_ROLE_SLUG}},
	{"role_organization_slug_key", T_ROLE, 2, {C_ROLE_ORG, C_ROLE_SLUG}},
	{"role_pkey", T_ROLE, 1, {C_ROLE_ID}},
	{"role_permission_pkey", T_ROLE_PERMISSION, 1, {C_RP_ROLE}},
	{"membership_user_organization_key", T_MEMBERSHIP, 2, {C_M_USER, C_M_ORG}},
	{"membership_role_pkey", T_MEMBERSHIP_ROLE, 1, {C_MR_MEMBERSHIP}},
	{"membership_user_organization_key", T_MEMBERSHIP, 1, {C_M_USER}}
};

/* What the cache knows of rbac's catalog. */
typedef struct RbacCatalog
{
	bool		valid;
	Oid			extension;
	Oid			namespace;
	Oid			tables[RBAC_NTABLES];
	AttrNumber	atts[RBAC_NCOLUMNS];
} RbacCatalog;

static RbacCatalog catalog;

uint64		rbac_generation = 1;

/*
 * Where the last invalidation left the snapshots.  A snapshot may share the
 * cache's contents only if it sees at least what a snapshot taken after
 * that invalidation sees ("reference", taken at the first lookup after it)
 * and, in the transaction that processed its own change, was taken after
 * that command.
 */
static SnapshotData reference = {SNAPSHOT_MVCC};
static bool reference_valid = false;
static LocalTransactionId inval_lxid = InvalidLocalTransactionId;
static CommandId inval_cid = InvalidCommandId;

/* A snapshot, as far as the cache tells snapshots apart. */
typedef struct SnapKey
{
	Snapshot	snap;
	TransactionId xmin;
	TransactionId xmax;
	CommandId	curcid;
	LocalTransactionId lxid;
} SnapKey;

/* What the cache's contents are consistent with. */
static struct
{
	uint64		generation;		/* rbac_generation when it was last emptied */
	bool		pinned;			/* valid for the snapshot "key" only */
	SnapKey		key;
}			cache_state;

/* The last snapshot judged by snapshot_current(), and the verdict. */
static struct
{
	SnapKey		key;
	uint64		generation;		/* rbac_generation of the verdict; 0 = none */
	bool		current;
}			last_verdict;

/* The snapshot the entry being loaded is read under (NULL: catalog snapshot). */
static Snapshot load_snapshot = NULL;

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
	/* until the catalog is looked up again, any relation may be ours */
	bool		ours = (relid == InvalidOid || !catalog.valid);

	for (int i = 0; i < (int) RBAC_NTABLES && !ours; i++)
		ours = (catalog.tables[i] == relid);
	if (!ours)
		return;
	rbac_generation++;
	/* a dropped and re-created extension has new OIDs, an altered table new types */
	catalog.valid = false;
	reference_valid = false;
	inval_lxid = MyProc ? MyProc->lxid : InvalidLocalTransactionId;
	inval_cid = IsTransactionState() ? GetCurrentCommandId(false) : InvalidCommandId;
}

/* Register the callback; called from _PG_init. */
void
rbac_cache_init(void)
{
	CacheRegisterRelcacheCallback(rbac_relcache_callback, (Datum) 0);
}

/*
 * rbac.invalidate_cache(): statement-level (and, for replicated changes,
 * row-level) trigger on rbac's tables
 */
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

/* The schema an extension was created in, read from pg_extension by OID. */
Oid
rbac_extension_namespace(Oid extension)
{
	Relation	rel;
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tup;
	Oid			nsp = InvalidOid;

	rel = table_open(ExtensionRelationId, AccessShareLock);
	ScanKeyInit(&key, Anum_pg_extension_oid, BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(extension));
	scan = systable_beginscan(rel, ExtensionOidIndexId, true, NULL, 1, &key);
	tup = systable_getnext(scan);
	if (HeapTupleIsValid(tup))
		nsp = ((Form_pg_extension) GETSTRUCT(tup))->extnamespace;
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return nsp;
}

/* Is this type text, or a domain over text? */
static bool
is_text_type(Oid type)
{
	return OidIsValid(type) && getBaseType(type) == TEXTOID;
}

/*
 * Find rbac's tables through the extension: its schema by OID, each table
 * by name in it, and only if it is an ordinary table that belongs to the
 * extension, with text columns where the cache reads text.  False if any
 * of that does not hold: the checks then answer false.
 */
static bool
catalog_lookup(void)
{
	RbacCatalog c;

	if (catalog.valid)
		return true;
	memset(&c, 0, sizeof(c));
	c.extension = get_extension_oid("rbac", true);
	if (!OidIsValid(c.extension))
		return false;
	c.namespace = rbac_extension_namespace(c.extension);
	if (!OidIsValid(c.namespace))
		return false;
	for (int i = 0; i < (int) RBAC_NTABLES; i++)
	{
		Oid			relid = get_relname_relid(table_names[i], c.namespace);

		if (!OidIsValid(relid) || get_rel_relkind(relid) != RELKIND_RELATION ||
			getExtensionOfObject(RelationRelationId, relid) != c.extension)
			return false;
		c.tables[i] = relid;
	}
	for (int i = 0; i < (int) RBAC_NCOLUMNS; i++)
	{
		Oid			relid = c.tables[column_names[i].table];
		AttrNumber	att = get_attnum(relid, column_names[i].name);

		if (att == InvalidAttrNumber || !is_text_type(get_atttype(relid, att)))
			return false;
		c.atts[i] = att;
	}
	c.valid = true;
	catalog = c;
	return true;
}

/* The access method of a relation, or InvalidOid. */
static Oid
relation_am(Oid relid)
{
	HeapTuple	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	Oid			am = InvalidOid;

	if (HeapTupleIsValid(tup))
	{
		am = ((Form_pg_class) GETSTRUCT(tup))->relam;
		ReleaseSysCache(tup);
	}
	return am;
}

/*
 * The index to scan a table with, looked up now that the table is open (and
 * so locked, with invalidations processed), or InvalidOid: the index by its
 * name in rbac's schema, if it is a valid, live btree index of this table
 * on these text columns.  The index is locked when returned.
 */
static Oid
lock_index(Relation rel, RbacIndex which)
{
	Oid			idx = get_relname_relid(index_defs[which].name, catalog.namespace);
	HeapTuple	tup;
	bool		ok;

	if (!OidIsValid(idx))
		return InvalidOid;
	LockRelationOid(idx, AccessShareLock);
	tup = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(idx));
	ok = HeapTupleIsValid(tup);
	if (ok)
	{
		Form_pg_index ix = (Form_pg_index) GETSTRUCT(tup);
		bool		isnull;
		oidvector  *classes;

		ok = ix->indrelid == RelationGetRelid(rel) && ix->indisvalid &&
			ix->indisready && ix->indislive &&
			ix->indnkeyatts >= index_defs[which].nkeys &&
			relation_am(idx) == BTREE_AM_OID;
		classes = (oidvector *) DatumGetPointer(SysCacheGetAttr(INDEXRELID, tup,
																Anum_pg_index_indclass,
																&isnull));
		for (int i = 0; ok && i < index_defs[which].nkeys; i++)
			ok = !isnull &&
				ix->indkey.values[i] == catalog.atts[index_defs[which].keys[i]] &&
				get_opclass_input_type(classes->values[i]) == TEXTOID;
		ReleaseSysCache(tup);
	}
	if (!ok)
	{
		UnlockRelationOid(idx, AccessShareLock);
		return InvalidOid;
	}
	return idx;
}

/* Hash of a slug or key, as the cache uses it. */
uint32
rbac_hash_slug(const char *s, int len)
{
	return hash_bytes((const unsigned char *) s, len);
}

/* The key of a snapshot (snap NULL: the catalog snapshot, no key). */
static SnapKey
snap_key(Snapshot snap)
{
	SnapKey		k;

	memset(&k, 0, sizeof(k));
	k.snap = snap;
	k.lxid = MyProc ? MyProc->lxid : InvalidLocalTransactionId;
	if (snap != NULL)
	{
		k.xmin = snap->xmin;
		k.xmax = snap->xmax;
		k.curcid = snap->curcid;
	}
	return k;
}

/* Is this the snapshot the cache is pinned to? */
static bool
snap_key_equal(const SnapKey *a, const SnapKey *b)
{
	return a->snap == b->snap && a->xmin == b->xmin && a->xmax == b->xmax &&
		a->curcid == b->curcid && a->lxid == b->lxid;
}

/* The transactions a snapshot sees as running (in recovery: subxip). */
static void
running_xids(Snapshot snap, TransactionId **xids, int *n, bool *complete)
{
	if (snap->takenDuringRecovery)
	{
		*xids = snap->subxip;
		*n = snap->subxcnt;
		*complete = !snap->suboverflowed;
	}
	else
	{
		*xids = snap->xip;
		*n = snap->xcnt;
		*complete = true;
	}
}

/*
 * Does snapshot s see every transaction that snapshot r sees as completed?
 * True if it is no older: its xmax is not below r's, and every transaction
 * s sees as running below r's xmax was running for r too.
 */
static bool
sees_all_of(Snapshot s, Snapshot r)
{
	TransactionId *sx,
			   *rx;
	int			sn,
				rn;
	bool		s_complete,
				r_complete;

	if (TransactionIdPrecedes(s->xmax, r->xmax))
		return false;
	running_xids(s, &sx, &sn, &s_complete);
	running_xids(r, &rx, &rn, &r_complete);
	if (!s_complete || !r_complete)
		return false;
	for (int i = 0; i < sn; i++)
	{
		bool		found = false;

		if (!TransactionIdPrecedes(sx[i], r->xmax))
			continue;
		for (int j = 0; j < rn && !found; j++)
			found = TransactionIdEquals(sx[i], rx[j]);
		if (!found)
			return false;
	}
	return true;
}

/*
 * May a query under this snapshot share what the cache read under others?
 * Only if the snapshot is no older than the last invalidation processed:
 * it sees all that a snapshot taken after that invalidation sees, and, in
 * the transaction whose own change it was, it was taken after that
 * command.  The catalog snapshot (no active snapshot) is always fresh.  The
 * reference snapshot is taken at the first lookup after an invalidation
 * (parallel workers take none: their queries keep to their own snapshot).
 */
static bool
snapshot_current(const SnapKey *k)
{
	bool		current;

	if (k->snap == NULL)
		return true;
	if (last_verdict.generation == rbac_generation &&
		snap_key_equal(&last_verdict.key, k))
		return last_verdict.current;
	if (k->lxid == inval_lxid && inval_cid != InvalidCommandId && k->curcid < inval_cid)
		current = false;
	else if (!reference_valid && IsParallelWorker())
		current = false;
	else
	{
		if (!reference_valid)
		{
			GetSnapshotData(&reference);
			reference_valid = true;
		}
		current = sees_all_of(k->snap, &reference);
	}
	last_verdict.key = *k;
	last_verdict.generation = rbac_generation;
	last_verdict.current = current;
	return current;
}

/* Empty the cache, for contents of one kind. */
static void
cache_reset(bool pinned, const SnapKey *key)
{
	if (cache_cxt == NULL)
		cache_cxt = AllocSetContextCreate(CacheMemoryContext, "rbac cache",
										  ALLOCSET_DEFAULT_SIZES);
	else
		MemoryContextReset(cache_cxt);
	memset(&roles, 0, sizeof(roles));
	memset(&members, 0, sizeof(members));
	/* call sites' memos were computed from what is gone */
	rbac_generation++;
	cache_state.generation = rbac_generation;
	cache_state.pinned = pinned;
	cache_state.key = *key;
}

/*
 * Prepare the cache for a lookup at an entry point, for the query running
 * now: the catalog's OIDs known, the contents consistent with the query's
 * snapshot, which later loads read under.  Called only at the entry points,
 * never while an entry is being loaded.  False if rbac's catalog cannot be
 * found.
 */
static bool
cache_enter(void)
{
	SnapKey		key = snap_key(ActiveSnapshotSet() ? GetActiveSnapshot() : NULL);
	bool		current;

	if (!catalog_lookup())
		return false;
	current = snapshot_current(&key);
	if (cache_cxt == NULL || roles.n + members.n >= RBAC_CACHE_MAX_ENTRIES)
		cache_reset(!current, &key);
	else if (cache_state.pinned)
	{
		/* contents of one query's snapshot: good for that query only */
		if (!snap_key_equal(&cache_state.key, &key))
			cache_reset(!current, &key);
	}
	else if (cache_state.generation != rbac_generation || !current)
		cache_reset(!current, &key);
	load_snapshot = key.snap;
	return true;
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
 * Scan a table for the tuples matching the keys (text equality on the
 * index's leading columns), calling fn on each, under the snapshot of the
 * query being answered; false if the table is gone.  The index is looked up
 * after the table is locked; without a usable one, a heap scan.
 */
static bool
scan_text_keys(RbacIndex which, const Datum *values,
			   void (*fn) (HeapTuple tup, TupleDesc desc, void *arg), void *arg)
{
	Relation	rel;
	SysScanDesc scan;
	ScanKeyData key[2];
	HeapTuple	tup;
	Oid			idx;
	int			nkeys = index_defs[which].nkeys;

	rel = try_table_open(catalog.tables[index_defs[which].table], AccessShareLock);
	if (rel == NULL)
		return false;
	for (int i = 0; i < nkeys; i++)
		ScanKeyInit(&key[i], catalog.atts[index_defs[which].keys[i]],
					BTEqualStrategyNumber, F_TEXTEQ, values[i]);
	idx = lock_index(rel, which);
	scan = systable_beginscan(rel, idx, OidIsValid(idx), load_snapshot, nkeys, key);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
		fn(tup, RelationGetDescr(rel), arg);
	systable_endscan(scan);
	if (OidIsValid(idx))
		UnlockRelationOid(idx, AccessShareLock);
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
	Datum		d = heap_getattr(tup, catalog.atts[C_RP_SLUG], desc, &isnull);
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
	Datum		values[1] = {role_id};

	if (!scan_text_keys(I_RP_PKEY, values, grant_tuple, &gl))
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
	AttrNumber	null_att;		/* a column that must be NULL, or 0 */
	Datum		id;				/* a copy of the first tuple's id, or 0 */
} FirstId;

/* scan callback: keep the first (qualifying) tuple's id column */
static void
first_id(HeapTuple tup, TupleDesc desc, void *arg)
{
	FirstId    *f = (FirstId *) arg;

	if (f->null_att != 0 && !heap_attisnull(tup, f->null_att, desc))
		return;
	if (f->id == (Datum) 0)
		f->id = text_column(tup, desc, f->att);
}

/* Read one role and its grants from the catalog into a new entry. */
static void
load_role(RbacRole *r, const char *org, int orglen, const char *slug, int slen)
{
	FirstId		role = {catalog.atts[C_ROLE_ID], 0, (Datum) 0};
	Datum		values[2];

	r->found = false;
	if (orglen >= 0)
	{
		values[0] = text_datum(org, orglen);
		values[1] = text_datum(slug, slen);
		scan_text_keys(I_ROLE_ORG_SLUG, values, first_id, &role);
	}
	else
	{
		/* an environment role: no organization (a heap scan sees all) */
		role.null_att = catalog.atts[C_ROLE_ORG];
		values[0] = text_datum(slug, slen);
		scan_text_keys(I_ROLE_ENV_SLUG, values, first_id, &role);
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
 * The cache entry for a role: an organization's role when orglen >= 0,
 * else an environment role.  slug_hash is rbac_hash_slug(slug, slen).
 * Loads the entry on first use.  Never NULL; the entry's "found" says
 * whether the role exists.
 */
static bool rbac_role_grants(const RbacRole *r, const char *perm, int plen, uint32 phash);

static RbacRole *
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
		/* a half-loaded entry: start over next time */
		cache_state.generation = 0;
		cache_state.pinned = false;
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
	Datum		id = text_column(tup, desc, catalog.atts[C_MR_ROLE]);

	if (id != (Datum) 0)
		*ids = lappend(*ids, DatumGetPointer(id));
}

/* scan callback: a role tuple found by id, added to the membership */
static void
member_role(HeapTuple tup, TupleDesc desc, void *arg)
{
	MemberLoad *ml = (MemberLoad *) arg;
	Datum		slug = text_column(tup, desc, catalog.atts[C_ROLE_SLUG]);
	Datum		org = text_column(tup, desc, catalog.atts[C_ROLE_ORG]);
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
	FirstId		membership = {catalog.atts[C_M_ID], 0, (Datum) 0};
	Datum		values[2] = {text_datum(user, ulen), text_datum(org, olen)};
	List	   *ids = NIL;
	ListCell   *lc;
	MemberLoad	ml = {m, 0};

	scan_text_keys(I_M_USER_ORG, values, first_id, &membership);
	if (membership.id == (Datum) 0)
		return;
	m->found = true;
	values[0] = membership.id;
	scan_text_keys(I_MR_PKEY, values, member_role_id, &ids);
	foreach(lc, ids)
	{
		values[0] = PointerGetDatum(lfirst(lc));
		scan_text_keys(I_ROLE_PKEY, values, member_role, &ml);
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
		/* a half-loaded entry: start over next time */
		cache_state.generation = 0;
		cache_state.pinned = false;
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
	Datum		org = text_column(tup, desc, catalog.atts[C_M_ORG]);

	if (org != (Datum) 0)
		*orgs = lappend(*orgs, text_to_cstring(DatumGetTextPP(org)));
}

/* The organizations the user is a member of (palloc'd C strings). */
List *
rbac_member_organizations(const char *user, int ulen)
{
	Datum		values[1];
	List	   *orgs = NIL;

	if (!cache_enter())
		return NIL;
	values[0] = text_datum(user, ulen);
	scan_text_keys(I_M_USER_ORG_PREFIX, values, member_organization, &orgs);
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
 * the slug names an environment role; orglen 0: an empty organization id,
 * which is none: false.  With an organization, a slug that
 * begins with "org-" names that organization's role, any other an
 * environment role.
 */
bool
rbac_check_role(const char *slug, int slen, uint32 slug_hash,
				const char *org, int orglen,
				const char *perm, int plen, uint32 phash)
{
	/* an empty organization id is no organization; an id has at most 128
	 * characters of at most 4 bytes each */
	if (orglen == 0 || orglen > RBAC_ORG_ID_MAX_LEN * 4)
		return false;
	if (orglen >= 0 && (slen < 4 || memcmp(slug, "org-", 4) != 0))
		orglen = -1;
	return rbac_role_grants(rbac_cache_role(org, orglen, slug, slen, slug_hash),
							perm, plen, phash);
}

/* Does the role grant the requested permission slug (hash precomputed)? */
static bool
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
