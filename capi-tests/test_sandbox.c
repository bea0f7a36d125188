/* wasmrt.h: the sandbox controls. Fuel (set, add, read; a trap with
 * WASMRT_TRAP_OUT_OF_FUEL; the same fuel stops the loop at the same count
 * in every strategy, which the test runner checks by running this program
 * in each), epoch interruption from another thread, and store limits. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <time.h>
#include <wasmrt.h>
#include "check.h"

/* Export indices of sandbox.wat. */
enum { MEMORY, TABLE, COUNT, RUN, SPIN, SPIN_CALLS, GROW, GROW_TABLE };

typedef struct {
  wasm_store_t *store;
  wasm_instance_t *instance;
  wasm_extern_vec_t exports;
} inst_t;

static int inst_new(wasm_engine_t *engine, wasm_module_t **module, inst_t *out,
                    wasm_trap_t **trap) {
  out->store = wasm_store_new(engine);
  if (!*module) *module = load_module(out->store, "sandbox");
  wasm_extern_vec_t none = WASM_EMPTY_VEC;
  out->instance = wasm_instance_new(out->store, *module, &none, trap);
  if (!out->instance) return 0;
  wasm_instance_exports(out->instance, &out->exports);
  return 1;
}

static void inst_delete(inst_t *i) {
  wasm_extern_vec_delete(&i->exports);
  wasm_instance_delete(i->instance);
}

static wasm_trap_t *call(inst_t *i, int which, int32_t arg, int32_t *result) {
  wasm_val_t args[1] = {WASM_I32_VAL(arg)};
  wasm_val_t res = WASM_INIT_VAL;
  int has_arg = which == RUN || which == GROW || which == GROW_TABLE;
  int has_result = which == GROW || which == GROW_TABLE;
  wasm_val_vec_t argv = {(size_t)has_arg, args};
  wasm_val_vec_t resv = {(size_t)has_result, &res};
  wasm_trap_t *t = wasm_func_call(wasm_extern_as_func(i->exports.data[which]), &argv, &resv);
  if (result) *result = res.of.i32;
  return t;
}

static int32_t count(inst_t *i) {
  wasm_val_t v;
  wasm_global_get(wasm_extern_as_global(i->exports.data[COUNT]), &v);
  return v.of.i32;
}

/* Whether `trap` is non-null with `want` as its code; deletes it. */
static int trapped_with(wasm_trap_t *trap, wasmrt_trap_code_t want) {
  if (!trap) return 0;
  wasmrt_trap_code_t code;
  int ok = wasmrt_trap_code(trap, &code) && code == want;
  wasm_trap_delete(trap);
  return ok;
}

static int error_says(wasmrt_error_t *e, const char *want) {
  if (!e) return 0;
  wasm_byte_vec_t message;
  wasmrt_error_message(e, &message);
  char text[512];
  snprintf(text, sizeof text, "%.*s", (int)message.size, message.data);
  int ok = strstr(text, want) != NULL;
  if (!ok) fprintf(stderr, "error: %s\n", text);
  wasm_byte_vec_delete(&message);
  wasmrt_error_delete(e);
  return ok;
}

