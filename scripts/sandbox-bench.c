/* sandbox-bench: what the sandbox controls cost, over wasm.h + wasmrt.h.
 *
 *   sandbox-bench KERNEL.wasm N [--repeat R]
 *     runs the kernel's run(N) R times (after one warm-up call) in four
 *     engines: no checks, fuel, epoch interruption, both; prints one line
 *     per engine with the median run time in ms and the checksum.
 *   sandbox-bench --latency [--repeat R]
 *     runs an endless loop without calls, asks another thread to stop it
 *     (wasmrt_engine_increment_epoch) and prints the median and worst time
 *     from that request to the trap's return, in microseconds.
 *
 * The tier comes from WASMRT_STRATEGY. Kernels are those of
 * ../shared/bench (export run(i32) -> i32; env.host_inc is supplied). */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wasmrt.h>

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static void die(const char *what) {
  fprintf(stderr, "sandbox-bench: %s\n", what);
  exit(1);
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static wasm_trap_t *host_inc(const wasm_val_vec_t *args, wasm_val_vec_t *results) {
  results->data[0] = (wasm_val_t)WASM_I32_VAL(args->data[0].of.i32 + 1);
  return NULL;
}

static wasm_byte_vec_t read_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) die("cannot open the module");
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  wasm_byte_vec_t bytes;
  wasm_byte_vec_new_uninitialized(&bytes, (size_t)size);
  if (fread(bytes.data, 1, (size_t)size, f) != (size_t)size) die("cannot read the module");
  fclose(f);
  return bytes;
}

enum { PLAIN, FUEL, EPOCH, BOTH };
static const char *const MODE_NAMES[] = {"none", "fuel", "epoch", "fuel+epoch"};

/* Median ms of `repeat` calls of run(n) in an engine with `mode`'s checks. */
static double time_kernel(const wasm_byte_vec_t *bytes, int mode, int32_t n, int repeat,
                          int32_t *checksum) {
  wasm_config_t *config = wasm_config_new();
  wasmrt_config_consume_fuel_set(config, mode == FUEL || mode == BOTH);
  wasmrt_config_epoch_interruption_set(config, mode == EPOCH || mode == BOTH);
  wasm_engine_t *engine = wasm_engine_new_with_config(config);
  wasm_store_t *store = wasm_store_new(engine);
  if (mode == FUEL || mode == BOTH) wasmrt_store_set_fuel(store, UINT64_MAX / 2);
  if (mode == EPOCH || mode == BOTH) wasmrt_store_set_epoch_deadline(store, UINT64_MAX / 2);
  wasm_module_t *module = wasm_module_new(store, bytes);
  if (!module) die("the module does not compile");

  wasm_importtype_vec_t import_types;
  wasm_module_imports(module, &import_types);
  if (import_types.size > 1) die("only the import env.host_inc is supplied");
  wasm_valtype_t *i32p = wasm_valtype_new_i32(), *i32r = wasm_valtype_new_i32();
  wasm_valtype_vec_t params, results;
  wasm_valtype_vec_new(&params, 1, &i32p);
  wasm_valtype_vec_new(&results, 1, &i32r);
  wasm_functype_t *inc_type = wasm_functype_new(&params, &results);
  wasm_func_t *inc = wasm_func_new(store, inc_type, host_inc);
  wasm_extern_t *import_items[1] = {wasm_func_as_extern(inc)};
  wasm_extern_vec_t imports = {import_types.size, import_items};
  wasm_trap_t *trap = NULL;
  wasm_instance_t *instance = wasm_instance_new(store, module, &imports, &trap);
  if (!instance) die("the module does not instantiate");
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_exporttype_vec_t export_types;
  wasm_module_exports(module, &export_types);
  wasm_func_t *run = NULL;
  for (size_t i = 0; i < export_types.size; i++) {
    const wasm_name_t *name = wasm_exporttype_name(export_types.data[i]);
    if (name->size == 3 && memcmp(name->data, "run", 3) == 0)
      run = wasm_extern_as_func(exports.data[i]);
  }
  if (!run) die("the module exports no run(i32) -> i32");

  double *times = malloc(sizeof(double) * (size_t)repeat);
  for (int r = -1; r < repeat; r++) {
    wasm_val_t arg = WASM_I32_VAL(n), res = WASM_INIT_VAL;
    wasm_val_vec_t args = {1, &arg}, resv = {1, &res};
    double start = now_ms();
    if (wasm_func_call(run, &args, &resv)) die("run(n) trapped");
    if (r >= 0) times[r] = now_ms() - start;
    *checksum = res.of.i32;
  }
  qsort(times, (size_t)repeat, sizeof(double), cmp_double);
  double median = times[repeat / 2];
  free(times);
  wasm_exporttype_vec_delete(&export_types);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(inc);
  wasm_functype_delete(inc_type);
  wasm_importtype_vec_delete(&import_types);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return median;
}

