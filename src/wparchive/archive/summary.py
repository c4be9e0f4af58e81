"""What a whole-site run did, per post type: counts that add up, and the posts that failed or vanished."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Each listed post ends in exactly one of these.
OUTCOMES = ("new", "changed", "unchanged", "protected", "failed")


@dataclass
class TypeSummary:
    """One post type's run. `total` is what the listings announced; once the type's listing has
    completed it is the number of posts accounted for, so `done of total` always adds up."""

    base: str
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    protected: int = 0
    failed: int = 0
    rendering: int = 0  # the text changed, the post did not: counted apart from `changed`
    revisions: int = 0
    total: int | None = None
    resumed_after: int = 0  # posts of the listing archived by an interrupted earlier run
    failures: list[tuple[str, str]] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)
    hidden: list[str] = field(default_factory=list)
    trashed: list[str] = field(default_factory=list)

    @property
    def done(self) -> int:
        return sum(getattr(self, name) for name in OUTCOMES) + self.rendering

    def line(self, ended: str = "", rendering_stored: bool = True) -> str:
        total = f" of {self.total}" if self.total is not None and self.total >= self.done else ""
        text = f"{self.done}{total} {self.base}: " + ", ".join(f"{getattr(self, n)} {n}" for n in OUTCOMES)
        if self.resumed_after:
            text += f", {self.resumed_after} archived before the interruption this run resumed"
        if self.revisions:
            text += f", {self.revisions} revisions imported"
        if self.rendering:
            text += f", {self.rendering} rendering change{'s' if self.rendering != 1 else ''}" + \
                ("" if rendering_stored else " (not stored)")
        for name in ("gone", "hidden", "trashed"):
            if getattr(self, name):
                text += f", {len(getattr(self, name))} {name}"
        return text + (f" ({ended})" if ended else "")

    def counts(self) -> dict[str, Any]:
        out: dict[str, Any] = {name: getattr(self, name) for name in OUTCOMES}
        out.update(revisions=self.revisions, rendering=self.rendering, total=self.total, gone=list(self.gone),
                   hidden=list(self.hidden),
                   trashed=list(self.trashed),
                   failures=[{"post": p, "error": e} for p, e in self.failures])
        return out


@dataclass
class SiteSummary:
    """A whole run: one TypeSummary per post type, in the order they ran, and how the run ended."""

    types: dict[str, TypeSummary] = field(default_factory=dict)
    rendering_stored: bool = True
    versions: list[str] = field(default_factory=list)  # `REF@ID` of each version this run wrote
    warnings: list[str] = field(default_factory=list)
    interrupted: bool = False
    stopped: str | None = None  # why the run stopped early (a full disk), if it did

    def of(self, base: str) -> TypeSummary:
        if base not in self.types:
            self.types[base] = TypeSummary(base)
        return self.types[base]

    def _sum(self, name: str) -> int:
        return sum(getattr(t, name) for t in self.types.values())

    new = property(lambda self: self._sum("new"))
    changed = property(lambda self: self._sum("changed"))
    unchanged = property(lambda self: self._sum("unchanged"))
    protected = property(lambda self: self._sum("protected"))
    failed = property(lambda self: self._sum("failed"))
    revisions = property(lambda self: self._sum("revisions"))
    rendering = property(lambda self: self._sum("rendering"))
    done = property(lambda self: self._sum("done"))

    @property
    def total(self) -> int | None:
        totals = [t.total for t in self.types.values() if t.total is not None]
        return sum(totals) if totals else None

    @property
    def failures(self) -> list[tuple[str, str]]:
        return [f for t in self.types.values() for f in t.failures]

    @property
    def gone(self) -> list[str]:
        return [g for t in self.types.values() for g in t.gone]

    def lines(self) -> list[str]:
        """One line per post type that ran (a type the run never reached is not listed)."""
        ended = "interrupted" if self.interrupted else "stopped" if self.stopped else ""
        return [t.line(ended, self.rendering_stored) for t in self.types.values()] or [
            "0 posts" + (f" ({ended})" if ended else "")]

    def line(self) -> str:
        return "; ".join(self.lines())

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {name: getattr(self, name) for name in OUTCOMES}
        out.update(revisions=self.revisions, rendering=self.rendering, total=self.total,
                   interrupted=self.interrupted, versions=list(self.versions),
                   failures=[{"post": p, "error": e} for p, e in self.failures], gone=self.gone,
                   hidden=[h for t in self.types.values() for h in t.hidden],
                   trashed=[h for t in self.types.values() for h in t.trashed],
                   types={base: t.counts() for base, t in self.types.items()}, warnings=list(self.warnings))
        if self.stopped:
            out["stopped"] = self.stopped
        return out