static void test_fuel(void) {
  wasm_config_t *config = wasm_config_new();
  wasmrt_config_consume_fuel_set(config, true);
  wasm_engine_t *engine = wasm_engine_new_with_config(config);
  wasm_module_t *module = NULL;
  inst_t i;
  wasm_trap_t *trap = NULL;
  CHECK(inst_new(engine, &module, &i, &trap));

  uint64_t fuel = 1;
  CHECK(wasmrt_store_get_fuel(i.store, &fuel) == NULL && fuel == 0);
  /* Without fuel nothing runs. */
  CHECK(trapped_with(call(&i, RUN, 10, NULL), WASMRT_TRAP_OUT_OF_FUEL));
  CHECK(count(&i) == 0);

  /* The loop stops at the same point in every strategy: each iteration
     costs 12 (every operator of the loop body; block and loop are free),
     so 100 fuel runs 8 iterations and leaves 4. */
  CHECK(wasmrt_store_set_fuel(i.store, 100) == NULL);
  trap = call(&i, RUN, 1000, NULL);
  CHECK(trap != NULL && trap_says(trap, "fuel"));
  CHECK(trapped_with(trap, WASMRT_TRAP_OUT_OF_FUEL));
  CHECK(count(&i) == 8);
  CHECK(wasmrt_store_get_fuel(i.store, &fuel) == NULL && fuel == 4);

  uint64_t total = 0;
  CHECK(wasmrt_store_add_fuel(i.store, 1000000, &total) == NULL && total == fuel + 1000000);
  CHECK(call(&i, RUN, 10, NULL) == NULL);
  CHECK(count(&i) == 18);
  /* 11 passes through the loop head: 10 iterations and the one whose
     br_if leaves. Fuel is charged per straight-line segment when it
     starts, so that last pass costs the whole body (12) too. */
  CHECK(wasmrt_store_get_fuel(i.store, &fuel) == NULL && fuel == total - 132);

  /* Endless loops, with and without calls, run out. */
  CHECK(wasmrt_store_set_fuel(i.store, 100000) == NULL);
  CHECK(trapped_with(call(&i, SPIN, 0, NULL), WASMRT_TRAP_OUT_OF_FUEL));
  CHECK(wasmrt_store_set_fuel(i.store, 100000) == NULL);
  CHECK(trapped_with(call(&i, SPIN_CALLS, 0, NULL), WASMRT_TRAP_OUT_OF_FUEL));

  /* Misuse is an error, not a crash. */
  CHECK(error_says(wasmrt_store_get_fuel(i.store, NULL), "null"));
  CHECK(error_says(wasmrt_store_set_fuel(NULL, 1), "null"));
  inst_delete(&i);
  wasm_store_t *s = i.store;
  wasm_module_delete(module);
  wasm_store_delete(s);
  wasm_engine_delete(engine);

  /* An engine that does not consume fuel says so. */
  engine = wasm_engine_new();
  s = wasm_store_new(engine);
  CHECK(error_says(wasmrt_store_set_fuel(s, 10), "fuel"));
  CHECK(error_says(wasmrt_store_get_fuel(s, &fuel), "fuel"));
  wasm_store_delete(s);
  wasm_engine_delete(engine);
}

typedef struct {
  wasm_engine_t *engine;
  struct timespec fired;
} ticker_t;

static void *tick_later(void *arg) {
  ticker_t *t = (ticker_t *)arg;
  struct timespec wait = {0, 50 * 1000 * 1000};
  nanosleep(&wait, NULL);
  clock_gettime(CLOCK_MONOTONIC, &t->fired);
  wasmrt_engine_increment_epoch(t->engine);
  return NULL;
}

