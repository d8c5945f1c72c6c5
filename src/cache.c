/*-------------------------------------------------------------------------
 *
 * cache.c
 *	  A per-backend cache of the roles and memberships that the checks
 *	  read, never stale, and evicted by what changed (see ENGINEERING.md,
 *	  after pg_cron and Citus):
 *
 *	  - row triggers on the tables the cache reads (role, role_permission,
 *		membership, membership_role, and for the checks on resources
 *		permission, resource, role_assignment), enabled ALWAYS so
 *		that logical replication's apply workers fire them too, call
 *		rbac.invalidate_cache(), which queues one transactional invalidation
 *		message per changed key: a relcache message whose relation id is the
 *		key's signature (see send_signature()).  PostgreSQL delivers it to
 *		every backend of the database after commit, to a hot standby's
 *		through the commit record, to the writing backend at its next
 *		command, never for an aborted transaction, and locally at abort.
 *		TRUNCATE, DDL and a transaction that changes more than
 *		RBAC_KEYED_MAX keys of a table send a message for the table itself.
 *	  - one relcache callback, registered in _PG_init, notes the signatures
 *		it receives; the next lookup evicts the entries that depend on them:
 *		a role by its organization and slug or by its id (its grants), a
 *		membership by its user and organization, by its id (its roles and
 *		role assignments) or through any of its roles, a resource by its
 *		key or by the id of any resource in its chain up to the root, a
 *		permission's resource type by its slug.  resource_type and
 *		resource_type_parent only send messages for the table (statement
 *		triggers): a full reset.  A message for one of rbac's tables,
 *		InvalidOid (the queue overflowed) or too many notes empty the cache.
 *	  - rbac's tables are found through the extension: the schema it was
 *		created in (by OID, so a renamed schema and a look-alike under the
 *		old name change nothing) and its member objects, with the types of
 *		the columns read checked.  Indexes are looked up after each table
 *		open, so REINDEX CONCURRENTLY cannot leave a stale OID behind; a
 *		missing index means a heap scan, never an error.
 *	  - rows are read under the active snapshot of the query the check runs
 *		in, so every check of one statement (a cursor included, parallel
 *		workers included) answers from one catalog state, the one an SQL
 *		join over the catalog would see.  What one query read is shared by
 *		later queries while that is safe: each message processed starts an
 *		epoch, each bucket of signatures keeps the epoch of its last message,
 *		and a query uses a shared entry only if its snapshot sees every
 *		epoch up to the entry's (see snapshot_epoch()).  Otherwise it reads
 *		the key again under its own snapshot into an overlay that lasts as
 *		long as that snapshot: a statement reads a key at most once.
 *	  - entries are loaded one role, membership, resource or permission at
 *		a time on demand (a membership's role assignments at its first
 *		check on a resource), into
 *		the one hash table of keytab.h, in a memory context under
 *		CacheMemoryContext, and freed one by one when evicted.
 *
 *-------------------------------------------------------------------------
 */
#include "cache.h"
#include "keytab.h"
#include "memo.h"

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
#include "miscadmin.h"
#include "funcapi.h"
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
#include "utils/timestamp.h"

/*
 * Signatures.  A change to a key reaches other backends as a relcache
 * invalidation message whose relation id is the key's signature: 32 bits
 * with the top bit set, so that it names none of rbac's tables (their OIDs
 * are below 2^31 in any database younger than four billion OIDs; one that
 * is not only costs spurious evictions).  Two keys with one signature only
 * evict each other's entries.
 */
typedef enum
{
	SIG_ROLE,					/* a role by organization (or none) and slug */
	SIG_ROLE_ID,				/* a role by id: its grants */
	SIG_MEMBER,					/* a membership by user and organization */
	SIG_MEMBERSHIP,				/* a membership by id: its roles and role assignments */
	SIG_RESOURCE,				/* a resource by organization, type and external id */
	SIG_RESOURCE_ID,			/* a resource by id: its parent */
	SIG_PERMISSION				/* a permission by slug: its resource type */
} SigKind;

#define SIG_BIT					0x80000000U
/* the signature that empties every backend's cache (its OIDs stay valid) */
#define SIG_RESET				0xFFFFFFFFU
/* the key of the signatures' hash: the same in every backend */
#define SIG_KEY					UINT64CONST(0x5BD1E9955BD1E995)

/* this backend's key of its tables' hash (keytab.h) */
uint64		rbac_hash_seed = 0;

static inline uint32
sig_of(SigKind kind, uint32 keyhash)
{
	uint32		h = (keyhash ^ (0x9E3779B9U * ((uint32) kind + 1))) * 0x85EBCA6BU;

	return (h ^ (h >> 16)) | SIG_BIT;
}

/*
 * The hash of a resource's key: organization id, type slug, external id
 * (for its entry and its signature).
 */
static inline uint32
resource_key_hash_keyed(const char *org, int olen, const char *type, int tlen,
						const char *ext, int elen, uint64 key)
{
	return rbac_hash_pair_keyed(org, olen, type, tlen, key) ^
		(rbac_hash_bytes_keyed(ext, elen, key) * 0x27D4EB2FU + 0x165667B1U);
}

/* ... with this backend's key, for its tables */
static inline uint32
resource_key_hash(const char *org, int olen, const char *type, int tlen,
				  const char *ext, int elen)
{
	return resource_key_hash_keyed(org, olen, type, tlen, ext, elen, rbac_hash_seed);
}

/* The grants of one role, as the checks need them. */
typedef struct RbacRole
{
	uint32		sig[2];			/* of its slug and organization; of its id (0: none) */
	bool		found;			/* does such a role exist? */
	bool		overlay;		/* in the overlay, for one snapshot only */
	bool		dead;			/* being evicted */
	int			orglen;			/* -1: an environment role */
	int			slen;
	int			nexact;			/* grants without a wildcard segment */
	int			cap_exact;
	char	  **exact;
	int		   *exact_len;
	uint32	   *exact_hash;
	keytab_hash *exact_tab;		/* the exact grants by slug, when many */
	int			nwild;			/* grants with a wildcard segment */
	int			cap_wild;
	char	  **wild;
	int		   *wild_len;
	char		key[FLEXIBLE_ARRAY_MEMBER]; /* organization id, then slug */
} RbacRole;

/* The roles a membership holds on one resource (role assignments). */
typedef struct RbacAssigned
{
	int			nroles;
	int			cap;
	RbacRole  **roles;
	int			idlen;
	char		id[FLEXIBLE_ARRAY_MEMBER];	/* the resource id */
} RbacAssigned;

/*
 * A membership's role assignments: the resources it holds roles on, by id
 * (a keytab over the ids of "list").
 */
typedef struct RbacAssignments
{
	int			n;
	int			cap;
	RbacAssigned **list;
	keytab_hash *tab;
} RbacAssignments;

/* A user's membership in an organization, with its roles' grants. */
struct RbacMember
{
	uint32		sig[2];			/* of its user and organization; of its id (0: none) */
	bool		found;			/* is the user a member? */
	bool		overlay;		/* in the overlay, for one snapshot only */
	int			ulen;
	int			olen;
	int			nroles;
	int			cap;
	RbacRole  **roles;
	char	   *membership_id;	/* found: the membership's id */
	int			mid_len;
	RbacAssignments *assigned;	/* loaded at the first resource check; NULL before */
	char		key[FLEXIBLE_ARRAY_MEMBER]; /* user id, then organization id */
};

/* chains of resources longer than this (r and its ancestors) count as unknown */
#define RBAC_CHAIN_MAX			64

/*
 * A resource by organization, type and external id: whether it exists, and
 * the chain of resource ids from it up to the root (the organization).  Its
 * signatures: of its key, and of every id in the chain (a move of any
 * ancestor changes the chain), and of the id that ended a walk that found
 * no resource.
 */
typedef struct RbacResource
{
	bool		found;			/* is there such a resource with a chain of at most RBAC_CHAIN_MAX? */
	bool		overlay;		/* in the overlay, for one snapshot only */
	int			olen;			/* key: organization id ... */
	int			klen;			/* ... then type slug, a NUL byte and external id */
	int			nsig;
	uint32	   *sig;
	int			depth;			/* ids in the chain, the resource's own first */
	char	  **ids;
	int		   *id_len;
	uint32	   *id_hash;		/* rbac_hash_slug of each id */
	char		key[FLEXIBLE_ARRAY_MEMBER];
} RbacResource;

/* The resource type of a permission, by slug. */
typedef struct RbacPermType
{
	uint32		sig;			/* of its slug */
	bool		found;			/* is there such a permission? */
	bool		overlay;		/* in the overlay, for one snapshot only */
	int			slen;
	int			tlen;
	char	   *type;			/* found: its resource_type_slug */
	char		key[FLEXIBLE_ARRAY_MEMBER]; /* the slug */
} RbacPermType;

/* more entries than this (roles, memberships, permissions' types) and the cache starts over */
#define RBAC_CACHE_MAX_ENTRIES	65536
/* more resources than this and the resources alone start over */
#define RBAC_RESOURCE_MAX_ENTRIES	65536
/* grants above this count get a hash index */
#define RBAC_EXACT_LINEAR_MAX	8
/* buckets of signatures with the epoch of their last message */
#define RBAC_NSTAMPS			65536
/* snapshots kept to tell which epochs a query's snapshot sees */
#define RBAC_NREFS				8
/* signatures noted before the next lookup; more and the cache starts over */
#define RBAC_PENDING_MAX		8192
/* keys one transaction sends per table; more and it sends one full reset */
#define RBAC_KEYED_MAX			64

/* rbac's tables, as the extension creates them */
typedef enum
{
	T_PERMISSION, T_ROLE, T_ROLE_PERMISSION, T_ROLE_ORDER, T_ORGANIZATION_ORDER,
	T_DEFAULT_ROLE, T_MEMBERSHIP, T_MEMBERSHIP_ROLE, T_SETTING,
	/* 1.1's resources (SPEC 7): all four or none (a 1.0 install) */
	T_RESOURCE_TYPE, T_RESOURCE_TYPE_PARENT, T_RESOURCE, T_ROLE_ASSIGNMENT,
	RBAC_NTABLES
} RbacTable;

/* the first of the tables a 1.0 install does not have */
#define T_FIRST_RESOURCE_TABLE	T_RESOURCE_TYPE

static const char *const table_names[RBAC_NTABLES] = {
	"permission", "role", "role_permission", "role_order",
	"organization_order", "default_role", "membership",
	"membership_role", "setting",
	"resource_type", "resource_type_parent", "resource", "role_assignment"
};

/* the columns the cache reads: all text (or a domain over text) */
typedef enum
{
	C_ROLE_ID, C_ROLE_SLUG, C_ROLE_ORG, C_RP_ROLE, C_RP_SLUG,
	C_M_ID, C_M_USER, C_M_ORG, C_MR_MEMBERSHIP, C_MR_ROLE,
	C_P_SLUG, C_P_TYPE,
	/* of the resource tables */
	C_R_ID, C_R_ORG, C_R_TYPE, C_R_EXT, C_R_PARENT,
	C_RA_MEMBERSHIP, C_RA_ROLE, C_RA_RESOURCE, RBAC_NCOLUMNS
} RbacColumn;

