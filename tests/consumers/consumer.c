/* consumer.c: what every install test builds from outside the source tree
 * (with pkg-config, CMake, as C and as C++): instantiate a module, call an
 * export with arguments, check the result, and check that a trap comes
 * back as a trap. Exits 0 on success. */
#include <stdio.h>
#include <string.h>
#include <wasm.h>

/* (module (func (export "add") (param i32 i32) (result i32) ...)
           (func (export "boom") unreachable)) */
static const unsigned char module_bytes[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x0a, 0x02, 0x60, 0x02, 0x7f,
    0x7f, 0x01, 0x7f, 0x60, 0x00, 0x00, 0x03, 0x03, 0x02, 0x00, 0x01, 0x07, 0x0e, 0x02,
    0x03, 0x61, 0x64, 0x64, 0x00, 0x00, 0x04, 0x62, 0x6f, 0x6f, 0x6d, 0x00, 0x01, 0x0a,
    0x0d, 0x02, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b, 0x03, 0x00, 0x00, 0x0b};

int main(void) {
  wasm_engine_t *engine = wasm_engine_new();
  wasm_store_t *store = wasm_store_new(engine);
  wasm_byte_vec_t binary;
  wasm_byte_vec_new(&binary, sizeof module_bytes, (const wasm_byte_t *)module_bytes);
  wasm_module_t *module = wasm_module_new(store, &binary);
  wasm_byte_vec_delete(&binary);
  if (!module) return 1;
  wasm_extern_vec_t imports = WASM_EMPTY_VEC;
  wasm_instance_t *instance = wasm_instance_new(store, module, &imports, NULL);
  if (!instance) return 2;
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);

  wasm_val_t args[2], results[1];
  args[0].kind = WASM_I32;
  args[0].of.i32 = 2;
  args[1].kind = WASM_I32;
  args[1].of.i32 = 40;
  wasm_val_vec_t argv = {2, args}, resv = {1, results};
  wasm_trap_t *trap = wasm_func_call(wasm_extern_as_func(exports.data[0]), &argv, &resv);
  int ok = trap == NULL && results[0].of.i32 == 42;

  wasm_val_vec_t none = {0, NULL};
  trap = wasm_func_call(wasm_extern_as_func(exports.data[1]), &none, &none);
  if (trap) {
    wasm_message_t message;
    wasm_trap_message(trap, &message);
    ok = ok && strstr(message.data, "unreachable") != NULL;
    wasm_byte_vec_delete(&message);
    wasm_trap_delete(trap);
  } else {
    ok = 0;
  }
  printf("consumer: add(2, 40) = %d, trap checked: %s\n", results[0].of.i32, ok ? "ok" : "FAILED");

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return ok ? 0 : 3;
}
