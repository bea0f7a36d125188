/* wasmrt.h: the pooling allocator. Memories come from a fixed number of
 * slots; a freed slot is reset (to the module's data) and reused; one
 * memory more than the pool holds fails to instantiate with a clear
 * message; growth stops at the pool's max_memory_size. */
#include <wasmrt.h>
#include "check.h"

enum { GET, SET, GROW };

typedef struct {
  wasm_store_t *store;
  wasm_instance_t *instance;
  wasm_extern_vec_t exports;
} inst_t;

/* Instantiates `shared` in a new store; on failure returns 0 and leaves
   the trap's message check to the caller through `trap_out`. */
static int inst_new(wasm_engine_t *engine, wasm_shared_module_t *shared, inst_t *out,
                    wasm_trap_t **trap_out) {
  out->store = wasm_store_new(engine);
  wasm_module_t *m = wasm_module_obtain(out->store, shared);
  wasm_extern_vec_t none = WASM_EMPTY_VEC;
  out->instance = wasm_instance_new(out->store, m, &none, trap_out);
  wasm_module_delete(m);
  if (!out->instance) {
    wasm_store_delete(out->store);
    return 0;
  }
  wasm_instance_exports(out->instance, &out->exports);
  return 1;
}

static void inst_delete(inst_t *i) {
  wasm_extern_vec_delete(&i->exports);
  wasm_instance_delete(i->instance);
  wasm_store_delete(i->store);
}

/* exports: memory, get, set, grow */
static int32_t call(inst_t *i, int which, int32_t a, int32_t b) {
  wasm_val_t args[2] = {WASM_I32_VAL(a), WASM_I32_VAL(b)};
  wasm_val_t res = WASM_INIT_VAL;
  wasm_val_vec_t argv = {(size_t)(which == SET ? 2 : 1), args};
  wasm_val_vec_t resv = {(size_t)(which == SET ? 0 : 1), &res};
  wasm_trap_t *t = wasm_func_call(wasm_extern_as_func(i->exports.data[1 + which]), &argv, &resv);
  CHECK(t == NULL);
  if (t) wasm_trap_delete(t);
  return which == SET ? 0 : res.of.i32;
}

int main(void) {
  wasm_config_t *config = wasm_config_new();
  wasmrt_pooling_config_t pool = {.total_memories = 2, .max_memory_size = 4 * 65536};
  wasmrt_config_pooling_allocator_set(config, &pool);
  wasm_engine_t *engine = wasm_engine_new_with_config(config);
  wasm_store_t *store = wasm_store_new(engine);
  wasm_module_t *module = load_module(store, "pooled");
  wasm_shared_module_t *shared = wasm_module_share(module);

  inst_t a, b, c;
  wasm_trap_t *trap = NULL;
  CHECK(inst_new(engine, shared, &a, &trap) && trap == NULL);
  CHECK(call(&a, GET, 4096, 0) == '0' && call(&a, GET, 4099, 0) == '3');
  CHECK(call(&a, GET, 4100, 0) == 'A' && call(&a, GET, 4104, 0) == '8');
  CHECK(call(&a, GET, 4096 + 19999, 0) == '9' && call(&a, GET, 4096 + 20000, 0) == 0);
  call(&a, SET, 4096, 'X');
  call(&a, SET, 100000, 7);
  CHECK(call(&a, GROW, 1, 0) == 2);

  /* A second instance does not see the first one's writes. */
  CHECK(inst_new(engine, shared, &b, &trap) && trap == NULL);
  CHECK(call(&b, GET, 4096, 0) == '0' && call(&b, GET, 100000, 0) == 0);

  /* Both slots in use: the next instantiation fails with a clear message. */
  CHECK(!inst_new(engine, shared, &c, &trap));
  CHECK(trap != NULL && trap_says(trap, "pooling allocator exhausted"));
  if (trap) wasm_trap_delete(trap);
  trap = NULL;

  /* Freeing a store frees its slot; the reused slot is back to the data. */
  inst_delete(&a);
  CHECK(inst_new(engine, shared, &c, &trap) && trap == NULL);
  CHECK(call(&c, GET, 4096, 0) == '0' && call(&c, GET, 100000, 0) == 0);
  wasm_memory_t *mem = wasm_extern_as_memory(c.exports.data[0]);
  CHECK(wasm_memory_size(mem) == 2);
  /* Growth stops at max_memory_size (4 pages). */
  CHECK(call(&c, GROW, 2, 0) == 2);
  CHECK(call(&c, GROW, 1, 0) == -1);
  CHECK(wasm_memory_size(mem) == 4);
  call(&c, SET, 4 * 65536 - 1, 5);
  CHECK(call(&c, GET, 4 * 65536 - 1, 0) == 5);
  inst_delete(&b);
  inst_delete(&c);

  wasm_shared_module_delete(shared);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);

  /* A memory larger than a slot is refused; NULL turns pooling off. */
  config = wasm_config_new();
  wasmrt_pooling_config_t small = {.total_memories = 1, .max_memory_size = 65536};
  wasmrt_config_pooling_allocator_set(config, &small);
  engine = wasm_engine_new_with_config(config);
  store = wasm_store_new(engine);
  module = load_module(store, "pooled");
  shared = wasm_module_share(module);
  CHECK(!inst_new(engine, shared, &a, &trap));
  CHECK(trap != NULL && trap_says(trap, "max_memory_size"));
  if (trap) wasm_trap_delete(trap);
  trap = NULL;
  wasm_shared_module_delete(shared);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);

  config = wasm_config_new();
  wasmrt_config_pooling_allocator_set(config, &small);
  wasmrt_config_pooling_allocator_set(config, NULL);
  engine = wasm_engine_new_with_config(config);
  store = wasm_store_new(engine);
  module = load_module(store, "pooled");
  shared = wasm_module_share(module);
  CHECK(inst_new(engine, shared, &a, &trap) && trap == NULL);
  CHECK(inst_new(engine, shared, &b, &trap) && trap == NULL);
  CHECK(call(&b, GET, 4100, 0) == 'A');
  inst_delete(&a);
  inst_delete(&b);
  wasm_shared_module_delete(shared);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return check_failures != 0;
}
