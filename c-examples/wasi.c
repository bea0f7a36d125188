/* wasi.c: running a WASI command with plain wasm.h plus wasi.h.
 *
 *   ./wasi                     runs wasi.wasm (made from wasi.wat)
 *   ./wasi PROGRAM.wasm ARGS   runs any wasm32-wasi command
 *
 * The guest gets its arguments, one environment variable (EXAMPLE=1), this
 * process's stdin, stdout and stderr, and the current directory under the
 * name /data. It reaches nothing else of the host. The example exits with
 * the guest's exit status, or 134 if the guest traps. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi.h>
#include <wasm.h>

#include "example.h"

/* Finds the export called `name` and returns it as a function. */
static wasm_func_t *find_func(const wasm_module_t *module, const wasm_extern_vec_t *exports,
                              const char *name) {
  wasm_exporttype_vec_t types;
  wasm_module_exports(module, &types);
  wasm_func_t *found = NULL;
  for (size_t i = 0; i < types.size && i < exports->size; i++) {
    const wasm_name_t *n = wasm_exporttype_name(types.data[i]);
    if (n->size == strlen(name) && memcmp(n->data, name, n->size) == 0)
      found = wasm_extern_as_func(exports->data[i]);
  }
  wasm_exporttype_vec_delete(&types);
  return found;
}

int main(int argc, char *argv[]) {
  const char *path = argc > 1 ? argv[1] : "wasi.wasm";
  wasm_engine_t *engine = wasm_engine_new();
  wasm_store_t *store = wasm_store_new(engine);
  wasm_module_t *module = example_load(store, path);

  /* 1. Say what the guest may see. Its argv[0] is the module's path. */
  wasi_config_t *config = wasi_config_new();
  if (argc > 1) {
    wasi_config_set_argv(config, (size_t)(argc - 1), (const char **)(argv + 1));
  } else {
    const char *default_argv[] = {"wasi.wasm", "one", "two"};
    wasi_config_set_argv(config, 3, default_argv);
  }
  const char *names[] = {"EXAMPLE"};
  const char *values[] = {"1"};
  wasi_config_set_env(config, 1, names, values);
  wasi_config_inherit_stdin(config);
  wasi_config_inherit_stdout(config);
  wasi_config_inherit_stderr(config);
  if (!wasi_config_preopen_dir(config, ".", "/data")) {
    fprintf(stderr, "cannot preopen the current directory\n");
    return 1;
  }

  /* 2. Turn it into the module's imports (the config is consumed). A
        module that imports anything but WASI is refused, by name. */
  wasm_extern_vec_t imports;
  wasm_trap_t *trap = NULL;
  if (!wasi_module_imports(store, module, config, &imports, &trap)) return example_report(trap);

  /* 3. Instantiate and run _start. */
  wasm_instance_t *instance = wasm_instance_new(store, module, &imports, &trap);
  wasm_extern_vec_delete(&imports);
  if (!instance) return example_report(trap);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_func_t *start = find_func(module, &exports, "_start");
  int status = 0;
  if (!start) {
    fprintf(stderr, "%s has no _start export\n", path);
    status = 1;
  } else {
    wasm_val_vec_t none = WASM_EMPTY_VEC;
    wasm_val_vec_t results = WASM_EMPTY_VEC;
    trap = wasm_func_call(start, &none, &results);
    /* 4. proc_exit arrives as a trap carrying the exit status; any other
          trap is a failure. */
    if (trap && !wasi_trap_exit_status(trap, &status)) {
      example_report(trap);
      trap = NULL;
      status = 134;
    }
    if (trap) wasm_trap_delete(trap);
  }
  fflush(stdout);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return status;
}
