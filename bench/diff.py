"""Benchmark of wparchive's word diff against `git diff --no-index --word-diff=plain` (not a test).

Makes two versions of a realistic post.txt (prose paragraphs of 40-150 words on one line each, headings,
lists and tables) at each size, with 1% of the paragraphs edited (a few words replaced, inserted and
deleted), writes them to a temporary folder, and times, best of 3, in the same run on the same texts:
  wparchive: `compare` + `format_words`, in process;
  git:       `git diff --no-index --word-diff=plain a.txt b.txt` as a subprocess, less the time of
             `git --version` (process start).

    python bench/diff.py [--sizes 0.5,2] [--edit-fraction 0.01] [--seed 1]
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from wparchive.diff.compare import Side, compare, format_words  # noqa: E402

COMMON = ("the of and to a in is that it was for on are as with his they at be this from have or by one had "
          "not but what all were when we there can an your which their said if do will each about how up out "
          "them then she many some so these would other into has more her two like him see time could no "
          "make than first been its who now people my made over did down only way find use may water long "
          "little very after words called just where most know").split()


def vocabulary(rng: random.Random, size: int = 6000) -> tuple[list[str], list[float]]:
    """Common words plus made-up ones, with Zipf-like weights, so repeats are as frequent as in prose."""
    syllables = ["ka", "ter", "lo", "mi", "son", "ra", "vel", "di", "an", "to", "re", "mor", "is", "pen", "gu"]
    words = list(COMMON)
    seen = set(words)
    while len(words) < size:
        w = "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))
        if w not in seen:
            seen.add(w)
            words.append(w)
    return words, [1 / (rank + 1) for rank in range(len(words))]


class Prose:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.words, self.weights = vocabulary(self.rng)

    def phrase(self, n: int) -> list[str]:
        return self.rng.choices(self.words, self.weights, k=n)

    def paragraph(self) -> str:
        out: list[str] = []
        target = self.rng.randint(40, 150)
        while len(out) < target:
            sentence = self.phrase(min(self.rng.randint(8, 22), target - len(out)))
            sentence[0] = sentence[0].capitalize()
            if len(sentence) > 6 and self.rng.random() < 0.4:
                sentence[3] += ","
            sentence[-1] += "."
            out += sentence
        return " ".join(out)

    def block(self) -> tuple[str, str]:
        r = self.rng.random()
        if r < 0.84:
            return "p", self.paragraph()
        if r < 0.92:
            items = [("- " if r < 0.88 else f"{k + 1}. ") + " ".join(self.phrase(self.rng.randint(3, 12)))
                     for k in range(self.rng.randint(3, 7))]
            return "list", "\n".join(items)
        if r < 0.97:
            return "h", " ".join(self.phrase(self.rng.randint(3, 8))).capitalize()
        rows = [" | ".join(" ".join(self.phrase(self.rng.randint(1, 3))) for _ in range(4))
                for _ in range(self.rng.randint(3, 6))]
        return "table", "\n".join(rows)

    def post(self, size: int) -> list[tuple[str, str]]:
        blocks, total = [("h", "A benchmark post about nothing in particular")], 0
        while total < size:
            blocks.append(self.block())
            total += len(blocks[-1][1].encode()) + 2
        return blocks

    def edit(self, text: str) -> str:
        """A few words replaced, inserted and deleted."""
        words = text.split(" ")
        for _ in range(self.rng.randint(1, 3)):
            words[self.rng.randrange(len(words))] = self.phrase(1)[0]
        for _ in range(self.rng.randint(0, 2)):
            k = self.rng.randrange(len(words))
            words[k:k] = self.phrase(self.rng.randint(1, 4))
        for _ in range(self.rng.randint(0, 2)):
            del words[self.rng.randrange(1, len(words))]
        return " ".join(words)


def texts(size: int, fraction: float, seed: int) -> tuple[str, str, int]:
    prose = Prose(seed)
    blocks = prose.post(size)
    paragraphs = [k for k, (kind, _) in enumerate(blocks) if kind == "p"]
    edited = set(prose.rng.sample(paragraphs, max(1, round(len(paragraphs) * fraction))))
    new = [prose.edit(text) if k in edited else text for k, (_, text) in enumerate(blocks)]
    join = "\n\n".join
    return join(text for _, text in blocks) + "\n", join(new) + "\n", len(edited)


def best(fn, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="0.5,2", help="sizes in MB, comma-separated")
    parser.add_argument("--edit-fraction", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    git = ["git", "-c", "core.quotepath=off", "diff", "--no-index", "--no-color", "--word-diff=plain"]
    startup = best(lambda: subprocess.run(["git", "--version"], stdout=subprocess.PIPE, check=True))
    print(f"git process start (git --version, best of 3): {startup * 1000:.1f} ms")
    print(f"{'size':>7} {'edited':>6} {'wparchive s':>11} {'git s':>8} {'ratio':>6} {'wparchive s/MB':>14}")
    with tempfile.TemporaryDirectory() as tmp:
        for mb in (float(x) for x in args.sizes.split(",")):
            old, new, edited = texts(int(mb * 1_000_000), args.edit_fraction, args.seed)
            a, b = Path(tmp, "a.txt"), Path(tmp, "b.txt")
            a.write_text(old, encoding="utf-8")
            b.write_text(new, encoding="utf-8")
            real_mb = len(old.encode()) / 1_000_000

            def ours(old: str = old, new: str = new) -> str:
                return format_words(compare(Side("a.txt", old, {}), Side("b.txt", new, {})))

            def theirs() -> None:
                done = subprocess.run([*git, "a.txt", "b.txt"], cwd=tmp, stdout=subprocess.PIPE)
                if done.returncode != 1:
                    raise SystemExit(f"git diff exited {done.returncode}")

            ours_s = best(ours)
            git_s = max(best(theirs) - startup, 1e-6)
            print(f"{real_mb:>5.2f}MB {edited:>6} {ours_s:>11.4f} {git_s:>8.4f} {ours_s / git_s:>6.1f} "
                  f"{ours_s / real_mb:>14.4f}")


if __name__ == "__main__":
    main()
