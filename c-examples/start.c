/* start.c: a module's start function runs inside wasm_instance_new, before
 * the instance is returned; it can call imports. */
#include "example.h"

static int started_with = -1;

static wasm_trap_t *started(const wasm_val_vec_t *args, wasm_val_vec_t *results) {
  (void)results;
  started_with = args->data[0].of.i32;
  return NULL;
}

int main(void) {
  wasm_engine_t *engine = wasm_engine_new();
  wasm_store_t *store = wasm_store_new(engine);
  wasm_module_t *module = example_load(store, "start.wasm");
  wasm_functype_t *type = wasm_functype_new_1_0(wasm_valtype_new_i32());
  wasm_func_t *host = wasm_func_new(store, type, started);
  wasm_functype_delete(type);
  wasm_extern_t *items[] = {wasm_func_as_extern(host)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(items);

  wasm_trap_t *trap = NULL;
  wasm_instance_t *instance = wasm_instance_new(store, module, &imports, &trap);
  if (!instance) return trap ? example_report(trap) : 1;
  printf("start function called the host with %d\n", started_with);

  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_val_t ready;
  wasm_global_get(wasm_extern_as_global(exports.data[0]), &ready);
  printf("ready = %d\n", ready.of.i32);

  int ok = started_with == 7 && ready.of.i32 == 1;
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(host);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return ok ? 0 : 1;
}
