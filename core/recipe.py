"""The recipe: a frozen, versioned, serializable description of one edit.

A recipe is parsed and validated once, by :meth:`Recipe.from_dict`; every op it returns is
known to be renderable. Rendering is then a pure function of (original, AI mask, recipe).

JSON form (version 1)::

    {"version": 1, "base": "ai",
     "ops": [
      {"op": "refine", "smooth": 0, "feather": 0.0, "contrast": 15, "shift_edge": 10},
      {"op": "path", "d": "M 100 100 C 120 80 140 80 160 100 Z", "mode": "add", "feather": 0},
      {"op": "channel", "region": "M 0 0 H 50 V 50 H 0 Z", "channel": "auto", "black": null,
       "white": null, "gamma": 1.0, "invert": null, "mode": "add"},
      {"op": "matte", "region": "M ... Z", "radius": 6},
      {"op": "recover", "region": "M ... Z", "radius": 16},
      {"op": "decontaminate", "amount": 60}]}

Every op also accepts ``"enabled": false`` (kept in the recipe, skipped when rendering: the
editor's "hide" switch). Unknown fields are refused, so a typo never silently does nothing.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
import json
import math
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, ClassVar, Mapping

from core.errors import InvalidPathError, InvalidRecipeError
from core.geometry import PathGeometry, parse_path, path_data_from_polygon
from core.limits import MAX_OPS, MAX_PATH_DATA_CHARS, MAX_RECIPE_EDGE_ROWS, MAX_RECIPE_SEGMENTS

RECIPE_VERSION = 1
BASES = ("ai", "auto")
PATH_MODES = ("add", "subtract")
CHANNEL_MODES = ("replace", "add", "subtract")
CHANNELS = ("r", "g", "b", "auto")


class _Fields:
    """Reads and validates the fields of one op (or of the recipe itself, ``op_index=None``)."""

    def __init__(self, raw: Any, op_index: int | None, allowed: set[str]):
        if not isinstance(raw, Mapping):
            raise InvalidRecipeError("must be a JSON object", op_index=op_index)
        unknown = sorted(set(raw) - allowed)
        if unknown:
            raise InvalidRecipeError(f"unknown field {unknown[0]!r}", op_index=op_index, field=unknown[0])
        self.raw = raw
        self.op_index = op_index

    def error(self, name: str, message: str) -> InvalidRecipeError:
        return InvalidRecipeError(message, op_index=self.op_index, field=name)

    def number(self, name: str, default: float, lo: float, hi: float) -> float:
        value = self.raw.get(name, default)
        if value is None:
            value = default
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.error(name, f"must be a number, got {type(value).__name__}")
        try:
            value = float(value)
        except OverflowError:  # an int beyond float's range (JSON allows any length)
            raise self.error(name, f"must be between {lo:g} and {hi:g}, got a number too large to read") from None
        if not math.isfinite(value):
            raise self.error(name, "must be a finite number")
        if not lo <= value <= hi:
            raise self.error(name, f"must be between {lo:g} and {hi:g}, got {value:g}")
        return value

    def optional_number(self, name: str, lo: float, hi: float) -> float | None:
        if self.raw.get(name) is None:
            return None
        return self.number(name, 0.0, lo, hi)

    def choice(self, name: str, default: str, choices: tuple[str, ...]) -> str:
        value = self.raw.get(name, default)
        if value is None:
            value = default
        if not isinstance(value, str) or value.lower() not in choices:
            raise self.error(name, f"must be one of {', '.join(choices)}, got {value!r}")
        return value.lower()

    def boolean(self, name: str, default: bool | None) -> bool | None:
        value = self.raw.get(name, default)
        if value is not None and not isinstance(value, bool):
            raise self.error(name, f"must be true, false or null, got {value!r}")
        return value

    def path(self, name: str, *, required: bool = True) -> tuple[str | None, PathGeometry | None]:
        value = self.raw.get(name)
        if value is None:
            if required:
                raise self.error(name, "SVG path data is required")
            return None, None
        if not isinstance(value, str):
            raise self.error(name, f"must be SVG path data (a string), got {type(value).__name__}")
        if len(value) > MAX_PATH_DATA_CHARS:
            raise self.error(name, f"path data is longer than {MAX_PATH_DATA_CHARS} characters")
        try:
            geometry = parse_path(value)
        except InvalidPathError as exc:
            raise self.error(name, str(exc)) from None
        return value, geometry


@dataclass(frozen=True)
class Op(ABC):
    """Base of all ops. ``enabled`` False keeps the op in the recipe but skips it."""

    name: ClassVar[str] = ""
    enabled: bool = True

    @abstractmethod
    def to_dict(self) -> dict[str, Any]:
        """The op's JSON form; every op type defines it."""

    def _base_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"op": self.name}
        if not self.enabled:
            out["enabled"] = False
        return out

    def path_segments(self) -> int:
        return 0

    def path_edge_rows(self) -> int:
        """Pixel rows its path's edges cross (:meth:`core.geometry.PathGeometry.edge_rows`)."""
        return 0

    def scaled(self, factor: float) -> "Op":
        """This op for an image reduced by ``factor`` (see :meth:`Recipe.scaled`); by default itself."""
        return self


