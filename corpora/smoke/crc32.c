/* Exercises table-driven CRC-32 and Adler-32 over generated and constant data (uint32 arithmetic, table init). */
#include <stdio.h>
#include <stdint.h>
#include <inttypes.h>
#include <string.h>

static uint32_t table[256];

static void init_table(void)
{
    uint32_t i, j, c;
    for (i = 0; i < 256; i++) {
        c = i;
        for (j = 0; j < 8; j++) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        table[i] = c;
    }
}

static uint32_t crc32(const unsigned char *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    while (n--) c = table[(c ^ *p++) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

static uint32_t adler32(const unsigned char *p, size_t n)
{
    uint32_t a = 1, b = 0;
    size_t i;
    for (i = 0; i < n; i++) { a = (a + p[i]) % 65521u; b = (b + a) % 65521u; }
    return (b << 16) | a;
}

int main(void)
{
    static unsigned char data[4096];
    const char *msg = "The quick brown fox jumps over the lazy dog";
    size_t i;
    uint32_t x = 1;
    init_table();
    printf("table[1]=%08" PRIx32 " table[255]=%08" PRIx32 "\n", table[1], table[255]);
    printf("crc(\"123456789\")=%08" PRIx32 "\n", crc32((const unsigned char *)"123456789", 9));
    printf("crc(fox)=%08" PRIx32 " adler(fox)=%08" PRIx32 "\n", crc32((const unsigned char *)msg, strlen(msg)),
           adler32((const unsigned char *)msg, strlen(msg)));
    for (i = 0; i < sizeof data; i++) {
        x ^= x << 13; x ^= x >> 17; x ^= x << 5;
        data[i] = (unsigned char)(x >> 24);
    }
    printf("crc(data)=%08" PRIx32 " adler(data)=%08" PRIx32 "\n", crc32(data, sizeof data), adler32(data, sizeof data));
    printf("crc(empty)=%08" PRIx32 "\n", crc32(data, 0));
    return 0;
}
