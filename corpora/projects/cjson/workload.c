/* A differential workload for cJSON and cJSON_Utils, compiled in the recipe's build step with $CC
 * against the static libraries (copied into the tree as cjwork.c: it is a TU of the build).
 * Everything it prints comes from its inputs: no addresses, no times.
 *
 *   cjwork parse FILE OUT   parse FILE, print it every way (formatted, unformatted, buffered
 *                           with several prebuffer sizes, preallocated), write those to OUT.*,
 *                           re-parse and compare, duplicate, minify the text, statistics (types,
 *                           valueint sum, bits of every double, a hash of the strings), JSON
 *                           pointers, sorting, and JSON Patch and merge patch round trips
 *   cjwork numbers          number texts (valueint, valuedouble, printed form), random doubles'
 *                           bit patterns printed and parsed back, int/float/double arrays,
 *                           cJSON_SetNumberHelper's saturation
 *   cjwork deep N           nesting N deep: printed, parsed against CJSON_NESTING_LIMIT
 *   cjwork objects N        an object of N keys: look-ups (case sensitive or not), detach,
 *                           replace, insert, delete, references, allocation counts (hooks)
 *   cjwork minify           cJSON_Minify over texts with comments, whitespace and strings
 */
#include <float.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cJSON.h"
#include "cJSON_Utils.h"

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
#define FNV0 0xcbf29ce484222325ull

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 1 << 16, n = 0, r;
	char *buf = malloc(cap + 1);
	while ((r = fread(buf + n, 1, cap - n, f)) > 0)
	{
		n += r;
		if (n == cap)
			buf = realloc(buf, (cap *= 2) + 1);
	}
	fclose(f);
	buf[n] = 0;
	*len = n;
	return buf;
}

static long allocs, frees;
static void *count_malloc(size_t n)
{
	allocs++;
	return malloc(n);
}
static void count_free(void *p)
{
	if (p)
		frees++;
	free(p);
}

struct stats
{
	long count[9], keys, maxdepth;
	int64_t intsum;
	uint64_t dblhash, strhash;
};

static void walk(const cJSON *o, int depth, struct stats *st)
{
	int t = o->type & 0xff, k = 0;
	while (k < 8 && !(t & (1 << k)))
		k++;
	st->count[k]++;
	if (depth > st->maxdepth)
		st->maxdepth = depth;
	if (o->string)
	{
		st->keys++;
		st->strhash = fnv(o->string, strlen(o->string), st->strhash);
	}
	if (cJSON_IsNumber(o))
	{
		char bits[8];
		memcpy(bits, &o->valuedouble, 8);
		st->dblhash = fnv(bits, 8, st->dblhash);
		st->intsum += o->valueint;
	}
	if (cJSON_IsString(o))
		st->strhash = fnv(o->valuestring, strlen(o->valuestring), st->strhash);
	for (const cJSON *c = o->child; c; c = c->next)
		walk(c, depth + 1, st);
}

static void put(const char *out, const char *name, const char *s)
{
	char path[4096];
	snprintf(path, sizeof path, "%s.%s", out, name);
	FILE *f = fopen(path, "wb");
	fputs(s, f);
	fputc('\n', f);
	fclose(f);
}

static void report(const char *what, char *s, const cJSON *orig)
{
	if (!s)
	{
		printf("%s: NULL\n", what);
		return;
	}
	size_t n = strlen(s);
	cJSON *back = cJSON_Parse(s);
	printf("%s: %zu bytes, fnv %016" PRIx64 ", re-parsed %s\n", what, n, fnv(s, n, FNV0),
	       back && cJSON_Compare(back, orig, 1) ? "equal" : "DIFFERENT");
	cJSON_Delete(back);
}

