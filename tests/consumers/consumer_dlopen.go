// consumer_dlopen.go: the install test's Go consumer that does not link
// libwasmrt. It opens the library at run time with dlopen (path in the first
// argument, else in WASMRT_LIB), looks up each wasm.h function it uses with
// dlsym, and calls it through a C function pointer: cgo cannot call a C
// function pointer itself, so the preamble has one small C wrapper per
// function. wasm.h is still included, for the types and for each pointer's
// exact signature (__typeof__ of a declaration does not reference the
// symbol). Runs the same check as consumer.go and prints the same line.
//
//	CGO_CFLAGS=-I$PREFIX/include go build consumer_dlopen.go
//	./consumer_dlopen $PREFIX/lib/libwasmrt.so
package main

/*
#cgo LDFLAGS: -ldl
#include <dlfcn.h>
#include <stdlib.h>
#include <wasm.h>

// Every wasm.h function this program calls.
#define WASMRT_FUNCS(X) \
  X(wasm_engine_new) X(wasm_engine_delete) X(wasm_store_new) X(wasm_store_delete) \
  X(wasm_byte_vec_new) X(wasm_byte_vec_delete) X(wasm_module_new) X(wasm_module_delete) \
  X(wasm_extern_vec_new_empty) X(wasm_extern_vec_delete) X(wasm_instance_new) \
  X(wasm_instance_delete) X(wasm_instance_exports) X(wasm_extern_as_func) \
  X(wasm_func_call) X(wasm_trap_message) X(wasm_trap_delete)

#define WASMRT_POINTER(f) static __typeof__(f) *p_##f;
WASMRT_FUNCS(WASMRT_POINTER)

// Opens the library and fills every pointer. Returns NULL on success, else
// the loader's message.
static const char *wasmrt_load(const char *path) {
  void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (lib == NULL) return dlerror();
#define WASMRT_LOOKUP(f) \
  if ((*(void **)&p_##f = dlsym(lib, #f)) == NULL) return dlerror();
  WASMRT_FUNCS(WASMRT_LOOKUP)
  return NULL;
}

static wasm_engine_t *engine_new(void) { return p_wasm_engine_new(); }
static void engine_delete(wasm_engine_t *e) { p_wasm_engine_delete(e); }
static wasm_store_t *store_new(wasm_engine_t *e) { return p_wasm_store_new(e); }
static void store_delete(wasm_store_t *s) { p_wasm_store_delete(s); }
static void byte_vec_new(wasm_byte_vec_t *v, size_t n, const wasm_byte_t *d) {
  p_wasm_byte_vec_new(v, n, d);
}
static void byte_vec_delete(wasm_byte_vec_t *v) { p_wasm_byte_vec_delete(v); }
static wasm_module_t *module_new(wasm_store_t *s, const wasm_byte_vec_t *b) {
  return p_wasm_module_new(s, b);
}
static void module_delete(wasm_module_t *m) { p_wasm_module_delete(m); }
static void extern_vec_new_empty(wasm_extern_vec_t *v) { p_wasm_extern_vec_new_empty(v); }
static void extern_vec_delete(wasm_extern_vec_t *v) { p_wasm_extern_vec_delete(v); }
static wasm_instance_t *instance_new(wasm_store_t *s, const wasm_module_t *m,
                                     const wasm_extern_vec_t *imports) {
  return p_wasm_instance_new(s, m, imports, NULL);
}
static void instance_delete(wasm_instance_t *i) { p_wasm_instance_delete(i); }
static void instance_exports(const wasm_instance_t *i, wasm_extern_vec_t *out) {
  p_wasm_instance_exports(i, out);
}
static wasm_func_t *extern_as_func(wasm_extern_t *e) { return p_wasm_extern_as_func(e); }
static wasm_trap_t *func_call(const wasm_func_t *f, const wasm_val_vec_t *args,
                              wasm_val_vec_t *results) {
  return p_wasm_func_call(f, args, results);
}
static void trap_message(const wasm_trap_t *t, wasm_message_t *out) {
  p_wasm_trap_message(t, out);
}
static void trap_delete(wasm_trap_t *t) { p_wasm_trap_delete(t); }
*/
import "C"

