"""The package installs the standard way and carries its data: a wheel built from the clone,
installed outside it, loads every table from any folder, and importing it changes nothing in how
a user's own Altair charts render."""
from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_ships_the_data_and_loads_it_from_anywhere(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "--disable-pip-version-check", "-w", str(tmp_path / "dist"), str(ROOT)], check=True,
                   capture_output=True)
    wheel = next((tmp_path / "dist").glob("sinosoviet-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for table in (ROOT / "data").glob("*.csv"):
        assert f"sinosoviet/_data/{table.name}" in names
    assert "sinosoviet/_data/datapackage.json" in names and "sinosoviet/_data/basemap/east-asia-110m.geojson" in names
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--disable-pip-version-check",
                    "--target", str(target), str(wheel)], check=True, capture_output=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    script = ("import sinosoviet, sinosoviet.data as d, sinosoviet.charts as c; "
              "print(sinosoviet.__file__); print(d.DATA_DIR); print(len(d.load_all()['events'])); "
              "print(c.basemap_text()[:1])")
    out = subprocess.run([sys.executable, "-c", script], cwd=elsewhere, capture_output=True, text=True,
                         env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"}, check=True).stdout.split("\n")
    assert out[0].startswith(str(target)) and out[1] == str(target / "sinosoviet" / "_data"), out
    assert int(out[2]) == len((ROOT / "data" / "events.csv").read_text(encoding="utf-8").splitlines()) - 1
    assert out[3] == "{"


def test_importing_the_package_leaves_altair_settings_alone():
    script = ("import altair as alt; before = (alt.renderers.active, alt.theme.active, alt.data_transformers.active); "
              "import sinosoviet.charts, sinosoviet.explore; "
              "print(before == (alt.renderers.active, alt.theme.active, alt.data_transformers.active))")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "True"