@dataclass(frozen=True)
class RefineOp(Op):
    """Select and Mask's global controls (see :func:`core.refine.refine_alpha` for the formulas).

    ``region`` (optional) limits the refinement to the inside of a path.
    """

    name: ClassVar[str] = "refine"
    smooth: float = 0.0
    feather: float = 0.0
    contrast: float = 0.0
    shift_edge: float = 0.0
    region: str | None = None
    region_geometry: PathGeometry | None = field(default=None, compare=False, repr=False)

    @classmethod
    def parse(cls, f: _Fields) -> "RefineOp":
        region, geometry = f.path("region", required=False)
        return cls(
            enabled=bool(f.boolean("enabled", True)),
            smooth=f.number("smooth", 0, 0, 100),
            feather=f.number("feather", 0, 0, 250),
            contrast=f.number("contrast", 0, 0, 100),
            shift_edge=f.number("shift_edge", 0, -100, 100),
            region=region,
            region_geometry=geometry,
        )

    def to_dict(self) -> dict[str, Any]:
        out = self._base_dict() | {
            "smooth": self.smooth,
            "feather": self.feather,
            "contrast": self.contrast,
            "shift_edge": self.shift_edge,
        }
        if self.region is not None:
            out["region"] = self.region
        return out

    def path_segments(self) -> int:
        return self.region_geometry.n_segments if self.region_geometry else 0

    def path_edge_rows(self) -> int:
        return self.region_geometry.edge_rows() if self.region_geometry else 0

    def scaled(self, factor: float) -> "RefineOp":
        """Blur sigmas (smooth, feather) and the region x ``factor``; contrast and shift edge are per pixel."""
        region, geometry = _scaled_path(self.region, self.region_geometry, factor)
        return replace(
            self, smooth=self.smooth * factor, feather=self.feather * factor, region=region, region_geometry=geometry
        )


@dataclass(frozen=True)
class PathOp(Op):
    """A pen path made a selection: add (union) or subtract, ``feather`` in px (0 = exact coverage)."""

    name: ClassVar[str] = "path"
    d: str = ""
    mode: str = "add"
    feather: float = 0.0
    geometry: PathGeometry | None = field(default=None, compare=False, repr=False)

    @classmethod
    def parse(cls, f: _Fields) -> "PathOp":
        d, geometry = f.path("d")
        return cls(
            enabled=bool(f.boolean("enabled", True)),
            d=d or "",
            mode=f.choice("mode", "add", PATH_MODES),
            feather=f.number("feather", 0, 0, 250),
            geometry=geometry,
        )

    def to_dict(self) -> dict[str, Any]:
        return self._base_dict() | {"d": self.d, "mode": self.mode, "feather": self.feather}

    def path_segments(self) -> int:
        return self.geometry.n_segments if self.geometry else 0

    def path_edge_rows(self) -> int:
        return self.geometry.edge_rows() if self.geometry else 0

    def scaled(self, factor: float) -> "PathOp":
        """Outline and feather x ``factor``."""
        d, geometry = _scaled_path(self.d, self.geometry, factor)
        return replace(self, d=d or "", feather=self.feather * factor, geometry=geometry)


