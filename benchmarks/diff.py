"""Recall and false positives of `apiplan diff` on real version history of public specs.

Each pair is two commits of a public OpenAPI repository. The spec files are not stored here:
they are read from a local mirror of the repository (a bare clone; by default
/work/.mirror/<owner>+<name>/repo, or under $APIPLAN_MIRRORS), and a pair whose mirror is absent
is skipped with a message. What is stored is the truth: the breaking changes a client feels,
listed by reading each diff by hand, as (operation, kind, location) facts.

A finding at medium or high severity is a claim that something breaks; it counts as a true
positive when it matches a fact of the pair, else as a false positive. Low findings are notes
(a newly documented error status, an error status no longer listed) and are counted apart.
Optic's figures are those published in issue 16 (Optic 1.0.9, `optic diff A B`).

    python benchmarks/diff.py
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import apiplan
from apiplan.schemas import Finding
from apiplan.validators import diff_operations

MIRRORS = Path(os.environ.get("APIPLAN_MIRRORS", "/work/.mirror"))

Fact = tuple[str, str, str]
"""(operation key, kind, location): one breaking change."""


@dataclass(frozen=True)
class Pair:
    repo: str
    path: str
    old: str
    new: str
    truth: tuple[Fact, ...]
    why: str
    optic: tuple[int, int, int | None] | None = None  # (found, of, false positives if published)


def _each(ops: list[str], kind: str, locations: list[str]) -> tuple[Fact, ...]:
    return tuple((op, kind, loc) for op in ops for loc in locations)


_CONTACTS = "/audiences/{audience_id}/contacts"
_ATTACHMENT = ["filename", "content_disposition"]
PAIRS: list[Pair] = [
    Pair(
        "resend/resend-openapi",
        "resend.yaml",
        "65191af",
        "ed25731",
        (
            *(
                (f"{m} {_CONTACTS}{tail}", "removed", "")
                for tail in ("/{email}", "/{id}")
                for m in ("GET", "PATCH", "DELETE")
            ),
            (f"GET {_CONTACTS}", "removed", ""),
            (f"POST {_CONTACTS}", "removed", ""),
            ("POST /broadcasts", "new-required-field", "segment_id"),
        ),
        "audience contacts moved to /contacts; broadcasts need segment_id (audience_id optional)",
        optic=(9, 9, 8),
    ),
    Pair(
        "resend/resend-openapi",
        "resend.yaml",
        "ed25731",
        "b3697d4",
        (
            *_each(
                ["GET /emails/receiving"],
                "response-nullable",
                [f"data[].attachments[].{f}" for f in _ATTACHMENT],
            ),
            *_each(
                ["GET /emails/receiving/{email_id}"],
                "response-nullable",
                [f"attachments[].{f}" for f in _ATTACHMENT],
            ),
            *_each(
                [
                    "GET /emails/receiving/{email_id}/attachments",
                    "GET /emails/{email_id}/attachments",
                ],
                "response-nullable",
                [f"data[].{f}" for f in _ATTACHMENT],
            ),
            *_each(
                [
                    "GET /emails/receiving/{email_id}/attachments/{attachment_id}",
                    "GET /emails/{email_id}/attachments/{attachment_id}",
                ],
                "response-nullable",
                _ATTACHMENT,
            ),
            *_each(
                ["GET /domains/{domain_id}", "POST /domains"],
                "response-enum",
                ["records[].record", "records[].type"],
            ),
        ),
        "attachment filename/content_disposition nullable; new domain record kinds (Tracking, "
        "TrackingCAA, CAA). Not breaking: format date-time dropped, enums given to free strings",
        optic=(16, 16, None),
    ),
    Pair(
        "PagerDuty/api-schema",
        "reference/integration-slack-service/openapiv3.json",
        "2680b3c",
        "fd48b97",
        _each(
            ["POST /workspaces/{slack_team_id}/connections"],
            "new-required-field",
            [f"slack_connection.{f}" for f in ("channel_id", "source_id", "source_type", "config")],
        ),
        "the connection payload requires its four fields (the object itself became optional; "
        "read-only id and names left the request: not breaking)",
    ),
    Pair(
        "PagerDuty/api-schema",
        "reference/integration-slack-service/openapiv3.json",
        "fd48b97",
        "2bc0538",
        (
            (
                "POST /workspaces/{slack_team_id}/connections",
                "new-required-field",
                "slack_connection",
            ),
        ),
        "the revert: slack_connection required again, its fields optional again",
    ),
    Pair(
        "PagerDuty/api-schema",
        "reference/REST/openapiv3.json",
        "1482e50",
        "17094de",
        _each(
            ["PUT /incidents/{id}"],
            "new-required-field",
            ["incident.service.id", "incident.service.type"],
        ),
        "an incident's service reference needs id and type (read-only summary, self, html_url "
        "left the request: not breaking)",
    ),
    Pair(
        "PagerDuty/api-schema",
        "reference/REST/openapiv3.json",
        "d6e8a17",
        "0249645",
        _each(
            ["POST /webhook_subscriptions"],
            "new-required-field",
            ["webhook_subscription.oauth_client.id", "webhook_subscription.oauth_client.type"],
        ),
        "oauth_client needs id and type when sent (required in responses: not breaking)",
    ),
    Pair(
        "PagerDuty/api-schema",
        "reference/REST/openapiv3.json",
        "0249645",
        "cd2026e",
        (
            ("DELETE /oauth_delegations", "success-status-removed", "202"),
            ("GET /oauth_delegations/revocation_requests/status", "success-status-removed", "200"),
        ),
        "revocation became synchronous: 202 -> 200, the status endpoint lost its 200 (a "
        "documented 404 and a new accepted value `web` are not breaking)",
    ),
    Pair(
        "PagerDuty/api-schema",
        "reference/REST/openapiv3.json",
        "a094ddd",
        "2986c37",
        (
            (
                "GET /escalation_policies",
                "response-enum",
                "escalation_policies[].escalation_rules[].targets[].type",
            ),
            *_each(
                [
                    "GET /escalation_policies/{id}",
                    "POST /escalation_policies",
                    "PUT /escalation_policies/{id}",
                ],
                "response-enum",
                ["escalation_policy.escalation_rules[].targets[].type"],
            ),
            ("GET /oncalls", "response-variant", "oncalls[].schedule"),
            ("GET /oncalls", "response-enum", "oncalls[].schedule.type"),
        ),
        "v3 schedules: targets may be schedule_v3_reference; an on-call's schedule may be a "
        "V3ScheduleReference, whose `type` is a value the old schedule reference never had",
    ),
    Pair(
        "PagerDuty/api-schema",
        "reference/REST/openapiv3.json",
        "dbb8b08",
        "a5db09e",
        (),
        "only widened requests: status may be triggered, priority may be a name",
    ),
    Pair(
        "discord/discord-api-spec",
        "specs/openapi.json",
        "d6f2c42",
        "28a705c",
        (("POST /guilds/{guild_id}/bulk-ban", "success-status-removed", "204"),),
        "bulk ban no longer documents its 204",
    ),
    Pair(
        "discord/discord-api-spec",
        "specs/openapi.json",
        "2f52db0",
        "3aa38a5",
        (),
        "174 response fields narrowed (null dropped, required added): nothing breaks",
    ),
]

# Message shapes of `apiplan diff` findings -> (kind, location).
_KINDS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^(?P<loc>)\S+ \S+ was removed$"), "removed"),
    (re.compile(r"^moved to (?P<loc>.+)$"), "moved"),
    (re.compile(r"^new required (?P<loc>\w+ parameter `[^`]+`)"), "new-required-parameter"),
    (re.compile(r"^(?P<loc>\w+ parameter `[^`]+`) was removed"), "parameter-removed"),
    (re.compile(r"^new required request field `(?P<loc>[^`]+)`"), "new-required-field"),
    (re.compile(r"^request field `(?P<loc>[^`]+)` was removed"), "request-field-removed"),
    (re.compile(r"^response field `(?P<loc>[^`]+)` \(\w+\) was removed"), "response-field-removed"),
    (re.compile(r"^response field `(?P<loc>[^`]+)` has new values"), "response-enum"),
    (re.compile(r"^response field `(?P<loc>[^`]+)` may now be null"), "response-nullable"),
    (re.compile(r"^response field `(?P<loc>[^`]+)` may now also be"), "response-variant"),
    (re.compile(r"^response field `(?P<loc>[^`]+)` changed type"), "response-type"),
    (re.compile(r"^(?:request field|parameter) `(?P<loc>[^`]+)` changed type"), "request-type"),
    (
        re.compile(r"^(?:request field|parameter) `(?P<loc>[^`]+)` no longer accepts"),
        "request-narrowed",
    ),
    (re.compile(r"^success status (?P<loc>\S+) was removed"), "success-status-removed"),
    (re.compile(r"^new error status (?P<loc>\S+)"), "new-error-status"),
    (re.compile(r"^error status (?P<loc>\S+) is no longer"), "error-status-undocumented"),
    (re.compile(r"^authentication changed(?P<loc>)"), "auth"),
    (re.compile(r"^security scheme (?P<loc>\S+) changed"), "auth-scheme"),
]


def fact_of(f: Finding) -> Fact:
    """The (operation, kind, location) a finding claims."""
    if f.location == "servers":
        return ("", "base-url", "")
    op, _, rest = f.message.partition(": ")
    if not rest:  # "<op> was removed" has no prefix of its own
        op, rest = f.location, f.message
    for rx, kind in _KINDS:
        m = rx.match(rest)
        if m:
            return (op, kind, m.group("loc"))
    return (op, "other", rest[:60])


def _same(fact: Fact) -> Fact:
    """A fact written either way for array items (`records[].type`, `records.type`)."""
    op, kind, location = fact
    return op, kind, location.replace("[]", "")


def _mirror(repo: str) -> Path | None:
    git_dir = MIRRORS / repo.replace("/", "+") / "repo"
    return git_dir if git_dir.is_dir() else None


def _version(git_dir: Path, commit: str, path: str, folder: Path) -> Path:
    text = subprocess.run(
        ["git", "--git-dir", str(git_dir), "show", f"{commit}:{path}"],
        capture_output=True,
        check=True,
        timeout=120,
    ).stdout
    out = folder / f"{commit}{Path(path).suffix}"
    out.write_bytes(text)
    return out


@dataclass
class Score:
    found: int
    of: int
    false_positives: list[Fact]
    missed: list[Fact]
    notes: int
    seconds: float


def score(pair: Pair, git_dir: Path) -> Score:
    with tempfile.TemporaryDirectory() as tmp:
        old_path = _version(git_dir, pair.old, pair.path, Path(tmp))
        new_path = _version(git_dir, pair.new, pair.path, Path(tmp))
        start = time.perf_counter()
        old, new = apiplan.load_facts([old_path]), apiplan.load_facts([new_path])
        risk = diff_operations(old, new, [op.key for op in old.operations])
        seconds = time.perf_counter() - start
    claims = {_same(fact_of(f)) for f in risk.findings if f.severity in ("high", "medium")}
    truth = {_same(fact) for fact in pair.truth}
    return Score(
        found=len(truth & claims),
        of=len(truth),
        false_positives=sorted(claims - truth),
        missed=sorted(truth - claims),
        notes=sum(f.severity == "low" for f in risk.findings),
        seconds=seconds,
    )


def main() -> None:
    head = f"{'spec':42} {'pair':17} {'recall':>9} {'FP':>3} {'notes':>5} {'time':>6}  optic"
    print(head)
    total_found = total_of = total_fp = 0
    skipped: set[str] = set()
    for pair in PAIRS:
        git_dir = _mirror(pair.repo)
        if git_dir is None:
            skipped.add(pair.repo)
            continue
        s = score(pair, git_dir)
        total_found, total_of = total_found + s.found, total_of + s.of
        total_fp += len(s.false_positives)
        name = f"{pair.repo}:{Path(pair.path).parent.name or Path(pair.path).name}"
        optic = "-"
        if pair.optic:
            fps = "FP not published" if pair.optic[2] is None else f"{pair.optic[2]} FP"
            optic = f"{pair.optic[0]}/{pair.optic[1]}, {fps}"
        print(
            f"{name[:42]:42} {pair.old}->{pair.new} {s.found:>4}/{s.of:<4} "
            f"{len(s.false_positives):>3} {s.notes:>5} {s.seconds:5.1f}s  {optic}"
        )
        for fact in s.missed:
            print(f"    missed: {' | '.join(fact)}")
        for fact in s.false_positives:
            print(f"    false positive: {' | '.join(x for x in fact if x)}")
    for repo in sorted(skipped):
        print(f"skipped {repo}: no mirror under {MIRRORS} (fetch github:{repo} first)")
    if total_of:
        print(
            f"all pairs: recall {total_found}/{total_of} ({total_found / total_of:.0%}), "
            f"{total_fp} false positives"
        )


if __name__ == "__main__":
    main()
