/*
 * wasm.h — the standard WebAssembly C API (wasm-c-api), as implemented by
 * wasmrt.
 *
 * This file is wasmrt's own rendering of the standard interface, at the
 * revision wasmtime ships (with tag types). Every declaration, type layout,
 * enumerator value and macro matches the standard, so a program written
 * against any standard-conforming wasm.h compiles against this one and links
 * with -lwasmrt. wasmrt-specific additions live in wasmrt.h, never here.
 *
 * Ownership conventions, used throughout:
 *   own T*         the holder is responsible for calling wasm_T_delete;
 *   own parameter  the callee takes ownership of the argument;
 *   own result     the caller receives ownership of the result;
 *   own ... *out   an output parameter: the callee writes a value the caller
 *                  then owns (for vectors: the vector and all its elements).
 * Deleting a reference (func, memory, ...) releases the handle only; the
 * object itself lives as long as its store.
 *
 * SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
 */

#ifndef WASM_H
#define WASM_H

#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifndef WASM_API_EXTERN
#if defined(_WIN32) && !defined(__MINGW32__) && !defined(LIBWASM_STATIC)
#define WASM_API_EXTERN __declspec(dllimport)
#else
#define WASM_API_EXTERN
#endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ===================================================================== */
/* Basic types                                                            */
/* ===================================================================== */

typedef char byte_t;
typedef float float32_t;
typedef double float64_t;

/* Marks ownership transfer; expands to nothing. Undefined at the end. */
#define own

/* Declares wasm_NAME_t as an opaque type with a delete function. */
#define WASM_DECLARE_OWN(name)                                                 \
  typedef struct wasm_##name##_t wasm_##name##_t;                            \
  WASM_API_EXTERN void wasm_##name##_delete(own wasm_##name##_t *);

/*
 * Declares wasm_NAME_vec_t, a counted array of wasm_NAME_t (by value when
 * ptr_or_none is empty, of pointers when it is `*`), with its functions:
 *   new_empty          an empty vector (data == NULL);
 *   new_uninitialized  room for `size` elements, contents unspecified;
 *   new                copies `size` elements in, taking ownership of them;
 *   copy               a deep copy;
 *   delete             frees the vector and every element it owns.
 */
#define WASM_DECLARE_VEC(name, ptr_or_none)                                    \
  typedef struct wasm_##name##_vec_t {                                       \
    size_t size;                                                             \
    wasm_##name##_t ptr_or_none *data;                                       \
  } wasm_##name##_vec_t;                                                     \
  WASM_API_EXTERN void wasm_##name##_vec_new_empty(own wasm_##name##_vec_t *out); \
  WASM_API_EXTERN void wasm_##name##_vec_new_uninitialized(                  \
      own wasm_##name##_vec_t *out, size_t);                                 \
  WASM_API_EXTERN void wasm_##name##_vec_new(                                \
      own wasm_##name##_vec_t *out, size_t,                                  \
      own wasm_##name##_t ptr_or_none const[]);                              \
  WASM_API_EXTERN void wasm_##name##_vec_copy(own wasm_##name##_vec_t *out,  \
                                              const wasm_##name##_vec_t *);  \
  WASM_API_EXTERN void wasm_##name##_vec_delete(own wasm_##name##_vec_t *);

/* Byte vectors, and names (UTF-8 strings, not NUL-terminated). */
typedef byte_t wasm_byte_t;
WASM_DECLARE_VEC(byte, )

typedef wasm_byte_vec_t wasm_name_t;

#define wasm_name wasm_byte_vec
#define wasm_name_new wasm_byte_vec_new
#define wasm_name_new_empty wasm_byte_vec_new_empty
#define wasm_name_new_uninitialized wasm_byte_vec_new_uninitialized
#define wasm_name_copy wasm_byte_vec_copy
#define wasm_name_delete wasm_byte_vec_delete

/* A name holding the characters of `s` (without the terminating NUL). */
static inline void wasm_name_new_from_string(own wasm_name_t *out, const char *s) {
  wasm_name_new(out, strlen(s), s);
}

/* A name holding the characters of `s` and its terminating NUL. */
static inline void wasm_name_new_from_string_nt(own wasm_name_t *out, const char *s) {
  wasm_name_new(out, strlen(s) + 1, s);
}

