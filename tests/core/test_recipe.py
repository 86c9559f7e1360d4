import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import InvalidRecipeError
from core.limits import MAX_OPS, MAX_RECIPE_EDGE_ROWS
from core.recipe import ChannelOp, DecontaminateOp, MatteOp, PathOp, Recipe, RefineOp

ISSUE_EXAMPLE = {
    "version": 1,
    "base": "ai",
    "ops": [
        {"op": "refine", "smooth": 0, "feather": 0.0, "contrast": 15, "shift_edge": 10},
        {"op": "path", "d": "M 100 100 C 120 80 140 80 160 100 Z", "mode": "add", "feather": 0},
        {"op": "channel", "region": "M 0 0 H 50 V 50 H 0 Z", "channel": "auto", "black": None, "white": None,
         "gamma": 1.0, "invert": None, "mode": "add"},
        {"op": "matte", "region": "M 10 10 H 40 V 40 H 10 Z", "radius": 6},
        {"op": "decontaminate", "amount": 60},
    ],
}


def test_issue_example_parses_into_typed_ops():
    recipe = Recipe.from_dict(ISSUE_EXAMPLE)
    assert [type(op) for op in recipe.ops] == [RefineOp, PathOp, ChannelOp, MatteOp, DecontaminateOp]
    assert recipe.ops[0].contrast == 15.0 and recipe.ops[0].shift_edge == 10.0
    assert recipe.ops[1].geometry is not None
    assert recipe.ops[2].black is None and recipe.ops[2].invert is None
    assert recipe.ops[4].amount == 60.0


def test_round_trip_through_json_is_identity():
    recipe = Recipe.from_dict(ISSUE_EXAMPLE)
    again = Recipe.from_json(recipe.to_json())
    assert again == recipe
    assert again.to_json() == recipe.to_json()
    assert again.sha256() == recipe.sha256()


def test_hash_changes_with_any_parameter():
    changed = json.loads(json.dumps(ISSUE_EXAMPLE))
    changed["ops"][0]["contrast"] = 16
    assert Recipe.from_dict(changed).sha256() != Recipe.from_dict(ISSUE_EXAMPLE).sha256()


def test_defaults_fill_missing_fields():
    recipe = Recipe.from_dict({"ops": [{"op": "channel", "region": "M 0 0 H 5 V 5 Z"}]})
    op = recipe.ops[0]
    assert (recipe.version, recipe.base) == (1, "ai")
    assert (op.channel, op.gamma, op.mode, op.black, op.white, op.invert) == ("auto", 1.0, "add", None, None, None)