#define C_FIRST_RESOURCE_COLUMN	C_R_ID

static const struct
{
	RbacTable	table;
	const char *name;
}			column_names[RBAC_NCOLUMNS] = {
	{T_ROLE, "id"}, {T_ROLE, "slug"}, {T_ROLE, "organization_id"},
	{T_ROLE_PERMISSION, "role_id"}, {T_ROLE_PERMISSION, "permission_slug"},
	{T_MEMBERSHIP, "id"}, {T_MEMBERSHIP, "user_id"}, {T_MEMBERSHIP, "organization_id"},
	{T_MEMBERSHIP_ROLE, "membership_id"}, {T_MEMBERSHIP_ROLE, "role_id"},
	{T_PERMISSION, "slug"}, {T_PERMISSION, "resource_type_slug"},
	{T_RESOURCE, "id"}, {T_RESOURCE, "organization_id"}, {T_RESOURCE, "resource_type_slug"},
	{T_RESOURCE, "external_id"}, {T_RESOURCE, "parent_resource_id"},
	{T_ROLE_ASSIGNMENT, "membership_id"}, {T_ROLE_ASSIGNMENT, "role_id"},
	{T_ROLE_ASSIGNMENT, "resource_id"}
};

/* the indexes the cache scans, with their leading key columns */
typedef enum
{
	I_ROLE_ENV_SLUG, I_ROLE_ORG_SLUG, I_ROLE_PKEY, I_RP_PKEY, I_M_USER_ORG,
	I_MR_PKEY, I_M_USER_ORG_PREFIX, I_P_SLUG, I_R_KEY, I_R_PKEY, I_RA_MEMBERSHIP,
	I_R_PARENT, I_R_ORG_TYPE, I_P_TYPE,
	RBAC_NINDEXES
} RbacIndex;

#define RBAC_MAX_INDEX_KEYS		3

static const struct
{
	const char *name;
	RbacTable	table;
	int			nkeys;
	RbacColumn	keys[RBAC_MAX_INDEX_KEYS];
}			index_defs[RBAC_NINDEXES] = {
	{"role_environment_slug_key", T_ROLE, 1, {C_ROLE_SLUG}},
	{"role_organization_slug_key", T_ROLE, 2, {C_ROLE_ORG, C_ROLE_SLUG}},
	{"role_pkey", T_ROLE, 1, {C_ROLE_ID}},
	{"role_permission_pkey", T_ROLE_PERMISSION, 1, {C_RP_ROLE}},
	{"membership_user_organization_key", T_MEMBERSHIP, 2, {C_M_USER, C_M_ORG}},
	{"membership_role_pkey", T_MEMBERSHIP_ROLE, 1, {C_MR_MEMBERSHIP}},
	{"membership_user_organization_key", T_MEMBERSHIP, 1, {C_M_USER}},
	{"permission_slug_key", T_PERMISSION, 1, {C_P_SLUG}},
	{"resource_external_id_key", T_RESOURCE, 3, {C_R_ORG, C_R_TYPE, C_R_EXT}},
	{"resource_pkey", T_RESOURCE, 1, {C_R_ID}},
	{"role_assignment_key", T_ROLE_ASSIGNMENT, 1, {C_RA_MEMBERSHIP}},
	{"resource_parent_resource_id_idx", T_RESOURCE, 1, {C_R_PARENT}},
	{"resource_external_id_key", T_RESOURCE, 2, {C_R_ORG, C_R_TYPE}},
	{"permission_resource_type_slug_idx", T_PERMISSION, 1, {C_P_TYPE}}
};

/* What the cache knows of rbac's catalog. */
typedef struct RbacCatalog
{
	bool		valid;
	bool		resources;		/* the resource tables are there (1.1) */
	Oid			extension;
	Oid			namespace;
	Oid			tables[RBAC_NTABLES];
	AttrNumber	atts[RBAC_NCOLUMNS];
} RbacCatalog;

static RbacCatalog catalog;

/* An extension's row of pg_extension (its fixed part), by OID; false if none. */
static bool
extension_row(Oid extension, FormData_pg_extension *row)
{
	Relation	rel;
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tup;
	bool		found;

	if (!OidIsValid(extension))
		return false;
	rel = table_open(ExtensionRelationId, AccessShareLock);
	ScanKeyInit(&key, Anum_pg_extension_oid, BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(extension));
	scan = systable_beginscan(rel, ExtensionOidIndexId, true, NULL, 1, &key);
	tup = systable_getnext(scan);
	found = HeapTupleIsValid(tup);
	if (found)
		*row = *(Form_pg_extension) GETSTRUCT(tup);
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return found;
}

/* The schema an extension was created in, or InvalidOid. */
Oid
rbac_extension_namespace(Oid extension)
{
	FormData_pg_extension row;

	return extension_row(extension, &row) ? row.extnamespace : InvalidOid;
}

