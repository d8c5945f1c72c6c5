/*-------------------------------------------------------------------------
 *
 * memo.h
 *	  A call site's answers per organization, for the checks whose policy
 *	  takes the organization from the row.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RBAC_MEMO_H
#define RBAC_MEMO_H

#include "cache.h"
#include "keytab.h"

#include "access/transam.h"
#include "storage/proc.h"
#include "fmgr.h"
#include "utils/snapmgr.h"

/*
 * This backend's local transaction id.  PostgreSQL 17 moved PGPROC's lxid
 * into PGPROC.vxid (with the backend's proc number).
 */
#if PG_VERSION_NUM >= 170000
#define RBAC_MY_LXID()	(MyProc->vxid.lxid)
#else
#define RBAC_MY_LXID()	(MyProc->lxid)
#endif

/*
 * What a snapshot sees, as far as answers can differ: two snapshots of one
 * transaction with the same xmin, xmax, count of running transactions and
 * command id see the same rows (between them no transaction below xmax can
 * start, so an equal count is an equal set).  A memo keeps the one its
 * answers were computed under: a call site reused by queries of several
 * snapshots (a PL/pgSQL expression, called from an older cursor and from a
 * newer statement) must not answer one from the other's state.
 */
typedef struct RbacSnapId
{
	TransactionId xmin;
	TransactionId xmax;
	uint32		xcnt;
	uint32		subxcnt;
	CommandId	curcid;
	LocalTransactionId lxid;
	bool		none;			/* no active snapshot */
	bool		suboverflowed;
} RbacSnapId;

static inline void
rbac_snap_id(RbacSnapId *id)
{
	Snapshot	snap = ActiveSnapshotSet() ? GetActiveSnapshot() : NULL;

	id->lxid = MyProc ? RBAC_MY_LXID() : InvalidLocalTransactionId;
	id->none = (snap == NULL);
	if (snap == NULL)
	{
		id->xmin = id->xmax = InvalidTransactionId;
		id->xcnt = id->subxcnt = 0;
		id->curcid = InvalidCommandId;
		id->suboverflowed = false;
		return;
	}
	id->xmin = snap->xmin;
	id->xmax = snap->xmax;
	id->xcnt = snap->xcnt;
	id->subxcnt = snap->subxcnt;
	id->curcid = snap->curcid;
	id->suboverflowed = snap->suboverflowed;
}

static inline bool
rbac_snap_id_equal(const RbacSnapId *a, const RbacSnapId *b)
{
	return a->xmin == b->xmin && a->xmax == b->xmax && a->xcnt == b->xcnt &&
		a->curcid == b->curcid && a->lxid == b->lxid && a->none == b->none &&
		a->subxcnt == b->subxcnt && a->suboverflowed == b->suboverflowed;
}

/* Is the active snapshot the one the memo's answers were computed under? */
static inline bool
rbac_snap_is(const RbacSnapId *id)
{
	RbacSnapId	now;

	rbac_snap_id(&now);
	return rbac_snap_id_equal(&now, id);
}

/*
 * PG_GETARG_TEXT_PP without the call for what it leaves as it is (a value
 * in the row, short or not compressed): the argument a policy takes from
 * every row.
 */
static inline text *
rbac_getarg_text_pp(FunctionCallInfo fcinfo, int n)
{
	struct varlena *v = (struct varlena *) DatumGetPointer(PG_GETARG_DATUM(n));

	if (VARATT_IS_COMPRESSED(v) || VARATT_IS_EXTERNAL(v))
		return (text *) pg_detoast_datum_packed(v);
	return (text *) v;
}

/* ids up to this many bytes are kept in the slot itself */
#define ORG_INLINE			56

/*
 * A slot of a call site's table of answers: the id's hash and length, the
 * answer, and the id itself (a longer one: its offset in the table's
 * arena, in the first bytes of inl).  One cache line, and the table is
 * aligned to them: a policy looks an id up on every row, and a scan
 * evicts the table from the first-level cache between rows, so a lookup
 * costs one line from the next level.
 */
typedef struct OrgSlot
{
	uint32		hash;
	uint16		len;
	bool		used;
	bool		result;
	char		inl[ORG_INLINE];
} OrgSlot;

/*
 * The answers of one call site for its fixed role (or user, or principal)
 * and permission, per organization (or per external id), valid while the
 * cache generation is "generation" and the snapshot "snap": open
 * addressing with linear probing, at most half full, never a deletion
 * (the table is emptied at once); all of it in the memo's own memory
 * context.
 */
typedef struct OrgAnswers
{
	MemoryContext cxt;			/* NULL until the first answer is kept */
	OrgSlot    *slots;			/* NULL while empty; aligned */
	void	   *slots_mem;		/* what was allocated for them */
	uint32		mask;			/* number of slots - 1 */
	uint32		members;
	char	   *arena;			/* the ids longer than ORG_INLINE */
	uint32		arena_used;
	uint32		arena_cap;
	uint64		generation;		/* 0: to be emptied before use */
	RbacSnapId	snap;			/* and the snapshot of the answers */
} OrgAnswers;