/* Change a copy of the document in a few places (for the patches) */
static void mutate(cJSON *doc)
{
	cJSON *items = cJSON_GetObjectItem(doc, "items");
	int n = cJSON_GetArraySize(items);
	for (int i = 0; i < n; i += 7)
	{
		cJSON *it = cJSON_GetArrayItem(items, i);
		cJSON_ReplaceItemInObject(it, "id", cJSON_CreateNumber(i * 1000.5));
		cJSON_DeleteItemFromObject(it, "tiny");
		cJSON_AddStringToObject(it, "added", "x/y~z");
		cJSON *v = cJSON_GetObjectItem(it, "values");
		cJSON_DeleteItemFromArray(v, 2);
		cJSON_InsertItemInArray(v, 0, cJSON_CreateString("first"));
	}
	for (int i = n - 1; i > 0; i -= 11)
		cJSON_DeleteItemFromArray(items, i);
	cJSON_AddItemToArray(items, cJSON_CreateStringArray((const char *const[]){"a", "b", "c"}, 3));
	cJSON_ReplaceItemInObject(cJSON_GetObjectItem(doc, "meta"), "count", cJSON_CreateString("many"));
}

static int do_parse(const char *path, const char *out, int patches)
{
	size_t len;
	char *text = slurp(path, &len);
	if (!text)
		return 2;
	const char *end = NULL;
	cJSON *doc = cJSON_ParseWithOpts(text, &end, 1);
	if (!doc)
	{
		printf("parse failed at %ld\n", (long)(cJSON_GetErrorPtr() - text));
		return 1;
	}
	printf("parsed %zu bytes, end at %ld\n", len, (long)(end - text));
	cJSON *bylen = cJSON_ParseWithLength(text, len);
	printf("ParseWithLength: %s\n", bylen && cJSON_Compare(bylen, doc, 1) ? "equal" : "DIFFERENT");
	cJSON_Delete(bylen);

	char *s = cJSON_Print(doc);
	report("formatted", s, doc);
	put(out, "formatted", s);
	size_t flen = strlen(s);
	char *pre = malloc(flen + 5);
	printf("preallocated exact+5: %d\n", cJSON_PrintPreallocated(doc, pre, (int)flen + 5, 1));
	printf("preallocated equal: %d\n", strcmp(pre, s) == 0);
	printf("preallocated too small: %d\n", cJSON_PrintPreallocated(doc, pre, (int)flen / 2, 1));
	free(pre);
	cJSON_free(s);
	s = cJSON_PrintUnformatted(doc);
	report("unformatted", s, doc);
	put(out, "unformatted", s);
	cJSON_free(s);
	static const int prebuf[] = {1, 256, 1 << 20};
	for (int i = 0; i < 3; i++)
		for (int fmt = 0; fmt < 2; fmt++)
		{
			char what[64];
			snprintf(what, sizeof what, "buffered %d %s", prebuf[i], fmt ? "formatted" : "unformatted");
			s = cJSON_PrintBuffered(doc, prebuf[i], fmt);
			report(what, s, doc);
			cJSON_free(s);
		}
	char *mini = strdup(text);
	cJSON_Minify(mini);
	cJSON *m = cJSON_Parse(mini);
	printf("minified: %zu bytes, fnv %016" PRIx64 ", re-parsed %s\n", strlen(mini), fnv(mini, strlen(mini), FNV0),
	       m && cJSON_Compare(m, doc, 1) ? "equal" : "DIFFERENT");
	put(out, "minified", mini);
	cJSON_Delete(m);
	free(mini);
	cJSON *dup = cJSON_Duplicate(doc, 1);
	printf("duplicate: %s, shallow has %d children\n", cJSON_Compare(dup, doc, 1) ? "equal" : "DIFFERENT",
	       cJSON_GetArraySize(cJSON_Duplicate(doc, 0)));
	struct stats st;
	memset(&st, 0, sizeof st);
	st.dblhash = st.strhash = FNV0;
	walk(doc, 0, &st);
	printf("invalid %ld false %ld true %ld null %ld number %ld string %ld array %ld object %ld raw %ld\n",
	       st.count[8], st.count[0], st.count[1], st.count[2], st.count[3], st.count[4], st.count[5],
	       st.count[6], st.count[7]);
	printf("keys %ld maxdepth %ld intsum %" PRId64 " dblhash %016" PRIx64 " strhash %016" PRIx64 "\n", st.keys,
	       st.maxdepth, st.intsum, st.dblhash, st.strhash);
	static const char *ptrs[] = {"", "/items/0/id", "/items/17/name", "/items/100/values/3",
	                             "/items/5/nested/a~1b", "/items/9/nested/m~0n/1/deep/0/0",
	                             "/META/COUNT", "/meta/count", "/items/999999", "/missing", "/items/01"};
	for (int i = 0; i < 11; i++)
	{
		cJSON *r = cJSONUtils_GetPointer(doc, ptrs[i]);
		cJSON *rc = cJSONUtils_GetPointerCaseSensitive(doc, ptrs[i]);
		char *p = r ? cJSON_PrintUnformatted(r) : NULL;
		printf("pointer '%s': %.70s%s\n", ptrs[i], p ? p : "(none)", r == rc ? "" : " (not case sensitive)");
		cJSON_free(p);
	}
	cJSON *target = cJSONUtils_GetPointer(doc, "/items/42/nested/s");
	char *where = cJSONUtils_FindPointerFromObjectTo(doc, target);
	printf("FindPointerFromObjectTo: %s\n", where ? where : "(none)");
	cJSON_free(where);
	cJSON_Delete(dup);
	dup = cJSON_Duplicate(doc, 1);
	cJSONUtils_SortObject(dup);
	s = cJSON_PrintUnformatted(dup);
	printf("sorted: %zu bytes, fnv %016" PRIx64 ", head %.100s\n", strlen(s), fnv(s, strlen(s), FNV0), s);
	put(out, "sorted", s);
	cJSON_free(s);
	cJSON_Delete(dup);
	if (patches)
	{
		/* without the "a/b" keys: cJSONUtils_ApplyPatches (1.7.15) does not find a member whose
		 * name has a '/' ("~1") to remove or replace, and stops at that operation */
		cJSON *base = cJSON_Duplicate(doc, 1), *it;
		cJSON_ArrayForEach(it, cJSON_GetObjectItem(base, "items"))
			cJSON_DeleteItemFromObjectCaseSensitive(cJSON_GetObjectItem(it, "nested"), "a/b");
		cJSON *to = cJSON_Duplicate(base, 1);
		mutate(to);
		cJSON *from = cJSON_Duplicate(base, 1);
		cJSON *patch = cJSONUtils_GeneratePatchesCaseSensitive(from, to);
		s = patch ? cJSON_PrintUnformatted(patch) : strdup("(no patch)");
		printf("patch: %d operations, %zu bytes, fnv %016" PRIx64 "\n", cJSON_GetArraySize(patch), strlen(s),
		       fnv(s, strlen(s), FNV0));
		put(out, "patch", s);
		free(s);
		cJSON *applied = cJSON_Duplicate(base, 1);
		int rc = cJSONUtils_ApplyPatchesCaseSensitive(applied, patch);
		cJSONUtils_SortObjectCaseSensitive(to);
		printf("applied: %d, %s\n", rc, cJSON_Compare(applied, to, 1) ? "equal" : "DIFFERENT");
		cJSON *merge = cJSONUtils_GenerateMergePatchCaseSensitive(from, to);
		s = merge ? cJSON_PrintUnformatted(merge) : strdup("(no difference)");
		printf("merge patch: %zu bytes, fnv %016" PRIx64 "\n", strlen(s), fnv(s, strlen(s), FNV0));
		free(s);
		cJSON *merged = cJSONUtils_MergePatchCaseSensitive(cJSON_Duplicate(base, 1), merge);
		cJSONUtils_SortObjectCaseSensitive(merged);
		printf("merged: %s\n", cJSON_Compare(merged, to, 1) ? "equal" : "DIFFERENT");
		cJSON_Delete(merged);
		cJSON_Delete(merge);
		cJSON_Delete(applied);
		cJSON_Delete(patch);
		cJSON_Delete(from);
		cJSON_Delete(to);
		cJSON_Delete(base);
	}
	cJSON_Delete(doc);
	free(text);
	return 0;
}

