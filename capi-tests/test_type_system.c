/* The WebAssembly 3.0 type system through plain wasm.h (and wasmrt.h for
 * what wasm.h cannot name): call_indirect accepts a declared subtype and
 * refuses a look-alike from another rec group; GC types hold only null;
 * a module with a GC instruction is refused as unsupported.
 * Runs in the strategy WASMRT_STRATEGY names. */
#include <wasmrt.h>
#include "check.h"

/* Calls f(arg) with one i32 argument; the result in *out, or the trap. */
static wasm_trap_t *call_i32(wasm_func_t *f, int32_t arg, int32_t *out) {
  wasm_val_t args[1] = {WASM_I32_VAL(arg)};
  wasm_val_t results[1] = {WASM_INIT_VAL};
  wasm_val_vec_t a = WASM_ARRAY_VEC(args), r = WASM_ARRAY_VEC(results);
  wasm_trap_t *trap = wasm_func_call(f, &a, &r);
  if (!trap) *out = results[0].of.i32;
  return trap;
}

static wasm_byte_vec_t wat_bytes(const char *wat) {
  wasm_byte_vec_t bytes = {0, NULL};
  struct wasmrt_error_t *err = wasmrt_wat2wasm(wat, strlen(wat), &bytes);
  CHECK(err == NULL);
  if (err) wasmrt_error_delete(err);
  return bytes;
}

/* Whether the (not NUL-terminated) message contains `want`. */
static int message_says(const wasm_byte_vec_t *msg, const char *want) {
  size_t n = strlen(want);
  for (size_t i = 0; i + n <= msg->size; i++)
    if (memcmp(msg->data + i, want, n) == 0) return 1;
  return 0;
}

int main(void) {
  wasm_engine_t *engine = wasm_engine_new();
  wasm_store_t *store = wasm_store_new(engine);
  wasm_module_t *module = load_module(store, "type_system");
  wasm_exporttype_vec_t types;
  wasm_module_exports(module, &types);
  wasm_extern_vec_t imports = WASM_EMPTY_VEC, exports;
  wasm_instance_t *inst = wasm_instance_new(store, module, &imports, NULL);
  CHECK(inst != NULL);
  wasm_instance_exports(inst, &exports);

  /* A declared subtype is called through its supertype; the look-alike
     (same signature, another rec group) is a different type. */
  wasm_func_t *call_base = wasm_extern_as_func(export_named(&exports, &types, "call_base"));
  int32_t out = 0;
  wasm_trap_t *trap = call_i32(call_base, 0, &out);
  CHECK(trap == NULL && out == 7);
  trap = call_i32(call_base, 1, &out);
  CHECK(trap != NULL && trap_says(trap, "indirect call type mismatch"));
  if (trap) wasm_trap_delete(trap);

  /* An anyref global: null, shown as an externref-kind value; wasmrt.h
     names its heap type. */
  wasm_global_t *nothing = wasm_extern_as_global(export_named(&exports, &types, "nothing"));
  wasm_globaltype_t *gt = wasm_global_type(nothing);
  const wasm_valtype_t *content = wasm_globaltype_content(gt);
  CHECK(wasm_valtype_kind(content) == WASM_EXTERNREF);
  wasmrt_heap_type_t heap = WASMRT_HEAP_TYPE_FUNC;
  bool nullable = false;
  CHECK(wasmrt_valtype_ref(content, &heap, &nullable));
  CHECK(heap == WASMRT_HEAP_TYPE_ANY && nullable);
  wasm_globaltype_delete(gt);
  wasm_val_t v;
  wasm_global_get(nothing, &v);
  CHECK(v.kind == WASM_EXTERNREF && v.of.ref == NULL);
  /* Setting it to null works; a host object is no GC object. */
  wasm_val_t null_ref = {.kind = WASM_EXTERNREF, .of = {.ref = NULL}};
  wasm_global_set(nothing, &null_ref);
  wasm_foreign_t *host = wasm_foreign_new(store);
  wasm_val_t host_ref = {.kind = WASM_EXTERNREF, .of = {.ref = wasm_foreign_as_ref(host)}};
  wasm_global_set(nothing, &host_ref);
  wasm_global_get(nothing, &v);
  CHECK(v.of.ref == NULL);
  wasm_foreign_delete(host);

  /* A (ref null $struct) parameter takes null. */
  wasm_func_t *is_null = wasm_extern_as_func(export_named(&exports, &types, "is_null"));
  wasm_functype_t *ft = wasm_func_type(is_null);
  CHECK(wasmrt_valtype_ref(wasm_functype_params(ft)->data[0], &heap, &nullable));
  CHECK(heap == WASMRT_HEAP_TYPE_CONCRETE_STRUCT && nullable);
  wasm_functype_delete(ft);
  wasm_val_t args[1] = {null_ref};
  wasm_val_t results[1] = {WASM_INIT_VAL};
  wasm_val_vec_t a = WASM_ARRAY_VEC(args), r = WASM_ARRAY_VEC(results);
  trap = wasm_func_call(is_null, &a, &r);
  CHECK(trap == NULL && results[0].of.i32 == 1);
  if (trap) wasm_trap_delete(trap);

  /* GC types can be made for host signatures too. */
  wasm_valtype_t *nullref = wasmrt_valtype_new_ref(WASMRT_HEAP_TYPE_NONE, true);
  CHECK(nullref != NULL && wasmrt_valtype_ref(nullref, &heap, NULL) && heap == WASMRT_HEAP_TYPE_NONE);
  if (nullref) wasm_valtype_delete(nullref);
  CHECK(wasmrt_valtype_new_ref(WASMRT_HEAP_TYPE_CONCRETE_STRUCT, true) == NULL);

  /* A GC instruction: valid WebAssembly, refused as unsupported. */
  wasm_byte_vec_t gc = wat_bytes(
      "(module (type $s (struct)) (func (result (ref $s)) (struct.new $s)))");
  CHECK(gc.size > 0);
  CHECK(!wasm_module_validate(store, &gc));
  CHECK(wasm_module_new(store, &gc) == NULL);
  wasm_module_t *refused = NULL;
  struct wasmrt_error_t *err = wasmrt_module_new(store, &gc, &refused);
  CHECK(err != NULL && refused == NULL);
  if (err) {
    wasm_byte_vec_t msg;
    wasmrt_error_message(err, &msg);
    CHECK(message_says(&msg, "GC objects are not supported"));
    wasm_byte_vec_delete(&msg);
    wasmrt_error_delete(err);
  }
  wasm_byte_vec_delete(&gc);

  wasm_extern_vec_delete(&exports);
  wasm_exporttype_vec_delete(&types);
  wasm_instance_delete(inst);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return check_done("test_type_system");
}
