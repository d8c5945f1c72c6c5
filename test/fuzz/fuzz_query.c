/*-------------------------------------------------------------------------
 *
 * fuzz_query.c
 *	  libFuzzer target for the permission query parser in src/query.c
 *	  (SPEC 9), against an independent evaluator written here.
 *
 * Each input is read twice:
 *
 *	 raw      the bytes as they are (any byte, NUL included);
 *	 mapped   every byte becomes one of the tokens  a  b  c  AND  or  (  )
 *	          " "  ANDROID  "a:*"  "\t"  (byte % 11), so that almost every
 *	          input is a query dense in operators and parentheses.
 *
 * rbac_query_parse is always called on an exactly-sized copy (ASan sees any
 * read past the end).  The reference tokenizes the whole text into an array
 * first and evaluates with two stacks (shunting-yard), while the code under
 * test parses by recursive descent into a postfix program; both must accept
 * the same texts, and for every assignment of truth values to the distinct
 * slugs (up to 8 slugs: all 256; more: 64 pseudo-random ones) give the same
 * value.  Rejections must name a byte offset within the text.
 *
 *-------------------------------------------------------------------------
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rbac_pure.h"

typedef enum
{
	R_SLUG, R_AND, R_OR, R_LP, R_RP
} RKind;

typedef struct
{
	RKind		kind;
	size_t		start;
	size_t		len;
} RTok;

static int
ref_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static int
ref_kw(const char *w, size_t n, const char *kw)
{
	if (strlen(kw) != n)
		return 0;
	for (size_t i = 0; i < n; i++)
	{
		int			c = (unsigned char) w[i];

		if ((c | 0x20) != kw[i] || !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
			return 0;
	}
	return 1;
}

/* tokenize; returns the count (or -1 if more than max) */
static int
ref_tokens(const char *s, size_t len, RTok *t, int max)
{
	int			n = 0;
	size_t		i = 0;

	while (i < len)
	{
		if (ref_space((unsigned char) s[i]))
		{
			i++;
			continue;
		}
		if (n == max)
			return -1;
		if (s[i] == '(' || s[i] == ')')
		{
			t[n].kind = s[i] == '(' ? R_LP : R_RP;
			t[n].start = i;
			t[n].len = 1;
			n++;
			i++;
			continue;
		}
		t[n].start = i;
		while (i < len && !ref_space((unsigned char) s[i]) && s[i] != '(' && s[i] != ')')
			i++;
		t[n].len = i - t[n].start;
		t[n].kind = ref_kw(s + t[n].start, t[n].len, "and") ? R_AND :
			ref_kw(s + t[n].start, t[n].len, "or") ? R_OR : R_SLUG;
		n++;
	}
	return n;
}

/* well-formed?  operands and operators must alternate, parentheses balance */
static int
ref_wellformed(const RTok *t, int n)
{
	int			depth = 0;
	int			want_operand = 1;

	if (n == 0)
		return 0;
	for (int i = 0; i < n; i++)
	{
		if (want_operand)
		{
			if (t[i].kind == R_SLUG)
				want_operand = 0;
			else if (t[i].kind == R_LP)
				depth++;
			else
				return 0;
		}
		else
		{
			if (t[i].kind == R_AND || t[i].kind == R_OR)
				want_operand = 1;
			else if (t[i].kind == R_RP)
			{
				if (depth == 0)
					return 0;
				depth--;
			}
			else
				return 0;
		}
	}
	return !want_operand && depth == 0;
}

