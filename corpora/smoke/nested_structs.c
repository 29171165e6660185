/* Exercises nested structs and arrays inside structs: access paths, copies, pointers to inner members. */
#include <stdio.h>

struct Vec { double x, y; };
struct Rect { struct Vec min, max; };
struct Shape {
    int id;
    struct Rect box;
    struct { int n; struct Vec pts[4]; } poly;
    char label[8];
};
struct Scene { int count; struct Shape shapes[3]; struct Vec *focus; };

static double area(const struct Rect *r) { return (r->max.x - r->min.x) * (r->max.y - r->min.y); }
static void translate(struct Shape *s, struct Vec d)
{
    int i;
    s->box.min.x += d.x; s->box.min.y += d.y;
    s->box.max.x += d.x; s->box.max.y += d.y;
    for (i = 0; i < s->poly.n; i++) { s->poly.pts[i].x += d.x; s->poly.pts[i].y += d.y; }
}

int main(void)
{
    struct Scene sc = { 3, {
        { 1, { { 0, 0 }, { 2, 3 } }, { 3, { { 0, 0 }, { 2, 0 }, { 1, 3 } } }, "tri" },
        { 2, { { -1, -1 }, { 1, 1 } }, { 4, { { -1, -1 }, { 1, -1 }, { 1, 1 }, { -1, 1 } } }, "sq" },
        { 3, { { 5, 5 }, { 5.5, 9 } }, { 0 }, "line" } }, 0 };
    struct Vec d = { 0.5, -2 };
    struct Shape copy;
    int i, j;
    sc.focus = &sc.shapes[1].poly.pts[2];
    translate(&sc.shapes[0], d);
    copy = sc.shapes[1];
    translate(&copy, (struct Vec){ 10, 10 });
    sc.focus->x = 42;
    for (i = 0; i < sc.count; i++) {
        struct Shape *s = &sc.shapes[i];
        printf("%d %-4s area=%.3f box=(%.1f,%.1f)-(%.1f,%.1f) pts:", s->id, s->label, area(&s->box),
               s->box.min.x, s->box.min.y, s->box.max.x, s->box.max.y);
        for (j = 0; j < s->poly.n; j++) printf(" (%.1f,%.1f)", s->poly.pts[j].x, s->poly.pts[j].y);
        printf("\n");
    }
    printf("copy box min=(%.1f,%.1f) pt2=(%.1f,%.1f)\n", copy.box.min.x, copy.box.min.y,
           copy.poly.pts[2].x, copy.poly.pts[2].y);
    printf("sizeof Vec=%u Rect=%u\n", (unsigned)sizeof(struct Vec), (unsigned)sizeof(struct Rect));
    return 0;
}
