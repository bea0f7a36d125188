/* Landing points for traps in native code.
 *
 * Every entry from the rest of the runtime into JIT code goes through
 * wasmrt_jit_catch, which records a landing point (sigsetjmp) and calls
 * the entry. A trap in native code is recorded in the store context by a
 * runtime function, which then calls wasmrt_jit_unwind: it jumps back to
 * the innermost landing point of this thread (siglongjmp), skipping only
 * JIT frames, which hold nothing to release. Entries nest (native code ->
 * host function -> native code), each with its own landing point.
 *
 * The signal mask is not saved (sigsetjmp(.., 0)): unwinding starts from
 * ordinary code, never from a signal handler, so there is nothing to
 * restore, and saving it would cost a system call per entry. */

#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>

typedef unsigned char (*wasmrt_entry_fn)(const void *callee, void *caller,
                                         uint64_t *values, size_t capacity);

/* Calls entry(callee, caller, values, capacity); returns 1 if it returned,
 * 0 if it was unwound by wasmrt_jit_unwind. *landing_slot is the calling
 * thread's innermost landing point (kept by the runtime with the rest of
 * its per-thread state, so an entry looks that state up once). */
__attribute__((visibility("hidden"))) int
wasmrt_jit_catch(wasmrt_entry_fn entry, const void *callee, void *caller,
                 uint64_t *values, size_t capacity, void **landing_slot) {
  sigjmp_buf landing;
  void *volatile previous = *landing_slot;
  if (sigsetjmp(landing, 0) != 0) {
    *landing_slot = previous;
    return 0;
  }
  *landing_slot = &landing;
  entry(callee, caller, values, capacity);
  *landing_slot = previous;
  return 1;
}

/* Jumps to the innermost landing point of this thread, *landing_slot. */
__attribute__((visibility("hidden"), noreturn)) void
wasmrt_jit_unwind(void **landing_slot) {
  siglongjmp(*(sigjmp_buf *)*landing_slot, 1);
}
