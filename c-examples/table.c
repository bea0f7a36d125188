/* table.c: tables of function references — calling through them, putting
 * a host function into one, growing it, and the traps for empty slots. */
#include "example.h"

static wasm_trap_t *negate(const wasm_val_vec_t *args, wasm_val_vec_t *results) {
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = -args->data[0].of.i32;
  return NULL;
}

static int apply(const wasm_func_t *f, int op, int x, int *out) {
  wasm_val_t args[2] = {WASM_I32_VAL(op), WASM_I32_VAL(x)};
  wasm_val_t result[1] = {WASM_INIT_VAL};
  wasm_val_vec_t argv = WASM_ARRAY_VEC(args), resv = WASM_ARRAY_VEC(result);
  wasm_trap_t *trap = wasm_func_call(f, &argv, &resv);
  if (trap) {
    wasm_message_t m;
    wasm_trap_message(trap, &m);
    printf("apply(%d, %d) traps: %s\n", op, x, m.data);
    wasm_byte_vec_delete(&m);
    wasm_trap_delete(trap);
    return 0;
  }
  *out = result[0].of.i32;
  printf("apply(%d, %d) = %d\n", op, x, *out);
  return 1;
}

int main(void) {
  wasm_engine_t *engine = wasm_engine_new();
  wasm_store_t *store = wasm_store_new(engine);
  wasm_module_t *module = example_load(store, "table.wasm");
  wasm_extern_vec_t none = WASM_EMPTY_VEC;
  wasm_instance_t *instance = wasm_instance_new(store, module, &none, NULL);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_table_t *ops = wasm_extern_as_table(exports.data[0]);
  const wasm_func_t *apply_fn = wasm_extern_as_func(exports.data[1]);

  int r = 0, ok = 1;
  ok &= apply(apply_fn, 0, 21, &r) && r == 42;
  ok &= apply(apply_fn, 1, 9, &r) && r == 81;
  ok &= !apply(apply_fn, 2, 1, &r); /* empty slot: "uninitialized element" */

  /* A host function of the right type can fill the slot. */
  wasm_functype_t *type = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
  wasm_func_t *neg = wasm_func_new(store, type, negate);
  wasm_functype_delete(type);
  ok &= wasm_table_set(ops, 2, wasm_func_as_ref(neg));
  ok &= apply(apply_fn, 2, 5, &r) && r == -5;

  /* Growing adds null slots; beyond the end is "undefined element". */
  ok &= wasm_table_grow(ops, 2, NULL) && wasm_table_size(ops) == 5;
  ok &= !apply(apply_fn, 9, 1, &r);
  printf("table size now %u\n", wasm_table_size(ops));

  wasm_func_delete(neg);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return ok ? 0 : 1;
}
