"""The general endpoint recogniser: every way real pages write an endpoint, and the corpus truth.

The snippets below describe an invented API (Acme Todo); they are ours, written in the forms real
reference pages use. The corpus tests read ../shared/corpus/prose in place and compare with
truth/endpoints.json (what a careful reader found on each page).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import apiplan
from apiplan.sources._endpoints import generalise, match_key, scan_line, split_target, template

from .conftest import CORPUS, corpus


def keys(tmp_path: Path, name: str, text: str) -> list[str]:
    page = tmp_path / name
    page.write_text(text, encoding="utf-8")
    return [op.key for op in apiplan.load_facts([page]).operations]


# -- the recogniser on one line -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("line", "method", "path"),
    [
        ("GET /todolists/456/todos.json", "GET", "/todolists/456/todos.json"),
        ("POST /todolists/456/todos.json   # create a to-do", "POST", "/todolists/456/todos.json"),
        ("POST /api/v3/order  (HMAC SHA256)", "POST", "/api/v3/order"),
        ("**GET** https://acme.test/api2/repos/{repo-id}/", "GET", "/api2/repos/{repo-id}/"),
        ("`GET SITE_ROOT/api/v3/checks/<uuid>`", "GET", "/api/v3/checks/{uuid}"),
        ("GET {{base_url}}/todos/:id", "GET", "/todos/{id}"),
        ("DELETE $HOST/todos/[id]", "DELETE", "/todos/{id}"),
        ("GET `/daily/#{day}/#{year}`", "GET", "/daily/{day}/{year}"),
        (".. http:get:: /api/files/(string:location)/(path:filename)", "GET", None),
        ("PUT /lists/{list_id} HTTP/1.1", "PUT", "/lists/{list_id}"),
    ],
)
def test_one_line_forms(line: str, method: str, path: str | None) -> None:
    hits = list(scan_line(line))
    assert [h.method for h in hits] == [method]
    got = template(split_target(hits[0].target)[1])
    assert got == (path or "/api/files/{location}/{filename}")


@pytest.mark.parametrize(
    "line",
    [
        '  "GET /collections/products": 1.25,',  # response data, not an endpoint
        "Send a GET request with your key.",  # a method with no path
        "`GET` / `HEAD` are safe",  # a slash between methods
        "it should be POST/GET/DELETE/etc.",
        "curl -X POST https://acme.test/todos",  # read with the whole command, not per line
    ],
)
def test_lines_that_are_not_endpoints(line: str) -> None:
    assert list(scan_line(line)) == []


def test_example_ids_become_named_parameters() -> None:
    assert generalise("/feeds/42/entries/888") == "/feeds/{feed_id}/entries/{entry_id}"
    assert generalise("/v1/groups/b0470a9324a4ae563b04e9ac49fbc9cf") == "/v1/groups/{group_id}"
    assert generalise("/jobs/3fa85f64-5717-4562-b3fc-2c963f66afa6") == "/jobs/{job_id}"
    assert generalise("/v1/feeds/refresh") == "/v1/feeds/refresh"
    assert match_key("GET", "/a/{id}/") == match_key("get", "/a/{other}")


# -- page structures ------------------------------------------------------------------------------
def test_markdown_fenced_table_and_mdx_forms(tmp_path: Path) -> None:
    md = """# Acme Todo API

## Lists

```
GET /todolists/456/todos.json
POST /todolists/456/todos.json   # create a to-do
```

| Endpoint | Purpose |
|---|---|
| `GET SITE_ROOT/api/v3/checks/<uuid>`<br>`GET SITE_ROOT/api/v3/checks/<unique_key>` | one check |

| Method | Path |
|---|---|
| `GET` / `HEAD` | `/v2/<name>/blobs/<digest>` |
"""
    got = keys(tmp_path, "acme.md", md)
    assert "GET /todolists/{todolist_id}/todos.json" in got
    assert "POST /todolists/{todolist_id}/todos.json" in got
    assert "GET /api/v3/checks/{uuid}" in got
    assert "GET /v2/{name}/blobs/{digest}" in got and "HEAD /v2/{name}/blobs/{digest}" in got
    mdx = """import { ApiEndpoint } from '/snippets/api.mdx'

