"""The OpenAPI document of a real `tradewatch serve`: valid OpenAPI 3.1, naming every route the
server answers, with examples that match their schemas, and rendered whole at /docs.

The server is the binary named by TRADEWATCH_BIN, started on a free port with a fresh data
directory (see `Server` in test_influx_clients.py).
"""

import json
import urllib.error
import urllib.request
from html.parser import HTMLParser

import pytest
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate

from test_influx_clients import Server

TABLES = ["metrics", "trades", "quotes", "candles", "executions", "performance", "logs"]
HISTORY_TABLES = ["metrics", "trades", "quotes", "executions", "performance", "logs"]

# Every route of the server, as (method, path in OpenAPI's template syntax).
ROUTES = {
    ("get", "/health"), ("get", "/ready"), ("get", "/metrics"),
    ("post", "/write"), ("post", "/api/v2/write"),
    ("get", "/ping"), ("head", "/ping"), ("get", "/api/v2/ping"), ("head", "/api/v2/ping"),
    ("get", "/query"), ("post", "/query"),
    *{("post", f"/api/v1/{table}") for table in TABLES},
    *{("get", f"/api/v1/{table}") for table in HISTORY_TABLES},
    ("get", "/api/v1/metrics/latest"), ("get", "/api/v1/trades/latest"), ("get", "/api/v1/metrics/aggregate"),
    ("get", "/api/v1/candles"), ("get", "/api/v1/executions/quality"),
    ("post", "/api/v1/query"), ("get", "/api/v1/queries"), ("delete", "/api/v1/queries/{id}"),
    ("get", "/api/v1/stream"),
    ("post", "/api/v1/admin/archive"), ("get", "/api/v1/admin/archive"), ("post", "/api/v1/admin/backup"),
    ("get", "/openapi.json"), ("get", "/docs"),
}

# Routes that exist since ingestion landed: the server must answer them.
SERVED_NOW = {
    ("get", "/health"), ("get", "/ready"), ("get", "/metrics"), ("post", "/write"), ("post", "/api/v2/write"),
    ("get", "/ping"), ("head", "/ping"), ("get", "/api/v2/ping"), ("head", "/api/v2/ping"),
    ("get", "/query"), ("post", "/query"), *{("post", f"/api/v1/{table}") for table in TABLES},
    ("get", "/openapi.json"), ("get", "/docs"),
}

METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = Server(tmp_path_factory.mktemp("openapi"))
    try:
        yield running
    finally:
        running.kill_if_running()


def fetch(url, method="GET", body=None, content_type=None):
    """(status, headers, body bytes) of one request, errors included."""
    request = urllib.request.Request(url, method=method, data=body)
    if content_type:
        request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.fixture(scope="module")
def document(server):
    status, headers, body = fetch(server.url + "/openapi.json")
    assert status == 200
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(body)


def documented_routes(document):
    return {(method, path) for path, item in document["paths"].items() for method in item if method in METHODS}


def test_the_document_is_valid_openapi_3_1(document):
    assert document["openapi"].startswith("3.1.")
    validate(document)  # raises on any violation of the OpenAPI 3.1 schema or a dangling $ref


def test_every_route_of_the_server_is_documented(server, document):
    assert documented_routes(document) == ROUTES
    answered = set()
    for method, path in sorted(ROUTES):
        url = server.url + path.replace("{id}", "no-such-query")
        # Bodies that are refused (or, for an empty line-protocol body, store nothing).
        body = b"{}" if method == "post" and path.startswith("/api/v1/") else (b"" if method == "post" else None)
        status, _, content = fetch(url, method=method.upper(), body=body,
                                   content_type="application/json" if body else None)
        # The router answers a path it does not know with an empty 404; handlers' 404s have a body.
        if not (status == 404 and content == b""):
            answered.add((method, path))
    assert SERVED_NOW <= answered, sorted(SERVED_NOW - answered)
    assert answered <= documented_routes(document)


