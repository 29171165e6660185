/* A differential workload for json-c, compiled in the recipe's build step with $CC against the
 * static library (copied into the tree as jcwork.c: it is a TU of the build). Everything it
 * prints comes from its inputs: no addresses, no times.
 *
 *   jcwork parse FILE OUT   parse FILE whole and in odd-sized chunks, check they agree, write
 *                           its serializations (plain, spaced, pretty, pretty_tab, noslashescape,
 *                           nozero) to OUT.*, re-parse and deep-copy them, print statistics
 *                           (types, sums, depth), JSON pointer look-ups and a visit's counts
 *   jcwork numbers          doubles (random bit patterns, special values, formats), int64 and
 *                           uint64 limits, conversions between types, json_object_int_inc
 *   jcwork deep N           nesting N deep: serialize, parse with enough and too little depth
 *   jcwork objects N        an object of N keys: inserts, look-ups, deletes, a sorted array,
 *                           bsearch, printbuf formatting
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "json_visit.h"
#include "printbuf.h"

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint64_t next(void)
{
	/* xorshift64*: the same sequence for every correct compiler */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545F4914F6CDD1Dull;
}

static uint64_t fnv(const char *s, size_t n, uint64_t h)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3ull;
	return h;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	size_t r;
	while ((r = fread(buf + n, 1, cap - n, f)) > 0)
	{
		n += r;
		if (n == cap)
			buf = realloc(buf, cap *= 2);
	}
	fclose(f);
	*len = n;
	return buf;
}

struct stats
{
	long count[8];
	long strbytes, maxdepth, keys;
	uint64_t intsum, strhash, dblhash;
};

static void walk(struct json_object *o, int depth, struct stats *st)
{
	enum json_type t = json_object_get_type(o);
	st->count[t]++;
	if (depth > st->maxdepth)
		st->maxdepth = depth;
	switch (t)
	{
	case json_type_int: st->intsum += (uint64_t)json_object_get_int64(o); break;
	case json_type_double:
	{
		double d = json_object_get_double(o);
		char bits[8];
		memcpy(bits, &d, 8);
		st->dblhash = fnv(bits, 8, st->dblhash);
		break;
	}
	case json_type_string:
		st->strbytes += json_object_get_string_len(o);
		st->strhash = fnv(json_object_get_string(o), json_object_get_string_len(o), st->strhash);
		break;
	case json_type_array:
		for (size_t i = 0; i < json_object_array_length(o); i++)
			walk(json_object_array_get_idx(o, i), depth + 1, st);
		break;
	case json_type_object:
	{
		json_object_object_foreach(o, k, v)
		{
			st->keys++;
			st->strhash = fnv(k, strlen(k), st->strhash);
			walk(v, depth + 1, st);
		}
		break;
	}
	default: break;
	}
}

static int visited[4];
static int visitor(json_object *jso, int flags, json_object *parent, const char *key, size_t *idx,
                   void *arg)
{
	(void)jso, (void)parent, (void)arg;
	visited[flags == JSON_C_VISIT_SECOND ? 1 : 0]++;
	if (key)
		visited[2]++;
	if (idx)
		visited[3] += (int)(*idx & 7);
	return JSON_C_VISIT_RETURN_CONTINUE;
}

static struct json_object *parse_chunks(const char *buf, size_t len, size_t chunk, int depth)
{
	json_tokener *tok = json_tokener_new_ex(depth);
	struct json_object *obj = NULL;
	size_t pos = 0;
	while (pos < len)
	{
		size_t n = len - pos < chunk ? len - pos : chunk;
		obj = json_tokener_parse_ex(tok, buf + pos, (int)n);
		enum json_tokener_error e = json_tokener_get_error(tok);
		if (obj)
		{
			pos += json_tokener_get_parse_end(tok);
			break;
		}
		if (e != json_tokener_continue)
		{
			printf("chunk %zu: error at %zu: %s\n", chunk, pos + json_tokener_get_parse_end(tok),
			       json_tokener_error_desc(e));
			break;
		}
		pos += n;
	}
	json_tokener_free(tok);
	return obj;
}

