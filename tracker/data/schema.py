"""The Table Schema of ``datasets/datapackage.json``, as typed Python objects.

The data package is the single description of the curated tables: field
names and order, types, required fields, enums, keys. Loading, validation,
the DuckDB store and the writers all read it from here, so the schema cannot
drift from the code that enforces it.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from tracker.data.location import find
from tracker.errors import DataError, UsageError

DATAPACKAGE = "datapackage.json"
TABLES = ("benchmarks", "models", "scores", "model_aliases")
#: Tables a data folder may declare in its datapackage.json (checked when declared).
OPTIONAL_TABLES = ("settings",)


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # string | number | integer | date | boolean
    required: bool = False
    unique: bool = False
    enum: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: float | None = None
    pattern: str | None = None
    format: str | None = None
    description: str = ""


@dataclass(frozen=True)
class Resource:
    name: str
    path: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[tuple[str, str, str], ...]  # (field, resource, field)

    @property
    def columns(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)


def _field(d: dict) -> Field:
    c = d.get("constraints", {})
    enum = c.get("enum")
    excl = c.get("exclusiveMinimum")
    if excl is True:  # JSON Schema draft-4 spelling: minimum is exclusive
        excl = c.get("minimum")
    return Field(
        name=d["name"],
        type=d.get("type", "string"),
        required=bool(c.get("required", False)),
        unique=bool(c.get("unique", False)),
        enum=tuple(enum) if enum else None,
        minimum=c.get("minimum"),
        maximum=c.get("maximum"),
        exclusive_minimum=excl,
        pattern=c.get("pattern"),
        format=d.get("format"),
        description=d.get("description", ""),
    )


@dataclass(frozen=True)
class Package:
    root: Path
    resources: dict[str, Resource]

    def path(self, table: str) -> Path:
        return self.root / self.resources[table].path


@lru_cache(maxsize=8)
def _load(root: str, mtime_ns: int) -> Package:
    path = Path(root) / DATAPACKAGE
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DataError(f"{path}:{exc.lineno}: JSON syntax error ({exc.msg}); fix the file") from None
    except RecursionError:
        raise DataError(f"{path}: JSON nested too deeply to be a data package; fix the file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"{path}: cannot be read ({getattr(exc, 'strerror', None) or exc}); check the file") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("resources"), list):
        raise DataError(
            f"{path}:1: resources: missing or not a list; restore the file from the project's datapackage.json"
        )
    try:
        return _package(root, path, doc)
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise DataError(
            f"{path}: a resource is malformed ({type(exc).__name__}: {exc}); "
            "restore the file from the project's datapackage.json"
        ) from None


def _package(root: str, path: Path, doc: dict) -> Package:
    resources = {}
    for r in doc.get("resources", []):
        s = r.get("schema", {})
        fks = []
        for fk in s.get("foreignKeys", []):
            ref = fk["reference"]
            # Table Schema: an empty resource name refers to the table itself
            fks.append((fk["fields"], ref["resource"] or r["name"], ref["fields"]))
        name, rpath = str(r["name"]), str(r["path"])
        if "/" in rpath or "\\" in rpath or not rpath.endswith(".csv") or rpath.startswith("."):
            raise ValueError(f"resource {name!r} has path {rpath!r}; a table is a .csv file inside the data folder")
        resources[name] = Resource(
            name=r["name"],
            path=r["path"],
            fields=tuple(_field(f) for f in s.get("fields", [])),
            primary_key=tuple(s.get("primaryKey", [])),
            foreign_keys=tuple(fks),
        )
    missing = [t for t in TABLES if t not in resources]
    if missing:
        raise DataError(
            f"{path}: resources {', '.join(missing)} are missing; restore them from the project's datapackage.json"
        )
    return Package(root=Path(root), resources=resources)


def load_package(root: str | os.PathLike) -> Package:
    """Read ``datapackage.json`` in ``root`` (cached while the file is unchanged)."""
    path = Path(root) / DATAPACKAGE
    if not path.is_file():
        raise UsageError(f"{path}: no datapackage.json here; point --data at a tracker datasets/ folder")
    return _load(str(Path(root)), path.stat().st_mtime_ns)


def default_data_dir() -> Path:
    """Where the curated data lives: $TRACKER_DATA, the project's datasets/, or the copy shipped with tracker.

    See :mod:`tracker.data.location` for the order and the read-only shipped copy.
    """
    return find().path
