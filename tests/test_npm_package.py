"""The banner as an npm package (issue 14, part 4): its types agree with the JSDoc of consent.js,
and the packed tarball installs into a project and imports there (Node's test runner).

Node.js and npm are needed (`make test` installs them, `make node`): without them these tests fail
and say so, rather than skip, so a machine without Node cannot pass them unseen.

The package is staged as `scripts/build_banner.py --package` stages it for `npm publish`, packed
with `npm pack`, and installed offline (it has no dependencies). TypeScript, to compile against
the declarations, is installed once into ~/.cache/policypress-tests and reused; without the
registry that one test is skipped.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

BANNER = ROOT / "banner"
NAME = "@policypress/consent"
TYPESCRIPT = "5.9.3"
TYPESCRIPT_CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "policypress-tests" / f"typescript-{TYPESCRIPT}"


@pytest.fixture(scope="module")
def node() -> None:
    """Node.js and npm on PATH, or the test fails naming what is missing and how to install it."""
    missing = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    if missing:
        pytest.fail(f"{' and '.join(missing)} not found on PATH: the npm package cannot be tested. "
                    "Install Node.js and npm with `make node` (Debian's nodejs and npm).", pytrace=False)


def build_banner():
    spec = importlib.util.spec_from_file_location("build_banner", ROOT / "scripts/build_banner.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=300,
                            env={**os.environ, "npm_config_update_notifier": "false", "npm_config_fund": "false",
                                 "npm_config_audit": "false", "NODE_OPTIONS": ""})
    assert result.returncode == 0, f"{' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result


# --- the declarations follow the JSDoc -------------------------------------------------------------


def jsdoc_type(text: str) -> str:
    """A JSDoc type as TypeScript writes it: `?T` is `T | null`, `Object<K, V>` is `Record<K, V>`."""
    text = re.sub(r"\bObject<", "Record<", text.replace(" ", ""))
    text = re.sub(r"<\?(\w+)>", r"<\1|null>", text)
    return f"{text[1:]}|null" if text.startswith("?") else text


def jsdoc_typedefs(source: str) -> dict[str, dict[str, tuple[str, bool]]]:
    """Each object typedef of consent.js: property -> (TypeScript type, optional)."""
    found: dict[str, dict[str, tuple[str, bool]]] = {}
    for block in re.findall(r"/\*\*(.*?)\*/", source, re.S):
        typedef = re.search(r"@typedef \{object\} (\w+)", block)
        if typedef:
            found[typedef.group(1)] = {
                name: (jsdoc_type(kind), bool(optional))
                for kind, optional, name in re.findall(r"@property \{(.+?)\} (\[)?(\w+)", block)
            }
    return found


def ts_interfaces(declarations: str) -> dict[str, dict[str, tuple[str, bool]]]:
    """Each interface of consent.d.ts: member -> (type, optional); methods as `(params)=>result`."""
    found: dict[str, dict[str, tuple[str, bool]]] = {}
    body = re.sub(r"/\*\*.*?\*/|//[^\n]*", "", declarations, flags=re.S)
    for name, members in re.findall(r"export interface (\w+) \{(.*?)\n\}", body, re.S):
        found[name] = {}
        for member, optional, params, kind in re.findall(r"^\s*(\w+)(\?)?(\([^)]*\))?: ([^;]+);", members, re.M):
            kind = kind.replace(" ", "")
            found[name][member] = (f"{params.replace(' ', '')}=>{kind}" if params else kind, bool(optional))
    return found


def test_every_jsdoc_typedef_is_declared_alike_in_the_types() -> None:
    source = (BANNER / "consent.js").read_text(encoding="utf-8")
    declarations = (BANNER / "consent.d.ts").read_text(encoding="utf-8")
    typedefs, interfaces = jsdoc_typedefs(source), ts_interfaces(declarations)
    assert set(typedefs) == {"PolicypressConfig", "PolicypressCategory", "PolicypressCookie", "PolicypressStrings",
                             "PolicypressRecord"}
    for name, properties in typedefs.items():
        assert interfaces.get(name) == properties, name
    event = re.search(r"@typedef \{(.+?)\} PolicypressConsentEvent", source).group(1)
    assert f"export type PolicypressConsentEvent = {jsdoc_type(event).replace('|', ' | ')};" in declarations


def test_every_api_method_is_declared_with_its_jsdoc_signature() -> None:
    source = (BANNER / "consent.js").read_text(encoding="utf-8")
    declarations = (BANNER / "consent.d.ts").read_text(encoding="utf-8")
    api = source[source.index("var api = {"):source.index("W.policypressConsent = api;")]
    methods: dict[str, str] = {}
    for doc, name in re.findall(r"/\*\*((?:(?!\*/).)*)\*/\s*(\w+):", api, re.S):
        params = ",".join(f"{p}:{jsdoc_type(t)}" for t, p in re.findall(r"@param \{(.+?)\} (\w+)", doc))
        result = jsdoc_type(re.search(r"@returns \{(.+?)\}", doc).group(1))
        methods[name] = f"({params})=>{result}"
    declared = ts_interfaces(declarations)["PolicypressConsent"]
    assert declared == {name: (signature, False) for name, signature in methods.items()}
    # The module's named exports (consent.mjs) are declared too, each as the API's method.
    exported = re.search(r"export const \{ (.+?) \} = api;", (BANNER / "consent.mjs").read_text()).group(1).split(", ")
    assert sorted(exported) == sorted(methods)
    for name in exported:
        assert f'export declare const {name}: PolicypressConsent["{name}"];' in declarations
    assert "export default policypressConsent;" in declarations


def test_the_package_manifest() -> None:
    manifest = json.loads((BANNER / "package.json").read_text())
    assert manifest["license"] == "MIT" and "dependencies" not in manifest
    assert re.fullmatch(r"\d+\.\d+\.\d+", manifest["version"]) and manifest["name"] == NAME
    exported = {target for entry in manifest["exports"].values()
                for target in (entry.values() if isinstance(entry, dict) else [entry])}
    assert exported - {"./package.json"} == {f"./{name}" for name in manifest["files"]}
    assert all((BANNER / name).exists() for name in manifest["files"])


# --- packed, installed, imported -------------------------------------------------------------------


@pytest.fixture(scope="module")
def project(node: None, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project that installed the packed package: `npm install ./policypress-consent-<version>.tgz`."""
    root = tmp_path_factory.mktemp("npm")
    staged = root / "package"
    build_banner().package(staged)
    packed = json.loads(run("npm", "pack", "--json", "--pack-destination", str(root), cwd=staged).stdout)[0]
    assert sorted(f["path"] for f in packed["files"]) == sorted(
        ["LICENSE", "README.md", "package.json", "consent.js", "consent.mjs", "consent.css", "consent.d.ts"])
    project = root / "project"
    project.mkdir()
    (project / "package.json").write_text(json.dumps({"name": "a-website", "private": True, "type": "module"}))
    run("npm", "install", "--offline", "--ignore-scripts", f"../{packed['filename']}", cwd=project)
    return project


