/* Modules and instances: validation, reflection, serialization, sharing
 * across threads, link errors and start-function traps. */
#include <pthread.h>
#include "check.h"

static wasm_engine_t *engine;
static wasm_shared_module_t *shared;
static int module_info_finalized = 0;

static void module_fin(void *p) {
  (void)p;
  module_info_finalized++;
}

static wasm_trap_t *host_add(const wasm_val_vec_t *args, wasm_val_vec_t *results) {
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = args->data[0].of.i32 + args->data[1].of.i32;
  return NULL;
}

static wasm_trap_t *host_nop(const wasm_val_vec_t *args, wasm_val_vec_t *results) {
  (void)args;
  (void)results;
  return NULL;
}

/* Instantiates m (imports: add, nop) in store and calls "add"; deletes m
   first when asked (the instance keeps its module). Returns 1 on success. */
static int run_add(wasm_store_t *store, wasm_module_t *m, int delete_module_first) {
  wasm_functype_t *t2 = wasm_functype_new_2_1(wasm_valtype_new_i32(), wasm_valtype_new_i32(),
                                              wasm_valtype_new_i32());
  wasm_functype_t *t0 = wasm_functype_new_0_0();
  wasm_func_t *add = wasm_func_new(store, t2, host_add);
  wasm_func_t *nop = wasm_func_new(store, t0, host_nop);
  wasm_extern_t *imps[] = {wasm_func_as_extern(add), wasm_func_as_extern(nop)};
  wasm_extern_vec_t iv = WASM_ARRAY_VEC(imps);
  wasm_instance_t *inst = wasm_instance_new(store, m, &iv, NULL);
  if (delete_module_first) wasm_module_delete(m);
  int ok = inst != NULL;
  if (inst) {
    wasm_extern_vec_t ex;
    wasm_instance_exports(inst, &ex);
    wasm_val_t args[2] = {WASM_I32_VAL(20), WASM_I32_VAL(22)};
    wasm_val_t res[1] = {WASM_INIT_VAL};
    wasm_val_vec_t a = WASM_ARRAY_VEC(args), r = WASM_ARRAY_VEC(res);
    ok = ok && wasm_func_call(wasm_extern_as_func(ex.data[0]), &a, &r) == NULL &&
         res[0].of.i32 == 42;
    wasm_extern_vec_delete(&ex);
    wasm_instance_delete(inst);
  }
  wasm_func_delete(add);
  wasm_func_delete(nop);
  wasm_functype_delete(t2);
  wasm_functype_delete(t0);
  return ok;
}

/* In another thread: obtain the shared module in a new store, instantiate
   it and call "add". Returns 1 on success. */
static void *thread_main(void *arg) {
  (void)arg;
  wasm_store_t *store = wasm_store_new(engine);
  wasm_module_t *m = wasm_module_obtain(store, shared);
  int ok = m != NULL && run_add(store, m, 0);
  if (m) wasm_module_delete(m);
  wasm_store_delete(store);
  return (void *)(size_t)ok;
}

/* Handles obtained in a store, in every order of deletion: the store's
   instances keep the module after its handles, and handles deleted after
   their store stay usable until then. */
static void obtained_handles_outlive_their_store(void) {
  wasm_store_t *s = wasm_store_new(engine);
  wasm_module_t *a = wasm_module_obtain(s, shared);
  wasm_module_t *b = wasm_module_obtain(s, shared);
  wasm_module_t *c = wasm_module_obtain(s, shared);
  wasm_module_t *d = wasm_module_obtain(s, shared);
  CHECK(a && b && c && d && wasm_module_same(a, b) && wasm_module_same(c, d));
  wasm_module_t *acopy = wasm_module_copy(a);
  CHECK(run_add(s, d, 1)); /* the handle goes before its instance */
  wasm_module_delete(b);   /* neither the first nor the last listed */
  wasm_store_delete(s);    /* a, c and the copy outlive their store */
  wasm_exporttype_vec_t ex;
  wasm_module_exports(c, &ex);
  CHECK(ex.size == 13);
  wasm_exporttype_vec_delete(&ex);
  wasm_store_t *s2 = wasm_store_new(engine);
  CHECK(run_add(s2, a, 0));
  CHECK(run_add(s2, acopy, 0));
  wasm_module_t *e = wasm_module_obtain(s2, shared);
  CHECK(e && wasm_module_same(e, a));
  wasm_module_delete(a);
  wasm_store_delete(s2); /* with e still listed */
  CHECK(wasm_module_same(e, c));
  wasm_module_delete(e);
  wasm_module_delete(c);
  wasm_module_delete(acopy);
}

static wasm_byte_vec_t read_bytes(const char *path) {
  FILE *f = fopen(path, "rb");
  wasm_byte_vec_t v;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  wasm_byte_vec_new_uninitialized(&v, (size_t)n);
  if (fread(v.data, 1, (size_t)n, f) != (size_t)n) v.size = 0;
  fclose(f);
  return v;
}

