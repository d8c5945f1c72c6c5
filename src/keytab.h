/*-------------------------------------------------------------------------
 *
 * keytab.h
 *	  The one hash table of rbac's C code, defined static inline in each
 *	  file that includes this (the lookups are on the per-row path): PostgreSQL's lib/simplehash.h
 *	  (robin hood open addressing, deletion without tombstones) over keys
 *	  of one or two byte strings, with the hash stored in the element.
 *
 *	  The key's bytes are not stored in the table: a key points into memory
 *	  its user keeps (a cache entry, a memo's arena), and a lookup passes a
 *	  key that points at the caller's strings.  The table moves elements,
 *	  never the bytes they point to.
 *
 *	  Used by the cache's role and membership entries (cache.c), by each
 *	  role's exact grants (cache.c), by the call sites' answers per
 *	  organization (memo.c), by discovery's set of the resources it reached
 *	  (cache.c) and by a transaction's changed objects (event.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef RBAC_KEYTAB_H
#define RBAC_KEYTAB_H

#include "rbac.h"

/* A key: one or two byte strings (blen 0 and b NULL for one). */
typedef struct KeyRef
{
	const char *a;
	const char *b;
	int			alen;			/* -1 allowed: "no first string", unlike 0 */
	int			blen;
} KeyRef;

/* An element: the key, its hash, the entry it names and a flag for memos. */
typedef struct KeySlot
{
	KeyRef		key;
	uint32		hash;
	char		status;			/* simplehash's */
	bool		flag;			/* memo.c: the remembered answer */
	void	   *entry;			/* cache.c: the entry */
} KeySlot;

/*
 * The hash of a byte string: 64-bit multiply-xorshift over 8-byte words,
 * keyed.  Cheaper than hash_bytes() for the short strings rbac hashes per
 * row (organization ids, slugs).  The tables of one backend use its own
 * random key (rbac_hash_seed, set in _PG_init), so that ids chosen to
 * collide in one backend's tables cannot be computed without it; what
 * backends must agree on (the signatures of cache.c) uses a fixed key.
 */
extern uint64 rbac_hash_seed;

static inline uint32
rbac_load32(const char *p)
{
	uint32		v;

	memcpy(&v, p, 4);
	return v;
}

/*
 * The last 1 to 7 bytes of a string as one word, the value memcpy() into a
 * zeroed uint64 gives on a little-endian machine, from at most three loads:
 * memcpy() of a variable length stores the bytes one at a time, and the
 * word read right after them waits for the stores (on the per-row path).
 */
static inline uint64
rbac_tail_word(const char *s, int len)
{
	if (len >= 4)
		return (uint64) rbac_load32(s) |
			((uint64) rbac_load32(s + len - 4) << ((len - 4) * 8));
	return (uint64) (uint8) s[0] |
		((uint64) (uint8) s[len >> 1] << ((len >> 1) * 8)) |
		((uint64) (uint8) s[len - 1] << ((len - 1) * 8));
}

static inline uint32
rbac_hash_bytes_keyed(const char *s, int len, uint64 key)
{
	uint64		h = (UINT64CONST(0x9E3779B97F4A7C15) ^ key) ^ (uint64) len;

	while (len >= 8)
	{
		uint64		w;

		memcpy(&w, s, 8);
		h = (h ^ w) * UINT64CONST(0xBF58476D1CE4E5B9);
		h ^= h >> 31;
		s += 8;
		len -= 8;
	}
	if (len > 0)
	{
		uint64		w = rbac_tail_word(s, len);

		h = (h ^ w) * UINT64CONST(0x94D049BB133111EB);
		h ^= h >> 29;
	}
	h = (h ^ (key >> 7)) * UINT64CONST(0xBF58476D1CE4E5B9);
	return (uint32) (h ^ (h >> 32));
}

static inline uint32
rbac_hash_bytes(const char *s, int len)
{
	return rbac_hash_bytes_keyed(s, len, rbac_hash_seed);
}

/* The hash of a two-string key; a is absent when alen < 0. */
static inline uint32
rbac_hash_pair_keyed(const char *a, int alen, const char *b, int blen, uint64 key)
{
	uint32		hb = rbac_hash_bytes_keyed(b, blen, key);

	if (alen < 0)
		return hb ^ 0x9E3779B9U;
	return hb ^ (rbac_hash_bytes_keyed(a, alen, key) * 0x85EBCA6BU + 0xC2B2AE35U);
}

static inline uint32
rbac_hash_pair(const char *a, int alen, const char *b, int blen)
{
	return rbac_hash_pair_keyed(a, alen, b, blen, rbac_hash_seed);
}

/* The hash of one slug or id: what the cache, the grants and the memos use. */
static inline uint32
rbac_hash_slug(const char *s, int len)
{
	return rbac_hash_pair(NULL, -1, s, len);
}

/* Are these len bytes equal?  Up to 64 bytes without a call to memcmp. */
static inline bool
rbac_bytes_equal(const char *a, const char *b, int len)
{
	if (len <= 16 && len >= 8)
	{
		uint64		x,
					y,
					u,
					v;

		memcpy(&x, a, 8);
		memcpy(&y, b, 8);
		memcpy(&u, a + len - 8, 8);
		memcpy(&v, b + len - 8, 8);
		return x == y && u == v;
	}
	if (len >= 4 && len < 8)
		return rbac_load32(a) == rbac_load32(b) &&
			rbac_load32(a + len - 4) == rbac_load32(b + len - 4);
	if (len < 4)
	{
		for (int i = 0; i < len; i++)
			if (a[i] != b[i])
				return false;
		return true;
	}
	if (len <= 64)
	{
		/* 8-byte words, the last one overlapping */
		for (int i = 0; i < len - 8; i += 8)
		{
			uint64		x,
						y;

			memcpy(&x, a + i, 8);
			memcpy(&y, b + i, 8);
			if (x != y)
				return false;
		}
		{
			uint64		x,
						y;

			memcpy(&x, a + len - 8, 8);
			memcpy(&y, b + len - 8, 8);
			return x == y;
		}
	}
	return memcmp(a, b, len) == 0;
}

static inline bool
keyref_equal(const KeyRef *x, const KeyRef *y)
{
	return x->alen == y->alen && x->blen == y->blen &&
		(x->alen <= 0 || rbac_bytes_equal(x->a, y->a, x->alen)) &&
		(x->blen <= 0 || rbac_bytes_equal(x->b, y->b, x->blen));
}

#define SH_PREFIX keytab
#define SH_ELEMENT_TYPE KeySlot
#define SH_KEY_TYPE KeyRef
#define SH_KEY key
#define SH_HASH_KEY(tb, k) rbac_hash_pair((k).a, (k).alen, (k).b, (k).blen)
#define SH_EQUAL(tb, x, y) keyref_equal(&(x), &(y))
#define SH_STORE_HASH
#define SH_GET_HASH(tb, e) ((e)->hash)
#define SH_SCOPE static inline
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

#endif							/* RBAC_KEYTAB_H */
