/*-------------------------------------------------------------------------
 *
 * event.c
 *	  Change events (SPEC 8): one row of rbac.event per object a transaction
 *	  changed, written just before it commits, numbered in commit order.
 *
 * Two triggers and a callback work together:
 *
 * - rbac.record_event(kind, key column [, 'own']), an AFTER ROW trigger on
 *   every table that holds part of an object, notes the object's key (a
 *   role's grants are part of the role, a membership's roles part of the
 *   membership) in a per-transaction set.  Only the first note of an object
 *   does any work: it remembers whether the object was created (an INSERT of
 *   its own row) and who made the change.  As a BEFORE TRUNCATE statement
 *   trigger it notes every row of the table.
 * - rbac.capture_event(kind), a BEFORE DELETE ROW trigger on the tables of
 *   the objects themselves, keeps the object's JSON before the delete (its
 *   grants, roles and assignments are still there then), for the deleted
 *   event.  As a BEFORE TRUNCATE trigger it captures and notes every row.
 * - The pre-commit callback writes one event per noted object from its
 *   state then: created, updated, deleted, or nothing for an object made and
 *   removed in the same transaction.  It runs after every statement and
 *   every deferred trigger of the transaction (rbac's own deferred checks
 *   touch memberships too), so an object changed by several statements (a
 *   create_organization_membership inserts the membership and then its
 *   roles) yields one event with its final state.  PostgreSQL calls it
 *   before it shuts down the transaction's services; the flush runs only
 *   rbac's own SQL (the JSON functions and one INSERT into rbac.event, a
 *   table no one else may put triggers on), the way extensions that commit
 *   remote work at pre-commit do.  A prepared transaction is flushed at
 *   pre-prepare.
 *
 * Commit order: the flush locks rbac.event in SHARE ROW EXCLUSIVE mode,
 * which only flushes take, and holds it to commit; the ids it gives are
 * greater than every id committed before (read with a fresh snapshot).  So
 * ids are handed out in commit order, and a reader that has paged past an
 * id never sees an event with a smaller id later.
 *
 * Subtransactions: every change to the set is logged with its
 * subtransaction; an aborted subtransaction's notes and captures are
 * undone, as PostgreSQL undoes its rows.
 *
 * NOTIFY rbac_events, one per event id, is queued by the flush and sent by
 * PostgreSQL after commit (a prepared transaction sends none: NOTIFY cannot
 * be prepared).
 *
 * Who: the flush reads and writes as the owner of rbac.event (the
 * extension's objects' owner), in a security-restricted operation, as
 * PostgreSQL runs the queries of its foreign keys as the table's owner: a role that may change rbac's tables
 * needs no privilege on rbac.event (nor SELECT on the tables its change
 * touched), and cannot write an event itself.  rbac.event's guard refuses
 * rows from anyone but the flush, a superuser and the extension's owner (a
 * restore), also if the owner grants INSERT on it.
 *
 *-------------------------------------------------------------------------
 */
#include "rbac.h"
#include "memo.h"
#include "keytab.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/dependency.h"
#include "catalog/indexing.h"
#include "catalog/pg_class.h"
#include "catalog/pg_proc.h"
#include "catalog/namespace.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_type.h"
#include "commands/async.h"
#include "commands/extension.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "lib/ilist.h"
#include "miscadmin.h"
#include "parser/parse_func.h"
#include "parser/parse_relation.h"
#include "storage/proc.h"
#include "utils/guc.h"
#include "access/genam.h"
#include "access/heapam.h"
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/pg_collation.h"
#include "executor/tuptable.h"
#include "storage/lmgr.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/inval.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"

PG_FUNCTION_INFO_V1(rbac_record_event);
PG_FUNCTION_INFO_V1(rbac_capture_event);
PG_FUNCTION_INFO_V1(rbac_event_guard);
PG_FUNCTION_INFO_V1(rbac_event_id_at);

/* the objects events are about */
typedef enum EventKind
{
	EK_PERMISSION,
	EK_ROLE,
	EK_MEMBERSHIP,
	EK_RESOURCE_TYPE,
	EK_RESOURCE,
	EK_ROLE_ASSIGNMENT,
	EK_COUNT
} EventKind;

typedef struct KindInfo
{
	const char *name;			/* trigger argument */
	const char *table;			/* the object's own table in schema rbac */
	const char *key;			/* its key column */
	const char *json;			/* its JSON function, rbac.<json>(rbac.<table>) */
	const char *event;			/* event name prefix (roles: by their type) */
} KindInfo;