static void show(const char *text)
{
	const char *end = NULL;
	cJSON *o = cJSON_ParseWithOpts(text, &end, 0);
	if (!o)
	{
		printf("%-26s error at %ld\n", text, (long)(cJSON_GetErrorPtr() - text));
		return;
	}
	char *p = cJSON_PrintUnformatted(o);
	printf("%-26s type %3d int %11d double %-24.17g printed %s, %ld chars read\n", text, o->type, o->valueint,
	       o->valuedouble, p, (long)(end - text));
	cJSON_free(p);
	cJSON_Delete(o);
}

static int do_numbers(void)
{
	static const char *texts[] = {"0", "-0", "1", "-1", "2147483647", "2147483648", "-2147483648",
	                              "-2147483649", "9223372036854775807", "18446744073709551616", "0.1", "-0.0",
	                              "1e308", "1e309", "-1e309", "4.9e-324", "2.2250738585072014e-308", "1E-320",
	                              "123456789.123456789", "3e10", "-3e10", "1.5", "-1.5", "0.5e1", "1e", "1e+",
	                              "-", ".5", "05", "0x10", "1.", "+1", "1,2", "  7  ", "true", "null", "nan",
	                              "inf", "\"12\"", "[1.0,2.50,-3e-3]"};
	for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
		show(texts[i]);
	static const double dbls[] = {0.0, -0.0, 1.0, -1.0, 0.1, 1.0 / 3, 2.0 / 3, 1e15, 1e16, 1e17, 1e21, 1e22,
	                              123456789012345678.0, 5e-324, 1.7976931348623157e308, 2147483647.0,
	                              2147483648.0, -2147483648.0, -2147483649.0, 3.0e9, 0.30000000000000004,
	                              1e-7, 123.456, INFINITY, -INFINITY};
	cJSON *arr = cJSON_CreateDoubleArray(dbls, (int)(sizeof dbls / sizeof *dbls));
	char *s = cJSON_PrintUnformatted(arr);
	printf("doubles: %s\n", s);
	cJSON_free(s);
	for (cJSON *c = arr->child; c; c = c->next)
		printf("  valueint %d\n", c->valueint);
	cJSON_Delete(arr);
	static const int ints[] = {INT_MIN, INT_MIN + 1, -65536, -1, 0, 1, 65535, INT_MAX - 1, INT_MAX};
	arr = cJSON_CreateIntArray(ints, 9);
	s = cJSON_Print(arr);
	printf("ints: %s\n", s);
	cJSON_free(s);
	cJSON_Delete(arr);
	static const float flts[] = {0.1f, 1.0f / 3, 16777217.0f, 3.4028235e38f, 1e-45f, -2.5f};
	arr = cJSON_CreateFloatArray(flts, 6);
	s = cJSON_PrintUnformatted(arr);
	printf("floats: %s\n", s);
	cJSON_free(s);
	cJSON_Delete(arr);
	cJSON *n = cJSON_CreateNumber(0);
	static const double sets[] = {2147483646.5, 2147483647.0, 1e10, -1e10, -2147483648.0, 42.9, -42.9,
	                              INFINITY, -INFINITY};
	for (int i = 0; i < 9; i++)
	{
		double r = cJSON_SetNumberHelper(n, sets[i]);
		s = cJSON_PrintUnformatted(n);
		printf("SetNumberHelper(%.17g) = %.17g, valueint %d, printed %s\n", sets[i], r, n->valueint, s);
		cJSON_free(s);
	}
	cJSON_SetIntValue(n, 77);
	s = cJSON_PrintUnformatted(n);
	printf("SetIntValue(77): %d %.17g %s\n", n->valueint, n->valuedouble, s);
	cJSON_free(s);
	cJSON_Delete(n);
	/* random bit patterns (no NaN: cJSON converts every number to int, undefined for NaN) */
	uint64_t h = FNV0;
	int same = 0, close = 0, total = 0;
	for (int i = 0; i < 20000; i++)
	{
		uint64_t bits = next();
		if (i % 3 == 1)
			bits = (bits & 0x800fffffffffffffull) | ((uint64_t)(1023 + (int)(bits >> 52) % 80 - 40) << 52);
		double d;
		memcpy(&d, &bits, 8);
		if (i % 5 == 2) /* integers of every size */
		{
			d = (double)((int64_t)bits >> (i % 50 + 10));
			memcpy(&bits, &d, 8);
		}
		if (isnan(d))
			continue;
		total++;
		cJSON *x = cJSON_CreateNumber(d);
		s = cJSON_PrintUnformatted(x);
		if (i < 40)
			printf("double %016" PRIx64 " %.17g -> %s\n", bits, d, s);
		h = fnv(s, strlen(s), h);
		cJSON *y = cJSON_Parse(s);
		if (y && memcmp(&y->valuedouble, &d, 8) == 0)
			same++;
		else if (y && fabs(y->valuedouble - d) <= fabs(d) * DBL_EPSILON)
			close++;
		cJSON_free(s);
		cJSON_Delete(x);
		cJSON_Delete(y);
	}
	printf("random doubles: %d, fnv %016" PRIx64 ", %d exact, %d within an epsilon\n", total, h, same, close);
	return 0;
}

