"""The API's OpenAPI schema as the API really answers: every operation lists the errors it
can give, each in the one shape the API gives it, and a choice that may be stored blank
lists "" among its values.

drf-spectacular documents only the success of an operation. The errors come from places
it cannot see — sign-in (401), `programme_access` (403 for the wrong role, 404 for another
programme or a missing record or page), the serializers and `full_clean()` through
core.api's exception handler (400), a protected delete or a refused step (409) and the
If-Match check (412, added by core.concurrency.VersionedSchema) — so they are added here,
once, for every operation, instead of by hand on each view. A view answering an error
more than its methods imply names it in `api_error_statuses` (say, a GET refusing a bad
query with 400); one that declares a response itself keeps its own."""
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import serializers

# The body of every refusal that is not a validation error: DRF's {"detail": "..."}.
DETAIL_SCHEMA = {
    "type": "object",
    "properties": {"detail": {"type": "string", "description": "What was refused, in words"}},
    "required": ["detail"],
}
# A validation error (core.api): each field's messages under its name, the record's own
# under non_field_errors; a nested or list field's errors nest the same way, and a request
# that could not be read at all answers under "detail" (a string there, but a record may
# have a field called detail, whose messages are a list).
VALIDATION_SCHEMA = {
    "type": "object",
    "description": "Field name → its messages; errors of the whole record under non_field_errors.",
    "properties": {"non_field_errors": {"type": "array", "items": {"type": "string"}}},
    "additionalProperties": {},
}

ERRORS = {
    "400": ("ValidationError", VALIDATION_SCHEMA, "The request was refused: see each field's messages"),
    "401": ("ErrorDetail", DETAIL_SCHEMA, "Not signed in, or the token is unknown or has expired"),
    "403": ("ErrorDetail", DETAIL_SCHEMA, "Your role in this programme does not allow this"),
    "404": ("ErrorDetail", DETAIL_SCHEMA, "No such programme, record or page — or not one of yours"),
    "409": ("ErrorDetail", DETAIL_SCHEMA, "Refused as things stand: the record is in use or not in the right state"),
}
WRITES = {"POST", "PUT", "PATCH"}


def error_statuses(*, method: str, scoped: bool, extra=()) -> list[str]:
    """The error statuses an operation can answer: every one can be refused sign-in and
    find nothing (a missing record, or a page past the last); one under a programme or a
    record can be refused for the role; a write can be invalid; a delete can be refused
    while other records use the one deleted."""
    codes = {"401", "404", *(str(c) for c in extra)}
    if scoped:
        codes.add("403")
    if method in WRITES:
        codes.add("400")
    if method == "DELETE":
        codes.add("409")
    return sorted(codes)


class AutoSchema(SpectacularAutoSchema):
    """The project's schema class (REST_FRAMEWORK's DEFAULT_SCHEMA_CLASS)."""

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        responses = operation["responses"]
        extra = [*getattr(self.view, "api_error_statuses", ())]
        if self.method == "GET" and self._is_list_view() and getattr(self.view, "filter_backends", None):
            extra.append(400)  # a filter's or the ordering's bad value (core.filters)
        codes = error_statuses(method=self.method, scoped="{" in path, extra=extra)
        for code in codes:
            if code in responses:
                continue
            name, schema, description = ERRORS[code]
            component = ResolvedComponent(name=name, type=ResolvedComponent.SCHEMA, object=name, schema=schema)
            self.registry.register_on_missing(component)
            responses[code] = {"description": description,
                               "content": {"application/json": {"schema": component.ref}}}
        return operation

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if isinstance(field, serializers.ChoiceField) and "enum" in schema:
            schema.update(choice_schema(field))
        return schema


def choice_schema(field: serializers.ChoiceField) -> dict:
    """A choice's values as the field answers them, whatever schema an app gave it (several
    list choices inline, and wrote them as strings): an integer choice as integers, "" when
    it may be blank and null when it may be empty."""
    values = list(field.choices)
    if field.allow_blank and "" not in values:
        values.append("")
    shown = {type(v) for v in values if v != ""}
    schema = {"enum": values}
    if shown == {int}:
        schema["type"] = "integer"
    elif shown == {str}:
        schema["type"] = "string"
    if field.allow_null:
        schema["enum"] = [*values, None]
        schema["nullable"] = True
    return schema