/* The bytes of a slot's id. */
static inline const char *
org_slot_id(const OrgAnswers *t, const OrgSlot *s)
{
	uint32		off;

	if (s->len <= ORG_INLINE)
		return s->inl;
	memcpy(&off, s->inl, sizeof(off));
	return t->arena + off;
}

/*
 * One remembered argument of a call site: a copy of its bytes, or of NULL.
 * A stable one (a Const) is the same on every call once set.  Every check's
 * memo (check.c, principal.c) is made of these, an answer and its
 * generation, and an OrgAnswers table.
 */
typedef struct MemoValue
{
	bool		set;			/* a value is remembered */
	bool		isnull;
	bool		stable;			/* a Const: the same on every call */
	int			len;
	int			cap;
	char	   *data;
} MemoValue;

/* Is the value what the memo holds? */
static inline bool
memo_value_same(const MemoValue *v, const char *s, int len)
{
	if (!v->set)
		return false;
	if (v->stable)
		return true;
	if (s == NULL)
		return v->isnull;
	return !v->isnull && v->len == len && rbac_bytes_equal(v->data, s, len);
}

/*
 * A compiled permission query (SPEC 9) of a call site: its text, the
 * program, and each distinct slug's validity and hash.
 */
typedef struct QueryProgram
{
	char	   *text;			/* the query; the program's slugs point into it */
	int			len;
	RbacQuery	q;
	bool		valid[RBAC_QUERY_MAX_SLUGS];
	uint32		hash[RBAC_QUERY_MAX_SLUGS];
} QueryProgram;

/* Checks one slug of a query (valid, with its hash). */
typedef bool (*QuerySlugCheck) (void *arg, const char *slug, int len, uint32 hash);

extern QueryProgram *rbac_query_compile(MemoryContext cxt, QueryProgram *prog,
										const char *s, int len);
extern bool rbac_query_run(const QueryProgram *prog, QuerySlugCheck check, void *arg);

extern void memo_value_store(MemoryContext cxt, MemoValue *v, const char *s, int len);

extern bool rbac_arg_is_const(FmgrInfo *flinfo, int argno);
extern void rbac_org_answer_put(MemoryContext parent, OrgAnswers *t, uint64 generation,
								const char *org, int olen, uint32 hash, bool result);
extern void rbac_org_answer_put_pair(MemoryContext parent, OrgAnswers *t, uint64 generation,
									 const char *a, int alen, const char *b, int blen,
									 uint32 hash, bool result);

/*
 * Before a lookup of the key whose hash is h: the slot's line asked for
 * (it comes while the snapshot is compared), and a table of another
 * generation or snapshot emptied.
 */
static pg_attribute_always_inline void
org_answers_begin(OrgAnswers *t, uint32 h)
{
#if defined(__GNUC__) || defined(__clang__)
	if (t->slots != NULL)
		__builtin_prefetch(&t->slots[h & t->mask]);
#endif
	if (t->generation != rbac_generation || !rbac_snap_is(&t->snap))
	{
		if (t->slots != NULL)
		{
			MemoryContextReset(t->cxt);
			t->slots = NULL;
			t->slots_mem = NULL;
			t->arena = NULL;
		}
		t->generation = rbac_generation;
		rbac_snap_id(&t->snap);
	}
}

/*
 * Is the slot's id the key a, b (a key of two parts, an organization and an
 * external id, kept as a, a zero byte -- no text has one -- and b), or b
 * alone when alen < 0?
 */
static pg_attribute_always_inline bool
org_slot_is(const OrgAnswers *t, const OrgSlot *s, const char *a, int alen,
			const char *b, int blen)
{
	const char *id;

	if (alen < 0)
		return s->len == blen && rbac_bytes_equal(org_slot_id(t, s), b, blen);
	if (s->len != alen + 1 + blen)
		return false;
	id = org_slot_id(t, s);
	return id[alen] == '\0' && rbac_bytes_equal(id, a, alen) &&
		rbac_bytes_equal(id + alen + 1, b, blen);
}

/*
 * The remembered answer for the key a, b (b alone when alen < 0), if any:
 * hashed and compared in place, the two parts never copied together.  Sets
 * *hash for a later put.  A table of another generation is emptied.
 */
static pg_attribute_always_inline bool
rbac_org_answer_get_pair(OrgAnswers *t, const char *a, int alen, const char *b, int blen,
						 uint32 *hash, bool *result)
{
	uint32		h = rbac_hash_pair(a, alen, b, blen);

	org_answers_begin(t, h);
	*hash = h;
	if (t->slots == NULL)
		return false;
	for (uint32 i = h & t->mask;; i = (i + 1) & t->mask)
	{
		const OrgSlot *s = &t->slots[i];

		if (!s->used)
			return false;
		if (s->hash == h && org_slot_is(t, s, a, alen, b, blen))
		{
			*result = s->result;
			return true;
		}
	}
}

/* The remembered answer for an organization (one id), if any. */
static pg_attribute_always_inline bool
rbac_org_answer_get(OrgAnswers *t, const char *org, int olen, uint32 *hash,
					bool *result)
{
	/* rbac_hash_pair() without a first part is rbac_hash_slug() */
	return rbac_org_answer_get_pair(t, NULL, -1, org, olen, hash, result);
}

#endif							/* RBAC_MEMO_H */