/* The owner of an extension, or InvalidOid. */
Oid
rbac_extension_owner(Oid extension)
{
	FormData_pg_extension row;

	return extension_row(extension, &row) ? row.extowner : InvalidOid;
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
	/*
	 * A 1.0 install has no resource tables: then the checks on resources
	 * answer false, the others work.  With any of them there, all must be.
	 */
	c.resources = OidIsValid(get_relname_relid(table_names[T_FIRST_RESOURCE_TABLE],
											   c.namespace));
	for (int i = 0; i < (int) RBAC_NTABLES; i++)
	{
		Oid			relid;

		if (i >= (int) T_FIRST_RESOURCE_TABLE && !c.resources)
			break;
		relid = get_relname_relid(table_names[i], c.namespace);
		if (!OidIsValid(relid) || get_rel_relkind(relid) != RELKIND_RELATION ||
			getExtensionOfObject(RelationRelationId, relid) != c.extension)
			return false;
		c.tables[i] = relid;
	}
	for (int i = 0; i < (int) RBAC_NCOLUMNS; i++)
	{
		Oid			relid;
		AttrNumber	att;

		if (i >= (int) C_FIRST_RESOURCE_COLUMN && !c.resources)
			break;
		relid = c.tables[column_names[i].table];
		att = get_attnum(relid, column_names[i].name);
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

uint64		rbac_generation = 1;

/*
 * Epochs.  Every message this backend processes starts an epoch.  A bucket
 * of signatures remembers the epoch of its last message, and a full reset
 * its own.  A query may use a shared entry if its snapshot sees every epoch
 * up to the last one of the entry's buckets ("query_epoch" below).
 */
static uint64 epoch = 1;
static uint64 full_epoch = 0;
static uint64 stamps[RBAC_NSTAMPS];

/* Signatures noted by the callback, evicted at the next lookup. */
static uint32 pending[RBAC_PENDING_MAX];
static int	npending = 0;
static bool pending_full = false;

/*
 * What tells which epochs a snapshot sees.  A snapshot taken after a
 * message was processed sees the change it announces: the writer committed
 * before it sent the message.  So a query of a READ COMMITTED transaction
 * sees every epoch processed before the transaction took its first
 * snapshot (start_lxid, start_epoch).  Otherwise the snapshots taken at the
 * first lookup of an epoch (the references, newest last) tell: a query's
 * snapshot that sees all a reference sees also sees that epoch.  In the
 * transaction that processed its own change, only a snapshot taken after
 * that command does (lxid, cid).
 */
typedef struct Reference
{
	uint64		epoch;			/* 0: unused */
	SnapshotData snap;
	LocalTransactionId lxid;
	CommandId	cid;
} Reference;

static Reference refs[RBAC_NREFS];
static int	newest_ref = -1;
static LocalTransactionId start_lxid = InvalidLocalTransactionId;
static uint64 start_epoch = 0;
static LocalTransactionId inval_lxid = InvalidLocalTransactionId;
static CommandId inval_cid = InvalidCommandId;

/*
 * A snapshot, as far as the cache tells snapshots apart: what it sees
 * (memo.h's RbacSnapId, which tells apart two snapshots that one address
 * held in turn), and the snapshot itself for snapshot_epoch().
 */
typedef struct SnapKey
{
	Snapshot	snap;
	RbacSnapId	id;
} SnapKey;

/* In a parallel worker: the snapshot its shared entries were read under. */
static SnapKey worker_snap;
static bool worker_snap_set = false;

/* The last snapshot judged by snapshot_epoch(), and the verdict. */
static struct
{
	SnapKey		key;
	uint64		epoch;			/* epoch of the verdict; 0 = none */
	uint64		sees;
}			verdict;

/* The query being answered, as set by cache_enter(). */
static uint64 query_epoch;		/* the newest epoch its snapshot sees */
static bool query_current;		/* it sees every epoch: all shared entries do */
static SnapKey overlay_key;		/* the snapshot the overlay holds entries of */
static SnapKey last_key;		/* the snapshot of the last lookup */

/* The snapshot the entry being loaded is read under (NULL: catalog snapshot). */
static Snapshot load_snapshot = NULL;

/*
 * The entries: shared by every query that may use them, and the overlay of
 * one query's snapshot (keys that changed after the newest epoch its
 * snapshot sees).  A shared membership holds shared roles only; an overlay
 * one either.  All in one memory context, freed one by one on eviction.
 */
static MemoryContext cache_cxt = NULL;
static keytab_hash *shared_roles;
static keytab_hash *shared_members;
static keytab_hash *shared_resources;
static keytab_hash *shared_permtypes;
static keytab_hash *overlay_roles;
static keytab_hash *overlay_members;
static keytab_hash *overlay_resources;
static keytab_hash *overlay_permtypes;

/*
 * The entries held now, but for the resources: a policy over a table of
 * many folders must not throw the memberships and roles away with them.
 */
static inline int
cache_entries(void)
{
	return shared_roles->members + shared_members->members +
		shared_permtypes->members +
		overlay_roles->members + overlay_members->members +
		overlay_permtypes->members;
}

/* For rbac.cache_statistics() and the tests. */
static struct
{
	int64		loads;
	int64		evictions;
	int64		resets;
	int64		invalidations;
}			stats;

/* The transaction sending keyed messages, and how many. */
static LocalTransactionId keyed_lxid = InvalidLocalTransactionId;
static int	keyed_count = 0;

PG_FUNCTION_INFO_V1(rbac_invalidate_cache);
PG_FUNCTION_INFO_V1(rbac_cache_statistics);

/*
 * Relcache callback: note what changed.  Called wherever invalidations are
 * processed (lock acquisition, transaction start, command end, abort), so
 * it only takes notes; the next lookup acts on them.
 */
static void
rbac_relcache_callback(Datum arg, Oid relid)
{
	bool		full = (relid == InvalidOid);

	/*
	 * One of rbac's tables (whatever its OID: a cluster past 2^31 OIDs has
	 * tables in the signatures' range; a signature equal to a table's OID
	 * only costs a spurious reset), or, until the catalog is looked up
	 * again, any relation: a full reset.  Other relations below 2^31 are
	 * not ours.
	 */
	for (int i = 0; i < (int) RBAC_NTABLES && !full && catalog.valid; i++)
		full = (catalog.tables[i] == relid);
	if (!full && relid < SIG_BIT)
	{
		if (catalog.valid)
			return;
		full = true;
	}
	epoch++;
	stats.invalidations++;
	/* every call site's memo was computed before this */
	rbac_generation++;
	if (full || npending >= RBAC_PENDING_MAX || relid == SIG_RESET)
	{
		full_epoch = epoch;
		pending_full = true;
		/* a dropped and re-created extension has new OIDs, an altered table new types */
		if (full)
			catalog.valid = false;
	}
	else
	{
		stamps[relid & (RBAC_NSTAMPS - 1)] = epoch;
		pending[npending++] = (uint32) relid;
	}
	if (!FirstSnapshotSet && MyProc != NULL && !IsParallelWorker())
	{
		start_lxid = RBAC_MY_LXID();
		start_epoch = epoch;
	}
	inval_lxid = MyProc ? RBAC_MY_LXID() : InvalidLocalTransactionId;
	inval_cid = IsTransactionState() ? GetCurrentCommandId(false) : InvalidCommandId;
}

/* Register the callback; called from _PG_init. */
void
rbac_cache_init(void)
{
	if (!pg_strong_random(&rbac_hash_seed, sizeof(rbac_hash_seed)))
		rbac_hash_seed = ((uint64) MyProcPid << 32) ^ (uint64) GetCurrentTimestamp();
	CacheRegisterRelcacheCallback(rbac_relcache_callback, (Datum) 0);
}

/*
 * Queue the keyed message for a signature.  PostgreSQL 15 has no call that
 * queues a relcache message for a relation id without looking the relation
 * up, except CacheInvalidateRelcacheByTuple(), which reads the id and
 * relisshared of the pg_class row it is given: so it gets a row with these
 * two fields set.  Every backend of the database, and a hot standby's,
 * receives the message after commit; for an id that names no relation,
 * PostgreSQL's own relcache does nothing with it.
 */
static void
send_signature(uint32 sig)
{
	HeapTupleData tup;
	Form_pg_class form;

	memset(&tup, 0, sizeof(tup));
	tup.t_data = palloc0(MAXALIGN(SizeofHeapTupleHeader) + sizeof(FormData_pg_class));
	tup.t_data->t_hoff = MAXALIGN(SizeofHeapTupleHeader);
	form = (Form_pg_class) GETSTRUCT(&tup);
	form->oid = (Oid) sig;
	form->relisshared = false;
	CacheInvalidateRelcacheByTuple(&tup);
	pfree(tup.t_data);
}

/* The hash of a text column of a tuple; false for NULL. */
static bool
column_hash(HeapTuple tup, TupleDesc desc, RbacColumn col, const char **s, int *len)
{
	bool		isnull;
	Datum		d = heap_getattr(tup, catalog.atts[col], desc, &isnull);
	text	   *t;

	if (isnull)
		return false;
	t = DatumGetTextPP(d);
	*s = VARDATA_ANY(t);
	*len = VARSIZE_ANY_EXHDR(t);
	return true;
}

/*
 * The signatures a row of a table changes (at most two: a resource's key
 * and its id), into sig[]; their count, 0 for none (the caller sends a full
 * reset).
 */
static int
row_signatures(RbacTable t, HeapTuple tup, TupleDesc desc, uint32 sig[2])
{
	const char *a,
			   *b,
			   *c;
	int			alen,
				blen,
				clen;

	switch (t)
	{
		case T_ROLE:
			if (!column_hash(tup, desc, C_ROLE_SLUG, &b, &blen))
				return 0;
			if (!column_hash(tup, desc, C_ROLE_ORG, &a, &alen))
				alen = -1;
			sig[0] = sig_of(SIG_ROLE, rbac_hash_pair_keyed(a, alen, b, blen, SIG_KEY));
			return 1;
		case T_ROLE_PERMISSION:
			if (!column_hash(tup, desc, C_RP_ROLE, &a, &alen))
				return 0;
			sig[0] = sig_of(SIG_ROLE_ID, rbac_hash_bytes_keyed(a, alen, SIG_KEY));
			return 1;
		case T_MEMBERSHIP:
			if (!column_hash(tup, desc, C_M_USER, &a, &alen) ||
				!column_hash(tup, desc, C_M_ORG, &b, &blen))
				return 0;
			sig[0] = sig_of(SIG_MEMBER, rbac_hash_pair_keyed(a, alen, b, blen, SIG_KEY));
			return 1;
		case T_MEMBERSHIP_ROLE:
			if (!column_hash(tup, desc, C_MR_MEMBERSHIP, &a, &alen))
				return 0;
			sig[0] = sig_of(SIG_MEMBERSHIP, rbac_hash_bytes_keyed(a, alen, SIG_KEY));
			return 1;
		case T_PERMISSION:
			if (!column_hash(tup, desc, C_P_SLUG, &a, &alen))
				return 0;
			sig[0] = sig_of(SIG_PERMISSION, rbac_hash_bytes_keyed(a, alen, SIG_KEY));
			return 1;
		case T_RESOURCE:
			if (!column_hash(tup, desc, C_R_ORG, &a, &alen) ||
				!column_hash(tup, desc, C_R_TYPE, &b, &blen) ||
				!column_hash(tup, desc, C_R_EXT, &c, &clen))
				return 0;
			sig[0] = sig_of(SIG_RESOURCE, resource_key_hash_keyed(a, alen, b, blen, c, clen, SIG_KEY));
			if (!column_hash(tup, desc, C_R_ID, &a, &alen))
				return 0;
			sig[1] = sig_of(SIG_RESOURCE_ID, rbac_hash_bytes_keyed(a, alen, SIG_KEY));
			return 2;
		case T_ROLE_ASSIGNMENT:
			/* a membership's assignments are part of its entry */
			if (!column_hash(tup, desc, C_RA_MEMBERSHIP, &a, &alen))
				return 0;
			sig[0] = sig_of(SIG_MEMBERSHIP, rbac_hash_bytes_keyed(a, alen, SIG_KEY));
			return 1;
		default:
			return 0;
	}
}

/*
 * Send the keys a row trigger's change touches; false if this change is
 * not one to send keys for (the caller sends a full reset).
 */
static bool
send_keys(TriggerData *td)
{
	Relation	rel = td->tg_relation;
	Oid			relid = RelationGetRelid(rel);
	RbacTable	t = RBAC_NTABLES;
	HeapTuple	tuples[2];
	uint32		sigs[4];
	int			n = 0;
	static const RbacTable keyed[] = {
		T_ROLE, T_ROLE_PERMISSION, T_MEMBERSHIP, T_MEMBERSHIP_ROLE,
		T_PERMISSION, T_RESOURCE, T_ROLE_ASSIGNMENT
	};

	if (!TRIGGER_FIRED_FOR_ROW(td->tg_event) || !catalog_lookup())
		return false;
	for (int i = 0; i < (int) lengthof(keyed) && t == RBAC_NTABLES; i++)
		if (OidIsValid(catalog.tables[keyed[i]]) && relid == catalog.tables[keyed[i]])
			t = keyed[i];
	if (t == RBAC_NTABLES)
		return false;

	if (RBAC_MY_LXID() != keyed_lxid)
	{
		keyed_lxid = RBAC_MY_LXID();
		keyed_count = 0;
	}

	tuples[0] = td->tg_trigtuple;
	tuples[1] = TRIGGER_FIRED_BY_UPDATE(td->tg_event) ? td->tg_newtuple : NULL;
	for (int i = 0; i < 2; i++)
	{
		uint32		sig[2];
		int			k;

		if (tuples[i] == NULL)
			continue;
		k = row_signatures(t, tuples[i], RelationGetDescr(rel), sig);
		if (k == 0)
			return false;
		for (int j = 0; j < k; j++)
		{
			bool		dup = false;

			for (int l = 0; l < n && !dup; l++)
				dup = (sigs[l] == sig[j]);
			if (!dup)
				sigs[n++] = sig[j];
		}
	}
	/*
	 * Over the budget: this row sends the full reset (again for every such
	 * row: PostgreSQL keeps one per command, and a rolled-back subtransaction
	 * takes its own away with it).
	 */
	if (keyed_count + n > RBAC_KEYED_MAX)
	{
		/*
		 * (the reset signature, not a relcache message for the table: that
		 * would make every backend, this one per row, look the catalog up
		 * again and rebuild the table's relcache entry)
		 */
		send_signature(SIG_RESET);
		return true;
	}
	for (int i = 0; i < n; i++)
		send_signature(sigs[i]);
	keyed_count += n;
	return true;
}

/*
 * rbac.invalidate_cache(): row trigger on the tables the cache reads, and
 * statement trigger (TRUNCATE) on them: every backend's cache evicts the
 * entries of the keys a row changes; TRUNCATE, DDL and a transaction that
 * changes more than RBAC_KEYED_MAX keys reset it (transactionally).
 */
Datum
rbac_invalidate_cache(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("rbac.invalidate_cache() must be called as a trigger")));
	if (!send_keys(trigdata))
		CacheInvalidateRelcache(trigdata->tg_relation);
	return PointerGetDatum(NULL);
}

/* The key of the active snapshot (snap NULL: none, the catalog snapshot). */
static SnapKey
snap_key(void)
{
	SnapKey		k;

	k.snap = ActiveSnapshotSet() ? GetActiveSnapshot() : NULL;
	rbac_snap_id(&k.id);
	return k;
}

