/* multi.c: functions with several results, in both directions. */
#include "example.h"

static wasm_trap_t *divmod(const wasm_val_vec_t *args, wasm_val_vec_t *results) {
  int32_t a = args->data[0].of.i32, b = args->data[1].of.i32;
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = a / b;
  results->data[1].kind = WASM_I32;
  results->data[1].of.i32 = a % b;
  return NULL;
}

int main(void) {
  wasm_engine_t *engine = wasm_engine_new();
  wasm_store_t *store = wasm_store_new(engine);
  wasm_module_t *module = example_load(store, "multi.wasm");
  wasm_functype_t *type = wasm_functype_new_2_2(wasm_valtype_new_i32(), wasm_valtype_new_i32(),
                                                wasm_valtype_new_i32(), wasm_valtype_new_i32());
  wasm_func_t *host = wasm_func_new(store, type, divmod);
  wasm_functype_delete(type);
  wasm_extern_t *items[] = {wasm_func_as_extern(host)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(items);
  wasm_instance_t *instance = wasm_instance_new(store, module, &imports, NULL);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);

  wasm_val_t args[2] = {WASM_I64_VAL(7), WASM_I64_VAL(5)};
  wasm_val_t res[3] = {WASM_INIT_VAL, WASM_INIT_VAL, WASM_INIT_VAL};
  wasm_val_vec_t argv = WASM_ARRAY_VEC(args), resv = WASM_ARRAY_VEC(res);
  wasm_trap_t *trap = wasm_func_call(wasm_extern_as_func(exports.data[0]), &argv, &resv);
  if (trap) return example_report(trap);
  printf("stats(7, 5) = %lld %lld %lld\n", (long long)res[0].of.i64, (long long)res[1].of.i64,
         (long long)res[2].of.i64);

  wasm_val_t dargs[2] = {WASM_I32_VAL(17), WASM_I32_VAL(5)};
  wasm_val_t dres[2] = {WASM_INIT_VAL, WASM_INIT_VAL};
  wasm_val_vec_t dargv = WASM_ARRAY_VEC(dargs), dresv = WASM_ARRAY_VEC(dres);
  trap = wasm_func_call(wasm_extern_as_func(exports.data[1]), &dargv, &dresv);
  if (trap) return example_report(trap);
  printf("swapped_divmod(17, 5) = %d %d\n", dres[0].of.i32, dres[1].of.i32);

  int ok = res[0].of.i64 == 12 && res[1].of.i64 == 2 && res[2].of.i64 == 35 &&
           dres[0].of.i32 == 2 && dres[1].of.i32 == 3;
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(host);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return ok ? 0 : 1;
}
