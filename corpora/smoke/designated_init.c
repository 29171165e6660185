/* Exercises C99 designated initializers for arrays, structs, nested members, and overrides. */
#include <stdio.h>

struct Config {
    int width, height;
    const char *title;
    struct { unsigned char r, g, b; } color;
    double ratio;
    int flags[4];
};

enum { RED, GREEN, BLUE, NCOLORS };
static const char *cname[NCOLORS] = { [BLUE] = "blue", [RED] = "red", [GREEN] = "green" };

int main(void)
{
    int arr[10] = { [2] = 5, [7] = 9, [3] = 1, 4, [0] = -1 };
    struct Config c = {
        .title = "demo",
        .height = 480,
        .color = { .g = 200, .b = 10 },
        .flags = { [3] = 1, [1] = 2 },
        .width = 640,
    };
    struct Config d = { .color.r = 7, .flags[2] = 33, .ratio = 0.75 };
    int grid[3][3] = { [1][1] = 5, [2] = { 7, 8 }, [0][2] = 3 };
    int i, j;

    for (i = 0; i < 10; i++) printf("%d ", arr[i]);
    printf("\n");
    printf("c: %dx%d %s rgb=%u,%u,%u ratio=%.2f flags=%d%d%d%d\n", c.width, c.height, c.title,
           c.color.r, c.color.g, c.color.b, c.ratio, c.flags[0], c.flags[1], c.flags[2], c.flags[3]);
    printf("d: %dx%d title_null=%d r=%u flags2=%d ratio=%.2f\n", d.width, d.height,
           d.title == NULL, d.color.r, d.flags[2], d.ratio);
    for (i = 0; i < 3; i++) {
        for (j = 0; j < 3; j++) printf("%d", grid[i][j]);
        printf(" ");
    }
    printf("\n");
    for (i = 0; i < NCOLORS; i++) printf("%s ", cname[i]);
    printf("\n");
    return 0;
}
