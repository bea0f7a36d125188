/* Landing points for traps in native code.
 *
 * Every entry from the rest of the runtime into JIT code goes through
 * wasmrt_jit_catch, which records a landing point and calls
 * the entry. A trap in native code is recorded in the store context by a
 * runtime function, which then calls wasmrt_jit_unwind: it jumps back to
 * the innermost landing point of this thread, skipping only
 * JIT frames, which hold nothing to release. Entries nest (native code ->
 * host function -> native code), each with its own landing point.
 *
 * The signal mask is neither saved nor restored: the fault handler, which
 * also unwinds here, runs with SA_NODEFER (signals.rs), so leaving it
 * leaves no signal blocked; saving the mask would cost a system call per
 * entry. */

#include <stddef.h>
#include <stdint.h>

typedef unsigned char (*wasmrt_entry_fn)(const void *callee, void *caller,
                                         uint64_t *values, size_t capacity);

/* A landing point: the compiler's own non-local goto (__builtin_setjmp),
 * which keeps only the frame and stack pointers and the resume address,
 * where sigsetjmp is a libc call that saves every callee-saved register
 * and mangles the pointers. The compiler saves what the landing function
 * needs in its own frame. __builtin_longjmp must come from another
 * function than the one that landed, as wasmrt_jit_unwind does. */
typedef void *wasmrt_landing[5];

/* Calls entry(callee, caller, values, capacity); returns 1 if it returned,
 * 0 if it was unwound by wasmrt_jit_unwind. *landing_slot is the calling
 * thread's innermost landing point (kept by the runtime with the rest of
 * its per-thread state, so an entry looks that state up once). */
__attribute__((visibility("hidden"))) int
wasmrt_jit_catch(wasmrt_entry_fn entry, const void *callee, void *caller,
                 uint64_t *values, size_t capacity, void **landing_slot) {
  wasmrt_landing landing;
  void *volatile previous = *landing_slot;
  void **volatile slot = landing_slot;
  if (__builtin_setjmp(landing) != 0) {
    *slot = previous;
    return 0;
  }
  *landing_slot = &landing;
  entry(callee, caller, values, capacity);
  *landing_slot = previous;
  return 1;
}

/* AddressSanitizer's hook for a jump that leaves frames without returning
 * (its longjmp interceptors call it; __builtin_longjmp is not
 * intercepted): it clears the skipped frames' poisoned redzones, which
 * later frames on the same stack would otherwise be reported against.
 * Null unless the program runs with AddressSanitizer (the fuzz targets). */
extern void __asan_handle_no_return(void) __attribute__((weak));

/* Jumps to the innermost landing point of this thread, *landing_slot. */
__attribute__((visibility("hidden"), noreturn)) void
wasmrt_jit_unwind(void **landing_slot) {
  if (__asan_handle_no_return) __asan_handle_no_return();
  __builtin_longjmp(*(void **)landing_slot, 1);
}
