"""Python values and exceptions in the form the CPython recorders (scripts/record_*.py) write to
fixtures and test/helpers/pyvalue.js reads back.

Tags: {"str": s}, {"int": "decimal"}, {"float": x | "nan" | "inf" | "-inf"}, {"bool": b},
{"none": null}, {"bytes": "hex"}, {"tuple": [...]}; a recorder may add tags of its own.
An error is {"type", "mro", "message", for OSError "errno" and "strerror", for an exception
group "group_message" (its message attribute) and "exceptions", and "args" unless error() leaves
them out}.
Recorders whose JS tests compare values exactly encode strictly; the others let an integral
float through, which JS reads as an int.
"""
import json
import math


class Inexpressible(Exception):
    """A Python value that no tag fits, or (strictly) that JavaScript cannot hold distinctly."""


def encode(v, strict=False, tag=None):
    """The tagged form of v. tag(v), when given, is asked first, inside tuples too: it returns a
    recorder's own tag for v, or None to leave v to the shared tags. strict refuses what JS
    would read as another value: an integral float arrives as an int, a surrogate pair as one
    character."""
    if tag is not None:
        t = tag(v)
        if t is not None:
            return t
    if v is None:
        return {"none": None}
    if isinstance(v, bool):
        return {"bool": v}
    if isinstance(v, int):
        # An IntEnum member is a plain int in JS.
        return {"int": str(int(v))}
    if isinstance(v, float):
        if math.isnan(v):
            return {"float": "nan"}
        if math.isinf(v):
            return {"float": "inf" if v > 0 else "-inf"}
        if strict and v.is_integer():
            raise Inexpressible(v)
        return {"float": v}
    if isinstance(v, str):
        if strict and any("\ud800" <= a <= "\udbff" and "\udc00" <= b <= "\udfff"
                          for a, b in zip(v, v[1:])):
            raise Inexpressible(v)
        return {"str": v}
    if isinstance(v, (bytes, bytearray)):
        return {"bytes": bytes(v).hex()}
    if isinstance(v, tuple):
        return {"tuple": [encode(x, strict, tag) for x in v]}
    raise Inexpressible(v)


def decode(t, tags=None):
    """The Python value of a tagged one; tags maps a recorder's own tags to functions of their
    payload."""
    (tag, x), = t.items()
    if tags and tag in tags:
        return tags[tag](x)
    if tag in ("str", "bool"):
        return x
    if tag == "int":
        return int(x)
    if tag == "float":
        return float(x)
    if tag == "none":
        return None
    if tag == "bytes":
        return bytes.fromhex(x)
    if tag == "tuple":
        return tuple(decode(e, tags) for e in x)
    raise ValueError("unknown tag %r" % tag)


def error(e, strict=False, tag=None, bare=(TypeError,)):
    """An exception as compareOutcome in test/helpers/pyvalue.js checks it. No args for the
    classes in bare (JavaScript's own TypeError carries none), nor when JS cannot hold them."""
    err = {
        "type": type(e).__name__,
        "mro": [c.__name__ for c in type(e).__mro__ if c not in (BaseException, object)],
        "message": str(e),
    }
    if isinstance(e, OSError):
        err["errno"] = e.errno
        err["strerror"] = e.strerror
    if isinstance(e, BaseExceptionGroup):
        # JS keeps Python's attributes: message is e.message, String(e) carries str(e).
        err["group_message"] = e.message
        err["exceptions"] = [error(x, strict, tag, bare) for x in e.exceptions]
    if not isinstance(e, bare):
        try:
            err["args"] = [encode(a, strict, tag) for a in e.args]
        except Inexpressible:
            pass
    return err


def outcome(call, strict=False, tag=None):
    """{"result": tagged} of call(), or {"error": ...} for the Exception it raises."""
    try:
        value = call()
    except Exception as e:
        return {"error": error(e, strict, tag)}
    return {"result": encode(value, strict, tag)}


def write_fixtures(path, fixtures):
    """Writes the dict fixtures as JSON with each list entry on a line of its own, so that a
    re-recording diffs readably."""
    with open(path, "w") as f:
        f.write("{\n")
        for i, (k, v) in enumerate(fixtures.items()):
            sep = "," if i < len(fixtures) - 1 else ""
            if isinstance(v, list):
                rows = ",\n".join(json.dumps(c, separators=(",", ":")) for c in v)
                f.write("%s: [\n%s\n]%s\n" % (json.dumps(k), rows, sep))
            else:
                f.write("%s: %s%s\n" % (json.dumps(k), json.dumps(v, separators=(",", ":")), sep))
        f.write("}\n")


# Tagged values as scenario files write their arguments (test/helpers/scenario.js): shorthands
# for the recorders and generators that build steps.
def I(n): return {"int": str(n)}
def S(s): return {"str": s}
def B(b): return {"bytes": b.hex()}
def T(*items): return {"tuple": list(items)}
def R(name): return {"ref": name}
def C(name): return {"const": name}
N = {"none": None}
