/*-------------------------------------------------------------------------
 *
 * wildcard.c
 *	  Wildcard matching of a granted permission slug against a requested
 *	  one (SPEC 3).  Pure C, no PostgreSQL dependency.
 *
 * A slug is a sequence of segments separated by ':' or '.'.  A granted
 * segment that is exactly "*" matches one non-empty requested segment;
 * separators must match literally; a grant whose last segment is "*" also
 * matches any number of further non-empty segments, and the grant "*"
 * alone covers every slug.  "*" inside a longer segment is literal.  The
 * requested slug is never treated as a pattern.
 *
 *-------------------------------------------------------------------------
 */
#include <string.h>

#include "rbac_pure.h"

/* length of the segment starting at s[pos], up to a separator or the end */
static inline size_t
segment_len(const char *s, size_t len, size_t pos)
{
	size_t		i = pos;

	while (i < len && s[i] != ':' && s[i] != '.')
		i++;
	return i - pos;
}

/* Does the grant cover the requested slug? */
bool
rbac_permission_matches(const char *grant, size_t glen,
						const char *req, size_t rlen)
{
	size_t		g = 0;
	size_t		r = 0;

	if (glen == 0 || rlen == 0)
		return false;
	if (glen == 1 && grant[0] == '*')
		return true;

	for (;;)
	{
		size_t		gs = segment_len(grant, glen, g);
		size_t		rs = segment_len(req, rlen, r);
		bool		g_last = (g + gs == glen);
		bool		r_last = (r + rs == rlen);

		if (gs == 1 && grant[g] == '*')
		{
			if (rs == 0)
				return false;
			if (g_last)
			{
				/* trailing "*": this and every further segment non-empty */
				size_t		p = r + rs;

				while (p < rlen)
				{
					size_t		n = segment_len(req, rlen, p + 1);

					if (n == 0)
						return false;
					p += 1 + n;
				}
				return true;
			}
		}
		else if (gs != rs || memcmp(grant + g, req + r, gs) != 0)
			return false;

		if (g_last || r_last)
			return g_last && r_last;

		/* both go on: the separators must be the same character */
		if (grant[g + gs] != req[r + rs])
			return false;
		g += gs + 1;
		r += rs + 1;
	}
}
