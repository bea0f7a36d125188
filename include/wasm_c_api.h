/*
 * wasm_c_api.h — the name WAMR gives the standard WebAssembly C API header.
 *
 * A program written for WAMR includes "wasm_c_api.h" rather than "wasm.h".
 * With this header it builds against wasmrt unchanged as long as it uses
 * the standard functions: the header is wasm.h, plus the two names WAMR's
 * header adds for v128 value types, which wasmrt supports under the same
 * number (wasmrt.h calls it WASMRT_V128).
 *
 * Not provided (docs/MIGRATING.md, "WAMR"): WAMR's own functions
 * (wasm_runtime_*, wasm_instance_new_with_args, wasm_module_set_name, ...)
 * and the fields WAMR's vectors have beyond `size` and `data`
 * (num_elems, size_of_elem, lock).
 *
 * SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
 */

#ifndef WASM_C_API_H
#define WASM_C_API_H

#include "wasm.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The value kind of v128: the same number as wasmrt.h's WASMRT_V128. */
#define WASM_V128 ((wasm_valkind_t)4)

/* A new v128 value type (the caller owns it). */
static inline wasm_valtype_t *wasm_valtype_new_v128(void) {
  return wasm_valtype_new(WASM_V128);
}

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* WASM_C_API_H */
