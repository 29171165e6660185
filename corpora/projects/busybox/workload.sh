#!/bin/sh
# Differential workloads: what busybox's applets make of inputs made here, as bytes or digests
# (the system's sha256sum checks busybox's own output; busybox's digests are an output too).
bb=$PWD/busybox
cd "$WORK" || exit 2
# (defconfig has no gzip levels: one level.) Inputs: the C sources of a few applets (text) and a pseudo-random file from a fixed seed.
cat "$OLDPWD"/archival/*.c "$OLDPWD"/editors/*.c > text
awk 'BEGIN { s = 12345; for (i = 0; i < 200000; i++) { s = (s * 16807) % 2147483647; printf "%c", 32 + s % 95 } }' > random
case "$1" in
compress)
    $bb gzip -c text > t.gz; echo "gzip text: $(wc -c < t.gz) $(sha256sum < t.gz | cut -c1-16)"
    $bb gzip -c random > r.gz; echo "gzip random: $(wc -c < r.gz) $(sha256sum < r.gz | cut -c1-16)"
    $bb gunzip -c t.gz | cmp - text && echo "gunzip text: same"
    $bb gunzip -c r.gz | cmp - random && echo "gunzip random: same"
    $bb bzip2 -9 -c text > t.bz2; echo "bzip2 text: $(wc -c < t.bz2) $(sha256sum < t.bz2 | cut -c1-16)"
    $bb bunzip2 -c t.bz2 | cmp - text && echo "bunzip2 text: same"
    gzip -9 -c random | $bb zcat | cmp - random && echo "zcat of the system's gzip: same"
    bzip2 -c text | $bb bzcat | cmp - text && echo "bzcat of the system's bzip2: same"
    xz -c text | $bb xzcat | cmp - text && echo "xzcat of the system's xz: same"
    $bb tar -cf t.tar text random && echo "tar: $(wc -c < t.tar)" && $bb tar -tvf t.tar | awk '{print $3, $6}'
    ;;
hashes)
    for f in text random; do
        for h in md5sum sha1sum sha256sum sha512sum sha3sum; do $bb $h $f; done
        $bb cksum $f; $bb sum $f; $bb sum -s $f; $bb crc32 $f 2>/dev/null
        $bb base64 $f | sha256sum | cut -c1-16; $bb uuencode -m $f x | $bb uudecode -o - | cmp - $f && echo "uu round trip: same"
        $bb od -A x -t x1 -N 256 $f; $bb od -t d2 -N 64 $f; $bb od -t f8 -N 64 $f; $bb xxd -l 128 $f
    done
    ;;
bc)
    echo "scale=400; 4*a(1)" | $bb bc -l
    echo "scale=200; e(1); l(10); s(1); c(1); sqrt(2)" | $bb bc -l
    echo "2^1000; 100!" | $bb bc 2>/dev/null || echo "define f(n) { if (n <= 1) return 1; return n * f(n-1) }; 2^1000; f(100)" | $bb bc
    echo "16 o 2 256 ^ p 10 o 7 k 1 3 / p 2 v p" | $bb dc
    $bb factor 18446744073709551615 9223372036854775807 600851475143 1000000007 340282366920938463
    ;;
text)
    $bb awk 'BEGIN { for (i = 1; i <= 20; i++) printf "%d %.10g %e %x %s\n", i, 1/i, i^10, i*977, substr("abcdefghijklmnopqrstuvwxyz", i, 5) }'
    $bb awk '{ n[length($0) % 7]++; w += NF } END { for (k = 0; k < 7; k++) print k, n[k]; print w }' text
    $bb sed -e 's/[aeiou]\+/<&>/g' -e '/^#/d' text | sha256sum | cut -c1-16
    $bb grep -c -E 'static|int [a-z_]+\(' text; $bb grep -o -E '[A-Z_]{6,}' text | $bb sort | $bb uniq -c | $bb sort -k1,1nr -k2 | head -20
    $bb sort text | sha256sum | cut -c1-16; $bb sort -r -u text | sha256sum | cut -c1-16
    $bb seq 1 0.37 20 | $bb sort -g -r | head -5; $bb seq -w 0 7 100 | $bb tr '0-9' 'a-j' | $bb paste -s -d,
    printf '%s\n' 3.5 -1e3 0x1f 1e-5 inf 42 -0 | $bb sort -g
    $bb printf '%5.2f|%-8s|%08x|%o|%c|%b\n' 3.14159 left 48879 8 A 'a\tb'
    $bb cut -c1-20 text | $bb tr -s ' ' | $bb fold -w 13 | $bb expand | $bb unexpand -a | $bb nl | tail -5
    $bb wc text random; $bb head -c 1000 random | $bb rev | $bb tac | $bb strings -n 3 | head -5
    $bb diff -u text random | head -3 | tail -1 | cut -c1-30; $bb cmp text random; echo "cmp: $?"
    $bb expr 12345678 '*' 87654321 % 1000003 : '\(.*\)'; $bb test 10 -gt 9 && echo "test: yes"
    ;;
*)
    echo "workload.sh: no workload $1" >&2; exit 2 ;;
esac
