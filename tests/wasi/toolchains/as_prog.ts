// A WASI program in AssemblyScript (with @assemblyscript/wasi-shim), run by
// tests/wasi_toolchains.rs under `wasmrt run` and under wasmtime: args,
// environment, stdout/stderr, stdin, clocks and random (checked for
// shape, not value) and the exit code.

const args = process.argv;
console.log("argc " + args.length.toString());
for (let i = 1; i < args.length; i++) console.log("arg " + args[i]);
const env = process.env;
const keys = env.keys().sort();
for (let i = 0; i < keys.length; i++) console.log("env " + keys[i] + "=" + env.get(keys[i]));
console.error("to stderr");
process.stdout.write("no newline, ");
process.stdout.write("then one\n");
const buffer = new ArrayBuffer(64);
let total = 0;
for (;;) {
  const n = process.stdin.read(buffer);
  if (n <= 0) break;
  total += n;
}
console.log("stdin bytes " + total.toString());
const bytes = new Uint8Array(16);
crypto.getRandomValues(bytes);
console.log("random bytes " + bytes.length.toString());
const t0 = process.hrtime();
const t1 = process.hrtime();
console.log("clock monotonic " + (t1 >= t0).toString());
console.log("date after 2020 " + (Date.now() > 1577836800000).toString());
process.exit(args.length > 1 ? I32.parseInt(args[1]) : 0);
