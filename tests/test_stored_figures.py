"""The full-resolution figures stored in docs/figures/ match their tutorials, the package version and the gallery."""

from __future__ import annotations

import copy
import importlib.util
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("render_figures", ROOT / "docs" / "render_figures.py")
render_figures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(render_figures)


@pytest.fixture(scope="module")
def manifest():
    found = render_figures.load_manifest()
    assert found["format"] == render_figures.FORMAT and found["tutorials"], "docs/figures/manifest.json is missing"
    return found


def test_stored_figures_are_not_stale(manifest):
    problems = render_figures.stale(manifest)
    assert not problems, "stale full-resolution figures in docs/figures:\n  " + "\n  ".join(
        f"{name}: {why}; regenerate with `{render_figures.regenerate_command(name)}`" for name, why in problems.items()
    )


def test_gallery_shows_exactly_the_stored_figures(manifest):
    text = render_figures.GALLERY.read_text(encoding="utf-8")
    assert text == render_figures.gallery(manifest), (
        "docs/gallery.md differs from docs/figures/manifest.json: run `python docs/render_figures.py --gallery`"
    )
    shown = set(re.findall(r"\]\(figures/([^)]+\.png)\)", text))
    stored = {figure["file"] for entry in manifest["tutorials"].values() for figure in entry["figures"]}
    on_disk = {str(p.relative_to(render_figures.FIGURES)) for p in render_figures.FIGURES.rglob("*.png")}
    assert shown == stored == on_disk


def test_a_changed_tutorial_version_or_figure_is_detected(manifest, tmp_path):
    name = next(iter(manifest["tutorials"]))
    cases = {
        "source_sha256": ("0" * 64, "the tutorial changed"),
        "lzsm_gates_version": ("0.0.0-old", "rendered with lzsm_gates 0.0.0-old"),
        "full_resolution": (False, "reduced grids"),
    }
    for key, (value, message) in cases.items():
        changed = copy.deepcopy(manifest)
        changed["tutorials"][name][key] = value
        assert message in render_figures.stale(changed)[name]
    changed = copy.deepcopy(manifest)
    changed["tutorials"][name]["figures"][0]["sha256"] = "0" * 64
    assert "differs from the manifest" in render_figures.stale(changed)[name]
    changed = copy.deepcopy(manifest)
    changed["tutorials"]["99_removed_tutorial"] = changed["tutorials"][name]
    assert "no longer exists" in render_figures.stale(changed)["99_removed_tutorial"]
