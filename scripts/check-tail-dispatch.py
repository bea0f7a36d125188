#!/usr/bin/env python3
"""Checks that the interpreter's handlers dispatch by jumps, not calls.

In optimised builds each handler ends by jumping to the next instruction's
handler through the table (`jmp *(%base,%index,8)` on x86-64). If LLVM
ever compiled one of those dispatches as a call instead, every execution
of that instruction would leave a host stack frame behind, and a long loop
would overflow the host stack. This script disassembles the release
library and fails if any function of `wasmrt::interp::exec` contains a
table-indexed call, or if fewer handlers than expected contain a
table-indexed jump (the check would then be checking nothing).

Usage: check-tail-dispatch.py path/to/libwasmrt.so
"""
import re
import subprocess
import sys

lib = sys.argv[1]
arch = subprocess.run(["uname", "-m"], capture_output=True, text=True).stdout.strip()
if arch != "x86_64":
    print(f"check-tail-dispatch: only x86-64 disassembly is checked (this is {arch}); skipped")
    sys.exit(0)

asm = subprocess.run(
    ["objdump", "-d", "--no-show-raw-insn", "-C", lib],
    capture_output=True, text=True, check=True,
).stdout

header = re.compile(r"^[0-9a-f]+ <(.*)>:$")
table_call = re.compile(r"\bcall\s+\*\(%\w+,%\w+,8\)")
table_jump = re.compile(r"\bjmp\s+\*\(%\w+,%\w+,8\)")
# The same in two steps: the handler loaded into a register, then used.
table_load = re.compile(r"\bmov\s+\(%\w+,%\w+,8\),(%\w+)$")
reg_call = re.compile(r"\bcall\s+\*(%\w+)$")
reg_jump = re.compile(r"\bjmp\s+\*(%\w+)$")

# Where an invocation enters the handlers: the one legitimate call.
ENTRY = ("array_call", "run", "drive")

func = None
loaded = None  # register holding a handler loaded from the table
bad = []
jumping = set()
for line in asm.splitlines():
    m = header.match(line)
    if m:
        func = m.group(1)
        loaded = None
        continue
    if func is None or not func.startswith("wasmrt::interp::exec::"):
        continue
    entry = func.split("::")[3] in ENTRY
    text = line.strip()
    call = reg_call.search(text)
    if (table_call.search(text) or (call and call.group(1) == loaded)) and not entry:
        bad.append(f"{func}: {text}")
    jump = reg_jump.search(text)
    if table_jump.search(text) or (jump and jump.group(1) == loaded):
        jumping.add(func)
    load = table_load.search(text)
    loaded = load.group(1) if load else loaded

if bad:
    print("handlers that dispatch by call instead of jump:")
    print("\n".join(bad))
    sys.exit(1)
if len(jumping) < 400:
    print(f"only {len(jumping)} functions of wasmrt::interp::exec jump through the handler table;")
    print("is this an optimised build with tail dispatch?")
    sys.exit(1)
print(f"check-tail-dispatch: {len(jumping)} handlers dispatch by jump, none by call")
