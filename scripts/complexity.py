"""Fail when the code's cyclomatic complexity passes the limits of issue 14.

Measured with radon over ``src/`` (migrations excluded), every block counted
(functions, methods, classes): the average at most 3.0, at most 3 % of the
blocks ranked C or worse (complexity above 10), none ranked E or F (above 30).
Prints the figures docs/architecture.md quotes; ``--list`` also names every
block ranked C or worse.
"""

import argparse
import sys
from pathlib import Path

from radon.cli import Config
from radon.cli.harvest import CCHarvester
from radon.complexity import SCORE, cc_rank

ROOT = Path(__file__).resolve().parent.parent / "src"
MAX_AVERAGE = 3.0
MAX_SHARE_C_OR_WORSE = 0.03
WORST_ALLOWED_RANK = "D"


def blocks(root: Path) -> list[tuple[str, object]]:
    """Return ``(file, block)`` for every block ``radon cc`` counts under ``root``.

    The same harvester as ``radon cc -a src --exclude '*/migrations/*'``, so the
    figures are the ones that command prints.
    """
    config = Config(
        exclude="*/migrations/*",
        ignore=None,
        order=SCORE,
        no_assert=False,
        show_closures=False,
        min="A",
        max="F",
        include_ipynb=False,
        ipynb_cells=False,
    )
    found = []
    for file, results in CCHarvester(
        [str(root.relative_to(Path.cwd(), walk_up=True))], config
    ).results:
        if isinstance(results, dict):  # a file radon could not parse
            raise SystemExit(f"{file}: {results.get('error')}")
        found.extend((file, block) for block in results)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--list", action="store_true", help="name every block ranked C or worse")
    args = parser.parse_args()
    found = blocks(ROOT)
    total = sum(block.complexity for _, block in found)
    average = total / len(found)
    complex_blocks = [(f, b) for f, b in found if cc_rank(b.complexity) >= "C"]
    share = len(complex_blocks) / len(found)
    worst = max((cc_rank(b.complexity) for _, b in found), default="A")
    print(
        f"{len(found)} blocks, average complexity {average:.2f} (limit {MAX_AVERAGE}), "
        f"{len(complex_blocks)} ranked C or worse = {share:.1%} "
        f"(limit {MAX_SHARE_C_OR_WORSE:.0%}), "
        f"worst rank {worst} (limit {WORST_ALLOWED_RANK})"
    )
    if args.list:
        for file, block in complex_blocks:
            print(
                f"  {file}:{block.lineno} {block.fullname} "
                f"{cc_rank(block.complexity)} ({block.complexity})"
            )
    failed = average > MAX_AVERAGE or share > MAX_SHARE_C_OR_WORSE or worst > WORST_ALLOWED_RANK
    if failed:
        print("Too complex: split the blocks above (scripts/complexity.py --list names them).")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
