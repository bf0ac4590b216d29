"""Embedding the qianwen-auth policy in Python, with wasmtime from PyPI: the `pure` world, which
imports nothing of its own, so this host implements nothing. It reads the project itself and
passes it in; the policy judges.

    cargo build -p qianwen-auth-guest --no-default-features --target wasm32-wasip2 --profile guest
    pip install wasmtime==50.0.1
    python embed.py target/wasm32-wasip2/guest/qianwen_auth_guest.wasm

Exits non-zero if any check fails, so it doubles as a test.
"""

import pathlib
import sys
import tempfile

from wasmtime import Engine, Store, WasiConfig
from wasmtime.component import Component, Linker, Record

FAKE_KEY = "sk-FAKE_python_Zq8vX3mKw9Tj_a1b2"
PACKAGE = "qianwen:auth/{}@0.7.0"


def record(**fields):
    """A WIT record: field names as the WIT spells them (`has-git`)."""
    r = Record()
    for name, value in fields.items():
        setattr(r, name.replace("_", "-"), value)
    return r


def read(path):
    """A file's bytes, or None when there is none."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def directory_inputs(start):
    """What `resolve` needs of the directories from `start` up: the entries it looks for, and
    the `.env` and `.gitignore` files."""
    inputs = []
    for d in [start, *start.parents]:
        dotenv = d / ".env"
        inputs.append(record(
            path=str(d),
            has_git=(d / ".git").exists(),
            has_dotenv_local=(d / ".env.local").exists(),
            has_skills=(d / "skills").is_dir(),
            dotenv=read(dotenv),
            dotenv_mode=dotenv.stat().st_mode & 0o777 if dotenv.is_file() else None,
            gitignore=read(d / ".gitignore"),
        ))
    return inputs


def main(component_path):
    engine = Engine()
    component = Component.from_file(engine, component_path)
    linker = Linker(engine)
    # What Rust's standard library asks of WASI; the policy reads nothing through it.
    linker.add_wasip2()

    store = Store(engine)
    store.set_wasi(WasiConfig())
    instance = linker.instantiate(store, component)

    def export(interface, name):
        index = instance.get_export_index(store, PACKAGE.format(interface))
        func = instance.get_func(store, instance.get_export_index(store, name, index))

        def call(*args):
            result = func(store, *args)
            func.post_return(store)
            return result
        return call

    classify = export("policy", "classify-key")
    assert classify("sk-sp-FAKE_plan_Hb2Ng7Rc4Xv9_c3d4").kind == "plan"
    assert classify("LTAI5tFAKE_Kp3Wz8Qm_Xa0000").kind == "foreign"
    assert export("policy", "mask-key")(FAKE_KEY) == "sk-****************a1b2"
    parsed = export("policy", "parse-dotenv")(".env", f"A=1\nbroken {FAKE_KEY}\n".encode())
    assert [e.name for e in parsed.entries] == ["A"]
    assert parsed.problems[0].startswith(".env:2: ") and "Zq8v" not in parsed.problems[0]
    assert len(export("policy", "links")()) == 9
    assert export("policy", "flow-step")(None, None, None).tag == "asked"
    assert export("policy", "flow-step")("console", True, None).tag == "still-rejected"
    assert export("guidance", "token-plan-facts")().refusal
    assert "<!-- QIANWEN_SKILLS -->" in export("guidance", "agent-snippet")()

    # The variables the policy reads: a host passes these and no others (the CLI does). This
    # test passes none, so that the key comes from the project below.
    variables = export("policy", "granted-variables")()
    assert "DASHSCOPE_API_KEY" in variables and "HOME" not in variables

    # The chain in a temporary repository whose .env holds the key, seen from a subdirectory.
    with tempfile.TemporaryDirectory() as project:
        root = pathlib.Path(project)
        (root / ".git").mkdir()
        (root / "app").mkdir()
        (root / ".env").write_text(f"QIANWEN_API_KEY={FAKE_KEY}\n")
        (root / ".env").chmod(0o600)
        (root / ".gitignore").write_text(".env\n")
        status = export("policy", "resolve")(
            [], directory_inputs(root / "app"),
            record(system="windows" if sys.platform == "win32" else "unix", region=None, granted_hosts=[], request_time_limit_ms=0, verification_time_limit_ms=0),
        )
        key = status.key
        assert status.verdict == "usable", status.verdict
        assert key.source == "repo-dotenv" and key.kind == "standard"
        assert key.masked == "sk-****************a1b2"
        assert [w.code for w in status.warnings] == [], [w.message for w in status.warnings]
        assert "Zq8v" not in repr(vars(key))
    print("python embedding: the pure world, with no import implemented, passed")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "qianwen_auth_guest.wasm")