## Set a state

<ApiEndpoint path="/api/states/<entity_id>" method="post">
Updates the state.
</ApiEndpoint>
"""
    assert keys(tmp_path, "acme.mdx", mdx) == ["POST /api/states/{entity_id}"]


def test_examples_fold_into_the_template_they_instantiate(tmp_path: Path) -> None:
    md = """# Acme

## Get a team

`GET /api/v0/teams/{team}`

```
GET /api/v0/teams/team-foo HTTP/1.1
Host: acme.test
```

## Subscribe

The JSON endpoint is `<topic>/json`.

```
GET /disk-alerts/json HTTP/1.1
```
"""
    page = tmp_path / "fold.md"
    page.write_text(md, encoding="utf-8")
    facts = apiplan.load_facts([page])
    assert [op.key for op in facts.operations] == [
        "GET /api/v0/teams/{team}",
        "GET /{topic}/json",
    ]
    team = facts.operation("GET /api/v0/teams/{team}")
    assert team is not None and team.source.line == 5
    assert [m.line for m in team.mentions] == [8]  # the example stays as evidence


def test_rst_httpdomain_and_field_roles(tmp_path: Path) -> None:
    rst = """Files
=====

.. http:get:: /api/files/(string:location)/(path:filename)

   Download a file.

   :statuscode 200: the file
   :statuscode 404: no such file

Repositories
============

| :method:`post`
| :path:`/v2/repositories/`
"""
    page = tmp_path / "acme.rst"
    page.write_text(rst, encoding="utf-8")
    facts = apiplan.load_facts([page])
    assert [op.key for op in facts.operations] == [
        "GET /api/files/{location}/{filename}",
        "POST /v2/repositories/",
    ]
    get = facts.operations[0]
    assert [r.status for r in get.responses] == ["200", "404"]


def test_html_method_columns_and_italic_parameters(tmp_path: Path) -> None:
    html = """<html><body><h2>Acme management API</h2>
<table>
<tr><th>GET</th><th>PUT</th><th>DELETE</th><th>POST</th><th>Path</th><th>Description</th></tr>
<tr><td>X</td><td></td><td></td><td></td><td>/api/overview</td><td>Overview.</td></tr>
<tr><td>X</td><td>X</td><td>X</td><td></td><td>/api/vhosts/<i>name</i></td><td>One vhost.</td></tr>
</table>
<ul><li><code>GET /</code>- basic information</li></ul>
</body></html>"""
    got = keys(tmp_path, "acme.html", html)
    assert sorted(got) == [
        "DELETE /api/vhosts/{name}",
        "GET /",
        "GET /api/overview",
        "GET /api/vhosts/{name}",
        "PUT /api/vhosts/{name}",
    ]


def test_asciidoc_key_value_table_with_attribute(tmp_path: Path) -> None:
    adoc = """= Acme Shares
:endpoint-uri: /ocs/v1.php/shares

== Update Share

[cols=",,"]
|===
|Endpoint |`{endpoint-uri}/<share_id>`
|Method |PUT
|===

== Create a transaction

To open a transaction, submit a `POST` request to the following endpoint:

----
http://<host>:<port>/db/<databaseName>/tx
----
"""
    assert keys(tmp_path, "acme.adoc", adoc) == [
        "PUT /ocs/v1.php/shares/{share_id}",
        "POST /db/{databaseName}/tx",
    ]


def test_api_blueprint_and_raml(tmp_path: Path) -> None:
    apib = """FORMAT: 1A

# Acme

## Messages [/api/v3/messages/{id}]

### Get a Message [GET]

+ Response 200