/* the value under "truth" (a function of the slug's text) by shunting-yard */
static int
ref_eval(const char *s, const RTok *t, int n, unsigned seed)
{
	int			vals[4096];
	int			nv = 0;
	RKind		ops[4096];
	int			no = 0;

#define PREC(k) ((k) == R_AND ? 2 : 1)
#define APPLY() do { int b_ = vals[--nv]; int a_ = vals[--nv]; \
		vals[nv++] = ops[no - 1] == R_AND ? (a_ && b_) : (a_ || b_); no--; } while (0)

	for (int i = 0; i < n; i++)
	{
		switch (t[i].kind)
		{
			case R_SLUG:
				{
					unsigned	h = seed * 2654435761u;

					for (size_t j = 0; j < t[i].len; j++)
						h = (h ^ (unsigned char) s[t[i].start + j]) * 16777619u;
					vals[nv++] = (int) ((h >> 7) & 1);
				}
				break;
			case R_LP:
				ops[no++] = R_LP;
				break;
			case R_RP:
				while (ops[no - 1] != R_LP)
					APPLY();
				no--;
				break;
			case R_AND:
			case R_OR:
				while (no > 0 && ops[no - 1] != R_LP && PREC(ops[no - 1]) >= PREC(t[i].kind))
					APPLY();
				ops[no++] = t[i].kind;
				break;
		}
	}
	while (no > 0)
		APPLY();
	return vals[0];
}

/* the same truth for the code under test: one value per distinct slug */
static void
values_for(const char *s, const RbacQuery *q, unsigned seed, bool *v)
{
	for (int i = 0; i < q->nslugs; i++)
	{
		unsigned	h = seed * 2654435761u;

		for (size_t j = 0; j < q->slug_len[i]; j++)
			h = (h ^ (unsigned char) s[q->slug_start[i] + j]) * 16777619u;
		v[i] = ((h >> 7) & 1) != 0;
	}
}

static RbacQuery query;
static RTok toks[RBAC_QUERY_MAX_BYTES + 1];
static bool vals[RBAC_QUERY_MAX_SLUGS];

static void
check(const char *s, size_t len)
{
	char	   *copy = malloc(len ? len : 1);
	RbacQueryError err;
	bool		ok;
	int			n;

	memcpy(copy, s, len);
	ok = rbac_query_parse(copy, len, &query, &err);
	if (len > RBAC_QUERY_MAX_BYTES)
	{
		if (ok)
			__builtin_trap();
		free(copy);
		return;
	}
	n = ref_tokens(copy, len, toks, RBAC_QUERY_MAX_BYTES + 1);
	if (!ok)
	{
		if (err.pos > len || err.kind == RBAC_QUERY_OK)
			__builtin_trap();
		/* a limit may refuse a well-formed text; nothing else may */
		if (err.kind != RBAC_QUERY_TOO_LONG && err.kind != RBAC_QUERY_TOO_DEEP &&
			n >= 0 && ref_wellformed(toks, n))
		{
			fprintf(stderr, "rejected a well-formed query (kind %d at %zu)\n",
					(int) err.kind, err.pos);
			__builtin_trap();
		}
		free(copy);
		return;
	}
	if (n < 0 || !ref_wellformed(toks, n))
	{
		fprintf(stderr, "accepted a malformed query\n");
		__builtin_trap();
	}
	{
		int			rounds = query.nslugs <= 8 ? (1 << query.nslugs) : 64;

		for (int r = 0; r < rounds; r++)
		{
			unsigned	seed = (unsigned) r * 40503u + 1u;

			values_for(copy, &query, seed, vals);
			if ((int) rbac_query_eval(&query, vals) != ref_eval(copy, toks, n, seed))
			{
				fprintf(stderr, "values differ (seed %u)\n", seed);
				__builtin_trap();
			}
		}
	}
	free(copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const map[11] = {
		"a", "b", "c", " AND ", " or ", "(", ")", " ", "ANDROID", "a:*", "\t"
	};
	char		buf[RBAC_QUERY_MAX_BYTES + 64];
	size_t		n = 0;

	check((const char *) data, size);
	for (size_t i = 0; i < size; i++)
	{
		const char *m = map[data[i] % 11];
		size_t		l = strlen(m);

		if (n + l > RBAC_QUERY_MAX_BYTES + 32)
			break;
		memcpy(buf + n, m, l);
		n += l;
	}
	check(buf, n);
	return 0;
}
