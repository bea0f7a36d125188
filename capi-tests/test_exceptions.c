/* Exception handling (WebAssembly 3.0) through the C API: tags exported
 * and imported with plain wasm.h, an uncaught guest exception seen as a
 * trap, and (wasmrt.h) its tag and payload, host-made tags and host
 * functions that throw. Runs in the strategy WASMRT_STRATEGY names. */
#include <wasmrt.h>
#include "check.h"

static wasm_extern_t *find(const wasm_extern_vec_t *exports, const wasm_exporttype_vec_t *types,
                           const char *name) {
  for (size_t i = 0; i < types->size; i++) {
    const wasm_name_t *n = wasm_exporttype_name(types->data[i]);
    if (n->size == strlen(name) && memcmp(n->data, name, n->size) == 0) return exports->data[i];
  }
  fprintf(stderr, "no export %s\n", name);
  exit(2);
}

struct thrower {
  wasm_store_t *store;
  wasm_extern_t *tag;
};

/* A host function that throws the host tag with its argument. */
static wasm_trap_t *host_throw(void *env, const wasm_val_vec_t *args, wasm_val_vec_t *results) {
  (void)results;
  struct thrower *t = (struct thrower *)env;
  return wasmrt_trap_throw(t->store, t->tag, args);
}

static wasm_trap_t *call_i32(wasm_func_t *f, int32_t arg, int32_t *out) {
  wasm_val_t a[1] = {WASM_I32_VAL(arg)};
  wasm_val_t r[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(a), res = WASM_ARRAY_VEC(r);
  if (wasm_func_result_arity(f) == 0) res.size = 0;
  wasm_trap_t *trap = wasm_func_call(f, &args, &res);
  if (!trap && out) *out = r[0].of.i32;
  return trap;
}

int main(void) {
  wasm_engine_t *engine = wasm_engine_new();
  wasm_store_t *store = wasm_store_new(engine);

  /* Plain wasm.h: an instance exports a tag, its type is a tag type. */
  wasm_module_t *other_m = load_module(store, "exceptions_other");
  wasm_extern_vec_t none = WASM_EMPTY_VEC, other_exports;
  wasm_instance_t *other = wasm_instance_new(store, other_m, &none, NULL);
  CHECK(other != NULL);
  wasm_instance_exports(other, &other_exports);
  CHECK(other_exports.size == 1);
  wasm_extern_t *other_tag = other_exports.data[0];
  CHECK(wasm_extern_kind(other_tag) == WASM_EXTERN_TAG);
  wasm_externtype_t *et = wasm_extern_type(other_tag);
  CHECK(wasm_externtype_kind(et) == WASM_EXTERN_TAG);
  const wasm_tagtype_t *tt = wasm_externtype_as_tagtype_const(et);
  CHECK(tt != NULL);
  if (tt) {
    const wasm_functype_t *ft = wasm_tagtype_functype(tt);
    CHECK(wasm_functype_params(ft)->size == 1);
    CHECK(wasm_valtype_kind(wasm_functype_params(ft)->data[0]) == WASM_I32);
  }
  wasm_externtype_delete(et);

  wasm_module_t *module = load_module(store, "exceptions");
  /* The imports list the tags with kind WASM_EXTERN_TAG. */
  wasm_importtype_vec_t imports_ty;
  wasm_module_imports(module, &imports_ty);
  CHECK(imports_ty.size == 3);
  CHECK(wasm_externtype_kind(wasm_importtype_type(imports_ty.data[0])) == WASM_EXTERN_TAG);
  CHECK(wasm_externtype_kind(wasm_importtype_type(imports_ty.data[1])) == WASM_EXTERN_FUNC);
  CHECK(wasm_externtype_kind(wasm_importtype_type(imports_ty.data[2])) == WASM_EXTERN_TAG);
  wasm_importtype_vec_delete(&imports_ty);

  /* wasmrt.h: a tag made by the host, and a host function throwing it. */
  wasm_valtype_t *i32 = wasm_valtype_new(WASM_I32);
  wasm_valtype_vec_t params, results;
  wasm_valtype_vec_new(&params, 1, &i32);
  wasm_valtype_vec_new_empty(&results);
  wasm_functype_t *unary = wasm_functype_new(&params, &results);
  wasm_tagtype_t *host_tt = wasm_tagtype_new(wasm_functype_copy(unary));
  wasm_extern_t *host_tag = wasmrt_tag_new(store, host_tt);
  CHECK(host_tag != NULL && wasm_extern_kind(host_tag) == WASM_EXTERN_TAG);
  wasm_tagtype_delete(host_tt);
  struct thrower env = {store, host_tag};
  wasm_func_t *thrower = wasm_func_new_with_env(store, unary, host_throw, &env, NULL);
  wasm_functype_delete(unary);

  wasm_extern_t *imports[3] = {host_tag, wasm_func_as_extern(thrower), other_tag};
  wasm_extern_vec_t import_vec = WASM_ARRAY_VEC(imports);
  wasm_instance_t *inst = wasm_instance_new(store, module, &import_vec, NULL);
  CHECK(inst != NULL);
  wasm_exporttype_vec_t types;
  wasm_module_exports(module, &types);
  wasm_extern_vec_t exports;
  wasm_instance_exports(inst, &exports);
  wasm_extern_t *e = find(&exports, &types, "e");
  CHECK(wasm_extern_kind(e) == WASM_EXTERN_TAG);

  /* An uncaught guest exception is a trap... */
  wasm_trap_t *trap = call_i32(wasm_extern_as_func(find(&exports, &types, "uncaught")), 5, NULL);
  CHECK(trap != NULL && trap_says(trap, "uncaught exception"));
  if (trap) {
    /* ...whose exception has the exported tag and the payload. */
    wasm_ref_t *exn = wasmrt_trap_exception(trap);
    CHECK(exn != NULL);
    wasm_extern_t *tag = wasmrt_exnref_tag(exn);
    CHECK(tag != NULL && wasm_extern_same(tag, e) && !wasm_extern_same(tag, host_tag));
    wasm_val_vec_t payload;
    wasmrt_exnref_payload(exn, &payload);
    CHECK(payload.size == 1 && payload.data[0].kind == WASM_I32 && payload.data[0].of.i32 == 5);
    wasm_val_vec_delete(&payload);
    if (tag) wasm_extern_delete(tag);
    if (exn) wasm_ref_delete(exn);
    wasm_trap_delete(trap);
  }

  /* An exception of the tag imported from the other instance. */
  trap = call_i32(wasm_extern_as_func(find(&exports, &types, "throw_other")), 8, NULL);
  CHECK(trap != NULL);
  if (trap) {
    wasm_ref_t *exn = wasmrt_trap_exception(trap);
    wasm_extern_t *tag = exn ? wasmrt_exnref_tag(exn) : NULL;
    CHECK(tag != NULL && wasm_extern_same(tag, other_tag));
    if (tag) wasm_extern_delete(tag);
    if (exn) wasm_ref_delete(exn);
    wasm_trap_delete(trap);
  }

  /* The host throws, the guest catches. */
  int32_t out = 0;
  trap = call_i32(wasm_extern_as_func(find(&exports, &types, "catch_host")), 42, &out);
  CHECK(trap == NULL && out == 42);
  if (trap) wasm_trap_delete(trap);

  /* A trap is no exception: no handler catches it. */
  wasm_val_vec_t no_vals = WASM_EMPTY_VEC;
  trap = wasm_func_call(wasm_extern_as_func(find(&exports, &types, "trap")), &no_vals, &no_vals);
  CHECK(trap != NULL && trap_says(trap, "unreachable"));
  if (trap) {
    CHECK(wasmrt_trap_exception(trap) == NULL);
    wasm_trap_delete(trap);
  }

  /* wasmrt_trap_throw refuses a payload of the wrong type. */
  wasm_val_t bad[1] = {WASM_I64_VAL(1)};
  wasm_val_vec_t bad_vec = WASM_ARRAY_VEC(bad);
  CHECK(wasmrt_trap_throw(store, host_tag, &bad_vec) == NULL);
  CHECK(wasmrt_trap_throw(store, host_tag, NULL) == NULL);
  CHECK(wasmrt_trap_exception(NULL) == NULL);

  /* With the proposal off, modules using it are refused. */
  wasm_config_t *config = wasm_config_new();
  wasmrt_config_feature_set(config, WASMRT_FEATURE_EXCEPTIONS, false);
  wasm_engine_t *strict = wasm_engine_new_with_config(config);
  wasm_store_t *strict_store = wasm_store_new(strict);
  const char *text = "(module (tag))";
  wasm_byte_vec_t bin;
  CHECK(wasmrt_wat2wasm(text, strlen(text), &bin) == NULL);
  CHECK(wasm_module_validate(strict_store, &bin) == false);
  CHECK(wasm_module_validate(store, &bin) == true);
  wasm_byte_vec_delete(&bin);
  wasm_store_delete(strict_store);
  wasm_engine_delete(strict);

  wasm_extern_vec_delete(&exports);
  wasm_exporttype_vec_delete(&types);
  wasm_instance_delete(inst);
  wasm_func_delete(thrower);
  wasm_extern_delete(host_tag);
  wasm_extern_vec_delete(&other_exports);
  wasm_instance_delete(other);
  wasm_module_delete(module);
  wasm_module_delete(other_m);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return check_done("test_exceptions");
}
