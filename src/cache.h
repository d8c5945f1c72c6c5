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

#include "nodes/pg_list.h"

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
typedef struct RbacMember
{
	uint32		hash;			/* hash of the key (first, as in RbacRole) */
	int			ulen;
	int			olen;
	bool		found;			/* is the user a member? */
	int			nroles;
	RbacRole  **roles;
	char		key[FLEXIBLE_ARRAY_MEMBER]; /* user id, then organization id */
} RbacMember;

/* Bumped on every relevant invalidation; a memo is good while it matches. */
extern uint64 rbac_generation;

extern RbacRole *rbac_cache_role(const char *org, int orglen,
								 const char *slug, int slen, uint32 slug_hash);
extern RbacMember *rbac_cache_member(const char *user, int ulen,
									 const char *org, int olen);
extern bool rbac_member_grants(const RbacMember *m, const char *perm, int plen,
							   uint32 phash);
extern List *rbac_member_organizations(const char *user, int ulen);
extern bool rbac_check_role(const char *slug, int slen, uint32 slug_hash,
							const char *org, int orglen,
							const char *perm, int plen, uint32 phash);
extern bool rbac_role_grants(const RbacRole *role, const char *perm, int plen,
							 uint32 phash);
extern uint32 rbac_hash_slug(const char *s, int len);

#endif							/* RBAC_CACHE_H */
