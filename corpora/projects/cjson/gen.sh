# gen.sh N: a JSON document of N items on stdout (about 500 bytes each), the same for every run:
# nested objects and arrays, every escape (\n \t \" \\ \/ \b \f \r, \u00e9, a surrogate pair),
# raw UTF-8, integers up to and past the int64 and uint64 limits, doubles with exponents
# (subnormal, huge, -0.0), booleans, null, empty containers, keys with '/' and '~' (for JSON
# pointers), and whitespace of every kind. (json-c's gen.sh, without its duplicate keys: cJSON
# keeps both, and cJSON_Compare and the patches then see two members of one name.) A 32-bit LCG in awk's doubles (exact:
# the products stay below 2^53) makes the values.
awk -v n="$1" 'BEGIN {
    x = 12345
    printf "{\n  \"meta\": {\"count\": %d, \"name\": \"generated\\tdocument\", \"empty\": {}, \"none\": [],\n", n
    printf "    \"limits\": [9223372036854775807, -9223372036854775808, 18446744073709551615, 9223372036854775808, -9223372036854775809, 18446744073709551616, 123456789012345678901234567890]},\n"
    printf "  \"items\": ["
    for (i = 0; i < n; i++) {
        if (i) printf ","
        printf "\n    {\"id\": %d, \"name\": \"item %d \\u00e9\\ud83d\\ude00 caf\303\251 \\\"q\\\" \\\\ \\/ \\b\\f\\n\\r\\t end\",", i, i
        printf " \"values\": ["
        for (j = 0; j < 12; j++) {
            x = (x * 69069 + 1) % 4294967296
            if (j) printf (j % 3 ? "," : " ,\t")
            k = x % 9
            if (k == 0) printf "%d", x - 2147483648
            else if (k == 1) printf "%.17g", (x - 2147483648) / 65536.0
            else if (k == 2) printf "%de%d", x % 1000 - 500, x % 600 - 300
            else if (k == 3) printf "%d%09d%09d", 1 + x % 19, x % 1000000000, (x * 7) % 1000000000
            else if (k == 4) printf "-0.0"
            else if (k == 5) printf "%.6f", x / 4294967296.0
            else if (k == 6) printf "%d.%dE+%d", x % 10, x % 100000, x % 20
            else if (k == 7) printf "%s", (x % 2 ? "true" : "false")
            else printf "null"
        }
        printf "],\n     \"nested\": {\"a/b\": %d, \"m~n\": [%d, {\"deep\": [[[[%d]]]]}], \"s\": \"\\u0041\\u00ff\\u4e2d\\u0000x\"", i * 3, i * 5, i * 7
        printf ", \"dup\": %d, \"e\": [], \"o\": {}},\r\n     \"f\": %.17g, \"tiny\": %de-%d, \"big\": 1e%d}", i, i / 7.0, i % 9 + 1, 300 + i % 24, 300 + i % 9
    }
    printf "\n  ]\n}\n"
}'
