"""Existing client code: what a careful reviewer finds in the five corpus files, and nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest

import apiplan
from apiplan.sources._code import read_code
from apiplan.validators import check

from .conftest import corpus
from .test_cli_facts import run


def findings(name: str) -> list[tuple[str, str, int]]:
    facts = apiplan.load_facts([], code=[corpus("code", name)])
    return [(f.rule, f.severity, f.evidence[0].line) for f in check(facts, docs=False).findings]


def test_pagerduty_trigger_no_timeout_unchecked_json() -> None:
    got = findings("pagerduty-events-v2-trigger.py")
    assert ("missing-timeout", "high", 28) in got
    assert ("silent-failure", "medium", 28) in got
    assert not any(rule == "unbounded-retry" for rule, _, _ in got)
    # ROUTING_KEY = "" is an empty placeholder, not a hard-coded key.
    assert not any(rule == "secret-exposure" and sev == "high" for rule, sev, _ in got)


def test_pagerduty_rest_no_timeout_and_hard_coded_key() -> None:
    got = findings("pagerduty-rest-list-incidents.py")
    assert ("missing-timeout", "high", 68) in got
    assert ("secret-exposure", "high", 31) in got


def test_discord_uncapped_429_loop() -> None:
    got = findings("discord-webhook.py")
    assert ("unbounded-retry", "high", 425) in got
    assert ("unbounded-retry", "medium", 425) in got  # sleeps retry_after with no ceiling
    assert ("missing-timeout", "medium", 401) in got  # timeout defaults to None via kwargs.get
    assert not any(sev == "high" and rule == "missing-timeout" for rule, sev, _ in got)


def test_twilio_optional_timeout() -> None:
    got = findings("twilio-http-client.py")
    assert got == [("missing-timeout", "medium", 106)]


def test_notion_passes_retry_and_timeout_rules() -> None:
    got = findings("notion-client.py")
    assert not any(
        rule in ("unbounded-retry", "missing-timeout", "silent-failure") for rule, _, _ in got
    )
    code = read_code([corpus("code", "notion-client.py")]).files[0]
    loop = code.retries[0]
    assert (
        loop.capped
        and loop.honours_retry_after
        and loop.retry_after_ceiling
        and loop.methods_checked
    )
    assert {c.timeout for c in code.calls} == {"client"}


SEEDED_DIR = Path(__file__).resolve().parent.parent / "evals" / "seeded" / "code"
SEEDED = sorted(p.name.removesuffix("__bad.py") for p in SEEDED_DIR.glob("*__bad.py"))


@pytest.mark.parametrize("stem", SEEDED)
def test_seeded_defect_is_caught_and_clean_twin_is_not(stem: str) -> None:
    rule = stem.split("__")[0]
    bad, good = SEEDED_DIR / f"{stem}__bad.py", SEEDED_DIR / f"{stem}__good.py"
    bad_rules = {f.rule for f in check(apiplan.load_facts([], code=[bad]), docs=False).findings}
    good_rules = {f.rule for f in check(apiplan.load_facts([], code=[good]), docs=False).findings}
    assert rule in bad_rules
    assert rule not in good_rules


def test_js_and_curl_scans(tmp_path: Path) -> None:
    js = tmp_path / "client.ts"
    js.write_text(
        "const r = await fetch('https://api.example.com/v1/x', { method: 'POST' });\n"
        "const s = await axios.get('https://api.example.com/v1/y', { timeout: 5000 });\n"
    )
    sh = tmp_path / "call.sh"
    sh.write_text(
        "curl -X POST https://api.example.com/v1/z \\\n  -H 'Content-Type: application/json'\n"
    )
    files = read_code([js, sh]).files
    assert [(c.library, c.timeout) for c in files[0].calls] == [
        ("fetch", "missing"),
        ("axios", "set"),
    ]
    assert [(c.library, c.method, c.url, c.timeout) for c in files[1].calls] == [
        ("curl", "POST", "https://api.example.com/v1/z", "missing")
    ]


def test_invalid_python_is_a_warning_not_a_crash(tmp_path: Path) -> None:
    bad = tmp_path / "broken.py"
    bad.write_text("def f(:\n")
    code = read_code([bad]).files[0]
    assert code.warnings and "not valid Python" in code.warnings[0]


def test_check_cli_exit_codes_and_sarif(tmp_path: Path) -> None:
    import json

    r = run("check", "--code", corpus("code", "pagerduty-events-v2-trigger.py"))
    assert r.returncode == 1 and "missing-timeout" in r.stdout
    r = run("check", "--code", corpus("code", "notion-client.py"))
    assert r.returncode == 0
    r = run("check", "--code", corpus("code", "notion-client.py"), "--fail-on", "low")
    assert r.returncode == 1
    r = run("check", "--code", corpus("code", "discord-webhook.py"), "-f", "sarif")
    sarif = json.loads(r.stdout)
    assert sarif["version"] == "2.1.0"
    results = sarif["runs"][0]["results"]
    rule_ids = {rule["id"] for rule in sarif["runs"][0]["tool"]["driver"]["rules"]}
    assert all(res["ruleId"] in rule_ids for res in results)
    loc = results[0]["locations"][0]["physicalLocation"]
    assert (
        loc["artifactLocation"]["uri"].endswith("discord-webhook.py")
        and loc["region"]["startLine"] >= 1
    )
    assert run("check").returncode == 2
    assert run("check", "--code", tmp_path / "missing.py").returncode == 2


def test_aiohttp_urllib_urllib3_and_tenacity(tmp_path: Path) -> None:
    src = tmp_path / "client.py"
    src.write_text(
        "import urllib.request, urllib3, aiohttp\nfrom tenacity import retry, stop_after_attempt, wait_exponential\n"
        "pool = urllib3.PoolManager()\n"
        "def a():\n    return urllib.request.urlopen('https://x.example/a')\n"
        "def b():\n    r = pool.request('GET', 'https://x.example/b')\n    return r.status\n"
        "@retry(wait=wait_exponential())\ndef c():\n    with urllib.request.urlopen('https://x.example/c', timeout=5) as r:\n        return r.read()\n"
        "@retry(stop=stop_after_attempt(3))\nasync def d():\n    async with aiohttp.ClientSession() as s:\n"
        "        async with s.get('https://x.example/d') as r:\n            r.raise_for_status()\n"
    )
    code = read_code([src]).files[0]
    timeouts = {(c.library, c.url): c.timeout for c in code.calls}
    assert timeouts[("urllib", "https://x.example/a")] == "missing"
    assert timeouts[("urllib3", "https://x.example/b")] == "missing"
    assert timeouts[("urllib", "https://x.example/c")] == "set"
    assert timeouts[("aiohttp", "https://x.example/d")] == "client"  # aiohttp's 300 s default
    tenacity = [r for r in code.retries if r.kind == "tenacity"]
    assert [r.capped for r in tenacity] == [False, True]
    rules = {f.rule for f in check(apiplan.load_facts([], code=[src]), docs=False).findings}
    assert {"missing-timeout", "unbounded-retry"} <= rules


def _code_findings(tmp_path: Path, text: str) -> list[tuple[str, str, int, str]]:
    path = tmp_path / "client.py"
    path.write_text(text)
    facts = apiplan.load_facts([], code=[path])
    return [
        (f.rule, f.severity, f.evidence[0].line or 0, f.message)
        for f in check(facts, docs=False).findings
    ]


def test_a_call_through_functools_partial_is_read(tmp_path: Path) -> None:
    got = _code_findings(
        tmp_path,
        "import functools\nimport requests\n\n\n"
        "def delete(url):\n"
        "    send = functools.partial(requests.delete, url, timeout=None)\n"
        "    response = send()\n"
        "    response.raise_for_status()\n"
        "    return response\n",
    )
    assert [(r, s, line) for r, s, line, _ in got] == [("missing-timeout", "high", 6)]


def test_a_caller_passing_timeout_none_through_a_kwargs_wrapper(tmp_path: Path) -> None:
    got = _code_findings(
        tmp_path,
        "import requests\n\n\n"
        "class Api:\n"
        "    def _call(self, method, url, **kwargs):\n"
        "        r = requests.request(method, url, **kwargs)\n"
        "        r.raise_for_status()\n"
        "        return r\n\n"
        "    def edit(self, url):\n"
        "        return self._call('PATCH', url, timeout=None)\n",
    )
    assert ("missing-timeout", "high", 11) in [(r, s, line) for r, s, line, _ in got]


def test_a_retry_loop_that_falls_off_the_function_returns_none(tmp_path: Path) -> None:
    body = (
        "import requests\n\n\n"
        "def send(url):\n"
        "    r = requests.post(url, timeout=5)\n"
        "    for_ = 0\n"
        "    while r.status_code == 429 and for_ < 3:\n"
        "        for_ += 1\n"
        "        r = requests.post(url, timeout=5)\n"
        "        if r.status_code == 200:\n"
        "            return r\n"
    )
    got = _code_findings(tmp_path, body)
    assert any(r == "silent-failure" and s == "high" and "returns None" in m for r, s, _, m in got)
    fixed = _code_findings(tmp_path, body + "    r.raise_for_status()\n    return r\n")
    assert not any("returns None" in m for _, _, _, m in fixed)


def test_discord_edit_delete_timeouts_and_none_returning_retry() -> None:
    got = findings("discord-webhook.py")
    for line in (493, 503, 537):  # partial(requests.patch/delete, ..., timeout=self.timeout)
        assert ("missing-timeout", "medium", line) in got
    assert ("silent-failure", "high", 425) in got  # handle_rate_limit falls through
