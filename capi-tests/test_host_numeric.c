/* Calls whose types are all numbers, which take wasmrt's fast paths in
 * both directions: every value kind round-trips with its bits, kind
 * mismatches are reported as traps, references left where numbers belong
 * are released, re-entry works, and more than the fast paths' eight values
 * still work. */
#include <math.h>
#include <stdint.h>
#include "check.h"

static wasm_store_t *the_store;
static const wasm_func_t *the_double;
static int bad_mode = 0;

/* (i32 i64 f32 f64) -> (f64 f32 i64 i32): each value moved and changed. */
static wasm_trap_t *host_mix(const wasm_val_vec_t *args, wasm_val_vec_t *results) {
  CHECK(args->size == 4 && results->size == 4);
  CHECK(args->data[0].kind == WASM_I32 && args->data[1].kind == WASM_I64);
  CHECK(args->data[2].kind == WASM_F32 && args->data[3].kind == WASM_F64);
  CHECK(results->data[0].kind == WASM_F64 && results->data[3].kind == WASM_I32);
  results->data[0] = (wasm_val_t)WASM_F64_VAL(args->data[3].of.f64 * 2);
  results->data[1] = (wasm_val_t)WASM_F32_VAL(args->data[2].of.f32 + 1);
  results->data[2] = (wasm_val_t)WASM_I64_VAL((int64_t)((uint64_t)args->data[1].of.i64 - 1));
  results->data[3] = (wasm_val_t)WASM_I32_VAL(args->data[0].of.i32 ^ 1);
  return NULL;
}

/* (i32) -> i32, answering wrongly as bad_mode says. */
static wasm_trap_t *host_bad(const wasm_val_vec_t *args, wasm_val_vec_t *results) {
  (void)args;
  if (bad_mode == 0) {
    results->data[0] = (wasm_val_t)WASM_I64_VAL(1);
  } else {
    /* A reference (owned by the results vector) where an i32 belongs. */
    wasm_val_t v;
    v.kind = WASM_FUNCREF;
    v.of.ref = wasm_func_as_ref(wasm_func_copy(the_double));
    results->data[0] = v;
  }
  return NULL;
}

/* (i32) -> i32: calls the export "double" from inside the host call. */
static wasm_trap_t *host_reenter(const wasm_val_vec_t *args, wasm_val_vec_t *results) {
  wasm_val_t a[1] = {WASM_I32_VAL(args->data[0].of.i32 + 1)};
  wasm_val_t r[1] = {WASM_INIT_VAL};
  wasm_val_vec_t av = WASM_ARRAY_VEC(a), rv = WASM_ARRAY_VEC(r);
  wasm_trap_t *trap = wasm_func_call(the_double, &av, &rv);
  if (trap) return trap;
  results->data[0] = r[0];
  return NULL;
}

static wasm_func_t *host(wasm_store_t *store, wasm_valtype_vec_t *params,
                         wasm_valtype_vec_t *results, wasm_func_callback_t cb) {
  wasm_functype_t *ty = wasm_functype_new(params, results);
  wasm_func_t *f = wasm_func_new(store, ty, cb);
  wasm_functype_delete(ty);
  return f;
}

