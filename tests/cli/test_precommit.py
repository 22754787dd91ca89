"""The pre-commit hook (``.pre-commit-hooks.yaml``), run by pre-commit itself.

``pre-commit try-repo`` installs the hook from this repository as a user's pre-commit would —
a virtualenv with jixiao pip-installed from the repository's committed tree — and runs it on
a temporary git repository. Offline: pip takes jixiao's dependencies (and setuptools, to
build it without build isolation) from the test environment (``PYTHONPATH``) and looks in no
index (``PIP_NO_INDEX``), so only the repository's own code is installed.
"""

from __future__ import annotations

import os
import re
import shutil
import site
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from jixiao.service.pipeline.load import seed_files

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SEEDS = {year: (data, name) for data, name, year in seed_files()}

pytestmark = pytest.mark.slow


def test_the_hook_is_declared_for_the_files_jixiao_reads() -> None:
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "jixiao-validate"
    assert hook["entry"] == "jixiao validate"
    assert hook["language"] == "python"
    files = hook["files"]
    for name in ("a-2025.txt", "b.xlsx", "c.xls", "d.pdf", "graph.ttl", "graph.jsonld", "graph.nt"):
        assert re.search(files, name), name
    for name in ("README.md", "table.csv", "txt"):
        assert not re.search(files, name), name


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


@pytest.fixture(scope="module")
def hook_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def _try_repo(repo: Path, home: Path) -> subprocess.CompletedProcess[str]:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    env = dict(
        os.environ,
        PRE_COMMIT_HOME=str(home),
        PIP_NO_INDEX="1",
        PIP_NO_BUILD_ISOLATION="0",  # sic: pip reads "0" here as "no build isolation"
        PYTHONPATH=os.pathsep.join(site.getsitepackages()),
        JIXIAO_CACHE_DIR="",
    )
    return subprocess.run(
        [str(BIN / "pre-commit"), "try-repo", str(ROOT), "jixiao-validate", "--all-files"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_pre_commit_runs_the_hook_on_the_tables_of_a_repository(
    tmp_path: Path, hook_home: Path
) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    (repo / SEEDS[2023][1]).write_bytes(SEEDS[2023][0])
    (repo / "README.md").write_text("not checked", encoding="utf-8")
    _git(repo, "add", ".")
    done = _try_repo(repo, hook_home)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "jixiao validate" in done.stdout and "Passed" in done.stdout

    text = SEEDS[2025][0].decode("utf-8").replace("\n工作经费\t13.25\t", "\n工作经费\t13.26\t")
    (repo / "broken-2025.txt").write_text(text, encoding="utf-8")
    _git(repo, "add", ".")
    done = _try_repo(repo, hook_home)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Failed" in done.stdout
    assert "broken-2025.txt (2025): does not conform: 2 violations" in done.stdout
    assert "project “工作经费” (line 13, row 2)" in done.stdout
