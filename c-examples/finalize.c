/* finalize.c: host info with finalizers on many objects. Each finalizer
 * runs exactly once: when the info is replaced, or when the store that
 * owns the object is deleted — not when a handle is deleted. */
#include "example.h"

#define INSTANCES 200

static int finalized = 0;

static void release(void *data) {
  finalized++;
  free(data);
}

int main(void) {
  wasm_engine_t *engine = wasm_engine_new();
  wasm_store_t *store = wasm_store_new(engine);
  wasm_module_t *module = example_load(store, "finalize.wasm");
  wasm_extern_vec_t none = WASM_EMPTY_VEC;

  for (int i = 0; i < INSTANCES; i++) {
    wasm_trap_t *trap = NULL;
    wasm_instance_t *instance = wasm_instance_new(store, module, &none, &trap);
    if (!instance) return trap ? example_report(trap) : 1;
    int *tag = (int *)malloc(sizeof *tag);
    *tag = i;
    wasm_instance_set_host_info_with_finalizer(instance, tag, release);
    /* Every other instance also tags its memory. */
    if (i % 2 == 0) {
      wasm_extern_vec_t exports;
      wasm_instance_exports(instance, &exports);
      wasm_memory_t *memory = wasm_extern_as_memory(exports.data[0]);
      wasm_memory_set_host_info_with_finalizer(memory, malloc(16), release);
      wasm_extern_vec_delete(&exports);
    }
    wasm_instance_delete(instance); /* the handle goes; the instance lives on */
  }
  printf("after deleting all handles: %d finalizers ran\n", finalized);
  int early = finalized;
  wasm_module_delete(module);
  wasm_store_delete(store);
  printf("after deleting the store: %d finalizers ran\n", finalized);
  wasm_engine_delete(engine);
  return early == 0 && finalized == INSTANCES + INSTANCES / 2 ? 0 : 1;
}