int main(void) {
  wasm_engine_t *engine = wasm_engine_new();
  wasm_store_t *store = wasm_store_new(engine);
  the_store = store;
  wasm_module_t *module = load_module(store, "host_numeric");

  wasm_valtype_vec_t p, r;
  wasm_valtype_t *mix_params[4] = {wasm_valtype_new_i32(), wasm_valtype_new_i64(),
                                   wasm_valtype_new_f32(), wasm_valtype_new_f64()};
  wasm_valtype_t *mix_results[4] = {wasm_valtype_new_f64(), wasm_valtype_new_f32(),
                                    wasm_valtype_new_i64(), wasm_valtype_new_i32()};
  wasm_valtype_vec_new(&p, 4, mix_params);
  wasm_valtype_vec_new(&r, 4, mix_results);
  wasm_func_t *mix = host(store, &p, &r, host_mix);
  wasm_func_t *one_to_one[2];
  wasm_func_callback_t callbacks[2] = {host_bad, host_reenter};
  for (int i = 0; i < 2; i++) {
    wasm_valtype_t *param = wasm_valtype_new_i32(), *result = wasm_valtype_new_i32();
    wasm_valtype_vec_new(&p, 1, &param);
    wasm_valtype_vec_new(&r, 1, &result);
    one_to_one[i] = host(store, &p, &r, callbacks[i]);
  }
  wasm_func_t *bad = one_to_one[0], *reenter = one_to_one[1];

  wasm_extern_t *imports[] = {wasm_func_as_extern(mix), wasm_func_as_extern(bad),
                              wasm_func_as_extern(reenter)};
  wasm_extern_vec_t import_vec = WASM_ARRAY_VEC(imports);
  wasm_trap_t *trap = NULL;
  wasm_instance_t *inst = wasm_instance_new(store, module, &import_vec, &trap);
  CHECK(inst != NULL && trap == NULL);
  wasm_extern_vec_t ex;
  wasm_instance_exports(inst, &ex);
  wasm_exporttype_vec_t types;
  wasm_module_exports(module, &types);
  const wasm_func_t *call_mix = wasm_extern_as_func(export_named(&ex, &types, "call_mix"));
  const wasm_func_t *call_bad = wasm_extern_as_func(export_named(&ex, &types, "call_bad"));
  const wasm_func_t *call_reenter = wasm_extern_as_func(export_named(&ex, &types, "call_reenter"));
  const wasm_func_t *nine = wasm_extern_as_func(export_named(&ex, &types, "nine"));
  the_double = wasm_extern_as_func(export_named(&ex, &types, "double"));

  /* Every kind there and back, bits intact (a NaN payload, -0.0, extremes). */
  wasm_val_t a[4] = {WASM_I32_VAL(-2), WASM_I64_VAL(INT64_MIN), WASM_F32_VAL(-0.0f),
                     WASM_F64_VAL(1.5)};
  wasm_val_t res[4] = {WASM_INIT_VAL, WASM_INIT_VAL, WASM_INIT_VAL, WASM_INIT_VAL};
  wasm_val_vec_t av = WASM_ARRAY_VEC(a), rv = WASM_ARRAY_VEC(res);
  CHECK(wasm_func_call(call_mix, &av, &rv) == NULL);
  CHECK(res[0].kind == WASM_F64 && res[0].of.f64 == 3.0);
  CHECK(res[1].kind == WASM_F32 && res[1].of.f32 == 1.0f);
  CHECK(res[2].kind == WASM_I64 && res[2].of.i64 == INT64_MAX);
  CHECK(res[3].kind == WASM_I32 && res[3].of.i32 == -1);
  /* The host function called directly, as well. */
  a[2].of.f32 = 2.5f;
  CHECK(wasm_func_call(mix, &av, &rv) == NULL);
  CHECK(res[1].kind == WASM_F32 && res[1].of.f32 == 3.5f);
  /* A NaN argument arrives as a NaN. */
  uint64_t nan_bits = 0x7ff4000000000123ull;
  memcpy(&a[3].of.f64, &nan_bits, 8);
  CHECK(wasm_func_call(call_mix, &av, &rv) == NULL);
  CHECK(res[0].kind == WASM_F64 && isnan(res[0].of.f64));

  /* Kind mismatches: an argument, then results the host got wrong. */
  a[1] = (wasm_val_t)WASM_I32_VAL(1);
  trap = wasm_func_call(call_mix, &av, &rv);
  CHECK(trap != NULL && trap_says(trap, "argument 1"));
  wasm_trap_delete(trap);
  /* The handle's call plan (made at its first call) still checks each
     call: too few arguments, then a good call again. */
  wasm_val_vec_t three = {3, a};
  trap = wasm_func_call(call_mix, &three, &rv);
  CHECK(trap != NULL && trap_says(trap, "expects 4 arguments"));
  wasm_trap_delete(trap);
  a[1] = (wasm_val_t)WASM_I64_VAL(7);
  CHECK(wasm_func_call(call_mix, &av, &rv) == NULL && res[2].kind == WASM_I64);
  wasm_val_t one[1] = {WASM_I32_VAL(5)}, out[1] = {WASM_INIT_VAL};
  wasm_val_vec_t ov = WASM_ARRAY_VEC(one), outv = WASM_ARRAY_VEC(out);
  trap = wasm_func_call(call_bad, &ov, &outv);
  CHECK(trap != NULL && trap_says(trap, "host function result 0"));
  wasm_trap_delete(trap);
  bad_mode = 1;
  trap = wasm_func_call(call_bad, &ov, &outv);
  CHECK(trap != NULL && trap_says(trap, "host function result 0"));
  wasm_trap_delete(trap);

  /* Re-entry: wasm -> host -> wasm. */
  CHECK(wasm_func_call(call_reenter, &ov, &outv) == NULL);
  CHECK(out[0].kind == WASM_I32 && out[0].of.i32 == 12);
  /* A results vector of the wrong size: the call runs, then says so. */
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  trap = wasm_func_call(call_reenter, &ov, &none);
  CHECK(trap != NULL && trap_says(trap, "results"));
  wasm_trap_delete(trap);

  /* More values than the fast path carries. */
  wasm_val_t nine_args[9];
  for (int i = 0; i < 9; i++) nine_args[i] = (wasm_val_t)WASM_I32_VAL(i + 1);
  wasm_val_vec_t nv = WASM_ARRAY_VEC(nine_args);
  CHECK(wasm_func_call(nine, &nv, &outv) == NULL && out[0].of.i32 == 10);

  wasm_exporttype_vec_delete(&types);
  wasm_extern_vec_delete(&ex);
  wasm_instance_delete(inst);
  wasm_func_delete(mix);
  wasm_func_delete(bad);
  wasm_func_delete(reenter);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return check_done("test_host_numeric");
}
