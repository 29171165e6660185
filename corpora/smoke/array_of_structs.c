/* Exercises arrays of structs: initialisation, field updates through indices and pointers, aggregate stats. */
#include <stdio.h>
#include <string.h>

struct Emp { char name[12]; int age; double salary; unsigned char dept; };

int main(void)
{
    struct Emp staff[] = {
        { "alice", 34, 5200.50, 1 }, { "bob", 45, 4100.00, 2 },
        { "carol", 29, 6100.25, 1 }, { "dave", 52, 3900.75, 3 },
        { "erin", 41, 7000.00, 2 },  { "frank", 38, 4550.10, 3 },
    };
    int n = (int)(sizeof staff / sizeof staff[0]);
    double dept_total[4] = { 0 };
    int dept_count[4] = { 0 };
    int i, oldest = 0;
    struct Emp *p;
    unsigned h = 0;

    for (p = staff; p < staff + n; p++) p->salary *= 1.5;
    for (i = 0; i < n; i++) {
        dept_total[staff[i].dept] += staff[i].salary;
        dept_count[staff[i].dept]++;
        if (staff[i].age > staff[oldest].age) oldest = i;
    }
    for (i = 1; i < 4; i++)
        printf("dept %d: n=%d total=%.2f\n", i, dept_count[i], dept_total[i]);
    printf("oldest=%s\n", staff[oldest].name);
    /* swap two elements by struct assignment */
    {
        struct Emp t = staff[0];
        staff[0] = staff[n - 1];
        staff[n - 1] = t;
    }
    strcpy(staff[2].name, "CAROL");
    for (i = 0; i < n; i++) {
        const char *c;
        printf("%-6s %2d %9.2f %u\n", staff[i].name, staff[i].age, staff[i].salary, staff[i].dept);
        for (c = staff[i].name; *c; c++) h = h * 33u + (unsigned char)*c;
        h += (unsigned)staff[i].age;
    }
    printf("hash=%u\n", h);
    return 0;
}