static int do_parse(const char *path, const char *out)
{
	size_t len;
	char *buf = slurp(path, &len);
	if (!buf)
		return 2;
	struct json_object *whole = parse_chunks(buf, len, len, 1000);
	if (!whole)
		return 1;
	static const size_t chunks[] = {1, 7, 4093, 65536};
	for (int i = 0; i < 4; i++)
	{
		if (chunks[i] == 1 && len > 300000)
			continue;
		struct json_object *o = parse_chunks(buf, len, chunks[i], 1000);
		printf("chunks of %zu: %s\n", chunks[i], o && json_object_equal(o, whole) ? "equal" : "DIFFERENT");
		json_object_put(o);
	}
	static const struct
	{
		const char *name;
		int flags;
	} fmt[] = {{"plain", JSON_C_TO_STRING_PLAIN},
	           {"spaced", JSON_C_TO_STRING_SPACED},
	           {"pretty", JSON_C_TO_STRING_PRETTY},
	           {"pretty_tab", JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_PRETTY_TAB},
	           {"noslash", JSON_C_TO_STRING_NOSLASHESCAPE},
	           {"nozero", JSON_C_TO_STRING_NOZERO | JSON_C_TO_STRING_SPACED}};
	for (int i = 0; i < 6; i++)
	{
		size_t n;
		const char *s = json_object_to_json_string_length(whole, fmt[i].flags, &n);
		char name[4096];
		snprintf(name, sizeof name, "%s.%s", out, fmt[i].name);
		FILE *f = fopen(name, "wb");
		fwrite(s, 1, n, f);
		fputc('\n', f);
		fclose(f);
		struct json_object *back = parse_chunks(s, n, n, 1000);
		printf("%s: %zu bytes, fnv %016" PRIx64 ", re-parsed %s\n", fmt[i].name, n, fnv(s, n, 0xcbf29ce484222325ull),
		       back && json_object_equal(back, whole) ? "equal" : "DIFFERENT");
		json_object_put(back);
	}
	struct json_object *copy = NULL;
	int rc = json_object_deep_copy(whole, &copy, NULL);
	printf("deep copy: %d, %s\n", rc, json_object_equal(copy, whole) ? "equal" : "DIFFERENT");
	json_object_put(copy);
	struct stats st;
	memset(&st, 0, sizeof st);
	st.strhash = st.dblhash = 0xcbf29ce484222325ull;
	walk(whole, 0, &st);
	printf("null %ld boolean %ld double %ld int %ld object %ld array %ld string %ld\n", st.count[0],
	       st.count[1], st.count[2], st.count[3], st.count[4], st.count[5], st.count[6]);
	printf("keys %ld strbytes %ld maxdepth %ld intsum %" PRIu64 " dblhash %016" PRIx64 " strhash %016" PRIx64 "\n",
	       st.keys, st.strbytes, st.maxdepth, st.intsum, st.dblhash, st.strhash);
	static const char *ptrs[] = {"", "/items/0", "/items/17/name", "/items/100/values/3",
	                             "/items/5/nested/a~1b", "/items/9/nested/m~0n", "/meta/count",
	                             "/items/999999", "/missing", "/items/-"};
	for (int i = 0; i < 10; i++)
	{
		struct json_object *r = NULL;
		rc = json_pointer_get(whole, ptrs[i], &r);
		printf("pointer '%s': %d %.60s\n", ptrs[i], rc, rc ? "" : json_object_to_json_string(r));
	}
	json_pointer_set(&whole, "/meta/added", json_object_new_string("by pointer"));
	json_pointer_getf(whole, &copy, "/items/%d/id", 42);
	printf("pointerf: %s\n", json_object_to_json_string(copy));
	json_c_visit(whole, 0, visitor, NULL);
	printf("visit: %d %d %d %d\n", visited[0], visited[1], visited[2], visited[3]);
	json_object_put(whole);
	free(buf);
	return 0;
}

static void show(const char *what, struct json_object *o)
{
	if (json_object_is_type(o, json_type_double) && isnan(json_object_get_double(o)))
	{
		/* NaN's conversions to integers are undefined behaviour in json-c: not compared */
		printf("%-28s %-8s %s\n", what, "double", json_object_to_json_string(o));
		return;
	}
	printf("%-28s %-8s %s | int %d int64 %" PRId64 " uint64 %" PRIu64 " double %.17g bool %d\n", what,
	       json_type_to_name(json_object_get_type(o)), json_object_to_json_string(o), json_object_get_int(o),
	       json_object_get_int64(o), json_object_get_uint64(o), json_object_get_double(o),
	       json_object_get_boolean(o));
}

