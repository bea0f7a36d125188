/* serialize.c: saving a compiled module and loading it again, e.g. into a
 * cache. Only the same wasmrt version loads the bytes back, and damaged
 * bytes are refused, never executed. */
#include "example.h"

int main(void) {
  wasm_engine_t *engine = wasm_engine_new();
  wasm_store_t *store = wasm_store_new(engine);
  wasm_module_t *module = example_load(store, "serialize.wasm");

  wasm_byte_vec_t saved;
  wasm_module_serialize(module, &saved);
  wasm_module_delete(module);
  printf("serialized module: %zu bytes\n", saved.size);

  wasm_module_t *loaded = wasm_module_deserialize(store, &saved);
  if (!loaded) return 1;
  wasm_extern_vec_t none = WASM_EMPTY_VEC;
  wasm_instance_t *instance = wasm_instance_new(store, loaded, &none, NULL);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_val_t result[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_EMPTY_VEC, resv = WASM_ARRAY_VEC(result);
  wasm_trap_t *trap = wasm_func_call(wasm_extern_as_func(exports.data[0]), &args, &resv);
  if (trap) return example_report(trap);
  printf("answer() from the reloaded module = %d\n", result[0].of.i32);

  /* Flip one byte: the module is rejected. */
  saved.data[saved.size / 2] ^= 1;
  wasm_module_t *damaged = wasm_module_deserialize(store, &saved);
  printf("damaged bytes %s\n", damaged ? "were accepted (wrong!)" : "were rejected");

  int ok = result[0].of.i32 == 42 && damaged == NULL;
  wasm_byte_vec_delete(&saved);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(loaded);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return ok ? 0 : 1;
}
