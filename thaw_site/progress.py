"""Progress of long work for management commands: counts and rate.

On a terminal one line is rewritten in place (at most ten times a second); when the output is a file or a pipe,
a plain line is written every `every` seconds and at the end, so logs stay readable:

    progress = Progress(self.stderr, "importing", total=10_000)
    progress.update(2_500)   # importing: 2,500/10,000 (25%), 1,234/s
    progress.finish()
"""

import time
from collections.abc import Callable
from typing import Protocol


class Stream(Protocol):
    """A management command's stdout or stderr (Django's OutputWrapper)."""

    def write(
        self, msg: str = "", style_func: Callable[[str], str] | None = None, ending: str | None = None
    ) -> None: ...

    def isatty(self) -> bool: ...

    def flush(self) -> object: ...


class Progress:
    def __init__(
        self,
        stream: Stream,
        label: str,
        total: int | None = None,
        *,
        every: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream, self.label, self.total, self.clock = stream, label, total, clock
        self.terminal = stream.isatty()
        self.interval = 0.1 if self.terminal else every
        self.started = self.last = clock()
        self.done = 0
        self.shown: int | None = None  # the count last shown

    def line(self) -> str:
        elapsed = self.clock() - self.started
        rate = f"{self.done / elapsed:,.0f}/s" if elapsed > 0 else "-"
        if self.total:
            return f"{self.label}: {self.done:,}/{self.total:,} ({100 * self.done // self.total}%), {rate}"
        return f"{self.label}: {self.done:,}, {rate}"

    def show(self) -> None:
        if self.terminal:
            self.stream.write(f"\r\x1b[K{self.line()}", ending="")
        else:
            self.stream.write(self.line())
        self.stream.flush()
        self.last, self.shown = self.clock(), self.done

    def update(self, done: int, total: int | None = None) -> None:
        """`done` items so far (of `total`, when it is known only now)."""
        self.done, self.total = done, total if total is not None else self.total
        if self.clock() - self.last >= self.interval:
            self.show()

    def advance(self, count: int = 1) -> None:
        self.update(self.done + count)

    def finish(self) -> None:
        """Show the final count, unless it is already the line shown last."""
        if self.shown != self.done:
            self.show()
        if self.terminal:
            self.stream.write("")
