/* wasmrt.h: configuration, errors with messages and offsets, wat2wasm,
 * calls with v128 values, store user data; WASMRT_STRATEGY. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <wasmrt.h>
#include "check.h"

/* Whether the (not NUL-terminated) name contains `want`. */
static int contains(const wasm_name_t *name, const char *want) {
  size_t n = strlen(want);
  for (size_t i = 0; i + n <= name->size; i++)
    if (memcmp(name->data + i, want, n) == 0) return 1;
  return 0;
}

static wasm_trap_t *nop_callback(const wasm_val_vec_t *args, wasm_val_vec_t *results) {
  (void)args;
  (void)results;
  return NULL;
}

int main(void) {
  /* WASMRT_STRATEGY chooses the tier of engines made with defaults. */
  setenv("WASMRT_STRATEGY", "jit", 1);
  wasm_engine_t *from_env = wasm_engine_new();
  CHECK(wasmrt_engine_strategy(from_env) == WASMRT_STRATEGY_JIT);
  wasm_engine_delete(from_env);
  setenv("WASMRT_STRATEGY", "interp", 1);
  from_env = wasm_engine_new();
  CHECK(wasmrt_engine_strategy(from_env) == WASMRT_STRATEGY_INTERPRETER);
  wasm_engine_delete(from_env);
  unsetenv("WASMRT_STRATEGY");
  from_env = wasm_engine_new();
  CHECK(wasmrt_engine_strategy(from_env) == WASMRT_STRATEGY_AUTO);
  wasm_engine_delete(from_env);

  wasm_config_t *config = wasm_config_new();
  wasmrt_config_strategy_set(config, WASMRT_STRATEGY_INTERPRETER);
  wasmrt_config_feature_set(config, WASMRT_FEATURE_SIMD, true);
  wasmrt_config_max_wasm_stack_set(config, 1 << 20);
  wasmrt_config_max_memory_pages_set(config, 16);
  wasm_engine_t *engine = wasm_engine_new_with_config(config);
  CHECK(wasmrt_engine_strategy(engine) == WASMRT_STRATEGY_INTERPRETER);
  wasm_store_t *store = wasm_store_new(engine);

  /* User data. */
  int marker = 0;
  CHECK(wasmrt_store_data(store) == NULL);
  wasmrt_store_data_set(store, &marker);
  CHECK(wasmrt_store_data(store) == &marker);

  /* wat2wasm and module errors with messages and offsets. */
  const char *text = "(module (func (export \"f\") (result i32) i32.const 1))";
  wasm_byte_vec_t bin;
  wasmrt_error_t *err = wasmrt_wat2wasm(text, strlen(text), &bin);
  CHECK(err == NULL);
  wasm_module_t *m = NULL;
  CHECK(wasmrt_module_new(store, &bin, &m) == NULL && m != NULL);
  wasm_module_delete(m);
  wasm_byte_vec_delete(&bin);
  const char *bad_text = "(module (func (result i32) i64.const 1))";
  CHECK(wasmrt_wat2wasm(bad_text, strlen(bad_text), &bin) == NULL);
  err = wasmrt_module_new(store, &bin, &m);
  CHECK(err != NULL && m == NULL);
  wasm_name_t msg;
  wasmrt_error_message(err, &msg);
  CHECK(msg.size > 0 && contains(&msg, "type mismatch"));
  CHECK(wasmrt_error_offset(err) != (size_t)-1 && wasmrt_error_offset(err) < bin.size);
  wasm_byte_vec_delete(&msg);
  wasmrt_error_delete(err);
  err = wasmrt_module_validate(store, &bin);
  CHECK(err != NULL);
  wasmrt_error_delete(err);
  wasm_byte_vec_delete(&bin);
  err = wasmrt_wat2wasm("(module", 7, &bin);
  CHECK(err != NULL);
  wasmrt_error_delete(err);

  /* v128 calls. */
  wasm_module_t *v = load_module(store, "v128");
  wasm_extern_vec_t none = WASM_EMPTY_VEC;
  wasm_instance_t *inst = wasm_instance_new(store, v, &none, NULL);
  wasm_extern_vec_t ex;
  wasm_instance_exports(inst, &ex);
  wasmrt_val_t args[2], res[1];
  args[0].kind = WASMRT_V128;
  args[1].kind = WASMRT_V128;
  for (int i = 0; i < 16; i++) {
    args[0].of.v128[i] = (uint8_t)i;
    args[1].of.v128[i] = 1;
  }
  CHECK(wasmrt_func_call(wasm_extern_as_func(ex.data[0]), args, 2, res, 1) == NULL);
  CHECK(res[0].kind == WASMRT_V128);
  CHECK(res[0].of.v128[0] == 1 && res[0].of.v128[4] == 5 && res[0].of.v128[1] == 2);
  wasmrt_val_t largs[2];
  largs[0] = res[0];
  largs[1].kind = WASM_I32;
  largs[1].of.i32 = 4;
  CHECK(wasmrt_func_call(wasm_extern_as_func(ex.data[1]), largs, 2, res, 1) == NULL);
  CHECK(res[0].kind == WASM_I32 && res[0].of.i32 == (0x04030201 << 4));
  wasm_trap_t *trap = wasmrt_func_call(wasm_extern_as_func(ex.data[0]), args, 1, res, 1);
  CHECK(trap != NULL);
  wasm_trap_delete(trap);

  /* The interpreter runs everything with this engine's strategy. */
  CHECK(wasmrt_module_native_functions(v) == 0);
  CHECK(wasmrt_func_tier(wasm_extern_as_func(ex.data[0])) == WASMRT_TIER_INTERPRETER);

  wasm_extern_vec_delete(&ex);
  wasm_instance_delete(inst);
  wasm_module_delete(v);
  wasm_store_delete(store);
  wasm_engine_delete(engine);

  /* With the JIT strategy, scalar functions run as native code; a host
     function is reported as such. */
  config = wasm_config_new();
  wasmrt_config_strategy_set(config, WASMRT_STRATEGY_JIT);
  engine = wasm_engine_new_with_config(config);
  store = wasm_store_new(engine);
  const char *jit_text =
      "(module (func (export \"add\") (param i32 i32) (result i32)"
      "  (i32.add (local.get 0) (local.get 1)))"
      " (func (export \"div\") (param i32 i32) (result i32)"
      "  (i32.div_s (local.get 0) (local.get 1))))";
  CHECK(wasmrt_wat2wasm(jit_text, strlen(jit_text), &bin) == NULL);
  CHECK(wasmrt_module_new(store, &bin, &m) == NULL && m != NULL);
  wasm_byte_vec_delete(&bin);
  CHECK(wasmrt_module_native_functions(m) == 2);
  inst = wasm_instance_new(store, m, &none, NULL);
  CHECK(inst != NULL);
  wasm_instance_exports(inst, &ex);
  wasm_func_t *add = wasm_extern_as_func(ex.data[0]);
  CHECK(wasmrt_func_tier(add) == WASMRT_TIER_NATIVE);
  wasm_val_t sargs[2] = {WASM_I32_VAL(40), WASM_I32_VAL(2)};
  wasm_val_t sres[1] = {WASM_INIT_VAL};
  wasm_val_vec_t sargv = WASM_ARRAY_VEC(sargs), sresv = WASM_ARRAY_VEC(sres);
  CHECK(wasm_func_call(add, &sargv, &sresv) == NULL && sres[0].of.i32 == 42);
  /* A trap in native code, and the store is usable afterwards. */
  sargs[1] = (wasm_val_t)WASM_I32_VAL(0);
  trap = wasm_func_call(wasm_extern_as_func(ex.data[1]), &sargv, &sresv);
  CHECK(trap != NULL && trap_says(trap, "integer divide by zero"));
  wasm_trap_delete(trap);
  sargs[1] = (wasm_val_t)WASM_I32_VAL(2);
  CHECK(wasm_func_call(add, &sargv, &sresv) == NULL && sres[0].of.i32 == 42);
  wasm_functype_t *nop_ty = wasm_functype_new_0_0();
  wasm_func_t *host = wasm_func_new(store, nop_ty, nop_callback);
  CHECK(wasmrt_func_tier(host) == WASMRT_TIER_HOST);
  wasm_func_delete(host);
  wasm_functype_delete(nop_ty);
  wasm_extern_vec_delete(&ex);
  wasm_instance_delete(inst);
  wasm_module_delete(m);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return check_done("test_ext");
}
