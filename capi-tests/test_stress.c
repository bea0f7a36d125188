/* Stress: one engine and one module shared (wasm_module_share) with 16
 * threads; each thread creates hundreds of stores, obtains the module in
 * each, instantiates it with a host import, calls it twice, checks both
 * results and deletes everything. Run under valgrind by the test runner
 * (WASMRT_VALGRIND=1 and scripts/test.sh's release pass), which also
 * finds leaks. */
#include <pthread.h>
#include "check.h"

#define THREADS 16
#define INSTANCES_PER_THREAD 200

static wasm_engine_t *engine;
static wasm_shared_module_t *shared;

static wasm_trap_t *add(const wasm_val_vec_t *args, wasm_val_vec_t *results) {
  results->data[0] = (wasm_val_t)WASM_I32_VAL(args->data[0].of.i32 + args->data[1].of.i32);
  return NULL;
}

/* What stress.wat's work(k) returns when memory byte 0 held `before` and
   this is call number `calls` of the instance. */
static int32_t expected(int32_t k, int32_t before, int32_t calls) {
  int32_t f = (k & 1) ? k * k : k * 2;
  return f + before * 1000 + calls;
}

static int32_t call_work(wasm_func_t *work, int32_t k, int *trapped) {
  wasm_val_t arg = WASM_I32_VAL(k), res = WASM_INIT_VAL;
  wasm_val_vec_t args = {1, &arg}, results = {1, &res};
  wasm_trap_t *trap = wasm_func_call(work, &args, &results);
  if (trap) {
    *trapped = 1;
    wasm_trap_delete(trap);
  }
  return res.of.i32;
}

/* Returns the number of wrong results or failures of one thread. */
static void *worker(void *arg) {
  intptr_t id = (intptr_t)arg;
  intptr_t failures = 0;
  wasm_valtype_t *p[2] = {wasm_valtype_new_i32(), wasm_valtype_new_i32()};
  wasm_valtype_t *r[1] = {wasm_valtype_new_i32()};
  wasm_valtype_vec_t params, results;
  wasm_valtype_vec_new(&params, 2, p);
  wasm_valtype_vec_new(&results, 1, r);
  wasm_functype_t *add_type = wasm_functype_new(&params, &results);
  for (int i = 0; i < INSTANCES_PER_THREAD; i++) {
    int32_t k = (int32_t)(id * INSTANCES_PER_THREAD + i);
    wasm_store_t *store = wasm_store_new(engine);
    wasm_module_t *module = wasm_module_obtain(store, shared);
    wasm_func_t *add_func = wasm_func_new(store, add_type, add);
    wasm_extern_t *items[1] = {wasm_func_as_extern(add_func)};
    wasm_extern_vec_t imports = WASM_ARRAY_VEC(items);
    wasm_trap_t *trap = NULL;
    wasm_instance_t *instance = module ? wasm_instance_new(store, module, &imports, &trap) : NULL;
    if (!instance) {
      failures++;
      if (trap) wasm_trap_delete(trap);
    } else {
      wasm_extern_vec_t exports;
      wasm_instance_exports(instance, &exports);
      wasm_func_t *work = wasm_extern_as_func(exports.data[0]);
      int trapped = 0;
      if (call_work(work, k, &trapped) != expected(k, 'w', 1)) failures++;
      if (call_work(work, k + 1, &trapped) != expected(k + 1, k & 0xff, 2)) failures++;
      failures += trapped;
      wasm_extern_vec_delete(&exports);
      wasm_instance_delete(instance);
    }
    wasm_func_delete(add_func);
    if (module) wasm_module_delete(module);
    wasm_store_delete(store);
  }
  wasm_functype_delete(add_type);
  return (void *)failures;
}

int main(void) {
  engine = wasm_engine_new();
  wasm_store_t *store = wasm_store_new(engine);
  wasm_module_t *module = load_module(store, "stress");
  shared = wasm_module_share(module);
  CHECK(shared != NULL);
  pthread_t threads[THREADS];
  for (intptr_t t = 0; t < THREADS; t++)
    CHECK(pthread_create(&threads[t], NULL, worker, (void *)t) == 0);
  intptr_t failures = 0;
  for (int t = 0; t < THREADS; t++) {
    void *result = NULL;
    CHECK(pthread_join(threads[t], &result) == 0);
    failures += (intptr_t)result;
  }
  if (failures) fprintf(stderr, "%ld wrong results or failures\n", (long)failures);
  CHECK(failures == 0);
  wasm_shared_module_delete(shared);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return check_done("test_stress");
}
