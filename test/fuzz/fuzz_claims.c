/*-------------------------------------------------------------------------
 *
 * fuzz_claims.c
 *	  libFuzzer target for the JWT claims reader in src/claims.c.
 *
 * The input is the text of request.jwt.claims.  rbac_claims_parse must
 * never crash or read past the input (libFuzzer hands over an exactly-sized
 * buffer, so ASan sees that), and its answer is compared with a reference
 * written here: a plain recursive-descent JSON parser (RFC 8259) that also
 * picks out the claims, with the rules claims.c documents:
 *
 *	 - the whole text must be one JSON object (white space around it is
 *	   fine), else no claims at all;
 *	 - like PostgreSQL's json, a string may not contain \u0000 or an
 *	   unpaired surrogate escape; raw bytes >= 0x80 pass through as they are
 *	   (the server has already checked the text's encoding);
 *	 - "role" and "org_id": the last such key counts; a string of at most
 *	   RBAC_CLAIM_MAX decoded bytes is the claim, any other value none;
 *	 - "sub" (read as the user claim here) likewise;
 *	 - "roles": the last such key counts; an array gives has_roles and its
 *	   first RBAC_CLAIMS_MAX_ROLES string elements that fit, with
 *	   roles_overflow when more string elements that fit follow; anything
 *	   else no roles.
 *
 * Nesting: the reader has a depth limit.  Up to 64 levels (counting the
 * outer object) it must agree with the reference; beyond REF_MAX_DEPTH it
 * must refuse (an unbounded recursion would be a stack overflow in a
 * backend).  In between only "accepted implies valid" is checked.
 *
 * Also checked on every answer: lengths at most RBAC_CLAIM_MAX, strings
 * NUL-terminated at their length with no NUL inside, nroles in
 * 0..RBAC_CLAIMS_MAX_ROLES; on false the struct is all zero; and text not
 * starting with white space then '{' is always refused.
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
			fprintf(stderr, "fuzz_claims: property failed: %s (line %d)\n", \
					#cond, __LINE__); \
			__builtin_trap(); \
		} \
	} while (0)

#define SURE_DEPTH		64		/* must be accepted up to here */
#define REF_MAX_DEPTH	200		/* must be refused beyond here */

/* ---- reference parser ---------------------------------------------------- */

typedef struct
{
	const unsigned char *s;
	size_t		n;
	size_t		i;
	int			max_depth;		/* deepest container nesting seen */
	bool		too_deep;		/* gave up beyond REF_MAX_DEPTH */
	char	   *scratch;		/* n + 1 bytes for decoded strings */
} Ref;

typedef struct
{
	bool		has_role;
	size_t		role_len;
	const char *role;
	bool		has_org_id;
	size_t		org_id_len;
	const char *org_id;
	bool		has_user;
	size_t		user_len;
	const char *user;
	bool		has_roles;
	bool		roles_overflow;
	int			nroles;
	size_t		roles_len[RBAC_CLAIMS_MAX_ROLES];
	const char *roles[RBAC_CLAIMS_MAX_ROLES];
} RefClaims;

/* the claim names the target reads: the defaults, and "sub" as the user */
static const RbacClaimNames names = {"role", 4, "roles", 5, "org_id", 6, "sub", 3};

static bool ref_value(Ref *r, int depth);

static bool
at_end(Ref *r)
{
	return r->i >= r->n;
}

static unsigned char
peek(Ref *r)
{
	return at_end(r) ? 0 : r->s[r->i];
}

static void
skip_space(Ref *r)
{
	while (!at_end(r) && strchr(" \t\r\n", r->s[r->i]) != NULL && r->s[r->i])
		r->i++;
}

static bool
eat(Ref *r, unsigned char c)
{
	if (at_end(r) || r->s[r->i] != c)
		return false;
	r->i++;
	return true;
}

/* four hex digits, or -1 */
static long
hex4(Ref *r)
{
	long		v = 0;

	for (int k = 0; k < 4; k++)
	{
		unsigned char c = peek(r);
		int			d;

		if (at_end(r))
			return -1;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = 10 + c - 'a';
		else if (c >= 'A' && c <= 'F')
			d = 10 + c - 'A';
		else
			return -1;
		v = v * 16 + d;
		r->i++;
	}
	return v;
}