static double ms_since(struct timespec a) {
  struct timespec b;
  clock_gettime(CLOCK_MONOTONIC, &b);
  return (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
}

static void test_epoch(void) {
  wasm_config_t *config = wasm_config_new();
  wasmrt_config_epoch_interruption_set(config, true);
  wasm_engine_t *engine = wasm_engine_new_with_config(config);
  wasm_module_t *module = NULL;
  inst_t i;
  wasm_trap_t *trap = NULL;
  CHECK(inst_new(engine, &module, &i, &trap));

  /* No deadline: epochs pass without effect. */
  wasmrt_engine_increment_epoch(engine);
  CHECK(call(&i, RUN, 100, NULL) == NULL);

  int which[2] = {SPIN, SPIN_CALLS};
  for (int k = 0; k < 2; k++) {
    wasmrt_store_set_epoch_deadline(i.store, 1);
    ticker_t t = {engine, {0, 0}};
    pthread_t thread;
    CHECK(pthread_create(&thread, NULL, tick_later, &t) == 0);
    trap = call(&i, which[k], 0, NULL);
    double late = ms_since(t.fired);
    pthread_join(thread, NULL);
    CHECK(trap != NULL && trap_says(trap, "interrupt"));
    CHECK(trapped_with(trap, WASMRT_TRAP_INTERRUPT));
    /* 10 ms is the goal (tests/metering.rs measures it without valgrind);
       this bound only catches a check that never fires in time. */
    if (late > 2000) fprintf(stderr, "interrupted %.1f ms late\n", late);
    CHECK(late < 2000);
  }

  /* A deadline already reached traps before any work. */
  int32_t before = count(&i);
  wasmrt_store_set_epoch_deadline(i.store, 0);
  CHECK(trapped_with(call(&i, RUN, 5, NULL), WASMRT_TRAP_INTERRUPT));
  CHECK(count(&i) == before);
  wasmrt_store_set_epoch_deadline(i.store, 10);
  CHECK(call(&i, RUN, 5, NULL) == NULL && count(&i) == before + 5);

  inst_delete(&i);
  wasm_module_delete(module);
  wasm_store_delete(i.store);
  wasm_engine_delete(engine);
}

static void test_limits(void) {
  wasm_engine_t *engine = wasm_engine_new();
  wasm_module_t *module = NULL;
  inst_t i;
  wasm_trap_t *trap = NULL;
  CHECK(inst_new(engine, &module, &i, &trap));
  wasmrt_store_limiter(i.store, 4 * 65536, 10, -1, -1, -1);
  int32_t r;
  CHECK(call(&i, GROW, 2, &r) == NULL && r == 1);
  CHECK(call(&i, GROW, 2, &r) == NULL && r == -1);
  CHECK(call(&i, GROW, 1, &r) == NULL && r == 3);
  CHECK(call(&i, GROW, 0, &r) == NULL && r == 4);
  CHECK(call(&i, GROW_TABLE, 9, &r) == NULL && r == 1);
  CHECK(call(&i, GROW_TABLE, 1, &r) == NULL && r == -1);
  /* The host's growth is held to the same limits. */
  CHECK(!wasm_memory_grow(wasm_extern_as_memory(i.exports.data[MEMORY]), 1));
  CHECK(!wasm_table_grow(wasm_extern_as_table(i.exports.data[TABLE]), 1, NULL));
  CHECK(wasm_memory_size(wasm_extern_as_memory(i.exports.data[MEMORY])) == 4);
  inst_delete(&i);

  /* Instances, memories and tables: the third instantiation fails and
     its message names the limit. */
  const char *names[3] = {"instances (limit 2)", "memories (limit 2)", "tables (limit 2)"};
  for (int k = 0; k < 3; k++) {
    wasm_store_t *s = wasm_store_new(engine);
    wasmrt_store_limiter(s, -1, -1, k == 0 ? 2 : -1, k == 2 ? 2 : -1, k == 1 ? 2 : -1);
    wasm_extern_vec_t none = WASM_EMPTY_VEC;
    wasm_instance_t *a = wasm_instance_new(s, module, &none, NULL);
    wasm_instance_t *b = wasm_instance_new(s, module, &none, NULL);
    CHECK(a && b);
    trap = NULL;
    wasm_instance_t *c = wasm_instance_new(s, module, &none, &trap);
    CHECK(c == NULL && trap != NULL && trap_says(trap, names[k]));
    if (trap) wasm_trap_delete(trap);
    if (c) wasm_instance_delete(c);
    wasm_instance_delete(a);
    wasm_instance_delete(b);
    wasm_store_delete(s);
  }
  wasm_module_delete(module);
  wasm_store_delete(i.store); /* the store the module was compiled in */
  wasm_engine_delete(engine);
}

int main(void) {
  test_fuel();
  test_epoch();
  test_limits();
  /* Null arguments are ignored or refused, never a crash. */
  wasmrt_store_limiter(NULL, 1, 1, 1, 1, 1);
  wasmrt_store_set_epoch_deadline(NULL, 1);
  wasmrt_engine_increment_epoch(NULL);
  wasmrt_config_consume_fuel_set(NULL, true);
  wasmrt_trap_code_t code;
  CHECK(!wasmrt_trap_code(NULL, &code));
  return check_done("test_sandbox");
}
