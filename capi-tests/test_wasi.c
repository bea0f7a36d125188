/* WASI through the C API (wasi.h): configuration, imports in module order,
 * stdio to files and from bytes, a preopened directory, exit statuses, and
 * errors for unknown imports and bad arguments. */
#include <sys/resource.h>
#include <wasi.h>

#include "check.h"

static char *slurp(const char *path) {
  static char buf[4096];
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = 0;
  return buf;
}

/* Instantiates `module` with `config` and calls `export`; returns the trap
   (or NULL). */
static wasm_trap_t *run(wasm_store_t *store, wasm_module_t *module, wasi_config_t *config,
                        const char *export_name) {
  wasm_extern_vec_t imports;
  wasm_trap_t *trap = NULL;
  CHECK(wasi_module_imports(store, module, config, &imports, &trap));
  CHECK(trap == NULL);
  wasm_importtype_vec_t want;
  wasm_module_imports(module, &want);
  CHECK(imports.size == want.size);
  wasm_importtype_vec_delete(&want);
  wasm_instance_t *instance = wasm_instance_new(store, module, &imports, &trap);
  wasm_extern_vec_delete(&imports);
  CHECK(instance != NULL);
  if (!instance) return trap;
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_exporttype_vec_t types;
  wasm_module_exports(module, &types);
  wasm_func_t *func = NULL;
  for (size_t i = 0; i < types.size; i++) {
    const wasm_name_t *name = wasm_exporttype_name(types.data[i]);
    if (name->size == strlen(export_name) && !memcmp(name->data, export_name, name->size))
      func = wasm_extern_as_func(exports.data[i]);
  }
  CHECK(func != NULL);
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  wasm_val_vec_t results = WASM_EMPTY_VEC;
  trap = func ? wasm_func_call(func, &none, &results) : NULL;
  wasm_exporttype_vec_delete(&types);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  return trap;
}

static wasm_trap_t *add_one_cb(const wasm_val_vec_t *args, wasm_val_vec_t *results) {
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = args->data[0].of.i32 + 1;
  return NULL;
}

