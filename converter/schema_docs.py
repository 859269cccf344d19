"""Generate docs/data-model.md (every resource and field, zh/en) from the JSON Schemas."""

from __future__ import annotations

from pathlib import Path

from converter import registry

DOC_PATH = Path(__file__).resolve().parent.parent / "docs" / "data-model.md"


def _type(prop: dict) -> str:
    if registry.is_decimal(prop):
        return "decimal text"
    kinds = prop.get("type", "string")
    kinds = [k for k in (kinds if isinstance(kinds, list) else [kinds]) if k != "null"]
    return "/".join(kinds)


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render() -> str:
    """The Markdown text of the data model."""
    lines = [
        "# Data model · 数据模型 (schemas v1)",
        "",
        "Generated from `schemas/*.json` by `python -m converter.schema_docs`; do not edit by hand.",
        "由 `schemas/*.json` 自动生成，请勿手工修改。",
        "",
    ]
    for resource in registry.resource_names():
        schema = registry.schema(resource)
        required = set(schema.get("required", []))
        lines += [
            f"## `{resource}` · {schema['title']}",
            "",
            schema["description"],
            "",
            f"Primary key: `{', '.join(registry.primary_key(resource))}`. JSON Schema: `schemas/{resource}.json`.",
            "",
            "| field | 中文 | type | required | description |",
            "|---|---|---|---|---|",
        ]
        for name, prop in schema["properties"].items():
            extra = []
            if "enum" in prop:
                extra.append("one of " + ", ".join(f"`{v}`" for v in prop["enum"] if v is not None))
            if "pattern" in prop and not registry.is_decimal(prop):
                extra.append(f"pattern `{prop['pattern']}`")
            description = " ".join([prop.get("description", "")] + extra)
            lines.append(f"| `{name}` | {_cell(prop.get('title', ''))} | {_type(prop)} | "
                         f"{'yes' if name in required else ''} | {_cell(description)} |")
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    DOC_PATH.parent.mkdir(exist_ok=True)
    DOC_PATH.write_text(render(), encoding="utf-8")
    print(DOC_PATH)


if __name__ == "__main__":
    main()
