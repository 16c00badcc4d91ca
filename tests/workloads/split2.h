/* split2 — the same loop in two functions in two files, called 3:1. */
#include <stdint.h>
uint64_t work_a(uint64_t x, uint64_t n);
uint64_t work_b(uint64_t x, uint64_t n);