int main(void) {
  wasm_engine_t *engine = wasm_engine_new();
  wasm_store_t *store = wasm_store_new(engine);
  wasm_module_t *module = load_module(store, "wasi_guest");

  /* Arguments, environment, stdin bytes, stdout to a file, a directory. */
  remove("guest_dir/out.txt");
  remove("guest_dir");
  CHECK(system("mkdir -p guest_dir") == 0);
  wasi_config_t *config = wasi_config_new();
  const char *argv[] = {"guest", "first", "last-arg"};
  CHECK(wasi_config_set_argv(config, 3, argv));
  const char *names[] = {"A", "B"};
  const char *values[] = {"1", "two"};
  CHECK(wasi_config_set_env(config, 2, names, values));
  wasm_byte_vec_t input;
  wasm_byte_vec_new(&input, 9, "from C!\n");
  wasi_config_set_stdin_bytes(config, &input);
  CHECK(input.size == 0 && input.data == NULL);
  CHECK(wasi_config_set_stdout_file(config, "guest_stdout.txt"));
  CHECK(wasi_config_preopen_dir(config, "guest_dir", "/dir"));
  wasm_trap_t *trap = run(store, module, config, "_start");
  int status = -1;
  CHECK(trap != NULL);
  CHECK(wasi_trap_exit_status(trap, &status));
  CHECK(status == 32); /* 3 arguments, 2 variables */
  wasm_trap_delete(trap);
  char *out = slurp("guest_stdout.txt");
  CHECK(out && !strcmp(out, "last-arg\nfrom C!\n"));
  out = slurp("guest_dir/out.txt");
  CHECK(out && !strcmp(out, "written by the guest\n"));

  /* Nothing granted: no arguments, no variables, empty stdin. */
  trap = run(store, module, wasi_config_new(), "_start");
  CHECK(wasi_trap_exit_status(trap, &status) && status == 0);
  CHECK(wasi_trap_exit_status(trap, NULL));
  wasm_trap_delete(trap);

  /* The guest holds at most the descriptors it may: of 6, the standard
     streams and its directory take 4, so it opens 2 and is refused with
     mfile (33); 1024 unless set. */
  config = wasi_config_new();
  CHECK(wasi_config_preopen_dir(config, "guest_dir", "/dir"));
  wasi_config_set_max_open_files(config, 6);
  trap = run(store, module, config, "open_many");
  CHECK(wasi_trap_exit_status(trap, &status) && status == 2 * 100 + 33);
  wasm_trap_delete(trap);
  config = wasi_config_new();
  CHECK(wasi_config_preopen_dir(config, "guest_dir", "/dir"));
  trap = run(store, module, config, "open_many");
  CHECK(wasi_trap_exit_status(trap, &status) && status % 100 == 33);
  /* Exactly 1020 unless this process's own limit refused one first. */
  struct rlimit files;
  if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur >= 1100) CHECK(status == 102033);
  wasm_trap_delete(trap);

  /* A real trap is not an exit. */
  trap = run(store, module, wasi_config_new(), "crash");
  CHECK(trap != NULL);
  CHECK(!wasi_trap_exit_status(trap, &status));
  wasm_trap_delete(trap);
  CHECK(!wasi_trap_exit_status(NULL, &status));

  /* A module importing something that is not WASI: the error names it. */
  wasm_module_t *other = load_module(store, "calls");
  wasm_extern_vec_t imports;
  trap = NULL;
  wasm_importtype_vec_t other_imports;
  wasm_module_imports(other, &other_imports);
  if (other_imports.size > 0) {
    CHECK(!wasi_module_imports(store, other, wasi_config_new(), &imports, &trap));
    CHECK(imports.size == 0);
    CHECK(trap != NULL);
    if (trap) {
      wasm_message_t msg;
      wasm_trap_message(trap, &msg);
      const wasm_name_t *mod = wasm_importtype_module(other_imports.data[0]);
      const wasm_name_t *name = wasm_importtype_name(other_imports.data[0]);
      char expect[128];
      snprintf(expect, sizeof expect, "%.*s::%.*s", (int)mod->size, mod->data, (int)name->size,
               name->data);
      CHECK(strstr(msg.data, expect) != NULL);
      wasm_byte_vec_delete(&msg);
      wasm_trap_delete(trap);
    }
  }
  wasm_importtype_vec_delete(&other_imports);
  wasm_module_delete(other);

  /* A module importing WASI and a host function: wasi_module_imports_with
     takes the host's externs and fills the rest with WASI. */
  {
    wasm_module_t *mixed = load_module(store, "wasi_mixed");
    wasm_functype_t *ty = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
    wasm_func_t *add_one = wasm_func_new(store, ty, add_one_cb);
    wasm_functype_delete(ty);
    wasm_extern_t *given_data[3] = {NULL, wasm_func_as_extern(add_one), NULL};
    wasm_extern_vec_t given = {3, given_data};
    trap = NULL;
    CHECK(wasi_module_imports_with(store, mixed, wasi_config_new(), &given, &imports, &trap));
    CHECK(trap == NULL && imports.size == 3);
    CHECK(imports.size == 3 && imports.data[0] && imports.data[1] && imports.data[2]);
    wasm_instance_t *instance = wasm_instance_new(store, mixed, &imports, &trap);
    wasm_extern_vec_delete(&imports);
    CHECK(instance != NULL);
    if (instance) {
      wasm_extern_vec_t exports;
      wasm_instance_exports(instance, &exports);
      /* Exports: memory, then _start. */
      wasm_func_t *start = exports.size == 2 ? wasm_extern_as_func(exports.data[1]) : NULL;
      CHECK(start != NULL);
      wasm_val_vec_t none = WASM_EMPTY_VEC;
      trap = start ? wasm_func_call(start, &none, &none) : NULL;
      status = -1;
      CHECK(trap != NULL && wasi_trap_exit_status(trap, &status) && status == 42);
      if (trap) wasm_trap_delete(trap);
      wasm_extern_vec_delete(&exports);
      wasm_instance_delete(instance);
    }
    /* The host's extern is still the host's: callable after `imports` went. */
    wasm_val_t arg[1] = {WASM_I32_VAL(1)}, res[1] = {WASM_INIT_VAL};
    wasm_val_vec_t args = WASM_ARRAY_VEC(arg), results = WASM_ARRAY_VEC(res);
    CHECK(wasm_func_call(add_one, &args, &results) == NULL && res[0].of.i32 == 2);

    /* A null entry where the import is not WASI: the error names it. */
    wasm_extern_t *missing_data[3] = {NULL, NULL, NULL};
    wasm_extern_vec_t missing = {3, missing_data};
    trap = NULL;
    CHECK(!wasi_module_imports_with(store, mixed, wasi_config_new(), &missing, &imports, &trap));
    CHECK(imports.size == 0 && trap != NULL);
    if (trap) {
      CHECK(trap_says(trap, "env::add_one"));
      wasm_trap_delete(trap);
    }
    /* A vector of the wrong size, or none. */
    wasm_extern_vec_t short_given = {2, given_data};
    trap = NULL;
    CHECK(!wasi_module_imports_with(store, mixed, wasi_config_new(), &short_given, &imports, &trap));
    CHECK(imports.size == 0 && trap != NULL);
    if (trap) {
      CHECK(trap_says(trap, "2 given entries for a module with 3 imports"));
      wasm_trap_delete(trap);
    }
    trap = NULL;
    CHECK(!wasi_module_imports_with(store, mixed, wasi_config_new(), NULL, &imports, &trap));
    CHECK(imports.size == 0 && trap != NULL);
    if (trap) wasm_trap_delete(trap);
    wasm_func_delete(add_one);
    wasm_module_delete(mixed);
  }

  /* Bad arguments give false, never a crash. */
  config = wasi_config_new();
  CHECK(!wasi_config_preopen_dir(config, "no/such/dir", "/x"));
  CHECK(!wasi_config_set_stdin_file(config, "no/such/file"));
  CHECK(!wasi_config_set_stdout_file(config, "no/such/dir/file"));
  CHECK(!wasi_config_set_argv(config, 1, NULL));
  const char *bad_names[] = {"A=B"};
  CHECK(!wasi_config_set_env(config, 1, bad_names, values));
  CHECK(!wasi_config_set_argv(NULL, 0, NULL));
  CHECK(wasi_config_set_argv(config, 0, NULL));
  wasi_config_inherit_argv(config);
  wasi_config_inherit_env(config);
  wasi_config_inherit_stdin(config);
  wasi_config_inherit_stdout(config);
  wasi_config_inherit_stderr(config);
  wasi_config_set_max_open_files(NULL, 1);
  CHECK(wasi_config_set_stderr_file(config, "guest_stderr.txt"));
  wasi_config_delete(config);
  wasi_config_delete(NULL);
  trap = NULL;
  CHECK(!wasi_module_imports(NULL, module, wasi_config_new(), &imports, &trap));
  CHECK(trap != NULL);
  wasm_trap_delete(trap);

  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return check_failures ? 1 : 0;
}
