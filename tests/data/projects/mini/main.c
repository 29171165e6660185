#include <stdio.h>
#include "proj.h"
int main(void) {
    int x = 3;
    printf("a=%d b=%d c=%d d=%d e=%d f=%d g=%d\n", fa(x), fb(x), fc(x), fd(x), fe(x), ff(x), fg(x));
    return fh();
}
