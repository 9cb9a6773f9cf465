"""The draft application's fields, read from content/application.yml."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Mapping, Optional, Tuple

import yaml

from bot.config import DEFAULT_CONTENT_DIR

KINDS = ("text", "legal_form", "federal_state", "count", "year", "website", "yesno", "month_year")
SLOT_PREFIX = "d_"


@dataclass(frozen=True)
class FieldSpec:
    id: str
    label: str
    kind: str
    prompt: str
    only_if: Mapping[str, str] = field(default_factory=dict)
    example: str = ""  # an example answer, offered as help after two failed answers

    @property
    def slot(self) -> str:
        return SLOT_PREFIX + self.id

    def applies(self, values: Mapping[str, object]) -> bool:
        return all(values.get(other) == wanted for other, wanted in self.only_if.items())


@dataclass(frozen=True)
class ApplicationSchema:
    fields: Tuple[FieldSpec, ...]

    def by_id(self, field_id: str) -> Optional[FieldSpec]:
        return next((f for f in self.fields if f.id == field_id), None)

    def by_slot(self, slot: str) -> Optional[FieldSpec]:
        return next((f for f in self.fields if f.slot == slot), None)

    def required(self, values: Mapping[str, object]) -> List[FieldSpec]:
        return [f for f in self.fields if f.applies(values)]

    def missing(self, values: Mapping[str, object]) -> List[FieldSpec]:
        return [f for f in self.required(values) if values.get(f.id) in (None, "")]


def parse_schema(data: Dict) -> ApplicationSchema:
    specs = []
    for item in data["fields"]:
        spec = FieldSpec(
            item["id"],
            item["label"],
            item["kind"],
            item["prompt"],
            dict(item.get("only_if") or {}),
            str(item.get("example") or ""),
        )
        if not spec.example:
            raise ValueError(f"content/application.yml: {spec.id} needs an example (the help after failed answers)")
        if spec.kind not in KINDS:
            raise ValueError(f"content/application.yml: unknown kind {spec.kind!r} for {spec.id}")
        specs.append(spec)
    ids = [s.id for s in specs]
    if len(ids) != len(set(ids)):
        raise ValueError("content/application.yml: duplicate field id")
    for spec in specs:
        for other in spec.only_if:
            if other not in ids[: ids.index(spec.id)]:
                raise ValueError(f"content/application.yml: {spec.id} depends on {other}, which is not asked before it")
    return ApplicationSchema(tuple(specs))


@lru_cache(maxsize=4)
def load_schema(path: Optional[Path] = None) -> ApplicationSchema:
    path = path or DEFAULT_CONTENT_DIR / "application.yml"
    return parse_schema(yaml.safe_load(Path(path).read_text("utf-8")))
