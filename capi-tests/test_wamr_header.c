/* wasm_c_api.h, the header name WAMR programs include: it is wasm.h plus
 * WAMR's names for the v128 value kind, which must mean wasmrt's v128. */
#include <wasm_c_api.h>
#include "check.h"

static wasm_trap_t *host_unused(const wasm_val_vec_t *args, wasm_val_vec_t *results) {
  (void)args;
  (void)results;
  return NULL;
}

/* Instantiates the module with a host function "v" of type (param) -> i32;
   returns whether that linked. */
static int links_with(wasm_store_t *store, wasm_module_t *m, wasm_valtype_t *param) {
  wasm_functype_t *t = wasm_functype_new_1_1(param, wasm_valtype_new_i32());
  wasm_func_t *f = wasm_func_new(store, t, host_unused);
  wasm_functype_delete(t);
  wasm_extern_t *imps[] = {wasm_func_as_extern(f)};
  wasm_extern_vec_t iv = WASM_ARRAY_VEC(imps);
  wasm_trap_t *trap = NULL;
  wasm_instance_t *inst = wasm_instance_new(store, m, &iv, &trap);
  int ok = inst != NULL;
  if (inst) wasm_instance_delete(inst);
  if (trap) wasm_trap_delete(trap);
  wasm_func_delete(f);
  return ok;
}

int main(void) {
  CHECK(WASM_V128 == 4);
  wasm_valtype_t *v = wasm_valtype_new_v128();
  CHECK(v != NULL && wasm_valtype_kind(v) == WASM_V128);
  CHECK(wasm_valkind_is_num(WASM_V128) && !wasm_valtype_is_ref(v));
  wasm_valtype_delete(v);

  wasm_engine_t *engine = wasm_engine_new();
  wasm_store_t *store = wasm_store_new(engine);
  wasm_module_t *m = load_module(store, "wamr_header");

  /* Reflection names v128 parameters with WASM_V128. */
  wasm_importtype_vec_t imports;
  wasm_module_imports(m, &imports);
  CHECK(imports.size == 1);
  const wasm_functype_t *it = wasm_externtype_as_functype_const(wasm_importtype_type(imports.data[0]));
  CHECK(it && wasm_functype_params(it)->size == 1 &&
        wasm_valtype_kind(wasm_functype_params(it)->data[0]) == WASM_V128);
  wasm_importtype_vec_delete(&imports);
  wasm_exporttype_vec_t exports;
  wasm_module_exports(m, &exports);
  CHECK(exports.size == 1);
  const wasm_functype_t *et = wasm_externtype_as_functype_const(wasm_exporttype_type(exports.data[0]));
  CHECK(et && wasm_valtype_kind(wasm_functype_params(et)->data[0]) == WASM_V128);
  wasm_exporttype_vec_delete(&exports);

  /* A host function typed with wasm_valtype_new_v128() satisfies a v128
     import; one with an i64 parameter in its place does not. */
  CHECK(links_with(store, m, wasm_valtype_new_v128()));
  CHECK(!links_with(store, m, wasm_valtype_new_i64()));

  wasm_module_delete(m);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return check_done("wamr_header");
}
