/* threads.c: one compiled module used by several threads. A module is
 * shared with wasm_module_share; each thread has its own store and gets
 * the module back with wasm_module_obtain, without compiling it again. */
#include <pthread.h>
#include "example.h"

#define THREADS 4

static wasm_engine_t *engine;
static wasm_shared_module_t *shared;

struct job {
  int n;
  int result;
};

static void *worker(void *arg) {
  struct job *job = (struct job *)arg;
  wasm_store_t *store = wasm_store_new(engine);
  wasm_module_t *module = wasm_module_obtain(store, shared);
  wasm_extern_vec_t none = WASM_EMPTY_VEC;
  wasm_instance_t *instance = wasm_instance_new(store, module, &none, NULL);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_val_t args[1] = {WASM_I32_VAL(job->n)};
  wasm_val_t result[1] = {WASM_INIT_VAL};
  wasm_val_vec_t argv = WASM_ARRAY_VEC(args), resv = WASM_ARRAY_VEC(result);
  wasm_trap_t *trap = wasm_func_call(wasm_extern_as_func(exports.data[0]), &argv, &resv);
  job->result = trap ? -1 : result[0].of.i32;
  if (trap) wasm_trap_delete(trap);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  return NULL;
}

int main(void) {
  engine = wasm_engine_new();
  wasm_store_t *store = wasm_store_new(engine);
  wasm_module_t *module = example_load(store, "threads.wasm");
  shared = wasm_module_share(module);

  pthread_t threads[THREADS];
  struct job jobs[THREADS];
  for (int i = 0; i < THREADS; i++) {
    jobs[i].n = 1000 * (i + 1);
    pthread_create(&threads[i], NULL, worker, &jobs[i]);
  }
  int ok = 1;
  for (int i = 0; i < THREADS; i++) {
    pthread_join(threads[i], NULL);
    int n = jobs[i].n;
    printf("thread %d: triangle(%d) = %d\n", i, n, jobs[i].result);
    ok &= jobs[i].result == n * (n + 1) / 2;
  }
  wasm_shared_module_delete(shared);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return ok ? 0 : 1;
}