@dataclass(frozen=True)
class ChannelOp(Op):
    """A channel mask inside ``region`` (see :mod:`core.channels`).

    ``black``/``white`` None = automatic levels; ``invert`` None = automatic.
    """

    name: ClassVar[str] = "channel"
    region: str = ""
    channel: str = "auto"
    black: float | None = None
    white: float | None = None
    gamma: float = 1.0
    invert: bool | None = None
    mode: str = "add"
    region_geometry: PathGeometry | None = field(default=None, compare=False, repr=False)

    @classmethod
    def parse(cls, f: _Fields) -> "ChannelOp":
        region, geometry = f.path("region")
        black = f.optional_number("black", 0, 255)
        white = f.optional_number("white", 0, 255)
        if black is not None and white is not None and white <= black:
            raise f.error("white", f"must be greater than black ({black:g}), got {white:g}")
        return cls(
            enabled=bool(f.boolean("enabled", True)),
            region=region or "",
            channel=f.choice("channel", "auto", CHANNELS),
            black=black,
            white=white,
            gamma=f.number("gamma", 1.0, 0.1, 10),
            invert=f.boolean("invert", None),
            mode=f.choice("mode", "add", CHANNEL_MODES),
            region_geometry=geometry,
        )

    def to_dict(self) -> dict[str, Any]:
        return self._base_dict() | {
            "region": self.region,
            "channel": self.channel,
            "black": self.black,
            "white": self.white,
            "gamma": self.gamma,
            "invert": self.invert,
            "mode": self.mode,
        }

    def path_segments(self) -> int:
        return self.region_geometry.n_segments if self.region_geometry else 0

    def path_edge_rows(self) -> int:
        return self.region_geometry.edge_rows() if self.region_geometry else 0

    def scaled(self, factor: float) -> "ChannelOp":
        """Region x ``factor``; channel, levels and mode are per pixel."""
        region, geometry = _scaled_path(self.region, self.region_geometry, factor)
        return replace(self, region=region or "", region_geometry=geometry)


@dataclass(frozen=True)
class _BandOp(Op):
    """An op that re-solves alpha from colour in a band of ``radius`` px inside ``region``
    (matting): ``matte`` and ``recover``, which differ in what they keep of the solve."""

    RADIUS_RANGE: ClassVar[tuple[float, float]] = (1.0, 64.0)
    region: str = ""
    radius: float = 3.0
    region_geometry: PathGeometry | None = field(default=None, compare=False, repr=False)

    @classmethod
    def parse(cls, f: _Fields) -> "_BandOp":
        region, geometry = f.path("region")
        default = cls.__dataclass_fields__["radius"].default
        return cls(
            enabled=bool(f.boolean("enabled", True)),
            region=region or "",
            radius=f.number("radius", default, *cls.RADIUS_RANGE),
            region_geometry=geometry,
        )

    def to_dict(self) -> dict[str, Any]:
        return self._base_dict() | {"region": self.region, "radius": self.radius}

    def path_segments(self) -> int:
        return self.region_geometry.n_segments if self.region_geometry else 0

    def path_edge_rows(self) -> int:
        return self.region_geometry.edge_rows() if self.region_geometry else 0

    def scaled(self, factor: float) -> "_BandOp":
        """Region and band radius x ``factor``; the radius keeps the recipe's floor."""
        region, geometry = _scaled_path(self.region, self.region_geometry, factor)
        radius = max(self.RADIUS_RANGE[0], self.radius * factor)
        return replace(self, region=region or "", radius=radius, region_geometry=geometry)


@dataclass(frozen=True)
class MatteOp(_BandOp):
    """Refine Edge brush: re-estimate alpha from colour inside ``region`` (see :mod:`core.matte`)."""

    name: ClassVar[str] = "matte"
    # 3 px: re-solving a 6 px band made shiny metal edges that were right worse (dev set, x0.97-1.18
    # error); 3 px cut the error to x0.83.
    radius: float = 3.0


@dataclass(frozen=True)
class RecoverOp(_BandOp):
    """Recover lost detail: raise-only matting that keeps only thin gains (see :mod:`core.recover`)."""

    name: ClassVar[str] = "recover"
    RADIUS_RANGE: ClassVar[tuple[float, float]] = (2.0, 64.0)  # as core.recover.RADIUS_RANGE
    FOLLOW_RANGE: ClassVar[tuple[float, float]] = (0.0, 64.0)  # as core.recover.FOLLOW_RANGE
    # How far past the mask a lost strand may reach (px); see core.recover.RADIUS.
    radius: float = 16.0
    # How much farther than the reach (px) a line leaving the band is solved, past the reach or the
    # region's edge (core.recover, step 6). 0, the default, keeps every change inside the region;
    # auto-fix proposes core.recover.FOLLOW. Written only when set: recipes saved before it are unchanged.
    follow: float = 0.0

    @classmethod
    def parse(cls, f: _Fields) -> "RecoverOp":
        band = super().parse(f)
        return replace(band, follow=f.number("follow", 0.0, *cls.FOLLOW_RANGE))

    def to_dict(self) -> dict[str, Any]:
        return super().to_dict() | ({"follow": self.follow} if self.follow else {})

    def scaled(self, factor: float) -> "RecoverOp":
        """As :meth:`_BandOp.scaled`; the follow length scales with the image."""
        return replace(super().scaled(factor), follow=self.follow * factor)


