"""Build-time benchmark: policypress against a bare Material + i18n build of the same pages.

Generates a synthetic corpus of P policies x R released revisions x 2 languages (about 2,000
words a page, each with a complete processing register and sealed archive files), then, in one
run, times:

  (a) a bare build: mkdocs-material + mkdocs-static-i18n over the same Markdown files, no policypress;
  (b) the full policypress build (validation, revisions, diffs, changelogs, feeds, JSON-LD, banner).

It prints both, their ratio, and the time per revision for R = 5, 10, 20, so that growth with
history shows: the time per revision of the whole build, and of what policypress adds to the bare
build (the budget's measure; start-up and Material's own work cancel out). Times are wall-clock
of `mkdocs build` runs; the machines are noisy, so read the ratios, not the seconds. Budgets (issue: quality gates): ratio <= 1.5 at 20 policies x 10
revisions (issue 21: <= 1.3); time per revision flat within 15 % from R=5 to R=20.

Usage: .venv/bin/python scripts/bench.py [--quick]
The last line is: build-ratio=<x> per-revision-growth=<y> banner-gzip=<bytes>
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from policypress.core.archive import archive_path, seal  # noqa: E402
from policypress.core.load import load_site  # noqa: E402
from policypress.core.seal import plan_seal, write_seal  # noqa: E402

WORDS = ("data personal processing purpose consent contract retention recipient transfer safeguard customer "
         "order delivery payment account newsletter security analytics cookie storage period legal basis right "
         "access erasure objection portability controller officer authority complaint supplier service website "
         "policy version change notice information request identity address email telephone record").split()
SWEDISH = ("uppgifter personuppgifter behandling ändamål samtycke avtal lagring mottagare överföring skydd kund "
           "beställning leverans betalning konto nyhetsbrev säkerhet statistik kaka period rättslig grund rätt "
           "tillgång radering invändning portabilitet ansvarig ombud myndighet klagomål leverantör tjänst webbplats").split()

# Both builds get the same navigation: the living policies. policypress keeps released revisions
# out of it by itself; the bare build is told to, or Material's navigation, rendered on every page,
# would grow with the revisions in it alone.
CONFIG = """site_name: Bench
site_url: https://bench.example/
not_in_nav: |
  [0-9]*.md
theme:
  name: material
  font: false
plugins:
  - search
  - i18n:
      docs_structure: suffix
      fallback_to_default: false
      languages:
        - locale: sv
          name: Svenska
          default: true
        - locale: en
          name: English
{policypress}"""
POLICYPRESS = """  - policypress:
      controller: {name: Bench AB, email: privacy@bench.example}
      dpo: {email: dpo@bench.example}
      authority: {term: legal-se:DPA-SE, name: IMY}
"""

FACTS = """rights: [eu-gdpr:A15, eu-gdpr:A16, eu-gdpr:A17, eu-gdpr:A18, eu-gdpr:A20, eu-gdpr:A21, eu-gdpr:A7-3, eu-gdpr:A77]
personal_data:
{categories}processing:
{purposes}recipients:
  - id: hosting
    kind: dpv:DataProcessor
    country: FI
    {recipient_hosting}
  - id: mailer
    kind: dpv:DataProcessor
    country: US
    {recipient_mailer}
transfers:
  - recipient: mailer
    country: US
    safeguard: eu-gdpr:A46-2-c
cookies:
  - name: session
    processing: purpose-0
    provider: bench.example
    duration: session
    {cookie_session}
  - name: stats
    processing: purpose-4
    provider: bench.example
    duration: P13M
    {cookie_stats}
