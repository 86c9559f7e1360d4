"""Fuzzing the recipe parser and the path rasterizer with hypothesis.

``Recipe.from_dict`` takes whatever JSON a client sends. Any JSON-like input either parses into a
recipe that survives a round trip, or raises ``InvalidRecipeError`` naming where it went wrong
(``ops[i].field``); never another exception. A single bad field among valid ops is named exactly.
(tests/core/test_rasterize.py already checks rasterized coverage against exact areas and a
supersampled oracle on random polygons; here the path *text* is fuzzed, end to end.)
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from core.errors import InvalidRecipeError
from core.recipe import _OP_FIELDS, Recipe

JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(10**12), 10**12)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12)
)
JSON = st.recursive(
    JSON_SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=16,
)
PATHS = st.sampled_from(
    ["M 0 0 H 10 V 10 H 0 Z", "M 5 5 C 10 0 20 0 25 5 S 30 20 5 5 Z", "m 1 1 l 4 0 l 0 4 z", "M 0 0 A 5 5 0 0 1 10 0 Z"]
)
# Valid values per field (defaults are valid too: any field may be left out).
VALID_FIELDS = {
    "enabled": st.booleans(),
    "smooth": st.floats(0, 100),
    "feather": st.floats(0, 50),
    "contrast": st.floats(0, 100),
    "shift_edge": st.floats(-100, 100),
    "mode": st.sampled_from(["add", "subtract"]),
    "d": PATHS,
    "region": PATHS,
    "channel": st.sampled_from(["r", "g", "b", "auto"]),
    "gamma": st.floats(0.5, 2.0),
    "invert": st.none() | st.booleans(),
    "radius": st.floats(1, 20),
    "amount": st.floats(0, 100),
}
REQUIRED = {"path": {"d"}, "channel": {"region"}, "matte": {"region"}, "recover": {"region"}}
# Values that are wrong for every field: no number, choice, flag or path data is a list or an object.
ALWAYS_WRONG = st.lists(JSON_SCALARS, min_size=1, max_size=3) | st.dictionaries(
    st.text(max_size=4), JSON_SCALARS, min_size=1, max_size=2
)


@st.composite
def valid_op(draw, name=None):
    name = name or draw(st.sampled_from(sorted(_OP_FIELDS)))
    fields = sorted(_OP_FIELDS[name] - {"op"})
    chosen = set(draw(st.lists(st.sampled_from(fields), unique=True))) | REQUIRED.get(name, set())
    op = {"op": name}
    for field in sorted(chosen):
        strategy = VALID_FIELDS.get(field)
        if field == "mode" and name == "channel":
            strategy = st.sampled_from(["replace", "add", "subtract"])
        if field == "feather" and name == "refine":
            strategy = st.floats(0, 50)
        if field == "radius" and name == "recover":
            strategy = st.floats(2, 20)
        if strategy is not None:
            op[field] = draw(strategy)
    return op


def parses_or_names_the_place(raw) -> Recipe | InvalidRecipeError:
    try:
        return Recipe.from_dict(raw)
    except InvalidRecipeError as exc:
        return exc


def assert_error_names_a_real_place(raw, exc: InvalidRecipeError) -> None:
    assert exc.message
    if exc.op_index is None:
        assert exc.field in (None, "version", "base", "ops") or (isinstance(raw, dict) and exc.field in raw)
        return
    ops = raw["ops"]
    assert isinstance(ops, list) and 0 <= exc.op_index < len(ops)
    op = ops[exc.op_index]
    assert str(exc).startswith(f"ops[{exc.op_index}]")
    if exc.field is not None:
        known = _OP_FIELDS.get(op.get("op")) if isinstance(op.get("op"), str) else None
        assert exc.field in op or exc.field == "op" or (known is not None and exc.field in known), (exc.field, op)
        assert str(exc).startswith(f"ops[{exc.op_index}].{exc.field}: ")


def assert_round_trips(recipe: Recipe) -> None:
    again = Recipe.from_json(recipe.to_json())
    assert again == recipe
    for op in recipe.to_dict()["ops"]:
        assert not any(isinstance(v, float) and not math.isfinite(v) for v in op.values())


@given(raw=JSON)
@example(raw={"ops": [{"op": [1]}]})  # was a TypeError (unhashable op name), a 500 from the API
@example(raw={"ops": [{"op": {"path": 1}}]})
def test_any_json_parses_or_raises_invalid_recipe_naming_the_place(raw):
    outcome = parses_or_names_the_place(raw)
    if isinstance(outcome, InvalidRecipeError):
        if isinstance(raw, dict):
            assert_error_names_a_real_place(raw, outcome)
    else:
        assert_round_trips(outcome)


# An op-shaped object: known field names, values that are anything (an op name now and then).
OP_LIKE = st.dictionaries(
    st.sampled_from(sorted(set().union(*_OP_FIELDS.values()))),
    JSON | st.sampled_from(sorted(_OP_FIELDS)),
    max_size=4,
)


@given(
    top=st.dictionaries(st.sampled_from(["version", "base", "extra"]), JSON, max_size=2),
    ops=st.lists(st.one_of(valid_op(), JSON, OP_LIKE), max_size=5),
)
def test_ops_lists_of_anything_parse_or_name_the_op_and_field(top, ops):
    raw = {**top, "ops": ops}
    outcome = parses_or_names_the_place(raw)
    if isinstance(outcome, InvalidRecipeError):
        assert_error_names_a_real_place(raw, outcome)
    else:
        assert_round_trips(outcome)


@given(ops=st.lists(valid_op(), max_size=6))
def test_valid_ops_always_parse_and_round_trip(ops):
    outcome = parses_or_names_the_place({"version": 1, "ops": ops})
    assert isinstance(outcome, Recipe), outcome
    assert len(outcome.ops) == len(ops)
    assert_round_trips(outcome)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), ops=st.lists(valid_op(), min_size=1, max_size=5))
def test_one_bad_field_among_valid_ops_is_named_exactly(data, ops):
    index = data.draw(st.integers(0, len(ops) - 1))
    field = data.draw(st.sampled_from(sorted(_OP_FIELDS[ops[index]["op"]])))
    bad = [dict(op) for op in ops]
    bad[index][field] = data.draw(ALWAYS_WRONG)

    outcome = parses_or_names_the_place({"ops": bad})

    assert isinstance(outcome, InvalidRecipeError)
    assert (outcome.op_index, outcome.field) == (index, field), str(outcome)


@given(text=st.binary(max_size=64) | st.text(max_size=64))
def test_any_json_text_parses_or_raises_invalid_recipe(text):
    try:
        Recipe.from_json(text)
    except InvalidRecipeError as exc:
        assert exc.message


# --- path data, fuzzed from its grammar, down to the rasterized alpha ----------------------------

PATH_NUMBERS = st.one_of(st.integers(-50, 80).map(str), st.floats(-1e3, 1e3).map(lambda f: f"{f:.3g}"))
PATH_JUNK = st.sampled_from(
    ["nan", "inf", "1e308", "-1e308", "1e-9", "00.5.5", "+", "-", ".", "e5", "0x10", "X", "#", "\u00a0"]
)
ARITY = {"M": 2, "L": 2, "H": 1, "V": 1, "C": 6, "S": 4, "Q": 4, "T": 2, "A": 7, "Z": 0}


@st.composite
def path_piece(draw) -> str:
    """A command and its numbers: mostly the right count of good numbers, sometimes not."""
    command = draw(st.sampled_from(sorted(ARITY) + [c.lower() for c in ARITY]))
    arity = ARITY.get(command.upper(), 1)
    count = draw(st.one_of(*[st.just(arity), st.just(2 * arity)] * 3, st.integers(0, 8)))
    numbers = draw(st.lists(PATH_NUMBERS, min_size=count, max_size=count))
    if command.upper() == "A":
        for start in range(3, count - 1, 7):  # each arc's two flags: 0 or 1 (now and then not)
            numbers[start : start + 2] = draw(st.sampled_from([["0", "1"], ["1", "0"], ["1", "1"], ["2", "1"]]))
    separator = draw(st.sampled_from([" ", " ", ",", "\n", "\t"]))
    return command + " " + separator.join(numbers)


PATH_PIECES = path_piece()


@given(pieces=st.lists(PATH_PIECES, max_size=10), junk=st.none() | st.tuples(st.integers(0, 10), PATH_JUNK))
def test_fuzzed_path_data_parses_or_names_the_field_and_rasterizes_within_bounds(pieces, junk):
    from core.rasterize import coverage

    if junk is not None:
        pieces.insert(min(junk[0], len(pieces)), junk[1])
    d = "M 0 0 " + " ".join(pieces)
    outcome = parses_or_names_the_place({"ops": [{"op": "path", "d": d}]})
    if isinstance(outcome, InvalidRecipeError):
        assert (outcome.op_index, outcome.field) == (0, "d"), str(outcome)
        return
    geometry = outcome.ops[0].geometry
    window = geometry.window().pad(1)
    if window.width * window.height > 200_000:
        return  # a valid but huge shape: the renderer tiles it; here only small ones are drawn
    alpha = coverage(geometry, window)
    assert alpha.dtype == np.uint8 and alpha.shape == (window.height, window.width)
