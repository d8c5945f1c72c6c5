/*-------------------------------------------------------------------------
 *
 * claims.c
 *	  Reads the claims rbac uses (a role, a roles array, an organization and
 *	  a user; their names are settings, by default WorkOS's role, roles and
 *	  org_id) from the JSON text PostgREST puts in request.jwt.claims.  The whole text must
 *	  be one valid JSON object; anything else yields no claims.  Pure C, no
 *	  PostgreSQL dependency, so a fuzzer can call it directly.
 *
 *-------------------------------------------------------------------------
 */
#include <string.h>

#include "rbac_pure.h"

#define MAX_DEPTH 64

typedef struct Parser
{
	const char *s;
	size_t		len;
	size_t		pos;
} Parser;

/* Skip JSON white space. */
static void
skip_ws(Parser *p)
{
	while (p->pos < p->len &&
		   (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' ||
			p->s[p->pos] == '\n' || p->s[p->pos] == '\r'))
		p->pos++;
}

/* Value of one hex digit, or -1. */
static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Read 4 hex digits at p->pos into *cp. */
static bool
read_hex4(Parser *p, unsigned *cp)
{
	unsigned	v = 0;

	if (p->len - p->pos < 4)
		return false;
	for (int i = 0; i < 4; i++)
	{
		int			h = hexval(p->s[p->pos + i]);

		if (h < 0)
			return false;
		v = v * 16 + (unsigned) h;
	}
	p->pos += 4;
	*cp = v;
	return true;
}

/* Append one byte to out (up to cap bytes), counting the full length. */
static inline void
put(char *out, size_t cap, size_t *n, char c)
{
	if (out != NULL && *n < cap)
		out[*n] = c;
	(*n)++;
}

/*
 * Parse a JSON string at p->pos (at the opening quote).  Decodes it into
 * out (at most cap bytes, not terminated) and sets *n to the decoded
 * length, which may exceed cap.  out may be NULL to only validate.
 */
static bool
parse_string(Parser *p, char *out, size_t cap, size_t *n)
{
	*n = 0;
	if (p->pos >= p->len || p->s[p->pos] != '"')
		return false;
	p->pos++;
	while (p->pos < p->len)
	{
		unsigned char c = (unsigned char) p->s[p->pos++];

		if (c == '"')
			return true;
		if (c < 0x20)
			return false;		/* control characters must be escaped */
		if (c != '\\')
		{
			put(out, cap, n, (char) c);
			continue;
		}
		if (p->pos >= p->len)
			return false;
		c = (unsigned char) p->s[p->pos++];
		switch (c)
		{
			case '"':
			case '\\':
			case '/':
				put(out, cap, n, (char) c);
				break;
			case 'b':
				put(out, cap, n, '\b');
				break;
			case 'f':
				put(out, cap, n, '\f');
				break;
			case 'n':
				put(out, cap, n, '\n');
				break;
			case 'r':
				put(out, cap, n, '\r');
				break;
			case 't':
				put(out, cap, n, '\t');
				break;
			case 'u':
				{
					unsigned	cp;

					if (!read_hex4(p, &cp))
						return false;
					if (cp >= 0xD800 && cp <= 0xDBFF)
					{
						unsigned	lo;

						if (p->len - p->pos < 2 || p->s[p->pos] != '\\' ||
							p->s[p->pos + 1] != 'u')
							return false;
						p->pos += 2;
						if (!read_hex4(p, &lo) || lo < 0xDC00 || lo > 0xDFFF)
							return false;
						cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
					}
					else if (cp >= 0xDC00 && cp <= 0xDFFF)
						return false;
					if (cp == 0)
						return false;	/* no NUL in a claim */
					if (cp < 0x80)
						put(out, cap, n, (char) cp);
					else if (cp < 0x800)
					{
						put(out, cap, n, (char) (0xC0 | (cp >> 6)));
						put(out, cap, n, (char) (0x80 | (cp & 0x3F)));
					}
					else if (cp < 0x10000)
					{
						put(out, cap, n, (char) (0xE0 | (cp >> 12)));
						put(out, cap, n, (char) (0x80 | ((cp >> 6) & 0x3F)));
						put(out, cap, n, (char) (0x80 | (cp & 0x3F)));
					}
					else
					{
						put(out, cap, n, (char) (0xF0 | (cp >> 18)));
						put(out, cap, n, (char) (0x80 | ((cp >> 12) & 0x3F)));
						put(out, cap, n, (char) (0x80 | ((cp >> 6) & 0x3F)));
						put(out, cap, n, (char) (0x80 | (cp & 0x3F)));
					}
					break;
				}
			default:
				return false;
		}
	}
	return false;				/* no closing quote */
}

