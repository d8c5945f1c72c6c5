/*-------------------------------------------------------------------------
 *
 * query.c
 *	  Permission queries (SPEC 9), pure C: Unkey's syntax of permission
 *	  slugs joined by AND / OR, with parentheses, compiled into a postfix
 *	  program over the distinct slugs, and its evaluation.
 *
 *		query   := or
 *		or      := and { OR and }
 *		and     := primary { AND primary }
 *		primary := slug | "(" or ")"
 *
 *	  Tokens are separated by white space and parentheses; a word is "AND"
 *	  or "OR" in any case only as a whole word (ANDROID is a slug), any
 *	  other word is a slug.  Whether a slug is a valid permission slug is
 *	  not the grammar's business: the checks answer false for one that is
 *	  not (SPEC 3), as they do for a single slug.
 *
 *-------------------------------------------------------------------------
 */
#include "rbac_pure.h"

#include <string.h>

/* The parser's state. */
typedef struct Parser
{
	const char *s;
	size_t		len;
	size_t		pos;			/* next byte to read */
	int			depth;
	RbacQuery  *out;
	RbacQueryError *err;
} Parser;

typedef enum
{
	TOK_END, TOK_LPAREN, TOK_RPAREN, TOK_AND, TOK_OR, TOK_SLUG
} TokenKind;

typedef struct Token
{
	TokenKind	kind;
	size_t		start;			/* byte offset of the token */
	size_t		len;
} Token;

static bool
is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static bool
word_is(const char *w, size_t len, const char *kw)
{
	size_t		n = strlen(kw);

	if (len != n)
		return false;
	for (size_t i = 0; i < n; i++)
	{
		char		c = w[i];

		if (c >= 'A' && c <= 'Z')
			c = (char) (c - 'A' + 'a');
		if (c != kw[i])
			return false;
	}
	return true;
}

/* The next token, without consuming it. */
static Token
peek(const Parser *p)
{
	Token		t;
	size_t		i = p->pos;

	while (i < p->len && is_space((unsigned char) p->s[i]))
		i++;
	t.start = i;
	t.len = 0;
	if (i >= p->len)
	{
		t.kind = TOK_END;
		return t;
	}
	if (p->s[i] == '(' || p->s[i] == ')')
	{
		t.kind = p->s[i] == '(' ? TOK_LPAREN : TOK_RPAREN;
		t.len = 1;
		return t;
	}
	while (i < p->len && !is_space((unsigned char) p->s[i]) &&
		   p->s[i] != '(' && p->s[i] != ')')
		i++;
	t.len = i - t.start;
	if (word_is(p->s + t.start, t.len, "and"))
		t.kind = TOK_AND;
	else if (word_is(p->s + t.start, t.len, "or"))
		t.kind = TOK_OR;
	else
		t.kind = TOK_SLUG;
	return t;
}

static void
consume(Parser *p, const Token *t)
{
	p->pos = t->start + t->len;
}

static bool
fail(Parser *p, size_t pos, RbacQueryErrorKind kind)
{
	if (p->err->kind == RBAC_QUERY_OK)
	{
		p->err->kind = kind;
		p->err->pos = pos;
	}
	return false;
}

static bool
emit(Parser *p, uint8_t kind, uint16_t slug)
{
	RbacQuery  *q = p->out;

	if (q->nops >= RBAC_QUERY_MAX_OPS)
		return fail(p, p->pos, RBAC_QUERY_TOO_LONG);
	q->ops[q->nops].kind = kind;
	q->ops[q->nops].slug = slug;
	q->nops++;
	return true;
}

/* The index of a slug among the query's distinct slugs, adding it. */
static bool
emit_slug(Parser *p, const Token *t)
{
	RbacQuery  *q = p->out;
	int			i;

	for (i = 0; i < q->nslugs; i++)
		if (q->slug_len[i] == t->len &&
			memcmp(p->s + q->slug_start[i], p->s + t->start, t->len) == 0)
			break;
	if (i == q->nslugs)
	{
		if (q->nslugs >= RBAC_QUERY_MAX_SLUGS)
			return fail(p, t->start, RBAC_QUERY_TOO_LONG);
		q->slug_start[i] = (uint16_t) t->start;
		q->slug_len[i] = (uint16_t) t->len;
		q->nslugs++;
	}
	return emit(p, RBAC_QOP_SLUG, (uint16_t) i);
}

static bool parse_or(Parser *p);

