"""Two apps' API schemas with the same class name both appear, each with its own shape."""

from ninja import Schema


def _project_schemas():
    stack = list(Schema.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.startswith("gongzhi."):
            yield cls


def test_schemas_sharing_a_class_name_are_published_separately_per_app():
    from gongzhi.api import api

    components = api.get_openapi_schema()["components"]["schemas"]
    assert {"councils.AnswerIn", "party.AnswerIn"} <= set(components)
    assert components["councils.AnswerIn"]["properties"] != components["party.AnswerIn"]["properties"]


def test_no_project_schema_is_published_under_its_bare_class_name():
    from gongzhi.api import api

    components = set(api.get_openapi_schema()["components"]["schemas"])
    bare = {cls.__name__ for cls in _project_schemas()}
    assert sorted(components & bare) == []
