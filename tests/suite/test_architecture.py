"""The rules of the house on imports, checked by import-linter with pyproject.toml's contracts.

``shared`` imports no service and not the suite; services are independent of each other; services
do not import the composition root ``foorumi``.
"""

import subprocess
import sys
import tomllib
from pathlib import Path

from shared.config import SERVICES

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint_imports(*args):
    """Run lint-imports in the repository root."""
    return subprocess.run([str(LINT_IMPORTS), "--no-cache", *args], cwd=ROOT,  # noqa: S603
                          capture_output=True, text=True, timeout=120)


def test_the_import_contracts_are_kept():
    result = _lint_imports()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 3 kept, 0 broken." in result.stdout


def test_the_contracts_cover_every_service():
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    by_type = {c["type"]: c for c in contracts["contracts"] if c["type"] == "independence"}
    assert set(by_type["independence"]["modules"]) == {f"services.{s}" for s in SERVICES}
    forbidden = [c for c in contracts["contracts"] if c["type"] == "forbidden"]
    assert {"services", "foorumi"} <= {m for c in forbidden if c["source_modules"] == ["shared"]
                                       for m in c["forbidden_modules"]}
    assert any(c["source_modules"] == ["services"] and "foorumi" in c["forbidden_modules"]
               for c in forbidden)


def test_a_broken_contract_is_reported(tmp_path):
    """The check can fail: the composition root does import the services."""
    config = tmp_path / "contracts.toml"
    config.write_text(
        '[tool.importlinter]\nroot_packages = ["services", "foorumi"]\n'
        '[[tool.importlinter.contracts]]\nname = "foorumi without services"\n'
        'type = "forbidden"\nsource_modules = ["foorumi"]\nforbidden_modules = ["services"]\n'
    )
    result = _lint_imports("--config", str(config))
    assert result.returncode != 0
    assert "Contracts: 0 kept, 1 broken." in result.stdout
