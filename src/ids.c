/*-------------------------------------------------------------------------
 *
 * ids.c
 *	  rbac.new_id(prefix): prefix, "_", and a ULID that is time-ordered and
 *	  monotonic within one backend (SPEC 1.2).
 *
 *-------------------------------------------------------------------------
 */
#include "rbac.h"

#include "datatype/timestamp.h"
#include "fmgr.h"
#include "port.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

#define ID_PREFIX_MAX_LEN	32

PG_FUNCTION_INFO_V1(rbac_new_id);

static uint64 last_ms = 0;
static uint8 last_rnd[RBAC_ULID_RAND_LEN];

/*
 * Milliseconds since the Unix epoch of a (finite) timestamp, rounded down;
 * negative before 1970.
 */
int64
rbac_unix_ms(TimestampTz t)
{
	int64		ms = t / 1000;

	if (t < 0 && t % 1000 != 0)
		ms--;
	return ms + (int64) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * SECS_PER_DAY * 1000;
}

/*
 * The next ULID after (*last_ms, rnd) at the clock's now_ms: a new random
 * part in a later millisecond, else one more than the last (the same
 * millisecond, or the clock went back).  last_ms 0: no last id.
 */
void
rbac_ulid_step(uint64 now_ms, uint64 *last_ms, uint8 rnd[RBAC_ULID_RAND_LEN])
{
	if (now_ms <= *last_ms)
	{
		if (!rbac_ulid_increment(rnd))
			(*last_ms)++;
		return;
	}
	*last_ms = now_ms;
	if (!pg_strong_random(rnd, RBAC_ULID_RAND_LEN))
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("could not generate random bytes for an id")));
	/* leave headroom so that increments within a millisecond never wrap */
	rnd[0] &= 0x7f;
}

/* rbac.new_id(prefix text) returns text */
Datum
rbac_new_id(PG_FUNCTION_ARGS)
{
	text	   *prefix = PG_GETARG_TEXT_PP(0);
	const char *p = VARDATA_ANY(prefix);
	int			plen = VARSIZE_ANY_EXHDR(prefix);
	uint64		ms = (uint64) rbac_unix_ms(GetCurrentTimestamp());
	char	   *out;

	if (plen < 1 || plen > ID_PREFIX_MAX_LEN)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid id prefix \"%s\"", rbac_quote_for_message(p, plen)),
				 errdetail("An id prefix has 1 to %d characters from a-z.", ID_PREFIX_MAX_LEN)));
	for (int i = 0; i < plen; i++)
		if (p[i] < 'a' || p[i] > 'z')
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid id prefix \"%s\"", rbac_quote_for_message(p, plen)),
					 errdetail("An id prefix has 1 to %d characters from a-z.", ID_PREFIX_MAX_LEN)));

	rbac_ulid_step(ms, &last_ms, last_rnd);

	out = palloc(plen + 1 + RBAC_ULID_LEN + 1);
	memcpy(out, p, plen);
	out[plen] = '_';
	rbac_ulid_encode(last_ms, last_rnd, out + plen + 1);
	out[plen + 1 + RBAC_ULID_LEN] = '\0';
	PG_RETURN_TEXT_P(cstring_to_text(out));
}
