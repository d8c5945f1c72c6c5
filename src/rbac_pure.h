/*-------------------------------------------------------------------------
 *
 * rbac_pure.h
 *	  Pure logic of rbac with no PostgreSQL dependency: slug rules, ULID
 *	  encoding and wildcard matching.  Fuzzers and unit tests link these
 *	  files directly.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RBAC_PURE_H
#define RBAC_PURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RBAC_SLUG_MAX_LEN	128

/* slug.c */
extern bool rbac_permission_slug_valid(const char *s, size_t len);
extern bool rbac_role_slug_valid(const char *s, size_t len);
extern bool rbac_resource_type_slug_valid(const char *s, size_t len);
extern bool rbac_slug_has_wildcard(const char *s, size_t len);

/* ulid.c */
#define RBAC_ULID_LEN		26
#define RBAC_ULID_RAND_LEN	10
extern void rbac_ulid_encode(uint64_t ms, const uint8_t rnd[RBAC_ULID_RAND_LEN],
							 char out[RBAC_ULID_LEN]);
extern bool rbac_ulid_increment(uint8_t rnd[RBAC_ULID_RAND_LEN]);
extern bool rbac_ulid_valid(const char *s, size_t len);

/* wildcard.c */
extern bool rbac_permission_matches(const char *grant, size_t glen,
									const char *req, size_t rlen);

/* claims.c */
#define RBAC_CLAIM_MAX			128
#define RBAC_CLAIM_NAME_MAX		63
#define RBAC_CLAIMS_MAX_ROLES	64
/* The names of the claims to read (length 0: that claim is not read). */
typedef struct RbacClaimNames
{
	const char *role;
	size_t		role_len;
	const char *roles;
	size_t		roles_len;
	const char *org;
	size_t		org_len;
	const char *user;
	size_t		user_len;
} RbacClaimNames;
typedef struct RbacClaims
{
	bool		has_role;		/* a string role claim that fits */
	size_t		role_len;
	char		role[RBAC_CLAIM_MAX + 1];
	bool		has_roles;		/* a roles array */
	bool		roles_overflow; /* more string elements than fit */
	int			nroles;			/* its string elements that fit */
	size_t		roles_len[RBAC_CLAIMS_MAX_ROLES];
	char		roles[RBAC_CLAIMS_MAX_ROLES][RBAC_CLAIM_MAX + 1];
	bool		has_org_id;		/* a string organization claim that fits */
	bool		bad_org_id;		/* an organization claim that does not */
	size_t		org_id_len;
	char		org_id[RBAC_CLAIM_MAX + 1];
	bool		has_user;		/* a string user claim that fits */
	bool		bad_user;		/* a user claim that does not */
	size_t		user_len;
	char		user[RBAC_CLAIM_MAX + 1];
} RbacClaims;
extern bool rbac_claims_parse(const char *json, size_t len,
							  const RbacClaimNames *names, RbacClaims *out);

#endif							/* RBAC_PURE_H */
