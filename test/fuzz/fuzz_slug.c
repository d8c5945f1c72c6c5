/*-------------------------------------------------------------------------
 *
 * fuzz_slug.c
 *	  libFuzzer target for the slug validators in src/slug.c.
 *
 * The whole input is one candidate slug.  Beyond "does not crash" (ASan
 * catches a read past len: libFuzzer hands over a buffer of exactly that
 * size), it checks each validator against a reference written here from
 * SPEC 1.1 alone:
 *
 *	 permission slug       a-z 0-9 - _ : . *    1..128 bytes
 *	 role slug             a-z 0-9 - _          1..128 bytes
 *	 resource type slug    as a role slug
 *
 * and that rbac_slug_has_wildcard is true exactly when some segment
 * (separated by ':' or '.') is "*".  A role slug is also a permission slug.
 *
 *-------------------------------------------------------------------------
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rbac_pure.h"

#define CHECK(cond) \
	do { \
		if (!(cond)) \
		{ \
			fprintf(stderr, "fuzz_slug: property failed: %s (line %d)\n", \
					#cond, __LINE__); \
			__builtin_trap(); \
		} \
	} while (0)

/* reference: is every byte of s[0..len) in the given alphabet, 1..128 long? */
static int
ref_in_alphabet(const unsigned char *s, size_t len, const char *alphabet)
{
	if (len < 1 || len > 128)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (s[i] == '\0' || strchr(alphabet, s[i]) == NULL)
			return 0;
	return 1;
}

static const char role_alphabet[] =
	"abcdefghijklmnopqrstuvwxyz0123456789-_";
static const char permission_alphabet[] =
	"abcdefghijklmnopqrstuvwxyz0123456789-_:.*";

/* reference: does some ':'/'.'-separated segment equal "*"? */
static int
ref_has_wildcard(const unsigned char *s, size_t len)
{
	/* walk the segments by their end positions */
	size_t		seg_start = 0;

	for (size_t i = 0; i < len; i++)
	{
		if (s[i] == ':' || s[i] == '.')
		{
			if (i == seg_start + 1 && s[seg_start] == '*')
				return 1;
			seg_start = i + 1;
		}
	}
	/* the last segment */
	return len == seg_start + 1 && s[seg_start] == '*';
}

/* Check every property on s[0..len) (an exactly-sized heap copy). */
static void
check_slug(const unsigned char *s, size_t len)
{
	const char *cs = (const char *) s;
	bool		perm = rbac_permission_slug_valid(cs, len);
	bool		role = rbac_role_slug_valid(cs, len);
	bool		rtype = rbac_resource_type_slug_valid(cs, len);
	bool		wild = rbac_slug_has_wildcard(cs, len);

	CHECK(perm == (bool) ref_in_alphabet(s, len, permission_alphabet));
	CHECK(role == (bool) ref_in_alphabet(s, len, role_alphabet));
	CHECK(rtype == role);
	CHECK(!role || perm);
	CHECK(wild == (bool) ref_has_wildcard(s, len));
	/* a role slug has no '*' at all, so no wildcard segment */
	CHECK(!role || !wild);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* the whole input */
	check_slug(data, size);

	/*
	 * Every prefix around the length limit, so the 128/129 boundary is
	 * exercised whenever the input is long enough.  Each prefix gets its own
	 * exactly-sized copy so that reading past its end is an ASan error.
	 */
	for (size_t len = 127; len <= 129 && len < size; len++)
	{
		unsigned char *copy = malloc(len ? len : 1);

		if (copy == NULL)
			return 0;
		memcpy(copy, data, len);
		check_slug(copy, len);
		free(copy);
	}

	/* the empty slug and NULL are never valid */
	CHECK(!rbac_permission_slug_valid((const char *) data, 0));
	CHECK(!rbac_role_slug_valid((const char *) data, 0));
	CHECK(!rbac_permission_slug_valid(NULL, size));
	CHECK(!rbac_role_slug_valid(NULL, size));
	return 0;
}
