/* hello.c: load a module, give it a host function, call an export.
 *
 * The walk every embedding makes: engine -> store -> module -> instance ->
 * exported function -> call. Built and run by ./scripts/run-example.sh. */
#include <stdio.h>
#include <stdlib.h>
#include <wasm.h>

/* The host function the module imports as "host" "hello". */
static wasm_trap_t *hello_callback(const wasm_val_vec_t *args, wasm_val_vec_t *results) {
  (void)args;
  (void)results;
  printf("Hello from the host, called by WebAssembly!\n");
  return NULL; /* NULL: no trap */
}

/* Reads a whole file into a byte vector the caller must delete. */
static int read_file(const char *path, wasm_byte_vec_t *out) {
  FILE *f = fopen(path, "rb");
  if (!f) return 0;
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  wasm_byte_vec_new_uninitialized(out, (size_t)size);
  size_t got = fread(out->data, 1, (size_t)size, f);
  fclose(f);
  return got == (size_t)size;
}

int main(void) {
  wasm_engine_t *engine = wasm_engine_new();
  wasm_store_t *store = wasm_store_new(engine);

  wasm_byte_vec_t binary;
  if (!read_file("hello.wasm", &binary)) {
    fprintf(stderr, "cannot read hello.wasm\n");
    return 1;
  }
  wasm_module_t *module = wasm_module_new(store, &binary);
  wasm_byte_vec_delete(&binary);
  if (!module) {
    fprintf(stderr, "cannot compile the module\n");
    return 1;
  }

  /* A host function of type [] -> []. */
  wasm_functype_t *hello_type = wasm_functype_new_0_0();
  wasm_func_t *hello = wasm_func_new(store, hello_type, hello_callback);
  wasm_functype_delete(hello_type);

  /* Imports are given in the order the module declares them. */
  wasm_extern_t *externs[] = {wasm_func_as_extern(hello)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(externs);
  wasm_trap_t *trap = NULL;
  wasm_instance_t *instance = wasm_instance_new(store, module, &imports, &trap);
  if (!instance) {
    fprintf(stderr, "cannot instantiate the module\n");
    return 1;
  }

  /* Export 0 is "run". */
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  const wasm_func_t *run = wasm_extern_as_func(exports.data[0]);
  wasm_val_vec_t no_args = WASM_EMPTY_VEC, no_results = WASM_EMPTY_VEC;
  trap = wasm_func_call(run, &no_args, &no_results);
  if (trap) {
    wasm_message_t message;
    wasm_trap_message(trap, &message);
    fprintf(stderr, "trap: %s\n", message.data);
    wasm_byte_vec_delete(&message);
    wasm_trap_delete(trap);
    return 1;
  }

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(hello);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return 0;
}
