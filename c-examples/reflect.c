/* reflect.c: listing a module's imports and exports with their types,
 * before instantiating anything. */
#include <string.h>
#include "example.h"

static const char *kind_name(wasm_valkind_t k) {
  switch (k) {
    case WASM_I32: return "i32";
    case WASM_I64: return "i64";
    case WASM_F32: return "f32";
    case WASM_F64: return "f64";
    case WASM_EXTERNREF: return "externref";
    case WASM_FUNCREF: return "funcref";
    default: return "?";
  }
}

static void print_vals(const wasm_valtype_vec_t *v) {
  printf("(");
  for (size_t i = 0; i < v->size; i++) printf("%s%s", i ? " " : "", kind_name(wasm_valtype_kind(v->data[i])));
  printf(")");
}

static void print_limits(const wasm_limits_t *l) {
  if (l->max == wasm_limits_max_default) printf("%u..", l->min);
  else printf("%u..%u", l->min, l->max);
}

/* Prints one extern type; returns its kind. */
static wasm_externkind_t print_type(const wasm_externtype_t *t) {
  switch (wasm_externtype_kind(t)) {
    case WASM_EXTERN_FUNC: {
      const wasm_functype_t *f = wasm_externtype_as_functype_const(t);
      printf("func ");
      print_vals(wasm_functype_params(f));
      printf(" -> ");
      print_vals(wasm_functype_results(f));
      break;
    }
    case WASM_EXTERN_GLOBAL: {
      const wasm_globaltype_t *g = wasm_externtype_as_globaltype_const(t);
      printf("global %s%s", wasm_globaltype_mutability(g) == WASM_VAR ? "mut " : "",
             kind_name(wasm_valtype_kind(wasm_globaltype_content(g))));
      break;
    }
    case WASM_EXTERN_TABLE: {
      const wasm_tabletype_t *tt = wasm_externtype_as_tabletype_const(t);
      printf("table %s ", kind_name(wasm_valtype_kind(wasm_tabletype_element(tt))));
      print_limits(wasm_tabletype_limits(tt));
      break;
    }
    case WASM_EXTERN_MEMORY:
      printf("memory ");
      print_limits(wasm_memorytype_limits(wasm_externtype_as_memorytype_const(t)));
      break;
    default:
      printf("tag");
  }
  printf("\n");
  return wasm_externtype_kind(t);
}

int main(void) {
  wasm_engine_t *engine = wasm_engine_new();
  wasm_store_t *store = wasm_store_new(engine);
  wasm_module_t *module = example_load(store, "reflect.wasm");

  wasm_importtype_vec_t imports;
  wasm_module_imports(module, &imports);
  int kinds = 0;
  for (size_t i = 0; i < imports.size; i++) {
    const wasm_name_t *m = wasm_importtype_module(imports.data[i]);
    const wasm_name_t *n = wasm_importtype_name(imports.data[i]);
    printf("import %.*s.%.*s: ", (int)m->size, m->data, (int)n->size, n->data);
    kinds |= 1 << print_type(wasm_importtype_type(imports.data[i]));
  }
  wasm_exporttype_vec_t exports;
  wasm_module_exports(module, &exports);
  for (size_t i = 0; i < exports.size; i++) {
    const wasm_name_t *n = wasm_exporttype_name(exports.data[i]);
    printf("export %.*s: ", (int)n->size, n->data);
    kinds |= 1 << (4 + print_type(wasm_exporttype_type(exports.data[i])));
  }
  int ok = imports.size == 4 && exports.size == 4 && kinds == 0xff;
  wasm_importtype_vec_delete(&imports);
  wasm_exporttype_vec_delete(&exports);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return ok ? 0 : 1;
}