static int do_deep(int n)
{
	cJSON *root = cJSON_CreateArray(), *cur = root;
	for (int i = 0; i < n; i++)
	{
		cJSON *next_obj;
		if (cJSON_IsArray(cur))
		{
			next_obj = cJSON_CreateObject();
			cJSON_AddNumberToObject(next_obj, "d", i);
			cJSON_AddItemToArray(cur, next_obj);
		}
		else
		{
			char key[16];
			snprintf(key, sizeof key, "l%d", i);
			next_obj = cJSON_AddArrayToObject(cur, key);
			cJSON_AddItemToArray(next_obj, cJSON_CreateNumber(i / 8.0));
		}
		cur = next_obj;
	}
	char *s = cJSON_PrintUnformatted(root);
	size_t len = strlen(s);
	printf("depth %d: %zu bytes, fnv %016" PRIx64 "\n", n, len, fnv(s, len, FNV0));
	printf("head: %.80s\ntail: %s\n", s, s + (len > 80 ? len - 80 : 0));
	if (n <= 1000)
	{
		char *p = cJSON_Print(root);
		printf("formatted: %zu bytes, fnv %016" PRIx64 "\n", strlen(p), fnv(p, strlen(p), FNV0));
		cJSON_free(p);
	}
	cJSON *back = cJSON_Parse(s);
	if (back)
	{
		/* printed again and compared as text: cJSON_Compare recurses into each object twice
		 * (its members against the other's, then the other's against its), 2^depth calls */
		char *again = cJSON_PrintUnformatted(back);
		printf("parsed back: %s\n", strcmp(again, s) == 0 ? "same text" : "DIFFERENT");
		cJSON_free(again);
	}
	else
		printf("parse: error at %ld (nesting limit %d)\n", (long)(cJSON_GetErrorPtr() - s), CJSON_NESTING_LIMIT);
	cJSON_Delete(back);
	cJSON_free(s);
	cJSON_Delete(root);
	return 0;
}

