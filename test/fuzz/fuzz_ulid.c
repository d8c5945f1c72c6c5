/*-------------------------------------------------------------------------
 *
 * fuzz_ulid.c
 *	  libFuzzer target for the ULID code in src/ulid.c.
 *
 * Input bytes 0..5 are a 48-bit big-endian millisecond timestamp and bytes
 * 6..15 the 80 random bits (missing bytes count as zero); bytes 16..31, when
 * present, are a second id of the same form.  Checked, against a decoder
 * and a validator written here from SPEC 1.2 (Crockford base32, 26
 * characters, upper case):
 *
 *	 - encoding gives 26 characters that rbac_ulid_valid accepts and that
 *	   decode back to the input;
 *	 - rbac_ulid_increment adds one to the 80-bit random part: the new
 *	   encoding sorts after the old one and decodes to the old value + 1;
 *	   it reports overflow exactly when all 80 bits were set, and then
 *	   wraps to zero;
 *	 - encodings sort (memcmp) as the 128-bit values do;
 *	 - rbac_ulid_valid on the raw input agrees with the reference, and a
 *	   valid string re-encodes to itself.
 *
 *-------------------------------------------------------------------------
 */
#include <stdio.h>
#include <string.h>

#include "rbac_pure.h"

#define CHECK(cond) \
	do { \
		if (!(cond)) \
		{ \
			fprintf(stderr, "fuzz_ulid: property failed: %s (line %d)\n", \
					#cond, __LINE__); \
			__builtin_trap(); \
		} \
	} while (0)

typedef unsigned __int128 u128;

static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/* reference: value of one canonical Crockford character, or -1 */
static int
ref_digit(unsigned char c)
{
	for (int i = 0; i < 32; i++)
		if (alphabet[i] == c)
			return i;
	return -1;
}

/* reference: is s[0..len) a canonical ULID (26 digits, value < 2^128)? */
static bool
ref_valid(const unsigned char *s, size_t len)
{
	if (len != 26)
		return false;
	for (size_t i = 0; i < len; i++)
		if (ref_digit(s[i]) < 0)
			return false;
	/* 26 digits carry 130 bits: the first may only use its low 3 */
	return ref_digit(s[0]) <= 7;
}

/* reference: decode 26 valid characters into a 128-bit value */
static u128
ref_decode(const char *s)
{
	u128		v = 0;

	for (int i = 0; i < 26; i++)
		v = (v << 5) | (u128) ref_digit((unsigned char) s[i]);
	return v;
}

/* the 128-bit value of (ms, rnd) */
static u128
value_of(uint64_t ms, const uint8_t rnd[10])
{
	u128		v = ms & 0xFFFFFFFFFFFFULL;

	for (int i = 0; i < 10; i++)
		v = (v << 8) | rnd[i];
	return v;
}

/* read id number k (16 bytes) from the input, zero-padded */
static void
read_id(const uint8_t *data, size_t size, size_t k, uint64_t *ms, uint8_t rnd[10])
{
	uint8_t		b[16] = {0};

	for (size_t i = 0; i < 16 && 16 * k + i < size; i++)
		b[i] = data[16 * k + i];
	*ms = 0;
	for (int i = 0; i < 6; i++)
		*ms = (*ms << 8) | b[i];
	memcpy(rnd, b + 6, 10);
}

/* Encode (ms, rnd) and check the encoding; returns it in out[27]. */
static void
encode_checked(uint64_t ms, const uint8_t rnd[10], char out[27])
{
	/* guard bytes around the output catch a write past 26 characters */
	char		buf[28];

	memset(buf, '#', sizeof(buf));
	rbac_ulid_encode(ms, rnd, buf + 1);
	CHECK(buf[0] == '#' && buf[27] == '#');
	memcpy(out, buf + 1, 26);
	out[26] = '\0';

	CHECK(strlen(out) == 26);
	CHECK(ref_valid((const unsigned char *) out, 26));
	CHECK(rbac_ulid_valid(out, 26));
	CHECK(ref_decode(out) == value_of(ms, rnd));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t	ms;
	uint8_t		rnd[10];
	uint8_t		next[10];
	char		a[27];
	char		b[27];
	bool		ok;
	bool		all_ones = true;

	/* the raw input as a candidate ULID string */
	{
		bool		v = rbac_ulid_valid((const char *) data, size);

		CHECK(v == ref_valid(data, size));
		if (v)
		{
			uint8_t		r[10];
			u128		x = ref_decode((const char *) data);
			char		again[27];

			/* the low 80 bits are the random part, what is left the time */
			for (int i = 9; i >= 0; i--, x >>= 8)
				r[i] = (uint8_t) x;
			encode_checked((uint64_t) x, r, again);
			CHECK(memcmp(again, data, 26) == 0);
		}
	}

	CHECK(!rbac_ulid_valid(NULL, RBAC_ULID_LEN));

	/* encode, decode */
	read_id(data, size, 0, &ms, rnd);
	encode_checked(ms, rnd, a);

	/* increment */
	for (int i = 0; i < 10; i++)
		all_ones &= (rnd[i] == 0xFF);
	memcpy(next, rnd, 10);
	ok = rbac_ulid_increment(next);
	CHECK(ok == !all_ones);
	encode_checked(ms, next, b);
	if (ok)
	{
		CHECK(strcmp(b, a) > 0);
		CHECK(ref_decode(b) == ref_decode(a) + 1);
	}
	else
	{
		for (int i = 0; i < 10; i++)
			CHECK(next[i] == 0);
	}

	/* order: encodings compare as the values do */
	if (size >= 32)
	{
		uint64_t	ms2;
		uint8_t		rnd2[10];
		u128		va = value_of(ms, rnd);
		u128		vb;
		int			cmp;

		read_id(data, size, 1, &ms2, rnd2);
		vb = value_of(ms2, rnd2);
		encode_checked(ms2, rnd2, b);
		cmp = memcmp(a, b, 26);
		CHECK((cmp < 0) == (va < vb));
		CHECK((cmp == 0) == (va == vb));
	}
	return 0;
}