### List Messages [GET /api/v3/messages{?q}]
"""
    assert keys(tmp_path, "acme.apib", apib) == [
        "GET /api/v3/messages/{id}",
        "GET /api/v3/messages",
    ]
    raml = """#%RAML 1.0
title: Acme
types:
  Module: !include Module.json
/_/modules:
  get:
    description: List modules
    responses:
      200:
        description: OK
  /{id}:
    delete:
      responses:
        204:
"""
    page = tmp_path / "acme.raml"
    page.write_text(raml, encoding="utf-8")
    facts = apiplan.load_facts([page])
    assert [op.key for op in facts.operations] == ["GET /_/modules", "DELETE /_/modules/{id}"]
    assert [r.status for r in facts.operations[0].responses] == ["200"]


def test_stated_base_path_goes_in_front(tmp_path: Path) -> None:
    md = """# Acme News

The base URL for all calls is:

    https://acme.test/index.php/apps/news/api/v1-3/

* **folders**: GET /folders
"""
    assert keys(tmp_path, "base.md", md) == ["GET /index.php/apps/news/api/v1-3/folders"]


def test_page_without_endpoints_says_so(tmp_path: Path) -> None:
    md = """# Rate limits

Acme allows 100 requests per minute per key. Exceeding it returns 429.
"""
    page = tmp_path / "limits.md"
    page.write_text(md, encoding="utf-8")
    facts = apiplan.load_facts([page])
    assert facts.operations == []
    assert any(
        w.code == "no-endpoints" and "found no endpoint" in w.message for w in facts.warnings
    )
    assert facts.rate_limits  # its other facts are still there


def test_unread_endpoint_lines_are_listed(tmp_path: Path) -> None:
    md = """# Acme

```
GET /v3/resource HTTP/1.1
```
"""
    page = tmp_path / "unread.md"
    page.write_text(md, encoding="utf-8")
    facts = apiplan.load_facts([page])
    assert facts.operations == []
    unread = [w for w in facts.warnings if w.code == "unread-endpoint"]
    assert unread and unread[0].source.line == 4


# -- the corpus: recall and invented endpoints per page ------------------------------------------
def _truth() -> dict[str, list[str]]:
    path = CORPUS / "truth" / "endpoints.json"
    return json.loads(path.read_text()) if path.exists() else {}


PAGES = sorted(_truth())


@pytest.mark.parametrize("page", PAGES)
def test_corpus_page_endpoints(page: str) -> None:
    """Every page finds (nearly) all its endpoints; a miss beyond one in ten fails."""
    want = {match_key(*e.split(" ", 1)) for e in _truth()[page]}
    facts = apiplan.load_facts([corpus(page)])
    got = {match_key(op.method, op.path) for op in facts.operations}
    missed = want - got
    assert len(missed) <= max(1, len(want) // 10), sorted(missed)
    for op in facts.operations:  # every endpoint cites a line that holds it
        assert op.source.line is not None and op.source.text


def test_corpus_totals() -> None:
    truth = _truth()
    if not truth:
        pytest.skip("corpus truth not present")
    hit = want_n = extra = 0
    for page in corpus("prose").iterdir():
        want = {match_key(*e.split(" ", 1)) for e in truth.get(f"prose/{page.name}", [])}
        got = {match_key(op.method, op.path) for op in apiplan.load_facts([page]).operations}
        hit, want_n, extra = hit + len(want & got), want_n + len(want), extra + len(got - want)
    assert hit / want_n >= 0.98, (hit, want_n)
    # Endpoints the truth does not list: mentions of endpoints documented on other pages
    # (Matrix) and examples the truth chose to leave out. A regression gate, not a target.
    assert extra <= 50, extra


def test_status_lists_and_raw_html_headings(tmp_path: Path) -> None:
    md = """# Acme

<h2 id="status">Status Codes</h2>

- `200`: Everything is OK
- `404`: Not found

<h2 id="get-todo">Get a todo</h2>

    GET /v1/todos/42

Response Codes