static const KindInfo kinds[EK_COUNT] = {
	{"permission", "permission", "id", "permission_json", "permission"},
	{"role", "role", "id", "role_json", "role"},
	{"membership", "membership", "id", "membership_json", "organization_membership"},
	{"resource_type", "resource_type", "slug", "resource_type_json", "resource_type"},
	{"resource", "resource", "id", "resource_json", "authorization_resource"},
	{"role_assignment", "role_assignment", "id", "role_assignment_json", "role_assignment"},
};


/* what an undo record restores */
typedef struct EntryState
{
	bool		pending;		/* changed since the last flush */
	bool		created;		/* ... and the first change made it */
	Jsonb	   *before;			/* its JSON before its last delete */
	Oid			session_user;	/* who made the first change */
	Oid			current_user;
	char	   *principal;		/* the principal's user id then, or NULL */
} EntryState;

typedef struct Entry
{
	int			kind;
	char	   *id;				/* its key (NUL-terminated), which the set's key points at */
	int			idlen;
	EntryState	s;
	dlist_node	node;			/* in order of first note */
} Entry;

typedef struct Undo
{
	SubTransactionId subid;
	Entry	   *entry;
	bool		made;			/* the entry was made: remove it */
	EntryState	old;
} Undo;

/* the transaction's set (TopTransactionContext), NULL when empty */
static keytab_hash *entries = NULL;
static dlist_head order;
static int	npending = 0;
static Undo *undo = NULL;
static int	nundo = 0;
static int	undo_cap = 0;

/* inside the flush: rbac.event takes rows */
static bool flushing = false;

/* the JSON functions, by OID, for captures */
static Oid	json_fn[EK_COUNT];

/* plans kept for the flush */
static SPIPlanPtr copy_plan[EK_COUNT];
static SPIPlanPtr insert_plan = NULL;

/* The key of an object in the set: its kind's name and its key. */
static inline KeyRef
entry_key(int kind, const char *id, int len)
{
	KeyRef		k = {kinds[kind].name, id, (int) strlen(kinds[kind].name), len};

	return k;
}

static void
forget_all(void)
{
	entries = NULL;
	npending = 0;
	undo = NULL;
	nundo = undo_cap = 0;
}

static void flush(bool send);

static void flush_tables_callback(Datum arg, Oid relid);

static void
event_xact_callback(XactEvent event, void *arg)
{
	switch (event)
	{
		case XACT_EVENT_PRE_COMMIT:
			flush(true);
			break;
		case XACT_EVENT_PRE_PREPARE:
			flush(false);
			break;
		case XACT_EVENT_COMMIT:
		case XACT_EVENT_ABORT:
		case XACT_EVENT_PREPARE:
		case XACT_EVENT_PARALLEL_COMMIT:
		case XACT_EVENT_PARALLEL_ABORT:
			forget_all();
			break;
		default:
			break;
	}
}

static void
event_subxact_callback(SubXactEvent event, SubTransactionId mySubid,
					   SubTransactionId parentSubid, void *arg)
{
	if (entries == NULL)
		return;
	if (event == SUBXACT_EVENT_COMMIT_SUB)
	{
		/* the records of this subtransaction now belong to its parent */
		for (int i = nundo - 1; i >= 0 && undo[i].subid == mySubid; i--)
			undo[i].subid = parentSubid;
	}
	else if (event == SUBXACT_EVENT_ABORT_SUB)
	{
		while (nundo > 0 && undo[nundo - 1].subid == mySubid)
		{
			Undo	   *u = &undo[--nundo];

			if (u->entry->s.pending)
				npending--;
			if (u->made)
			{
				dlist_delete(&u->entry->node);
				keytab_delete(entries, entry_key(u->entry->kind, u->entry->id, u->entry->idlen));
				continue;
			}
			u->entry->s = u->old;
			if (u->entry->s.pending)
				npending++;
		}
	}
}

void
rbac_event_init(void)
{
	RegisterXactCallback(event_xact_callback, NULL);
	CacheRegisterRelcacheCallback(flush_tables_callback, (Datum) 0);
	RegisterSubXactCallback(event_subxact_callback, NULL);
}

static void *
grow(void *array, int *cap, Size size)
{
	int			newcap = *cap ? *cap * 2 : 64;
	void	   *a;

	if (array == NULL)
		a = MemoryContextAlloc(TopTransactionContext, newcap * size);
	else
		a = repalloc(array, newcap * size);
	*cap = newcap;
	return a;
}

static Oid	event_table(void);

