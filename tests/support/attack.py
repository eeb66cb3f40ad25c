"""An attacker's search for what published counts give away, independent of the picture's own
audit (carecareers/picture/circulation.py): whole numbers with bounds, and lines whose
members add up to their total; bounds are narrowed by the lines, then values are tried one
side or the other of a split until every count has one value or none fits.

`could_be(counts, lines, key, value)`: whether some set of counts that agrees with every
bound and every line has `key` at `value`. A small count that can be only one value is given
away.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

Bounds = dict[Hashable, tuple[int, int]]
Line = tuple[Sequence[Hashable], Hashable]  # members, total


def _narrow(bounds: Bounds, lines: Sequence[Line]) -> bool:
    """Narrow every bound by the lines until nothing changes; False when none can fit."""
    changed = True
    while changed:
        changed = False
        for members, total in lines:
            low = sum(bounds[m][0] for m in members)
            high = sum(bounds[m][1] for m in members)
            t_low, t_high = max(bounds[total][0], low), min(bounds[total][1], high)
            if t_low > t_high:
                return False
            if (t_low, t_high) != bounds[total]:
                bounds[total] = (t_low, t_high)
                changed = True
            for m in members:
                m_low, m_high = bounds[m]
                new = (max(m_low, t_low - (high - m_high)), min(m_high, t_high - (low - m_low)))
                if new[0] > new[1]:
                    return False
                if new != (m_low, m_high):
                    bounds[m] = new
                    changed = True
                    low += new[0] - m_low
                    high += new[1] - m_high
    return True


def _fits(bounds: Bounds, lines: Sequence[Line]) -> bool:
    bounds = dict(bounds)
    if not _narrow(bounds, lines):
        return False
    open_ = [k for k, (low, high) in bounds.items() if low < high]
    if not open_:
        return True
    key = min(open_, key=lambda k: bounds[k][1] - bounds[k][0])
    low, high = bounds[key]
    middle = (low + high) // 2
    return (_fits({**bounds, key: (low, middle)}, lines)
            or _fits({**bounds, key: (middle + 1, high)}, lines))


def could_be(counts: Bounds, lines: Sequence[Line], key: Hashable, value: int) -> bool:
    if not counts[key][0] <= value <= counts[key][1]:
        return False
    return _fits({**counts, key: (value, value)}, lines)


def given_away(counts: Bounds, lines: Sequence[Line], small: Sequence[Hashable]
               ) -> dict[Hashable, list[int]]:
    """Each small count (1 to 4) that fewer than two values fit, with the values that do."""
    found = {}
    for key in small:
        fit = [v for v in range(1, 5) if could_be(counts, lines, key, v)]
        if len(fit) < 2:
            found[key] = fit
    return found