/* ===================================================================== */
/* Runtime environment: configuration, engine, store                      */
/* ===================================================================== */

/* Engine settings; wasmrt.h adds functions to adjust them. */
WASM_DECLARE_OWN(config)
WASM_API_EXTERN own wasm_config_t *wasm_config_new(void);

/* A compilation environment, shareable across threads. */
WASM_DECLARE_OWN(engine)
WASM_API_EXTERN own wasm_engine_t *wasm_engine_new(void);
WASM_API_EXTERN own wasm_engine_t *wasm_engine_new_with_config(own wasm_config_t *);

/* The owner of all runtime objects; use one store per thread. */
WASM_DECLARE_OWN(store)
WASM_API_EXTERN own wasm_store_t *wasm_store_new(wasm_engine_t *);

/* ===================================================================== */
/* Types                                                                  */
/* ===================================================================== */

typedef uint8_t wasm_mutability_t;
enum wasm_mutability_enum {
  WASM_CONST = 0,
  WASM_VAR = 1,
};

/* Sizes of tables (elements) and memories (64 KiB pages). */
typedef struct wasm_limits_t {
  uint32_t min;
  uint32_t max;
} wasm_limits_t;

/* `max` value meaning "no maximum". */
static const uint32_t wasm_limits_max_default = 0xffffffff;

/* Declares an owned, copyable type with a vector of pointers to it. */
#define WASM_DECLARE_TYPE(name)                                                \
  WASM_DECLARE_OWN(name)                                                     \
  WASM_DECLARE_VEC(name, *)                                                  \
  WASM_API_EXTERN own wasm_##name##_t *wasm_##name##_copy(const wasm_##name##_t *);

/* Value types. */
WASM_DECLARE_TYPE(valtype)

typedef uint8_t wasm_valkind_t;
enum wasm_valkind_enum {
  WASM_I32 = 0,
  WASM_I64 = 1,
  WASM_F32 = 2,
  WASM_F64 = 3,
  WASM_EXTERNREF = 128,
  WASM_FUNCREF = 129,
};

WASM_API_EXTERN own wasm_valtype_t *wasm_valtype_new(wasm_valkind_t);
WASM_API_EXTERN wasm_valkind_t wasm_valtype_kind(const wasm_valtype_t *);

static inline bool wasm_valkind_is_num(wasm_valkind_t k) { return k < WASM_EXTERNREF; }
static inline bool wasm_valkind_is_ref(wasm_valkind_t k) { return k >= WASM_EXTERNREF; }
static inline bool wasm_valtype_is_num(const wasm_valtype_t *t) {
  return wasm_valkind_is_num(wasm_valtype_kind(t));
}
static inline bool wasm_valtype_is_ref(const wasm_valtype_t *t) {
  return wasm_valkind_is_ref(wasm_valtype_kind(t));
}

/* Function types: takes ownership of both vectors. */
WASM_DECLARE_TYPE(functype)
WASM_API_EXTERN own wasm_functype_t *wasm_functype_new(own wasm_valtype_vec_t *params,
                                                       own wasm_valtype_vec_t *results);
WASM_API_EXTERN const wasm_valtype_vec_t *wasm_functype_params(const wasm_functype_t *);
WASM_API_EXTERN const wasm_valtype_vec_t *wasm_functype_results(const wasm_functype_t *);

/* Global types. */
WASM_DECLARE_TYPE(globaltype)
WASM_API_EXTERN own wasm_globaltype_t *wasm_globaltype_new(own wasm_valtype_t *,
                                                           wasm_mutability_t);
WASM_API_EXTERN const wasm_valtype_t *wasm_globaltype_content(const wasm_globaltype_t *);
WASM_API_EXTERN wasm_mutability_t wasm_globaltype_mutability(const wasm_globaltype_t *);

/* Table types. */
WASM_DECLARE_TYPE(tabletype)
WASM_API_EXTERN own wasm_tabletype_t *wasm_tabletype_new(own wasm_valtype_t *,
                                                         const wasm_limits_t *);
WASM_API_EXTERN const wasm_valtype_t *wasm_tabletype_element(const wasm_tabletype_t *);
WASM_API_EXTERN const wasm_limits_t *wasm_tabletype_limits(const wasm_tabletype_t *);