* 200 OK - the todo
* 410 Gone - it was deleted

Acme allows 200 requests per minute.
"""
    page = tmp_path / "status.md"
    page.write_text(md, encoding="utf-8")
    facts = apiplan.load_facts([page])
    assert [r.status for r in facts.api_responses] == ["200", "404"]
    op = facts.operation("GET /v1/todos/{todo_id}")
    assert op is not None and op.summary == "Get a todo"
    assert [r.status for r in op.responses] == ["200", "410"]


def test_signed_requests_and_query_keys(tmp_path: Path) -> None:
    md = """# Acme trading (invented)

Signed endpoints need a `signature` parameter: an HMAC SHA256 signature of the query
string and body, keyed with your secret.

Pass your key in the `api_key` query parameter.

## New order

`POST /api/v3/order  (HMAC SHA256)`
"""
    page = tmp_path / "signed.md"
    page.write_text(md, encoding="utf-8")
    facts = apiplan.load_facts([page])
    schemes = {s.name: s for s in facts.security_schemes}
    assert schemes["signature"].scheme == "hmac-sha256"
    assert schemes["signature"].param_name == "signature"
    assert schemes["apiKeyQuery"].location == "query"
    assert schemes["apiKeyQuery"].param_name == "api_key"
    assert [op.key for op in facts.operations] == ["POST /api/v3/order"]


# -- forms seen on pages outside the corpus (invented Acme pages in the same shapes) ------------
def test_path_headings_with_methods_named_below(tmp_path: Path) -> None:
    rst = """Config
======

/rest/config
------------

``GET`` returns the entire config and ``PUT`` replaces it.

/rest/config/folders/\\*id\\*, /rest/config/devices/\\*id\\*
--------------------------------------------------------

``GET`` returns one, ``DELETE`` removes it.
"""
    got = keys(tmp_path, "cfg.rst", rst)
    assert sorted(got) == [
        "DELETE /rest/config/devices/{id}",
        "DELETE /rest/config/folders/{id}",
        "GET /rest/config",
        "GET /rest/config/devices/{id}",
        "GET /rest/config/folders/{id}",
        "PUT /rest/config",
    ]


def test_method_in_a_description_and_url_in_its_own_row(tmp_path: Path) -> None:
    md = """# Acme notebooks

## List notebooks

| | |
|---|---|
| Description | This `GET` method lists all notebooks |
| URL | `http://[acme-server]:[acme-port]/api/notebook` |
| Success code | 200 |

## Generated reference

<table><tr><td><h5><strong>/api_versions</strong></h5></td></tr>
<tr><td>Verb: <code>GET</code></td><td>Response code: <code>200 OK</code></td></tr></table>
"""
    assert sorted(keys(tmp_path, "nb.md", md)) == ["GET /api/notebook", "GET /api_versions"]


def test_html_tables_with_empty_cells_breaks_and_unclosed_rows(tmp_path: Path) -> None:
    html = """<html><body><table>
<tr><th>GET</th><th>PUT</th><th>DELETE</th><th>POST</th><th>Path</th></tr>
<tr><td>X</td><td></td><td></td><td>X</td><td>/api/definitions<br/> /api/all-configuration</td></tr>
<tr><td>X</td><td>X</td><td></td><td></td><td class="path">/api/parameters/<i>name</i></td>
<tr><td></td><td></td><td>X</td><td></td><td>/api/queues/<i>vhost</i></td></tr>
</table></body></html>"""
    assert sorted(keys(tmp_path, "mq.html", html)) == [
        "DELETE /api/queues/{vhost}",
        "GET /api/all-configuration",
        "GET /api/definitions",
        "GET /api/parameters/{name}",
        "POST /api/all-configuration",
        "POST /api/definitions",
        "PUT /api/parameters/{name}",
    ]


@pytest.mark.parametrize(
    ("line", "path"),
    [
        ("GET <%= api_url %>/api/wiki/pages", "/api/wiki/pages"),
        ("GET /api/index/`${INDEX_NAME}`/count", "/api/index/{INDEX_NAME}/count"),
        ("| `GET` | :ref:`/channels/(channel_id) <channel-get>` |", "/channels/{channel_id}"),
        (
            "'GET /plugins/link:#plugin-id[\\{plugin-id\\}]/acme~status'",
            "/plugins/{plugin-id}/acme~status",
        ),
    ],
)
def test_markup_inside_and_around_paths(tmp_path: Path, line: str, path: str) -> None:
    assert keys(tmp_path, "m.md", f"# Acme\n\n{line}\n") == [f"GET {path}"]


def test_blueprint_action_under_a_deeper_resource_heading(tmp_path: Path) -> None:
    apib = """FORMAT: 1A

