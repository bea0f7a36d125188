"""Loads libwasmrt.so with ctypes (path in argv[1]) and runs the same check
as consumer.c: add(2, 40) == 42, and boom() traps with "unreachable"."""
import ctypes
import sys

lib = ctypes.CDLL(sys.argv[1])

MODULE = bytes.fromhex(
    "0061736d01000000010a0260027f7f017f6000000303020001070e02"
    "03616464000004626f6f6d00010a0d020700200020016a0b0300000b"
)


class ByteVec(ctypes.Structure):
    _fields_ = [("size", ctypes.c_size_t), ("data", ctypes.c_void_p)]


class ValUnion(ctypes.Union):
    _fields_ = [("i32", ctypes.c_int32), ("i64", ctypes.c_int64),
                ("f32", ctypes.c_float), ("f64", ctypes.c_double), ("ref", ctypes.c_void_p)]


class Val(ctypes.Structure):
    _fields_ = [("kind", ctypes.c_uint8), ("of", ValUnion)]


class ValVec(ctypes.Structure):
    _fields_ = [("size", ctypes.c_size_t), ("data", ctypes.POINTER(Val))]


class ExternVec(ctypes.Structure):
    _fields_ = [("size", ctypes.c_size_t), ("data", ctypes.POINTER(ctypes.c_void_p))]


P = ctypes.c_void_p
for name, res, args in [
    ("wasm_engine_new", P, []), ("wasm_store_new", P, [P]),
    ("wasm_module_new", P, [P, ctypes.POINTER(ByteVec)]),
    ("wasm_instance_new", P, [P, P, ctypes.POINTER(ExternVec), P]),
    ("wasm_instance_exports", None, [P, ctypes.POINTER(ExternVec)]),
    ("wasm_extern_as_func", P, [P]),
    ("wasm_func_call", P, [P, ctypes.POINTER(ValVec), ctypes.POINTER(ValVec)]),
    ("wasm_trap_message", None, [P, ctypes.POINTER(ByteVec)]),
    ("wasm_trap_delete", None, [P]), ("wasm_byte_vec_delete", None, [ctypes.POINTER(ByteVec)]),
    ("wasm_extern_vec_delete", None, [ctypes.POINTER(ExternVec)]),
    ("wasm_instance_delete", None, [P]), ("wasm_module_delete", None, [P]),
    ("wasm_store_delete", None, [P]), ("wasm_engine_delete", None, [P]),
]:
    fn = getattr(lib, name)
    fn.restype, fn.argtypes = res, args

engine = lib.wasm_engine_new()
store = lib.wasm_store_new(engine)
buf = ctypes.create_string_buffer(MODULE, len(MODULE))
module = lib.wasm_module_new(store, ByteVec(len(MODULE), ctypes.cast(buf, P)))
assert module, "module did not compile"
instance = lib.wasm_instance_new(store, module, ExternVec(0, None), None)
assert instance, "instantiation failed"
exports = ExternVec()
lib.wasm_instance_exports(instance, ctypes.byref(exports))
add = lib.wasm_extern_as_func(exports.data[0])
boom = lib.wasm_extern_as_func(exports.data[1])

args = (Val * 2)(Val(0, ValUnion(i32=2)), Val(0, ValUnion(i32=40)))
results = (Val * 1)()
trap = lib.wasm_func_call(add, ValVec(2, args), ValVec(1, results))
assert not trap and results[0].of.i32 == 42, "add(2, 40) != 42"

trap = lib.wasm_func_call(boom, ValVec(0, None), ValVec(0, None))
assert trap, "boom() did not trap"
msg = ByteVec()
lib.wasm_trap_message(trap, ctypes.byref(msg))
text = ctypes.string_at(msg.data, msg.size)
assert b"unreachable" in text, text
lib.wasm_byte_vec_delete(ctypes.byref(msg))
lib.wasm_trap_delete(trap)

lib.wasm_extern_vec_delete(ctypes.byref(exports))
lib.wasm_instance_delete(instance)
lib.wasm_module_delete(module)
lib.wasm_store_delete(store)
lib.wasm_engine_delete(engine)
print("python consumer: add(2, 40) = 42, trap checked: ok")
