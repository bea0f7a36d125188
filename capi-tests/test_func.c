/* Functions: calls with checked arity and kinds, host callbacks with and
 * without env, traps from wasm and host with their backtraces, re-entry. */
#include "check.h"

static wasm_store_t *the_store;
static int env_finalized = 0;

static wasm_trap_t *host_add(void *env, const wasm_val_vec_t *args, wasm_val_vec_t *results) {
  int *calls = (int *)env;
  (*calls)++;
  CHECK(args->size == 2 && args->data[0].kind == WASM_I32);
  CHECK(results->size == 1);
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = args->data[0].of.i32 + args->data[1].of.i32;
  return NULL;
}

static wasm_trap_t *host_fail(const wasm_val_vec_t *args, wasm_val_vec_t *results) {
  (void)args;
  (void)results;
  wasm_message_t msg;
  wasm_name_new_from_string_nt(&msg, "host says no");
  wasm_trap_t *t = wasm_trap_new(the_store, &msg);
  wasm_byte_vec_delete(&msg);
  return t;
}

static void finalize_env(void *env) {
  CHECK(*(int *)env >= 1);
  env_finalized++;
}

static const wasm_func_t *export_func(const wasm_extern_vec_t *exports, size_t i) {
  return wasm_extern_as_func_const(exports->data[i]);
}