/* Do these keys see the same rows? */
static bool
snap_key_equal(const SnapKey *a, const SnapKey *b)
{
	return rbac_snap_id_equal(&a->id, &b->id);
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

/* Take the reference of the current epoch (not in a parallel worker). */
static void
take_reference(void)
{
	int			slot = (newest_ref + 1) % RBAC_NREFS;
	Reference  *r = &refs[slot];

	r->snap.snapshot_type = SNAPSHOT_MVCC;
	GetSnapshotData(&r->snap);
	r->epoch = epoch;
	r->lxid = inval_lxid;
	r->cid = inval_cid;
	newest_ref = slot;
}

/*
 * The newest epoch a query's snapshot sees (see "Reference" above); every
 * epoch for the catalog snapshot, which is taken fresh.  0: none known.
 */
static uint64
snapshot_epoch(const SnapKey *k)
{
	uint64		sees = 0;

	/*
	 * A parallel worker: a fresh backend whose cache holds, since its first
	 * lookup, only what it read under the first snapshot it was asked under
	 * (the leader's, restored: a worker takes no snapshot of its own).  That
	 * snapshot may use every shared entry; any other (the catalog snapshot
	 * included) sees none of them and reads into the overlay, as a snapshot
	 * older than every reference does in the leader.  Without this a worker
	 * read every entry into the overlay and its call sites kept no answers.
	 */
	if (IsParallelWorker())
	{
		if (!worker_snap_set)
		{
			worker_snap = *k;
			worker_snap_set = true;
		}
		return snap_key_equal(&worker_snap, k) && k->snap != NULL ? epoch : 0;
	}
	if (k->snap == NULL)
		return epoch;
	if (verdict.epoch == epoch && snap_key_equal(&verdict.key, k))
		return verdict.sees;
	if (!IsParallelWorker() && (newest_ref < 0 || refs[newest_ref].epoch != epoch))
		take_reference();
	for (int i = 0; i < RBAC_NREFS && newest_ref >= 0; i++)
	{
		Reference  *r = &refs[(newest_ref - i + RBAC_NREFS) % RBAC_NREFS];

		if (r->epoch == 0)
			break;
		if (k->id.lxid == r->lxid && r->cid != InvalidCommandId && k->id.curcid < r->cid)
			continue;
		if (sees_all_of(k->snap, &r->snap))
		{
			sees = r->epoch;
			break;
		}
	}
	if (k->id.lxid == start_lxid && start_epoch > sees && !IsolationUsesXactSnapshot() &&
		!IsParallelWorker() &&
		!(k->id.lxid == inval_lxid && inval_cid != InvalidCommandId && k->id.curcid < inval_cid))
		sees = start_epoch;
	verdict.key = *k;
	verdict.epoch = epoch;
	verdict.sees = sees;
	return sees;
}

/* May the query being answered use what was read for this signature? */
static inline bool
sig_ok(uint32 sig)
{
	return sig == 0 ||
		Max(stamps[sig & (RBAC_NSTAMPS - 1)], full_epoch) <= query_epoch;
}

/*
 * ... for all of an entry's signatures?  Roles and memberships have two, a
 * resource one per id of its chain and one for its key.
 */
static inline bool
sigs_ok(const uint32 *sig, int n)
{
	for (int i = 0; i < n; i++)
		if (!sig_ok(sig[i]))
			return false;
	return true;
}

static inline bool
role_usable(const RbacRole *r)
{
	return query_current || sigs_ok(r->sig, lengthof(r->sig));
}

static bool
member_usable(const RbacMember *m)
{
	if (query_current)
		return true;
	if (!sigs_ok(m->sig, lengthof(m->sig)))
		return false;
	for (int i = 0; i < m->nroles; i++)
		if (!role_usable(m->roles[i]))
			return false;
	if (m->assigned != NULL)
		for (int i = 0; i < m->assigned->n; i++)
			for (int j = 0; j < m->assigned->list[i]->nroles; j++)
				if (!role_usable(m->assigned->list[i]->roles[j]))
					return false;
	return true;
}

static inline bool
resource_usable(const RbacResource *r)
{
	return query_current || sigs_ok(r->sig, r->nsig);
}

static inline bool
permtype_usable(const RbacPermType *p)
{
	return query_current || sig_ok(p->sig);
}

/* Free an entry's memory. */
static void
free_role(RbacRole *r)
{
	for (int i = 0; i < r->nexact; i++)
		pfree(r->exact[i]);
	for (int i = 0; i < r->nwild; i++)
		pfree(r->wild[i]);
	if (r->exact)
	{
		pfree(r->exact);
		pfree(r->exact_len);
		pfree(r->exact_hash);
	}
	if (r->wild)
	{
		pfree(r->wild);
		pfree(r->wild_len);
	}
	if (r->exact_tab)
		keytab_destroy(r->exact_tab);
	pfree(r);
}

/* Free a membership's role assignments. */
static void
free_assignments(RbacAssignments *a)
{
	for (int i = 0; i < a->n; i++)
	{
		if (a->list[i]->roles)
			pfree(a->list[i]->roles);
		pfree(a->list[i]);
	}
	if (a->list)
		pfree(a->list);
	keytab_destroy(a->tab);
	pfree(a);
}

static void
free_member(RbacMember *m)
{
	if (m->roles)
		pfree(m->roles);
	if (m->membership_id)
		pfree(m->membership_id);
	if (m->assigned)
		free_assignments(m->assigned);
	pfree(m);
}

static void
free_resource(RbacResource *r)
{
	for (int i = 0; i < r->depth; i++)
		pfree(r->ids[i]);
	if (r->ids)
	{
		pfree(r->ids);
		pfree(r->id_len);
		pfree(r->id_hash);
	}
	if (r->sig)
		pfree(r->sig);
	pfree(r);
}

static void
free_permtype(RbacPermType *p)
{
	if (p->type)
		pfree(p->type);
	pfree(p);
}

/* Empty the whole cache. */
static void
cache_reset(void)
{
	if (cache_cxt == NULL)
	{
		cache_cxt = AllocSetContextCreate(CacheMemoryContext, "rbac cache",
										  ALLOCSET_DEFAULT_SIZES);
		/*
		 * What changed before this backend listened is unknown: a snapshot
		 * may share entries only once it sees a reference taken from now on
		 * (an imported older snapshot does not).
		 */
		full_epoch = epoch;
	}
	else
	{
		MemoryContextReset(cache_cxt);
		stats.resets++;
	}
	shared_roles = keytab_create(cache_cxt, 256, NULL);
	shared_members = keytab_create(cache_cxt, 256, NULL);
	shared_resources = keytab_create(cache_cxt, 256, NULL);
	shared_permtypes = keytab_create(cache_cxt, 64, NULL);
	overlay_roles = keytab_create(cache_cxt, 16, NULL);
	overlay_members = keytab_create(cache_cxt, 16, NULL);
	overlay_resources = keytab_create(cache_cxt, 16, NULL);
	overlay_permtypes = keytab_create(cache_cxt, 16, NULL);
	npending = 0;
	pending_full = false;
	/* call sites' memos were computed from what is gone */
	rbac_generation++;
}

/*
 * Forget every shared resource (their chains): nothing else points at
 * them, and the answers the call sites keep stay true.
 */
static void
resources_empty(void)
{
	keytab_iterator it;
	KeySlot    *s;

	keytab_start_iterate(shared_resources, &it);
	while ((s = keytab_iterate(shared_resources, &it)) != NULL)
		free_resource(s->entry);
	keytab_reset(shared_resources);
	stats.resets++;
}

/* Empty the overlay (memberships first: they point to roles). */
static void
overlay_empty(void)
{
	keytab_iterator it;
	KeySlot    *s;

	keytab_start_iterate(overlay_resources, &it);
	while ((s = keytab_iterate(overlay_resources, &it)) != NULL)
		free_resource(s->entry);
	keytab_reset(overlay_resources);
	keytab_start_iterate(overlay_permtypes, &it);
	while ((s = keytab_iterate(overlay_permtypes, &it)) != NULL)
		free_permtype(s->entry);
	keytab_reset(overlay_permtypes);
	keytab_start_iterate(overlay_members, &it);
	while ((s = keytab_iterate(overlay_members, &it)) != NULL)
		free_member(s->entry);
	keytab_reset(overlay_members);
	keytab_start_iterate(overlay_roles, &it);
	while ((s = keytab_iterate(overlay_roles, &it)) != NULL)
		free_role(s->entry);
	keytab_reset(overlay_roles);
	rbac_generation++;
}

static int
uint32_cmp(const void *a, const void *b)
{
	uint32		x = *(const uint32 *) a;
	uint32		y = *(const uint32 *) b;

	return x < y ? -1 : x > y ? 1 : 0;
}

/* Is this signature among the pending ones (sorted)? */
static inline bool
is_pending(uint32 sig)
{
	return sig != 0 &&
		bsearch(&sig, pending, npending, sizeof(uint32), uint32_cmp) != NULL;
}

/* ... any of an entry's signatures? */
static bool
any_pending(const uint32 *sig, int n)
{
	for (int i = 0; i < n; i++)
		if (is_pending(sig[i]))
			return true;
	return false;
}

/* Evict the roles of one table whose signatures are pending; mark them dead. */
static List *
evict_roles(keytab_hash *tab, List *dead)
{
	keytab_iterator it;
	KeySlot    *s;

	keytab_start_iterate(tab, &it);
	while ((s = keytab_iterate(tab, &it)) != NULL)
	{
		RbacRole   *r = s->entry;

		if (any_pending(r->sig, lengthof(r->sig)))
		{
			r->dead = true;
			dead = lappend(dead, r);
			keytab_delete_item(tab, s);
		}
	}
	return dead;
}

/* Evict the memberships whose signatures are pending or whose roles are dead. */
static void
evict_members(keytab_hash *tab)
{
	keytab_iterator it;
	KeySlot    *s;

	keytab_start_iterate(tab, &it);
	while ((s = keytab_iterate(tab, &it)) != NULL)
	{
		RbacMember *m = s->entry;
		bool		evict = any_pending(m->sig, lengthof(m->sig));

		for (int i = 0; i < m->nroles && !evict; i++)
			evict = m->roles[i]->dead;
		/* the roles of its assignments too */
		for (int i = 0; m->assigned != NULL && i < m->assigned->n && !evict; i++)
			for (int j = 0; j < m->assigned->list[i]->nroles && !evict; j++)
				evict = m->assigned->list[i]->roles[j]->dead;
		if (evict)
		{
			keytab_delete_item(tab, s);
			free_member(m);
			stats.evictions++;
		}
	}
}

/* Evict the resources whose signatures (key, any id of the chain) are pending. */
static void
evict_resources(keytab_hash *tab)
{
	keytab_iterator it;
	KeySlot    *s;

	keytab_start_iterate(tab, &it);
	while ((s = keytab_iterate(tab, &it)) != NULL)
	{
		RbacResource *r = s->entry;

		if (any_pending(r->sig, r->nsig))
		{
			keytab_delete_item(tab, s);
			free_resource(r);
			stats.evictions++;
		}
	}
}

/* Evict the permission types whose signatures are pending. */
static void
evict_permtypes(keytab_hash *tab)
{
	keytab_iterator it;
	KeySlot    *s;

	keytab_start_iterate(tab, &it);
	while ((s = keytab_iterate(tab, &it)) != NULL)
	{
		RbacPermType *p = s->entry;

		if (is_pending(p->sig))
		{
			keytab_delete_item(tab, s);
			free_permtype(p);
			stats.evictions++;
		}
	}
}

/* Evict the entries that depend on the pending signatures. */
static void
apply_pending(void)
{
	List	   *dead = NIL;
	ListCell   *lc;

	qsort(pending, npending, sizeof(uint32), uint32_cmp);
	dead = evict_roles(shared_roles, dead);
	dead = evict_roles(overlay_roles, dead);
	evict_members(shared_members);
	evict_members(overlay_members);
	evict_resources(shared_resources);
	evict_resources(overlay_resources);
	evict_permtypes(shared_permtypes);
	evict_permtypes(overlay_permtypes);
	foreach(lc, dead)
	{
		free_role(lfirst(lc));
		stats.evictions++;
	}
	list_free(dead);
	npending = 0;
}

/*
 * Prepare the cache for a lookup at an entry point, for the query running
 * now: the catalog's OIDs known, what changed evicted, the overlay that of
 * the query's snapshot, which later loads read under.  Called only at the
 * entry points, never while an entry is being loaded.  False if rbac's
 * catalog cannot be found.
 */
static bool
cache_enter(void)
{
	SnapKey		key = snap_key();

	/*
	 * A new snapshot: first read what other backends committed, as a
	 * statement's first table lock would (a check whose entries are all
	 * cached takes no lock, and would otherwise answer the next statement of
	 * a transaction from before a change that statement's SQL sees).
	 */
	if (!snap_key_equal(&key, &last_key))
	{
		AcceptInvalidationMessages();
		last_key = key;
	}
	if (!catalog_lookup())
		return false;
	if (cache_cxt == NULL || pending_full || cache_entries() >= RBAC_CACHE_MAX_ENTRIES)
		cache_reset();
	else
	{
		if (npending > 0)
			apply_pending();
		if (shared_resources->members + overlay_resources->members >= RBAC_RESOURCE_MAX_ENTRIES)
		{
			if (overlay_resources->members > 0)
				overlay_empty();
			resources_empty();
		}
	}
	if (!snap_key_equal(&overlay_key, &key) &&
		(overlay_roles->members > 0 || overlay_members->members > 0 ||
		 overlay_resources->members > 0 || overlay_permtypes->members > 0))
		overlay_empty();
	overlay_key = key;
	query_epoch = snapshot_epoch(&key);
	query_current = (query_epoch >= epoch);
	load_snapshot = key.snap;
	return true;
}

/*
 * An entry from the overlay was used: the answer holds for this snapshot
 * only, so no call site may keep it.
 */
static inline void
used_overlay(void)
{
	rbac_generation++;
}

/*
 * The overlay's entry for a key, if the query may not use the shared one
 * and the overlay has it (the answer then holds for this snapshot only).
 */
static void *
overlay_find(keytab_hash *overlay, KeyRef k, uint32 hash)
{
	KeySlot    *o;

	if (query_current)
		return NULL;
	o = keytab_lookup_hash(overlay, k, hash);
	if (o == NULL)
		return NULL;
	used_overlay();
	return o->entry;
}

/*
 * Keep a new entry, under a key that points at the entry's own bytes: in
 * the shared table, or in the overlay (for this snapshot only).
 */
static void
cache_put(keytab_hash *shared, keytab_hash *overlay, bool to_shared, KeyRef k,
		  uint32 hash, void *entry)
{
	bool		found;
	KeySlot    *slot = keytab_insert_hash(to_shared ? shared : overlay, k, hash, &found);

	Assert(!found);
	slot->entry = entry;
	if (!to_shared)
		used_overlay();
}

/* A text datum for a scan key. */
static Datum
text_datum(const char *s, int len)
{
	return PointerGetDatum(cstring_to_text_with_len(s, len));
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
	ScanKeyData key[RBAC_MAX_INDEX_KEYS];
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

/* Add one granted permission slug to a role entry. */
static void
add_grant(RbacRole *r, const char *s, int len)
{
	char	   *copy = MemoryContextAlloc(cache_cxt, len + 1);

	memcpy(copy, s, len);
	copy[len] = '\0';
	if (rbac_slug_has_wildcard(s, len))
	{
		if (r->nwild == r->cap_wild)
		{
			r->cap_wild = r->cap_wild ? r->cap_wild * 2 : 4;
			r->wild = r->wild ? repalloc(r->wild, r->cap_wild * sizeof(char *)) :
				MemoryContextAlloc(cache_cxt, r->cap_wild * sizeof(char *));
			r->wild_len = r->wild_len ? repalloc(r->wild_len, r->cap_wild * sizeof(int)) :
				MemoryContextAlloc(cache_cxt, r->cap_wild * sizeof(int));
		}
		r->wild[r->nwild] = copy;
		r->wild_len[r->nwild] = len;
		r->nwild++;
	}
	else
	{
		if (r->nexact == r->cap_exact)
		{
			r->cap_exact = r->cap_exact ? r->cap_exact * 2 : 8;
			r->exact = r->exact ? repalloc(r->exact, r->cap_exact * sizeof(char *)) :
				MemoryContextAlloc(cache_cxt, r->cap_exact * sizeof(char *));
			r->exact_len = r->exact_len ? repalloc(r->exact_len, r->cap_exact * sizeof(int)) :
				MemoryContextAlloc(cache_cxt, r->cap_exact * sizeof(int));
			r->exact_hash = r->exact_hash ? repalloc(r->exact_hash, r->cap_exact * sizeof(uint32)) :
				MemoryContextAlloc(cache_cxt, r->cap_exact * sizeof(uint32));
		}
		r->exact[r->nexact] = copy;
		r->exact_len[r->nexact] = len;
		r->exact_hash[r->nexact] = rbac_hash_slug(s, len);
		r->nexact++;
	}
}

/* Index a role's exact grants by slug when there are many. */
static void
index_exact(RbacRole *r)
{
	if (r->nexact <= RBAC_EXACT_LINEAR_MAX)
		return;
	r->exact_tab = keytab_create(cache_cxt, r->nexact, NULL);
	for (int i = 0; i < r->nexact; i++)
	{
		KeyRef		k = {NULL, r->exact[i], -1, r->exact_len[i]};
		bool		found;

		keytab_insert_hash(r->exact_tab, k, r->exact_hash[i], &found);
	}
}

/* scan callback: one grant of the role */
static void
grant_tuple(HeapTuple tup, TupleDesc desc, void *arg)
{
	RbacRole   *r = (RbacRole *) arg;
	bool		isnull;
	Datum		d = heap_getattr(tup, catalog.atts[C_RP_SLUG], desc, &isnull);
	text	   *t;

	if (isnull)
		return;
	t = DatumGetTextPP(d);
	add_grant(r, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
}

/* Read the grants of the role with this id into the entry. */
static void
load_grants(RbacRole *r, Datum role_id)
{
	Datum		values[1] = {role_id};

	if (!scan_text_keys(I_RP_PKEY, values, grant_tuple, r))
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

/* The signature of a text id (role or membership id). */
static uint32
id_signature(SigKind kind, Datum id)
{
	text	   *t = DatumGetTextPP(id);

	return sig_of(kind, rbac_hash_bytes_keyed(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), SIG_KEY));
}

/* Read one role and its grants from the catalog into a new entry. */
static void
load_role(RbacRole *r, const char *org, int orglen, const char *slug, int slen)
{
	FirstId		role = {catalog.atts[C_ROLE_ID], 0, (Datum) 0};
	Datum		values[2];

	stats.loads++;
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
	r->sig[1] = id_signature(SIG_ROLE_ID, role.id);
	load_grants(r, role.id);
}

/* The table hash of a role key, from the slug's hash. */
static inline uint32
role_key_hash(const char *org, int orglen, uint32 slug_hash)
{
	if (orglen < 0)
		return slug_hash;
	return (slug_hash ^ 0x9E3779B9U) ^
		(rbac_hash_bytes(org, orglen) * 0x85EBCA6BU + 0xC2B2AE35U);
}

/*
 * A role entry, loaded on first use: the shared one if the query may use
 * it, else the overlay's.  A new entry goes to the shared table if none is
 * there and the query may share what it read.
 */
static RbacRole *
role_lookup(const char *org, int orglen, const char *slug, int slen,
			uint32 slug_hash)
{
	int			olen = orglen > 0 ? orglen : 0;
	uint32		hash = role_key_hash(org, orglen, slug_hash);
	KeyRef		k = {org, slug, orglen, slen};
	KeySlot    *s = keytab_lookup_hash(shared_roles, k, hash);
	void	   *found_entry;
	RbacRole   *r;
	bool		to_shared;

	if (s != NULL && role_usable(s->entry))
		return s->entry;
	if ((found_entry = overlay_find(overlay_roles, k, hash)) != NULL)
		return found_entry;

	r = MemoryContextAllocZero(cache_cxt, offsetof(RbacRole, key) + olen + slen);
	r->orglen = orglen;
	r->slen = slen;
	if (olen > 0)
		memcpy(r->key, org, olen);
	memcpy(r->key + olen, slug, slen);
	r->sig[0] = sig_of(SIG_ROLE, rbac_hash_pair_keyed(org, orglen, slug, slen, SIG_KEY));
	/* an error leaves r to the reset that the entry point then asks for */
	load_role(r, org, orglen, slug, slen);

	to_shared = (s == NULL && role_usable(r));
	r->overlay = !to_shared;
	k.a = r->key;
	k.b = r->key + olen;
	cache_put(shared_roles, overlay_roles, to_shared, k, hash, r);
	return r;
}

/*
 * The entry for a role: an organization's role when orglen >= 0, else an
 * environment role.  slug_hash is rbac_hash_slug(slug, slen).  Never NULL;
 * the entry's "found" says whether the role exists.
 */
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
		/* whatever was read half: start over next time */
		pending_full = true;
		PG_RE_THROW();
	}
	PG_END_TRY();
	return r;
}

/* scan callback: one role of the membership, by id */
static void
member_role_id(HeapTuple tup, TupleDesc desc, void *arg)
{
	List	  **ids = (List **) arg;
	Datum		id = text_column(tup, desc, catalog.atts[C_MR_ROLE]);

	if (id != (Datum) 0)
		*ids = lappend(*ids, DatumGetPointer(id));
}

/* A list of role entries being collected (a membership's, an assignment's). */
typedef struct RoleList
{
	int		   *n;
	int		   *cap;
	RbacRole ***roles;
} RoleList;

/* scan callback: a role tuple found by id, added to a list */
static void
list_role(HeapTuple tup, TupleDesc desc, void *arg)
{
	RoleList   *m = (RoleList *) arg;
	Datum		slug = text_column(tup, desc, catalog.atts[C_ROLE_SLUG]);
	Datum		org = text_column(tup, desc, catalog.atts[C_ROLE_ORG]);
	text	   *st;
	const char *os = NULL;
	int			olen = -1;
	RbacRole   *r;

	if (slug == (Datum) 0)
		return;
	st = DatumGetTextPP(slug);
	if (org != (Datum) 0)
	{
		text	   *ot = DatumGetTextPP(org);

		os = VARDATA_ANY(ot);
		olen = VARSIZE_ANY_EXHDR(ot);
	}
	r = role_lookup(os, olen, VARDATA_ANY(st), VARSIZE_ANY_EXHDR(st),
					rbac_hash_slug(VARDATA_ANY(st), VARSIZE_ANY_EXHDR(st)));
	if (*m->n == *m->cap)
	{
		*m->cap = *m->cap ? *m->cap * 2 : 4;
		*m->roles = *m->roles ?
			repalloc(*m->roles, *m->cap * sizeof(RbacRole *)) :
			MemoryContextAlloc(cache_cxt, *m->cap * sizeof(RbacRole *));
	}
	(*m->roles)[(*m->n)++] = r;
}

/* Read a membership and its roles from the catalog into a new entry. */
static void
load_member(RbacMember *m, const char *user, int ulen, const char *org, int olen)
{
	FirstId		membership = {catalog.atts[C_M_ID], 0, (Datum) 0};
	Datum		values[2] = {text_datum(user, ulen), text_datum(org, olen)};
	List	   *ids = NIL;
	ListCell   *lc;

	stats.loads++;
	scan_text_keys(I_M_USER_ORG, values, first_id, &membership);
	if (membership.id == (Datum) 0)
		return;
	m->found = true;
	m->sig[1] = id_signature(SIG_MEMBERSHIP, membership.id);
	{
		text	   *t = DatumGetTextPP(membership.id);

		m->mid_len = VARSIZE_ANY_EXHDR(t);
		m->membership_id = MemoryContextAlloc(cache_cxt, m->mid_len + 1);
		memcpy(m->membership_id, VARDATA_ANY(t), m->mid_len);
		m->membership_id[m->mid_len] = '\0';
	}
	values[0] = membership.id;
	scan_text_keys(I_MR_PKEY, values, member_role_id, &ids);
	foreach(lc, ids)
	{
		RoleList	list = {&m->nroles, &m->cap, &m->roles};

		values[0] = PointerGetDatum(lfirst(lc));
		scan_text_keys(I_ROLE_PKEY, values, list_role, &list);
	}
}

/*
 * The entry for a user's membership in an organization, loaded on first
 * use, shared or in the overlay as for roles.  Never NULL; "found" says
 * whether the user is a member.
 */
static RbacMember *
member_lookup(const char *user, int ulen, const char *org, int olen)
{
	uint32		hash;
	KeyRef		k = {user, org, ulen, olen};
	KeySlot    *s;
	void	   *found_entry;
	RbacMember *m;
	bool		to_shared;

	hash = rbac_hash_pair(user, ulen, org, olen);
	s = keytab_lookup_hash(shared_members, k, hash);
	if (s != NULL && member_usable(s->entry))
		return s->entry;
	if ((found_entry = overlay_find(overlay_members, k, hash)) != NULL)
		return found_entry;

	m = MemoryContextAllocZero(cache_cxt, offsetof(RbacMember, key) + ulen + olen);
	m->ulen = ulen;
	m->olen = olen;
	memcpy(m->key, user, ulen);
	memcpy(m->key + ulen, org, olen);
	m->sig[0] = sig_of(SIG_MEMBER, rbac_hash_pair_keyed(user, ulen, org, olen, SIG_KEY));
	load_member(m, user, ulen, org, olen);

	to_shared = (s == NULL && member_usable(m));
	for (int i = 0; i < m->nroles && to_shared; i++)
		to_shared = !m->roles[i]->overlay;
	m->overlay = !to_shared;
	k.a = m->key;
	k.b = m->key + ulen;
	cache_put(shared_members, overlay_members, to_shared, k, hash, m);
	return m;
}

RbacMember *
rbac_cache_member(const char *user, int ulen, const char *org, int olen)
{
	static RbacMember none;
	RbacMember *m = NULL;

	if (!cache_enter())
		return &none;
	PG_TRY();
	{
		m = member_lookup(user, ulen, org, olen);
	}
	PG_CATCH();
	{
		/* whatever was read half: start over next time */
		pending_full = true;
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

/* Does the role have an exact grant (no wildcard) of this slug? */
static inline bool
rbac_role_grants_exact(const RbacRole *r, const char *perm, int plen, uint32 phash)
{
	if (r->exact_tab != NULL)
	{
		KeyRef		k = {NULL, perm, -1, plen};

		return keytab_lookup_hash(r->exact_tab, k, phash) != NULL;
	}
	for (int i = 0; i < r->nexact; i++)
		if (r->exact_hash[i] == phash && r->exact_len[i] == plen &&
			memcmp(r->exact[i], perm, plen) == 0)
			return true;
	return false;
}

/* Does the role grant the requested permission slug (hash precomputed)? */
static bool
rbac_role_grants(const RbacRole *r, const char *perm, int plen, uint32 phash)
{
	if (!r->found)
		return false;
	if (rbac_role_grants_exact(r, perm, plen, phash))
		return true;
	for (int i = 0; i < r->nwild; i++)
		if (rbac_permission_matches(r->wild[i], r->wild_len[i], perm, plen))
			return true;
	return false;
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
 * The one rule of which role a slug names.  orglen < 0: no organization,
 * the slug names an environment role; orglen 0: an empty organization id,
 * which is none: no role (false).  With an organization, a slug that
 * begins with "org-" names that organization's role, any other an
 * environment role (*orglen set to -1).
 */
static inline bool
slug_names_role(const char *slug, int slen, int *orglen)
{
	/* an empty organization id is no organization; an id has at most 128
	 * characters of at most 4 bytes each */
	if (*orglen == 0 || *orglen > RBAC_ORG_ID_MAX_LEN * 4)
		return false;
	if (*orglen >= 0 && (slen < 4 || memcmp(slug, "org-", 4) != 0))
		*orglen = -1;
	return true;
}

/*
 * Does the role named by this slug (slug_names_role) grant the permission?
 * The slug and the permission are valid, with their hashes.
 */
bool
rbac_check_role(const char *slug, int slen, uint32 slug_hash,
				const char *org, int orglen,
				const char *perm, int plen, uint32 phash)
{
	if (!slug_names_role(slug, slen, &orglen))
		return false;
	return rbac_role_grants(rbac_cache_role(org, orglen, slug, slen, slug_hash),
							perm, plen, phash);
}

/*
 * Checks on resources (SPEC 7).  A grant g covers permission p on resource
 * r when g matches p, the permission row of g has r's type, and g is held
 * through a role assigned on r or an ancestor of r, or through the
 * membership's own roles (the organization root).  Three more kinds of
 * entries serve them, with the discipline of roles and memberships: a
 * resource's chain of ids (RbacResource), a membership's role assignments
 * (in its RbacMember, loaded at its first check on a resource) and the
 * resource type of a granted slug (RbacPermType).
 */

/* The second part of a resource's key: type slug, NUL, external id. */
static int
resource_key_tail(char *buf, const char *type, int tlen, const char *ext, int elen)
{
	memcpy(buf, type, tlen);
	buf[tlen] = '\0';
	memcpy(buf + tlen + 1, ext, elen);
	return tlen + 1 + elen;
}

/* Where resource_row keeps what it finds. */
typedef struct ResourceRow
{
	Datum		id;				/* copies of the first tuple's id ... */
	Datum		parent;			/* ... and parent_resource_id (0: NULL) */
	bool		seen;
} ResourceRow;

/* scan callback: the id and parent of the first resource tuple */
static void
resource_row(HeapTuple tup, TupleDesc desc, void *arg)
{
	ResourceRow *r = (ResourceRow *) arg;

	if (r->seen)
		return;
	r->id = text_column(tup, desc, catalog.atts[C_R_ID]);
	r->parent = text_column(tup, desc, catalog.atts[C_R_PARENT]);
	r->seen = (r->id != (Datum) 0);
}

/* A chain being walked: ids and their signatures, in the caller's memory. */
typedef struct Chain
{
	int			depth;
	text	   *ids[RBAC_CHAIN_MAX];
	int			nsig;
	uint32		sig[RBAC_CHAIN_MAX + 2];
} Chain;

/* Is this id already in the chain? */
static bool
chain_has(const Chain *c, Datum id)
{
	text	   *t = DatumGetTextPP(id);

	for (int i = 0; i < c->depth; i++)
		if (VARSIZE_ANY_EXHDR(c->ids[i]) == VARSIZE_ANY_EXHDR(t) &&
			memcmp(VARDATA_ANY(c->ids[i]), VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t)) == 0)
			return true;
	return false;
}

/* Walk from a resource row up to the root; true if it gets there. */
static bool
walk_chain(Chain *c, ResourceRow row)
{
	Datum		values[1];
	Datum		parent;

	c->sig[c->nsig++] = id_signature(SIG_RESOURCE_ID, row.id);
	c->ids[c->depth++] = DatumGetTextPP(row.id);
	parent = row.parent;
	while (parent != (Datum) 0)
	{
		/* too long, or a cycle (which the triggers forbid): unknown */
		if (c->depth == RBAC_CHAIN_MAX || chain_has(c, parent))
			return false;
		c->sig[c->nsig++] = id_signature(SIG_RESOURCE_ID, parent);
		memset(&row, 0, sizeof(row));
		values[0] = parent;
		scan_text_keys(I_R_PKEY, values, resource_row, &row);
		if (!row.seen)
			return false;		/* a parent this snapshot does not see */
		c->ids[c->depth++] = DatumGetTextPP(row.id);
		parent = row.parent;
	}
	return true;
}

/*
 * Read a resource and its chain up to the root: "found" only for a chain
 * that ends at the organization within RBAC_CHAIN_MAX resources.  Every id
 * looked up adds its signature, so that a change to any row the walk read
 * (a move, a deletion, a creation of the id it missed) evicts the entry.
 */
static void
load_resource(RbacResource *r, const char *org, int olen, const char *type, int tlen,
			  const char *ext, int elen, uint32 key_hash)
{
	ResourceRow row = {0, 0, false};
	Datum		values[3] = {text_datum(org, olen), text_datum(type, tlen),
	text_datum(ext, elen)};
	Chain	   *c = palloc(sizeof(Chain));

	stats.loads++;
	c->depth = 0;
	c->nsig = 0;
	c->sig[c->nsig++] = sig_of(SIG_RESOURCE,
							   resource_key_hash_keyed(org, olen, type, tlen, ext, elen, SIG_KEY));
	if (catalog.resources)
	{
		scan_text_keys(I_R_KEY, values, resource_row, &row);
		r->found = row.seen && walk_chain(c, row);
	}
	r->nsig = c->nsig;
	r->sig = MemoryContextAlloc(cache_cxt, c->nsig * sizeof(uint32));
	memcpy(r->sig, c->sig, c->nsig * sizeof(uint32));
	if (r->found)
	{
		r->ids = MemoryContextAlloc(cache_cxt, c->depth * sizeof(char *));
		r->id_len = MemoryContextAlloc(cache_cxt, c->depth * sizeof(int));
		r->id_hash = MemoryContextAlloc(cache_cxt, c->depth * sizeof(uint32));
		for (int i = 0; i < c->depth; i++)
		{
			int			len = VARSIZE_ANY_EXHDR(c->ids[i]);

			r->ids[i] = MemoryContextAlloc(cache_cxt, len + 1);
			memcpy(r->ids[i], VARDATA_ANY(c->ids[i]), len);
			r->ids[i][len] = '\0';
			r->id_len[i] = len;
			r->id_hash[i] = rbac_hash_slug(r->ids[i], len);
		}
		r->depth = c->depth;
	}
	pfree(c);
}

/*
 * A resource entry, loaded on first use: shared or in the overlay as for
 * roles.  Never NULL; "found" says whether the resource is known.
 */
static RbacResource *
resource_lookup(const char *org, int olen, const char *type, int tlen,
				const char *ext, int elen)
{
	char		tail[RBAC_SLUG_MAX_LEN + 1 + RBAC_EXTERNAL_ID_MAX_LEN];
	int			klen = resource_key_tail(tail, type, tlen, ext, elen);
	uint32		hash = resource_key_hash(org, olen, type, tlen, ext, elen);
	KeyRef		k = {org, tail, olen, klen};
	KeySlot    *s = keytab_lookup_hash(shared_resources, k, hash);
	void	   *found_entry;
	RbacResource *r;
	bool		to_shared;

	if (s != NULL && resource_usable(s->entry))
		return s->entry;
	if ((found_entry = overlay_find(overlay_resources, k, hash)) != NULL)
		return found_entry;

	r = MemoryContextAllocZero(cache_cxt, offsetof(RbacResource, key) + olen + klen);
	r->olen = olen;
	r->klen = klen;
	memcpy(r->key, org, olen);
	memcpy(r->key + olen, tail, klen);
	load_resource(r, org, olen, type, tlen, ext, elen, hash);

	to_shared = (s == NULL && resource_usable(r));
	r->overlay = !to_shared;
	k.a = r->key;
	k.b = r->key + olen;
	cache_put(shared_resources, overlay_resources, to_shared, k, hash, r);
	return r;
}

/* scan callback: the resource type of the first permission tuple */
static void
permission_type(HeapTuple tup, TupleDesc desc, void *arg)
{
	Datum	   *type = (Datum *) arg;

	if (*type == (Datum) 0)
		*type = text_column(tup, desc, catalog.atts[C_P_TYPE]);
}

/* The resource type of the permission with this slug (slug_hash its rbac_hash_slug). */
static RbacPermType *
permtype_lookup(const char *slug, int slen, uint32 slug_hash)
{
	KeyRef		k = {NULL, slug, -1, slen};
	KeySlot    *s = keytab_lookup_hash(shared_permtypes, k, slug_hash);
	void	   *found_entry;
	RbacPermType *p;
	Datum		values[1];
	Datum		type = (Datum) 0;
	bool		to_shared;

	if (s != NULL && permtype_usable(s->entry))
		return s->entry;
	if ((found_entry = overlay_find(overlay_permtypes, k, slug_hash)) != NULL)
		return found_entry;

	p = MemoryContextAllocZero(cache_cxt, offsetof(RbacPermType, key) + slen);
	p->slen = slen;
	memcpy(p->key, slug, slen);
	p->sig = sig_of(SIG_PERMISSION, rbac_hash_bytes_keyed(slug, slen, SIG_KEY));
	stats.loads++;
	values[0] = text_datum(slug, slen);
	scan_text_keys(I_P_SLUG, values, permission_type, &type);
	if (type != (Datum) 0)
	{
		text	   *t = DatumGetTextPP(type);

		p->found = true;
		p->tlen = VARSIZE_ANY_EXHDR(t);
		p->type = MemoryContextAlloc(cache_cxt, p->tlen + 1);
		memcpy(p->type, VARDATA_ANY(t), p->tlen);
		p->type[p->tlen] = '\0';
	}

	to_shared = (s == NULL && permtype_usable(p));
	p->overlay = !to_shared;
	k.b = p->key;
	cache_put(shared_permtypes, overlay_permtypes, to_shared, k, slug_hash, p);
	return p;
}

/* Is the permission row of this granted slug of this resource type? */
static bool
grant_has_type(const char *g, int glen, uint32 ghash, const char *type, int tlen)
{
	RbacPermType *p = permtype_lookup(g, glen, ghash);

	return p->found && p->tlen == tlen && memcmp(p->type, type, tlen) == 0;
}

/*
 * Does the role hold a grant that covers the permission on a resource of
 * this type?  An exact grant is the permission's own slug; a wildcard grant
 * counts through its own permission row.
 */
static bool
role_grants_on_type(const RbacRole *r, const char *perm, int plen, uint32 phash,
					const char *type, int tlen)
{
	if (!r->found)
		return false;
	if (rbac_role_grants_exact(r, perm, plen, phash) &&
		grant_has_type(perm, plen, phash, type, tlen))
		return true;
	for (int i = 0; i < r->nwild; i++)
		if (rbac_permission_matches(r->wild[i], r->wild_len[i], perm, plen) &&
			grant_has_type(r->wild[i], r->wild_len[i],
						   rbac_hash_slug(r->wild[i], r->wild_len[i]), type, tlen))
			return true;
	return false;
}

/* Where assignment_row keeps what it finds. */
typedef struct AssignmentRows
{
	List	   *resources;		/* copies of resource_id ... */
	List	   *roles;			/* ... and role_id, pairwise */
} AssignmentRows;

/* scan callback: one role assignment of the membership */
static void
assignment_row(HeapTuple tup, TupleDesc desc, void *arg)
{
	AssignmentRows *a = (AssignmentRows *) arg;
	Datum		res = text_column(tup, desc, catalog.atts[C_RA_RESOURCE]);
	Datum		role = text_column(tup, desc, catalog.atts[C_RA_ROLE]);

	if (res == (Datum) 0 || role == (Datum) 0)
		return;
	a->resources = lappend(a->resources, DatumGetPointer(res));
	a->roles = lappend(a->roles, DatumGetPointer(role));
}

/* The entry of the resource with this id in a set of assignments, made if missing. */
static RbacAssigned *
assigned_for(RbacAssignments *a, const char *id, int len)
{
	uint32		hash = rbac_hash_slug(id, len);
	KeyRef		k = {NULL, id, -1, len};
	KeySlot    *s = keytab_lookup_hash(a->tab, k, hash);
	RbacAssigned *x;
	bool		found;

	if (s != NULL)
		return s->entry;
	x = MemoryContextAllocZero(cache_cxt, offsetof(RbacAssigned, id) + len);
	x->idlen = len;
	memcpy(x->id, id, len);
	if (a->n == a->cap)
	{
		a->cap = a->cap ? a->cap * 2 : 8;
		a->list = a->list ? repalloc(a->list, a->cap * sizeof(RbacAssigned *)) :
			MemoryContextAlloc(cache_cxt, a->cap * sizeof(RbacAssigned *));
	}
	a->list[a->n++] = x;
	k.b = x->id;
	s = keytab_insert_hash(a->tab, k, hash, &found);
	s->entry = x;
	return x;
}

/*
 * Read a membership's role assignments: resource id -> roles, the roles
 * through role_lookup as a membership's own.
 */
static RbacAssignments *
load_assignments(RbacMember *m)
{
	RbacAssignments *a = MemoryContextAllocZero(cache_cxt, sizeof(RbacAssignments));
	AssignmentRows rows = {NIL, NIL};
	Datum		values[1];
	ListCell   *lr,
			   *lo;

	stats.loads++;
	a->tab = keytab_create(cache_cxt, 8, NULL);
	if (!catalog.resources || m->membership_id == NULL)
		return a;
	values[0] = text_datum(m->membership_id, m->mid_len);
	scan_text_keys(I_RA_MEMBERSHIP, values, assignment_row, &rows);
	forboth(lr, rows.resources, lo, rows.roles)
	{
		text	   *rt = (text *) lfirst(lr);
		RbacAssigned *x = assigned_for(a, VARDATA_ANY(rt), VARSIZE_ANY_EXHDR(rt));
		RoleList	list = {&x->nroles, &x->cap, &x->roles};

		values[0] = PointerGetDatum(lfirst(lo));
		scan_text_keys(I_ROLE_PKEY, values, list_role, &list);
	}
	return a;
}

/*
 * The membership's role assignments, loaded at its first check on a
 * resource.  A shared membership points at shared roles only: if one of
 * its assignments' roles is in the overlay, the assignments are not kept
 * in it (*temporary: the caller frees them after its answer, which holds
 * for this snapshot only).
 */
static RbacAssignments *
member_assignments(RbacMember *m, bool *temporary)
{
	RbacAssignments *a;
	bool		shared_roles_only = true;

	*temporary = false;
	if (m->assigned != NULL)
		return m->assigned;
	a = load_assignments(m);
	for (int i = 0; i < a->n && shared_roles_only; i++)
		for (int j = 0; j < a->list[i]->nroles && shared_roles_only; j++)
			shared_roles_only = !a->list[i]->roles[j]->overlay;
	if (!m->overlay && !shared_roles_only)
	{
		*temporary = true;
		used_overlay();
		return a;
	}
	m->assigned = a;
	return a;
}

/* Does any role in the list grant the permission on this type? */
static bool
roles_grant_on_type(RbacRole *const *roles, int n, const char *perm, int plen,
					uint32 phash, const char *type, int tlen)
{
	for (int i = 0; i < n; i++)
		if (role_grants_on_type(roles[i], perm, plen, phash, type, tlen))
			return true;
	return false;
}

/* The body of rbac_member_resource_grants, with the cache entered. */
static bool
member_resource_grants(const char *user, int ulen, const char *org, int olen,
					   const char *perm, int plen, uint32 phash,
					   const char *type, int tlen, const char *ext, int elen)
{
	RbacMember *m = member_lookup(user, ulen, org, olen);
	RbacResource *r;
	RbacAssignments *a;
	bool		temporary;
	bool		result = false;

	if (!m->found)
		return false;
	r = resource_lookup(org, olen, type, tlen, ext, elen);
	if (!r->found)
		return false;
	/* the membership's own roles: assigned on the organization root */
	if (roles_grant_on_type(m->roles, m->nroles, perm, plen, phash, type, tlen))
		return true;
	a = member_assignments(m, &temporary);
	for (int i = 0; i < r->depth && !result && a->n > 0; i++)
	{
		KeyRef		k = {NULL, r->ids[i], -1, r->id_len[i]};
		KeySlot    *s = keytab_lookup_hash(a->tab, k, r->id_hash[i]);

		if (s != NULL)
		{
			RbacAssigned *x = s->entry;

			result = roles_grant_on_type(x->roles, x->nroles, perm, plen, phash, type, tlen);
		}
	}
	if (temporary)
		free_assignments(a);
	return result;
}

/*
 * Does the user's membership in the organization have the permission on
 * the resource of this type and external id?  The arguments are checked
 * here: anything malformed is false.
 */
bool
rbac_member_resource_grants(const char *user, int ulen, const char *org, int olen,
							const char *perm, int plen, uint32 phash,
							const char *type, int tlen, const char *ext, int elen)
{
	bool		result = false;

	if (ulen < 1 || ulen > RBAC_ORG_ID_MAX_LEN * 4 ||
		olen < 1 || olen > RBAC_ORG_ID_MAX_LEN * 4 ||
		!rbac_permission_slug_valid(perm, plen) ||
		!rbac_resource_type_slug_valid(type, tlen) || !rbac_external_id_valid(ext, elen))
		return false;
	if (!cache_enter())
		return false;
	PG_TRY();
	{
		result = member_resource_grants(user, ulen, org, olen, perm, plen, phash,
										type, tlen, ext, elen);
	}
	PG_CATCH();
	{
		/* whatever was read half: start over next time */
		pending_full = true;
		PG_RE_THROW();
	}
	PG_END_TRY();
	return result;
}

/* The body of rbac_roles_resource_grants, with the cache entered. */
static bool
roles_resource_grants(int nroles, char *const *roles, const int *roles_len,
					  const uint32 *roles_hash, const char *org, int olen,
					  const char *perm, int plen, uint32 phash,
					  const char *type, int tlen, const char *ext, int elen)
{
	RbacResource *r = resource_lookup(org, olen, type, tlen, ext, elen);

	if (!r->found)
		return false;
	for (int i = 0; i < nroles; i++)
	{
		int			orglen = olen;

		if (!slug_names_role(roles[i], roles_len[i], &orglen))
			continue;
		if (role_grants_on_type(role_lookup(org, orglen, roles[i], roles_len[i], roles_hash[i]),
								perm, plen, phash, type, tlen))
			return true;
	}
	return false;
}

/*
 * Do any of these roles, bound to the organization, have the permission
 * on its resource?  They count as assigned on the organization's root; the
 * slugs name roles by the rule of rbac_check_role.  No organization (org
 * NULL or empty): false.
 */
bool
rbac_roles_resource_grants(int nroles, char *const *roles, const int *roles_len,
						   const uint32 *roles_hash, const char *org, int olen,
						   const char *perm, int plen, uint32 phash,
						   const char *type, int tlen, const char *ext, int elen)
{
	bool		result = false;

	if (org == NULL || olen < 1 || olen > RBAC_ORG_ID_MAX_LEN * 4 || nroles == 0 ||
		!rbac_permission_slug_valid(perm, plen) ||
		!rbac_resource_type_slug_valid(type, tlen) || !rbac_external_id_valid(ext, elen))
		return false;
	if (!cache_enter())
		return false;
	PG_TRY();
	{
		result = roles_resource_grants(nroles, roles, roles_len, roles_hash, org, olen,
									   perm, plen, phash, type, tlen, ext, elen);
	}
	PG_CATCH();
	{
		pending_full = true;
		PG_RE_THROW();
	}
	PG_END_TRY();
	return result;
}

/*
 * rbac.cache_statistics(): this backend's cache since it started: entries
 * read from the catalog, entries evicted by a change, full resets,
 * invalidation messages processed, and the entries it holds now.
 */
Datum
rbac_cache_statistics(PG_FUNCTION_ARGS)
{
	TupleDesc	desc;
	Datum		values[5];
	bool		nulls[5] = {false, false, false, false, false};
	int			entries = 0;

	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("function returning record called in context that cannot accept type record")));
	if (cache_cxt != NULL)
		entries = cache_entries() + shared_resources->members + overlay_resources->members;
	values[0] = Int64GetDatum(stats.loads);
	values[1] = Int64GetDatum(stats.evictions);
	values[2] = Int64GetDatum(stats.resets);
	values[3] = Int64GetDatum(stats.invalidations);
	values[4] = Int32GetDatum(entries);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(desc), values, nulls)));
}