static int do_numbers(void)
{
	static const char *texts[] = {"0", "-0", "1", "-1", "2147483647", "2147483648", "-2147483648",
	                              "-2147483649", "9223372036854775807", "9223372036854775808",
	                              "-9223372036854775808", "-9223372036854775809",
	                              "18446744073709551615", "18446744073709551616", "99999999999999999999999",
	                              "0.1", "-0.0", "1e308", "1e309", "-1e309", "4.9e-324", "2.2250738585072014e-308",
	                              "1E-320", "123456789.123456789", "3e10", "-3e10", "1.5", "-1.5", "0.5e1",
	                              "\"42\"", "\"-17.5\"", "\"9223372036854775807\"", "\"abc\"", "\" 12 \"",
	                              "true", "false", "null", "NaN", "Infinity", "-Infinity", "[1,2]", "{\"a\":1}"};
	for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
	{
		struct json_object *o = json_tokener_parse(texts[i]);
		show(texts[i], o);
		json_object_put(o);
	}
	static const int64_t ints[] = {INT64_MIN, INT64_MIN + 1, -4294967296LL, INT32_MIN, -1, 0, 1, INT32_MAX,
	                               4294967296LL, INT64_MAX - 1, INT64_MAX};
	for (size_t i = 0; i < sizeof ints / sizeof *ints; i++)
	{
		struct json_object *o = json_object_new_int64(ints[i]);
		show("new_int64", o);
		static const int64_t incs[] = {1, -1, INT64_MAX, INT64_MIN};
		for (int j = 0; j < 4; j++)
		{
			json_object_set_int64(o, ints[i]);
			json_object_int_inc(o, incs[j]);
			printf("  inc %" PRId64 " -> %s\n", incs[j], json_object_to_json_string(o));
		}
		json_object_put(o);
	}
	struct json_object *u = json_object_new_uint64(UINT64_MAX);
	show("new_uint64 max", u);
	json_object_int_inc(u, -1);
	show("  inc -1", u);
	json_object_set_uint64(u, (uint64_t)INT64_MAX + 1);
	show("  set 2^63", u);
	json_object_int_inc(u, INT64_MIN);
	show("  inc INT64_MIN", u);
	json_object_put(u);
	static const double dbls[] = {0.0, -0.0, 1.0, -1.0, 0.1, 1.0 / 3, 2.0 / 3, 1e21, 1e22, 123456789012345678.0,
	                              5e-324, 1.7976931348623157e308, 3.0e9, -3.0e9, 9.3e18, -9.3e18, 1.9e19};
	for (size_t i = 0; i < sizeof dbls / sizeof *dbls; i++)
	{
		struct json_object *o = json_object_new_double(dbls[i]);
		show("new_double", o);
		json_object_put(o);
	}
	struct json_object *o = json_object_new_double(INFINITY);
	show("new_double inf", o);
	json_object_set_double(o, -INFINITY);
	show("set_double -inf", o);
	json_object_set_double(o, NAN);
	printf("set_double nan: %s\n", json_object_to_json_string(o));
	json_object_put(o);
	/* random bit patterns: serialize, parse back, compare the bits */
	uint64_t h = 0xcbf29ce484222325ull;
	int same = 0, nans = 0;
	for (int i = 0; i < 20000; i++)
	{
		uint64_t bits = next();
		if (i % 3 == 1)
			bits = (bits & 0x800fffffffffffffull) | ((uint64_t)(1023 + (int)(bits >> 52) % 80 - 40) << 52);
		double d;
		memcpy(&d, &bits, 8);
		struct json_object *x = json_object_new_double(d);
		const char *s = json_object_to_json_string(x);
		if (i < 40)
			printf("double %016" PRIx64 " %s\n", bits, s);
		h = fnv(s, strlen(s), h);
		struct json_object *y = json_tokener_parse(s);
		double e = json_object_get_double(y);
		if (isnan(d))
			nans++;
		else if (memcmp(&d, &e, 8) == 0)
			same++;
		json_object_put(x);
		json_object_put(y);
	}
	printf("random doubles: fnv %016" PRIx64 ", %d round-tripped exactly, %d NaN\n", h, same, nans);
	h = 0xcbf29ce484222325ull;
	for (int i = 0; i < 20000; i++)
	{
		int64_t v = (int64_t)next() >> (i % 64);
		struct json_object *x = json_object_new_int64(v);
		const char *s = json_object_to_json_string(x);
		h = fnv(s, strlen(s), h);
		struct json_object *y = json_tokener_parse(s);
		if (json_object_get_int64(y) != v)
			printf("int64 %s came back as %" PRId64 "\n", s, json_object_get_int64(y));
		json_object_put(x);
		json_object_put(y);
	}
	printf("random int64: fnv %016" PRIx64 "\n", h);
	static const char *formats[] = {"%.17g", "%.6f", "%g", "%.3e", "%.0f"};
	for (int f = 0; f < 5; f++)
	{
		json_c_set_serialization_double_format(formats[f], JSON_C_OPTION_GLOBAL);
		struct json_object *a = json_object_new_array();
		for (size_t i = 0; i < sizeof dbls / sizeof *dbls; i++)
			json_object_array_add(a, json_object_new_double(dbls[i]));
		json_object_array_add(a, json_object_new_double_s(2.5, "2.50"));
		printf("format %s: %s\n", formats[f], json_object_to_json_string(a));
		json_object_put(a);
	}
	json_c_set_serialization_double_format(NULL, JSON_C_OPTION_GLOBAL);
	return 0;
}

