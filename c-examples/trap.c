/* trap.c: a trap deep in wasm comes back as a wasm_trap_t with a message
 * and a backtrace: one frame per active wasm function, innermost first,
 * each with its function index and byte offsets. */
#include "example.h"

int main(void) {
  wasm_engine_t *engine = wasm_engine_new();
  wasm_store_t *store = wasm_store_new(engine);
  wasm_module_t *module = example_load(store, "trap.wasm");
  wasm_extern_vec_t none = WASM_EMPTY_VEC;
  wasm_instance_t *instance = wasm_instance_new(store, module, &none, NULL);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);

  wasm_val_t args[1] = {WASM_I32_VAL(0)};
  wasm_val_t result[1] = {WASM_INIT_VAL};
  wasm_val_vec_t argv = WASM_ARRAY_VEC(args), resv = WASM_ARRAY_VEC(result);
  wasm_trap_t *trap = wasm_func_call(wasm_extern_as_func(exports.data[0]), &argv, &resv);
  if (!trap) return 1;

  wasm_message_t message;
  wasm_trap_message(trap, &message);
  printf("trap: %s\n", message.data);
  wasm_frame_vec_t trace;
  wasm_trap_trace(trap, &trace);
  for (size_t i = 0; i < trace.size; i++) {
    wasm_frame_t *f = trace.data[i];
    printf("  #%zu func %u, offset %zu in the function, %zu in the module\n", i,
           wasm_frame_func_index(f), wasm_frame_func_offset(f), wasm_frame_module_offset(f));
  }
  wasm_frame_t *origin = wasm_trap_origin(trap);
  int ok = trace.size == 3 && origin && wasm_frame_func_index(origin) == 0 &&
           wasm_frame_func_index(trace.data[2]) == 2;

  wasm_frame_delete(origin);
  wasm_frame_vec_delete(&trace);
  wasm_byte_vec_delete(&message);
  wasm_trap_delete(trap);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return ok ? 0 : 1;
}