"""
PURPOSE_TERMS = ["dpv:ServiceProvision", "dpv:CustomerCare", "dpv:LegalCompliance", "dpv:FraudPreventionAndDetection",
                 "dpv:ServiceUsageAnalytics"]
BASES = ["eu-gdpr:A6-1-b", "eu-gdpr:A6-1-f", "eu-gdpr:A6-1-c", "eu-gdpr:A6-1-f", "eu-gdpr:A6-1-a"]


def paragraph(rng: random.Random, vocabulary: list[str], words: int) -> str:
    text = " ".join(rng.choice(vocabulary) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def body(policy: int, revision: int, vocabulary: list[str]) -> str:
    """About 2,000 words in sections; each revision rewrites a few paragraphs of the one before."""
    parts = ["<!-- register: purposes -->", ""]
    for section in range(10):
        parts.append(f"## Section {section + 1}\n")
        for item in range(4):
            # A paragraph changes in revision r when (section, item, r) says so: ~8 % per revision.
            seed_revision = max((r for r in range(revision + 1) if (section * 7 + item * 3 + r * 11) % 12 == 0), default=0)
            rng = random.Random(f"{policy}-{section}-{item}-{seed_revision}")
            parts.append(paragraph(rng, vocabulary, 45) + "\n")
        parts.append("\n".join(f"- {paragraph(random.Random(f'{policy}-{section}-l{i}'), vocabulary, 8)}" for i in range(3)) + "\n")
    return "\n".join(parts)


def front_matter(policy: int, revision: int, language: str) -> str:
    version = f"{revision // 3 + 1}.{revision % 3}"
    effective = dt.date(2020, 1, 1) + dt.timedelta(days=40 * revision)
    labels = "name: {name}\n    description: {text}"
    if language == "sv":
        categories = "".join(f"  - id: data-{i}\n    terms: [pd:Name, pd:EmailAddress]\n    name: Kategori {i}\n" for i in range(4))
        purposes = "".join(
            f"  - id: purpose-{i}\n    purpose: [{PURPOSE_TERMS[i]}]\n    legal_basis: {BASES[i]}\n    data: [data-{i % 4}]\n"
            f"    subjects: [dpv:Customer]\n    sources: [dpv:DataSubjectDataSource]\n    recipients: [hosting, mailer]\n"
            f"    retention: {{duration: P{revision % 3 + 1}Y, after: end-of-contract}}\n    requirement: voluntary\n"
            f"    automated_decisions: false\n    name: Ändamål {i}\n    description: Beskrivning av ändamål {i}.\n"
            + ("    legitimate_interest: Att skydda kunderna.\n" if BASES[i] == "eu-gdpr:A6-1-f" else "")
            for i in range(5))
        facts = FACTS.format(categories=categories, purposes=purposes,
                             recipient_hosting=labels.format(name="Drift", text="Driftar tjänsten."),
                             recipient_mailer=labels.format(name="Utskick", text="Skickar e-post."),
                             cookie_session="description: Håller dig inloggad.", cookie_stats="description: Räknar besök.")
        head = f"effective: {effective.isoformat()}\n{facts}"
        title, summary = f"Policy {policy}", f"Ändring {revision} av policy {policy}."
    else:
        categories = "".join(f"  - id: data-{i}\n    name: Category {i}\n" for i in range(4))
        purposes = "".join(
            f"  - id: purpose-{i}\n    name: Purpose {i}\n    description: Description of purpose {i}.\n"
            + ("    legitimate_interest: Protecting customers.\n" if BASES[i] == "eu-gdpr:A6-1-f" else "")
            for i in range(5))
        head = (f"personal_data:\n{categories}processing:\n{purposes}recipients:\n  - id: hosting\n    name: Hosting\n"
                f"  - id: mailer\n    name: Mailing\ncookies:\n  - name: session\n    description: Keeps you logged in.\n"
                f"  - name: stats\n    description: Counts visits.\n")
        title, summary = f"Policy {policy}", f"Change {revision} of policy {policy}."
    return f"---\npolicy: policy-{policy}\ntitle: {title}\nversion: \"{version}\"\nsummary: {summary}\n{head}---\n"


def corpus(folder: Path, policies: int, revisions: int) -> None:
    docs = folder / "docs"
    for language, vocabulary, home in (("sv", SWEDISH, "Start"), ("en", WORDS, "Home")):
        (docs / f"index.{language}.md").parent.mkdir(parents=True, exist_ok=True)
        (docs / f"index.{language}.md").write_text(f"---\ntitle: {home}\n---\n\n{paragraph(random.Random(0), vocabulary, 40)}\n")
        for policy in range(policies):
            living = docs / f"policy-{policy}" / f"index.{language}.md"
            living.parent.mkdir(parents=True, exist_ok=True)
            for revision in range(revisions):
                text = front_matter(policy, revision, language) + "\n" + body(policy, revision, vocabulary)
                published = dt.date(2020, 1, 1) + dt.timedelta(days=40 * revision - 30)
                version = f"{revision // 3 + 1}.{revision % 3}"
                archive_path(living, version, language).write_text(seal(text, published))
                living.write_text(text)
    # Each folder's manifest of its released revisions, as `policypress seal` writes it.
    write_seal(plan_seal(load_site(docs, ["sv", "en"], "sv", root=folder, manifests=False), folder), folder)


@dataclass(frozen=True)
class Times:
    wall: float  # seconds from start to end
    cpu: float  # user and system seconds of the build process: what a loaded machine changes least


def build(folder: Path, with_policypress: bool) -> Times:
    (folder / "mkdocs.yml").write_text(CONFIG.format(policypress=POLICYPRESS if with_policypress else ""))
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1767225600"}  # 2026-01-01
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(folder / "mkdocs.yml"),
                             "-d", str(folder / ("site-full" if with_policypress else "site-bare"))],
                            capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0 or (with_policypress and "WARNING" in result.stderr):
        sys.exit(f"build failed:\n{result.stderr[-3000:]}")
    return Times(elapsed, after.ru_utime - used.ru_utime + after.ru_stime - used.ru_stime)


def timed(root: Path, name: str, policies: int, revisions: int, repeat: int) -> tuple[Path, Times, Times]:
    """Bare and full build times of a new corpus: the fastest of `repeat` builds each,
    alternating, so a noisy moment does not decide the figure."""
    folder = root / name
    corpus(folder, policies, revisions)
    runs = [(build(folder, False), build(folder, True)) for _ in range(repeat)]
    return folder, *(Times(min(run[side].wall for run in runs), min(run[side].cpu for run in runs)) for side in (0, 1))


def pages(folder: Path) -> int:
    return sum(1 for _ in folder.rglob("index.html"))


def expected_pages(policies: int, revisions: int, with_policypress: bool) -> int:
    """The pages a corpus makes, per language: the home page and every policy's living text and
    revisions; policypress adds a diff per revision after the first and a changelog per policy
    and for the site. A faster build that left any out would not be faster at the same work."""
    pages_ = 1 + policies * (revisions + 1)
    if with_policypress:
        pages_ += policies * (revisions - 1) + policies + 1
    return 2 * pages_


def counted(folder: Path, policies: int, revisions: int) -> tuple[int, int]:
    """The pages of both builds of a corpus, checked against what it must make."""
    bare, full = pages(folder / "site-bare"), pages(folder / "site-full")
    expected = expected_pages(policies, revisions, False), expected_pages(policies, revisions, True)
    if (bare, full) != expected:
        sys.exit(f"{folder.name}: built {bare} bare and {full} policypress pages, expected {expected[0]} and {expected[1]}")
    return bare, full


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a small corpus, in well under 40 seconds")
    args = parser.parse_args()
    size, growth_policies, growth_revisions = ((4, 3), 2, (2, 4, 8)) if args.quick else ((20, 10), 5, (5, 10, 20))
    repeat, ratio_repeat = (1, 1) if args.quick else (3, 3)

    with tempfile.TemporaryDirectory(prefix="policypress-bench-") as temporary:
        root = Path(temporary)
        policies, revisions = size
        folder, bare, full = timed(root, f"ratio-{policies}x{revisions}", policies, revisions, ratio_repeat)
        ratio = full.wall / bare.wall
        bare_pages, full_pages = counted(folder, policies, revisions)
        print(f"{policies} policies x {revisions} revisions x 2 languages, ~2,000 words a page "
              f"(fastest of {ratio_repeat} builds)")
        print(f"  bare Material + i18n: {bare.wall:7.2f} s  ({bare_pages} pages; {bare.cpu:.2f} s of CPU)")
        print(f"  policypress:          {full.wall:7.2f} s  ({full_pages} pages, with diffs and changelogs; "
              f"{full.cpu:.2f} s of CPU)")
        print(f"  ratio:                {ratio:7.2f}  (budget <= 1.3 at 20 x 10)")
        # On a shared machine the wall-clock ratio moves with the load; the CPU seconds much less.
        print(f"  ratio of CPU seconds: {full.cpu / bare.cpu:7.2f}")

        # Per revision: what policypress adds to a bare build of the same pages, divided by the
        # revisions. Start-up, Markdown and Material's own work (its navigation grows with the
        # pages) are in both builds and cancel out; what remains would show growth of our own.
        print(f"\ntime per revision, {growth_policies} policies x 2 languages (fastest of {repeat} builds):")
        print("  R    bare s   full s   full s per revision   policypress s per revision")
        per_revision = {}
        for count in growth_revisions:
            grown, bare_times, full_times = timed(root, f"growth-{count}", growth_policies, count, repeat)
            counted(grown, growth_policies, count)
            bare_r, full_r = bare_times.wall, full_times.wall
            per_revision[count] = (full_r - bare_r) / (growth_policies * count)
            print(f"  {count:<4} {bare_r:7.2f}  {full_r:7.2f}  {full_r / (growth_policies * count):19.3f}"
                  f"  {per_revision[count]:26.3f}")
        growth = per_revision[growth_revisions[-1]] / per_revision[growth_revisions[0]]
        print(f"  growth of policypress s per revision, R={growth_revisions[0]} -> R={growth_revisions[-1]}: "
              f"{growth:.2f} (budget <= 1.15)")

    banner = subprocess.run([sys.executable, str(ROOT / "scripts" / "banner_size.py")], capture_output=True, text=True)
    gzip_bytes = banner.stdout.strip().splitlines()[-1].split("=")[1]
    print(f"build-ratio={ratio:.2f} per-revision-growth={growth:.2f} banner-gzip={gzip_bytes}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