static int do_deep(int n)
{
	struct json_object *root = json_object_new_array(), *cur = root;
	for (int i = 0; i < n; i++)
	{
		/* arrays hold objects, objects hold arrays (under a key), each with one scalar beside */
		struct json_object *next_obj;
		if (json_object_is_type(cur, json_type_array))
		{
			next_obj = json_object_new_object();
			json_object_object_add(next_obj, "d", json_object_new_int(i));
			json_object_array_add(cur, next_obj);
		}
		else
		{
			char key[16];
			snprintf(key, sizeof key, "l%d", i);
			next_obj = json_object_new_array();
			json_object_array_add(next_obj, json_object_new_double(i / 8.0));
			json_object_object_add(cur, key, next_obj);
		}
		cur = next_obj;
	}
	size_t len;
	const char *s = json_object_to_json_string_length(root, JSON_C_TO_STRING_PLAIN, &len);
	printf("depth %d: %zu bytes, fnv %016" PRIx64 "\n", n, len, fnv(s, len, 0xcbf29ce484222325ull));
	printf("head: %.80s\ntail: %s\n", s, s + (len > 80 ? len - 80 : 0));
	char *copy = strdup(s);
	if (n <= 1000)
	{
		/* pretty output grows with the square of the depth */
		const char *p = json_object_to_json_string_length(root, JSON_C_TO_STRING_PRETTY, &len);
		printf("pretty: %zu bytes, fnv %016" PRIx64 "\n", len, fnv(p, len, 0xcbf29ce484222325ull));
	}
	static const int depths[] = {0, 1, 32, 0};
	for (int i = 0; i < 4; i++)
	{
		int d = depths[i] ? depths[i] : n + 2;
		if (i == 3)
			d = n;
		json_tokener *tok = json_tokener_new_ex(d);
		struct json_object *o = json_tokener_parse_ex(tok, copy, (int)strlen(copy));
		printf("parse with depth %d: %s at %zu, %s\n", d, json_tokener_error_desc(json_tokener_get_error(tok)),
		       json_tokener_get_parse_end(tok), o && json_object_equal(o, root) ? "equal" : "no object");
		json_object_put(o);
		json_tokener_free(tok);
	}
	free(copy);
	json_object_put(root);
	return 0;
}

static int cmp_int(const void *a, const void *b)
{
	int64_t x = json_object_get_int64(*(struct json_object *const *)a);
	int64_t y = json_object_get_int64(*(struct json_object *const *)b);
	return x < y ? -1 : x > y;
}

