/*
 * wasi.h: WASI preview 1 (wasi_snapshot_preview1) for wasmrt.
 *
 * A wasi_config_t says what a guest may see: its arguments, environment
 * variables, standard streams and the host directories it may reach. By
 * default it sees nothing: no arguments, no environment, an empty stdin,
 * stdout and stderr discarded, no directories. The names follow
 * wasmtime's wasi_config_* functions where the meaning is the same, so
 * programs written for them port without edits (one difference:
 * wasi_config_preopen_dir takes no permission arguments; a preopened
 * directory is readable and writable).
 *
 * With plain wasm.h, wasi_module_imports() turns a config into the import
 * vector of a module, ready for wasm_instance_new(). A guest that calls
 * proc_exit ends its call with a trap; wasi_trap_exit_status() tells that
 * trap (and its status) from a real failure.
 *
 *   wasi_config_t *config = wasi_config_new();
 *   const char *argv[] = {"prog", "--flag"};
 *   wasi_config_set_argv(config, 2, argv);
 *   wasi_config_inherit_stdout(config);
 *   wasi_config_preopen_dir(config, "./data", "/data");
 *   wasm_extern_vec_t imports;
 *   wasm_trap_t *trap = NULL;
 *   if (!wasi_module_imports(store, module, config, &imports, &trap)) ...
 *   wasm_instance_t *instance = wasm_instance_new(store, module, &imports, &trap);
 *   ... call the "_start" export; on a trap:
 *   int status;
 *   if (wasi_trap_exit_status(trap, &status)) exit(status);
 *
 * Sandbox: a guest reaches only what lies beneath its preopened
 * directories. Paths are resolved beneath the directory's handle; "..",
 * absolute paths and symlinks leading outside are refused (errno
 * ENOTCAPABLE in the guest). See docs/WASI.md.
 */
#ifndef WASI_H
#define WASI_H

#include <stdbool.h>
#include <stddef.h>

#include "wasm.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What a guest may see. Made by wasi_config_new(); consumed by
   wasi_module_imports(), or freed by wasi_config_delete(). */
typedef struct wasi_config_t wasi_config_t;

/* A new configuration granting nothing. */
wasi_config_t *wasi_config_new(void);

/* Frees a configuration that was not handed to wasi_module_imports(). */
void wasi_config_delete(wasi_config_t *config);

/* Sets the guest's arguments; argv[0] is the program name it sees. The
   strings are copied. False if a string is not valid UTF-8. */
bool wasi_config_set_argv(wasi_config_t *config, size_t argc, const char *argv[]);

/* The guest's arguments are this process's. */
void wasi_config_inherit_argv(wasi_config_t *config);

/* Sets the guest's environment (replacing any set before): envc pairs of
   names[i]=values[i], copied. False if a string is not UTF-8 or a name is
   empty or holds '='. */
bool wasi_config_set_env(wasi_config_t *config, size_t envc, const char *names[],
                         const char *values[]);

/* The guest's environment is this process's. */
void wasi_config_inherit_env(wasi_config_t *config);

/* The guest's stdin reads the file at path (opened now). False if it
   cannot be opened. */
bool wasi_config_set_stdin_file(wasi_config_t *config, const char *path);

/* The guest's stdin reads these bytes, then end of file. Takes the bytes:
   `binary` is left empty. */
void wasi_config_set_stdin_bytes(wasi_config_t *config, wasm_byte_vec_t *binary);

/* The guest's stdin is this process's. */
void wasi_config_inherit_stdin(wasi_config_t *config);

/* The guest's stdout goes to the file at path (created or truncated
   now). False if it cannot be created. */
bool wasi_config_set_stdout_file(wasi_config_t *config, const char *path);

/* The guest's stdout is this process's. */
void wasi_config_inherit_stdout(wasi_config_t *config);

/* The guest's stderr goes to the file at path (created or truncated
   now). False if it cannot be created. */
bool wasi_config_set_stderr_file(wasi_config_t *config, const char *path);

/* The guest's stderr is this process's. */
void wasi_config_inherit_stderr(wasi_config_t *config);

/* Lets the guest reach the host directory host_path, and what lies
   beneath it, under the name guest_path (for example "/data" or "."). The
   directory is opened when the config is used. False if host_path is not
   a readable directory. */
bool wasi_config_preopen_dir(wasi_config_t *config, const char *host_path,
                             const char *guest_path);

/* wasmrt's addition: the most file descriptors the guest may hold at
   once, the standard streams and preopened directories included (1024
   unless set). Each is a descriptor of this process too; past the bound,
   opening fails with WASI's `mfile` error, as a process at its own limit
   sees. */
void wasi_config_set_max_open_files(wasi_config_t *config, size_t max);

/* Fills *out with the imports of `module`, one per import in the module's
   order, made from `config`, which is consumed (also on failure). The
   vector and its externs are owned by the caller (wasm_extern_vec_delete)
   and belong to `store`. On failure returns false, leaves *out empty and,
   if trap_out is not NULL, stores a trap (owned by the caller) whose
   message names the offending import: one that is not a WASI preview 1
   function, or a WASI import with the wrong type. */
bool wasi_module_imports(wasm_store_t *store, const wasm_module_t *module,
                         wasi_config_t *config, wasm_extern_vec_t *out,
                         wasm_trap_t **trap_out);

/* The same for a module that imports WASI and other things (what
   wasmtime's linker or wasmer's wasi_get_imports plus your own definitions
   do): `given` has one entry per import of `module`, in its order (see
   wasm_module_imports); a non-null entry is used for its import, a null
   one is filled with the WASI preview 1 function of that import's name.
   `given` and its externs stay the caller's: *out holds new handles to the
   same objects (wasm_extern_vec_delete it as usual). Fails as
   wasi_module_imports does, and also when `given` is NULL or its size is
   not the module's import count. */
bool wasi_module_imports_with(wasm_store_t *store, const wasm_module_t *module,
                              wasi_config_t *config, const wasm_extern_vec_t *given,
                              wasm_extern_vec_t *out, wasm_trap_t **trap_out);

/* True if `trap` ends a guest that called proc_exit, storing its exit
   status in *status (when status is not NULL); false for any other trap. */
bool wasi_trap_exit_status(const wasm_trap_t *trap, int *status);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* WASI_H */