/*
 * Become the owner of rbac.event, in a security-restricted operation, for
 * rbac's own queries (see the top of this file), as PostgreSQL runs a
 * foreign key's queries as the table's owner; restore with
 * SetUserIdAndSecContext(*user, *sec).  An error restores it too.
 */
static void
become_owner(Oid *user, int *sec)
{
	HeapTuple	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(event_table()));
	Oid			owner;

	if (!HeapTupleIsValid(tup))
		elog(ERROR, "rbac: table rbac.event is missing");
	owner = ((Form_pg_class) GETSTRUCT(tup))->relowner;
	ReleaseSysCache(tup);
	GetUserIdAndSecContext(user, sec);
	SetUserIdAndSecContext(owner, *sec | SECURITY_LOCAL_USERID_CHANGE |
						   SECURITY_RESTRICTED_OPERATION);
}

/* Run a read-only query of rbac's (SPI connected) as the owner of rbac.event. */
static void
owner_query(const char *sql)
{
	Oid			save_user;
	int			save_sec;

	become_owner(&save_user, &save_sec);
	SPI_execute(sql, true, 0);
	SetUserIdAndSecContext(save_user, save_sec);
}

/* Log the entry's state before a change, for an aborting subtransaction. */
static void
log_undo(Entry *e, bool made)
{
	if (nundo == undo_cap)
		undo = grow(undo, &undo_cap, sizeof(Undo));
	undo[nundo].subid = GetCurrentSubTransactionId();
	undo[nundo].entry = e;
	undo[nundo].made = made;
	undo[nundo].old = e->s;
	nundo++;
}

/* The entry of an object, made (not pending) if there is none. */
static Entry *
find_entry(int kind, const char *id, int len)
{
	KeySlot    *slot;
	Entry	   *e;
	bool		found;

	if (entries == NULL)
	{
		entries = keytab_create(TopTransactionContext, 256, NULL);
		dlist_init(&order);
	}
	slot = keytab_insert(entries, entry_key(kind, id, len), &found);
	if (found)
		return slot->entry;
	e = MemoryContextAllocZero(TopTransactionContext, sizeof(Entry));
	e->kind = kind;
	e->id = MemoryContextAlloc(TopTransactionContext, len + 1);
	memcpy(e->id, id, len);
	e->id[len] = '\0';
	e->idlen = len;
	/* the set's key points at the entry's copy, not at the caller's bytes */
	slot->key.b = e->id;
	slot->entry = e;
	dlist_push_tail(&order, &e->node);
	log_undo(e, true);
	return e;
}

static bool may_write_events(void);

/*
 * Is this a restore?  pg_dump's scripts turn check_function_bodies off
 * (rbac's own restore-time rules go by it too); a restore by someone who
 * may write rbac.event anyway (a superuser, the extension's owner) brings
 * the events back from the dump and records none of its own.  Anyone else
 * gets no way around recording.  Answered once per transaction.
 */
static bool
restoring(void)
{
	static LocalTransactionId asked = InvalidLocalTransactionId;
	static bool answer = false;

	if (check_function_bodies)
		return false;
	if (asked != RBAC_MY_LXID())
	{
		answer = may_write_events();
		asked = RBAC_MY_LXID();
	}
	return answer;
}

/* Note a change of the object: INSERT of its own row if created. */
static void
note(int kind, const char *id, int len, bool created)
{
	Entry	   *e;

	if (restoring())
		return;
	e = find_entry(kind, id, len);

	if (e->s.pending)
		return;
	log_undo(e, false);
	e->s.pending = true;
	e->s.created = created;
	e->s.session_user = GetSessionUserId();
	e->s.current_user = GetUserId();
	e->s.principal = rbac_principal_user_id(TopTransactionContext);
	npending++;
}

/* Keep the object's JSON before a delete. */
static void
capture(int kind, const char *id, int len, Datum json)
{
	Entry	   *e;
	MemoryContext old;

	if (restoring())
		return;
	e = find_entry(kind, id, len);
	log_undo(e, false);
	old = MemoryContextSwitchTo(TopTransactionContext);
	e->s.before = DatumGetJsonbPCopy(json);
	MemoryContextSwitchTo(old);
}

static int
kind_of(const char *name)
{
	for (int k = 0; k < EK_COUNT; k++)
		if (strcmp(kinds[k].name, name) == 0)
			return k;
	elog(ERROR, "rbac: unknown event kind \"%s\"", name);
	return -1;					/* keep compiler quiet */
}

