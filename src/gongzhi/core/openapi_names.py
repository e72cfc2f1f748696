"""OpenAPI component names qualified by app, so two apps' schemas with one class name stay distinct.

django-ninja gathers the `$defs` of every operation into one `components.schemas`, keyed by the
name pydantic gives each definition — the bare class name whenever it is unique inside one
operation. `councils.api.AnswerIn` and `party.schemas.AnswerIn` would then overwrite each other and
the published schema of one operation would be wrong. `use_app_qualified_names()` (called by
`gongzhi.api`) makes every project schema `<app>.<Class>` (e.g. `party.AnswerIn`), generics too
(`PageOut_cases.CaseOut_`).
"""

import re

from ninja.openapi import schema as ninja_openapi
from ninja.schema import NinjaGenerateJsonSchema
from pydantic.json_schema import DefsRef

_COMPONENTS = re.compile(r"([\][,])")
_MODULE_PREFIX = re.compile(r"(?:[^.[\]]+\.)+((?:[^.[\]]+))")
_UNSAFE = re.compile(r"[^a-zA-Z0-9.\-_]")  # what an OpenAPI component name may hold
_MODE_TITLE = {"validation": "Input", "serialization": "Output"}


def _qualified(component: str) -> str:
    component = component.rsplit(":", 1)[0]  # pydantic appends the type's id
    if component.startswith("gongzhi."):
        bits = component.split(".")
        return f"{bits[1]}.{bits[-1]}"
    return _MODULE_PREFIX.sub(r"\1", component)


class AppQualifiedJsonSchema(NinjaGenerateJsonSchema):
    def get_defs_ref(self, core_mode_ref):
        defs_ref = super().get_defs_ref(core_mode_ref)
        core_ref, mode = core_mode_ref
        if "gongzhi." in core_ref:
            name = DefsRef(_UNSAFE.sub("_", "".join(_qualified(c) for c in _COMPONENTS.split(core_ref))))
            choices = self._prioritized_defsref_choices[defs_ref]
            self._prioritized_defsref_choices[defs_ref] = [
                name,
                DefsRef(f"{name}-{_MODE_TITLE[mode]}"),
                *choices,
            ]
        return defs_ref


def use_app_qualified_names() -> None:
    ninja_openapi.NinjaGenerateJsonSchema = AppQualifiedJsonSchema