/*
 * Discovery (rbac.resources_with_permission): the external ids of the
 * resources of a type in an organization on which a member has a
 * permission, by the rule of the checks: every one if the membership's own
 * roles grant it on the type; else those at or below a resource whose
 * assigned roles grant it, found by walking down from each such resource,
 * one index scan of rbac.resource's parent index per resource reached.
 */
typedef struct Discovery
{
	const char *org;
	int			olen;
	const char *type;
	int			tlen;
	List	   *found;			/* text * external ids */
	List	   *queue;			/* text * ids to walk down from (the keys of seen) */
	keytab_hash *seen;			/* the ids reached */
} Discovery;

static bool
text_is(Datum d, const char *s, int len)
{
	text	   *t = DatumGetTextPP(d);

	return VARSIZE_ANY_EXHDR(t) == len && memcmp(VARDATA_ANY(t), s, len) == 0;
}

/* One resource reached: keep its external id if it is of the type, walk on. */
static void
discovery_reach(Discovery *d, Datum id, Datum org, Datum type, Datum ext)
{
	KeyRef		k = {NULL, NULL, -1, 0};
	uint32		hash;
	text	   *t;
	bool		found;

	if (id == (Datum) 0 || org == (Datum) 0 || type == (Datum) 0 || ext == (Datum) 0)
		return;
	if (!text_is(org, d->org, d->olen))
		return;
	t = DatumGetTextPP(id);
	k.b = VARDATA_ANY(t);
	k.blen = VARSIZE_ANY_EXHDR(t);
	hash = rbac_hash_slug(k.b, k.blen);
	if (keytab_lookup_hash(d->seen, k, hash) != NULL)
		return;
	/* the queue keeps the copy the key points at */
	t = DatumGetTextPCopy(id);
	k.b = VARDATA_ANY(t);
	keytab_insert_hash(d->seen, k, hash, &found);
	d->queue = lappend(d->queue, t);
	if (text_is(type, d->type, d->tlen))
		d->found = lappend(d->found, DatumGetTextPCopy(ext));
}

