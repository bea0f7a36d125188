// consumer.go: the install test's Go consumer (cgo, linked against the
// installed libwasmrt.so): instantiate a module, call add(2, 40), check 42,
// and check that boom() traps with "unreachable".
package main

/*
#include <stdlib.h>
#include <wasm.h>
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
	engine := C.wasm_engine_new()
	store := C.wasm_store_new(engine)
	bytes := C.CBytes(module)
	var binary C.wasm_byte_vec_t
	C.wasm_byte_vec_new(&binary, C.size_t(len(module)), (*C.wasm_byte_t)(bytes))
	C.free(bytes)
	mod := C.wasm_module_new(store, &binary)
	C.wasm_byte_vec_delete(&binary)
	if mod == nil {
		fmt.Println("module did not compile")
		os.Exit(1)
	}
	var imports C.wasm_extern_vec_t
	C.wasm_extern_vec_new_empty(&imports)
	inst := C.wasm_instance_new(store, mod, &imports, nil)
	if inst == nil {
		fmt.Println("instantiation failed")
		os.Exit(1)
	}
	var exports C.wasm_extern_vec_t
	C.wasm_instance_exports(inst, &exports)
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
	trap := C.wasm_func_call(C.wasm_extern_as_func(exps[0]), &args, &results)
	sum := *(*int32)(unsafe.Pointer(&vals[2].of))
	ok := trap == nil && sum == 42

	var none C.wasm_val_vec_t
	trap = C.wasm_func_call(C.wasm_extern_as_func(exps[1]), &none, &none)
	if trap != nil {
		var msg C.wasm_message_t
		C.wasm_trap_message(trap, &msg)
		text := C.GoStringN((*C.char)(unsafe.Pointer(msg.data)), C.int(msg.size))
		ok = ok && strings.Contains(text, "unreachable")
		C.wasm_byte_vec_delete(&msg)
		C.wasm_trap_delete(trap)
	} else {
		ok = false
	}
	C.free(unsafe.Pointer(vals))
	C.wasm_extern_vec_delete(&exports)
	C.wasm_instance_delete(inst)
	C.wasm_module_delete(mod)
	C.wasm_store_delete(store)
	C.wasm_engine_delete(engine)
	if !ok {
		fmt.Println("go consumer: FAILED")
		os.Exit(1)
	}
	fmt.Printf("go consumer: add(2, 40) = %d, trap checked: ok\n", sum)
}
