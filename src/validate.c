/*-------------------------------------------------------------------------
 *
 * validate.c
 *	  SQL-callable validators (SPEC 1.1, 1.2): boolean ones for
 *	  applications, and raising ones used as the CHECK of rbac's domains so
 *	  that a bad value fails with SQLSTATE 22023 wherever it enters
 *	  (function argument, INSERT, UPDATE, COPY, cast).  Also the SQL face
 *	  of the wildcard matcher (SPEC 3), for the discovery functions.
 *
 *-------------------------------------------------------------------------
 */
#include "rbac.h"

#include "fmgr.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"

#define NAME_MAX_CHARS			512
#define DESCRIPTION_MAX_CHARS	1024
#define QUOTE_MAX_CHARS			64

PG_FUNCTION_INFO_V1(rbac_is_valid_permission_slug);
PG_FUNCTION_INFO_V1(rbac_is_valid_role_slug);
PG_FUNCTION_INFO_V1(rbac_check_permission_slug);
PG_FUNCTION_INFO_V1(rbac_check_role_slug);
PG_FUNCTION_INFO_V1(rbac_check_resource_type_slug);
PG_FUNCTION_INFO_V1(rbac_check_name);
PG_FUNCTION_INFO_V1(rbac_check_description);
PG_FUNCTION_INFO_V1(rbac_check_organization_id);
PG_FUNCTION_INFO_V1(rbac_check_user_id);
PG_FUNCTION_INFO_V1(rbac_check_external_id);
PG_FUNCTION_INFO_V1(rbac_is_valid_external_id);
PG_FUNCTION_INFO_V1(rbac_permission_matches_sql);

/*
 * A value made fit for an error message: at most QUOTE_MAX_CHARS characters
 * (with "..." after a cut), control characters and invalid bytes shown as
 * \xNN, so that a 1 MB argument does not become a 1 MB message.
 */
char *
rbac_quote_for_message(const char *s, int len)
{
	StringInfoData buf;
	int			shown = 0;
	int			i = 0;

	initStringInfo(&buf);
	while (i < len)
	{
		unsigned char c = (unsigned char) s[i];
		int			clen;

		if (shown >= QUOTE_MAX_CHARS)
		{
			appendStringInfoString(&buf, "...");
			break;
		}
		clen = (c < 0x80) ? 1 : pg_mblen(s + i);
		if (c < 0x20 || c == 0x7f || clen <= 0 || i + clen > len ||
			(c >= 0x80 && pg_verify_mbstr_len(GetDatabaseEncoding(), s + i, clen, true) < 0))
		{
			appendStringInfo(&buf, "\\x%02x", c);
			i++;
		}
		else
		{
			appendBinaryStringInfo(&buf, s + i, clen);
			i += clen;
		}
		shown++;
	}
	return buf.data;
}

/* The detail line for a rejected slug: what is wrong with it. */
static char *
slug_problem(const char *kind, const char *allowed, const char *s, int len,
			 bool permission)
{
	if (len == 0)
		return psprintf("A %s must not be empty.", kind);
	if (len > RBAC_SLUG_MAX_LEN)
		return psprintf("A %s has at most %d characters.", kind, RBAC_SLUG_MAX_LEN);
	for (int i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) s[i];
		bool		ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
			c == '-' || c == '_' ||
			(permission && (c == ':' || c == '.' || c == '*'));

		if (!ok)
		{
			if (c >= 'A' && c <= 'Z')
				return psprintf("A %s is lower case: character %d is \"%c\". Allowed: %s.",
								kind, i + 1, c, allowed);
			if (c > 0x20 && c < 0x7f)
				return psprintf("Character %d (\"%c\") is not allowed in a %s. Allowed: %s.",
								i + 1, c, kind, allowed);
			return psprintf("Byte %d (\\x%02x) is not allowed in a %s. Allowed: %s.",
							i + 1, c, kind, allowed);
		}
	}
	return psprintf("Allowed: %s.", allowed);
}

#define PERMISSION_ALLOWED "1 to 128 characters from a-z, 0-9, \"-\", \"_\", \":\", \".\" and \"*\""
#define ROLE_ALLOWED "1 to 128 characters from a-z, 0-9, \"-\" and \"_\""

/* rbac.is_valid_permission_slug(text): never raises */
Datum
rbac_is_valid_permission_slug(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);

	PG_RETURN_BOOL(rbac_permission_slug_valid(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t)));
}

/* rbac.is_valid_role_slug(text): never raises */
Datum
rbac_is_valid_role_slug(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);

	PG_RETURN_BOOL(rbac_role_slug_valid(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t)));
}

/* rbac.check_permission_slug(text): true, or an error naming the value */
Datum
rbac_check_permission_slug(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	const char *s = VARDATA_ANY(t);
	int			len = VARSIZE_ANY_EXHDR(t);

	if (!rbac_permission_slug_valid(s, len))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid permission slug \"%s\"", rbac_quote_for_message(s, len)),
				 errdetail_internal("%s", slug_problem("permission slug", PERMISSION_ALLOWED, s, len, true))));
	PG_RETURN_BOOL(true);
}

