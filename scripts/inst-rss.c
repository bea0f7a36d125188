/* inst-rss.c - resident memory of N idle instances in one process, over
 * plain wasm.h (so it runs against wasmrt, wasmtime or wasmi alike).
 *
 *   cc -O2 -o inst-rss scripts/inst-rss.c -I include LIB.so -Wl,-rpath,DIR
 *   ./inst-rss FILE.wasm [N] [--call]
 *
 * Compiles FILE once, then makes N stores, each with one instance of it
 * (and, with --call, one call of its export "handle"(7), so each instance
 * has touched its memory), all kept alive. Prints VmRSS before and after
 * and the difference per instance.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasm.h>

static long rss_kib(void) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  long kib = -1;
  while (f && fgets(line, sizeof line, f))
    if (!strncmp(line, "VmRSS:", 6)) kib = atol(line + 6);
  if (f) fclose(f);
  return kib;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: inst-rss FILE.wasm [N] [--call]\n");
    return 2;
  }
  int n = argc > 2 ? atoi(argv[2]) : 1000;
  int call = argc > 3 && !strcmp(argv[3], "--call");
  FILE *f = fopen(argv[1], "rb");
  if (!f) return 1;
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  wasm_byte_vec_t bytes;
  wasm_byte_vec_new_uninitialized(&bytes, (size_t)size);
  if (fread(bytes.data, 1, (size_t)size, f) != (size_t)size) return 1;
  fclose(f);
  wasm_engine_t *engine = wasm_engine_new();
  wasm_store_t *store0 = wasm_store_new(engine);
  wasm_module_t *module = wasm_module_new(store0, &bytes);
  if (!module) return 1;
  wasm_shared_module_t *shared = wasm_module_share(module);
  long before = rss_kib();
  wasm_store_t **stores = calloc((size_t)n, sizeof *stores);
  for (int i = 0; i < n; i++) {
    stores[i] = wasm_store_new(engine);
    wasm_module_t *m = wasm_module_obtain(stores[i], shared);
    wasm_extern_vec_t imports = WASM_EMPTY_VEC;
    wasm_instance_t *inst = wasm_instance_new(stores[i], m, &imports, NULL);
    if (!inst) { fprintf(stderr, "instance %d failed\n", i); return 1; }
    if (call) {
      wasm_exporttype_vec_t types;
      wasm_extern_vec_t exports;
      wasm_module_exports(m, &types);
      wasm_instance_exports(inst, &exports);
      for (size_t k = 0; k < types.size; k++) {
        const wasm_name_t *name = wasm_exporttype_name(types.data[k]);
        if (name->size != 6 || memcmp(name->data, "handle", 6)) continue;
        wasm_val_t arg = WASM_I32_VAL(7), res = WASM_INIT_VAL;
        wasm_val_vec_t args = {1, &arg}, results = {1, &res};
        wasm_trap_t *t = wasm_func_call(wasm_extern_as_func(exports.data[k]), &args, &results);
        if (t) return 1;
      }
      wasm_extern_vec_delete(&exports);
      wasm_exporttype_vec_delete(&types);
    }
    wasm_module_delete(m);
    (void)inst; /* owned by its store until the store is deleted */
  }
  long after = rss_kib();
  printf("instances=%d call=%d rss_before_kib=%ld rss_after_kib=%ld kib_per_instance=%.1f\n", n, call,
         before, after, (double)(after - before) / n);
  for (int i = 0; i < n; i++) wasm_store_delete(stores[i]);
  free(stores);
  wasm_shared_module_delete(shared);
  wasm_module_delete(module);
  wasm_store_delete(store0);
  wasm_engine_delete(engine);
  wasm_byte_vec_delete(&bytes);
  return 0;
}
