"""The OpenAPI document describes every route the app serves, and nothing else."""

from __future__ import annotations

import re

from flask import Flask


def test_every_route_is_in_the_openapi_document_with_its_methods(app: Flask) -> None:
    document = app.test_client().get("/openapi.json").get_json()
    described = {
        (path, method.upper())
        for path, operations in document["paths"].items()
        for method in operations
        if method in {"get", "post", "put", "patch", "delete"}
    }
    served = {
        (re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule), method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in rule.methods or ()
        if method not in {"HEAD", "OPTIONS"}
    }
    assert len(served) > 10
    assert served - described == set(), "routes the document does not describe"
    assert described - served == set(), "the document describes routes that do not exist"
