/*-------------------------------------------------------------------------
 *
 * rbac.c
 *	  Module entry point of the rbac extension.
 *
 *-------------------------------------------------------------------------
 */
#include "rbac.h"

#include "fmgr.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

/* Called once when the library is loaded into a backend. */
void
_PG_init(void)
{
	rbac_cache_init();
	rbac_principal_init();
	rbac_event_init();
}
