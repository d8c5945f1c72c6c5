/*-------------------------------------------------------------------------
 *
 * cache.h
 *	  The per-backend cache of rbac's catalog used by the checks.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RBAC_CACHE_H
#define RBAC_CACHE_H

#include "keytab.h"

#include "nodes/pg_list.h"

/* A user's membership in an organization, with its roles' grants (cache.c). */
typedef struct RbacMember RbacMember;

/* Bumped on every relevant invalidation; a memo is good while it matches. */
extern uint64 rbac_generation;

extern RbacMember *rbac_cache_member(const char *user, int ulen,
									 const char *org, int olen);
extern bool rbac_member_grants(const RbacMember *m, const char *perm, int plen,
							   uint32 phash);
extern List *rbac_member_organizations(const char *user, int ulen);
extern bool rbac_member_resource_grants(const char *user, int ulen,
										const char *org, int olen,
										const char *perm, int plen, uint32 phash,
										const char *type, int tlen,
										const char *ext, int elen);
extern bool rbac_roles_resource_grants(int nroles, char *const *roles,
									   const int *roles_len, const uint32 *roles_hash,
									   const char *org, int olen,
									   const char *perm, int plen, uint32 phash,
									   const char *type, int tlen,
									   const char *ext, int elen);
extern List *rbac_member_resources(const char *user, int ulen, const char *org, int olen,
								   const char *perm, int plen, const char *type, int tlen);
extern List *rbac_member_effective_permissions(const char *user, int ulen,
											   const char *org, int olen,
											   const char *type, int tlen,
											   const char *ext, int elen);
extern bool rbac_check_role(const char *slug, int slen, uint32 slug_hash,
							const char *org, int orglen,
							const char *perm, int plen, uint32 phash);

#endif							/* RBAC_CACHE_H */
