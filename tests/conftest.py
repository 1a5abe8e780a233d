"""Shared fixtures: a small valid plan copied to a temporary folder, the sample plan as
a fixture, and golden files.

The engine's tests never read the plan in data/ and docs/: every region replaces it, and
its CI must stay green (`masterplan check` checks that plan instead). An audit hook fails
any test that opens a file of the live plan.
"""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import sys
import tempfile
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings

# The suite runs on two workers of a shared two-core machine: a generated example's time
# says nothing about the engine there (the engine's speed is measured by `masterplan bench`).
# In CI (a fresh clone, where one red run blocks the submission) the generated examples
# are the same on every run; on a developer's machine they keep exploring.
settings.register_profile("suite", deadline=None, derandomize=os.environ.get("CI") == "true")
settings.load_profile("suite")

# Tests never write to the user's cache (~/.cache/masterplan): one folder per session,
# which the builds and commands they run inherit. Registered before the engine is
# imported, so that it is removed after the engine's own exit handler saves to it.
_CACHE = tempfile.mkdtemp(prefix="masterplan-test-cache-")
os.environ["MASTERPLAN_CACHE"] = _CACHE
atexit.register(shutil.rmtree, _CACHE, ignore_errors=True)

from masterplan.commands.synth import copy_site_files  # noqa: E402
from masterplan.model import Masterplan  # noqa: E402
from masterplan.read.loader import load_plan  # noqa: E402  (after the cache is chosen)

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "plan"
#: A frozen copy of the bundled sample (46 programmes): the engine's test plan at full size.
SAMPLE = ROOT / "tests" / "fixtures" / "sample"
GOLDEN = ROOT / "tests" / "golden"
#: The live plan: the region's, not the engine's.
LIVE_PLAN = (ROOT / "data", ROOT / "docs" / "program", ROOT / "docs" / "dimensi")
#: The project's own pages inside the plan folders (catalogue and dimension index).
_PROJECT_PAGES = {str(ROOT / "docs/program/index.md"), str(ROOT / "docs/dimensi/index.md")}
_live_reads: list[str] = []


def _audit(event: str, args: tuple[object, ...]) -> None:
    if event == "open" and isinstance(args[0], str | Path):
        path = os.path.abspath(args[0])
        if any(path.startswith(str(p) + os.sep) for p in LIVE_PLAN) and path not in _PROJECT_PAGES:
            _live_reads.append(path)


sys.addaudithook(_audit)


@pytest.fixture(autouse=True)
def _no_live_plan() -> Iterator[None]:
    """Fail a test that reads the live plan."""
    before = len(_live_reads)
    yield
    read = _live_reads[before:]
    assert not read, f"an engine test read the live plan (use tests/fixtures/): {sorted(set(read))[:5]}"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true", help="rewrite tests/golden/* from the current output"
    )


@pytest.fixture
def plan_repo(tmp_path: Path) -> Path:
    """A copy of the small valid test plan (data/ and contributor pages only)."""
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURE, repo)
    return repo


def loaded(repo: Path) -> Masterplan:
    """The plan under ``repo``, which must load without a problem."""
    result = load_plan(repo)
    assert result.plan is not None and not result.problems, result.problems
    return result.plan


def add_site_files(repo: Path) -> Path:
    """Put the project's mkdocs.yml, edge and own pages beside a plan so it builds."""
    copy_site_files(ROOT, repo)
    return repo


@pytest.fixture
def site_repo(plan_repo: Path) -> Path:
    """The test plan with the project's site files: ready for `mkdocs build`."""
    return add_site_files(plan_repo)


@dataclass
class Built:
    """What `mkdocs build` would have ended with: its exit code and what it logged."""

    returncode: int
    stderr: str
    stdout: str = ""


def build_site(repo: Path, *, strict: bool = True, dirty: bool = False) -> Built:
    """A real `mkdocs build` of ``repo`` into ``repo/site``, in this process: what MkDocs'
    command does (load the config, start the plugins, build), with its log captured as the
    command prints it, and an unexpected exception as the traceback it would print. A new
    Python process per build cost the suite two minutes."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, BuildError, ConfigurationError, PluginError

    lines: list[str] = []
    handler = logging.Handler(logging.INFO)
    handler.emit = lambda record: lines.append(f"{record.levelname:<7} -  {record.getMessage()}")  # type: ignore[method-assign]
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.INFO)  # as the command sets it
    code = 0
    try:
        config = load_config(str(repo / "mkdocs.yml"), site_dir=str(repo / "site"), strict=strict)
        config.plugins.on_startup(command="build", dirty=dirty)
        try:
            build(config, dirty=dirty)
        finally:
            config.plugins.on_shutdown()
    except (Abort, BuildError, ConfigurationError, PluginError) as err:
        lines.append(f"ERROR   -  {err}" if not isinstance(err, Abort) else str(err))
        code = 1
    except SystemExit as err:  # mkdocs-macros' on_error_fail, after logging the error
        code = err.code if isinstance(err.code, int) else 1
    except Exception:
        lines.append(traceback.format_exc())
        code = 1
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    return Built(code, "\n".join(lines) + "\n")


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Masterplan]:
    """The sample plan (the fixture copy), built strict once per test session, and its model."""
    repo = tmp_path_factory.mktemp("sample") / "repo"
    shutil.copytree(SAMPLE, repo)
    add_site_files(repo)
    result = build_site(repo)
    assert result.returncode == 0, result.stderr
    loaded = load_plan(repo)
    assert loaded.plan is not None
    return repo / "site", loaded.plan


@pytest.fixture
def golden(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """Compare text with tests/golden/NAME; `pytest --update-golden` rewrites it."""

    def check(name: str, text: str) -> None:
        path = GOLDEN / name
        if request.config.getoption("--update-golden"):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        assert path.is_file(), f"no golden file {path}; run pytest --update-golden"
        assert text == path.read_text(encoding="utf-8")

    return check


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    # Lets fixtures see whether the test failed (the browser fixture keeps a screenshot).
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