def test_disabled_ops_are_kept_but_not_active():
    raw = {"ops": [{"op": "refine", "contrast": 20, "enabled": False}, {"op": "decontaminate"}]}
    recipe = Recipe.from_dict(raw)
    assert len(recipe.ops) == 2
    assert [op.name for op in recipe.active_ops()] == ["decontaminate"]
    assert recipe.to_dict()["ops"][0]["enabled"] is False


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"ops": [{"op": "blur"}]}, "ops[0].op: unknown op 'blur'"),
        ({"ops": [{"op": "refine", "contrast": 101}]}, "ops[0].contrast: must be between 0 and 100, got 101"),
        ({"ops": [{"op": "refine", "shift_edge": -101}]}, "ops[0].shift_edge: must be between -100 and 100"),
        ({"ops": [{"op": "refine", "feather": 251}]}, "ops[0].feather: must be between 0 and 250"),
        ({"ops": [{"op": "refine", "smooth": "5"}]}, "ops[0].smooth: must be a number, got str"),
        ({"ops": [{"op": "refine", "smooth": True}]}, "ops[0].smooth: must be a number, got bool"),
        ({"ops": [{"op": "refine", "smooth": float("nan")}]}, "ops[0].smooth: must be a finite number"),
        ({"ops": [{"op": "refine", "feather": float("inf")}]}, "ops[0].feather: must be a finite number"),
        ({"ops": [{"op": "refine", "contrst": 5}]}, "ops[0].contrst: unknown field 'contrst'"),
        ({"ops": [{"op": "path", "d": "M 0 0 L 5 5 Z", "mode": "union"}]}, "ops[0].mode: must be one of add, subtract"),
        ({"ops": [{"op": "path"}]}, "ops[0].d: SVG path data is required"),
        ({"ops": [{"op": "path", "d": 12}]}, "ops[0].d: must be SVG path data (a string), got int"),
        ({"ops": [{"op": "channel", "region": "M 0 0 H 5 V 5 Z", "channel": "a"}]}, "ops[0].channel: must be one of"),
        ({"ops": [{"op": "channel", "region": "M 0 0 H 5 V 5 Z", "gamma": 0}]}, "ops[0].gamma: must be between 0.1 and 10"),
        ({"ops": [{"op": "channel", "region": "M 0 0 H 5 V 5 Z", "black": 200, "white": 100}]},
         "ops[0].white: must be greater than black (200)"),
        ({"ops": [{"op": "channel", "region": "M 0 0 H 5 V 5 Z", "invert": "yes"}]}, "ops[0].invert: must be true, false or null"),
        ({"ops": [{"op": "decontaminate", "amount": -1}]}, "ops[0].amount: must be between 0 and 100"),
        ({"ops": [{"op": "matte", "region": "M 0 0 H 5 V 5 Z", "radius": 0}]}, "ops[0].radius: must be between 1 and 64"),
        ({"ops": [{"op": "matte", "region": "M 0 0 H 5 V 5 Z", "radius": 10**400}]},
         "ops[0].radius: must be between 1 and 64, got a number too large to read"),
        ({"version": 2}, "version: unsupported recipe version 2"),
        ({"base": "magic"}, "base: must be one of ai, auto"),
        ({"ops": {}}, "ops: must be a list of ops"),
        ({"ops": ["refine"]}, "ops[0]: must be a JSON object"),
        ([], "must be a JSON object"),
    ],
)
def test_invalid_recipes_name_the_op_and_field(raw, message):
    with pytest.raises(InvalidRecipeError) as info:
        Recipe.from_dict(raw)
    assert message in str(info.value)


def test_second_op_error_names_index_one():
    raw = {"ops": [{"op": "refine"}, {"op": "refine", "contrast": -5}]}
    with pytest.raises(InvalidRecipeError) as info:
        Recipe.from_dict(raw)
    assert (info.value.op_index, info.value.field) == (1, "contrast")


@pytest.mark.parametrize(
    "d",
    ["M 0 0 L 10 nan Z", "M 0 0 L 1e308 0 L 5 5 Z", "M 0 0 Q", "hello", "", "M 0 0 L 5 5 Z X 3"],
)
def test_bad_path_data_is_refused_with_the_field(d):
    with pytest.raises(InvalidRecipeError) as info:
        Recipe.from_dict({"ops": [{"op": "path", "d": d}]})
    assert info.value.field == "d" and info.value.op_index == 0


def test_too_many_ops_is_refused():
    with pytest.raises(InvalidRecipeError) as info:
        Recipe.from_dict({"ops": [{"op": "decontaminate"}] * (MAX_OPS + 1)})
    assert info.value.field == "ops"


def test_million_segment_path_is_refused():
    d = "M 0 0 " + "L 1 1 " * 1_000_000 + "Z"
    with pytest.raises(InvalidRecipeError) as info:
        Recipe.from_dict({"ops": [{"op": "path", "d": d}]})
    assert info.value.field == "d"


