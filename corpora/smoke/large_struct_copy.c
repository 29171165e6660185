/* Exercises copying large structs (assignment, pass/return by value, memcpy) and checks independence of copies. */
#include <stdio.h>
#include <string.h>

struct Big { int id; double vals[64]; char text[200]; unsigned short tail[33]; };

static unsigned checksum(const struct Big *b)
{
    unsigned h = (unsigned)b->id;
    int i;
    for (i = 0; i < 64; i++) h = h * 31u + (unsigned)(long long)(b->vals[i] * 4.0);
    for (i = 0; i < 200; i++) h = h * 7u + (unsigned char)b->text[i];
    for (i = 0; i < 33; i++) h = h * 3u + b->tail[i];
    return h;
}

static struct Big make(int id)
{
    struct Big b;
    int i;
    memset(&b, 0, sizeof b);
    b.id = id;
    for (i = 0; i < 64; i++) b.vals[i] = id + i * 0.25;
    for (i = 0; i < 199; i++) b.text[i] = (char)('a' + (i + id) % 26);
    b.text[199] = '\0';
    for (i = 0; i < 33; i++) b.tail[i] = (unsigned short)(id * 1000 + i);
    return b;
}

static struct Big modify(struct Big b)
{
    b.id += 1000;
    b.vals[10] = -1.0;
    b.text[0] = 'Z';
    b.tail[32] = 1;
    return b;
}

int main(void)
{
    struct Big a = make(3), b, c, arr[3];
    int i;
    b = a;
    c = modify(a);
    printf("a=%u b=%u c=%u\n", checksum(&a), checksum(&b), checksum(&c));
    printf("a==b text: %d\n", memcmp(a.text, b.text, sizeof a.text) == 0);
    printf("a.id=%d c.id=%d a.text[0]=%c c.text[0]=%c\n", a.id, c.id, a.text[0], c.text[0]);
    for (i = 0; i < 3; i++) arr[i] = make(i + 10);
    arr[1] = arr[2];
    memcpy(&arr[0], &c, sizeof c);
    for (i = 0; i < 3; i++) printf("arr[%d]=%u id=%d\n", i, checksum(&arr[i]), arr[i].id);
    printf("sizeof Big=%u\n", (unsigned)sizeof(struct Big));
    return 0;
}
