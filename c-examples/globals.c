/* globals.c: sharing globals between the host and wasm.
 *
 * The host creates a mutable global and passes it as an import; wasm reads
 * it. wasm exports its own counter, which the host reads and resets. */
#include "example.h"

int main(void) {
  wasm_engine_t *engine = wasm_engine_new();
  wasm_store_t *store = wasm_store_new(engine);
  wasm_module_t *module = example_load(store, "globals.wasm");

  wasm_globaltype_t *type = wasm_globaltype_new(wasm_valtype_new_i32(), WASM_VAR);
  wasm_val_t three = WASM_I32_VAL(3);
  wasm_global_t *limit = wasm_global_new(store, type, &three);
  wasm_globaltype_delete(type);

  wasm_extern_t *items[] = {wasm_global_as_extern(limit)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(items);
  wasm_instance_t *instance = wasm_instance_new(store, module, &imports, NULL);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_global_t *hits = wasm_extern_as_global(exports.data[0]);
  const wasm_func_t *hit = wasm_extern_as_func(exports.data[1]);

  wasm_val_t result[1] = {WASM_INIT_VAL};
  wasm_val_vec_t none = WASM_EMPTY_VEC, resv = WASM_ARRAY_VEC(result);
  int allowed = 0;
  for (int i = 0; i < 5; i++) {
    wasm_trap_t *trap = wasm_func_call(hit, &none, &resv);
    if (trap) return example_report(trap);
    allowed += result[0].of.i32;
  }
  wasm_val_t count;
  wasm_global_get(hits, &count);
  printf("5 hits, %d under the limit; wasm counted %d\n", allowed, count.of.i32);

  /* Raise the limit from the host: wasm sees the new value. */
  wasm_val_t ten = WASM_I32_VAL(10), zero = WASM_I32_VAL(0);
  wasm_global_set(limit, &ten);
  wasm_global_set(hits, &zero);
  wasm_trap_t *trap = wasm_func_call(hit, &none, &resv);
  if (trap) return example_report(trap);
  printf("after raising the limit: under = %d\n", result[0].of.i32);

  int ok = allowed == 2 && count.of.i32 == 5 && result[0].of.i32 == 1;
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_global_delete(limit);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return ok ? 0 : 1;
}