/* Parse a JSON number at p->pos (validation only). */
static bool
parse_number(Parser *p)
{
	size_t		start;

	if (p->pos < p->len && p->s[p->pos] == '-')
		p->pos++;
	if (p->pos >= p->len)
		return false;
	if (p->s[p->pos] == '0')
		p->pos++;
	else if (p->s[p->pos] >= '1' && p->s[p->pos] <= '9')
		while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9')
			p->pos++;
	else
		return false;
	if (p->pos < p->len && p->s[p->pos] == '.')
	{
		p->pos++;
		start = p->pos;
		while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9')
			p->pos++;
		if (p->pos == start)
			return false;
	}
	if (p->pos < p->len && (p->s[p->pos] == 'e' || p->s[p->pos] == 'E'))
	{
		p->pos++;
		if (p->pos < p->len && (p->s[p->pos] == '+' || p->s[p->pos] == '-'))
			p->pos++;
		start = p->pos;
		while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9')
			p->pos++;
		if (p->pos == start)
			return false;
	}
	return true;
}

/* Match a literal word (true, false, null) at p->pos. */
static bool
parse_word(Parser *p, const char *w)
{
	size_t		n = strlen(w);

	if (p->len - p->pos < n || memcmp(p->s + p->pos, w, n) != 0)
		return false;
	p->pos += n;
	return true;
}

/*
 * After a member of an array or object: 1 if a comma follows (another
 * member comes), 0 if the closing bracket does (consumed), -1 otherwise.
 */
static int
after_member(Parser *p, char close)
{
	skip_ws(p);
	if (p->pos >= p->len)
		return -1;
	if (p->s[p->pos] == ',')
	{
		p->pos++;
		return 1;
	}
	if (p->s[p->pos] == close)
	{
		p->pos++;
		return 0;
	}
	return -1;
}

static bool parse_value(Parser *p, int depth);

/* Parse an array or object at p->pos, validating every member. */
static bool
parse_container(Parser *p, int depth, bool object)
{
	char		close = object ? '}' : ']';

	if (depth > MAX_DEPTH)
		return false;
	p->pos++;					/* the opening bracket */
	skip_ws(p);
	if (p->pos < p->len && p->s[p->pos] == close)
	{
		p->pos++;
		return true;
	}
	for (;;)
	{
		if (object)
		{
			size_t		n;

			skip_ws(p);
			if (!parse_string(p, NULL, 0, &n))
				return false;
			skip_ws(p);
			if (p->pos >= p->len || p->s[p->pos] != ':')
				return false;
			p->pos++;
		}
		if (!parse_value(p, depth + 1))
			return false;
		switch (after_member(p, close))
		{
			case 1:
				continue;
			case 0:
				return true;
			default:
				return false;
		}
	}
}

/* Parse any JSON value at p->pos (after optional white space). */
static bool
parse_value(Parser *p, int depth)
{
	size_t		n;

	skip_ws(p);
	if (p->pos >= p->len)
		return false;
	switch (p->s[p->pos])
	{
		case '{':
			return parse_container(p, depth, true);
		case '[':
			return parse_container(p, depth, false);
		case '"':
			return parse_string(p, NULL, 0, &n);
		case 't':
			return parse_word(p, "true");
		case 'f':
			return parse_word(p, "false");
		case 'n':
			return parse_word(p, "null");
		default:
			return parse_number(p);
	}
}

/* Parse a string claim into a fixed buffer; *ok says it fitted. */
static bool
string_claim(Parser *p, char *buf, size_t *len, bool *ok)
{
	size_t		n;

	if (!parse_string(p, buf, RBAC_CLAIM_MAX, &n))
		return false;
	*ok = n <= RBAC_CLAIM_MAX;
	*len = *ok ? n : 0;
	buf[*len] = '\0';
	return true;
}

/* Is the key (klen bytes, decoded) the claim name n? */
static inline bool
is_claim(const char *key, size_t klen, const char *n, size_t nlen)
{
	return nlen > 0 && klen == nlen && memcmp(key, n, nlen) == 0;
}

/*
 * Forget the claims a key named (a later key of the same name replaces an
 * earlier one), marking an unreadable organization or user claim as such.
 */
static void
forget_claims(RbacClaims *out, bool role, bool roles, bool org, bool user)
{
	if (role)
		out->has_role = false;
	if (roles)
	{
		out->has_roles = false;
		out->nroles = 0;
		out->roles_overflow = false;
	}
	if (org)
	{
		/* an organization we cannot read binds to none */
		out->has_org_id = false;
		out->bad_org_id = true;
	}
	if (user)
	{
		out->has_user = false;
		out->bad_user = true;
	}
}