static int do_objects(int n)
{
	cJSON_Hooks hooks = {count_malloc, count_free};
	cJSON_InitHooks(&hooks);
	cJSON *obj = cJSON_CreateObject(), *arr = cJSON_CreateArray();
	char key[32];
	for (int i = 0; i < n; i++)
	{
		uint64_t r = next();
		snprintf(key, sizeof key, "%s%05" PRIu64, r & 1 ? "Key" : "key", r % 100000);
		cJSON_AddNumberToObject(obj, key, (double)(int64_t)(r >> 40));
		cJSON_AddItemToArray(arr, cJSON_CreateNumber((double)(r % 1000003)));
	}
	printf("object: %d members, %ld allocations\n", cJSON_GetArraySize(obj), allocs);
	rng = 0x9E3779B97F4A7C15ull;
	int found = 0, found_cs = 0, has = 0, deleted = 0;
	for (int i = 0; i < n; i++)
	{
		uint64_t r = next();
		snprintf(key, sizeof key, "KEY%05" PRIu64, r % 100000);
		if (cJSON_GetObjectItem(obj, key))
			found++;
		snprintf(key, sizeof key, "%s%05" PRIu64, r & 1 ? "Key" : "key", r % 100000);
		if (cJSON_GetObjectItemCaseSensitive(obj, key))
			found_cs++;
		if (cJSON_HasObjectItem(obj, key))
			has++;
		if (i % 3 == 0)
		{
			cJSON *d = cJSON_DetachItemFromObjectCaseSensitive(obj, key);
			if (d)
			{
				deleted++;
				if (i % 2)
					cJSON_AddItemToArray(arr, d);
				else
					cJSON_Delete(d);
			}
		}
	}
	printf("found %d, case sensitive %d, has %d, detached %d, now %d members\n", found, found_cs, has, deleted,
	       cJSON_GetArraySize(obj));
	char *s = cJSON_PrintUnformatted(obj);
	printf("object: %zu bytes, fnv %016" PRIx64 ", head %.80s\n", strlen(s), fnv(s, strlen(s), FNV0), s);
	cJSON_free(s);
	for (int i = 0; i < 50; i++)
	{
		cJSON_ReplaceItemInArray(arr, i * 3, cJSON_CreateString("replaced"));
		cJSON_InsertItemInArray(arr, i * 5, cJSON_CreateBool(i & 1));
		cJSON_DeleteItemFromArray(arr, i * 7 + 1);
	}
	cJSON_InsertItemInArray(arr, n * 10, cJSON_CreateString("past the end"));
	cJSON *ref = cJSON_CreateStringReference("a reference");
	cJSON_AddItemToArray(arr, ref);
	cJSON_AddItemReferenceToArray(arr, cJSON_GetArrayItem(arr, 3));
	cJSON_AddItemToObjectCS(obj, "const key", cJSON_CreateRaw("{\"raw\":[1,2]}"));
	cJSON_AddItemReferenceToObject(obj, "ref", arr);
	s = cJSON_PrintUnformatted(arr);
	printf("array: %d elements, %zu bytes, fnv %016" PRIx64 ", head %.80s\n", cJSON_GetArraySize(arr), strlen(s),
	       fnv(s, strlen(s), FNV0), s);
	cJSON_free(s);
	cJSON *small = cJSON_CreateObject();
	cJSON_AddStringToObject(small, "s", "v");
	cJSON_SetValuestring(cJSON_GetObjectItem(small, "s"), "a longer value");
	cJSON_AddItemToObject(small, "raw", cJSON_CreateRaw("{\"raw\":[1,2]}"));
	cJSON_AddFalseToObject(small, "f");
	cJSON_AddTrueToObject(small, "t");
	cJSON_AddBoolToObject(small, "b", 1);
	cJSON_AddNullToObject(small, "n");
	cJSON_AddObjectToObject(small, "o");
	cJSON_AddStringToObject(small, "esc", "tab\there \"q\" \\ / \x01 \x7f \xc3\xa9");
	cJSON_ReplaceItemViaPointer(small, cJSON_GetObjectItem(small, "t"), cJSON_CreateNumber(-0.5));
	s = cJSON_Print(small);
	printf("small:\n%s\n", s);
	cJSON_free(s);
	cJSON_Delete(small);
	cJSON_Delete(obj);
	cJSON_Delete(arr);
	printf("allocations %ld, frees %ld\n", allocs, frees);
	cJSON_InitHooks(NULL);
	return 0;
}