/* scan callback: a resource row (a root, or every one of the type) */
static void
discovery_row(HeapTuple tup, TupleDesc desc, void *arg)
{
	discovery_reach((Discovery *) arg,
					text_column(tup, desc, catalog.atts[C_R_ID]),
					text_column(tup, desc, catalog.atts[C_R_ORG]),
					text_column(tup, desc, catalog.atts[C_R_TYPE]),
					text_column(tup, desc, catalog.atts[C_R_EXT]));
}

/* Walk down from every resource in the queue, adding to it as it goes. */
static void
discovery_walk(Discovery *d)
{
	Relation	rel = try_table_open(catalog.tables[T_RESOURCE], AccessShareLock);
	Oid			idx;
	Relation	irel;
	IndexScanDesc scan;
	TupleTableSlot *slot;

	if (rel == NULL)
		return;
	idx = lock_index(rel, I_R_PARENT);
	if (!OidIsValid(idx))
	{
		/* no usable index: a scan per resource, slow but right */
		table_close(rel, AccessShareLock);
		for (int i = 0; i < list_length(d->queue); i++)
		{
			Datum		values[1] = {PointerGetDatum(list_nth(d->queue, i))};

			scan_text_keys(I_R_PARENT, values, discovery_row, d);
		}
		return;
	}
	irel = index_open(idx, NoLock);
	scan = index_beginscan(rel, irel, load_snapshot, 1, 0);
	slot = table_slot_create(rel, NULL);
	for (int i = 0; i < list_length(d->queue); i++)
	{
		ScanKeyData key;

		/* the index's first column: parent_resource_id */
		ScanKeyInit(&key, 1, BTEqualStrategyNumber, F_TEXTEQ,
					PointerGetDatum(list_nth(d->queue, i)));
		index_rescan(scan, &key, 1, NULL, 0);
		while (index_getnext_slot(scan, ForwardScanDirection, slot))
		{
			bool		n1,
						n2,
						n3,
						n4;
			Datum		id = slot_getattr(slot, catalog.atts[C_R_ID], &n1);
			Datum		org = slot_getattr(slot, catalog.atts[C_R_ORG], &n2);
			Datum		type = slot_getattr(slot, catalog.atts[C_R_TYPE], &n3);
			Datum		ext = slot_getattr(slot, catalog.atts[C_R_EXT], &n4);

			if (!n1 && !n2 && !n3 && !n4)
				discovery_reach(d, id, org, type, ext);
		}
	}
	ExecDropSingleTupleTableSlot(slot);
	index_endscan(scan);
	index_close(irel, NoLock);
	UnlockRelationOid(idx, AccessShareLock);
	table_close(rel, AccessShareLock);
}

