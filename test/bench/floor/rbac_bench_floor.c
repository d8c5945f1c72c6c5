/*-------------------------------------------------------------------------
 *
 * rbac_bench_floor.c
 *	  The floor of the benchmark: do-nothing C functions with the argument
 *	  shapes of rbac's checks, built and installed only by make bench.
 *
 *	  A policy line of rbac costs a scan, the evaluation of its arguments,
 *	  the fmgr call and rbac's own work.  A floor function of the same
 *	  shape, declared like the checks (STABLE STRICT PARALLEL SAFE) and
 *	  called with the same argument expressions, costs everything but the
 *	  last; the difference of the two lines in one run is rbac's own cost.
 *
 *	  Each function reads its arguments as rbac does (PG_GETARG_TEXT_PP,
 *	  the length and the first byte of each text, the header of an array)
 *	  and returns true unless one of them starts with the byte 0xff, which
 *	  no valid UTF-8 text does: every row passes, and neither the planner
 *	  nor the executor can fold the call away.
 *
 *	  The _even forms also read the last byte of their second argument, the
 *	  organization in has_permission(perm, org) and user_has_permission(user,
 *	  org, perm), and pass only where it is even: the even-numbered
 *	  organizations, where the benchmark's member user_1 belongs
 *	  (organizations.sql).  A floor must pass the rows its line passes, as
 *	  counting a passing row costs the aggregate several ns more than
 *	  skipping one.
 *
 *	  floor_text3_below, the floor of has_permission(perm, type, external_id)
 *	  for a principal who may use only some of the resources, passes where
 *	  its third argument sorts (bytewise) below its second, a constant in
 *	  the place of the type: bench_floor.f3_below('document:read', 'f090',
 *	  folder_id) passes the folders f000 .. f089 (res_setup.sql).
 *
 *	  The SQL declarations are in test/bench/floor.sql (schema bench_floor).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/array.h"

PG_MODULE_MAGIC;

PG_FUNCTION_INFO_V1(floor_text1);
PG_FUNCTION_INFO_V1(floor_text2);
PG_FUNCTION_INFO_V1(floor_text3);
PG_FUNCTION_INFO_V1(floor_textarr_text);
PG_FUNCTION_INFO_V1(floor_text2_even);
PG_FUNCTION_INFO_V1(floor_text3_even);
PG_FUNCTION_INFO_V1(floor_text5);
PG_FUNCTION_INFO_V1(floor_text3_below);
PG_FUNCTION_INFO_V1(floor_text5_org_below);
PG_FUNCTION_INFO_V1(floor_text4_org_below);

/* True unless the text starts with the byte 0xff. */
static inline bool
floor_read_text(text *t)
{
	return VARSIZE_ANY_EXHDR(t) == 0 ||
		(unsigned char) VARDATA_ANY(t)[0] != 0xff;
}

/* True if the text's last byte is even (an empty text: false). */
static inline bool
floor_ends_even(text *t)
{
	int			len = VARSIZE_ANY_EXHDR(t);

	return len > 0 && ((unsigned char) VARDATA_ANY(t)[len - 1] & 1) == 0;
}

/* bench_floor.f1(text) */
Datum
floor_text1(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(floor_read_text(PG_GETARG_TEXT_PP(0)));
}

/* bench_floor.f2(text, text) */
Datum
floor_text2(PG_FUNCTION_ARGS)
{
	bool		a = floor_read_text(PG_GETARG_TEXT_PP(0));
	bool		b = floor_read_text(PG_GETARG_TEXT_PP(1));

	PG_RETURN_BOOL(a && b);
}

/* bench_floor.f3(text, text, text) */
Datum
floor_text3(PG_FUNCTION_ARGS)
{
	bool		a = floor_read_text(PG_GETARG_TEXT_PP(0));
	bool		b = floor_read_text(PG_GETARG_TEXT_PP(1));
	bool		c = floor_read_text(PG_GETARG_TEXT_PP(2));

	PG_RETURN_BOOL(a && b && c);
}

