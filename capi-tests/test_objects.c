/* Globals, tables, memories, externs, references, host info, finalizers,
 * foreign objects and externref round trips. */
#include "check.h"

static int finalized[4];

static void fin(void *p) { finalized[(int)(size_t)p]++; }

int main(void) {
  wasm_engine_t *engine = wasm_engine_new();
  wasm_store_t *store = wasm_store_new(engine);
  wasm_module_t *module = load_module(store, "objects");
  wasm_extern_vec_t none = WASM_EMPTY_VEC;
  wasm_instance_t *inst = wasm_instance_new(store, module, &none, NULL);
  CHECK(inst != NULL);
  wasm_extern_vec_t ex;
  wasm_instance_exports(inst, &ex);
  CHECK(ex.size == 11);
  /* Exports come in module order, with the right kinds. */
  CHECK(wasm_extern_kind(ex.data[0]) == WASM_EXTERN_FUNC);
  CHECK(wasm_extern_kind(ex.data[2]) == WASM_EXTERN_TABLE);
  CHECK(wasm_extern_kind(ex.data[7]) == WASM_EXTERN_GLOBAL);
  CHECK(wasm_extern_kind(ex.data[8]) == WASM_EXTERN_MEMORY);
  wasm_externtype_t *et = wasm_extern_type(ex.data[2]);
  CHECK(wasm_externtype_kind(et) == WASM_EXTERN_TABLE);
  CHECK(wasm_tabletype_limits(wasm_externtype_as_tabletype_const(et))->min == 4);
  wasm_externtype_delete(et);

  /* Exports outlive the instance handle. */
  wasm_instance_delete(inst);
  const wasm_func_t *id = wasm_extern_as_func_const(ex.data[0]);
  const wasm_func_t *is_null = wasm_extern_as_func_const(ex.data[1]);
  const wasm_func_t *put = wasm_extern_as_func_const(ex.data[3]);
  const wasm_func_t *get = wasm_extern_as_func_const(ex.data[4]);
  CHECK(wasm_extern_as_global(ex.data[0]) == NULL);

  /* A foreign object goes through wasm as an externref and comes back as
     the same object, with its host info. */
  wasm_foreign_t *obj = wasm_foreign_new(store);
  wasm_foreign_set_host_info_with_finalizer(obj, (void *)(size_t)0, fin);
  wasm_val_t args[1] = {WASM_REF_VAL(wasm_foreign_as_ref(obj))};
  wasm_val_t res[1] = {WASM_INIT_VAL};
  wasm_val_vec_t argv = WASM_ARRAY_VEC(args), resv = WASM_ARRAY_VEC(res);
  CHECK(wasm_func_call(id, &argv, &resv) == NULL);
  CHECK(res[0].of.ref != NULL);
  CHECK(wasm_ref_same(res[0].of.ref, wasm_foreign_as_ref(obj)));
  CHECK(wasm_ref_as_foreign(res[0].of.ref) != NULL);
  CHECK(wasm_ref_get_host_info(res[0].of.ref) == (void *)(size_t)0);
  wasm_val_delete(&res[0]);
  /* Null externref. */
  wasm_val_t nargs[1] = {WASM_REF_VAL(NULL)};
  wasm_val_vec_t nargv = WASM_ARRAY_VEC(nargs);
  CHECK(wasm_func_call(is_null, &nargv, &resv) == NULL && res[0].of.i32 == 1);
  CHECK(wasm_func_call(is_null, &argv, &resv) == NULL && res[0].of.i32 == 0);

  /* Stored in a table by wasm, read back by the host. */
  wasm_val_t pargs[2] = {WASM_I32_VAL(2), WASM_REF_VAL(wasm_foreign_as_ref(obj))};
  wasm_val_vec_t pargv = WASM_ARRAY_VEC(pargs);
  wasm_val_vec_t empty = WASM_EMPTY_VEC;
  CHECK(wasm_func_call(put, &pargv, &empty) == NULL);
  wasm_table_t *table = wasm_extern_as_table(ex.data[2]);
  CHECK(wasm_table_size(table) == 4);
  wasm_ref_t *r = wasm_table_get(table, 2);
  CHECK(r != NULL && wasm_ref_same(r, wasm_foreign_as_ref(obj)));
  wasm_ref_delete(r);
  CHECK(wasm_table_get(table, 1) == NULL);  /* null element */
  CHECK(wasm_table_get(table, 99) == NULL); /* out of bounds */
  /* Set by the host, read by wasm. A function can be an externref too. */
  wasm_func_t *eleven = wasm_extern_as_func(ex.data[5]);
  CHECK(wasm_table_set(table, 0, wasm_func_as_ref(eleven)));
  CHECK(!wasm_table_set(table, 10, NULL));
  wasm_val_t gargs[1] = {WASM_I32_VAL(0)};
  wasm_val_vec_t gargv = WASM_ARRAY_VEC(gargs);
  CHECK(wasm_func_call(get, &gargv, &resv) == NULL);
  CHECK(res[0].of.ref != NULL && wasm_ref_as_func(res[0].of.ref) != NULL);
  CHECK(wasm_ref_same(res[0].of.ref, wasm_func_as_ref(eleven)));
  wasm_val_delete(&res[0]);
  CHECK(wasm_table_grow(table, 2, NULL));
  CHECK(wasm_table_size(table) == 6);

  /* funcref results are functions that can be called. */
  wasm_val_t fres[1] = {WASM_INIT_VAL};
  wasm_val_vec_t fresv = WASM_ARRAY_VEC(fres);
  CHECK(wasm_func_call(wasm_extern_as_func_const(ex.data[6]), &empty, &fresv) == NULL);
  CHECK(fres[0].kind == WASM_FUNCREF && fres[0].of.ref != NULL);
  wasm_func_t *back = wasm_ref_as_func(fres[0].of.ref);
  CHECK(back != NULL && wasm_func_same(back, eleven));
  wasm_val_t eres[1] = {WASM_INIT_VAL};
  wasm_val_vec_t eresv = WASM_ARRAY_VEC(eres);
  CHECK(wasm_func_call(back, &empty, &eresv) == NULL && eres[0].of.i32 == 11);
  wasm_val_delete(&fres[0]);

  /* Globals: exported and host-made; const globals refuse writes. */
  wasm_global_t *g = wasm_extern_as_global(ex.data[7]);
  wasm_val_t gv;
  wasm_global_get(g, &gv);
  CHECK(gv.kind == WASM_I64 && gv.of.i64 == 1);
  wasm_val_t nv = WASM_I64_VAL(-5);
  wasm_global_set(g, &nv);
  wasm_global_get(g, &gv);
  CHECK(gv.of.i64 == -5);
  wasm_globaltype_t *cty = wasm_globaltype_new(wasm_valtype_new_f32(), WASM_CONST);
  wasm_val_t init = WASM_F32_VAL(1.5f);
  wasm_global_t *cg = wasm_global_new(store, cty, &init);
  CHECK(cg != NULL);
  wasm_val_t tryset = WASM_F32_VAL(9.0f);
  wasm_global_set(cg, &tryset);
  wasm_global_get(cg, &gv);
  CHECK(gv.kind == WASM_F32 && gv.of.f32 == 1.5f);
  wasm_val_t wrong = WASM_I32_VAL(1);
  CHECK(wasm_global_new(store, cty, &wrong) == NULL);
  wasm_globaltype_t *gt = wasm_global_type(cg);
  CHECK(wasm_globaltype_mutability(gt) == WASM_CONST);
  wasm_globaltype_delete(gt);
  wasm_globaltype_delete(cty);
  wasm_global_set_host_info_with_finalizer(cg, (void *)(size_t)1, fin);
  wasm_global_t *cg2 = wasm_global_copy(cg);
  CHECK(wasm_global_same(cg, cg2));
  CHECK(wasm_global_get_host_info(cg2) == (void *)(size_t)1); /* shared by copies */
  wasm_global_delete(cg2);
  wasm_global_delete(cg);

  /* Memory: data is stable across growth; growth beyond max fails. */
  wasm_memory_t *mem = wasm_extern_as_memory(ex.data[8]);
  CHECK(wasm_memory_size(mem) == 1 && wasm_memory_data_size(mem) == 65536);
  byte_t *data = wasm_memory_data(mem);
  data[100] = 42;
  wasm_val_t pk[1] = {WASM_I32_VAL(100)};
  wasm_val_vec_t pkv = WASM_ARRAY_VEC(pk);
  CHECK(wasm_func_call(wasm_extern_as_func_const(ex.data[10]), &pkv, &resv) == NULL);
  CHECK(res[0].of.i32 == 42);
  CHECK(wasm_memory_grow(mem, 1));
  CHECK(!wasm_memory_grow(mem, 1));
  CHECK(wasm_memory_size(mem) == 2 && wasm_memory_data(mem) == data);
  wasm_memorytype_t *mty = wasm_memory_type(mem);
  CHECK(wasm_memorytype_limits(mty)->min == 2 && wasm_memorytype_limits(mty)->max == 2);
  wasm_memorytype_delete(mty);
  wasm_val_t gr[1] = {WASM_I32_VAL(1)};
  wasm_val_vec_t grv = WASM_ARRAY_VEC(gr);
  CHECK(wasm_func_call(wasm_extern_as_func_const(ex.data[9]), &grv, &resv) == NULL);
  CHECK(res[0].of.i32 == -1); /* memory.grow beyond max */

  /* Host-made memory and table. */
  wasm_limits_t lim = {1, 4};
  wasm_memorytype_t *hmt = wasm_memorytype_new(&lim);
  wasm_memory_t *hm = wasm_memory_new(store, hmt);
  CHECK(hm && wasm_memory_size(hm) == 1);
  wasm_memory_set_host_info_with_finalizer(hm, (void *)(size_t)2, fin);
  wasm_memory_delete(hm);
  wasm_memorytype_delete(hmt);
  wasm_tabletype_t *htt = wasm_tabletype_new(wasm_valtype_new_funcref(), &lim);
  wasm_table_t *ht = wasm_table_new(store, htt, wasm_func_as_ref(eleven));
  CHECK(ht && wasm_table_size(ht) == 1);
  wasm_ref_t *e0 = wasm_table_get(ht, 0);
  CHECK(e0 && wasm_ref_same(e0, wasm_func_as_ref(eleven)));
  wasm_ref_delete(e0);
  wasm_table_delete(ht);
  wasm_tabletype_delete(htt);

  /* Replacing host info finalizes the old info once. */
  wasm_foreign_t *obj2 = wasm_foreign_new(store);
  wasm_foreign_set_host_info_with_finalizer(obj2, (void *)(size_t)3, fin);
  wasm_foreign_set_host_info(obj2, NULL);
  CHECK(finalized[3] == 1);
  wasm_foreign_delete(obj2);

  wasm_extern_vec_delete(&ex);
  wasm_foreign_delete(obj);
  wasm_module_delete(module);
  CHECK(finalized[0] == 0 && finalized[1] == 0 && finalized[2] == 0);
  wasm_store_delete(store);
  CHECK(finalized[0] == 1 && finalized[1] == 1 && finalized[2] == 1 && finalized[3] == 1);
  wasm_engine_delete(engine);
  return check_done("test_objects");
}
