"""Embedding the qianwen-auth policy component in Python, with wasmtime from PyPI: give it our
own implementations of its `qianwen:auth` imports and only the policy's environment variables,
then call the pure `policy` interface and the full `auth.status` path.

    qianwen-auth component --out qianwen-auth.wasm
    pip install wasmtime==50.0.1 && python embed.py qianwen-auth.wasm

Exits non-zero if any check fails, so it doubles as a test.
"""

import os
import pathlib
import stat
import sys
import tempfile

from wasmtime import Engine, Store, WasiConfig
from wasmtime.component import Component, Linker, Record, Variant

FAKE_KEY = "sk-FAKE_python_Zq8vX3mKw9Tj_a1b2"
MAX_FILE = 1024 * 1024


def record(**fields):
    """A WIT record: field names as the WIT spells them (`has-git`)."""
    r = Record()
    for name, value in fields.items():
        setattr(r, name.replace("_", "-"), value)
    return r



# The `qianwen:auth/project` import: .env and .gitignore in the current directory and its
# ancestors, read-only, at most 1 MiB, no symbolic link out of its directory.
def directories():
    here = pathlib.Path.cwd()
    return [here, *here.parents]


def ancestors(_store):
    return [
        record(path=str(d), has_git=(d / ".git").exists() or (d / ".git").is_symlink(),
               has_skills=(d / "skills").is_dir())
        for d in directories()
    ]


def read(_store, depth, file):
    dirs = directories()
    if depth >= len(dirs):
        return Variant("no-such-directory")
    path = dirs[depth] / (".env" if file == "dotenv" else ".gitignore")
    try:
        link = path.lstat()
    except FileNotFoundError:
        return None
    except OSError as e:
        return Variant("io", e.strerror or str(e))
    if stat.S_ISLNK(link.st_mode) and path.resolve().parent != dirs[depth].resolve():
        return Variant("symlink-outside")
    if not path.is_file():
        return Variant("not-a-file")
    size = path.stat().st_size
    if size > MAX_FILE:
        return Variant("too-large", size)
    return record(bytes=path.read_bytes(), mode=path.stat().st_mode & 0o777)


# This host does not read git's index or ignore rules: it answers "cannot tell", which the
# policy reports (`git-unknown`) before judging by the .gitignore files it reads itself.
# (wasmtime-py takes a variant whose cases differ in type by the payload alone.)
def git(_store, _dotenvs):
    return "this host does not read git's files"


def refuse(why):
    def refused(_store, *_args):
        return Variant("refused", why)
    return refused


def main(component_path):
    engine = Engine()
    component = Component.from_file(engine, component_path)
    linker = Linker(engine)
    linker.add_wasip2()
    linker.add_wasi_http()
    with linker.root() as root:
        with root.add_instance("qianwen:auth/project@0.3.0") as project:
            project.add_func("ancestors", ancestors)
            project.add_func("read", read)
            project.add_func("git", git)
        # This host runs status only: it grants no writes.
        with root.add_instance("qianwen:auth/evidence@0.3.0") as evidence:
            evidence.add_func("write", refuse("this host writes no evidence"))
        with root.add_instance("qianwen:auth/setup@0.3.0") as setup:
            for name in ["can-change", "append-line", "replace-line", "write-key", "make-private"]:
                setup.add_func(name, refuse("this host changes no file"))

    def instantiate(env):
        store = Store(engine)
        wasi = WasiConfig()
        wasi.env = env
        store.set_wasi(wasi)
        store.set_wasi_http()
        instance = linker.instantiate(store, component)

        def export(interface, name):
            index = instance.get_export_index(store, interface)
            func = instance.get_func(store, instance.get_export_index(store, name, index))

            def call(*args):
                result = func(store, *args)
                func.post_return(store)
                return result
            return call
        return export

    # Grant only the variables the policy reads, as the CLI does: the component names them.
    variables = instantiate([])("qianwen:auth/policy@0.3.0", "granted-variables")()
    assert "DASHSCOPE_API_KEY" in variables and "HOME" not in variables
    export = instantiate([(v, os.environ[v]) for v in variables if v in os.environ])

    policy = "qianwen:auth/policy@0.3.0"
    classify = export(policy, "classify-key")
    assert classify("sk-sp-FAKE_plan_Hb2Ng7Rc4Xv9_c3d4").kind == "plan"
    assert classify("LTAI5tFAKE_Kp3Wz8Qm_Xa0000").kind == "foreign"
    assert export(policy, "mask-key")(FAKE_KEY) == "sk-****************a1b2"
    parsed = export(policy, "parse-dotenv")(".env", f"A=1\nbroken {FAKE_KEY}\n".encode())
    assert [e.name for e in parsed.entries] == ["A"]
    assert parsed.problems[0].startswith(".env:2: ") and "Zq8v" not in parsed.problems[0]
    assert len(export(policy, "links")()) == 9
    assert export(policy, "flow-step")(None, None).tag == "asked"
    assert export(policy, "flow-step")("console", True).tag == "still-rejected"
    resolved = export(policy, "resolve")(
        [("DASHSCOPE_API_KEY", FAKE_KEY)],
        [record(path="/p", has_git=False, has_skills=False, dotenv=None, dotenv_mode=None, gitignore=None)],
        record(region=None, granted_hosts=[], request_time_limit_ms=0),
    )
    assert resolved.verdict == "usable", resolved.verdict
    assert resolved.key.masked == "sk-****************a1b2"

    # The full status path, in a temporary repository whose .env holds the key.
    with tempfile.TemporaryDirectory() as project:
        root = pathlib.Path(project)
        (root / ".git").mkdir()
        (root / "app").mkdir()
        (root / ".env").write_text(f"QIANWEN_API_KEY={FAKE_KEY}\n")
        (root / ".env").chmod(0o600)
        (root / ".gitignore").write_text(".env\n")
        os.chdir(root / "app")
        status = export("qianwen:auth/auth@0.3.0", "status")(record(region=None, granted_hosts=[], request_time_limit_ms=0))
        key = status.key
        assert status.verdict == "usable", status.verdict
        assert key.source == "repo-dotenv" and key.kind == "standard"
        assert key.masked == "sk-****************a1b2"
        assert [w.code for w in status.warnings] == ["git-unknown"], status.warnings
        assert "Zq8v" not in repr(vars(key))
    print("python embedding: pure policy and full status path passed")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "qianwen-auth.wasm")