def test_the_packed_package_installs_and_imports_in_node(project: Path) -> None:
    installed = project / "node_modules" / NAME
    for name, content in build_banner().minified().items():  # the minified banner, under its source names
        assert (installed / name).read_text() == content
    shutil.copy(ROOT / "tests/npm_package.test.mjs", project / "package.test.mjs")
    result = run("node", "--test", "package.test.mjs", cwd=project)
    assert re.search(r"(?m)^# pass 3$", result.stdout) and re.search(r"(?m)^# fail 0$", result.stdout), result.stdout


TYPED = """import consent, { init, has, type PolicypressConfig, type PolicypressRecord } from "@policypress/consent";

const config: PolicypressConfig = {
  revision: "cookies 1.0", fingerprint: "c0ffee", notice: "/cookies/", cookie: "consent", endpoint: null,
  categories: [{ id: "necessary", required: true, name: "Necessary", description: "Needed.", legalBasis: ["eu-gdpr:A6-1-f"] },
               { id: "statistics", name: "Statistics", description: "Counting.", consentMode: ["analytics_storage"],
                 cookies: [{ name: "_stats*", provider: "example.com", duration: "13 months", purpose: "Counting" }] }],
  strings: { title: "Cookies", intro: "We ask.", gpc: "GPC.", acceptAll: "Accept all", rejectAll: "Reject all", ok: "OK",
             settings: "Settings", save: "Save", close: "Close", alwaysOn: "Always on", cookies: "Cookies",
             policy: "Policy", settingsTitle: "Cookie settings", settingsIntro: "Choose." },
};
init(config);
const allowed: boolean = has("statistics");
const record: PolicypressRecord | null = consent.get();
const choices: Record<string, boolean> | undefined = record?.choices;
window.policypressConsent.showSettings();
document.addEventListener("policypress:consent", (event) => {
  const detail: PolicypressRecord | null = event.detail;
  if (detail && allowed && choices) detail.choices["statistics"] = true;
});
// @ts-expect-error a configuration needs its categories
init({ revision: "x", fingerprint: "y", notice: "/", cookie: "c", strings: config.strings });
// @ts-expect-error has() takes a category's id
has(1);
"""