/* The text of a column of a row, by attribute number; NULL if null. */
static char *
column_text(HeapTuple tup, TupleDesc desc, AttrNumber att, int *len)
{
	bool		isnull;
	Datum		d = heap_getattr(tup, att, desc, &isnull);
	text	   *t;

	if (isnull)
		return NULL;
	t = DatumGetTextPP(d);
	*len = VARSIZE_ANY_EXHDR(t);
	return VARDATA_ANY(t);
}

/* The attribute number of a text column of the trigger's table. */
static AttrNumber
text_column(Relation rel, const char *name)
{
	TupleDesc	desc = RelationGetDescr(rel);
	int			att = SPI_fnumber(desc, name);

	if (att <= 0 || getBaseType(TupleDescAttr(desc, att - 1)->atttypid) != TEXTOID)
		elog(ERROR, "rbac: table \"%s\" has no text column \"%s\"",
			 RelationGetRelationName(rel), name);
	return (AttrNumber) att;
}

/*
 * rbac.record_event(kind, key column [, 'own']): AFTER INSERT OR UPDATE OR
 * DELETE FOR EACH ROW notes the object the row belongs to; BEFORE TRUNCATE
 * FOR EACH STATEMENT notes the objects of every row.
 */
Datum
rbac_record_event(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;
	Trigger    *tg;
	int			kind;
	bool		own;
	AttrNumber	att;
	int			len;
	char	   *id;

	if (!CALLED_AS_TRIGGER(fcinfo))
		elog(ERROR, "rbac.record_event() is a trigger");
	tg = td->tg_trigger;
	if (tg->tgnargs < 2)
		elog(ERROR, "rbac.record_event() needs a kind and a key column");
	kind = kind_of(tg->tgargs[0]);
	own = tg->tgnargs > 2 && strcmp(tg->tgargs[2], "own") == 0;

	if (TRIGGER_FIRED_BY_TRUNCATE(td->tg_event))
	{
		StringInfoData q;
		Relation	rel = td->tg_relation;

		if (!TRIGGER_FIRED_BEFORE(td->tg_event))
			elog(ERROR, "rbac.record_event() fires before TRUNCATE");
		(void) text_column(rel, tg->tgargs[1]);
		initStringInfo(&q);
		appendStringInfo(&q, "SELECT DISTINCT t.%s FROM %s.%s t ORDER BY 1",
						 quote_identifier(tg->tgargs[1]),
						 quote_identifier(get_namespace_name(RelationGetNamespace(rel))),
						 quote_identifier(RelationGetRelationName(rel)));
		SPI_connect();
		owner_query(q.data);
		for (uint64 i = 0; i < SPI_processed; i++)
		{
			id = column_text(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1, &len);
			if (id)
				note(kind, id, len, false);
		}
		SPI_finish();
		return PointerGetDatum(NULL);
	}

	if (!TRIGGER_FIRED_FOR_ROW(td->tg_event) || !TRIGGER_FIRED_AFTER(td->tg_event))
		elog(ERROR, "rbac.record_event() fires after each row");
	att = text_column(td->tg_relation, tg->tgargs[1]);
	if (TRIGGER_FIRED_BY_INSERT(td->tg_event))
	{
		id = column_text(td->tg_trigtuple, RelationGetDescr(td->tg_relation), att, &len);
		if (id)
			note(kind, id, len, own);
	}
	else if (TRIGGER_FIRED_BY_DELETE(td->tg_event))
	{
		id = column_text(td->tg_trigtuple, RelationGetDescr(td->tg_relation), att, &len);
		if (id)
			note(kind, id, len, false);
	}
	else
	{
		/* an update may move a part to another object: both change */
		id = column_text(td->tg_trigtuple, RelationGetDescr(td->tg_relation), att, &len);
		if (id)
			note(kind, id, len, false);
		id = column_text(td->tg_newtuple, RelationGetDescr(td->tg_relation), att, &len);
		if (id)
			note(kind, id, len, false);
	}
	return PointerGetDatum(NULL);
}

/*
 * The OID of rbac.<json>(rbac.<table>), checked to be the extension's.  The
 * OID is kept, and checked again on each use (the extension may have been
 * dropped and created again since).
 */
