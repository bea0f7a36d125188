//! consumer_dynlib.zig: the install test's Zig consumer that does not link
//! libwasmrt. It opens the library at run time with std.DynLib (path in the
//! first argument, else in WASMRT_LIB) and looks up each wasm.h function it
//! uses. wasm.h is still imported, for its types. Runs the same check as
//! consumer.zig and prints the same line. Zig 0.15:
//!
//!     zig build-exe consumer_dynlib.zig -I$PREFIX/include -lc
//!     ./consumer_dynlib $PREFIX/lib/libwasmrt.so
//!
//! `-lc` makes std.DynLib use the C library's dlopen, which runs the
//! library's initialisers and loads its dependencies.
const std = @import("std");
const c = @cImport(@cInclude("wasm.h"));

const module_bytes = [_]u8{ 0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x0a, 0x02, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f, 0x60, 0x00, 0x00, 0x03, 0x03, 0x02, 0x00, 0x01, 0x07, 0x0e, 0x02, 0x03, 0x61, 0x64, 0x64, 0x00, 0x00, 0x04, 0x62, 0x6f, 0x6f, 0x6d, 0x00, 0x01, 0x0a, 0x0d, 0x02, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b, 0x03, 0x00, 0x00, 0x0b };

/// Pointers to the wasm.h functions this program calls, one field per
/// function, named after it and typed after its declaration in wasm.h.
/// (The types are written out: @TypeOf(c.wasm_engine_new) would put
/// references to the symbols into the debug info and need them at link
/// time.)
const Api = struct {
    wasm_engine_new: *const fn () callconv(.c) ?*c.wasm_engine_t,
    wasm_engine_delete: *const fn (?*c.wasm_engine_t) callconv(.c) void,
    wasm_store_new: *const fn (?*c.wasm_engine_t) callconv(.c) ?*c.wasm_store_t,
    wasm_store_delete: *const fn (?*c.wasm_store_t) callconv(.c) void,
    wasm_byte_vec_new: *const fn (*c.wasm_byte_vec_t, usize, [*]const c.wasm_byte_t) callconv(.c) void,
    wasm_byte_vec_delete: *const fn (*c.wasm_byte_vec_t) callconv(.c) void,
    wasm_module_new: *const fn (?*c.wasm_store_t, *const c.wasm_byte_vec_t) callconv(.c) ?*c.wasm_module_t,
    wasm_module_delete: *const fn (?*c.wasm_module_t) callconv(.c) void,
    wasm_extern_vec_new_empty: *const fn (*c.wasm_extern_vec_t) callconv(.c) void,
    wasm_extern_vec_delete: *const fn (*c.wasm_extern_vec_t) callconv(.c) void,
    wasm_instance_new: *const fn (?*c.wasm_store_t, ?*const c.wasm_module_t, *const c.wasm_extern_vec_t, ?*?*c.wasm_trap_t) callconv(.c) ?*c.wasm_instance_t,
    wasm_instance_delete: *const fn (?*c.wasm_instance_t) callconv(.c) void,
    wasm_instance_exports: *const fn (?*const c.wasm_instance_t, *c.wasm_extern_vec_t) callconv(.c) void,
    wasm_extern_as_func: *const fn (?*c.wasm_extern_t) callconv(.c) ?*c.wasm_func_t,
    wasm_func_call: *const fn (?*const c.wasm_func_t, *const c.wasm_val_vec_t, *c.wasm_val_vec_t) callconv(.c) ?*c.wasm_trap_t,
    wasm_trap_message: *const fn (?*const c.wasm_trap_t, *c.wasm_message_t) callconv(.c) void,
    wasm_trap_delete: *const fn (?*c.wasm_trap_t) callconv(.c) void,

    /// Looks up every field's function in `lib`; null names the first one
    /// missing.
    fn load(lib: *std.DynLib, missing: *[]const u8) ?Api {
        var api: Api = undefined;
        inline for (@typeInfo(Api).@"struct".fields) |field| {
            @field(api, field.name) = lib.lookup(field.type, field.name) orelse {
                missing.* = field.name;
                return null;
            };
        }
        return api;
    }
};

pub fn main() u8 {
    var args = std.process.args();
    _ = args.skip();
    const path: []const u8 = args.next() orelse std.posix.getenv("WASMRT_LIB") orelse {
        std.debug.print("usage: consumer_dynlib PATH/libwasmrt.so (or WASMRT_LIB=PATH)\n", .{});
        return 2;
    };
    var lib = std.DynLib.open(path) catch |err| {
        std.debug.print("cannot load {s}: {s}\n", .{ path, @errorName(err) });
        return 1;
    };
    defer lib.close();
    var missing: []const u8 = "";
    const w = Api.load(&lib, &missing) orelse {
        std.debug.print("{s} has no {s}\n", .{ path, missing });
        return 1;
    };

    const engine = w.wasm_engine_new();
    const store = w.wasm_store_new(engine);
    var binary: c.wasm_byte_vec_t = undefined;
    w.wasm_byte_vec_new(&binary, module_bytes.len, @ptrCast(&module_bytes));
    const module = w.wasm_module_new(store, &binary) orelse return 1;
    w.wasm_byte_vec_delete(&binary);
    var imports: c.wasm_extern_vec_t = undefined;
    w.wasm_extern_vec_new_empty(&imports);
    const instance = w.wasm_instance_new(store, module, &imports, null) orelse return 2;
    var exports: c.wasm_extern_vec_t = undefined;
    w.wasm_instance_exports(instance, &exports);

    var vals: [3]c.wasm_val_t = undefined;
    vals[0].kind = c.WASM_I32;
    vals[0].of.i32 = 2;
    vals[1].kind = c.WASM_I32;
    vals[1].of.i32 = 40;
    var call_args = c.wasm_val_vec_t{ .size = 2, .data = &vals[0] };
    var results = c.wasm_val_vec_t{ .size = 1, .data = &vals[2] };
    var ok = w.wasm_func_call(w.wasm_extern_as_func(exports.data[0]), &call_args, &results) == null and vals[2].of.i32 == 42;

    var none = c.wasm_val_vec_t{ .size = 0, .data = null };
    if (w.wasm_func_call(w.wasm_extern_as_func(exports.data[1]), &none, &none)) |trap| {
        var msg: c.wasm_message_t = undefined;
        w.wasm_trap_message(trap, &msg);
        const text: [*]const u8 = @ptrCast(msg.data);
        ok = ok and std.mem.indexOf(u8, text[0..msg.size], "unreachable") != null;
        w.wasm_byte_vec_delete(&msg);
        w.wasm_trap_delete(trap);
    } else {
        ok = false;
    }
    w.wasm_extern_vec_delete(&exports);
    w.wasm_instance_delete(instance);
    w.wasm_module_delete(module);
    w.wasm_store_delete(store);
    w.wasm_engine_delete(engine);
    if (!ok) return 3;
    std.debug.print("zig consumer: add(2, 40) = {d}, trap checked: ok\n", .{vals[2].of.i32});
    return 0;
}