/* bench_floor.f_arr2(text[], text): reads the array's header and the text */
Datum
floor_textarr_text(PG_FUNCTION_ARGS)
{
	ArrayType  *roles = PG_GETARG_ARRAYTYPE_P(0);
	bool		b = floor_read_text(PG_GETARG_TEXT_PP(1));

	PG_RETURN_BOOL(ARR_NDIM(roles) <= 1 && b);
}

/* bench_floor.f2_even(text, text): f2, only where the second ends even */
Datum
floor_text2_even(PG_FUNCTION_ARGS)
{
	bool		a = floor_read_text(PG_GETARG_TEXT_PP(0));
	text	   *org = PG_GETARG_TEXT_PP(1);

	PG_RETURN_BOOL(a && floor_read_text(org) && floor_ends_even(org));
}

/* bench_floor.f3_even(text, text, text): f3, only where the second ends even */
Datum
floor_text3_even(PG_FUNCTION_ARGS)
{
	bool		a = floor_read_text(PG_GETARG_TEXT_PP(0));
	text	   *org = PG_GETARG_TEXT_PP(1);
	bool		c = floor_read_text(PG_GETARG_TEXT_PP(2));

	PG_RETURN_BOOL(a && c && floor_read_text(org) && floor_ends_even(org));
}

/* bench_floor.f5(text, text, text, text, text): the shape of the checks on a resource */
Datum
floor_text5(PG_FUNCTION_ARGS)
{
	bool		a = floor_read_text(PG_GETARG_TEXT_PP(0));
	bool		b = floor_read_text(PG_GETARG_TEXT_PP(1));
	bool		c = floor_read_text(PG_GETARG_TEXT_PP(2));
	bool		d = floor_read_text(PG_GETARG_TEXT_PP(3));
	bool		e = floor_read_text(PG_GETARG_TEXT_PP(4));

	PG_RETURN_BOOL(a && b && c && d && e);
}

/* Does text a sort below text b, bytewise? */
static inline bool
floor_below(text *a, text *b)
{
	int			alen = VARSIZE_ANY_EXHDR(a);
	int			blen = VARSIZE_ANY_EXHDR(b);
	int			cmp = memcmp(VARDATA_ANY(a), VARDATA_ANY(b), Min(alen, blen));

	return cmp < 0 || (cmp == 0 && alen < blen);
}

/* Are the two texts equal? */
static inline bool
floor_equal(text *a, text *b)
{
	int			alen = VARSIZE_ANY_EXHDR(a);

	return alen == (int) VARSIZE_ANY_EXHDR(b) && memcmp(VARDATA_ANY(a), VARDATA_ANY(b), alen) == 0;
}

/* bench_floor.f3_below(text, text, text): passes where the third sorts below the second */
Datum
floor_text3_below(PG_FUNCTION_ARGS)
{
	bool		a = floor_read_text(PG_GETARG_TEXT_PP(0));
	text	   *bound = PG_GETARG_TEXT_PP(1);
	text	   *ext = PG_GETARG_TEXT_PP(2);

	PG_RETURN_BOOL(a && floor_read_text(bound) && floor_below(ext, bound));
}

/*
 * bench_floor.f5_org_below(text, text, text, text, text): the shape of a
 * check on a resource with the organization from the row; passes where the
 * second equals the third and the fifth sorts below the fourth
 */
Datum
floor_text5_org_below(PG_FUNCTION_ARGS)
{
	bool		a = floor_read_text(PG_GETARG_TEXT_PP(0));

	PG_RETURN_BOOL(a && floor_equal(PG_GETARG_TEXT_PP(1), PG_GETARG_TEXT_PP(2)) &&
				   floor_below(PG_GETARG_TEXT_PP(4), PG_GETARG_TEXT_PP(3)));
}

/*
 * bench_floor.f4_org_below(text, text, text, text): the shape of
 * has_permission(permission, organization_id, type, external_id) with the
 * organization and external id from the row; passes where the second
 * equals the first and the fourth sorts below the third
 */
Datum
floor_text4_org_below(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(floor_equal(PG_GETARG_TEXT_PP(1), PG_GETARG_TEXT_PP(0)) &&
				   floor_below(PG_GETARG_TEXT_PP(3), PG_GETARG_TEXT_PP(2)));
}