/* append code point cp as UTF-8 */
static void
emit_utf8(char *dst, size_t *len, unsigned long cp)
{
	unsigned char b[4];
	int			nb;

	if (cp <= 0x7F)
	{
		b[0] = (unsigned char) cp;
		nb = 1;
	}
	else if (cp <= 0x7FF)
	{
		b[0] = (unsigned char) (0xC0 + (cp >> 6));
		b[1] = (unsigned char) (0x80 + (cp & 63));
		nb = 2;
	}
	else if (cp <= 0xFFFF)
	{
		b[0] = (unsigned char) (0xE0 + (cp >> 12));
		b[1] = (unsigned char) (0x80 + ((cp >> 6) & 63));
		b[2] = (unsigned char) (0x80 + (cp & 63));
		nb = 3;
	}
	else
	{
		b[0] = (unsigned char) (0xF0 + (cp >> 18));
		b[1] = (unsigned char) (0x80 + ((cp >> 12) & 63));
		b[2] = (unsigned char) (0x80 + ((cp >> 6) & 63));
		b[3] = (unsigned char) (0x80 + (cp & 63));
		nb = 4;
	}
	for (int k = 0; k < nb; k++)
		dst[(*len)++] = (char) b[k];
}

/*
 * A string at r->i, decoded into r->scratch (the decoded form is never
 * longer than the text); *len gets its length.
 */
static bool
ref_string(Ref *r, size_t *len)
{
	*len = 0;
	if (!eat(r, '"'))
		return false;
	for (;;)
	{
		unsigned char c;

		if (at_end(r))
			return false;
		c = r->s[r->i++];
		if (c == '"')
			return true;
		if (c < 0x20)
			return false;
		if (c != '\\')
		{
			r->scratch[(*len)++] = (char) c;
			continue;
		}
		if (at_end(r))
			return false;
		c = r->s[r->i++];
		if (c == 'u')
		{
			long		cp = hex4(r);

			if (cp < 0)
				return false;
			if (cp >= 0xDC00 && cp <= 0xDFFF)
				return false;	/* low surrogate first */
			if (cp >= 0xD800 && cp <= 0xDBFF)
			{
				long		lo;

				if (!eat(r, '\\') || !eat(r, 'u'))
					return false;
				lo = hex4(r);
				if (lo < 0xDC00 || lo > 0xDFFF)
					return false;
				cp = 0x10000 + (cp - 0xD800) * 0x400 + (lo - 0xDC00);
			}
			if (cp == 0)
				return false;
			emit_utf8(r->scratch, len, (unsigned long) cp);
		}
		else
		{
			static const char from[] = "\"\\/bfnrt";
			static const char to[] = "\"\\/\b\f\n\r\t";
			const char *p = c ? strchr(from, c) : NULL;

			if (p == NULL)
				return false;
			r->scratch[(*len)++] = to[p - from];
		}
	}
}

