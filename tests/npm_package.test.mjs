// The npm package as a project that installed it sees it. Run by tests/test_npm_package.py with
// `node --test`, in a temporary project where the packed tarball was installed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import vm from "node:vm";

const NAME = "@policypress/consent";
const METHODS = ["get", "has", "show", "showSettings", "reset", "init"];
const require = createRequire(import.meta.url);

// The least of a browser the banner needs to load: it starts by itself only where the page has its
// JSON element, so a document without one is enough.
globalThis.window = globalThis;
globalThis.document = { getElementById: () => null };

test("the package name imports as an ES module with the documented API", async () => {
  const module = await import(NAME);
  assert.deepEqual(Object.keys(module).sort(), [...METHODS, "default"].sort());
  for (const name of METHODS) {
    assert.equal(typeof module.default[name], "function", name);
    assert.equal(module[name], module.default[name], name);
  }
  assert.equal(window.policypressConsent, module.default);
});

test("the classic script resolves through the exports map and defines window.policypressConsent", () => {
  const path = require.resolve(`${NAME}/consent.js`);
  const page = { document: { getElementById: () => null }, navigator: {} };
  page.window = page;
  vm.runInNewContext(readFileSync(path, "utf8"), page);
  assert.deepEqual(Object.keys(page.policypressConsent).sort(), [...METHODS].sort());
});

test("the stylesheet and the types resolve; nothing else is exported", () => {
  assert.match(readFileSync(new URL(import.meta.resolve(`${NAME}/consent.css`)), "utf8"), /\.ppc\b/);
  const manifest = JSON.parse(readFileSync(require.resolve(`${NAME}/package.json`), "utf8"));
  const types = readFileSync(new URL(manifest.types, import.meta.resolve(`${NAME}/package.json`)), "utf8");
  assert.match(types, /export interface PolicypressConfig/);
  assert.equal(manifest.license, "MIT");
  assert.deepEqual(manifest.dependencies ?? {}, {});
  assert.throws(() => require.resolve(`${NAME}/README.md`), { code: "ERR_PACKAGE_PATH_NOT_EXPORTED" });
});
