"""What the original qianwen-ops-auth skill's loader does, for comparison: load `.env` from the
current directory and from the repository root (found by `.git` or `skills/`) without
overwriting the environment, then pick QIANWEN_API_KEY over DASHSCOPE_API_KEY and report it
masked. Standard library only, like the skill's scripts."""

import os
import pathlib


def load_dotenv(path):
    if not path.is_file():
        return
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        if line.startswith("export "):
            line = line[len("export "):]
        name, value = line.split("=", 1)
        name, value = name.strip(), value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        os.environ.setdefault(name, value)


def repo_root(start):
    for directory in [start, *start.parents]:
        if (directory / ".git").exists() or (directory / "skills").is_dir():
            return directory
    return None


cwd = pathlib.Path.cwd()
load_dotenv(cwd / ".env")
root = repo_root(cwd)
if root is not None and root != cwd:
    load_dotenv(root / ".env")
key = os.environ.get("QIANWEN_API_KEY") or os.environ.get("DASHSCOPE_API_KEY")
if key:
    print("key: set", key[:3] + "*" * 16 + key[-4:])
else:
    print("key: not set")
