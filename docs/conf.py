"""Sphinx configuration of the lzsm_gates documentation.

Build: ``python -m sphinx -W --keep-going -b html docs docs/_build/html``.
The tutorials live in ``../tutorials`` as jupytext py:percent files; they are
copied to ``docs/tutorials/`` (git-ignored) at build time and executed by
myst-nb in reduced mode (``LZSM_FULL=0``).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

# --- tutorials: copy the jupytext sources next to the docs --------------------------------
_TUT_SRC = ROOT / "tutorials"
_TUT_DST = HERE / "tutorials"
_TUT_DST.mkdir(exist_ok=True)
for _old in _TUT_DST.glob("*.py"):
    if not (_TUT_SRC / _old.name).exists():
        _old.unlink()
for _src in sorted(_TUT_SRC.glob("[0-9]*.py")):
    _dst = _TUT_DST / _src.name
    if not _dst.exists() or _dst.read_bytes() != _src.read_bytes():
        shutil.copyfile(_src, _dst)

# benchmarks: include ../benchmarks/results/summary.md when it exists (benchmarks.md includes this file)
_GEN = HERE / "_generated"
_GEN.mkdir(exist_ok=True)
_summary = ROOT / "benchmarks" / "results" / "summary.md"
if _summary.exists():
    _text = _summary.read_text()
else:
    _found = sorted(p.name for p in (ROOT / "benchmarks" / "results").glob("*")) if (ROOT / "benchmarks" / "results").exists() else []
    _text = (
        "No `benchmarks/results/summary.md` in this source tree yet: run `python benchmarks/run_all.py`.\n"
        + (f"\nResult files present: {', '.join('`' + n + '`' for n in _found)}.\n" if _found else "")
    )
_inc = _GEN / "benchmarks_summary.md"
if not _inc.exists() or _inc.read_text() != _text:
    _inc.write_text(_text)

# the notebooks run on a "python3" kernel of *this* interpreter, in reduced mode
_kernels = Path(tempfile.mkdtemp(prefix="lzsm-docs-jupyter-"))
(_kernels / "kernels" / "python3").mkdir(parents=True)
(_kernels / "kernels" / "python3" / "kernel.json").write_text(
    json.dumps({"argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "Python 3", "language": "python"})
)
os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(_kernels), os.environ.get("JUPYTER_PATH")]))
os.environ.setdefault("LZSM_FULL", "0")
os.environ.pop("MPLBACKEND", None)

# --- project -------------------------------------------------------------------------------
project = "lzsm_gates"
author = "lzsm_gates developers"
copyright = "2025, lzsm_gates developers"
try:
    from lzsm_gates import __version__ as release
except Exception:  # pragma: no cover - the API pages will report the import error
    release = "0.1.0"
version = release

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
]
source_suffix = {".md": "myst-nb", ".ipynb": "myst-nb", ".py": "myst-nb"}
nb_custom_formats = {".py": ["jupytext.reads", {"fmt": "py:percent"}]}
exclude_patterns = ["_build", "_generated", "conf.py", "render_figures.py", "**/.ipynb_checkpoints", ".gitignore"]

myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence"]
myst_heading_anchors = 3

# execute the tutorials at every build (reduced grids: about a minute on 2 cores)
nb_execution_mode = "force"
nb_execution_timeout = 600
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_merge_streams = True

autosummary_generate = False
autodoc_default_options = {"members": True, "show-inheritance": False}
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_mock_imports: list[str] = []
napoleon_numpy_docstring = True
napoleon_google_docstring = False
napoleon_use_rtype = False

nitpicky = False
suppress_warnings = ["mystnb.unknown_mime_type"]

html_theme = "furo"
html_title = "lzsm_gates"