static bool
digits(Ref *r)
{
	size_t		start = r->i;

	while (!at_end(r) && peek(r) >= '0' && peek(r) <= '9')
		r->i++;
	return r->i > start;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static bool
ref_number(Ref *r)
{
	eat(r, '-');
	if (peek(r) >= '1' && peek(r) <= '9')
		digits(r);
	else if (!eat(r, '0'))
		return false;
	if (eat(r, '.') && !digits(r))
		return false;
	if (eat(r, 'e') || eat(r, 'E'))
	{
		if (!eat(r, '+'))
			eat(r, '-');
		if (!digits(r))
			return false;
	}
	return true;
}

static bool
literal(Ref *r, const char *w)
{
	size_t		len = strlen(w);

	if (r->n - r->i < len || memcmp(r->s + r->i, w, len) != 0)
		return false;
	r->i += len;
	return true;
}

/* the members of an array or object; the opening bracket is eaten */
static bool
ref_members(Ref *r, int depth, bool object)
{
	unsigned char close = object ? '}' : ']';

	if (depth > r->max_depth)
		r->max_depth = depth;
	if (depth > REF_MAX_DEPTH)
	{
		r->too_deep = true;
		return false;
	}
	skip_space(r);
	if (eat(r, close))
		return true;
	do
	{
		skip_space(r);
		if (object)
		{
			size_t		len;

			if (!ref_string(r, &len))
				return false;
			skip_space(r);
			if (!eat(r, ':'))
				return false;
		}
		if (!ref_value(r, depth))
			return false;
		skip_space(r);
	} while (eat(r, ','));
	return eat(r, close);
}

/* any value; depth is that of the enclosing container */
static bool
ref_value(Ref *r, int depth)
{
	size_t		len;

	skip_space(r);
	switch (peek(r))
	{
		case '{':
			r->i++;
			return ref_members(r, depth + 1, true);
		case '[':
			r->i++;
			return ref_members(r, depth + 1, false);
		case '"':
			return ref_string(r, &len);
		case 't':
			return literal(r, "true");
		case 'f':
			return literal(r, "false");
		case 'n':
			return literal(r, "null");
		default:
			return !at_end(r) && ref_number(r);
	}
}

/* a copy of the decoded string in r->scratch */
static const char *
keep(Ref *r, size_t len)
{
	char	   *c = malloc(len + 1);

	if (c == NULL)
		abort();
	memcpy(c, r->scratch, len);
	c[len] = '\0';
	return c;
}

/*
 * The value of a claim of interest; kind 's' wants a string, 'a' the
 * roles array.  Fills the claim in rc.
 */
static bool
ref_claim_value(Ref *r, char kind, RefClaims *rc)
{
	size_t		len;

	skip_space(r);
	if (kind == 's' || kind == 'o' || kind == 'u')
	{
		bool	   *has = kind == 's' ? &rc->has_role :
			kind == 'o' ? &rc->has_org_id : &rc->has_user;
		size_t	   *dlen = kind == 's' ? &rc->role_len :
			kind == 'o' ? &rc->org_id_len : &rc->user_len;
		const char **str = kind == 's' ? &rc->role :
			kind == 'o' ? &rc->org_id : &rc->user;

		*has = false;
		*dlen = 0;
		if (peek(r) != '"')
			return ref_value(r, 1);
		if (!ref_string(r, &len))
			return false;
		if (len <= RBAC_CLAIM_MAX)
		{
			*has = true;
			*dlen = len;
			free((void *) *str);
			*str = keep(r, len);
		}
		return true;
	}

	/* roles */
	rc->has_roles = false;
	rc->roles_overflow = false;
	for (int k = 0; k < rc->nroles; k++)
	{
		free((void *) rc->roles[k]);
		rc->roles[k] = NULL;
	}
	rc->nroles = 0;
	if (peek(r) != '[')
		return ref_value(r, 1);
	rc->has_roles = true;
	r->i++;
	if (r->max_depth < 2)
		r->max_depth = 2;
	skip_space(r);
	if (eat(r, ']'))
		return true;
	do
	{
		skip_space(r);
		if (peek(r) == '"')
		{
			if (!ref_string(r, &len))
				return false;
			if (len <= RBAC_CLAIM_MAX && rc->nroles < RBAC_CLAIMS_MAX_ROLES)
			{
				rc->roles_len[rc->nroles] = len;
				rc->roles[rc->nroles] = keep(r, len);
				rc->nroles++;
			}
			else if (len <= RBAC_CLAIM_MAX)
				rc->roles_overflow = true;
		}
		else if (!ref_value(r, 2))
			return false;
		skip_space(r);
	} while (eat(r, ','));
	return eat(r, ']');
}

/* reference for rbac_claims_parse */
static bool
ref_claims(Ref *r, RefClaims *rc)
{
	memset(rc, 0, sizeof(*rc));
	skip_space(r);
	if (!eat(r, '{'))
		return false;
	r->max_depth = 1;
	skip_space(r);
	if (!eat(r, '}'))
	{
		do
		{
			size_t		len;
			char		kind = 0;

			skip_space(r);
			if (!ref_string(r, &len))
				return false;
			if (len == 4 && memcmp(r->scratch, "role", 4) == 0)
				kind = 's';
			else if (len == 6 && memcmp(r->scratch, "org_id", 6) == 0)
				kind = 'o';
			else if (len == 5 && memcmp(r->scratch, "roles", 5) == 0)
				kind = 'a';
			else if (len == 3 && memcmp(r->scratch, "sub", 3) == 0)
				kind = 'u';
			skip_space(r);
			if (!eat(r, ':'))
				return false;
			if (kind != 0)
			{
				if (!ref_claim_value(r, kind, rc))
					return false;
			}
			else if (!ref_value(r, 1))
				return false;
			skip_space(r);
		} while (eat(r, ','));
		if (!eat(r, '}'))
			return false;
	}
	skip_space(r);
	return at_end(r);
}

static void
free_ref_claims(RefClaims *rc)
{
	free((void *) rc->role);
	free((void *) rc->org_id);
	free((void *) rc->user);
	for (int k = 0; k < RBAC_CLAIMS_MAX_ROLES; k++)
		free((void *) rc->roles[k]);
}

/* ---- the checks ---------------------------------------------------------- */

/* s is a string of exactly len bytes, NUL-terminated, no NUL inside */
static bool
terminated_at(const char *s, size_t len)
{
	return len <= RBAC_CLAIM_MAX && s[len] == '\0' && memchr(s, '\0', len) == NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	RbacClaims *c = malloc(sizeof(RbacClaims));
	RbacClaims *zero = calloc(1, sizeof(RbacClaims));
	RefClaims	rc;
	Ref			r = {data, size, 0, 0, false, malloc(size + 1)};
	bool		ok;
	bool		ref_ok;
	size_t		i = 0;

	if (c == NULL || zero == NULL || r.scratch == NULL)
		abort();

	/* garbage in the output struct: the reader must set every field */
	memset(c, 0xAA, sizeof(*c));
	ok = rbac_claims_parse((const char *) data, size, &names, c);
	ref_ok = ref_claims(&r, &rc);

	/* text not starting with white space then '{' is refused */
	while (i < size && (data[i] == ' ' || data[i] == '\t' ||
						data[i] == '\n' || data[i] == '\r'))
		i++;
	if (i == size || data[i] != '{')
		CHECK(!ok);

	/* agreement with the reference */
	if (ok)
		CHECK(ref_ok);
	if (!r.too_deep && r.max_depth <= SURE_DEPTH)
		CHECK(ok == ref_ok);
	if (r.too_deep || r.max_depth > REF_MAX_DEPTH)
		CHECK(!ok);

	if (!ok)
		CHECK(memcmp(c, zero, sizeof(*c)) == 0);
	else
	{
		CHECK(c->has_role == 0 || c->has_role == 1);
		CHECK(c->has_roles == 0 || c->has_roles == 1);
		CHECK(c->has_org_id == 0 || c->has_org_id == 1);
		CHECK(c->nroles >= 0 && c->nroles <= RBAC_CLAIMS_MAX_ROLES);
		if (c->has_role)
			CHECK(terminated_at(c->role, c->role_len));
		if (c->has_org_id)
			CHECK(terminated_at(c->org_id, c->org_id_len));
		if (c->has_user)
			CHECK(terminated_at(c->user, c->user_len));
		if (!c->has_roles)
			CHECK(!c->roles_overflow);
		for (int k = 0; k < c->nroles; k++)
			CHECK(terminated_at(c->roles[k], c->roles_len[k]));
		if (!c->has_roles)
			CHECK(c->nroles == 0);

		/* the same claims as the reference */
		CHECK(c->has_role == rc.has_role);
		if (c->has_role)
			CHECK(c->role_len == rc.role_len &&
				  memcmp(c->role, rc.role, rc.role_len) == 0);
		CHECK(c->has_org_id == rc.has_org_id);
		if (c->has_org_id)
			CHECK(c->org_id_len == rc.org_id_len &&
				  memcmp(c->org_id, rc.org_id, rc.org_id_len) == 0);
		CHECK(c->has_user == rc.has_user);
		if (c->has_user)
			CHECK(c->user_len == rc.user_len &&
				  memcmp(c->user, rc.user, rc.user_len) == 0);
		CHECK(c->has_roles == rc.has_roles);
		CHECK(c->roles_overflow == rc.roles_overflow);
		CHECK(c->nroles == rc.nroles);
		for (int k = 0; k < c->nroles; k++)
			CHECK(c->roles_len[k] == rc.roles_len[k] &&
				  memcmp(c->roles[k], rc.roles[k], rc.roles_len[k]) == 0);
	}

	/* no text, no claims */
	memset(c, 0xAA, sizeof(*c));
	CHECK(!rbac_claims_parse(NULL, size, &names, c));
	CHECK(memcmp(c, zero, sizeof(*c)) == 0);

	free_ref_claims(&rc);
	free(r.scratch);
	free(zero);
	free(c);
	return 0;
}
