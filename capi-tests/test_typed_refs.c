/* Typed function references (WebAssembly 3.0) through plain wasm.h:
 * typed parameters show as funcref, functions pass through them, null and
 * functions of another signature are refused, a null call_ref traps.
 * Runs in the strategy WASMRT_STRATEGY names. */
#include <wasmrt.h>
#include "check.h"

/* Calls f with one reference argument (NULL for null); returns the trap. */
static wasm_trap_t *call_with_ref(wasm_func_t *f, wasm_ref_t *r, int32_t *out) {
  wasm_val_t args[1] = {{.kind = WASM_FUNCREF, .of = {.ref = r}}};
  wasm_val_t results[1] = {WASM_INIT_VAL};
  wasm_val_vec_t a = WASM_ARRAY_VEC(args), res = WASM_ARRAY_VEC(results);
  wasm_trap_t *trap = wasm_func_call(f, &a, &res);
  if (!trap) *out = results[0].of.i32;
  return trap;
}

int main(void) {
  wasm_engine_t *engine = wasm_engine_new();
  wasm_store_t *store = wasm_store_new(engine);
  wasm_module_t *module = load_module(store, "typed_refs");

  wasm_exporttype_vec_t types;
  wasm_module_exports(module, &types);
  wasm_extern_vec_t imports = WASM_EMPTY_VEC, exports;
  wasm_instance_t *inst = wasm_instance_new(store, module, &imports, NULL);
  CHECK(inst != NULL);
  wasm_instance_exports(inst, &exports);

  wasm_func_t *take = wasm_extern_as_func(export_named(&exports, &types, "take"));
  wasm_func_t *call_or_trap = wasm_extern_as_func(export_named(&exports, &types, "call_or_trap"));
  wasm_func_t *get_inc = wasm_extern_as_func(export_named(&exports, &types, "get_inc"));
  wasm_func_t *inc = wasm_extern_as_func(export_named(&exports, &types, "inc"));
  wasm_func_t *other = wasm_extern_as_func(export_named(&exports, &types, "other"));

  /* (ref $unary) and (ref null $unary) show as funcref. */
  wasm_functype_t *ft = wasm_func_type(take);
  CHECK(wasm_functype_params(ft)->size == 1);
  CHECK(wasm_valtype_kind(wasm_functype_params(ft)->data[0]) == WASM_FUNCREF);
  /* wasmrt.h says what the kind cannot. */
  wasmrt_heap_type_t heap = WASMRT_HEAP_TYPE_FUNC;
  bool nullable = true;
  CHECK(wasmrt_valtype_ref(wasm_functype_params(ft)->data[0], &heap, &nullable));
  CHECK(heap == WASMRT_HEAP_TYPE_CONCRETE_FUNC && !nullable);
  wasm_functype_delete(ft);
  ft = wasm_func_type(call_or_trap);
  CHECK(wasmrt_valtype_ref(wasm_functype_params(ft)->data[0], &heap, &nullable) && nullable);
  wasm_functype_delete(ft);
  wasm_valtype_t *i32 = wasm_valtype_new(WASM_I32);
  CHECK(!wasmrt_valtype_ref(i32, NULL, NULL));
  wasm_valtype_delete(i32);
  wasm_valtype_t *exnref = wasmrt_valtype_new_ref(WASMRT_HEAP_TYPE_EXN, true);
  CHECK(exnref != NULL && wasmrt_valtype_ref(exnref, &heap, &nullable));
  CHECK(heap == WASMRT_HEAP_TYPE_EXN && nullable);
  if (exnref) wasm_valtype_delete(exnref);
  CHECK(wasmrt_valtype_new_ref(WASMRT_HEAP_TYPE_CONCRETE_FUNC, true) == NULL);
  ft = wasm_func_type(get_inc);
  CHECK(wasm_valtype_kind(wasm_functype_results(ft)->data[0]) == WASM_FUNCREF);
  wasm_functype_delete(ft);

  /* A function of the right signature passes; null and another
     signature are refused before the call. */
  int32_t out = 0;
  wasm_trap_t *trap = call_with_ref(take, wasm_func_as_ref(inc), &out);
  CHECK(trap == NULL && out == 42);
  trap = call_with_ref(take, NULL, &out);
  CHECK(trap != NULL);
  if (trap) wasm_trap_delete(trap);
  trap = call_with_ref(take, wasm_func_as_ref(other), &out);
  CHECK(trap != NULL);
  if (trap) wasm_trap_delete(trap);

  /* A typed result comes back as a function reference. */
  wasm_val_t none[1] = {WASM_INIT_VAL};
  wasm_val_vec_t no_args = WASM_EMPTY_VEC, res = WASM_ARRAY_VEC(none);
  trap = wasm_func_call(get_inc, &no_args, &res);
  CHECK(trap == NULL && none[0].kind == WASM_FUNCREF && none[0].of.ref != NULL);
  if (!trap && none[0].of.ref) {
    wasm_func_t *again = wasm_ref_as_func(none[0].of.ref);
    CHECK(again != NULL);
    trap = call_with_ref(call_or_trap, wasm_func_as_ref(again), &out);
    CHECK(trap == NULL && out == 2);
    wasm_ref_delete(none[0].of.ref);
  }

  /* call_ref on null traps with its own message. */
  trap = call_with_ref(call_or_trap, NULL, &out);
  CHECK(trap != NULL && trap_says(trap, "null function reference"));
  wasmrt_trap_code_t code;
  CHECK(trap != NULL && wasmrt_trap_code(trap, &code) && code == WASMRT_TRAP_NULL_REFERENCE);
  if (trap) wasm_trap_delete(trap);

  wasm_extern_vec_delete(&exports);
  wasm_exporttype_vec_delete(&types);
  wasm_instance_delete(inst);

  /* With the proposal off, the module is refused. */
  wasm_config_t *config = wasm_config_new();
  wasmrt_config_feature_set(config, WASMRT_FEATURE_FUNCTION_REFERENCES, false);
  wasm_engine_t *strict = wasm_engine_new_with_config(config);
  wasm_store_t *strict_store = wasm_store_new(strict);
  FILE *f = fopen("typed_refs.wasm", "rb");
  CHECK(f != NULL);
  if (f) {
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    wasm_byte_vec_t bytes;
    wasm_byte_vec_new_uninitialized(&bytes, (size_t)size);
    CHECK(fread(bytes.data, 1, (size_t)size, f) == (size_t)size);
    fclose(f);
    CHECK(wasm_module_validate(strict_store, &bytes) == false);
    CHECK(wasm_module_validate(store, &bytes) == true);
    wasm_byte_vec_delete(&bytes);
  }
  wasm_store_delete(strict_store);
  wasm_engine_delete(strict);

  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return check_done("test_typed_refs");
}