/* rbac.check_role_slug(text): true, or an error naming the value */
Datum
rbac_check_role_slug(PG_FUNCTION_ARGS)
{
	rbac_require_role_slug(PG_GETARG_TEXT_PP(0));
	PG_RETURN_BOOL(true);
}

/* Raise 22023, naming the value and the rule, unless t is a valid role slug. */
void
rbac_require_role_slug(text *t)
{
	const char *s = VARDATA_ANY(t);
	int			len = VARSIZE_ANY_EXHDR(t);

	if (!rbac_role_slug_valid(s, len))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid role slug \"%s\"", rbac_quote_for_message(s, len)),
				 errdetail_internal("%s", slug_problem("role slug", ROLE_ALLOWED, s, len, false))));
}

/* rbac.check_resource_type_slug(text): true, or an error naming the value */
Datum
rbac_check_resource_type_slug(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	const char *s = VARDATA_ANY(t);
	int			len = VARSIZE_ANY_EXHDR(t);

	if (!rbac_resource_type_slug_valid(s, len))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid resource type slug \"%s\"", rbac_quote_for_message(s, len)),
				 errdetail_internal("%s", slug_problem("resource type slug", ROLE_ALLOWED, s, len, false))));
	PG_RETURN_BOOL(true);
}

/* Raise 22023 unless t has between lo and hi characters. */
static void
check_length(text *t, const char *what, int lo, int hi)
{
	const char *s = VARDATA_ANY(t);
	int			len = VARSIZE_ANY_EXHDR(t);
	int			chars = pg_mbstrlen_with_len(s, len);

	if (chars < lo || chars > hi)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid %s \"%s\"", what, rbac_quote_for_message(s, len)),
				 lo > 0 ?
				 errdetail("A %s has %d to %d characters; this one has %d.", what, lo, hi, chars) :
				 errdetail("A %s has at most %d characters; this one has %d.", what, hi, chars)));
}

/* rbac.check_name(text): 1 to 512 characters */
Datum
rbac_check_name(PG_FUNCTION_ARGS)
{
	check_length(PG_GETARG_TEXT_PP(0), "name", 1, NAME_MAX_CHARS);
	PG_RETURN_BOOL(true);
}

/* rbac.check_description(text): at most 1024 characters */
Datum
rbac_check_description(PG_FUNCTION_ARGS)
{
	check_length(PG_GETARG_TEXT_PP(0), "description", 0, DESCRIPTION_MAX_CHARS);
	PG_RETURN_BOOL(true);
}

/* Raise 22023 unless t is an id of 1 to 128 characters, no control characters. */
void
rbac_require_id(text *t, const char *what)
{
	const char *s = VARDATA_ANY(t);
	int			len = VARSIZE_ANY_EXHDR(t);

	check_length(t, what, 1, RBAC_ORG_ID_MAX_LEN);
	for (int i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) s[i];

		if (c < 0x20 || c == 0x7f)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid %s \"%s\"", what, rbac_quote_for_message(s, len)),
					 errdetail("An %s must not contain control characters.", what)));
	}
}

/* rbac.check_organization_id(text): 1 to 128 characters, no control characters */
Datum
rbac_check_organization_id(PG_FUNCTION_ARGS)
{
	rbac_require_id(PG_GETARG_TEXT_PP(0), "organization id");
	PG_RETURN_BOOL(true);
}

/* rbac.check_user_id(text): 1 to 128 characters, no control characters */
Datum
rbac_check_user_id(PG_FUNCTION_ARGS)
{
	rbac_require_id(PG_GETARG_TEXT_PP(0), "user id");
	PG_RETURN_BOOL(true);
}

/* rbac.is_valid_external_id(text): never raises */
Datum
rbac_is_valid_external_id(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);

	PG_RETURN_BOOL(rbac_external_id_valid(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t)));
}

/* rbac.check_external_id(text): true, or an error naming the value */
Datum
rbac_check_external_id(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	const char *s = VARDATA_ANY(t);
	int			len = VARSIZE_ANY_EXHDR(t);

	if (!rbac_external_id_valid(s, len))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid external id \"%s\"", rbac_quote_for_message(s, len)),
				 errdetail("An external id has 1 to %d printable ASCII characters (space to \"~\").",
						   RBAC_EXTERNAL_ID_MAX_LEN)));
	PG_RETURN_BOOL(true);
}

/*
 * rbac.permission_matches(granted text, requested text): does the grant
 * cover the requested slug (SPEC 3 wildcards)?  A requested slug that is not
 * a valid permission slug is covered by nothing, as in the checks.
 */
Datum
rbac_permission_matches_sql(PG_FUNCTION_ARGS)
{
	text	   *g = PG_GETARG_TEXT_PP(0);
	text	   *r = PG_GETARG_TEXT_PP(1);
	const char *rs = VARDATA_ANY(r);
	size_t		rlen = VARSIZE_ANY_EXHDR(r);

	if (!rbac_permission_slug_valid(rs, rlen))
		PG_RETURN_BOOL(false);
	PG_RETURN_BOOL(rbac_permission_matches(VARDATA_ANY(g), VARSIZE_ANY_EXHDR(g), rs, rlen));
}
