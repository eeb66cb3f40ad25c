"""When to restart a part that exited, and when to give up on it (pure: the caller's clock)."""

from __future__ import annotations

import signal
from collections import deque
from dataclasses import dataclass, field

# Our processes exit with 2 on a configuration error (a refused token, a bad setting):
# restarting them cannot help.
CONFIGURATION_ERROR = 2


@dataclass(frozen=True)
class RestartPolicy:
    """Restart after `first_delay`, doubling up to `max_delay`; give up on the
    `max_crashes`-th crash within `window` seconds."""

    first_delay: float = 1.0
    max_delay: float = 30.0
    max_crashes: int = 5
    window: float = 300.0


@dataclass
class CrashHistory:
    """The recent crashes of one part."""

    policy: RestartPolicy = field(default_factory=RestartPolicy)
    times: deque[float] = field(default_factory=deque)

    def record(self, now: float, exit_code: int | None = None) -> float | None:
        """Note a crash at `now`; return the delay before restarting, or None to give up."""
        self.times.append(now)
        while self.times and now - self.times[0] > self.policy.window:
            self.times.popleft()
        if exit_code == CONFIGURATION_ERROR or len(self.times) >= self.policy.max_crashes:
            return None
        return min(self.policy.max_delay, self.policy.first_delay * 2 ** (len(self.times) - 1))


def describe_exit(code: int) -> str:
    """'exited with code 1' or 'was killed by SIGKILL' (Popen gives a signal as -number)."""
    if code < 0:
        try:
            return f"was killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"was killed by signal {-code}"
    return f"exited with code {code}"
