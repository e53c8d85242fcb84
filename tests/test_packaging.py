"""The installed package: everything under the project's own name (the design card's assets/
and resources/ folders install as exec_reporting.assets and exec_reporting.resources), and the
SQL files inside it, so a wheel works without the checkout."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

# the slow tier: processes of their own, or whole packs through the commands on a persistent
# instance (make check leaves it out; make test runs it)
pytestmark = pytest.mark.process

REPO = Path(__file__).resolve().parent.parent


def test_nothing_generic_is_importable_from_site_packages(tmp_path):
    probe = (
        "import importlib.util as u; "
        "print([n for n in ('assets', 'resources', 'sql') if u.find_spec(n)]); "
        "import exec_reporting.assets.sensors, exec_reporting.resources.warehouse"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_the_wheel_holds_one_top_level_package_with_its_sql(tmp_path):
    # built from a copy: a build writes build/ and *.egg-info beside the sources
    source = tmp_path / "source"
    for name in ("exec_reporting", "assets", "resources", "sql"):
        shutil.copytree(REPO / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copyfile(REPO / name, source / name)
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q"]
        + ["-w", str(tmp_path), str(source)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    [wheel] = tmp_path.glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert {n.split("/")[0] for n in names} == {"exec_reporting", "exec_reporting-0.1.0.dist-info"}
    assert "exec_reporting/assets/sensors.py" in names
    assert "exec_reporting/resources/warehouse.py" in names
    assert "exec_reporting/sql/metrics/burn.sql" in names
    assert "exec_reporting/templates/report.html.j2" in names
