/* memory.c: reading and writing linear memory from the host, growing it,
 * and out-of-bounds accesses trapping instead of crashing. */
#include "example.h"

int main(void) {
  wasm_engine_t *engine = wasm_engine_new();
  wasm_store_t *store = wasm_store_new(engine);
  wasm_module_t *module = example_load(store, "memory.wasm");
  wasm_extern_vec_t none = WASM_EMPTY_VEC;
  wasm_instance_t *instance = wasm_instance_new(store, module, &none, NULL);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_memory_t *memory = wasm_extern_as_memory(exports.data[0]);
  const wasm_func_t *sum = wasm_extern_as_func(exports.data[1]);
  const wasm_func_t *grow = wasm_extern_as_func(exports.data[2]);

  /* The host writes straight into wasm's memory... */
  byte_t *data = wasm_memory_data(memory);
  for (int i = 0; i < 100; i++) data[1000 + i] = (byte_t)i;
  /* ...and wasm reads it. */
  wasm_val_t args[2] = {WASM_I32_VAL(1000), WASM_I32_VAL(100)};
  wasm_val_t result[1] = {WASM_INIT_VAL};
  wasm_val_vec_t argv = WASM_ARRAY_VEC(args), resv = WASM_ARRAY_VEC(result);
  wasm_trap_t *trap = wasm_func_call(sum, &argv, &resv);
  if (trap) return example_report(trap);
  int total = result[0].of.i32;
  printf("sum of 0..99 computed in wasm: %d\n", total);

  /* Growing from wasm and from the host; the data pointer stays valid. */
  wasm_val_t one[1] = {WASM_I32_VAL(1)};
  wasm_val_vec_t onev = WASM_ARRAY_VEC(one);
  trap = wasm_func_call(grow, &onev, &resv);
  if (trap) return example_report(trap);
  int old_pages = result[0].of.i32;
  int host_grew = wasm_memory_grow(memory, 2);
  int too_far = wasm_memory_grow(memory, 1); /* max is 4 pages */
  printf("pages: %u (grew from %d), host grow ok: %d, beyond max refused: %d\n",
         wasm_memory_size(memory), old_pages, host_grew, !too_far);

  /* Reading past the end traps with a message. */
  wasm_val_t oob[2] = {WASM_I32_VAL(4 * 65536 - 10), WASM_I32_VAL(20)};
  wasm_val_vec_t oobv = WASM_ARRAY_VEC(oob);
  trap = wasm_func_call(sum, &oobv, &resv);
  int trapped = trap != NULL;
  if (trap) {
    wasm_message_t message;
    wasm_trap_message(trap, &message);
    printf("out of bounds: %s\n", message.data);
    wasm_byte_vec_delete(&message);
    wasm_trap_delete(trap);
  }

  int ok = total == 4950 && wasm_memory_size(memory) == 4 && wasm_memory_data(memory) == data &&
           old_pages == 1 && host_grew && !too_far && trapped;
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return ok ? 0 : 1;
}