int main(void) {
  wasm_engine_t *engine = wasm_engine_new();
  wasm_store_t *store = wasm_store_new(engine);
  the_store = store;
  wasm_module_t *module = load_module(store, "calls");

  static int add_calls = 0;
  wasm_functype_t *add_ty = wasm_functype_new_2_1(wasm_valtype_new_i32(), wasm_valtype_new_i32(),
                                                  wasm_valtype_new_i32());
  wasm_func_t *add = wasm_func_new_with_env(store, add_ty, host_add, &add_calls, finalize_env);
  wasm_functype_t *fail_ty = wasm_functype_new_0_0();
  wasm_func_t *fail = wasm_func_new(store, fail_ty, host_fail);
  CHECK(wasm_func_param_arity(add) == 2 && wasm_func_result_arity(add) == 1);
  wasm_functype_t *got = wasm_func_type(add);
  CHECK(wasm_functype_params(got)->size == 2);
  wasm_functype_delete(got);

  wasm_extern_t *imports_arr[] = {wasm_func_as_extern(add), wasm_func_as_extern(fail)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(imports_arr);
  wasm_trap_t *trap = NULL;
  wasm_instance_t *inst = wasm_instance_new(store, module, &imports, &trap);
  CHECK(inst != NULL && trap == NULL);
  wasm_extern_vec_t ex;
  wasm_instance_exports(inst, &ex);
  CHECK(ex.size == 13);

  /* 0: add(i32, i32) */
  wasm_val_t args[2] = {WASM_I32_VAL(40), WASM_I32_VAL(2)};
  wasm_val_t res[1] = {WASM_INIT_VAL};
  wasm_val_vec_t argv = WASM_ARRAY_VEC(args), resv = WASM_ARRAY_VEC(res);
  CHECK(wasm_func_call(export_func(&ex, 0), &argv, &resv) == NULL);
  CHECK(res[0].kind == WASM_I32 && res[0].of.i32 == 42);

  /* Wrong argument count, wrong kind, wrong result room: traps, no crash. */
  wasm_val_vec_t one_arg = {1, args};
  trap = wasm_func_call(export_func(&ex, 0), &one_arg, &resv);
  CHECK(trap != NULL && trap_says(trap, "arguments"));
  wasm_trap_delete(trap);
  wasm_val_t bad[2] = {WASM_I64_VAL(1), WASM_I32_VAL(2)};
  wasm_val_vec_t badv = WASM_ARRAY_VEC(bad);
  trap = wasm_func_call(export_func(&ex, 0), &badv, &resv);
  CHECK(trap != NULL && trap_says(trap, "argument 0"));
  wasm_trap_delete(trap);
  wasm_val_vec_t no_results = WASM_EMPTY_VEC;
  trap = wasm_func_call(export_func(&ex, 0), &argv, &no_results);
  CHECK(trap != NULL && trap_says(trap, "results"));
  wasm_trap_delete(trap);
  /* A results vector of the wrong size does not stop the call, as in the
     reference implementation: the function runs, and a trap it raises is
     the one returned (6: div, here dividing by zero). */
  wasm_val_t dz[2] = {WASM_I32_VAL(1), WASM_I32_VAL(0)};
  wasm_val_vec_t dzv = WASM_ARRAY_VEC(dz);
  trap = wasm_func_call(export_func(&ex, 6), &dzv, &no_results);
  CHECK(trap != NULL && trap_says(trap, "integer divide by zero"));
  wasm_trap_delete(trap);
  /* Too much room: the call runs, the vector is left untouched. */
  wasm_val_t two[2] = {WASM_I64_VAL(-5), WASM_I64_VAL(-6)};
  wasm_val_vec_t twov = WASM_ARRAY_VEC(two);
  trap = wasm_func_call(export_func(&ex, 0), &argv, &twov);
  CHECK(trap != NULL && trap_says(trap, "results"));
  CHECK(two[0].kind == WASM_I64 && two[0].of.i64 == -5 && two[1].of.i64 == -6);
  wasm_trap_delete(trap);

  /* 1: call_host goes through the env callback. */
  CHECK(wasm_func_call(export_func(&ex, 1), &argv, &resv) == NULL);
  CHECK(res[0].of.i32 == 42 && add_calls == 1);
  /* The host function can be called directly too. */
  CHECK(wasm_func_call(add, &argv, &resv) == NULL && add_calls == 2);

  /* 2: a host trap propagates with its message. */
  wasm_val_vec_t empty = WASM_EMPTY_VEC;
  trap = wasm_func_call(export_func(&ex, 2), &empty, &empty);
  CHECK(trap != NULL && trap_says(trap, "host says no"));
  wasm_trap_delete(trap);

  /* 4: nested -> boom: "unreachable" with a two-frame trace. */
  trap = wasm_func_call(export_func(&ex, 4), &empty, &empty);
  CHECK(trap != NULL && trap_says(trap, "unreachable"));
  wasm_frame_t *origin = wasm_trap_origin(trap);
  CHECK(origin != NULL);
  CHECK(wasm_frame_func_index(origin) == 5); /* 2 imports, then add, call_host, call_fail, boom */
  CHECK(wasm_frame_module_offset(origin) > 0);
  CHECK(wasm_frame_instance(origin) != NULL);
  wasm_frame_t *origin2 = wasm_frame_copy(origin);
  CHECK(wasm_frame_func_offset(origin2) == wasm_frame_func_offset(origin));
  wasm_frame_delete(origin2);
  wasm_frame_delete(origin);
  wasm_frame_vec_t trace;
  wasm_trap_trace(trap, &trace);
  CHECK(trace.size == 2);
  CHECK(trace.size == 2 && wasm_frame_func_index(trace.data[1]) == 6);
  wasm_frame_vec_delete(&trace);
  wasm_trap_t *tcopy = wasm_trap_copy(trap);
  CHECK(wasm_trap_same(trap, tcopy));
  wasm_trap_delete(tcopy);
  wasm_trap_delete(trap);

  /* 5: multi-value results. */
  wasm_val_t sargs[2] = {WASM_I64_VAL(-9), WASM_F64_VAL(0.25)};
  wasm_val_t sres[2] = {WASM_INIT_VAL, WASM_INIT_VAL};
  wasm_val_vec_t sargv = WASM_ARRAY_VEC(sargs), sresv = WASM_ARRAY_VEC(sres);
  CHECK(wasm_func_call(export_func(&ex, 5), &sargv, &sresv) == NULL);
  CHECK(sres[0].kind == WASM_F64 && sres[0].of.f64 == 0.25);
  CHECK(sres[1].kind == WASM_I64 && sres[1].of.i64 == -9);

  /* 6: division by zero, 7: stack exhaustion: traps, and the store stays usable. */
  wasm_val_t dargs[2] = {WASM_I32_VAL(1), WASM_I32_VAL(0)};
  wasm_val_vec_t dargv = WASM_ARRAY_VEC(dargs);
  trap = wasm_func_call(export_func(&ex, 6), &dargv, &resv);
  CHECK(trap != NULL && trap_says(trap, "integer divide by zero"));
  wasm_trap_delete(trap);
  trap = wasm_func_call(export_func(&ex, 7), &empty, &empty);
  CHECK(trap != NULL && trap_says(trap, "call stack exhausted"));
  wasm_trap_delete(trap);
  CHECK(wasm_func_call(export_func(&ex, 0), &argv, &resv) == NULL && res[0].of.i32 == 42);

  wasm_extern_vec_delete(&ex);
  wasm_instance_delete(inst);
  wasm_func_delete(add);
  wasm_func_delete(fail);
  wasm_functype_delete(add_ty);
  wasm_functype_delete(fail_ty);
  wasm_module_delete(module);
  CHECK(env_finalized == 0);
  wasm_store_delete(store);
  CHECK(env_finalized == 1);
  wasm_engine_delete(engine);
  return check_done("test_func");
}