/* Memory types. */
WASM_DECLARE_TYPE(memorytype)
WASM_API_EXTERN own wasm_memorytype_t *wasm_memorytype_new(const wasm_limits_t *);
WASM_API_EXTERN const wasm_limits_t *wasm_memorytype_limits(const wasm_memorytype_t *);

/* Exception tag types (exception-handling proposal). */
WASM_DECLARE_TYPE(tagtype)
WASM_API_EXTERN own wasm_tagtype_t *wasm_tagtype_new(own wasm_functype_t *);
WASM_API_EXTERN const wasm_functype_t *wasm_tagtype_functype(const wasm_tagtype_t *);

/* Extern types: any of the above that can be imported or exported. */
WASM_DECLARE_TYPE(externtype)

typedef uint8_t wasm_externkind_t;
enum wasm_externkind_enum {
  WASM_EXTERN_FUNC = 0,
  WASM_EXTERN_GLOBAL = 1,
  WASM_EXTERN_TABLE = 2,
  WASM_EXTERN_MEMORY = 3,
  WASM_EXTERN_TAG = 4,
};

WASM_API_EXTERN wasm_externkind_t wasm_externtype_kind(const wasm_externtype_t *);

/* Views between the specific types and extern types (no copies: the
   results alias their argument; the as_X functions return NULL when the
   kind differs). */
WASM_API_EXTERN wasm_externtype_t *wasm_functype_as_externtype(wasm_functype_t *);
WASM_API_EXTERN wasm_externtype_t *wasm_globaltype_as_externtype(wasm_globaltype_t *);
WASM_API_EXTERN wasm_externtype_t *wasm_tabletype_as_externtype(wasm_tabletype_t *);
WASM_API_EXTERN wasm_externtype_t *wasm_memorytype_as_externtype(wasm_memorytype_t *);
WASM_API_EXTERN wasm_externtype_t *wasm_tagtype_as_externtype(wasm_tagtype_t *);

WASM_API_EXTERN wasm_functype_t *wasm_externtype_as_functype(wasm_externtype_t *);
WASM_API_EXTERN wasm_globaltype_t *wasm_externtype_as_globaltype(wasm_externtype_t *);
WASM_API_EXTERN wasm_tabletype_t *wasm_externtype_as_tabletype(wasm_externtype_t *);
WASM_API_EXTERN wasm_memorytype_t *wasm_externtype_as_memorytype(wasm_externtype_t *);
WASM_API_EXTERN wasm_tagtype_t *wasm_externtype_as_tagtype(wasm_externtype_t *);

WASM_API_EXTERN const wasm_externtype_t *wasm_functype_as_externtype_const(const wasm_functype_t *);
WASM_API_EXTERN const wasm_externtype_t *wasm_globaltype_as_externtype_const(const wasm_globaltype_t *);
WASM_API_EXTERN const wasm_externtype_t *wasm_tabletype_as_externtype_const(const wasm_tabletype_t *);
WASM_API_EXTERN const wasm_externtype_t *wasm_memorytype_as_externtype_const(const wasm_memorytype_t *);
WASM_API_EXTERN const wasm_externtype_t *wasm_tagtype_as_externtype_const(const wasm_tagtype_t *);

WASM_API_EXTERN const wasm_functype_t *wasm_externtype_as_functype_const(const wasm_externtype_t *);
WASM_API_EXTERN const wasm_globaltype_t *wasm_externtype_as_globaltype_const(const wasm_externtype_t *);
WASM_API_EXTERN const wasm_tabletype_t *wasm_externtype_as_tabletype_const(const wasm_externtype_t *);
WASM_API_EXTERN const wasm_memorytype_t *wasm_externtype_as_memorytype_const(const wasm_externtype_t *);
WASM_API_EXTERN const wasm_tagtype_t *wasm_externtype_as_tagtype_const(const wasm_externtype_t *);

/* Import descriptors: module name, item name, type. */
WASM_DECLARE_TYPE(importtype)
WASM_API_EXTERN own wasm_importtype_t *wasm_importtype_new(own wasm_name_t *module,
                                                           own wasm_name_t *name,
                                                           own wasm_externtype_t *);