@dataclass(frozen=True)
class DecontaminateOp(Op):
    """Decontaminate Colors: replace background spill on soft edges, ``amount`` 0..100 (%)."""

    name: ClassVar[str] = "decontaminate"
    amount: float = 60.0

    @classmethod
    def parse(cls, f: _Fields) -> "DecontaminateOp":
        return cls(enabled=bool(f.boolean("enabled", True)), amount=f.number("amount", 60, 0, 100))

    def to_dict(self) -> dict[str, Any]:
        return self._base_dict() | {"amount": self.amount}


OP_TYPES: dict[str, type[Op]] = {
    cls.name: cls for cls in (RefineOp, PathOp, ChannelOp, MatteOp, RecoverOp, DecontaminateOp)
}
_OP_FIELDS: dict[str, set[str]] = {
    "refine": {"op", "enabled", "smooth", "feather", "contrast", "shift_edge", "region"},
    "path": {"op", "enabled", "d", "mode", "feather"},
    "channel": {"op", "enabled", "region", "channel", "black", "white", "gamma", "invert", "mode"},
    "matte": {"op", "enabled", "region", "radius"},
    "recover": {"op", "enabled", "region", "radius", "follow"},
    "decontaminate": {"op", "enabled", "amount"},
}


@dataclass(frozen=True)
class Recipe:
    """A validated recipe. Build with :meth:`from_dict` (or :meth:`from_json`), never by hand.

    Examples
    --------
    >>> r = Recipe.from_dict({"version": 1, "base": "ai", "ops": [{"op": "refine", "contrast": 15}]})
    >>> r.ops[0].contrast
    15.0
    >>> Recipe.from_dict(r.to_dict()) == r
    True
    """

    version: int = RECIPE_VERSION
    base: str = "ai"
    ops: tuple[Op, ...] = ()

    @classmethod
    def from_dict(cls, raw: Any, *, edge_row_budget: bool = True) -> "Recipe":
        """Validate ``raw`` (parsed JSON) and return a Recipe.

        Parameters
        ----------
        raw : Any
            The recipe as parsed JSON.
        edge_row_budget : bool
            Refuse paths whose edges cross more than ``MAX_RECIPE_EDGE_ROWS`` pixel rows in all.
            A budget on new work, newer than the recipe format: pass False to read a recipe that
            was accepted before it existed (a stored revision to render), so that it still
            renders. Every other check applies either way.

        Raises
        ------
        InvalidRecipeError
            Naming the op index and field at fault.

        Examples
        --------
        >>> heavy = {"ops": [{"op": "path", "d": "M 0 0" + " l 1 8000 l 1 -8000" * 350}]}
        >>> Recipe.from_dict(heavy)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        core.errors.InvalidRecipeError: ops: paths cross 5,600,000 pixel rows in all, ... the limit is 5,000,000: ...
        >>> Recipe.from_dict(heavy, edge_row_budget=False).ops[0].path_edge_rows()
        5600000
        """
        top = _Fields(raw, None, {"version", "base", "ops"})
        version = raw.get("version", RECIPE_VERSION)
        if version != RECIPE_VERSION or isinstance(version, bool):
            raise top.error("version", f"unsupported recipe version {version!r} (this engine reads {RECIPE_VERSION})")
        base = top.choice("base", "ai", BASES)
        raw_ops = raw.get("ops", [])
        if not isinstance(raw_ops, list):
            raise top.error("ops", "must be a list of ops")
        if len(raw_ops) > MAX_OPS:
            raise top.error("ops", f"at most {MAX_OPS} ops, got {len(raw_ops)}")
        ops = tuple(_parse_op(i, raw_op) for i, raw_op in enumerate(raw_ops))
        total = sum(op.path_segments() for op in ops)
        if total > MAX_RECIPE_SEGMENTS:
            raise top.error("ops", f"paths have {total} segments in all; the limit is {MAX_RECIPE_SEGMENTS}")
        if edge_row_budget:
            _check_edge_rows(top, ops)
        return cls(version=RECIPE_VERSION, base=base, ops=ops)

    @classmethod
    def from_json(cls, text: str | bytes, *, edge_row_budget: bool = True) -> "Recipe":
        """:meth:`from_dict` of JSON text (``edge_row_budget`` as there)."""
        try:
            raw = json.loads(text)
        except (ValueError, UnicodeDecodeError) as exc:
            raise InvalidRecipeError(f"not valid JSON ({exc})") from None
        return cls.from_dict(raw, edge_row_budget=edge_row_budget)

    def to_dict(self) -> dict[str, Any]:
        return {"version": self.version, "base": self.base, "ops": [op.to_dict() for op in self.ops]}

    def to_json(self) -> str:
        """Canonical JSON: sorted keys, no spaces. Equal recipes give equal text."""
        return json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))

    def sha256(self) -> str:
        return hashlib.sha256(self.to_json().encode()).hexdigest()

    def active_ops(self) -> tuple[Op, ...]:
        return tuple(op for op in self.ops if op.enabled)

    def scaled(self, factor: float) -> "Recipe":
        """The recipe for the image reduced by ``factor`` (reduced-resolution previews).

        Every length is multiplied by ``factor``: path outlines and feathers, refine's smooth and
        feather sigmas, channel, refine and matte regions, the matte radius (floor 1 px, the
        recipe's minimum). Per-pixel settings (contrast, shift edge, levels, modes, decontaminate's
        amount) are unchanged. Rendering the result on the reduced image approximates the full
        render reduced (see :mod:`core.reduced`); it is not exact.

        Parameters
        ----------
        factor : float
            Reduced size over full size, 0 < factor <= 1.

        Returns
        -------
        Recipe
            A new recipe (this one when ``factor`` is 1). Its path data are the flattened
            outlines, scaled (``M x y L ... Z`` per subpath); scaled lengths stay in range, so
            its ``to_dict`` reads back, though maybe past the recipe's segment budget.

        Raises
        ------
        ValueError
            If ``factor`` is not in (0, 1] (a programming error, not bad input).

        Examples
        --------
        >>> r = Recipe.from_dict({"ops": [{"op": "path", "d": "M 0 0 H 100 V 100 H 0 Z", "feather": 4}]})
        >>> small = r.scaled(0.25)
        >>> small.ops[0].geometry.bbox, small.ops[0].feather
        ((0.0, 0.0, 25.0, 25.0), 1.0)
        """
        if not (math.isfinite(factor) and 0 < factor <= 1):
            raise ValueError(f"factor must be in (0, 1], got {factor!r}")
        if factor == 1:
            return self
        return replace(self, ops=tuple(op.scaled(factor) for op in self.ops))


