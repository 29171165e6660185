# A differential workload for gawk: number formatting and parsing, arithmetic at the edges of
# doubles and integers, its own random numbers from fixed seeds, bit functions, strings, regular
# expressions, sorting and time formatting (in UTC). Every line is the same for any correct build.
BEGIN {
    # doubles: formats, conversions
    split("0 1 -1 0.1 0.5 1.5 2.5 1e300 1e-300 3.14159265358979 2.718281828459045 " \
          "123456789012345678 9007199254740993 -0.0 4.9e-324 1.7976931348623157e308", v, " ")
    for (i = 1; i <= length(v); i++) {
        x = v[i] + 0
        printf "%s|%d|%.17g|%e|%.3f|%g|%x|%o|%c\n", x, x, x, x, x, x, (x > 0 && x < 1e15 ? x : 7), (x > 0 && x < 1e15 ? x : 7), 65 + i
    }
    for (i = -20; i <= 20; i++) printf "%.10g %.10g %.10g %.10g\n", exp(i), (i ? log(i < 0 ? -i : i) : 0), sin(i), atan2(i, 3)
    for (i = 1; i <= 60; i++) { p = 2 ^ i; printf "%d %d %s %s\n", p, p - 1, int(p / 3), sqrt(p) }
    s = 0; for (i = 1; i <= 100000; i++) s += 1 / i; printf "%.15f\n", s
    f = 1; for (i = 1; i <= 25; i++) { f *= i; printf "%d! = %.0f\n", i, f }
    # strings to numbers
    split("12abc 0x1A 1e3 +5 -.5 .e1  3.0e-2x inf nan 0012", w, " ")
    for (i = 1; i <= length(w); i++) printf "[%s] -> %s\n", w[i], w[i] + 0
    print strtonum("0x1F"), strtonum("017"), strtonum("1e2")
    # bits
    for (i = 0; i < 40; i++) printf "%d %d %d %d %d\n", and(i * 12345, 0xff00ff), or(i, 2 ^ 20), xor(i * 7, 0x5555), lshift(i, i % 20), rshift(2 ^ 40, i)
    # random numbers, seeded
    srand(1); for (i = 0; i < 20; i++) printf "%.12f ", rand(); print ""
    srand(20261207); n = 0; for (i = 0; i < 100000; i++) n += int(rand() * 1000); print n
    # strings and regular expressions
    t = "The quick brown fox jumps over the lazy dog; 12 foxes, 345 dogs, 6789 cats."
    print length(t), index(t, "fox"), substr(t, 5, 11), toupper(t), tolower(t)
    print gensub(/([a-z]+)s\>/, "<\\1>", "g", t)
    u = t; print gsub(/[aeiou]/, "&&", u), u
    print match(t, /[0-9]+/), RSTART, RLENGTH, substr(t, RSTART, RLENGTH)
    n = split(t, parts, /[ ,;.]+/); for (i = 1; i <= n; i++) printf "%s:", parts[i]; print ""
    n = patsplit(t, nums, /[0-9]+/, seps); for (i = 1; i <= n; i++) printf "%s(%s)", nums[i], seps[i]; print ""
    printf "%-10s|%10s|%.3s|%5.1s|\n", "left", "right", "truncate", "x"
    # sorting
    srand(7); for (i = 1; i <= 2000; i++) a[i] = int(rand() * 100000) - 50000
    n = asort(a, b); h = 0; for (i = 1; i <= n; i++) h = (h * 31 + b[i] + 50000) % 1000000007; print n, b[1], b[n], h
    for (i = 1; i <= 200; i++) words["w" (i * 7919 % 1000)] = i
    n = asorti(words, keys); for (i = 1; i <= n; i += 17) printf "%s ", keys[i]; print ""
    PROCINFO["sorted_in"] = "@val_num_desc"; c = 0
    for (k in words) { if (c++ < 10) printf "%s=%s ", k, words[k] }; print ""
    # time, in UTC
    print strftime("%Y-%m-%d %H:%M:%S %j %a %b", 1700000000, 1), mktime("2026 12 07 15 30 00", 1)
    for (i = 0; i < 10; i++) print strftime("%F %T %u %V", i * 86400 * 37 + 123456789, 1)
    # big associative arrays and string building
    for (i = 0; i < 50000; i++) big[i % 997, i % 13] += i
    n = 0; for (k in big) n++; m = 0; for (k in big) m = (m + big[k]) % 1000003; print n, m
    s = ""; for (i = 0; i < 3000; i++) s = s sprintf("%c", 32 + i % 95); print length(s), substr(s, 1000, 40)
}
