"""Where tracker finds its data and its ledger, wherever it is installed.

The curated data ship inside the package (``tracker/_datasets``, a link to the
repository's ``datasets/`` that the wheel turns into files), so a clean
install is a working install. A command looks for a data folder in this
order and takes the first it finds:

1. ``--data DIR`` (``data=`` in the Python API);
2. ``$TRACKER_DATA``;
3. the current project: ``datasets/`` (with a ``datapackage.json``) in the
   current folder or one of its parents;
4. the copy shipped with tracker: read only. ``tracker add`` and ``tracker
   import`` refuse it and say how to make a working copy
   (``tracker data init DIR``).

The ledger (saved forecasts) is found the same way: ``--ledger-dir`` (or
``--dir``), ``$TRACKER_FORECASTS``, then ``forecasts/`` beside the data
folder found above; beside the shipped data that is the ledger shipped with
tracker, read only too.

Example::

    >>> from tracker.data.location import find
    >>> find().origin in ("--data", "$TRACKER_DATA", "project", "shipped")
    True
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from tracker.errors import UsageError

DATAPACKAGE = "datapackage.json"
PACKAGE_DIR = Path(__file__).resolve().parents[1]
#: The data and the ledger shipped inside the package.
SHIPPED_DATA = PACKAGE_DIR / "_datasets"
SHIPPED_LEDGER = PACKAGE_DIR / "_forecasts"
ORIGINS = ("--data", "$TRACKER_DATA", "project", "shipped")
INIT_HINT = "make a working copy with: tracker data init DIR (then run tracker from DIR, or pass --data DIR/datasets)"


@dataclass(frozen=True)
class Location:
    """A data or ledger folder and how it was found (``origin``: one of ``ORIGINS``)."""

    path: Path
    origin: str

    @property
    def read_only(self) -> bool:
        """The copy shipped with tracker: read it, never write it."""
        return self.origin == "shipped"


def _project_data(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        candidate = folder / "datasets"
        if (candidate / DATAPACKAGE).is_file():
            return candidate
    return None


def find(data: str | os.PathLike | None = None) -> Location:
    """The data folder to use (see the module docstring for the order)."""
    if data is not None and str(data) != "":
        return Location(Path(data), "--data")
    env = os.environ.get("TRACKER_DATA")
    if env:
        return Location(Path(env), "$TRACKER_DATA")
    try:
        here = Path.cwd()
    except OSError:  # the current folder was deleted
        here = None
    found = _project_data(here) if here is not None else None
    if found is not None:
        return Location(found, "project")
    if (SHIPPED_DATA / DATAPACKAGE).is_file():
        return Location(SHIPPED_DATA, "shipped")
    raise UsageError(
        "no data found: this installation of tracker ships no datasets/ and none was given; "
        "pass --data DIR or set TRACKER_DATA to a tracker datasets/ folder"
    )


def writable(data: str | os.PathLike | None = None, *, action: str = "change the data") -> Path:
    """The data folder for a write; refuses the shipped copy with the way out."""
    loc = find(data)
    if loc.read_only:
        raise UsageError(f"cannot {action}: the data shipped with tracker ({loc.path}) are read only; {INIT_HINT}")
    return loc.path


def ledger(folder: str | os.PathLike | None = None, data: str | os.PathLike | None = None) -> Location:
    """The ledger folder: ``folder``, ``$TRACKER_FORECASTS``, or ``forecasts/`` beside the data folder."""
    if folder is not None and str(folder) != "":
        return Location(Path(folder), "--ledger-dir")
    env = os.environ.get("TRACKER_FORECASTS")
    if env:
        return Location(Path(env), "$TRACKER_FORECASTS")
    loc = find(data)
    if loc.read_only:
        return Location(SHIPPED_LEDGER, "shipped")
    return Location(loc.path.resolve().parent / "forecasts", loc.origin)


def init(dest: str | os.PathLike) -> tuple[Path, Path]:
    """Copy the shipped data (and ledger) into ``dest/datasets`` and ``dest/forecasts``: a working copy.

    Refuses a ``dest`` that already holds a ``datasets/`` folder: nothing is
    ever overwritten. Returns the two folders.
    """
    if not str(dest).strip():
        raise UsageError("give the folder to make the working copy in, e.g. tracker data init my-tracker")
    dest = Path(dest)
    data, led = dest / "datasets", dest / "forecasts"
    if data.exists():
        raise UsageError(f"{data} already exists; nothing copied (choose another folder, or use it with --data {data})")
    if not (SHIPPED_DATA / DATAPACKAGE).is_file():
        raise UsageError("this installation of tracker ships no datasets/ to copy")
    if led.exists() and not led.is_dir():
        raise UsageError(f"{led} exists and is not a folder; nothing copied (move it, or choose another folder)")
    try:
        dest.mkdir(parents=True, exist_ok=True)
        tmp = dest / ".datasets.init.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        for src in sorted(SHIPPED_DATA.iterdir()):
            if src.is_file() and src.suffix in (".csv", ".json"):
                shutil.copyfile(src, tmp / src.name)
        led.mkdir(exist_ok=True)  # before the data appear: a failure here leaves no half-made copy
        os.replace(tmp, data)  # the folder appears whole or not at all
        if SHIPPED_LEDGER.is_dir():
            for src in sorted(SHIPPED_LEDGER.glob("*.json")):
                if not (led / src.name).exists():
                    shutil.copyfile(src, led / src.name)
    except OSError as exc:
        shutil.rmtree(dest / ".datasets.init.tmp", ignore_errors=True)
        raise UsageError(f"cannot create a working copy in {dest}: {exc.strerror or exc}") from None
    return data, led