static int do_objects(int n)
{
	struct json_object *obj = json_object_new_object(), *arr = json_object_new_array_ext(4);
	char key[32];
	for (int i = 0; i < n; i++)
	{
		uint64_t r = next();
		snprintf(key, sizeof key, "k%07" PRIu64, r % 10000000);
		json_object_object_add(obj, key, json_object_new_int64((int64_t)(r >> 20)));
		json_object_array_add(arr, json_object_new_int64((int64_t)(r % 1000003)));
	}
	printf("object: %d keys (of %d inserts)\n", json_object_object_length(obj), n);
	int found = 0, deleted = 0;
	rng = 0x9E3779B97F4A7C15ull;
	for (int i = 0; i < n; i++)
	{
		uint64_t r = next();
		snprintf(key, sizeof key, "k%07" PRIu64, r % 10000000);
		struct json_object *v;
		if (json_object_object_get_ex(obj, key, &v))
			found++;
		if (i % 3 == 0 && json_object_object_get_ex(obj, key, NULL))
		{
			json_object_object_del(obj, key);
			deleted++;
		}
	}
	printf("found %d, deleted %d, now %d keys\n", found, deleted, json_object_object_length(obj));
	size_t len;
	const char *s = json_object_to_json_string_length(obj, JSON_C_TO_STRING_PLAIN, &len);
	printf("object: %zu bytes, fnv %016" PRIx64 "\n", len, fnv(s, len, 0xcbf29ce484222325ull));
	json_object_array_sort(arr, cmp_int);
	s = json_object_to_json_string_length(arr, JSON_C_TO_STRING_PLAIN, &len);
	printf("sorted: %zu bytes, fnv %016" PRIx64 ", head %.70s\n", len, fnv(s, len, 0xcbf29ce484222325ull), s);
	int hits = 0;
	for (int64_t v = 0; v < 1000003; v += 997)
	{
		struct json_object *k = json_object_new_int64(v);
		if (json_object_array_bsearch(k, arr, cmp_int))
			hits++;
		json_object_put(k);
	}
	printf("bsearch hits %d\n", hits);
	json_object_array_del_idx(arr, 10, (size_t)n / 2);
	json_object_array_shrink(arr, 0);
	printf("after del: %zu elements, [10] = %s\n", json_object_array_length(arr),
	       json_object_to_json_string(json_object_array_get_idx(arr, 10)));
	json_object_array_put_idx(arr, (size_t)n, json_object_new_string("far"));
	printf("after put_idx: %zu elements, [%d] = %s, [%d] = %s\n", json_object_array_length(arr), n - 1,
	       json_object_to_json_string(json_object_array_get_idx(arr, (size_t)n - 1)), n,
	       json_object_to_json_string(json_object_array_get_idx(arr, (size_t)n)));
	struct printbuf *pb = printbuf_new();
	for (int i = 0; i < 3000; i++)
		sprintbuf(pb, "%d:%x:%s;", i * 7919, (unsigned)i * 2654435761u, i % 5 ? "" : "five");
	printbuf_memset(pb, 10, 'z', 5);
	printbuf_memappend(pb, "tail", 4);
	printf("printbuf: %d bytes, fnv %016" PRIx64 ", %.60s\n", printbuf_length(pb),
	       fnv(pb->buf, (size_t)pb->bpos, 0xcbf29ce484222325ull), pb->buf);
	printbuf_free(pb);
	struct json_object *str = json_object_new_string_len("a\0b\"c\\d/e\x01\x1f\x7f\xc3\xa9\xe2\x82\xac", 17);
	printf("escapes: %s\n", json_object_to_json_string(str));
	printf("noslashescape: %s\n", json_object_to_json_string_ext(str, JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(str);
	json_object_put(obj);
	json_object_put(arr);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	if (argc == 4 && !strcmp(argv[1], "parse"))
		return do_parse(argv[2], argv[3]);
	if (argc == 2 && !strcmp(argv[1], "numbers"))
		return do_numbers();
	if (argc == 3 && !strcmp(argv[1], "deep"))
		return do_deep(atoi(argv[2]));
	if (argc == 3 && !strcmp(argv[1], "objects"))
		return do_objects(atoi(argv[2]));
	fprintf(stderr, "usage: jcwork parse FILE OUT | numbers | deep N | objects N\n");
	return 2;
}
