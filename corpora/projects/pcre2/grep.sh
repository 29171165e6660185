# pcre2grep over the project's own sources: counts, line numbers, only-matching, context, case folding.
set -e
$EMU ./pcre2grep -c 'PCRE2_[A-Z_]+' src/pcre2_compile.c src/pcre2_match.c
$EMU ./pcre2grep -n -o '\bstatic\s+\w+\s+\*?(\w+)\(' src/pcre2_match.c | head -40
$EMU ./pcre2grep -i -C1 -m5 'unicode property' src/pcre2_compile.c
$EMU ./pcre2grep -o -M '(?s)/\*\*+.{0,80}?\*/' src/pcre2_tables.c | head -20
echo "lines: $($EMU ./pcre2grep -c '' src/pcre2_compile.c)"