import (
	"fmt"
	"os"
	"strings"
	"unsafe"
)

var module = []byte{0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x0a, 0x02, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f, 0x60, 0x00, 0x00, 0x03, 0x03, 0x02, 0x00, 0x01, 0x07, 0x0e, 0x02, 0x03, 0x61, 0x64, 0x64, 0x00, 0x00, 0x04, 0x62, 0x6f, 0x6f, 0x6d, 0x00, 0x01, 0x0a, 0x0d, 0x02, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b, 0x03, 0x00, 0x00, 0x0b}

func main() {
	path := os.Getenv("WASMRT_LIB")
	if len(os.Args) > 1 {
		path = os.Args[1]
	}
	if path == "" {
		fmt.Fprintln(os.Stderr, "usage: consumer_dlopen PATH/libwasmrt.so (or WASMRT_LIB=PATH)")
		os.Exit(2)
	}
	cpath := C.CString(path)
	if err := C.wasmrt_load(cpath); err != nil {
		fmt.Fprintf(os.Stderr, "cannot load %s: %s\n", path, C.GoString(err))
		os.Exit(1)
	}
	C.free(unsafe.Pointer(cpath))

	engine := C.engine_new()
	store := C.store_new(engine)
	bytes := C.CBytes(module)
	var binary C.wasm_byte_vec_t
	C.byte_vec_new(&binary, C.size_t(len(module)), (*C.wasm_byte_t)(bytes))
	C.free(bytes)
	mod := C.module_new(store, &binary)
	C.byte_vec_delete(&binary)
	if mod == nil {
		fmt.Println("module did not compile")
		os.Exit(1)
	}
	var imports C.wasm_extern_vec_t
	C.extern_vec_new_empty(&imports)
	inst := C.instance_new(store, mod, &imports)
	if inst == nil {
		fmt.Println("instantiation failed")
		os.Exit(1)
	}
	var exports C.wasm_extern_vec_t
	C.instance_exports(inst, &exports)
	exps := unsafe.Slice(exports.data, exports.size)

	// Values live in C memory: cgo forbids handing C a Go pointer that
	// itself holds a Go pointer (the vector's data).
	vals := (*[3]C.wasm_val_t)(C.calloc(3, C.size_t(unsafe.Sizeof(C.wasm_val_t{}))))
	for i := 0; i < 2; i++ {
		vals[i].kind = C.WASM_I32
	}
	*(*int32)(unsafe.Pointer(&vals[0].of)) = 2
	*(*int32)(unsafe.Pointer(&vals[1].of)) = 40
	args := C.wasm_val_vec_t{size: 2, data: &vals[0]}
	results := C.wasm_val_vec_t{size: 1, data: &vals[2]}
	trap := C.func_call(C.extern_as_func(exps[0]), &args, &results)
	sum := *(*int32)(unsafe.Pointer(&vals[2].of))
	ok := trap == nil && sum == 42

	var none C.wasm_val_vec_t
	trap = C.func_call(C.extern_as_func(exps[1]), &none, &none)
	if trap != nil {
		var msg C.wasm_message_t
		C.trap_message(trap, &msg)
		text := C.GoStringN((*C.char)(unsafe.Pointer(msg.data)), C.int(msg.size))
		ok = ok && strings.Contains(text, "unreachable")
		C.byte_vec_delete(&msg)
		C.trap_delete(trap)
	} else {
		ok = false
	}
	C.free(unsafe.Pointer(vals))
	C.extern_vec_delete(&exports)
	C.instance_delete(inst)
	C.module_delete(mod)
	C.store_delete(store)
	C.engine_delete(engine)
	if !ok {
		fmt.Println("go consumer: FAILED")
		os.Exit(1)
	}
	fmt.Printf("go consumer: add(2, 40) = %d, trap checked: ok\n", sum)
}