# Acme

### Pin data [/{token}/data/{pin}]

## Get all data [GET]
"""
    assert keys(tmp_path, "pin.apib", apib) == ["GET /{token}/data/{pin}"]


def test_component_placeholder_with_a_space(tmp_path: Path) -> None:
    md = '# Acme\n\n<ApiEndpoint path="/api/camera_proxy/<camera entity_id>" method="get" />\n'
    assert keys(tmp_path, "cam.mdx", md) == ["GET /api/camera_proxy/{camera_entity_id}"]


def test_descriptions_deprecation_and_row_summaries(tmp_path: Path) -> None:
    md = """# Acme

## Push a blob

Push a file to the Acme server to create a blob.

```
POST /api/blobs/:digest
```

## Generate embeddings

```
POST /api/embeddings
```

Note: this endpoint has been superseded by `/api/embed`.

## Endpoints

All the following endpoints must be accessed with a `GET` HTTP request.

| Path | Description |
|---|---|
| `/api/http/routers` | Lists all the HTTP routers information. |
"""
    page = tmp_path / "desc.md"
    page.write_text(md, encoding="utf-8")
    facts = apiplan.load_facts([page])
    blob = facts.operation("POST /api/blobs/{digest}")
    assert blob is not None and blob.description is not None
    assert blob.description.startswith("Push a file")
    old = facts.operation("POST /api/embeddings")
    assert old is not None and old.deprecated
    routers = facts.operation("GET /api/http/routers")
    assert routers is not None and routers.summary == "Lists all the HTTP routers information."


@pytest.mark.parametrize("page", [p for p in PAGES if _truth()[p]])
def test_every_page_with_endpoints_yields_a_plan(page: str) -> None:
    """A page that documents endpoints plans (here for its first endpoint), never 'no operations'."""
    facts = apiplan.load_facts([corpus(page)])
    first = facts.operations[0]
    bp = apiplan.plan(facts, goal=first.summary or first.key, operations=[first.key])
    assert [e.operation for e in bp.scope.endpoints] == [first.key]


def test_a_sections_own_request_sample_is_its_endpoint(tmp_path: Path) -> None:
    """A query-string sample under a heading that defines nothing else is that section's
    endpoint, not an example of a neighbour whose template it happens to fit."""
    md = """# Acme feeds

## Get entry

Request:

    GET /v1/entries/{entryID}

## Get entry IDs

Request:

    GET /v1/entries/ids?status=unread
"""
    assert keys(tmp_path, "ids.md", md) == ["GET /v1/entries/{entryID}", "GET /v1/entries/ids"]


def test_a_huge_one_line_page_is_read_in_bounded_time(tmp_path: Path) -> None:
    """A 1 MB paragraph (a broken or hostile page) is read only in its beginning, and says so
    (its time is measured in benchmarks/bounded.py)."""
    words = "GET /api/v1/x rate limit 100 requests per minute following endpoint: all endpoints "
    page = tmp_path / "oneline.md"
    page.write_text("# T\n\n" + (words * (1_000_000 // len(words))) + "\n", encoding="utf-8")
    facts = apiplan.load_facts([page])
    assert any(w.code == "block-truncated" for w in facts.warnings)