WASM_API_EXTERN const wasm_name_t *wasm_importtype_module(const wasm_importtype_t *);
WASM_API_EXTERN const wasm_name_t *wasm_importtype_name(const wasm_importtype_t *);
WASM_API_EXTERN const wasm_externtype_t *wasm_importtype_type(const wasm_importtype_t *);

/* Export descriptors: name, type. */
WASM_DECLARE_TYPE(exporttype)
WASM_API_EXTERN own wasm_exporttype_t *wasm_exporttype_new(own wasm_name_t *,
                                                           own wasm_externtype_t *);
WASM_API_EXTERN const wasm_name_t *wasm_exporttype_name(const wasm_exporttype_t *);
WASM_API_EXTERN const wasm_externtype_t *wasm_exporttype_type(const wasm_exporttype_t *);

/* ===================================================================== */
/* Values                                                                 */
/* ===================================================================== */

struct wasm_ref_t;

/* A value: `kind` says which member of `of` is set. For reference kinds,
   `of.ref` is an owned reference, or NULL for a null reference. */
typedef struct wasm_val_t {
  wasm_valkind_t kind;
  union {
    int32_t i32;
    int64_t i64;
    float32_t f32;
    float64_t f64;
    struct wasm_ref_t *ref;
  } of;
} wasm_val_t;

WASM_API_EXTERN void wasm_val_delete(own wasm_val_t *v);
WASM_API_EXTERN void wasm_val_copy(own wasm_val_t *out, const wasm_val_t *);

WASM_DECLARE_VEC(val, )

/* ===================================================================== */
/* References                                                             */
/* ===================================================================== */

/*
 * Every reference kind has: delete; copy (a new handle to the same
 * object); same (whether two handles denote one object); and host info, an
 * opaque pointer attached to the object itself (so all handles share it),
 * optionally with a finalizer that runs exactly once, when the info is
 * replaced or, at the latest, when the object's store is deleted.
 */
#define WASM_DECLARE_REF_BASE(name)                                            \
  WASM_DECLARE_OWN(name)                                                     \
  WASM_API_EXTERN own wasm_##name##_t *wasm_##name##_copy(const wasm_##name##_t *); \
  WASM_API_EXTERN bool wasm_##name##_same(const wasm_##name##_t *,           \
                                          const wasm_##name##_t *);          \
  WASM_API_EXTERN void *wasm_##name##_get_host_info(const wasm_##name##_t *); \
  WASM_API_EXTERN void wasm_##name##_set_host_info(wasm_##name##_t *, void *); \
  WASM_API_EXTERN void wasm_##name##_set_host_info_with_finalizer(           \
      wasm_##name##_t *, void *, void (*)(void *));

/* A reference kind that also converts to and from the generic wasm_ref_t
   (views, not copies: NULL when the kind differs). */
#define WASM_DECLARE_REF(name)                                                 \
  WASM_DECLARE_REF_BASE(name)                                                \
  WASM_API_EXTERN wasm_ref_t *wasm_##name##_as_ref(wasm_##name##_t *);       \
  WASM_API_EXTERN wasm_##name##_t *wasm_ref_as_##name(wasm_ref_t *);         \
  WASM_API_EXTERN const wasm_ref_t *wasm_##name##_as_ref_const(const wasm_##name##_t *); \
  WASM_API_EXTERN const wasm_##name##_t *wasm_ref_as_##name##_const(const wasm_ref_t *);

/* A reference kind that can be moved to another thread: `share` makes a
   thread-independent token, `obtain` a handle from it in another store. */
