/* callback.c: a host function with an environment, and its finalizer.
 *
 * wasm_func_new_with_env gives the callback a pointer of our choosing on
 * every call; the finalizer runs once when the store is deleted, so the
 * environment can be freed there. */
#include "example.h"

struct counter {
  int calls;
  int total;
};

static wasm_trap_t *count(void *env, const wasm_val_vec_t *args, wasm_val_vec_t *results) {
  struct counter *c = (struct counter *)env;
  c->calls++;
  c->total += args->data[0].of.i32;
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = c->total;
  return NULL;
}

static void free_counter(void *env) {
  printf("finalizer: freeing the counter after %d calls\n", ((struct counter *)env)->calls);
  free(env);
}

int main(void) {
  wasm_engine_t *engine = wasm_engine_new();
  wasm_store_t *store = wasm_store_new(engine);
  wasm_module_t *module = example_load(store, "callback.wasm");

  struct counter *c = (struct counter *)calloc(1, sizeof *c);
  wasm_functype_t *type = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
  wasm_func_t *host = wasm_func_new_with_env(store, type, count, c, free_counter);
  wasm_functype_delete(type);

  wasm_extern_t *items[] = {wasm_func_as_extern(host)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(items);
  wasm_instance_t *instance = wasm_instance_new(store, module, &imports, NULL);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);

  wasm_val_t args[1] = {WASM_I32_VAL(10)};
  wasm_val_t results[1] = {WASM_INIT_VAL};
  wasm_val_vec_t argv = WASM_ARRAY_VEC(args), resv = WASM_ARRAY_VEC(results);
  wasm_trap_t *trap = wasm_func_call(wasm_extern_as_func(exports.data[0]), &argv, &resv);
  if (trap) return example_report(trap);
  printf("run(10) = %d after %d host calls\n", results[0].of.i32, c->calls);
  if (results[0].of.i32 != 55 || c->calls != 10) return 1;

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(host);
  wasm_module_delete(module);
  wasm_store_delete(store); /* runs free_counter */
  wasm_engine_delete(engine);
  return 0;
}