def tall_zig_zag(strokes, height):
    """``strokes`` edges of ``height`` rows each, in few characters."""
    return "M 0 0" + f" l 1 {height} l 1 -{height}" * (strokes // 2)


def test_paths_crossing_too_many_pixel_rows_are_refused_naming_the_costliest():
    # 84 strokes 60,000 px tall: few segments, but 5,040,000 edge-rows to draw (10 such paths of
    # 20,000 strokes across a 24 MP photo took minutes to render)
    small = {"op": "path", "d": "M 0 0 H 10 V 10 H 0 Z"}
    raw = {"ops": [small, {"op": "channel", "region": tall_zig_zag(84, 60_000)}, small]}
    with pytest.raises(InvalidRecipeError) as info:
        Recipe.from_dict(raw)
    assert (info.value.op_index, info.value.field) == (None, "ops")
    assert str(info.value) == (
        "ops: paths cross 5,040,040 pixel rows in all, counting each edge once per row it crosses "
        "(ops[1].region alone 5,040,000); the limit is 5,000,000: use fewer or shorter edges"
    )


def test_the_row_budget_is_for_the_whole_recipe_enabled_or_not():
    half = {"op": "path", "d": tall_zig_zag(40, 60_000)}  # 2,400,000 rows
    assert Recipe.from_dict({"ops": [half, half]}).ops[1].path_edge_rows() == 2_400_000
    with pytest.raises(InvalidRecipeError, match=r"ops\[0\]\.d alone 2,400,000\); the limit is 5,000,000"):
        Recipe.from_dict({"ops": [half, half, {**half, "enabled": False}]})  # switched off, it still counts


def test_a_recipe_stored_before_the_row_budget_still_parses_without_it():
    # Revisions saved before the budget existed must still render: the render task reads them
    # with edge_row_budget=False. Every other check still applies.
    heavy = {"ops": [{"op": "path", "d": tall_zig_zag(700, 8000)}]}  # 5,600,000 rows
    with pytest.raises(InvalidRecipeError, match=r"paths cross 5,600,000 pixel rows"):
        Recipe.from_dict(heavy)
    recipe = Recipe.from_dict(heavy, edge_row_budget=False)
    assert recipe.ops[0].path_edge_rows() == 5_600_000
    assert Recipe.from_json(recipe.to_json(), edge_row_budget=False) == recipe
    with pytest.raises(InvalidRecipeError, match=r"ops\[1\]\.contrast: must be between 0 and 100"):
        Recipe.from_dict({"ops": [*heavy["ops"], {"op": "refine", "contrast": 400}]}, edge_row_budget=False)


def test_a_zig_zag_across_the_image_fits_the_row_budget():
    # The QA recipe: 10 self-crossing zig-zags of 19,990 segments across a 2,000 px image.
    # Long, nearly horizontal edges cross few rows each, and they are fast to draw again.
    d = "M 5 5" + "".join(f" L {1995 if k % 2 else 5} {5 + k * 0.1:.1f}" for k in range(1, 19_990)) + " Z"
    recipe = Recipe.from_dict({"ops": [{"op": "path", "d": d}] * 10})
    assert sum(op.path_edge_rows() for op in recipe.ops) < MAX_RECIPE_EDGE_ROWS / 10


def test_invalid_json_text():
    with pytest.raises(InvalidRecipeError) as info:
        Recipe.from_json("{not json")
    assert "not valid JSON" in str(info.value)


@given(
    contrast=st.floats(min_value=0, max_value=100),
    shift=st.floats(min_value=-100, max_value=100),
    feather=st.floats(min_value=0, max_value=250),
)
def test_any_valid_refine_round_trips(contrast, shift, feather):
    raw = {"ops": [{"op": "refine", "contrast": contrast, "shift_edge": shift, "feather": feather}]}
    recipe = Recipe.from_dict(raw)
    assert Recipe.from_json(recipe.to_json()) == recipe


@given(st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=True) | st.integers() | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
))
def test_arbitrary_json_either_parses_or_raises_invalid_recipe(raw):
    try:
        Recipe.from_dict(raw)
    except InvalidRecipeError as exc:
        assert str(exc)


@given(
    op=st.sampled_from(["refine", "path", "channel", "matte", "recover", "decontaminate"]),
    field=st.sampled_from(["contrast", "feather", "gamma", "radius", "amount", "black", "smooth"]),
    value=st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**9, 10**9), st.text(max_size=3)),
)
def test_fuzzed_fields_never_crash(op, field, value):
    raw = {"op": op, field: value}
    if op == "path":
        raw["d"] = "M 0 0 H 4 V 4 Z"
    if op in ("channel", "matte", "recover"):
        raw["region"] = "M 0 0 H 4 V 4 Z"
    try:
        recipe = Recipe.from_dict({"ops": [raw]})
    except InvalidRecipeError as exc:
        assert exc.op_index == 0
    else:
        for v in recipe.ops[0].to_dict().values():
            assert not (isinstance(v, float) and not math.isfinite(v))
