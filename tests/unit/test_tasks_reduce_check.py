"""Reduction acceptance (oracle/feed/reduce_check.py) for task programs: K&R functions whose missing
return value nobody reads are fine; compile-time undefined behaviour a variant adds is not."""

from __future__ import annotations

import subprocess

from oracle.feed.reduce_check import judge_warnings, value_unused

FLAGS = ["-c", "-O2", "-Wall", "-Wuninitialized", "-Wmaybe-uninitialized", "-Wreturn-type",
         "-Wshift-negative-value", "-Woverflow", "-x", "c", "-", "-o", "/dev/null"]


def gcc_warnings(program: str) -> str:
    res = subprocess.run(["gcc", *FLAGS], input=program, capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    return res.stderr


def test_kr_function_whose_value_is_never_read_is_accepted():
    prog = "int x;\nf(x)\nint x;\n{ if (x) return 1; }\nint main() { f(1); if (x) f(2); else f(0); return 0; }\n"
    err = gcc_warnings(prog)
    assert "control reaches end of non-void function" in err  # gcc does warn
    assert judge_warnings(err, prog) is None
    used = prog.replace("f(1);", "x = f(1);")
    why = judge_warnings(gcc_warnings(used), used)
    assert why and "control reaches end of non-void function" in why


def test_value_unused_reads_calls_not_definitions():
    assert value_unused("g(){}\nint main(){ for(;;) g(); (void) g(); }", "g")
    assert not value_unused("g(){}\nint main(){ return g(); }", "g")
    assert not value_unused("g(){}\nint main(){ int y = (int) g(); }", "g")
    assert not value_unused("int main(){ return 0; }", "main")


def test_new_compile_time_ub_rejects_a_variant_but_the_originals_own_is_kept():
    original = "int a[4];\nint main(void){ int i; for (i = 0; i < 4; i++) a[i] = 1; return a[0] - 1; }\n"
    spec: dict = {}
    assert judge_warnings(gcc_warnings(original), original, spec) is None and spec["ub_warnings"] == []
    variant = original.replace("i < 4", "i < 5")  # a reducer widened the bound
    why = judge_warnings(gcc_warnings(variant), variant, spec)
    assert why and why.startswith("gcc sees undefined behaviour") and "iteration 4" in why
    shift = "int main(void){ unsigned x = 1; return (x << 40) != 0; }\n"
    assert "-Wshift-count-overflow" in judge_warnings(gcc_warnings(shift), shift, spec)
    # A test whose original already has it (the test is about it): its variants may keep it.
    own: dict = {}
    assert judge_warnings(gcc_warnings(variant), variant, own) is None and own["ub_warnings"]
    assert judge_warnings(gcc_warnings(variant), variant, own) is None