static int do_minify(void)
{
	static const char *texts[] = {
	    "{ \"a\" : 1 , \"b\" : [ 1 , 2 ] }",
	    "/* block */ [1, /* inside */ 2] // line\n",
	    "[\"a string with /* not a comment */ and // neither\", \"esc \\\" quote\"]",
	    "\t\r\n { \"k\":\t\"v\" }\n",
	    "// only a comment",
	    "/* unterminated",
	    "[1,\n// comment\n2,\n/**/3]",
	    "\"unterminated string",
	    "{\"\\\\\": \"\\\\\\\"\"}",
	};
	for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
	{
		char *t = strdup(texts[i]);
		cJSON_Minify(t);
		cJSON *o = cJSON_Parse(t);
		char *p = o ? cJSON_PrintUnformatted(o) : NULL;
		printf("minify [%s] -> [%s] -> %s\n", texts[i], t, p ? p : "(not JSON)");
		cJSON_free(p);
		cJSON_Delete(o);
		free(t);
	}
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	if (argc == 5 && !strcmp(argv[1], "parse"))
		return do_parse(argv[2], argv[3], atoi(argv[4]));
	if (argc == 2 && !strcmp(argv[1], "numbers"))
		return do_numbers();
	if (argc == 3 && !strcmp(argv[1], "deep"))
		return do_deep(atoi(argv[2]));
	if (argc == 3 && !strcmp(argv[1], "objects"))
		return do_objects(atoi(argv[2]));
	if (argc == 2 && !strcmp(argv[1], "minify"))
		return do_minify();
	fprintf(stderr, "usage: cjwork parse FILE OUT PATCHES | numbers | deep N | objects N | minify\n");
	return 2;
}
