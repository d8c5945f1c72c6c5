/*-------------------------------------------------------------------------
 *
 * slug.c
 *	  Slug rules (SPEC 1.1): which strings are valid permission, role and
 *	  resource type slugs.  Pure C, no PostgreSQL dependency.
 *
 *-------------------------------------------------------------------------
 */
#include "rbac_pure.h"

/* true if c may appear in a role or resource type slug: a-z 0-9 - _ */
static inline bool
role_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		c == '-' || c == '_';
}

/* true if c may appear in a permission slug: a-z 0-9 - _ : . * */
static inline bool
permission_char(unsigned char c)
{
	return role_char(c) || c == ':' || c == '.' || c == '*';
}

/* Is s[0..len) a valid permission slug? */
bool
rbac_permission_slug_valid(const char *s, size_t len)
{
	if (s == NULL || len == 0 || len > RBAC_SLUG_MAX_LEN)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!permission_char((unsigned char) s[i]))
			return false;
	return true;
}

/* Is s[0..len) a valid role slug (environment or organization)? */
bool
rbac_role_slug_valid(const char *s, size_t len)
{
	if (s == NULL || len == 0 || len > RBAC_SLUG_MAX_LEN)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!role_char((unsigned char) s[i]))
			return false;
	return true;
}

/* Is s[0..len) a valid resource type slug? Same alphabet as role slugs. */
bool
rbac_resource_type_slug_valid(const char *s, size_t len)
{
	return rbac_role_slug_valid(s, len);
}

/* Does the permission slug contain a segment that is exactly "*"? */
bool
rbac_slug_has_wildcard(const char *s, size_t len)
{
	size_t		start = 0;

	for (size_t i = 0; i <= len; i++)
	{
		if (i == len || s[i] == ':' || s[i] == '.')
		{
			if (i - start == 1 && s[start] == '*')
				return true;
			start = i + 1;
		}
	}
	return false;
}

/* Is s[0..len) a resource external id: 1 to 64 printable ASCII characters? */
bool
rbac_external_id_valid(const char *s, size_t len)
{
	if (s == NULL || len == 0 || len > RBAC_EXTERNAL_ID_MAX_LEN)
		return false;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char) s[i] < 0x20 || (unsigned char) s[i] > 0x7e)
			return false;
	return true;
}
