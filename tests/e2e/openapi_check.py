# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks recorded HTTP exchanges against docs/openapi.yaml: the route and method are
documented, the status is documented for the operation, the Content-Type is one the operation
declares, and a JSON body validates against the declared schema (OpenAPI 3.1: JSON Schema
2020-12, with the spec's local $refs resolved)."""

import json
import re

import jsonschema
import yaml

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class Spec:
    def __init__(self, path):
        with open(path) as f:
            self.doc = yaml.safe_load(f)
        self.operations = []  # (method, template, compiled regex, operation)
        for template, item in self.doc["paths"].items():
            regex = re.compile("^" + re.sub(r"\{[^}/]+\}", "[^/]+", template) + "$")
            for method, op in item.items():
                if method in METHODS:
                    self.operations.append((method.upper(), template, regex, op))
        # The error codes the Error schema lists ("bad_request, unauthorized, ...").
        code = self.doc["components"]["schemas"]["Error"]["properties"]["error"]["properties"][
            "code"]
        self.error_codes = set(re.findall(r"[a-z_]+", code.get("description", "")))

    def resolve(self, node, depth=0):
        """`node` with every local {"$ref": "#/..."} replaced by its target, recursively."""
        assert depth < 50, "$ref cycle"
        if isinstance(node, dict):
            if "$ref" in node:
                ref = node["$ref"]
                assert ref.startswith("#/"), f"only local $refs are supported: {ref}"
                target = self.doc
                for part in ref[2:].split("/"):
                    target = target[part.replace("~1", "/").replace("~0", "~")]
                rest = {k: v for k, v in node.items() if k != "$ref"}
                resolved = self.resolve(target, depth + 1)
                if rest:  # 3.1 allows siblings of $ref
                    return {"allOf": [resolved, self.resolve(rest, depth + 1)]}
                return resolved
            return {k: self.resolve(v, depth + 1) for k, v in node.items()}
        if isinstance(node, list):
            return [self.resolve(v, depth + 1) for v in node]
        return node

    def match(self, method, path):
        """(template, operation) for a request, or (template, None) when the path is documented
        but not the method, or (None, None)."""
        found = None
        path = path.split("?", 1)[0]  # templates name paths; a query string is not part of one
        for m, template, regex, op in self.operations:
            if regex.match(path):
                if m == method:
                    return template, op
                found = template
        return found, None

    def documented_statuses(self, op):
        return set(op.get("responses", {}))

    def response_for(self, op, status):
        responses = op.get("responses", {})
        for key in (str(status), f"{str(status)[0]}XX", "default"):
            if key in responses:
                return key, self.resolve(responses[key])
        return None, None

    def check(self, ex):
        """Problems with one exchange: a list of strings (empty when it conforms)."""
        where = f"{ex['method']} {ex['path']} -> {ex['status']}"
        template, op = self.match(ex["method"], ex["path"])
        if op is None:
            if template is None:
                return [f"{where}: the path is not in the spec"]
            return [f"{where}: {ex['method']} is not documented for {template}"]
        key, response = self.response_for(op, ex["status"])
        if response is None:
            return [f"{where}: status {ex['status']} is not documented for {ex['method']} "
                    f"{template} (documented: {sorted(op.get('responses', {}))})"]
        content = response.get("content")
        body = ex["body"]
        if not content:
            return [] if not body else [f"{where}: documented without a body, got {body[:100]!r}"]
        ctype = ex["headers"].get("content-type", "").split(";")[0].strip().lower()
        media = None
        for name in content:
            if name == ctype or (name.endswith("/*") and ctype.startswith(name[:-1])):
                media = name
                break
        if media is None:
            return [f"{where}: Content-Type {ctype!r} is not one of {sorted(content)}"]
        schema = content[media].get("schema")
        if media == "application/json" or media.endswith("+json"):
            try:
                value = json.loads(body.decode("utf-8"))
            except ValueError as e:
                return [f"{where}: the body is not JSON ({e}): {body[:100]!r}"]
            if schema is None:
                return []
            validator = jsonschema.Draft202012Validator(
                schema, format_checker=jsonschema.FormatChecker())
            problems = [
                f"{where}: {'/'.join(map(str, err.absolute_path)) or '(root)'}: {err.message}"
                for err in validator.iter_errors(value)][:5]
            error = value.get("error") if isinstance(value, dict) else None
            if isinstance(error, dict) and error.get("code") not in self.error_codes:
                problems.append(f"{where}: error code {error.get('code')!r} is not one the Error "
                                "schema lists")
            return problems
        if media == "image/png" and not body.startswith(PNG_SIGNATURE):
            return [f"{where}: the body is not a PNG"]
        if media.startswith("text/"):
            try:
                body.decode("utf-8")
            except UnicodeDecodeError:
                return [f"{where}: the text body is not UTF-8"]
        return []
