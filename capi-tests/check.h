/* check.h: a tiny assertion and fixture layer for the C API tests.
 * Each test is a program that returns 0 when every CHECK held; a failed
 * CHECK prints its file, line and expression and makes main return 1. */
#ifndef WASMRT_CHECK_H
#define WASMRT_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasm.h>

static int check_failures = 0;

#define CHECK(cond)                                                              \
  do {                                                                           \
    if (!(cond)) {                                                               \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);   \
      check_failures++;                                                          \
    }                                                                            \
  } while (0)

/* Reads NAME.wasm (made from NAME.wat by the test runner) from the working
   directory and compiles it; aborts the test if that fails. */
static inline wasm_module_t *load_module(wasm_store_t *store, const char *name) {
  char path[256];
  snprintf(path, sizeof path, "%s.wasm", name);
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "cannot open %s\n", path);
    exit(2);
  }
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  wasm_byte_vec_t bytes;
  wasm_byte_vec_new_uninitialized(&bytes, (size_t)size);
  if (fread(bytes.data, 1, (size_t)size, f) != (size_t)size) exit(2);
  fclose(f);
  wasm_module_t *m = wasm_module_new(store, &bytes);
  wasm_byte_vec_delete(&bytes);
  if (!m) {
    fprintf(stderr, "cannot compile %s\n", path);
    exit(2);
  }
  return m;
}

/* The export called `name` (found by the module's export types); exits
   when there is none. */
static inline wasm_extern_t *export_named(const wasm_extern_vec_t *exports,
                                          const wasm_exporttype_vec_t *types, const char *name) {
  for (size_t i = 0; i < types->size; i++) {
    const wasm_name_t *n = wasm_exporttype_name(types->data[i]);
    if (n->size == strlen(name) && memcmp(n->data, name, n->size) == 0) return exports->data[i];
  }
  fprintf(stderr, "no export %s\n", name);
  exit(2);
}

/* Whether the trap's message (NUL-terminated) contains `want`. */
static inline int trap_says(const wasm_trap_t *trap, const char *want) {
  wasm_message_t msg;
  wasm_trap_message(trap, &msg);
  int ok = msg.size > 0 && msg.data[msg.size - 1] == '\0' && strstr(msg.data, want) != NULL;
  if (!ok) fprintf(stderr, "trap message: %.*s\n", (int)msg.size, msg.data);
  wasm_byte_vec_delete(&msg);
  return ok;
}

static inline int check_done(const char *name) {
  if (check_failures) {
    fprintf(stderr, "%s: %d check(s) failed\n", name, check_failures);
    return 1;
  }
  printf("%s: ok\n", name);
  return 0;
}

#endif