def _check_edge_rows(top: _Fields, ops: tuple[Op, ...]) -> None:
    """Refuse paths too costly to draw (``MAX_RECIPE_EDGE_ROWS``), naming the costliest."""
    rows = [op.path_edge_rows() for op in ops]
    total = sum(rows)
    if total <= MAX_RECIPE_EDGE_ROWS:
        return
    worst = max(range(len(ops)), key=rows.__getitem__)
    field = "d" if isinstance(ops[worst], PathOp) else "region"
    raise top.error(
        "ops",
        f"paths cross {total:,} pixel rows in all, counting each edge once per row it crosses "
        f"(ops[{worst}].{field} alone {rows[worst]:,}); the limit is {MAX_RECIPE_EDGE_ROWS:,}: "
        "use fewer or shorter edges",
    )


def _parse_op(index: int, raw: Any) -> Op:
    if not isinstance(raw, Mapping):
        raise InvalidRecipeError("must be a JSON object", op_index=index)
    name = raw.get("op")
    if not isinstance(name, str) or name not in OP_TYPES:  # a list or object is not hashable
        raise InvalidRecipeError(
            f"unknown op {name!r}; expected one of {', '.join(OP_TYPES)}", op_index=index, field="op"
        )
    return OP_TYPES[name].parse(_Fields(raw, index, _OP_FIELDS[name]))  # type: ignore[attr-defined]


def _scaled_path(
    d: str | None, geometry: PathGeometry | None, factor: float
) -> tuple[str | None, PathGeometry | None]:
    """Path data and geometry x ``factor``: the flattened outline, scaled."""
    if d is None or geometry is None:
        return d, geometry
    return _scaled_path_data(d, factor), geometry.scaled(factor)


@lru_cache(maxsize=256)
def _scaled_path_data(d: str, factor: float) -> str:
    """``d`` (already validated) scaled by ``factor`` as ``M x y L ... Z`` subpaths. Cached: the
    editor sends the same paths with every slider release, and writing out a 50-cubic outline's
    ~800 vertices costs about a millisecond."""
    rings = parse_path(d).scaled(factor).polygons
    return " ".join(path_data_from_polygon(ring) for ring in rings)
