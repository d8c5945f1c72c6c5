/*-------------------------------------------------------------------------
 *
 * fuzz_wildcard.c
 *	  libFuzzer target for wildcard matching in src/wildcard.c.
 *
 * Each input is read twice:
 *
 *	 raw      grant and request are the bytes before and after the first NUL
 *	          (no NUL: both are the whole input);
 *	 mapped   every byte becomes one of  a b * : . |  (byte % 6); the first
 *	          '|' splits grant from request (later ones become 'c'), so
 *	          almost every input is a pair of valid slugs dense in
 *	          wildcards and separators.
 *
 * rbac_permission_matches is always called (on exactly-sized copies, so
 * ASan sees any read past either length); when both strings are valid
 * permission slugs it is also compared with a reference matcher written
 * here from SPEC 3 as a character-level backtracking pattern match (the
 * code under test walks segments instead):
 *
 *	 - a grant segment that is exactly "*" matches one non-empty segment;
 *	 - a trailing "*" segment matches one or more non-empty segments, with
 *	   any separators between them;
 *	 - everything else, separators included, matches literally ("doc*" is
 *	   literal);
 *	 - the grant "*" alone matches every slug.
 *
 * and these properties hold: a slug matches itself; a grant with no "*"
 * segment matches only the identical string; "*" matches every valid slug.
 *
 *-------------------------------------------------------------------------
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rbac_pure.h"

/* the pair being checked, for the report */
static const char *cur_g;
static const char *cur_r;
static size_t cur_glen;
static size_t cur_rlen;

#define CHECK(cond) \
	do { \
		if (!(cond)) \
		{ \
			fprintf(stderr, "fuzz_wildcard: property failed: %s (line %d)\n" \
					"  grant \"%.*s\" request \"%.*s\"\n", \
					#cond, __LINE__, (int) cur_glen, cur_g, \
					(int) cur_rlen, cur_r); \
			__builtin_trap(); \
		} \
	} while (0)

/* ---- reference matcher --------------------------------------------------- */

enum
{
	TOK_LIT,					/* one literal character */
	TOK_ONE,					/* a "*" segment in the middle: [^:.]+ */
	TOK_TAIL					/* a trailing "*" segment: [^:.]+([:.][^:.]+)* */
};

typedef struct
{
	int			kind;
	char		c;				/* TOK_LIT */
} Tok;

static bool
is_sep(char c)
{
	return c == ':' || c == '.';
}

/* Compile a grant into tokens; returns the count. */
static size_t
compile_grant(const char *g, size_t glen, Tok *out)
{
	size_t		n = 0;

	for (size_t i = 0; i < glen; i++)
	{
		bool		seg_start = (i == 0 || is_sep(g[i - 1]));
		bool		seg_end = (i + 1 == glen || is_sep(g[i + 1]));

		if (g[i] == '*' && seg_start && seg_end)
			out[n++] = (Tok) {i + 1 == glen ? TOK_TAIL : TOK_ONE, 0};
		else
			out[n++] = (Tok) {TOK_LIT, g[i]};
	}
	return n;
}

/* Is r[0..len) one or more non-empty segments? */
static bool
all_segments_nonempty(const char *r, size_t len)
{
	if (len == 0 || is_sep(r[0]) || is_sep(r[len - 1]))
		return false;
	for (size_t i = 1; i < len; i++)
		if (is_sep(r[i]) && is_sep(r[i - 1]))
			return false;
	return true;
}

/* Do tokens t[k..n) match r[pos..rlen)? Plain backtracking. */
static bool
ref_match_from(const Tok *t, size_t k, size_t n, const char *r, size_t pos,
			   size_t rlen)
{
	if (k == n)
		return pos == rlen;
	switch (t[k].kind)
	{
		case TOK_LIT:
			return pos < rlen && r[pos] == t[k].c &&
				ref_match_from(t, k + 1, n, r, pos + 1, rlen);
		case TOK_ONE:
			/* try every non-empty run of non-separators */
			for (size_t end = pos + 1; end <= rlen && !is_sep(r[end - 1]); end++)
				if (ref_match_from(t, k + 1, n, r, end, rlen))
					return true;
			return false;
		case TOK_TAIL:
			return all_segments_nonempty(r + pos, rlen - pos);
	}
	return false;
}

/* reference: does the grant cover the request? */
static bool
ref_matches(const char *g, size_t glen, const char *r, size_t rlen)
{
	Tok			toks[RBAC_SLUG_MAX_LEN];
	size_t		n;

	if (glen == 1 && g[0] == '*')
		return rlen > 0;
	n = compile_grant(g, glen, toks);
	return ref_match_from(toks, 0, n, r, 0, rlen);
}

/* ---- the checks ---------------------------------------------------------- */

/* a heap copy of exactly len bytes (at least one byte allocated) */
static char *
copy_of(const char *s, size_t len)
{
	char	   *c = malloc(len ? len : 1);

	if (c == NULL)
		abort();
	if (len)
		memcpy(c, s, len);
	return c;
}

static void
check_pair(const char *g0, size_t glen, const char *r0, size_t rlen)
{
	char	   *g = copy_of(g0, glen);
	char	   *r = copy_of(r0, rlen);
	bool		m = rbac_permission_matches(g, glen, r, rlen);
	bool		gvalid = rbac_permission_slug_valid(g, glen);
	bool		rvalid = rbac_permission_slug_valid(r, rlen);

	cur_g = g;
	cur_glen = glen;
	cur_r = r;
	cur_rlen = rlen;

	/* the empty string matches nothing and is matched by nothing */
	if (glen == 0 || rlen == 0)
		CHECK(!m);

	if (gvalid && rvalid)
	{
		bool		same = (glen == rlen && memcmp(g, r, glen) == 0);

		CHECK(m == ref_matches(g, glen, r, rlen));
		if (same)
			CHECK(m);
		if (!rbac_slug_has_wildcard(g, glen))
			CHECK(m == same);
		CHECK(rbac_permission_matches("*", 1, r, rlen));
		/* and the grant matches itself whatever the request */
		CHECK(rbac_permission_matches(g, glen, g, glen));
	}
	free(g);
	free(r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char map[] = "ab*:.|";
	const char *d = (const char *) data;
	const char *nul = memchr(d, '\0', size);
	char	   *mapped;
	char	   *bar;

	/* raw */
	if (nul != NULL)
		check_pair(d, (size_t) (nul - d), nul + 1, size - (size_t) (nul - d) - 1);
	else
		check_pair(d, size, d, size);

	/* mapped */
	mapped = copy_of(d, size);
	for (size_t i = 0; i < size; i++)
		mapped[i] = map[data[i] % 6];
	bar = memchr(mapped, '|', size);
	if (bar != NULL)
	{
		/* only the first bar splits; later ones become letters */
		for (char *q = bar + 1; q < mapped + size; q++)
			if (*q == '|')
				*q = 'c';
		check_pair(mapped, (size_t) (bar - mapped), bar + 1,
				   size - (size_t) (bar - mapped) - 1);
	}
	else
		check_pair(mapped, size, mapped, size);
	free(mapped);
	return 0;
}
