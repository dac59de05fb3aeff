"""How a probability is written, in one place: the pages, the board (chart, table, CSV, PDF,
snapshots) and any mail all call ``percent_text``.

A forecast that is not certain never reads as certain: a value strictly between 0 and 1 is
never written "0%" or "100%" — it is "<1%" or ">99%" (99.6% rounded would otherwise tell the
board "100%"). Only an exact 0 or 1 is written as such.
"""

from calibration.dates import OUT_OF_RANGE

NONE = "—"


def percent_text(p, *, missing=NONE):
    """0.3712 → "37%"; 0.004 → "<1%"; 0.996 → ">99%"; None → `missing`."""
    if p is None:
        return missing
    if not 0 <= p <= 1:  # a stored row (a snapshot, an import) is not checked against anything
        return OUT_OF_RANGE
    shown = round(p * 100)
    if shown <= 0 and p > 0:
        return "<1%"
    if shown >= 100 and p < 1:
        return ">99%"
    return f"{shown}%"


def decimal_text(x, places=6):
    """A probability as a decimal for exports: at least `places` places, and never rounded to
    exactly 0 or 1 when it is not (then written in full)."""
    if x is None:
        return ""
    text = f"{x:.{places}f}"
    if 0 < x < 1 and float(text) in (0.0, 1.0):
        return repr(float(x))
    return text
