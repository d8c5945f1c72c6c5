/*-------------------------------------------------------------------------
 *
 * cache.h
 *	  The per-backend cache of rbac's catalog used by the checks.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RBAC_CACHE_H
#define RBAC_CACHE_H

#include "rbac.h"

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

/* Bumped on every relevant invalidation; a memo is good while it matches. */
extern uint64 rbac_generation;

extern RbacRole *rbac_cache_role(const char *org, int orglen,
								 const char *slug, int slen, uint32 slug_hash);
extern bool rbac_role_grants(const RbacRole *role, const char *perm, int plen,
							 uint32 phash);
extern uint32 rbac_hash_slug(const char *s, int len);

#endif							/* RBAC_CACHE_H */