typedef struct {
  wasm_engine_t *engine;
  double requested_ms;
} stopper_t;

static void *stop_later(void *arg) {
  stopper_t *s = (stopper_t *)arg;
  struct timespec wait = {0, 20 * 1000 * 1000};
  nanosleep(&wait, NULL);
  s->requested_ms = now_ms();
  wasmrt_engine_increment_epoch(s->engine);
  return NULL;
}

/* Request-to-trap latency of epoch interruption in a loop without calls. */
static void latency(int repeat) {
  const char *wat = "(module (global $g (mut i32) (i32.const 0))"
                    "  (func (export \"spin\") (loop $l"
                    "    (global.set $g (i32.add (global.get $g) (i32.const 1))) (br $l))))";
  wasm_config_t *config = wasm_config_new();
  wasmrt_config_epoch_interruption_set(config, true);
  wasm_engine_t *engine = wasm_engine_new_with_config(config);
  wasm_store_t *store = wasm_store_new(engine);
  wasm_byte_vec_t bytes;
  if (wasmrt_wat2wasm(wat, strlen(wat), &bytes)) die("wat2wasm");
  wasm_module_t *module = wasm_module_new(store, &bytes);
  wasm_byte_vec_delete(&bytes);
  wasm_extern_vec_t none = WASM_EMPTY_VEC, exports;
  wasm_instance_t *instance = wasm_instance_new(store, module, &none, NULL);
  wasm_instance_exports(instance, &exports);
  wasm_func_t *spin = wasm_extern_as_func(exports.data[0]);
  double *us = malloc(sizeof(double) * (size_t)repeat);
  for (int r = 0; r < repeat; r++) {
    wasmrt_store_set_epoch_deadline(store, 1);
    stopper_t s = {engine, 0};
    pthread_t thread;
    pthread_create(&thread, NULL, stop_later, &s);
    wasm_val_vec_t args = WASM_EMPTY_VEC, results = WASM_EMPTY_VEC;
    wasm_trap_t *trap = wasm_func_call(spin, &args, &results);
    double stopped = now_ms();
    pthread_join(thread, NULL);
    wasmrt_trap_code_t code;
    if (!trap || !wasmrt_trap_code(trap, &code) || code != WASMRT_TRAP_INTERRUPT)
      die("the loop did not trap with WASMRT_TRAP_INTERRUPT");
    wasm_trap_delete(trap);
    us[r] = (stopped - s.requested_ms) * 1e3;
  }
  qsort(us, (size_t)repeat, sizeof(double), cmp_double);
  printf("interrupt latency: median %.1f us, max %.1f us (%d runs)\n", us[repeat / 2],
         us[repeat - 1], repeat);
  free(us);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
}

int main(int argc, char **argv) {
  int repeat = 5;
  for (int i = 1; i + 1 < argc; i++)
    if (strcmp(argv[i], "--repeat") == 0) repeat = atoi(argv[i + 1]);
  if (repeat < 1) die("--repeat needs a positive count");
  if (argc >= 2 && strcmp(argv[1], "--latency") == 0) {
    latency(repeat);
    return 0;
  }
  if (argc < 3) die("usage: sandbox-bench KERNEL.wasm N [--repeat R] | --latency [--repeat R]");
  wasm_byte_vec_t bytes = read_file(argv[1]);
  int32_t n = atoi(argv[2]);
  for (int mode = PLAIN; mode <= BOTH; mode++) {
    int32_t checksum = 0;
    double ms = time_kernel(&bytes, mode, n, repeat, &checksum);
    printf("%s\t%s\t%.1f\t%d\n", argv[1], MODE_NAMES[mode], ms, checksum);
  }
  wasm_byte_vec_delete(&bytes);
  return 0;
}