def typescript() -> Path:
    """tsc, installed once into the cache; skips the test when the registry cannot be reached."""
    tsc = TYPESCRIPT_CACHE / "node_modules/typescript/bin/tsc"
    if not tsc.exists():
        TYPESCRIPT_CACHE.mkdir(parents=True, exist_ok=True)
        result = subprocess.run(["npm", "install", "--prefix", str(TYPESCRIPT_CACHE), "--no-audit", "--no-fund",
                                 f"typescript@{TYPESCRIPT}"], capture_output=True, text=True, timeout=300)
        if result.returncode != 0:
            pytest.skip(f"TypeScript {TYPESCRIPT} could not be installed: {result.stderr.strip()[-300:]}")
    return tsc


def test_the_declarations_compile_with_typescript(project: Path) -> None:
    tsc = typescript()
    (project / "typed.ts").write_text(TYPED)
    (project / "tsconfig.json").write_text(json.dumps({"compilerOptions": {
        "strict": True, "noEmit": True, "target": "es2022", "module": "nodenext", "moduleResolution": "nodenext",
        "lib": ["es2022", "dom"], "types": []}, "files": ["typed.ts"]}))
    run("node", str(tsc), "-p", ".", cwd=project)


# --- without Node.js -------------------------------------------------------------------------------


def test_without_node_the_package_tests_fail_and_say_why(tmp_path: Path) -> None:
    """Before, they were skipped, and `make test` passed on a machine without Node."""
    result = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:xdist", "-p", "no:cacheprovider", "-o", "addopts=",
                             "-q", "-rA", "--basetemp", str(tmp_path / "inner"),
                             f"{__file__}::test_the_packed_package_installs_and_imports_in_node"],
                            cwd=ROOT, env={**os.environ, "PATH": str(tmp_path)}, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "node and npm not found on PATH" in result.stdout and "make node" in result.stdout, result.stdout
    assert "skipped" not in result.stdout


def test_make_test_installs_node_when_missing(tmp_path: Path) -> None:
    """`make test` depends on `make node`, which installs Debian's nodejs and npm when node is not on
    PATH: run here with a PATH without node and SUDO recording what would be run as root."""
    log = tmp_path / "ran"
    recorder = tmp_path / "record"
    recorder.write_text(f'#!/bin/sh\necho "$@" >> {log}\n')
    recorder.chmod(0o755)
    make = shutil.which("make")
    assert make, "make is needed (it runs the suite)"
    dry = subprocess.run([make, "-n", "test"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert "apt-get install -y -qq nodejs npm" in dry.stdout, dry.stdout
    subprocess.run([make, "--no-print-directory", "node", f"SUDO={recorder}"], cwd=ROOT, check=True, timeout=60,
                   env={**os.environ, "PATH": str(tmp_path)})
    assert log.read_text().splitlines() == ["apt-get update -qq",
                                            "env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm"]
