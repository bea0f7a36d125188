/* example.h: the one helper every example needs — reading a compiled
 * module (NAME.wasm, made from NAME.wat by ./scripts/run-example.sh) and
 * turning it into a wasm_module_t. Everything else is plain wasm.h. */
#ifndef WASMRT_EXAMPLE_H
#define WASMRT_EXAMPLE_H

#include <stdio.h>
#include <stdlib.h>
#include <wasm.h>

/* Compiles NAME.wasm from the working directory; exits on failure. */
static inline wasm_module_t *example_load(wasm_store_t *store, const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "cannot open %s\n", path);
    exit(1);
  }
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  wasm_byte_vec_t binary;
  wasm_byte_vec_new_uninitialized(&binary, (size_t)size);
  if (fread(binary.data, 1, (size_t)size, f) != (size_t)size) {
    fprintf(stderr, "cannot read %s\n", path);
    exit(1);
  }
  fclose(f);
  wasm_module_t *module = wasm_module_new(store, &binary);
  wasm_byte_vec_delete(&binary);
  if (!module) {
    fprintf(stderr, "%s is not a valid module\n", path);
    exit(1);
  }
  return module;
}

/* Prints a trap's message and frees it; returns 1 so callers can
   `return example_report(trap);`. */
static inline int example_report(wasm_trap_t *trap) {
  wasm_message_t message;
  wasm_trap_message(trap, &message);
  fprintf(stderr, "trap: %s\n", message.data);
  wasm_byte_vec_delete(&message);
  wasm_trap_delete(trap);
  return 1;
}

#endif