static Oid
json_function(int kind, Relation rel)
{
	Oid			argtype = rel->rd_rel->reltype;
	Oid			fn = json_fn[kind];
	List	   *name;

	if (OidIsValid(fn))
	{
		HeapTuple	tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(fn));
		bool		same = false;

		if (HeapTupleIsValid(tup))
		{
			Form_pg_proc p = (Form_pg_proc) GETSTRUCT(tup);

			same = p->pronamespace == RelationGetNamespace(rel) &&
				strcmp(NameStr(p->proname), kinds[kind].json) == 0 &&
				p->pronargs == 1 && p->proargtypes.values[0] == argtype &&
				p->prorettype == JSONBOID;
			ReleaseSysCache(tup);
		}
		if (same)
			return fn;
	}
	name = list_make2(makeString(get_namespace_name(RelationGetNamespace(rel))),
					  makeString(pstrdup(kinds[kind].json)));
	fn = LookupFuncName(name, 1, &argtype, false);
	if (getExtensionOfObject(ProcedureRelationId, fn) != get_extension_oid("rbac", false) ||
		get_func_rettype(fn) != JSONBOID)
		elog(ERROR, "rbac: function %s is not rbac's", kinds[kind].json);
	json_fn[kind] = fn;
	return fn;
}

/*
 * rbac.capture_event(kind): BEFORE DELETE FOR EACH ROW keeps the object's
 * JSON; BEFORE TRUNCATE FOR EACH STATEMENT keeps every row's and notes it.
 */
Datum
rbac_capture_event(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;
	Relation	rel;
	int			kind;
	AttrNumber	att;
	Oid			fn;
	int			len;
	char	   *id;

	if (!CALLED_AS_TRIGGER(fcinfo))
		elog(ERROR, "rbac.capture_event() is a trigger");
	if (td->tg_trigger->tgnargs < 1)
		elog(ERROR, "rbac.capture_event() needs a kind");
	if (!TRIGGER_FIRED_BEFORE(td->tg_event))
		elog(ERROR, "rbac.capture_event() fires before DELETE or TRUNCATE");
	kind = kind_of(td->tg_trigger->tgargs[0]);
	rel = td->tg_relation;
	if (strcmp(RelationGetRelationName(rel), kinds[kind].table) != 0)
		elog(ERROR, "rbac.capture_event(%s) is for table %s", kinds[kind].name, kinds[kind].table);
	att = text_column(rel, kinds[kind].key);
	fn = json_function(kind, rel);

	if (TRIGGER_FIRED_BY_TRUNCATE(td->tg_event))
	{
		StringInfoData q;
		const char *nsp = quote_identifier(get_namespace_name(RelationGetNamespace(rel)));

		initStringInfo(&q);
		appendStringInfo(&q, "SELECT t.%s, %s.%s(t) FROM %s.%s t ORDER BY 1",
						 quote_identifier(kinds[kind].key), nsp,
						 quote_identifier(kinds[kind].json), nsp,
						 quote_identifier(kinds[kind].table));
		SPI_connect();
		owner_query(q.data);
		for (uint64 i = 0; i < SPI_processed; i++)
		{
			bool		isnull;
			Datum		json = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2,
											 &isnull);

			id = column_text(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1, &len);
			if (id && !isnull)
			{
				capture(kind, id, len, json);
				note(kind, id, len, false);
			}
		}
		SPI_finish();
		return PointerGetDatum(NULL);
	}

	if (!TRIGGER_FIRED_FOR_ROW(td->tg_event) || !TRIGGER_FIRED_BY_DELETE(td->tg_event))
		elog(ERROR, "rbac.capture_event() fires before DELETE or TRUNCATE");
	id = column_text(td->tg_trigtuple, RelationGetDescr(rel), att, &len);
	if (id)
	{
		Datum		row = heap_copy_tuple_as_datum(td->tg_trigtuple, RelationGetDescr(rel));
		Datum		json;
		Oid			save_user;
		int			save_sec;

		become_owner(&save_user, &save_sec);
		json = OidFunctionCall1(fn, row);
		SetUserIdAndSecContext(save_user, save_sec);
		capture(kind, id, len, json);
	}
	return PointerGetDatum(td->tg_trigtuple);
}

/* The ULID of an event id, decoded: false if it is not one. */
static bool
decode_event_id(const char *s, int len, uint64 *ms, uint8 rnd[RBAC_ULID_RAND_LEN])
{
	if (len != 6 + RBAC_ULID_LEN || memcmp(s, "event_", 6) != 0)
		return false;
	return rbac_ulid_decode(s + 6, ms, rnd);
}

static SPIPlanPtr
keep(const char *sql, int nargs, Oid *types)
{
	SPIPlanPtr	p = SPI_prepare(sql, nargs, types);

	if (p == NULL)
		elog(ERROR, "rbac: could not prepare \"%s\": %s", sql, SPI_result_code_string(SPI_result));
	SPI_keepplan(p);
	return p;
}

