"""Evaluation instruments: the versioned files that say how an edition scores.

An instrument (``instruments/<key>-<version>.yaml`` shipped here, or any file) names the parts
a return is scored on with their weights (adding up to 1), the scale, and the dimension set
(``shipped`` for ``workflows/directory/data/dimensions.yaml``, or the dimensions listed inline
in that file's form). An edition (:mod:`workflows.evaluation.editions`) keeps a frozen copy of
the instrument it was created from -- :meth:`Instrument.frozen`, canonical JSON with its
SHA-256 -- so that editing the file, or the settings, later never changes how an earlier
edition's scores count.

Every problem is refused with one sentence naming the file and what is wrong
(``editions.error.instrument``), like a workflow definition at load.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml
from pydantic import ValidationError

from config.language import using
from config.messages import Message, text
from config.settings import Settings
from engine import InvalidInputError, Text
from workflows.directory.reference import DimensionSet, Label, load_dimensions
from workflows.evaluation import PARTS

SHIPPED = resources.files("workflows.evaluation") / "instruments"
#: The shipped instrument whose weights and scale are the settings' defaults.
DEFAULT_INSTRUMENT = "smart-city-2023"
FIELDS = ("key", "version", "title", "scale", "parts", "dimensions")
_KEY = re.compile(r"^[a-z][a-z0-9_-]{0,62}$")
#: Weights are decimals written by people (0.1 + 0.2 + ...): a sum this close to 1 is 1 (the
#: settings' own check allows as much).
_TOLERANCE = 1e-6


@dataclass(frozen=True)
class Instrument:
    """What an edition scores with: parts and weights, scale and dimensions."""

    key: str
    version: int
    title: Text
    weights: dict[str, float]  # in the order of PARTS; only the parts this instrument scores
    scale: tuple[float, float]
    dimensions: DimensionSet

    @property
    def parts(self) -> tuple[str, ...]:
        return tuple(self.weights)

    def frozen(self) -> str:
        """The canonical JSON an edition stores: dimensions inline, keys sorted."""
        return json.dumps({
            "key": self.key, "version": self.version,
            "title": self.title.model_dump(mode="json"),
            "scale": {"low": self.scale[0], "high": self.scale[1]},
            "parts": self.weights,
            "dimensions": [d.model_dump(mode="json", exclude_defaults=True)
                           for d in self.dimensions.dimensions],
        }, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    def sha256(self) -> str:
        return hashlib.sha256(self.frozen().encode("utf-8")).hexdigest()


def _problem(source: str, key: str, **params: object) -> InvalidInputError:
    return InvalidInputError("editions.error.instrument", source=source,
                             problem=Message(key, **params))


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _weights(source: str, given: object) -> dict[str, float]:
    if not isinstance(given, dict) or not given:
        raise _problem(source, "editions.problem.parts", known=", ".join(PARTS))
    for part in given:
        if part not in PARTS:
            raise _problem(source, "editions.problem.unknown_part", part=str(part),
                           known=", ".join(PARTS))
    weights: dict[str, float] = {}
    for part in PARTS:
        if part not in given:
            continue
        weight = _number(given[part])
        if weight is None or not 0 <= weight <= 1:
            raise _problem(source, "editions.problem.weight", part=part,
                           given=str(given[part]))
        weights[part] = weight
    total = math.fsum(weights.values())
    if abs(total - 1) > _TOLERANCE:
        raise _problem(source, "editions.problem.weights_sum", total=f"{total:g}",
                       weights=", ".join(f"{p}={w:g}" for p, w in weights.items()))
    return weights


def _scale(source: str, given: object) -> tuple[float, float]:
    low = high = None
    if isinstance(given, dict) and set(given) == {"low", "high"}:
        low, high = _number(given["low"]), _number(given["high"])
    if low is None or high is None or not low < high:
        raise _problem(source, "editions.problem.scale", given=json.dumps(given, default=str))
    return low, high


def _dimensions(source: str, given: object) -> DimensionSet:
    if given == "shipped":
        return load_dimensions(None)
    try:
        return DimensionSet.model_validate({"dimensions": given})
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise _problem(source, "editions.problem.dimensions",
                       reason=f"{where}: {first['msg']}") from None


def parse_instrument(raw: object, source: str) -> Instrument:
    """An instrument from parsed YAML or JSON, every field checked; ``source`` names it in
    the errors."""
    if not isinstance(raw, dict):
        raise _problem(source, "editions.problem.not_mapping", fields=", ".join(FIELDS))
    unknown = sorted(str(k) for k in raw if k not in FIELDS)
    if unknown:
        raise _problem(source, "editions.problem.unknown_field", field=unknown[0],
                       fields=", ".join(FIELDS))
    missing = [f for f in FIELDS if f not in raw]
    if missing:
        raise _problem(source, "editions.problem.missing", field=missing[0])
    key, version = raw["key"], raw["version"]
    if not isinstance(key, str) or not _KEY.match(key):
        raise _problem(source, "editions.problem.key", given=str(key))
    if isinstance(version, bool) or not isinstance(version, int) or not 0 < version < 10**6:
        raise _problem(source, "editions.problem.version", given=str(version))
    try:
        title = Label.model_validate(raw["title"])
    except ValidationError:
        raise _problem(source, "editions.problem.title") from None
    return Instrument(key, version, title, _weights(source, raw["parts"]),
                      _scale(source, raw["scale"]), _dimensions(source, raw["dimensions"]))


def shipped_instruments() -> list[str]:
    """The names of the shipped instrument files (without ``.yaml``), sorted."""
    return sorted(p.name.removesuffix(".yaml") for p in SHIPPED.iterdir()
                  if p.name.endswith(".yaml"))


def load_instrument(ref: str) -> Instrument:
    """A shipped instrument by name (``kemendagri-2024``), or the file at ``ref``."""
    name = ref.strip()
    if name in shipped_instruments():
        source, body = f"{name}.yaml", (SHIPPED / f"{name}.yaml").read_text("utf-8")
    else:
        path = Path(name).expanduser()
        if not path.is_file():
            raise InvalidInputError("editions.error.no_instrument", ref=name,
                                    known=", ".join(shipped_instruments()))
        source = str(path)
        try:
            body = path.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise _problem(source, "editions.problem.unreadable", reason=str(exc)) from None
    try:
        raw = yaml.safe_load(body)
    except yaml.YAMLError as exc:
        raise _problem(source, "editions.problem.not_yaml",
                       reason=str(exc).splitlines()[0]) from None
    return parse_instrument(raw, source)


@lru_cache(maxsize=64)
def thawed(frozen: str) -> Instrument:
    """The instrument an edition stored (:meth:`Instrument.frozen`), read back."""
    return parse_instrument(json.loads(frozen), "evaluation_edition")


def settings_instrument(settings: Settings) -> Instrument:
    """The instrument the settings describe (``evaluation_weights``, ``evaluation_scale``,
    ``dimensions_file``): what an edition created without an instrument file freezes, and
    what the windows that existed before editions were scored with."""
    titles = {}
    for lang in ("id", "en"):
        with using(lang):
            titles[lang] = text("editions.settings_title")
    weights = {p: float(settings.evaluation_weights[p]) for p in PARTS}
    return Instrument("settings", 1, Label.model_validate(titles), weights,
                      (float(settings.evaluation_scale[0]), float(settings.evaluation_scale[1])),
                      load_dimensions(settings.dimensions_file))