/* The body of rbac_member_resources, with the cache entered. */
static List *
member_resources(const char *user, int ulen, const char *org, int olen,
				 const char *perm, int plen, uint32 phash, const char *type, int tlen)
{
	RbacMember *m = member_lookup(user, ulen, org, olen);
	RbacAssignments *a;
	bool		temporary;
	Discovery	d = {org, olen, type, tlen, NIL, NIL, NULL};

	if (!m->found || !catalog.resources)
		return NIL;
	d.seen = keytab_create(CurrentMemoryContext, 1024, NULL);

	/* the membership's own roles: every resource of the type */
	if (roles_grant_on_type(m->roles, m->nroles, perm, plen, phash, type, tlen))
	{
		Datum		values[2] = {text_datum(org, olen), text_datum(type, tlen)};

		scan_text_keys(I_R_ORG_TYPE, values, discovery_row, &d);
		return d.found;
	}
	/* else from every resource an assigned role grants it on, down */
	a = member_assignments(m, &temporary);
	for (int i = 0; i < a->n; i++)
	{
		RbacAssigned *x = a->list[i];

		if (roles_grant_on_type(x->roles, x->nroles, perm, plen, phash, type, tlen))
		{
			Datum		values[1] = {text_datum(x->id, x->idlen)};

			scan_text_keys(I_R_PKEY, values, discovery_row, &d);
		}
	}
	if (temporary)
		free_assignments(a);
	discovery_walk(&d);
	return d.found;
}

