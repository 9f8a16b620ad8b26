"""The one resolver of Epoch AI's ``model_versions.csv`` (epoch-research/benchmark-stitching).

Every importer that meets a model *version* id (Epoch's runs, its MMLU
collection, the GPAI aggregation, the SWE-bench leaderboard tags) resolves it
here, with the same rules, in this order:

1. the id exactly, then the id without its effort suffix (``o3-2025-04-16_high``);
2. case-insensitively, when every row found names one Epoch model;
3. the id's effort variants (``claude-sonnet-4-5-20250929_59K`` for
   ``claude-sonnet-4-5-20250929``), when they name one Epoch model;
4. for leaderboard tags only (:meth:`EpochVersions.find_tag`): other
   spellings of the tag (dates with or without dashes, Claude's two name
   orders) and, last, the tag without its date when Epoch's release date agrees.

A version resolves to Epoch's *model entity* (``Model`` column) and carries
the version's own release date; which of our rows it lands on (the line's
first release or a later version row) is decided by ``model_aliases.csv``,
where the version-to-row decisions are recorded with their reasons.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from tracker.ingest.importers.common import first_url, model_id_for, read_rows, slugify, split_effort

_TAG_DATE = re.compile(r"-(?P<y>20\d\d)-?(?P<m>[01]\d)-?(?P<d>[0-3]\d)$")
_CLAUDE_NUM_FIRST = re.compile(r"^claude-(?P<num>\d+(?:[.-]\d+)?)-(?P<kind>opus|sonnet|haiku)(?P<rest>-.*)?$")
_CLAUDE_KIND_FIRST = re.compile(r"^claude-(?P<kind>opus|sonnet|haiku)-(?P<num>\d+(?:[.-]\d)?)(?P<rest>-.*)?$")


@dataclass(frozen=True)
class Resolution:
    """Where a version id leads: the Epoch model's id here, its name, the effort, and why."""

    model_id: str
    name: str
    effort: str
    model_version: str  # the version id without the effort suffix
    reason: str
    epoch_model: str  # Epoch models-database name ("" when the version has none)
    version_release_date: str
    version_link: str


def tag_date(tag: str) -> str:
    """``gpt-4o-2024-11-20`` / ``claude-opus-4-5-20251101`` -> the ISO date in the id ("" when none)."""
    m = _TAG_DATE.search(split_effort(tag.strip())[0])
    return f"{m['y']}-{m['m']}-{m['d']}" if m else ""


def tag_variants(tag: str) -> list[str]:
    """The tag, with its date with/without dashes, and Claude's spellings and name orders."""
    out = [tag]
    if tag.startswith("claude-") and "." in tag:  # claude-3.5-sonnet-... -> claude-3-5-sonnet-...
        out.append(tag.replace(".", "-"))
    for v in list(out):
        if m := _TAG_DATE.search(v):
            stem = v[: m.start()]
            out += [f"{stem}-{m['y']}{m['m']}{m['d']}", f"{stem}-{m['y']}-{m['m']}-{m['d']}"]
    for v in list(out):
        if m2 := _CLAUDE_NUM_FIRST.match(v):
            out.append(f"claude-{m2['kind']}-{m2['num']}{m2['rest'] or ''}")
        elif m2 := _CLAUDE_KIND_FIRST.match(v):
            out.append(f"claude-{m2['num']}-{m2['kind']}{m2['rest'] or ''}")
    return list(dict.fromkeys(out))