static void
prepare_plans(void)
{
	Oid			t6[7] = {TEXTOID, TEXTOID, TIMESTAMPTZOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID};
	Oid			t7[7] = {TEXTOID, TEXTOID, JSONBOID, TIMESTAMPTZOID, TEXTOID, TEXTOID, TEXTOID};

	/*
	 * An object's event from its row, if it has one: ($1 id, $2 event name,
	 * or for a role what happened, its prefix by the role's type, $3 time,
	 * $4..$6 who, $7 key).
	 */
	for (int k = 0; k < EK_COUNT; k++)
	{
		if (copy_plan[k] == NULL)
		{
			char		sql[1024];

			snprintf(sql, sizeof(sql),
					 "INSERT INTO rbac.event (id, event, data, created_at, "
					 "session_user_name, current_user_name, user_id) "
					 "SELECT $1, %s, rbac.%s(t), $3, $4, $5, $6 "
					 "FROM rbac.%s t WHERE t.%s OPERATOR(pg_catalog.=) $7",
					 k == EK_ROLE ?
					 "CASE WHEN t.type OPERATOR(pg_catalog.=) 'OrganizationRole'::pg_catalog.text "
					 "THEN 'organization_role.'::pg_catalog.text ELSE 'role.'::pg_catalog.text END "
					 "OPERATOR(pg_catalog.||) $2" : "$2",
					 kinds[k].json, kinds[k].table, kinds[k].key);
			copy_plan[k] = keep(sql, 7, t6);
		}
	}
	if (insert_plan == NULL)
		insert_plan = keep("INSERT INTO rbac.event (id, event, data, created_at, "
						   "session_user_name, current_user_name, user_id) "
						   "VALUES ($1, $2, $3, $4, $5, $6, $7)", 7, t7);
}

/*
 * The flush's tables, found through the extension (its schema by OID, the
 * table by name in it, an ordinary table that belongs to the extension) and
 * kept until a relcache invalidation of either (DROP EXTENSION, any DDL on
 * them) or of all: then found again.
 */
enum
{
	T_EVENT,
	T_SETTING,
	T_COUNT
};
static Oid	flush_tables[T_COUNT];

static void
flush_tables_callback(Datum arg, Oid relid)
{
	for (int i = 0; i < T_COUNT; i++)
		if (!OidIsValid(relid) || relid == flush_tables[i])
			memset(flush_tables, 0, sizeof(flush_tables));
}

static Oid
extension_table(int which, const char *name)
{
	Oid			ext;
	Oid			relid;

	if (OidIsValid(flush_tables[which]))
		return flush_tables[which];
	ext = get_extension_oid("rbac", true);
	if (!OidIsValid(ext))
		return InvalidOid;		/* dropped: see flush() */
	relid = get_relname_relid(name, rbac_extension_namespace(ext));
	if (!OidIsValid(relid) || get_rel_relkind(relid) != RELKIND_RELATION ||
		getExtensionOfObject(RelationRelationId, relid) != ext)
		elog(ERROR, "rbac: table rbac.%s is missing", name);
	flush_tables[which] = relid;
	return relid;
}

/*
 * rbac.setting's events, as the flush's snapshot sees it (true without a
 * row): read directly, as the cache reads its tables.
 */
static bool
events_enabled(void)
{
	Oid			relid = extension_table(T_SETTING, "setting");
	Relation	rel;
	AttrNumber	att;
	TableScanDesc scan;
	HeapTuple	tup;
	bool		enabled = true;

	rel = table_open(relid, AccessShareLock);
	att = attnameAttNum(rel, "events", false);
	if (att <= 0 || TupleDescAttr(RelationGetDescr(rel), att - 1)->atttypid != BOOLOID)
		elog(ERROR, "rbac: rbac.setting has no boolean column events");
	scan = table_beginscan(rel, GetActiveSnapshot(), 0, NULL);
	while ((tup = heap_getnext(scan, ForwardScanDirection)) != NULL)
	{
		bool		isnull;
		Datum		d = heap_getattr(tup, att, RelationGetDescr(rel), &isnull);

		if (!isnull)
			enabled = DatumGetBool(d);
	}
	table_endscan(scan);
	table_close(rel, AccessShareLock);
	return enabled;
}

/* The event name: prefix by kind (a role's by its type) and what happened. */
static char *
event_name(int kind, Jsonb *data, const char *what)
{
	const char *prefix = kinds[kind].event;

	if (kind == EK_ROLE && data != NULL)
	{
		JsonbValue	k;
		JsonbValue *v;

		k.type = jbvString;
		k.val.string.val = "type";
		k.val.string.len = 4;
		v = findJsonbValueFromContainer(&data->root, JB_FOBJECT, &k);
		if (v && v->type == jbvString && v->val.string.len == 16 &&
			memcmp(v->val.string.val, "OrganizationRole", 16) == 0)
			prefix = "organization_role";
	}
	return psprintf("%s.%s", prefix, what);
}

