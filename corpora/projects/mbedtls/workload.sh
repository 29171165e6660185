# Differential workloads over Mbed TLS's example programs (run from the built tree): every digest
# of generated inputs (generic_sum), and files encrypted with each cipher family and MAC by
# crypt_and_hash (its IV is a digest of the file's size and name, so its output bytes are fixed),
# printed as SHA-256 of the bytes, then decrypted and compared (CBC, or whole blocks). A miscompiled round or table the
# known-answer suites do not reach changes a line here even when encryption and decryption agree.
set -e
tree=$(pwd)
cd "$WORK"
# Inputs: empty, one byte, 1000 lines of text, 300 KB of pseudo-random bytes (an LCG in awk).
: > empty.bin
printf 'a' > one.bin
seq 1 1000 | awk '{ printf "line %d: %d %x %o\n", $1, $1 * $1, $1 * 7919, $1 }' > text.bin
LC_ALL=C awk 'BEGIN { x = 12345; for (i = 0; i < 300000; i++) { x = (x * 1103515245 + 12345) % 2147483648; printf "%c", int(x / 65536) % 256 } }' > rand.bin
for md in MD5 SHA1 SHA224 SHA256 SHA384 SHA512 RIPEMD160; do
  $EMU "$tree/programs/hash/generic_sum" $md empty.bin one.bin text.bin rand.bin 2>&1 || echo "generic_sum $md: exit $?"
done
i=0
for spec in AES-128-CBC:SHA1 AES-256-CTR:SHA256 AES-192-CFB128:SHA512 CAMELLIA-256-CBC:SHA384 \
            AES-256-CBC:SHA256 DES-EDE3-CBC:MD5 BLOWFISH-CBC:RIPEMD160 DES-CBC:SHA224 \
            AES-256-GCM:SHA256 CAMELLIA-128-CTR:SHA1 AES-128-OFB:SHA512; do
  cipher=${spec%%:*} md=${spec#*:}
  i=$((i + 1))
  for f in one.bin text.bin rand.bin; do
    key="hex:$(printf '%02x' $i)0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd"
    if $EMU "$tree/programs/aes/crypt_and_hash" 0 $f $f.enc $cipher $md "$key" > log 2>&1; then
      printf '%s %s %s ' $cipher $md $f; sha256sum < $f.enc | cut -c1-64
      # Its decryption takes a stream mode's output only when it is whole blocks (rand.bin is).
      case $cipher,$f in *-CBC,*|*,rand.bin)
        $EMU "$tree/programs/aes/crypt_and_hash" 1 $f.enc $f.dec $cipher $md "$key" > log 2>&1 || { echo "decrypt failed:"; cat log; }
        cmp -s $f $f.dec && echo "  round trip ok" || echo "  round trip DIFFERS" ;;
      esac
    else
      echo "$cipher $md $f: encrypt failed"; cat log
    fi
  done
done