class EpochVersions:
    """Epoch AI's model versions, read once; lookups by version id or leaderboard tag."""

    def __init__(self, model_versions_csv: str | Path):
        self.path = Path(model_versions_csv)
        self.rows = [r for r in read_rows(model_versions_csv) if r.get("id", "").strip()]
        self.versions: dict[str, dict[str, str]] = {}
        self._lower: dict[str, list[dict[str, str]]] = {}
        self._base: dict[str, list[dict[str, str]]] = {}
        self._base_lower: dict[str, list[dict[str, str]]] = {}
        self._undated: dict[str, list[dict[str, str]]] = {}
        for row in self.rows:
            vid = row["id"].strip()
            base = split_effort(vid)[0]
            self.versions[vid] = row
            self._lower.setdefault(vid.lower(), []).append(row)
            self._base.setdefault(base, []).append(row)
            self._base_lower.setdefault(base.lower(), []).append(row)
            self._undated.setdefault(_TAG_DATE.sub("", base.lower()), []).append(row)

    @staticmethod
    def _entity(row: dict[str, str]) -> str:
        return row["Model"].strip() or row.get("Unique display name", "").strip() or row["id"].strip()

    def _one_model(self, rows: list[dict[str, str]]) -> dict[str, str] | None:
        """The row for several version ids, if they all name one entity (earliest release date)."""
        if len({self._entity(r) for r in rows}) != 1:
            return None
        dates = sorted(r["Version release date"] for r in rows if r["Version release date"].strip())
        best = dict(rows[0])
        best["Version release date"] = dates[0] if dates else ""
        return best

    def lookup(self, version_id: str) -> tuple[dict[str, str] | None, str, str, str]:
        """(model_versions row or None, version without effort, effort, how it was found): rules 1-3."""
        vid = version_id.strip()
        base, effort = split_effort(vid)
        for key in (vid, base):
            if key in self.versions:
                return self.versions[key], base, effort, "exact"
        for key in (vid, base):
            rows = self._lower.get(key.lower(), [])
            row = self._one_model(rows) if rows else None
            if row is not None:
                return row, base, effort, "case-insensitive"
        rows = self._base.get(base, [])
        row = self._one_model(rows) if rows else None
        if row is not None:
            return row, base, effort, "effort variants"
        return None, base, effort, ""

    def resolve(self, version_id: str) -> Resolution | None:
        """The Epoch model a version id belongs to (rules 1-3), or None."""
        row, base, effort, how = self.lookup(version_id)
        if row is None:
            return None
        vid = row["id"].strip()
        found = f"version id {vid!r}" if how == "exact" else f"version id {vid!r} ({how} match)"
        date, link = row["Version release date"].strip(), first_url(row.get("Link", ""))
        model = row["Model"].strip()
        if model:
            return Resolution(
                model_id_for(model),
                model,
                effort,
                base,
                f"model_versions.csv maps {found} to Epoch model {model!r}",
                model,
                date,
                link,
            )
        display = row.get("Unique display name", "").strip() or row.get("Display name", "").strip()
        return Resolution(
            slugify(display or vid),
            display or vid,
            effort,
            base,
            f"model_versions.csv lists {found} with no Epoch model; id from "
            + ("its display name" if display else "the version id"),
            "",
            date,
            link,
        )

    def find_tag(self, tag: str) -> tuple[list[dict[str, str]], str]:
        """Rows of Epoch versions matching a leaderboard tag (rules 1-4), and how.

        Every spelling is tried, so a tag whose spellings reach versions of two
        different Epoch models is caught by the caller.
        """
        t = tag.lower()
        found: dict[str, dict[str, str]] = {}
        notes: list[str] = []
        for variant in tag_variants(t):
            for index, how in ((self._lower, "id"), (self._base_lower, "id without effort suffix")):
                for row in index.get(variant, []):
                    if row["id"] not in found:
                        found[row["id"]] = row
                        note = how if variant == t else f"{how}, spelled {variant}"
                        if note not in notes:
                            notes.append(note)
        if found:
            return list(found.values()), "; ".join(notes)
        # Date-less match: "claude-sonnet-4-5" -> claude-sonnet-4-5-20250929,
        # "gpt-5.1-2025-11-13" -> gpt-5.1 (only if Epoch's date agrees).
        date = tag_date(t)
        for variant in tag_variants(_TAG_DATE.sub("", t)):
            rows = self._undated.get(variant, [])
            if date:
                rows = [r for r in rows if (r.get("Version release date") or "").strip() == date]
            if rows:
                return rows, "id without date" + (f" (release date {date} agrees)" if date else "")
        return [], ""


#: The name the Epoch importers used before the resolvers were merged.
VersionResolver = EpochVersions
