/*-------------------------------------------------------------------------
 *
 * rbac.h
 *	  Declarations shared by the PostgreSQL-facing C files of rbac.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RBAC_H
#define RBAC_H

#include "postgres.h"

#include "rbac_pure.h"

#include "datatype/timestamp.h"

/* longest organization id (SPEC 1.3) */
#define RBAC_ORG_ID_MAX_LEN		128

/* cache.c */
extern void rbac_cache_init(void);
extern Oid	rbac_extension_namespace(Oid extension);
extern Oid	rbac_extension_owner(Oid extension);

/* ids.c */
extern int64 rbac_unix_ms(TimestampTz t);
extern void rbac_ulid_step(uint64 now_ms, uint64 *last_ms, uint8 rnd[RBAC_ULID_RAND_LEN]);

/* principal.c */
extern void rbac_principal_init(void);
extern char *rbac_principal_user_id(MemoryContext cxt);

/* event.c */
extern void rbac_event_init(void);

/* validate.c */
extern char *rbac_quote_for_message(const char *s, int len);
extern void rbac_require_id(text *t, const char *what);
extern void rbac_require_role_slug(text *t);

#endif							/* RBAC_H */