/*
 * The external ids (text *, unsorted) of the resources of the type in the
 * organization on which the user's membership has the permission, by the
 * rule of rbac_member_resource_grants.  Anything malformed: none.
 */
List *
rbac_member_resources(const char *user, int ulen, const char *org, int olen,
					  const char *perm, int plen, const char *type, int tlen)
{
	List	   *result = NIL;

	if (ulen < 1 || ulen > RBAC_ORG_ID_MAX_LEN * 4 ||
		olen < 1 || olen > RBAC_ORG_ID_MAX_LEN * 4 ||
		!rbac_permission_slug_valid(perm, plen) ||
		!rbac_resource_type_slug_valid(type, tlen))
		return NIL;
	if (!cache_enter())
		return NIL;
	PG_TRY();
	{
		result = member_resources(user, ulen, org, olen, perm, plen,
								  rbac_hash_slug(perm, plen), type, tlen);
	}
	PG_CATCH();
	{
		/* whatever was read half: start over next time */
		pending_full = true;
		PG_RE_THROW();
	}
	PG_END_TRY();
	return result;
}

/* scan callback: a permission row's slug */
static void
permission_slug_row(HeapTuple tup, TupleDesc desc, void *arg)
{
	List	  **slugs = (List **) arg;
	Datum		slug = text_column(tup, desc, catalog.atts[C_P_SLUG]);

	if (slug != (Datum) 0)
		*slugs = lappend(*slugs, DatumGetPointer(slug));
}

/* The body of rbac_member_effective_permissions, with the cache entered. */
static List *
member_effective_permissions(const char *user, int ulen, const char *org, int olen,
							 const char *type, int tlen, const char *ext, int elen)
{
	RbacMember *m = member_lookup(user, ulen, org, olen);
	List	   *slugs = NIL;
	List	   *result = NIL;
	ListCell   *lc;
	Datum		values[1] = {text_datum(type, tlen)};

	if (!m->found || !catalog.resources)
		return NIL;
	/* the permissions of the type, as the query's snapshot sees them */
	scan_text_keys(I_P_TYPE, values, permission_slug_row, &slugs);
	foreach(lc, slugs)
	{
		text	   *t = lfirst(lc);
		const char *p = VARDATA_ANY(t);
		int			plen = VARSIZE_ANY_EXHDR(t);

		if (rbac_permission_slug_valid(p, plen) &&
			member_resource_grants(user, ulen, org, olen, p, plen, rbac_hash_slug(p, plen),
								   type, tlen, ext, elen))
			result = lappend(result, t);
	}
	list_free(slugs);
	return result;
}

/*
 * The slugs (text *, unsorted) of the permissions of the resource's type
 * on which a check of the user on the resource is true.  Anything
 * malformed, an unknown member or resource: none.
 */
List *
rbac_member_effective_permissions(const char *user, int ulen, const char *org, int olen,
								  const char *type, int tlen, const char *ext, int elen)
{
	List	   *result = NIL;

	if (ulen < 1 || ulen > RBAC_ORG_ID_MAX_LEN * 4 ||
		olen < 1 || olen > RBAC_ORG_ID_MAX_LEN * 4 ||
		!rbac_resource_type_slug_valid(type, tlen) || !rbac_external_id_valid(ext, elen))
		return NIL;
	if (!cache_enter())
		return NIL;
	PG_TRY();
	{
		result = member_effective_permissions(user, ulen, org, olen, type, tlen, ext, elen);
	}
	PG_CATCH();
	{
		/* whatever was read half: start over next time */
		pending_full = true;
		PG_RE_THROW();
	}
	PG_END_TRY();
	return result;
}
