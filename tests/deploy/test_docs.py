"""The README and docs/ hold together in a clone: every relative link resolves, every setting is
documented, and the in-repo copy of the HTTP contract is the shared one."""

import re
from pathlib import Path

import pytest

from .test_compose import variables_the_app_reads

ROOT = Path(__file__).resolve().parents[2]
PAGES = [
    ROOT / "README.md",
    ROOT / "bench" / "README.md",
    ROOT / "frontend" / "README.md",
    *sorted((ROOT / "docs").glob("*.md")),
]
LINK = re.compile(r"\]\(([^)\s]+)\)")


def anchors(page):
    """GitHub's heading anchors of a Markdown page."""
    headings = re.findall(r"^#+ (.+)$", page.read_text(), flags=re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-") for heading in headings}


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(ROOT)))
def test_every_relative_link_resolves(page):
    broken = []
    for target in LINK.findall(page.read_text()):
        if re.match(r"[a-z]+:", target):
            continue
        path, _, anchor = target.partition("#")
        resolved = (page.parent / path).resolve() if path else page
        if not resolved.exists() or (anchor and resolved.suffix == ".md" and anchor not in anchors(resolved)):
            broken.append(target)
    assert not broken, f"{page.relative_to(ROOT)} links to missing files or headings: {broken}"


def test_readme_stays_a_front_page():
    assert len((ROOT / "README.md").read_text().splitlines()) <= 150


def test_every_setting_is_documented_in_operations():
    operations = (ROOT / "docs" / "operations.md").read_text()
    assert {name for name in variables_the_app_reads() if f"`{name}`" not in operations} == set()


def test_the_contract_copy_is_the_shared_contract():
    shared = ROOT.parent / "shared" / "contract" / "API.md"
    if not shared.exists():
        pytest.skip("no shared contract beside this clone")
    assert (ROOT / "docs" / "contract.md").read_text() == shared.read_text()