def test_every_operation_is_described(document):
    operation_ids = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            assert operation["summary"], (method, path)
            assert operation["responses"], (method, path)
            operation_ids.append(operation["operationId"])
            # Query endpoints (not the admin, query-listing and stream endpoints) share these.
            if path.startswith("/api/v1/") and method == "get" and not path.startswith("/api/v1/queries") \
                    and not path.startswith("/api/v1/admin/") and path != "/api/v1/stream":
                names = {parameter.get("$ref", "").rsplit("/", 1)[-1] for parameter in operation.get("parameters", [])}
                assert {"min_commit", "format"} <= names, (method, path)
                assert "504" in operation["responses"] and "400" in operation["responses"], (method, path)
    assert len(operation_ids) == len(set(operation_ids))
    for name in ["Problem", "InfluxError"]:
        assert name in document["components"]["schemas"]
    problem = document["components"]["schemas"]["Problem"]["properties"]
    assert {"type", "title", "status", "detail", "correlation_id"} <= set(problem)
    for table in TABLES:
        item = document["paths"][f"/api/v1/{table}"]["post"]["requestBody"]["content"]["application/json"]["schema"]
        assert item["required"] == [table]


def examples(document):
    """Every media-type example with its schema, and every schema's own examples."""
    for path, item in document["paths"].items():
        for method, operation in item.items():
            bodies = [("request", operation.get("requestBody", {}))]
            bodies += [(status, response) for status, response in operation["responses"].items()]
            for where, body in bodies:
                for media_type, media in body.get("content", {}).items():
                    if "example" in media and "json" in media_type:
                        yield f"{method} {path} {where} {media_type}", media["schema"], media["example"]
    for kind in ["responses"]:
        for name, response in document["components"][kind].items():
            for media_type, media in response.get("content", {}).items():
                if "example" in media:
                    yield f"components {name}", media["schema"], media["example"]
    for name, schema in document["components"]["schemas"].items():
        for example in schema.get("examples", []):
            yield f"schema {name}", schema, example


def test_examples_match_their_schemas(document):
    checked = 0
    for where, schema, example in examples(document):
        # $refs point into the document's components: give the schema them as its root.
        rooted = {**schema, "components": document["components"]}
        errors = list(OAS31Validator(rooted).iter_errors(example))
        assert not errors, f"{where}: {errors[0].message}"
        checked += 1
    assert checked >= 30


class PageParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.links, self.tags, self.text = set(), [], [], []

    def handle_starttag(self, tag, attributes):
        attributes = dict(attributes)
        self.tags.append(tag)
        if "id" in attributes:
            self.ids.add(attributes["id"])
        for name in ("href", "src"):
            if name in attributes:
                self.links.append(attributes[name])

    def handle_data(self, data):
        self.text.append(data)


def test_docs_page_renders_every_operation_from_the_document(server, document):
    status, headers, body = fetch(server.url + "/docs")
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    page = body.decode("utf-8")
    assert page.startswith("<!doctype html>")
    parser = PageParser()
    parser.feed(page)
    text = "".join(parser.text)
    for path, item in document["paths"].items():
        assert path in text, path
        for method, operation in item.items():
            assert f"{method.upper()} {path}" in text, (method, path)
            assert operation["operationId"] in parser.ids, operation["operationId"]
            assert operation["summary"].replace("`", "") in text, operation["summary"]
    for name in document["components"]["schemas"]:
        assert name in text
    # Parameters, bodies, responses and examples appear; nothing is loaded from elsewhere.
    assert {"table", "pre", "h4", "code"} <= set(parser.tags)
    for heading in ["Parameters", "Request body", "Responses", "Example"]:
        assert heading in text
    assert "script" not in parser.tags
    for link in parser.links:
        assert link.startswith("#") or link == "/openapi.json", link
        if link.startswith("#"):
            assert link[1:] in parser.ids, f"dangling link {link}"
