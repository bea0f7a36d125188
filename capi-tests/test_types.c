/* Types and vectors: construction, accessors, copies, extern-type views. */
#include "check.h"

int main(void) {
  /* Value types. */
  wasm_valtype_t *i32 = wasm_valtype_new_i32();
  CHECK(wasm_valtype_kind(i32) == WASM_I32);
  CHECK(wasm_valtype_is_num(i32) && !wasm_valtype_is_ref(i32));
  wasm_valtype_t *fr = wasm_valtype_new(WASM_FUNCREF);
  CHECK(wasm_valtype_kind(fr) == WASM_FUNCREF && wasm_valtype_is_ref(fr));
  wasm_valtype_t *copy = wasm_valtype_copy(fr);
  CHECK(wasm_valtype_kind(copy) == WASM_FUNCREF);
  wasm_valtype_delete(copy);
  wasm_valtype_delete(fr);
  wasm_valtype_delete(i32);

  /* Function types, via the short-hands and directly. */
  wasm_functype_t *ft = wasm_functype_new_2_1(wasm_valtype_new_i32(), wasm_valtype_new_f64(),
                                              wasm_valtype_new_externref());
  const wasm_valtype_vec_t *ps = wasm_functype_params(ft);
  const wasm_valtype_vec_t *rs = wasm_functype_results(ft);
  CHECK(ps->size == 2 && rs->size == 1);
  CHECK(wasm_valtype_kind(ps->data[1]) == WASM_F64);
  CHECK(wasm_valtype_kind(rs->data[0]) == WASM_EXTERNREF);
  wasm_functype_t *ft2 = wasm_functype_copy(ft);
  CHECK(wasm_functype_params(ft2)->size == 2);

  /* Extern-type views alias the same object. */
  wasm_externtype_t *et = wasm_functype_as_externtype(ft2);
  CHECK(wasm_externtype_kind(et) == WASM_EXTERN_FUNC);
  CHECK(wasm_externtype_as_functype(et) == ft2);
  CHECK(wasm_externtype_as_globaltype(et) == NULL);
  CHECK(wasm_externtype_as_functype_const(wasm_functype_as_externtype_const(ft2)) == ft2);
  wasm_functype_delete(ft2);
  wasm_functype_delete(ft);

  wasm_valtype_vec_t none = WASM_EMPTY_VEC;
  wasm_valtype_vec_t none2 = WASM_EMPTY_VEC;
  wasm_functype_t *ft0 = wasm_functype_new(&none, &none2);
  CHECK(wasm_functype_params(ft0)->size == 0);
  wasm_functype_delete(ft0);

  /* Global types. */
  wasm_globaltype_t *gt = wasm_globaltype_new(wasm_valtype_new_i64(), WASM_VAR);
  CHECK(wasm_valtype_kind(wasm_globaltype_content(gt)) == WASM_I64);
  CHECK(wasm_globaltype_mutability(gt) == WASM_VAR);
  CHECK(wasm_externtype_kind(wasm_globaltype_as_externtype_const(gt)) == WASM_EXTERN_GLOBAL);
  wasm_globaltype_delete(gt);

  /* Table and memory types keep their limits; max = default means none. */
  wasm_limits_t lim = {2, 10};
  wasm_tabletype_t *tt = wasm_tabletype_new(wasm_valtype_new_funcref(), &lim);
  CHECK(wasm_tabletype_limits(tt)->min == 2 && wasm_tabletype_limits(tt)->max == 10);
  CHECK(wasm_valtype_kind(wasm_tabletype_element(tt)) == WASM_FUNCREF);
  wasm_tabletype_delete(tt);
  wasm_limits_t open = {1, wasm_limits_max_default};
  wasm_memorytype_t *mt = wasm_memorytype_new(&open);
  CHECK(wasm_memorytype_limits(mt)->max == wasm_limits_max_default);
  wasm_externtype_t *mext = wasm_memorytype_as_externtype(mt);
  CHECK(wasm_externtype_kind(mext) == WASM_EXTERN_MEMORY);
  CHECK(wasm_externtype_as_memorytype(mext) == mt);
  wasm_memorytype_delete(mt);

  /* Tag types wrap a function type. */
  wasm_tagtype_t *tag = wasm_tagtype_new(wasm_functype_new_1_0(wasm_valtype_new_i32()));
  CHECK(wasm_functype_params(wasm_tagtype_functype(tag))->size == 1);
  CHECK(wasm_externtype_kind(wasm_tagtype_as_externtype(tag)) == WASM_EXTERN_TAG);
  wasm_tagtype_delete(tag);

  /* Import and export types own their names and types. */
  wasm_name_t mod, name, ename;
  wasm_name_new_from_string(&mod, "env");
  wasm_name_new_from_string(&name, "f");
  wasm_importtype_t *it = wasm_importtype_new(
      &mod, &name, wasm_functype_as_externtype(wasm_functype_new_0_0()));
  CHECK(wasm_importtype_module(it)->size == 3 && memcmp(wasm_importtype_module(it)->data, "env", 3) == 0);
  CHECK(wasm_importtype_name(it)->size == 1);
  CHECK(wasm_externtype_kind(wasm_importtype_type(it)) == WASM_EXTERN_FUNC);
  wasm_importtype_t *it2 = wasm_importtype_copy(it);
  wasm_importtype_delete(it);
  CHECK(wasm_importtype_name(it2)->data[0] == 'f');
  wasm_importtype_delete(it2);
  wasm_name_new_from_string_nt(&ename, "out");
  CHECK(ename.size == 4 && ename.data[3] == '\0');
  wasm_limits_t one = {1, 1};
  wasm_exporttype_t *xt = wasm_exporttype_new(&ename, wasm_memorytype_as_externtype(wasm_memorytype_new(&one)));
  CHECK(wasm_exporttype_name(xt)->size == 4);
  wasm_exporttype_delete(xt);

  /* Vectors: new, copy (deep), uninitialized, delete of every kind. */
  wasm_byte_vec_t b, b2;
  wasm_byte_vec_new(&b, 3, "abc");
  wasm_byte_vec_copy(&b2, &b);
  CHECK(b2.size == 3 && b2.data != b.data && memcmp(b2.data, "abc", 3) == 0);
  wasm_byte_vec_delete(&b);
  wasm_byte_vec_delete(&b2);
  CHECK(b.data == NULL && b.size == 0);
  wasm_valtype_vec_t vts, vts2;
  wasm_valtype_t *arr[2] = {wasm_valtype_new_i32(), wasm_valtype_new_f32()};
  wasm_valtype_vec_new(&vts, 2, arr);
  wasm_valtype_vec_copy(&vts2, &vts);
  CHECK(vts2.data[1] != vts.data[1] && wasm_valtype_kind(vts2.data[1]) == WASM_F32);
  wasm_valtype_vec_delete(&vts);
  wasm_valtype_vec_delete(&vts2);
  wasm_val_vec_t vals;
  wasm_val_vec_new_uninitialized(&vals, 4);
  CHECK(vals.size == 4);
  wasm_val_vec_delete(&vals);
  wasm_extern_vec_t ev;
  wasm_extern_vec_new_empty(&ev);
  CHECK(ev.size == 0);
  wasm_extern_vec_delete(&ev);
  wasm_frame_vec_t fv;
  wasm_frame_vec_new_uninitialized(&fv, 2);
  CHECK(fv.size == 2 && fv.data[0] == NULL);
  wasm_frame_vec_delete(&fv);
  wasm_importtype_vec_t iv;
  wasm_importtype_vec_new_empty(&iv);
  wasm_importtype_vec_delete(&iv);

  /* Values. */
  wasm_val_t v = WASM_F64_VAL(2.5), v2;
  wasm_val_copy(&v2, &v);
  CHECK(v2.kind == WASM_F64 && v2.of.f64 == 2.5);
  wasm_val_delete(&v2);
  int x = 5;
  wasm_val_t pv;
  wasm_val_init_ptr(&pv, &x);
  CHECK(wasm_val_ptr(&pv) == &x);
  return check_done("test_types");
}
