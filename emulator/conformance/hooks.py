"""Schemathesis hooks for the emulator's conformance run (.ci/suites/35-conformance.sh).

The OpenAPI document is read from ../shared/narrative-api/ as it is; these hooks
change the loaded copy in memory, in exactly the two places where the contract
(../shared/narrative-api/README.md) says the document is incomplete. Nothing
else is relaxed, and each change is checked to apply, so a new version of the
document that no longer needs one fails the run instead of hiding a change.
"""

import schemathesis

# Response schemas of a key. The document marks `expires_at` a required string,
# but keys without an expiration exist: the contract says to read a missing or
# null value as "never expires", and the emulator sends null.
KEY_SCHEMAS = ("AccessTokenWithoutCredentials", "tokens_AccessToken")

# The contract: "401 means a missing, wrong, expired or under-privileged key".
# The document has security on every operation but names no 401 response.
UNAUTHORIZED = {
    "description": "A missing, wrong, expired or revoked API key (the contract's README)",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}

METHODS = ("get", "put", "post", "delete", "patch", "head", "options")


@schemathesis.hook
def before_load_schema(context, raw_schema):
    schemas = raw_schema["components"]["schemas"]
    for name in KEY_SCHEMAS:
        expires_at = schemas[name]["properties"]["expires_at"]
        if expires_at.get("type") != "string":
            raise RuntimeError(f"{name}.expires_at is no longer a plain string; review emulator/conformance/hooks.py")
        expires_at["type"] = ["string", "null"]
    for path, item in raw_schema["paths"].items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            if "401" in operation["responses"]:
                raise RuntimeError(f"{method.upper()} {path} now documents 401; review emulator/conformance/hooks.py")
            operation["responses"]["401"] = UNAUTHORIZED
