/* hostref.c: host objects inside wasm. A wasm_foreign_t is an opaque host
 * object; passed as an externref it can be stored by wasm and comes back
 * as the very same object, host info included. */
#include "example.h"

struct person {
  const char *name;
};

static wasm_trap_t *call(const wasm_func_t *f, wasm_val_t *args, size_t nargs, wasm_val_t *res,
                         size_t nres) {
  wasm_val_vec_t argv = {nargs, args}, resv = {nres, res};
  return wasm_func_call(f, &argv, &resv);
}

int main(void) {
  wasm_engine_t *engine = wasm_engine_new();
  wasm_store_t *store = wasm_store_new(engine);
  wasm_module_t *module = example_load(store, "hostref.wasm");
  wasm_extern_vec_t none = WASM_EMPTY_VEC;
  wasm_instance_t *instance = wasm_instance_new(store, module, &none, NULL);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  const wasm_func_t *keep = wasm_extern_as_func(exports.data[1]);
  const wasm_func_t *fetch = wasm_extern_as_func(exports.data[2]);
  const wasm_func_t *is_null = wasm_extern_as_func(exports.data[3]);

  static struct person ada = {"Ada"};
  wasm_foreign_t *obj = wasm_foreign_new(store);
  wasm_foreign_set_host_info(obj, &ada);

  /* keep(3, obj): wasm stores the reference in its table. */
  wasm_val_t kargs[2] = {WASM_I32_VAL(3), WASM_REF_VAL(wasm_foreign_as_ref(obj))};
  wasm_trap_t *trap = call(keep, kargs, 2, NULL, 0);
  if (trap) return example_report(trap);

  /* fetch(3) returns it: same object, same host info. */
  wasm_val_t fargs[1] = {WASM_I32_VAL(3)};
  wasm_val_t fres[1] = {WASM_INIT_VAL};
  trap = call(fetch, fargs, 1, fres, 1);
  if (trap) return example_report(trap);
  wasm_ref_t *back = fres[0].of.ref;
  struct person *p = back ? (struct person *)wasm_ref_get_host_info(back) : NULL;
  printf("slot 3 holds %s; same object: %s\n", p ? p->name : "nothing",
         back && wasm_ref_same(back, wasm_foreign_as_ref(obj)) ? "yes" : "no");
  int ok = p == &ada && wasm_ref_as_foreign(back) != NULL;
  wasm_val_delete(&fres[0]);

  /* The host can read the table directly, and null is null. */
  wasm_ref_t *direct = wasm_table_get(wasm_extern_as_table(exports.data[0]), 3);
  ok &= direct && wasm_ref_same(direct, wasm_foreign_as_ref(obj));
  wasm_ref_delete(direct);
  wasm_val_t nargs[1] = {WASM_REF_VAL(NULL)};
  wasm_val_t nres[1] = {WASM_INIT_VAL};
  trap = call(is_null, nargs, 1, nres, 1);
  if (trap) return example_report(trap);
  ok &= nres[0].of.i32 == 1;
  printf("a null externref is null in wasm: %s\n", nres[0].of.i32 ? "yes" : "no");

  wasm_foreign_delete(obj);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return ok ? 0 : 1;
}
