"""JSON data back into the result dataclasses it was written from (the stored
results, :mod:`~tierscope.graph.analysis.codec`): one converter made per type, not a
walk over the type hints for every value."""

from __future__ import annotations

import dataclasses
import math
import types
import typing
from typing import Any, get_args, get_origin, get_type_hints

from tierscope.graph.analysis.finding import Finding, Told

__all__ = ["converter", "decode_row"]


def decode_row(cls: type, d: dict[str, Any]) -> Any:
    """The JSON row ``d`` as a value of dataclass ``cls``."""
    convert = converter(cls)
    return d if convert is None else convert(d)


Convert = typing.Callable[[Any], Any]
_MADE: dict[Any, Convert | None] = {}


def converter(tp: Any) -> Convert | None:
    """A function turning JSON data into a value of type ``tp`` (dataclasses, tuples,
    lists, dicts, optionals, floats whose NaN was stored as null), made once per type;
    None where the JSON value is the value already (strings, ints, bools, Any)."""
    if tp in _MADE:
        return _MADE[tp]
    convert = _makeconverter(tp)
    _MADE[tp] = convert
    return convert


def _makeconverter(tp: Any) -> Convert | None:
    if tp is Finding:
        return lambda d: Finding(
            d["kind"],
            d["severity"],
            d["subject_id"],
            d["subject_type"],
            Told(d["sentence"], d["evidence"]),
            d["revenue_at_stake"],
            tuple(d["products"]),
            d["rank"],
        )
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        hints = get_type_hints(tp)
        fields = [(f.name, converter(hints[f.name])) for f in dataclasses.fields(tp) if f.init]

        def dataclass_of(v: dict[str, Any]) -> Any:
            return tp(**{n: (v[n] if c is None else c(v[n])) for n, c in fields})

        return dataclass_of
    origin, args = get_origin(tp), get_args(tp)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            item = converter(args[0])
            if item is None:
                return tuple
            convert_item = item
            return lambda v: tuple(convert_item(x) for x in v)
        each = [converter(a) for a in args]
        return lambda v: tuple(x if c is None else c(x) for c, x in zip(each, v, strict=True))
    if origin is list:
        item = converter(args[0])
        return None if item is None else (lambda v: [item(x) for x in v])
    if origin is dict:
        value = converter(args[1])
        return None if value is None else (lambda v: {k: value(x) for k, x in v.items()})
    if origin in (typing.Union, types.UnionType):
        options = [a for a in args if a is not type(None)]
        if len(options) != 1:
            return None
        if options[0] is float:  # an optional float stored as null is None, not NaN
            return lambda v: None if v is None else float(v)
        inner = converter(options[0])
        if inner is None:
            return None
        return lambda v: None if v is None else inner(v)
    if tp is float:
        return lambda v: math.nan if v is None else float(v)
    return None
