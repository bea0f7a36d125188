# consumer.rb: the install test's Ruby consumer (ruby-ffi loading the
# installed libwasmrt.so, path in ARGV[0]): add(2, 40) == 42, and boom()
# traps with "unreachable".
require "ffi"

module Wasm
  extend FFI::Library
  ffi_lib ARGV.fetch(0)

  class ByteVec < FFI::Struct
    layout :size, :size_t, :data, :pointer
  end

  class ValUnion < FFI::Union
    layout :i32, :int32, :i64, :int64, :f32, :float, :f64, :double, :ref, :pointer
  end

  class Val < FFI::Struct
    layout :kind, :uint8, :of, ValUnion
  end

  class Vec < FFI::Struct
    layout :size, :size_t, :data, :pointer
  end

  attach_function :wasm_engine_new, [], :pointer
  attach_function :wasm_engine_delete, [:pointer], :void
  attach_function :wasm_store_new, [:pointer], :pointer
  attach_function :wasm_store_delete, [:pointer], :void
  attach_function :wasm_module_new, [:pointer, ByteVec.by_ref], :pointer
  attach_function :wasm_module_delete, [:pointer], :void
  attach_function :wasm_instance_new, [:pointer, :pointer, Vec.by_ref, :pointer], :pointer
  attach_function :wasm_instance_delete, [:pointer], :void
  attach_function :wasm_instance_exports, [:pointer, Vec.by_ref], :void
  attach_function :wasm_extern_vec_delete, [Vec.by_ref], :void
  attach_function :wasm_extern_as_func, [:pointer], :pointer
  attach_function :wasm_func_call, [:pointer, Vec.by_ref, Vec.by_ref], :pointer
  attach_function :wasm_trap_message, [:pointer, ByteVec.by_ref], :void
  attach_function :wasm_trap_delete, [:pointer], :void
  attach_function :wasm_byte_vec_delete, [ByteVec.by_ref], :void
end

MODULE = ["0061736d01000000010a0260027f7f017f6000000303020001070e02" \
          "03616464000004626f6f6d00010a0d020700200020016a0b0300000b"].pack("H*")

engine = Wasm.wasm_engine_new
store = Wasm.wasm_store_new(engine)
buf = FFI::MemoryPointer.from_string(MODULE)
bin = Wasm::ByteVec.new
bin[:size] = MODULE.bytesize
bin[:data] = buf
mod = Wasm.wasm_module_new(store, bin)
abort "module did not compile" if mod.null?
inst = Wasm.wasm_instance_new(store, mod, Wasm::Vec.new, nil)
abort "instantiation failed" if inst.null?
exports = Wasm::Vec.new
Wasm.wasm_instance_exports(inst, exports)
funcs = exports[:data].read_array_of_pointer(exports[:size]).map { |e| Wasm.wasm_extern_as_func(e) }

vals = FFI::MemoryPointer.new(Wasm::Val, 3)
a, b, r = (0..2).map { |i| Wasm::Val.new(vals + i * Wasm::Val.size) }
a[:kind] = 0
a[:of][:i32] = 2
b[:kind] = 0
b[:of][:i32] = 40
args = Wasm::Vec.new
args[:size] = 2
args[:data] = vals
results = Wasm::Vec.new
results[:size] = 1
results[:data] = vals + 2 * Wasm::Val.size
trap = Wasm.wasm_func_call(funcs[0], args, results)
abort "add trapped" unless trap.null?
abort "add(2, 40) = #{r[:of][:i32]}" unless r[:of][:i32] == 42

trap = Wasm.wasm_func_call(funcs[1], Wasm::Vec.new, Wasm::Vec.new)
abort "boom did not trap" if trap.null?
msg = Wasm::ByteVec.new
Wasm.wasm_trap_message(trap, msg)
text = msg[:data].read_string(msg[:size])
abort "trap message: #{text}" unless text.include?("unreachable")
Wasm.wasm_byte_vec_delete(msg)
Wasm.wasm_trap_delete(trap)

Wasm.wasm_extern_vec_delete(exports)
Wasm.wasm_instance_delete(inst)
Wasm.wasm_module_delete(mod)
Wasm.wasm_store_delete(store)
Wasm.wasm_engine_delete(engine)
puts "ruby consumer: add(2, 40) = 42, trap checked: ok"
