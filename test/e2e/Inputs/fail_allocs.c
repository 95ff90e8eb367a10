/* An LD_PRELOAD allocator that fails on request and counts what is live.
 * While `mlc_test_counting` is set, every malloc, calloc, realloc and
 * aligned allocation of the process is counted in `mlc_test_allocations`;
 * the one whose count equals `mlc_test_fail_at` (1-based) returns null
 * instead, as an exhausted heap would. Blocks allocated while counting are
 * remembered until freed: `mlc_test_live` is how many are not. A driver
 * sets these around the call it checks (run_failing_allocs.c). */
#include <stddef.h>
#include <stdint.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
extern void __libc_free(void *);

volatile int64_t mlc_test_counting = 0;
volatile int64_t mlc_test_fail_at = 0;
volatile int64_t mlc_test_allocations = 0;
volatile int64_t mlc_test_live = 0;

/* Open addressing over the blocks allocated while counting. */
enum { kSlots = 1 << 16 };
static void *live[kSlots];

static size_t slot_of(void *p) {
  return ((uintptr_t)p >> 4) * 0x9E3779B97F4A7C15ull >> 48;
}

static void remember(void *p) {
  for (size_t i = slot_of(p);; i = (i + 1) % kSlots)
    if (!live[i] || live[i] == (void *)1) {
      live[i] = p;
      ++mlc_test_live;
      return;
    }
}

static void forget(void *p) {
  for (size_t i = slot_of(p); live[i]; i = (i + 1) % kSlots)
    if (live[i] == p) {
      live[i] = (void *)1; /* a tombstone keeps later probes going */
      --mlc_test_live;
      return;
    }
}

/* Whether this allocation should fail; counts it. */
static int should_fail(void) {
  if (!mlc_test_counting)
    return 0;
  return ++mlc_test_allocations == mlc_test_fail_at;
}

static void *track(void *p) {
  if (p && mlc_test_counting)
    remember(p);
  return p;
}

void *malloc(size_t n) {
  return should_fail() ? NULL : track(__libc_malloc(n));
}
void *calloc(size_t n, size_t m) {
  return should_fail() ? NULL : track(__libc_calloc(n, m));
}
void *realloc(void *p, size_t n) {
  if (should_fail())
    return NULL;
  if (p && mlc_test_counting)
    forget(p);
  return track(__libc_realloc(p, n));
}
void *memalign(size_t a, size_t n) {
  return should_fail() ? NULL : track(__libc_memalign(a, n));
}
void *aligned_alloc(size_t a, size_t n) {
  return should_fail() ? NULL : track(__libc_memalign(a, n));
}
int posix_memalign(void **out, size_t a, size_t n) {
  void *p = should_fail() ? NULL : track(__libc_memalign(a, n));
  if (!p)
    return 12; /* ENOMEM */
  *out = p;
  return 0;
}
void free(void *p) {
  if (p && mlc_test_counting)
    forget(p);
  __libc_free(p);
}

/* Forgets every remembered block (between runs of the driver). */
void mlc_test_reset(void) {
  for (size_t i = 0; i < kSlots; ++i)
    live[i] = NULL;
  mlc_test_live = 0;
  mlc_test_allocations = 0;
}
