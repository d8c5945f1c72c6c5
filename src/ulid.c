/*-------------------------------------------------------------------------
 *
 * ulid.c
 *	  ULID encoding (SPEC 1.2): 48 bits of milliseconds since the Unix epoch
 *	  followed by 80 random bits, written as 26 Crockford base32 characters.
 *	  Pure C, no PostgreSQL dependency.
 *
 *-------------------------------------------------------------------------
 */
#include "rbac_pure.h"

#include <string.h>

static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/* Encode a timestamp and 80 random bits as a 26-character ULID (no NUL). */
void
rbac_ulid_encode(uint64_t ms, const uint8_t rnd[RBAC_ULID_RAND_LEN],
				 char out[RBAC_ULID_LEN])
{
	uint8_t		bytes[16];
	int			bit;

	/* 128 bits: 48-bit big-endian time, then the random part */
	for (int i = 0; i < 6; i++)
		bytes[i] = (uint8_t) (ms >> (8 * (5 - i)));
	for (int i = 0; i < RBAC_ULID_RAND_LEN; i++)
		bytes[6 + i] = rnd[i];

	/*
	 * 26 characters carry 130 bits: the first character holds only the top
	 * two (always-zero) padding bits plus the top 3 bits of the value, so we
	 * read 5-bit groups of a 130-bit string whose first two bits are zero.
	 */
	bit = -2;
	for (int c = 0; c < RBAC_ULID_LEN; c++, bit += 5)
	{
		unsigned	v = 0;

		for (int b = 0; b < 5; b++)
		{
			int			pos = bit + b;

			v <<= 1;
			if (pos >= 0)
				v |= (bytes[pos / 8] >> (7 - pos % 8)) & 1;
		}
		out[c] = crockford[v];
	}
}

/*
 * Add one to the 80-bit random part, for monotonic ids within one
 * millisecond.  Returns false on overflow (all bits were set).
 */
bool
rbac_ulid_increment(uint8_t rnd[RBAC_ULID_RAND_LEN])
{
	for (int i = RBAC_ULID_RAND_LEN - 1; i >= 0; i--)
	{
		if (rnd[i] != 0xFF)
		{
			rnd[i]++;
			return true;
		}
		rnd[i] = 0;
	}
	return false;
}

/* Is s[0..len) a 26-character canonical (upper case) ULID? */
bool
rbac_ulid_valid(const char *s, size_t len)
{
	if (s == NULL || len != RBAC_ULID_LEN)
		return false;
	/* the first character encodes 3 bits only: 0-7 */
	if (s[0] < '0' || s[0] > '7')
		return false;
	for (size_t i = 0; i < len; i++)
	{
		bool		found = false;

		for (const char *p = crockford; *p; p++)
			if (*p == s[i])
			{
				found = true;
				break;
			}
		if (!found)
			return false;
	}
	return true;
}

/*
 * Decode a 26-character canonical ULID into its milliseconds and random
 * part; false if it is not one.
 */
bool
rbac_ulid_decode(const char *s, uint64_t *ms, uint8_t rnd[RBAC_ULID_RAND_LEN])
{
	uint8_t		bytes[16];
	int			bit = -2;

	if (!rbac_ulid_valid(s, RBAC_ULID_LEN))
		return false;
	memset(bytes, 0, sizeof(bytes));
	for (int c = 0; c < RBAC_ULID_LEN; c++, bit += 5)
	{
		unsigned	v = (unsigned) (strchr(crockford, s[c]) - crockford);

		for (int b = 0; b < 5; b++)
		{
			int			pos = bit + b;

			if (pos >= 0 && (v >> (4 - b)) & 1)
				bytes[pos / 8] |= (uint8_t) (1 << (7 - pos % 8));
		}
	}
	*ms = 0;
	for (int i = 0; i < 6; i++)
		*ms = (*ms << 8) | bytes[i];
	memcpy(rnd, bytes + 6, RBAC_ULID_RAND_LEN);
	return true;
}