static Datum
name_of(Oid role)
{
	char	   *n = GetUserNameFromId(role, true);

	return CStringGetTextDatum(n ? n : psprintf("%u", role));
}

/* Run an INSERT into rbac.event, with its guard open: how many rows. */
static uint64
write_event(SPIPlanPtr plan, Datum *values, const char *nulls)
{
	flushing = true;
	PG_TRY();
	{
		if (SPI_execute_plan(plan, values, nulls, false, 0) != SPI_OK_INSERT)
			elog(ERROR, "rbac: could not write an event");
	}
	PG_FINALLY();
	{
		flushing = false;
	}
	PG_END_TRY();
	return SPI_processed;
}

/* rbac.event, found through the extension */
static Oid
event_table(void)
{
	return extension_table(T_EVENT, "event");
}

/*
 * The greatest event id committed (a fresh snapshot, not the transaction's:
 * under REPEATABLE READ it would miss the flush just before), decoded;
 * false if there is none.  A backward scan of rbac.event's primary key, not
 * a query: a plan made while the table was empty would scan it whole.
 */
static bool
last_event_id(Oid relid, uint64 *ms, uint8 rnd[RBAC_ULID_RAND_LEN])
{
	Relation	rel = table_open(relid, AccessShareLock);
	Oid			idx = RelationGetPrimaryKeyIndex(rel);
	Relation	irel;
	Snapshot	snap;
	IndexScanDesc scan;
	TupleTableSlot *slot;
	AttrNumber	att = text_column(rel, "id");
	bool		found = false;

	if (!OidIsValid(idx))
		elog(ERROR, "rbac: rbac.event has no primary key");
	irel = index_open(idx, AccessShareLock);
	if (irel->rd_index->indnatts != 1 || irel->rd_index->indkey.values[0] != att ||
		irel->rd_indcollation[0] != C_COLLATION_OID)
		elog(ERROR, "rbac: rbac.event's primary key is not its id");
	snap = RegisterSnapshot(GetLatestSnapshot());
	scan = index_beginscan(rel, irel, snap, 0, 0);
	index_rescan(scan, NULL, 0, NULL, 0);
	slot = table_slot_create(rel, NULL);
	if (index_getnext_slot(scan, BackwardScanDirection, slot))
	{
		bool		isnull;
		Datum		d = slot_getattr(slot, att, &isnull);

		if (!isnull)
		{
			text	   *t = DatumGetTextPP(d);

			found = decode_event_id(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), ms, rnd);
		}
	}
	ExecDropSingleTupleTableSlot(slot);
	index_endscan(scan);
	UnregisterSnapshot(snap);
	index_close(irel, AccessShareLock);
	table_close(rel, AccessShareLock);
	return found;
}

/*
 * Write the events of every pending object, and queue their NOTIFY if
 * send (not for a prepared transaction).
 */
