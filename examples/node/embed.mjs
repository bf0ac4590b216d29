// Embedding the qianwen-auth policy component in Node.js: transpile it with jco, give it our own
// implementations of its `qianwen:auth` imports (host/) and only the policy's environment
// variables, then call the pure `policy` interface and the full `auth.status` path.
//
//   qianwen-auth component --out qianwen-auth.wasm
//   npm install && node embed.mjs qianwen-auth.wasm
//
// Exits non-zero if any check fails, so it doubles as a test.

import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { transpile } from "@bytecodealliance/jco";
import { _setEnv } from "@bytecodealliance/preview2-shim/cli";

const here = path.dirname(fileURLToPath(import.meta.url));
const componentPath = process.argv[2] ?? path.join(here, "qianwen-auth.wasm");
const FAKE_KEY = "sk-FAKE_node_Zq8vX3mKw9Tj_Rp4H_a1b2";

// 1. Transpile: the component's own imports map to host/, WASI to the preview2 shim.
const dist = fs.mkdtempSync(path.join(here, "dist-"));
const { files } = await transpile(fs.readFileSync(componentPath), {
  name: "policy",
  map: {
    "qianwen:auth/project": "../host/project.js",
    "qianwen:auth/evidence": "../host/evidence.js",
    "qianwen:auth/setup": "../host/setup.js",
  },
});
for (const [name, bytes] of Object.entries(files)) {
  fs.mkdirSync(path.dirname(path.join(dist, name)), { recursive: true });
  fs.writeFileSync(path.join(dist, name), bytes);
}

const { policy, auth } = await import(pathToFileURL(path.join(dist, "policy.js")));

// 2. Grant only the variables the policy reads, as the CLI does: the component names them.
const VARIABLES = policy.grantedVariables();
assert.ok(VARIABLES.includes("DASHSCOPE_API_KEY") && !VARIABLES.includes("HOME"));
_setEnv(Object.fromEntries(VARIABLES.filter((v) => v in process.env).map((v) => [v, process.env[v]])));

// 3. The pure interface: no import is used.
assert.equal(policy.classifyKey("sk-sp-FAKE_plan_Hb2Ng7Rc4Xv9_c3d4").kind, "plan");
assert.equal(policy.classifyKey("LTAI5tFAKE_Kp3Wz8Qm_Xa0000").kind, "foreign");
assert.equal(policy.maskKey(FAKE_KEY), "sk-****************a1b2");
const parsed = policy.parseDotenv(".env", new TextEncoder().encode(`A=1\nbroken ${FAKE_KEY}\n`));
assert.deepEqual(parsed.entries.map((e) => e.name), ["A"]);
assert.equal(parsed.problems.length, 1);
assert.ok(parsed.problems[0].startsWith(".env:2: ") && !parsed.problems[0].includes("Zq8v"));
assert.equal(policy.links().length, 9);
const flow = policy.flowStep(undefined, undefined);
assert.equal(flow.tag, "asked");
assert.equal(flow.val.choices.length, 2);
assert.equal(policy.flowStep("console", true).tag, "still-rejected");
const resolved = policy.resolve(
  [["DASHSCOPE_API_KEY", FAKE_KEY]],
  [{ path: "/p", hasGit: false, hasSkills: false }],
  { grantedHosts: [], requestTimeLimitMs: 0n },
);
assert.equal(resolved.verdict, "usable");
assert.equal(resolved.key.masked, "sk-****************a1b2");

// 4. The full status path: the project is a temporary repository whose .env holds the key.
const project = fs.mkdtempSync(path.join(os.tmpdir(), "qianwen-auth-node-"));
fs.mkdirSync(path.join(project, ".git"));
fs.mkdirSync(path.join(project, "app"));
fs.writeFileSync(path.join(project, ".env"), `QIANWEN_API_KEY=${FAKE_KEY}\n`, { mode: 0o600 });
fs.writeFileSync(path.join(project, ".gitignore"), ".env\n");
process.chdir(path.join(project, "app"));
const status = auth.status({ grantedHosts: [], requestTimeLimitMs: 0n });
assert.equal(status.verdict, "usable");
assert.equal(status.key.source, "repo-dotenv");
assert.equal(status.key.kind, "standard");
assert.equal(status.key.masked, "sk-****************a1b2");
assert.deepEqual(status.warnings.map((w) => w.code), ["git-unknown"]);
assert.ok(!JSON.stringify(status, (_, v) => (typeof v === "bigint" ? String(v) : v)).includes("Zq8v"));

fs.rmSync(project, { recursive: true });
fs.rmSync(dist, { recursive: true });
console.log("node embedding: pure policy and full status path passed");
