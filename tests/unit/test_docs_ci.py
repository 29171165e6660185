"""The CI jobs in docs/ci.md are valid for their engines (each engine's schema, from PyPI's
check-jsonschema and kubernetes-validate) and give oracle what it needs: --shard auto with the
engine's own variables, and the shared cache's URL and key."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from oracle.discover import shards

DOC = Path(__file__).resolve().parents[2] / "docs" / "ci.md"
BIN = Path(sys.executable).parent


def blocks() -> dict[str, str]:
    """The doc's YAML blocks, by the file name in their first line's comment."""
    out = {}
    for body in re.findall(r"```yaml\n(.*?)```", DOC.read_text(), re.S):
        first = body.splitlines()[0]
        assert first.startswith("# "), first
        out[first[2:].split()[0]] = body
    return out


def tool(name: str) -> str:
    path = BIN / name
    if not path.exists():
        pytest.skip(f"{name} not installed: run make setup (pip install -e '.[dev]')")
    return str(path)


@pytest.fixture(scope="module")
def docs():
    b = blocks()
    assert set(b) == {".github/workflows/oracle.yml", ".gitlab-ci.yml", ".buildkite/pipeline.yml", "oracle-k8s.yaml"}
    return b


@pytest.mark.parametrize("name, schema", [(".github/workflows/oracle.yml", "vendor.github-workflows"),
                                          (".gitlab-ci.yml", "vendor.gitlab-ci"),
                                          (".buildkite/pipeline.yml", "vendor.buildkite")])
def test_ci_jobs_match_their_engines_schemas(docs, tmp_path, name, schema):
    f = tmp_path / Path(name).name
    f.write_text(docs[name])
    res = subprocess.run([tool("check-jsonschema"), "--builtin-schema", schema, str(f)], capture_output=True,
                         text=True, timeout=120)
    assert res.returncode == 0, res.stdout + res.stderr
    # The checker does reject a broken job: the test can fail.
    broken = tmp_path / ("broken-" + f.name)
    broken.write_text(docs[name] + "\nbroken_top_level_key_oracle: {script: 3, runs-on: 4, steps: 5}\n"
                      if schema != "vendor.buildkite" else docs[name].replace("parallelism: 4", "parallelism: four"))
    bad = subprocess.run([tool("check-jsonschema"), "--builtin-schema", schema, str(broken)], capture_output=True,
                         text=True, timeout=120)
    assert bad.returncode != 0


def test_kubernetes_manifest_is_valid_for_kubernetes(docs, tmp_path):
    f = tmp_path / "oracle-k8s.yaml"
    f.write_text(docs["oracle-k8s.yaml"])
    res = subprocess.run([tool("kubernetes-validate"), "--strict", str(f)], capture_output=True, text=True,
                         timeout=300)
    assert res.returncode == 0, res.stdout + res.stderr
    f.write_text(docs["oracle-k8s.yaml"].replace("completionMode: Indexed", "completionMode: Indexed\n  shards: 4"))
    bad = subprocess.run([tool("kubernetes-validate"), "--strict", str(f)], capture_output=True, text=True,
                         timeout=300)
    assert bad.returncode != 0  # strict: an unknown field is refused


def test_kubernetes_job_shards_with_the_shared_cache(docs):
    objs = {d["kind"]: d for d in yaml.safe_load_all(docs["oracle-k8s.yaml"])}
    job = objs["Job"]["spec"]
    assert job["completionMode"] == "Indexed" and job["completions"] == job["parallelism"]
    pod = job["template"]["spec"]["containers"][0]
    env = {e["name"]: e for e in pod["env"]}
    assert env["ORACLE_SHARD_COUNT"]["value"] == str(job["completions"])
    assert "--shard auto" in " ".join(pod["args"])
    assert env["ORACLE_CACHE"]["value"].startswith("redis://oracle-cache:")  # the Service below
    assert objs["Service"]["metadata"]["name"] == "oracle-cache"
    for secret in ("ORACLE_CACHE_PASSWORD", "ORACLE_CACHE_KEY"):
        assert env[secret]["valueFrom"]["secretKeyRef"]["name"] == "oracle-cache"
    redis_args = objs["Deployment"]["spec"]["template"]["spec"]["containers"][0]["args"]
    assert "--requirepass" in redis_args and "allkeys-lru" in redis_args
    # What each pod's environment makes of it: the shards 1..N, once each.
    n = job["completions"]
    got = [shards.from_environment({"JOB_COMPLETION_INDEX": str(i), "ORACLE_SHARD_COUNT": str(n)})
           for i in range(n)]
    assert got == [(k, n) for k in range(1, n + 1)]


def test_gitlab_and_github_jobs_use_auto_shards_and_the_cache(docs):
    gl = yaml.safe_load(docs[".gitlab-ci.yml"])
    shard = gl["oracle-shard"]
    script = " ".join(str(s) for s in shard["script"])
    assert isinstance(shard["parallel"], int) and "--shard auto" in script
    n = shard["parallel"]
    assert [shards.from_environment({"CI_NODE_INDEX": str(i), "CI_NODE_TOTAL": str(n)}) for i in range(1, n + 1)] \
        == [(k, n) for k in range(1, n + 1)]
    gh = yaml.safe_load(docs[".github/workflows/oracle.yml"])
    job = gh["jobs"]["shard"]
    assert job["env"]["ORACLE_SHARD_INDEX"] == "${{ strategy.job-index }}"
    assert job["env"]["ORACLE_SHARD_COUNT"] == "${{ strategy.job-total }}"
    assert {"ORACLE_CACHE", "ORACLE_CACHE_KEY"} <= set(job["env"])
    assert any("--shard auto" in str(s.get("run", "")) for s in job["steps"])
    bk = yaml.safe_load(docs[".buildkite/pipeline.yml"])
    step = bk["steps"][0]
    assert step["parallelism"] == 4 and any("--shard auto" in c for c in step["command"])


def test_tools_are_on_the_dev_dependency_list():
    # make setup installs '.[dev]', so the checks above run on a fresh machine too.
    dev = re.search(r"^dev = \[(.*?)\]", (DOC.parents[1] / "pyproject.toml").read_text(), re.M | re.S).group(1)
    assert "check-jsonschema" in dev and "kubernetes-validate" in dev