static bool
parse_primary(Parser *p)
{
	Token		t = peek(p);

	switch (t.kind)
	{
		case TOK_SLUG:
			consume(p, &t);
			return emit_slug(p, &t);
		case TOK_LPAREN:
			if (p->depth >= RBAC_QUERY_MAX_DEPTH)
				return fail(p, t.start, RBAC_QUERY_TOO_DEEP);
			consume(p, &t);
			p->depth++;
			if (!parse_or(p))
				return false;
			p->depth--;
			{
				Token		r = peek(p);

				if (r.kind == TOK_END)
					return fail(p, t.start, RBAC_QUERY_UNCLOSED);
				if (r.kind != TOK_RPAREN)
					return fail(p, r.start, RBAC_QUERY_EXPECTED_OPERATOR);
				consume(p, &r);
			}
			return true;
		case TOK_RPAREN:
		case TOK_AND:
		case TOK_OR:
		case TOK_END:
			break;
	}
	return fail(p, t.start, RBAC_QUERY_EXPECTED_OPERAND);
}

static bool
parse_and(Parser *p)
{
	if (!parse_primary(p))
		return false;
	for (;;)
	{
		Token		t = peek(p);

		if (t.kind != TOK_AND)
			return true;
		consume(p, &t);
		if (!parse_primary(p) || !emit(p, RBAC_QOP_AND, 0))
			return false;
	}
}

static bool
parse_or(Parser *p)
{
	if (!parse_and(p))
		return false;
	for (;;)
	{
		Token		t = peek(p);

		if (t.kind != TOK_OR)
			return true;
		consume(p, &t);
		if (!parse_and(p) || !emit(p, RBAC_QOP_OR, 0))
			return false;
	}
}

/*
 * Compile a query.  False with *err set (the byte offset of the problem and
 * its kind) if it is not one.
 */
bool
rbac_query_parse(const char *s, size_t len, RbacQuery *out, RbacQueryError *err)
{
	Parser		p;
	Token		t;

	memset(out, 0, sizeof(*out));
	err->kind = RBAC_QUERY_OK;
	err->pos = 0;
	if (len > RBAC_QUERY_MAX_BYTES)
	{
		err->kind = RBAC_QUERY_TOO_LONG;
		err->pos = RBAC_QUERY_MAX_BYTES;
		return false;
	}
	p.s = s;
	p.len = len;
	p.pos = 0;
	p.depth = 0;
	p.out = out;
	p.err = err;
	t = peek(&p);
	if (t.kind == TOK_END)
	{
		err->kind = RBAC_QUERY_EMPTY;
		err->pos = t.start;
		return false;
	}
	if (!parse_or(&p))
		return false;
	t = peek(&p);
	if (t.kind == TOK_RPAREN)
		return fail(&p, t.start, RBAC_QUERY_UNEXPECTED_RPAREN);
	if (t.kind != TOK_END)
		return fail(&p, t.start, RBAC_QUERY_EXPECTED_OPERATOR);
	return true;
}

/* The query's value, given the value of each of its distinct slugs. */
bool
rbac_query_eval(const RbacQuery *q, const bool *slug_values)
{
	bool		stack[RBAC_QUERY_MAX_OPS];
	int			n = 0;

	for (int i = 0; i < q->nops; i++)
	{
		switch (q->ops[i].kind)
		{
			case RBAC_QOP_SLUG:
				stack[n++] = slug_values[q->ops[i].slug];
				break;
			case RBAC_QOP_AND:
				n--;
				stack[n - 1] = stack[n - 1] && stack[n];
				break;
			case RBAC_QOP_OR:
				n--;
				stack[n - 1] = stack[n - 1] || stack[n];
				break;
		}
	}
	return n == 1 && stack[0];
}

/* A message for an error kind. */
const char *
rbac_query_error_message(RbacQueryErrorKind kind)
{
	switch (kind)
	{
		case RBAC_QUERY_OK:
			return "no error";
		case RBAC_QUERY_EMPTY:
			return "permission query is empty";
		case RBAC_QUERY_TOO_LONG:
			return "permission query is too long";
		case RBAC_QUERY_TOO_DEEP:
			return "permission query nests parentheses too deeply";
		case RBAC_QUERY_EXPECTED_OPERAND:
			return "expected a permission slug or \"(\"";
		case RBAC_QUERY_EXPECTED_OPERATOR:
			return "expected AND, OR, \")\" or the end of the query";
		case RBAC_QUERY_UNCLOSED:
			return "\"(\" is not closed";
		case RBAC_QUERY_UNEXPECTED_RPAREN:
			return "\")\" without \"(\"";
	}
	return "invalid permission query";
}