static void
flush(bool send)
{
	uint64		last_ms = 0;
	uint8		last_rnd[RBAC_ULID_RAND_LEN];
	bool		enabled = true;
	Oid			event_rel;
	Oid			save_user;
	int			save_sec;
	int			nsent = 0;
	int			npending_at_start;
	char	  **sent = NULL;
	dlist_iter	it;

	if (entries == NULL || npending == 0)
		return;
	/* the extension dropped later in the transaction: nowhere to record */
	if (!OidIsValid(event_table()))
		return;

	become_owner(&save_user, &save_sec);
	npending_at_start = npending;
	PushActiveSnapshot(GetTransactionSnapshot());
	SPI_connect();
	prepare_plans();

	/* set_events(false): the changes are recorded as seen, nothing written */
	enabled = events_enabled();

	if (enabled)
	{
		/* one flush at a time, until commit: ids in commit order */
		event_rel = event_table();
		LockRelationOid(event_rel, ShareRowExclusiveLock);

		/* the greatest id committed, whatever this transaction's snapshot */
		if (!last_event_id(event_rel, &last_ms, last_rnd))
			last_ms = 0;		/* none yet */
	}

	dlist_foreach(it, &order)
	{
		Entry	   *e = dlist_container(Entry, node, it.cur);
		Jsonb	   *data = NULL;
		const char *what;
		Datum		cv[7];
		char		cn[8] = "       ";
		Datum		iv[7];
		char		in[8] = "       ";
		Datum		who[3];
		TimestampTz now;
		uint64		ms;
		char		id[6 + RBAC_ULID_LEN + 1];

		if (!e->s.pending)
			continue;
		e->s.pending = false;
		npending--;
		if (!enabled)
			continue;

		/* the id: the clock, or one past the last id if that is later */
		now = GetCurrentTimestamp();
		ms = (uint64) rbac_unix_ms(now);
		rbac_ulid_step(ms, &last_ms, last_rnd);
		memcpy(id, "event_", 6);
		rbac_ulid_encode(last_ms, last_rnd, id + 6);
		id[6 + RBAC_ULID_LEN] = '\0';

		who[0] = name_of(e->s.session_user);
		who[1] = name_of(e->s.current_user);
		who[2] = e->s.principal ? CStringGetTextDatum(e->s.principal) : (Datum) 0;
		what = e->s.created ? "created" : "updated";

		/* the object as it is now, if it is there: created or updated */
		cv[0] = CStringGetTextDatum(id);
		cv[1] = CStringGetTextDatum(e->kind == EK_ROLE ? what :
									psprintf("%s.%s", kinds[e->kind].event, what));
		cv[2] = TimestampTzGetDatum(now);
		cv[3] = who[0];
		cv[4] = who[1];
		cv[5] = who[2];
		cn[5] = e->s.principal ? ' ' : 'n';
		cv[6] = CStringGetTextDatum(e->id);
		if (write_event(copy_plan[e->kind], cv, cn) == 0)
		{
			/* gone: made and removed again (nothing happened), or deleted */
			if (e->s.created || e->s.before == NULL)
				continue;
			data = e->s.before;
			iv[0] = cv[0];
			iv[1] = CStringGetTextDatum(event_name(e->kind, data, "deleted"));
			iv[2] = JsonbPGetDatum(data);
			iv[3] = cv[2];
			iv[4] = who[0];
			iv[5] = who[1];
			iv[6] = who[2];
			in[6] = cn[5];
			(void) write_event(insert_plan, iv, in);
		}

		if (send)
		{
			if (sent == NULL)
				sent = MemoryContextAlloc(TopTransactionContext,
										  sizeof(char *) * npending_at_start);
			sent[nsent++] = MemoryContextStrdup(TopTransactionContext, id);
		}
	}
	SPI_finish();
	PopActiveSnapshot();
	SetUserIdAndSecContext(save_user, save_sec);
	/* queued for after commit, as the role that made the change */
	for (int i = 0; i < nsent; i++)
		Async_Notify("rbac_events", sent[i]);
}

/* May the current user write rbac.event directly (a restore)? */
static bool
may_write_events(void)
{
	Oid			owner;

	if (superuser())
		return true;
	owner = rbac_extension_owner(get_extension_oid("rbac", true));
	return OidIsValid(owner) && has_privs_of_role(GetUserId(), owner);
}

/*
 * rbac.event_guard(): BEFORE INSERT OR UPDATE FOR EACH ROW on rbac.event.
 * Events come from the flush; a superuser or the extension's owner may
 * write them too (pg_restore), nobody else.
 */
Datum
rbac_event_guard(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo))
		elog(ERROR, "rbac.event_guard() is a trigger");
	if (!flushing && !may_write_events())
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to write rbac.event"),
				 errdetail("Events are written by rbac's triggers when a change commits.")));
	return PointerGetDatum(TRIGGER_FIRED_BY_UPDATE(td->tg_event) ? td->tg_newtuple : td->tg_trigtuple);
}

/*
 * rbac.event_id_at(timestamptz) returns text: the smallest event id of that
 * millisecond (for rbac.prune_events: ids are time-ordered).
 */
Datum
rbac_event_id_at(PG_FUNCTION_ARGS)
{
	TimestampTz t = PG_GETARG_TIMESTAMPTZ(0);
	uint8		zero[RBAC_ULID_RAND_LEN];
	char		id[6 + RBAC_ULID_LEN + 1];
	int64		ms;

	if (TIMESTAMP_NOT_FINITE(t))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("timestamp must be finite")));
	ms = rbac_unix_ms(t);
	if (ms < 0)
		ms = 0;
	if (ms > (int64) 0xFFFFFFFFFFFF)
		ms = (int64) 0xFFFFFFFFFFFF;
	memset(zero, 0, sizeof(zero));
	memcpy(id, "event_", 6);
	rbac_ulid_encode((uint64) ms, zero, id + 6);
	id[6 + RBAC_ULID_LEN] = '\0';
	PG_RETURN_TEXT_P(cstring_to_text(id));
}
