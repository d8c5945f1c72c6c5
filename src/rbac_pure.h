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
/* longest resource external id (SPEC 7) */
#define RBAC_EXTERNAL_ID_MAX_LEN	64
extern bool rbac_external_id_valid(const char *s, size_t len);

/* ulid.c */
#define RBAC_ULID_LEN		26
#define RBAC_ULID_RAND_LEN	10
extern void rbac_ulid_encode(uint64_t ms, const uint8_t rnd[RBAC_ULID_RAND_LEN],
							 char out[RBAC_ULID_LEN]);
extern bool rbac_ulid_increment(uint8_t rnd[RBAC_ULID_RAND_LEN]);
extern bool rbac_ulid_valid(const char *s, size_t len);
extern bool rbac_ulid_decode(const char *s, uint64_t *ms, uint8_t rnd[RBAC_ULID_RAND_LEN]);

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

/* query.c: permission queries (SPEC 9) */
#define RBAC_QUERY_MAX_CHARS	1000	/* SPEC 9 */
#define RBAC_QUERY_MAX_BYTES	4000	/* 1,000 characters of at most 4 bytes */
#define RBAC_QUERY_MAX_OPS		2048
#define RBAC_QUERY_MAX_SLUGS	1024
#define RBAC_QUERY_MAX_DEPTH	500
#define RBAC_QOP_SLUG			0
#define RBAC_QOP_AND			1
#define RBAC_QOP_OR				2
typedef struct RbacQueryOp
{
	uint8_t		kind;			/* RBAC_QOP_* */
	uint16_t	slug;			/* RBAC_QOP_SLUG: index of the distinct slug */
} RbacQueryOp;
/* A compiled query: postfix ops over its distinct slugs (offsets into the text). */
typedef struct RbacQuery
{
	int			nops;
	int			nslugs;
	RbacQueryOp ops[RBAC_QUERY_MAX_OPS];
	uint16_t	slug_start[RBAC_QUERY_MAX_SLUGS];
	uint16_t	slug_len[RBAC_QUERY_MAX_SLUGS];
} RbacQuery;
typedef enum
{
	RBAC_QUERY_OK,
	RBAC_QUERY_EMPTY,
	RBAC_QUERY_TOO_LONG,
	RBAC_QUERY_TOO_DEEP,
	RBAC_QUERY_EXPECTED_OPERAND,
	RBAC_QUERY_EXPECTED_OPERATOR,
	RBAC_QUERY_UNCLOSED,
	RBAC_QUERY_UNEXPECTED_RPAREN
} RbacQueryErrorKind;
typedef struct RbacQueryError
{
	RbacQueryErrorKind kind;
	size_t		pos;			/* byte offset of the problem */
} RbacQueryError;
extern bool rbac_query_parse(const char *s, size_t len, RbacQuery *out,
							 RbacQueryError *err);
extern bool rbac_query_eval(const RbacQuery *q, const bool *slug_values);
extern const char *rbac_query_error_message(RbacQueryErrorKind kind);

#endif							/* RBAC_PURE_H */
