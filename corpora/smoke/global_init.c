/* Exercises globals: external-linkage objects, tentative definitions, mutation across functions, const tables. */
#include <stdio.h>

int counter;
int counter;                       /* tentative definition repeated */
long long total = 1000;
double scale = 2.5;
const unsigned short primes[] = { 2, 3, 5, 7, 11, 13, 17, 19, 23, 29 };
char message[] = "global message";
struct Point { int x, y; } origin = { 0, 0 }, corner = { 640, 480 };
struct Point *current = &corner;
int matrix[3][3] = { { 1, 2, 3 }, { 4, 5, 6 }, { 7, 8, 9 } };

static void bump(int n) { counter += n; total -= n * 3; }
static void move(int dx, int dy) { current->x += dx; current->y += dy; }

int main(void)
{
    int i, tr = 0;
    for (i = 0; i < 10; i++) bump(primes[i]);
    printf("counter=%d total=%lld\n", counter, total);
    move(-40, 20);
    current = &origin;
    move(5, 6);
    printf("origin=(%d,%d) corner=(%d,%d)\n", origin.x, origin.y, corner.x, corner.y);
    message[0] = 'G';
    printf("message=%s len=%u\n", message, (unsigned)(sizeof message - 1));
    scale *= 4;
    printf("scale=%.2f\n", scale);
    for (i = 0; i < 3; i++) tr += matrix[i][i] * matrix[i][2 - i];
    printf("tr=%d\n", tr);
    return 0;
}
