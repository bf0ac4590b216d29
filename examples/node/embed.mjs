// Embedding the qianwen-auth policy in Node.js through jco: the `pure` world, which imports
// nothing of its own, so this host implements nothing. It reads the project itself and passes
// it in; the policy judges.
//
//   cargo build -p qianwen-auth-guest --no-default-features --target wasm32-wasip2 --profile guest
//   npm install && node embed.mjs target/wasm32-wasip2/guest/qianwen_auth_guest.wasm
//
// Exits non-zero if any check fails, so it doubles as a test.

import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { transpile } from "@bytecodealliance/jco";

const here = path.dirname(fileURLToPath(import.meta.url));
const componentPath = process.argv[2] ?? path.join(here, "qianwen_auth_guest.wasm");
const FAKE_KEY = "sk-FAKE_node_Zq8vX3mKw9Tj_Rp4H_a1b2";

// 1. Transpile: what Rust's standard library asks of WASI goes to the preview2 shim; there is
// nothing else to map.
const dist = fs.mkdtempSync(path.join(here, "dist-"));
const { files } = await transpile(fs.readFileSync(componentPath), { name: "policy" });
for (const [name, bytes] of Object.entries(files)) {
  fs.mkdirSync(path.dirname(path.join(dist, name)), { recursive: true });
  fs.writeFileSync(path.join(dist, name), bytes);
}
const { policy, guidance } = await import(pathToFileURL(path.join(dist, "policy.js")));

// 2. The rules, as pure functions.
assert.equal(policy.classifyKey("sk-sp-FAKE_plan_Hb2Ng7Rc4Xv9_c3d4").kind, "plan");
assert.equal(policy.classifyKey("LTAI5tFAKE_Kp3Wz8Qm_Xa0000").kind, "foreign");
assert.equal(policy.maskKey(FAKE_KEY), "sk-****************a1b2");
const parsed = policy.parseDotenv(".env", new TextEncoder().encode(`A=1\nbroken ${FAKE_KEY}\n`));
assert.deepEqual(parsed.entries.map((e) => e.name), ["A"]);
assert.equal(parsed.problems.length, 1);
assert.ok(parsed.problems[0].startsWith(".env:2: ") && !parsed.problems[0].includes("Zq8v"));
assert.equal(policy.links().length, 9);
const flow = policy.flowStep(undefined, undefined, undefined);
assert.equal(flow.tag, "asked");
assert.equal(flow.val.choices.length, 2);
assert.equal(policy.flowStep("console", true, undefined).tag, "still-rejected");
assert.ok(guidance.tokenPlanFacts().refusal.length > 0);
assert.ok(guidance.agentSnippet().includes("<!-- QIANWEN_SKILLS -->"));

// The variables the policy reads: a host passes these and no others (the CLI does). This test
// passes none, so that the key comes from the project below.
const variables = policy.grantedVariables();
assert.ok(variables.includes("DASHSCOPE_API_KEY") && !variables.includes("HOME"));

// 3. The chain in a temporary repository whose .env holds the key, seen from a subdirectory:
// the directories from there up, with the entries and files `resolve` looks at.
const project = fs.mkdtempSync(path.join(os.tmpdir(), "qianwen-auth-node-"));
fs.mkdirSync(path.join(project, ".git"));
fs.mkdirSync(path.join(project, "app"));
fs.writeFileSync(path.join(project, ".env"), `QIANWEN_API_KEY=${FAKE_KEY}\n`, { mode: 0o600 });
fs.writeFileSync(path.join(project, ".gitignore"), ".env\n");
const read = (file) => (fs.existsSync(file) ? fs.readFileSync(file) : undefined);
const directories = [];
for (let dir = path.join(project, "app"); ; dir = path.dirname(dir)) {
  const dotenv = path.join(dir, ".env");
  const isFile = fs.existsSync(dotenv) && fs.statSync(dotenv).isFile();
  directories.push({
    path: dir,
    hasGit: fs.existsSync(path.join(dir, ".git")),
    hasDotenvLocal: fs.existsSync(path.join(dir, ".env.local")),
    hasSkills: fs.existsSync(path.join(dir, "skills")) && fs.statSync(path.join(dir, "skills")).isDirectory(),
    dotenv: isFile ? read(dotenv) : undefined,
    dotenvMode: isFile ? fs.statSync(dotenv).mode & 0o777 : undefined,
    gitignore: read(path.join(dir, ".gitignore")),
  });
  if (path.dirname(dir) === dir) break;
}
const status = policy.resolve([], directories, { system: process.platform === "win32" ? "windows" : "unix", grantedHosts: [], requestTimeLimitMs: 0n, verificationTimeLimitMs: 0n });
assert.equal(status.verdict, "usable");
assert.equal(status.key.source, "repo-dotenv");
assert.equal(status.key.kind, "standard");
assert.equal(status.key.masked, "sk-****************a1b2");
assert.deepEqual(status.warnings.map((w) => w.message), []);
assert.ok(!JSON.stringify(status, (_, v) => (typeof v === "bigint" ? String(v) : v)).includes("Zq8v"));

fs.rmSync(project, { recursive: true });
fs.rmSync(dist, { recursive: true });
console.log("node embedding: the pure world, with no import implemented, passed");
