/*
 * The checks the C SDK's native tests share: CHECK counts a condition as
 * passed or failed (printing where it failed), check_report prints the
 * counts and gives the exit status.
 */
#ifndef BENTHOS_WASM_TEST_CHECK_H
#define BENTHOS_WASM_TEST_CHECK_H

#include <stdio.h>

static int passed, failed;

#define CHECK(cond)                                                                  \
    do {                                                                             \
        if (cond) {                                                                  \
            passed++;                                                                \
        } else {                                                                     \
            failed++;                                                                \
            fprintf(stderr, "%s:%d: FAILED: %s\n", __FILE__, __LINE__, #cond);      \
        }                                                                            \
    } while (0)

/* check_report prints "<prefix>N passed, M failed" and returns the exit status. */
static int check_report(const char *prefix) {
    printf("%s%d passed, %d failed\n", prefix, passed, failed);
    return failed ? 1 : 0;
}

#endif
