// The `qianwen:auth/project` import for Node: `.env` and `.gitignore` in the current directory
// and its ancestors, read-only, at most 1 MiB, no symbolic link out of its directory. The same
// grant the qianwen-auth CLI gives, written for this host.

import fs from "node:fs";
import path from "node:path";

const MAX_FILE = 1024 * 1024;

function directories() {
  const dirs = [];
  for (let dir = process.cwd(); ; dir = path.dirname(dir)) {
    dirs.push(dir);
    if (dir === path.dirname(dir)) return dirs;
  }
}

function exists(p) {
  try {
    fs.lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

function refuse(error) {
  // jco turns a thrown `{ payload }` into the `err` case of the WIT result.
  throw { payload: error };
}

export function ancestors() {
  return directories().map((dir) => ({
    path: dir,
    hasGit: exists(path.join(dir, ".git")),
    hasSkills: fs.statSync(path.join(dir, "skills"), { throwIfNoEntry: false })?.isDirectory() ?? false,
  }));
}

// This host does not read git's index or ignore rules: it answers "cannot tell", which the
// policy reports (`git-unknown`) before judging by the .gitignore files it reads itself.
export function git(_dotenvs) {
  return { tag: "cannot-tell", val: "this host does not read git's files" };
}

export function read(depth, file) {
  const dir = directories()[depth];
  if (dir === undefined) refuse({ tag: "no-such-directory" });
  const name = path.join(dir, file === "dotenv" ? ".env" : ".gitignore");
  let link;
  try {
    link = fs.lstatSync(name);
  } catch (e) {
    if (e.code === "ENOENT") return undefined;
    refuse({ tag: "io", val: e.code ?? String(e) });
  }
  try {
    if (link.isSymbolicLink() && path.dirname(fs.realpathSync(name)) !== fs.realpathSync(dir)) {
      refuse({ tag: "symlink-outside" });
    }
    const stat = fs.statSync(name);
    if (!stat.isFile()) refuse({ tag: "not-a-file" });
    if (stat.size > MAX_FILE) refuse({ tag: "too-large", val: BigInt(stat.size) });
    return { bytes: fs.readFileSync(name), mode: stat.mode & 0o777 };
  } catch (e) {
    if (e && e.payload) throw e;
    refuse({ tag: "io", val: e.code ?? String(e) });
  }
}