/*
 * Read the role, roles, organization and user claims, under the names given,
 * from a JSON object.  Returns false, with no claims, unless the whole text
 * is one valid JSON object.  A claim of another type than expected (role as
 * a number, say) is ignored; so is a string longer than RBAC_CLAIM_MAX
 * bytes.  A roles array with more string elements than RBAC_CLAIMS_MAX_ROLES
 * sets roles_overflow (the caller refuses such a principal whole rather
 * than read part of it).  A repeated key: the last one counts.  An
 * organization or user claim that is not a string that fits sets bad_org_id
 * or bad_user.
 */
bool
rbac_claims_parse(const char *json, size_t len, const RbacClaimNames *names,
				  RbacClaims *out)
{
	Parser		p = {json, len, 0};

	memset(out, 0, sizeof(*out));
	if (json == NULL)
		return false;
	skip_ws(&p);
	if (p.pos >= p.len || p.s[p.pos] != '{')
		return false;
	p.pos++;
	skip_ws(&p);
	if (p.pos < p.len && p.s[p.pos] == '}')
		p.pos++;
	else
	{
		for (;;)
		{
			char		key[RBAC_CLAIM_NAME_MAX + 1];
			size_t		klen;
			int			more;
			bool		k_role,
						k_roles,
						k_org,
						k_user;

			skip_ws(&p);
			if (!parse_string(&p, key, sizeof(key), &klen))
				goto bad;
			skip_ws(&p);
			if (p.pos >= p.len || p.s[p.pos] != ':')
				goto bad;
			p.pos++;
			skip_ws(&p);
			if (p.pos >= p.len)
				goto bad;
			k_role = is_claim(key, klen, names->role, names->role_len);
			k_roles = is_claim(key, klen, names->roles, names->roles_len);
			k_org = is_claim(key, klen, names->org, names->org_len);
			k_user = is_claim(key, klen, names->user, names->user_len);

			/* one key may name several claims: each takes its own reading */
			if (p.s[p.pos] == '"' && (k_role || k_org || k_user))
			{
				char		buf[RBAC_CLAIM_MAX + 1];
				size_t		blen;
				bool		fits;

				if (!string_claim(&p, buf, &blen, &fits))
					goto bad;
				if (k_role)
				{
					out->has_role = fits;
					out->role_len = blen;
					memcpy(out->role, buf, blen + 1);
				}
				if (k_org)
				{
					out->has_org_id = fits;
					out->bad_org_id = !fits;
					out->org_id_len = blen;
					memcpy(out->org_id, buf, blen + 1);
				}
				if (k_user)
				{
					out->has_user = fits;
					out->bad_user = !fits;
					out->user_len = blen;
					memcpy(out->user, buf, blen + 1);
				}
				/* a string where an array belongs: no roles */
				forget_claims(out, false, k_roles, false, false);
			}
			else if (k_roles && p.s[p.pos] == '[')
			{
				/* an array: keep its string elements (and no string claim) */
				forget_claims(out, k_role, true, k_org, k_user);
				out->has_roles = true;
				p.pos++;
				skip_ws(&p);
				if (p.pos < p.len && p.s[p.pos] == ']')
					p.pos++;
				else
				{
					for (;;)
					{
						skip_ws(&p);
						if (p.pos < p.len && p.s[p.pos] == '"')
						{
							char		buf[RBAC_CLAIM_MAX + 1];
							size_t		blen;
							bool		fits;

							if (!string_claim(&p, buf, &blen, &fits))
								goto bad;
							if (fits && out->nroles < RBAC_CLAIMS_MAX_ROLES)
							{
								memcpy(out->roles[out->nroles], buf, blen + 1);
								out->roles_len[out->nroles] = blen;
								out->nroles++;
							}
							else if (fits)
								out->roles_overflow = true;
						}
						else if (!parse_value(&p, 2))
							goto bad;
						more = after_member(&p, ']');
						if (more < 0)
							goto bad;
						if (more == 0)
							break;
					}
				}
			}
			else
			{
				/* another claim, or a known one of the wrong type */
				forget_claims(out, k_role, k_roles, k_org, k_user);
				if (!parse_value(&p, 1))
					goto bad;
			}
			more = after_member(&p, '}');
			if (more < 0)
				goto bad;
			if (more == 0)
				break;
		}
	}
	skip_ws(&p);
	if (p.pos != p.len)
		goto bad;
	return true;

bad:
	memset(out, 0, sizeof(*out));
	return false;
}