#define WASM_DECLARE_SHARABLE_REF(name)                                        \
  WASM_DECLARE_REF(name)                                                     \
  WASM_DECLARE_OWN(shared_##name)                                            \
  WASM_API_EXTERN own wasm_shared_##name##_t *wasm_##name##_share(const wasm_##name##_t *); \
  WASM_API_EXTERN own wasm_##name##_t *wasm_##name##_obtain(                 \
      wasm_store_t *, const wasm_shared_##name##_t *);

WASM_DECLARE_REF_BASE(ref)

/* ===================================================================== */
/* Frames and traps                                                       */
/* ===================================================================== */

/* One wasm frame of a trap's backtrace. */
WASM_DECLARE_OWN(frame)
WASM_DECLARE_VEC(frame, *)
WASM_API_EXTERN own wasm_frame_t *wasm_frame_copy(const wasm_frame_t *);
WASM_API_EXTERN struct wasm_instance_t *wasm_frame_instance(const wasm_frame_t *);
WASM_API_EXTERN uint32_t wasm_frame_func_index(const wasm_frame_t *);
WASM_API_EXTERN size_t wasm_frame_func_offset(const wasm_frame_t *);
WASM_API_EXTERN size_t wasm_frame_module_offset(const wasm_frame_t *);

/* Trap messages are NUL-terminated (the NUL is counted in `size`). */
typedef wasm_name_t wasm_message_t;

WASM_DECLARE_REF(trap)
WASM_API_EXTERN own wasm_trap_t *wasm_trap_new(wasm_store_t *store, const wasm_message_t *);
WASM_API_EXTERN void wasm_trap_message(const wasm_trap_t *, own wasm_message_t *out);
/* The innermost frame, or NULL when the trap has no wasm frames. */
WASM_API_EXTERN own wasm_frame_t *wasm_trap_origin(const wasm_trap_t *);
/* All frames, innermost first. */
WASM_API_EXTERN void wasm_trap_trace(const wasm_trap_t *, own wasm_frame_vec_t *out);

/* ===================================================================== */
/* Foreign objects: host values wasm can hold as externref                */
/* ===================================================================== */

WASM_DECLARE_REF(foreign)
WASM_API_EXTERN own wasm_foreign_t *wasm_foreign_new(wasm_store_t *);

/* ===================================================================== */
/* Modules                                                                */
/* ===================================================================== */

WASM_DECLARE_SHARABLE_REF(module)

/* Compiles a binary module; NULL if it is malformed or invalid. */
WASM_API_EXTERN own wasm_module_t *wasm_module_new(wasm_store_t *,
                                                   const wasm_byte_vec_t *binary);
WASM_API_EXTERN bool wasm_module_validate(wasm_store_t *, const wasm_byte_vec_t *binary);
WASM_API_EXTERN void wasm_module_imports(const wasm_module_t *, own wasm_importtype_vec_t *out);
WASM_API_EXTERN void wasm_module_exports(const wasm_module_t *, own wasm_exporttype_vec_t *out);
/* A byte form of a compiled module that wasm_module_deserialize accepts
   (same wasmrt version, target, CPU and engine settings only: anything
   else is rejected with NULL). With the jit strategy it holds native code;
   deserialize only bytes this library made. */
WASM_API_EXTERN void wasm_module_serialize(const wasm_module_t *, own wasm_byte_vec_t *out);
WASM_API_EXTERN own wasm_module_t *wasm_module_deserialize(wasm_store_t *,
                                                           const wasm_byte_vec_t *);

/* ===================================================================== */
/* Functions                                                              */
/* ===================================================================== */

WASM_DECLARE_REF(func)

/* Host function bodies: read `args`, write every element of `results`
   (its size and kinds are given), return NULL, or a trap to raise. */
typedef own wasm_trap_t *(*wasm_func_callback_t)(const wasm_val_vec_t *args,
                                                 own wasm_val_vec_t *results);
typedef own wasm_trap_t *(*wasm_func_callback_with_env_t)(void *env,
                                                          const wasm_val_vec_t *args,
                                                          wasm_val_vec_t *results);

WASM_API_EXTERN own wasm_func_t *wasm_func_new(wasm_store_t *, const wasm_functype_t *,
                                               wasm_func_callback_t);
/* `finalizer(env)` runs once, when the store is deleted. */
WASM_API_EXTERN own wasm_func_t *wasm_func_new_with_env(wasm_store_t *,
                                                        const wasm_functype_t *type,
                                                        wasm_func_callback_with_env_t,
                                                        void *env, void (*finalizer)(void *));
WASM_API_EXTERN own wasm_functype_t *wasm_func_type(const wasm_func_t *);
WASM_API_EXTERN size_t wasm_func_param_arity(const wasm_func_t *);
WASM_API_EXTERN size_t wasm_func_result_arity(const wasm_func_t *);
/* Calls the function; returns NULL on success or the trap. `results` must
   have exactly one slot per result. */
WASM_API_EXTERN own wasm_trap_t *wasm_func_call(const wasm_func_t *, const wasm_val_vec_t *args,
                                                wasm_val_vec_t *results);

/* ===================================================================== */
/* Globals, tables, memories                                              */
/* ===================================================================== */

WASM_DECLARE_REF(global)
WASM_API_EXTERN own wasm_global_t *wasm_global_new(wasm_store_t *, const wasm_globaltype_t *,
                                                   const wasm_val_t *);
WASM_API_EXTERN own wasm_globaltype_t *wasm_global_type(const wasm_global_t *);
WASM_API_EXTERN void wasm_global_get(const wasm_global_t *, own wasm_val_t *out);
WASM_API_EXTERN void wasm_global_set(wasm_global_t *, const wasm_val_t *);

WASM_DECLARE_REF(table)

typedef uint32_t wasm_table_size_t;

WASM_API_EXTERN own wasm_table_t *wasm_table_new(wasm_store_t *, const wasm_tabletype_t *,
                                                 wasm_ref_t *init);
WASM_API_EXTERN own wasm_tabletype_t *wasm_table_type(const wasm_table_t *);
/* NULL for a null element or an index out of bounds. */
WASM_API_EXTERN own wasm_ref_t *wasm_table_get(const wasm_table_t *, wasm_table_size_t index);
WASM_API_EXTERN bool wasm_table_set(wasm_table_t *, wasm_table_size_t index, wasm_ref_t *);
WASM_API_EXTERN wasm_table_size_t wasm_table_size(const wasm_table_t *);
WASM_API_EXTERN bool wasm_table_grow(wasm_table_t *, wasm_table_size_t delta, wasm_ref_t *init);

WASM_DECLARE_REF(memory)

typedef uint32_t wasm_memory_pages_t;

/* Bytes per page. */
static const size_t MEMORY_PAGE_SIZE = 0x10000;

WASM_API_EXTERN own wasm_memory_t *wasm_memory_new(wasm_store_t *, const wasm_memorytype_t *);
WASM_API_EXTERN own wasm_memorytype_t *wasm_memory_type(const wasm_memory_t *);
/* The memory's bytes. wasmrt reserves a memory's whole maximum size up
   front, so the address normally survives growth; where address space is
   scarce it may move when the memory grows, so re-read it after growing. */
WASM_API_EXTERN byte_t *wasm_memory_data(wasm_memory_t *);
WASM_API_EXTERN size_t wasm_memory_data_size(const wasm_memory_t *);
WASM_API_EXTERN wasm_memory_pages_t wasm_memory_size(const wasm_memory_t *);
WASM_API_EXTERN bool wasm_memory_grow(wasm_memory_t *, wasm_memory_pages_t delta);

/* ===================================================================== */
/* Externals: what instances import and export                            */
/* ===================================================================== */

WASM_DECLARE_REF(extern)
WASM_DECLARE_VEC(extern, *)

WASM_API_EXTERN wasm_externkind_t wasm_extern_kind(const wasm_extern_t *);
WASM_API_EXTERN own wasm_externtype_t *wasm_extern_type(const wasm_extern_t *);

/* Views (no copies; NULL when the kind differs). */
WASM_API_EXTERN wasm_extern_t *wasm_func_as_extern(wasm_func_t *);
WASM_API_EXTERN wasm_extern_t *wasm_global_as_extern(wasm_global_t *);
WASM_API_EXTERN wasm_extern_t *wasm_table_as_extern(wasm_table_t *);
WASM_API_EXTERN wasm_extern_t *wasm_memory_as_extern(wasm_memory_t *);

WASM_API_EXTERN wasm_func_t *wasm_extern_as_func(wasm_extern_t *);
WASM_API_EXTERN wasm_global_t *wasm_extern_as_global(wasm_extern_t *);
WASM_API_EXTERN wasm_table_t *wasm_extern_as_table(wasm_extern_t *);
WASM_API_EXTERN wasm_memory_t *wasm_extern_as_memory(wasm_extern_t *);

WASM_API_EXTERN const wasm_extern_t *wasm_func_as_extern_const(const wasm_func_t *);
WASM_API_EXTERN const wasm_extern_t *wasm_global_as_extern_const(const wasm_global_t *);
WASM_API_EXTERN const wasm_extern_t *wasm_table_as_extern_const(const wasm_table_t *);
WASM_API_EXTERN const wasm_extern_t *wasm_memory_as_extern_const(const wasm_memory_t *);

WASM_API_EXTERN const wasm_func_t *wasm_extern_as_func_const(const wasm_extern_t *);
WASM_API_EXTERN const wasm_global_t *wasm_extern_as_global_const(const wasm_extern_t *);
WASM_API_EXTERN const wasm_table_t *wasm_extern_as_table_const(const wasm_extern_t *);
WASM_API_EXTERN const wasm_memory_t *wasm_extern_as_memory_const(const wasm_extern_t *);

/* ===================================================================== */
/* Instances                                                              */
/* ===================================================================== */

WASM_DECLARE_REF(instance)

/* Instantiates `module` with `imports` in the order of wasm_module_imports.
   On failure returns NULL and, if `trap` is not NULL, stores there a trap
   describing the problem (a link error or the start function's trap). */
WASM_API_EXTERN own wasm_instance_t *wasm_instance_new(wasm_store_t *, const wasm_module_t *,
                                                       const wasm_extern_vec_t *imports,
                                                       own wasm_trap_t **trap);
/* Exports, in the order the module declares them. */
WASM_API_EXTERN void wasm_instance_exports(const wasm_instance_t *, own wasm_extern_vec_t *out);

/* ===================================================================== */
/* Convenience                                                            */
/* ===================================================================== */

/* Vector initialisers. */
#define WASM_EMPTY_VEC {0, NULL}
#define WASM_ARRAY_VEC(array) {sizeof(array) / sizeof(*(array)), array}

/* Value types. */
static inline own wasm_valtype_t *wasm_valtype_new_i32(void) { return wasm_valtype_new(WASM_I32); }
static inline own wasm_valtype_t *wasm_valtype_new_i64(void) { return wasm_valtype_new(WASM_I64); }
static inline own wasm_valtype_t *wasm_valtype_new_f32(void) { return wasm_valtype_new(WASM_F32); }
static inline own wasm_valtype_t *wasm_valtype_new_f64(void) { return wasm_valtype_new(WASM_F64); }
static inline own wasm_valtype_t *wasm_valtype_new_externref(void) {
  return wasm_valtype_new(WASM_EXTERNREF);
}
static inline own wasm_valtype_t *wasm_valtype_new_funcref(void) {
  return wasm_valtype_new(WASM_FUNCREF);
}

/* Function types with N parameters and M results: wasm_functype_new_N_M.
   They take ownership of the value types passed. (The helper below is an
   implementation detail of these functions.) */
static inline own wasm_functype_t *wasmrt_internal_functype_new(size_t np, wasm_valtype_t **ps,
                                                              size_t nr, wasm_valtype_t **rs) {
  wasm_valtype_vec_t params, results;
  if (np) wasm_valtype_vec_new(&params, np, ps); else wasm_valtype_vec_new_empty(&params);
  if (nr) wasm_valtype_vec_new(&results, nr, rs); else wasm_valtype_vec_new_empty(&results);
  return wasm_functype_new(&params, &results);
}

static inline own wasm_functype_t *wasm_functype_new_0_0(void) {
  return wasmrt_internal_functype_new(0, NULL, 0, NULL);
}
static inline own wasm_functype_t *wasm_functype_new_1_0(own wasm_valtype_t *p) {
  wasm_valtype_t *ps[1] = {p};
  return wasmrt_internal_functype_new(1, ps, 0, NULL);
}
static inline own wasm_functype_t *wasm_functype_new_2_0(own wasm_valtype_t *p1,
                                                         own wasm_valtype_t *p2) {
  wasm_valtype_t *ps[2] = {p1, p2};
  return wasmrt_internal_functype_new(2, ps, 0, NULL);
}
static inline own wasm_functype_t *wasm_functype_new_3_0(own wasm_valtype_t *p1,
                                                         own wasm_valtype_t *p2,
                                                         own wasm_valtype_t *p3) {
  wasm_valtype_t *ps[3] = {p1, p2, p3};
  return wasmrt_internal_functype_new(3, ps, 0, NULL);
}
static inline own wasm_functype_t *wasm_functype_new_0_1(own wasm_valtype_t *r) {
  wasm_valtype_t *rs[1] = {r};
  return wasmrt_internal_functype_new(0, NULL, 1, rs);
}
static inline own wasm_functype_t *wasm_functype_new_1_1(own wasm_valtype_t *p,
                                                         own wasm_valtype_t *r) {
  wasm_valtype_t *ps[1] = {p};
  wasm_valtype_t *rs[1] = {r};
  return wasmrt_internal_functype_new(1, ps, 1, rs);
}
static inline own wasm_functype_t *wasm_functype_new_2_1(own wasm_valtype_t *p1,
                                                         own wasm_valtype_t *p2,
                                                         own wasm_valtype_t *r) {
  wasm_valtype_t *ps[2] = {p1, p2};
  wasm_valtype_t *rs[1] = {r};
  return wasmrt_internal_functype_new(2, ps, 1, rs);
}
static inline own wasm_functype_t *wasm_functype_new_3_1(own wasm_valtype_t *p1,
                                                         own wasm_valtype_t *p2,
                                                         own wasm_valtype_t *p3,
                                                         own wasm_valtype_t *r) {
  wasm_valtype_t *ps[3] = {p1, p2, p3};
  wasm_valtype_t *rs[1] = {r};
  return wasmrt_internal_functype_new(3, ps, 1, rs);
}
static inline own wasm_functype_t *wasm_functype_new_0_2(own wasm_valtype_t *r1,
                                                         own wasm_valtype_t *r2) {
  wasm_valtype_t *rs[2] = {r1, r2};
  return wasmrt_internal_functype_new(0, NULL, 2, rs);
}
static inline own wasm_functype_t *wasm_functype_new_1_2(own wasm_valtype_t *p,
                                                         own wasm_valtype_t *r1,
                                                         own wasm_valtype_t *r2) {
  wasm_valtype_t *ps[1] = {p};
  wasm_valtype_t *rs[2] = {r1, r2};
  return wasmrt_internal_functype_new(1, ps, 2, rs);
}
static inline own wasm_functype_t *wasm_functype_new_2_2(own wasm_valtype_t *p1,
                                                         own wasm_valtype_t *p2,
                                                         own wasm_valtype_t *r1,
                                                         own wasm_valtype_t *r2) {
  wasm_valtype_t *ps[2] = {p1, p2};
  wasm_valtype_t *rs[2] = {r1, r2};
  return wasmrt_internal_functype_new(2, ps, 2, rs);
}
static inline own wasm_functype_t *wasm_functype_new_3_2(own wasm_valtype_t *p1,
                                                         own wasm_valtype_t *p2,
                                                         own wasm_valtype_t *p3,
                                                         own wasm_valtype_t *r1,
                                                         own wasm_valtype_t *r2) {
  wasm_valtype_t *ps[3] = {p1, p2, p3};
  wasm_valtype_t *rs[2] = {r1, r2};
  return wasmrt_internal_functype_new(3, ps, 2, rs);
}

/* A pointer carried in an integer value of the host's pointer width. */
static inline void wasm_val_init_ptr(own wasm_val_t *out, void *p) {
#if UINTPTR_MAX == UINT32_MAX
  out->kind = WASM_I32;
  out->of.i32 = (int32_t)(intptr_t)p;
#else
  out->kind = WASM_I64;
  out->of.i64 = (int64_t)(intptr_t)p;
#endif
}

static inline void *wasm_val_ptr(const wasm_val_t *val) {
#if UINTPTR_MAX == UINT32_MAX
  return (void *)(intptr_t)val->of.i32;
#else
  return (void *)(intptr_t)val->of.i64;
#endif
}

/* Value initialisers (designated initialisers: C99 and C++20). */
#define WASM_I32_VAL(i) {.kind = WASM_I32, .of = {.i32 = i}}
#define WASM_I64_VAL(i) {.kind = WASM_I64, .of = {.i64 = i}}
#define WASM_F32_VAL(z) {.kind = WASM_F32, .of = {.f32 = z}}
#define WASM_F64_VAL(z) {.kind = WASM_F64, .of = {.f64 = z}}
#define WASM_REF_VAL(r) {.kind = WASM_EXTERNREF, .of = {.ref = r}}
#define WASM_INIT_VAL {.kind = WASM_EXTERNREF, .of = {.ref = NULL}}

#undef own

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* WASM_H */
