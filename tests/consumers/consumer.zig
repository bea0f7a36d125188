//! consumer.zig: the install test's Zig consumer (@cImport of wasm.h,
//! linked against the installed libwasmrt.so): add(2, 40) == 42, and
//! boom() traps with "unreachable".
const std = @import("std");
const c = @cImport(@cInclude("wasm.h"));

const module_bytes = [_]u8{ 0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x0a, 0x02, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f, 0x60, 0x00, 0x00, 0x03, 0x03, 0x02, 0x00, 0x01, 0x07, 0x0e, 0x02, 0x03, 0x61, 0x64, 0x64, 0x00, 0x00, 0x04, 0x62, 0x6f, 0x6f, 0x6d, 0x00, 0x01, 0x0a, 0x0d, 0x02, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b, 0x03, 0x00, 0x00, 0x0b };

pub fn main() u8 {
    const engine = c.wasm_engine_new();
    const store = c.wasm_store_new(engine);
    var binary: c.wasm_byte_vec_t = undefined;
    c.wasm_byte_vec_new(&binary, module_bytes.len, @ptrCast(&module_bytes));
    const module = c.wasm_module_new(store, &binary) orelse return 1;
    c.wasm_byte_vec_delete(&binary);
    var imports: c.wasm_extern_vec_t = undefined;
    c.wasm_extern_vec_new_empty(&imports);
    const instance = c.wasm_instance_new(store, module, &imports, null) orelse return 2;
    var exports: c.wasm_extern_vec_t = undefined;
    c.wasm_instance_exports(instance, &exports);

    var vals: [3]c.wasm_val_t = undefined;
    vals[0].kind = c.WASM_I32;
    vals[0].of.i32 = 2;
    vals[1].kind = c.WASM_I32;
    vals[1].of.i32 = 40;
    var args = c.wasm_val_vec_t{ .size = 2, .data = &vals[0] };
    var results = c.wasm_val_vec_t{ .size = 1, .data = &vals[2] };
    var ok = c.wasm_func_call(c.wasm_extern_as_func(exports.data[0]), &args, &results) == null and vals[2].of.i32 == 42;

    var none = c.wasm_val_vec_t{ .size = 0, .data = null };
    if (c.wasm_func_call(c.wasm_extern_as_func(exports.data[1]), &none, &none)) |trap| {
        var msg: c.wasm_message_t = undefined;
        c.wasm_trap_message(trap, &msg);
        const text: [*]const u8 = @ptrCast(msg.data);
        ok = ok and std.mem.indexOf(u8, text[0..msg.size], "unreachable") != null;
        c.wasm_byte_vec_delete(&msg);
        c.wasm_trap_delete(trap);
    } else {
        ok = false;
    }
    c.wasm_extern_vec_delete(&exports);
    c.wasm_instance_delete(instance);
    c.wasm_module_delete(module);
    c.wasm_store_delete(store);
    c.wasm_engine_delete(engine);
    if (!ok) return 3;
    std.debug.print("zig consumer: add(2, 40) = {d}, trap checked: ok\n", .{vals[2].of.i32});
    return 0;
}
