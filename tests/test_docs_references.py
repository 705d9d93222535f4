"""The product points only inside the repository, and every "docs: Physics, Sec. N" citation has its section."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PRODUCT = sorted(
    [ROOT / "README.md", *(ROOT / "docs").glob("*.md"), *(ROOT / "tutorials").glob("*.py"), *(ROOT / "lzsm_gates").rglob("*.py")]
)
#: Ways of pointing at material a user of the package does not have.
OUTSIDE = [r"\.\./shared", r"\bseeds/", r"physics\.md Sec", r"lzsm_fast_gates\.txt", r"o3l_steady_state_entanglement\.txt",
           r"cavity_asymmetric_coupling_entanglement\.txt"]


def _physics_sections() -> set[str]:
    text = (ROOT / "docs" / "physics.md").read_text()
    return set(re.findall(r"^#{2,3} (\d+(?:\.\d+)?)\.? ", text, flags=re.M))


@pytest.mark.parametrize("path", PRODUCT, ids=lambda p: str(p.relative_to(ROOT)))
def test_nothing_points_outside_the_repository(path):
    text = path.read_text()
    hits = [m.group(0) for pattern in OUTSIDE for m in re.finditer(pattern, text)]
    assert not hits, f"{path.relative_to(ROOT)} points outside the repository: {hits} (cite docs: Physics, Sec. N instead)"


def test_physics_citations_name_existing_sections():
    sections = _physics_sections()
    assert {"1", "2", "3", "4", "5", "6", "6.1", "6.2", "7"} <= sections
    missing = []
    for path in PRODUCT:
        for m in re.finditer(r"docs: Physics, Secs?\. (\d+(?:\.\d+)?)(?:-(\d+))?", path.read_text()):
            first, last = m.group(1), m.group(2)
            cited = [first] if last is None else [str(k) for k in range(int(first), int(last) + 1)]
            missing += [f"{path.relative_to(ROOT)}: Sec. {c}" for c in cited if c not in sections]
    assert not missing, f"citations of sections docs/physics.md does not have: {missing}"