int main(void) {
  wasm_config_t *config = wasm_config_new();
  engine = wasm_engine_new_with_config(config);
  wasm_store_t *store = wasm_store_new(engine);

  /* Validation and compile errors. */
  wasm_byte_vec_t good = read_bytes("calls.wasm");
  CHECK(wasm_module_validate(store, &good));
  wasm_byte_vec_t junk;
  wasm_byte_vec_new(&junk, 8, "\0asm\x01\0\0\x07");
  CHECK(!wasm_module_validate(store, &junk));
  CHECK(wasm_module_new(store, &junk) == NULL);
  wasm_byte_vec_delete(&junk);
  wasm_byte_vec_t truncated = {good.size / 2, good.data};
  CHECK(wasm_module_new(store, &truncated) == NULL);

  /* Reflection. */
  wasm_module_t *module = wasm_module_new(store, &good);
  CHECK(module != NULL);
  wasm_importtype_vec_t imports;
  wasm_module_imports(module, &imports);
  CHECK(imports.size == 2);
  CHECK(memcmp(wasm_importtype_module(imports.data[0])->data, "host", 4) == 0);
  CHECK(memcmp(wasm_importtype_name(imports.data[1])->data, "fail", 4) == 0);
  const wasm_functype_t *ift = wasm_externtype_as_functype_const(wasm_importtype_type(imports.data[0]));
  CHECK(ift && wasm_functype_params(ift)->size == 2);
  wasm_importtype_vec_delete(&imports);
  wasm_exporttype_vec_t exports;
  wasm_module_exports(module, &exports);
  CHECK(exports.size == 13);
  CHECK(memcmp(wasm_exporttype_name(exports.data[0])->data, "add", 3) == 0);
  CHECK(wasm_externtype_kind(wasm_exporttype_type(exports.data[11])) == WASM_EXTERN_MEMORY);
  wasm_exporttype_vec_delete(&exports);

  /* Serialization round trip; damaged bytes are rejected. */
  wasm_byte_vec_t ser;
  wasm_module_serialize(module, &ser);
  wasm_module_t *again = wasm_module_deserialize(store, &ser);
  CHECK(again != NULL);
  wasm_exporttype_vec_t ex2;
  wasm_module_exports(again, &ex2);
  CHECK(ex2.size == 13);
  wasm_exporttype_vec_delete(&ex2);
  wasm_module_delete(again);
  ser.data[ser.size - 1] ^= 0x5a;
  CHECK(wasm_module_deserialize(store, &ser) == NULL);
  wasm_byte_vec_t short_ser = {ser.size - 3, ser.data};
  CHECK(wasm_module_deserialize(store, &short_ser) == NULL);
  CHECK(wasm_module_deserialize(store, &good) == NULL); /* a plain binary is not serialized */
  wasm_byte_vec_delete(&ser);

  /* Module host info is shared by copies and finalized with the last one. */
  wasm_module_t *mcopy = wasm_module_copy(module);
  CHECK(wasm_module_same(module, mcopy));
  wasm_module_set_host_info_with_finalizer(module, &module_info_finalized, module_fin);
  CHECK(wasm_module_get_host_info(mcopy) == &module_info_finalized);

  /* Sharing with other threads. */
  shared = wasm_module_share(module);
  pthread_t threads[3];
  for (int i = 0; i < 3; i++) pthread_create(&threads[i], NULL, thread_main, NULL);
  for (int i = 0; i < 3; i++) {
    void *ok;
    pthread_join(threads[i], &ok);
    CHECK(ok == (void *)1);
  }
  obtained_handles_outlive_their_store();
  wasm_shared_module_delete(shared);

  /* Link errors: missing imports, wrong types. Instantiation fails cleanly
     and reports why through the trap. */
  wasm_trap_t *trap = NULL;
  wasm_extern_vec_t none = WASM_EMPTY_VEC;
  CHECK(wasm_instance_new(store, module, &none, &trap) == NULL);
  CHECK(trap != NULL && trap_says(trap, "imports"));
  wasm_trap_delete(trap);
  wasm_functype_t *t0 = wasm_functype_new_0_0();
  wasm_func_t *nop = wasm_func_new(store, t0, host_nop);
  wasm_extern_t *wrong[] = {wasm_func_as_extern(nop), wasm_func_as_extern(nop)};
  wasm_extern_vec_t wv = WASM_ARRAY_VEC(wrong);
  trap = NULL;
  CHECK(wasm_instance_new(store, module, &wv, &trap) == NULL);
  CHECK(trap != NULL && trap_says(trap, "incompatible import type"));
  wasm_trap_delete(trap);
  CHECK(wasm_instance_new(store, module, &wv, NULL) == NULL); /* trap out is optional */

  /* A trapping start function. */
  wasm_module_t *st = load_module(store, "start_trap");
  trap = NULL;
  CHECK(wasm_instance_new(store, st, &none, &trap) == NULL);
  CHECK(trap != NULL && trap_says(trap, "unreachable"));
  wasm_trap_delete(trap);
  wasm_module_delete(st);

  wasm_func_delete(nop);
  wasm_functype_delete(t0);
  wasm_module_delete(module);
  CHECK(module_info_finalized == 0);
  wasm_module_delete(mcopy);
  CHECK(module_info_finalized == 1);
  wasm_byte_vec_delete(&good);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return check_done("test_module");
}
