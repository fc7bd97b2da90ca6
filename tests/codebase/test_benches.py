"""The benchmarks keep working as the code under them moves: each one imports, and the
cheapest runs end to end on a small size (figures are not checked, only that it finishes)."""

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.mark.parametrize("name", sorted(p.stem for p in BENCH.glob("*.py")))
def test_benchmark_imports(name, monkeypatch):
    monkeypatch.syspath_prepend(str(BENCH))
    importlib.import_module(name)


@pytest.mark.parametrize(
    "arguments",
    [["export.py", "--rows", "500"], ["pdf_draft_import.py", "--pages", "3", "--no-typeset"]],
)
def test_small_benchmark_runs_to_the_end(arguments, tmp_path):
    completed = subprocess.run(
        [sys.executable, str(BENCH / arguments[0]), *arguments[1:]],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert "baseline" in completed.stdout
