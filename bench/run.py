"""Benchmark the public pages and API against a hello-world view on the same server.

Builds a synthetic network (10,000 member cities in 10 cohorts by default) in a
database of its own under var/bench, starts `learningcities serve` (granian, 2
workers) on loopback, drives each URL with wrk, and prints a table of req/s and
p99 latency with each figure's ratio to the hello-world view. The table is
written to docs/benchmarks.md. It also checks that the statistics are right
immediately after an import (the cache follows the register's revision).

    make bench                       # defaults
    .venv/bin/python bench/run.py --cities 2000 --duration 5   # a quick look
"""

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
LC = str(VENV_BIN / "learningcities")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(args: list[str], env: dict, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, env=env, check=True, text=True, capture_output=True, **kwargs)


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - loopback URL we built
        return response.read()


def wait_until_up(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            fetch(url)
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the server did not answer {url} within {timeout:.0f} s")


@contextlib.contextmanager
def serving(env: dict, *, workers: int) -> Iterator[str]:
    """Run `learningcities serve` on a free loopback port; yield its base URL, stop it after."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [LC, "serve", "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_until_up(f"{base}/-/health")
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


def write_section(path: Path, section: str, start: str, end: str) -> None:
    """Put ``section`` between the markers ``start`` and ``end`` of ``path``.

    Appended the first time; the rest of the file is kept as it is.
    """
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    block = f"{start}\n{section.rstrip()}\n{end}\n"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        after = rest.split(end, 1)[1].lstrip("\n")
        text = before + block + ("\n" + after if after else "")
    else:
        text = text.rstrip("\n") + "\n\n" + block
    path.write_text(text, encoding="utf-8")


def fresh_installation(name: str) -> tuple[Path, dict]:
    """Return an emptied data folder var/<name> and the environment of an installation there."""
    data_dir = ROOT / "var" / name
    if data_dir.exists():
        shutil.rmtree(data_dir)
    data_dir.mkdir(parents=True)
    env = {
        **os.environ,
        "LC_DATA_DIR": str(data_dir),
        "LC_DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "learningcities.settings",
    }
    env.pop("LC_DATABASE_URL", None)
    return data_dir, env


def ensure_wrk() -> str:
    wrk = shutil.which("wrk")
    if wrk:
        return wrk
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("--- installing wrk (Debian package)")
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)
        if wrk := shutil.which("wrk"):
            return wrk
    raise SystemExit("wrk is needed for the benchmark: apt-get install wrk")


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def parse_wrk(output: str) -> dict:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p99_match = re.search(r"99%\s+([\d.]+)(us|ms|s|m)\b", output)
    p50_match = re.search(r"50%\s+([\d.]+)(us|ms|s|m)\b", output)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors: (.*)", output)
    return {
        "rps": rps,
        "p50_ms": float(p50_match.group(1)) * _UNITS[p50_match.group(2)],
        "p99_ms": float(p99_match.group(1)) * _UNITS[p99_match.group(2)],
        "non2xx": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": errors.group(1).strip() if errors else "",
    }


def wrk_run(wrk: str, url: str, *, duration: int, connections: int, threads: int) -> dict:
    out = subprocess.run(
        [wrk, f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", url],
        check=True,
        text=True,
        capture_output=True,
    ).stdout
    return parse_wrk(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cities", type=int, default=10_000)
    parser.add_argument("--cohorts", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--duration", type=int, default=8, help="seconds per URL and round")
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="rounds over all URLs; each figure is the median of its rounds, which keeps "
        "a noisy shared machine from deciding the result",
    )
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="granian workers")
    parser.add_argument("--output", default=str(ROOT / "docs" / "benchmarks.md"))
    parser.add_argument("--no-write", action="store_true", help="print only")
    options = parser.parse_args()

    wrk = ensure_wrk()
    data_dir, env = fresh_installation("bench")

    print(f"--- building a synthetic network of {options.cities} cities")
    started = time.monotonic()
    run([LC, "migrate", "--no-input"], env)
    run([LC, "collectstatic", "--no-input", "--verbosity", "0"], env)
    run(
        [
            LC,
            "generate-network",
            "--cities",
            str(options.cities),
            "--seed",
            str(options.seed),
            "--cohorts",
            str(options.cohorts),
        ],
        env,
    )
    build_seconds = time.monotonic() - started
    city_id = (
        run(
            [
                LC,
                "shell",
                "-c",
                "from learningcities.network.models import City;"
                "print(City.objects.filter(memberships__status='active').order_by('pk').first().pk)",
            ],
            env,
        )
        .stdout.strip()
        .splitlines()[-1]
    )

    with serving(env, workers=options.workers) as base:
        targets = [
            ("hello-world view", "/-/health"),
            ("home", "/"),
            ("directory, page 1", "/cities/"),
            ("city page", f"/cities/{city_id}/"),
            ("stats API", "/api/v1/network/stats"),
            ("cities API", "/api/v1/cities"),
        ]
        for _label, path in targets:
            fetch(base + path)  # warm: the first request fills the cache
            wrk_run(
                wrk,
                base + path,
                duration=2,
                connections=options.connections,
                threads=options.threads,
            )
        rounds: dict[str, list[dict]] = {path: [] for _label, path in targets}
        for number in range(1, options.rounds + 1):
            for label, path in targets:
                figures = wrk_run(
                    wrk,
                    base + path,
                    duration=options.duration,
                    connections=options.connections,
                    threads=options.threads,
                )
                rounds[path].append(figures)
                print(
                    f"round {number}: {label:22} {figures['rps']:9.0f} req/s  "
                    f"p99 {figures['p99_ms']:8.1f} ms"
                )
        results = [(label, path, median_figures(rounds[path])) for label, path in targets]

        freshness = check_freshness(base, env, data_dir)

    table = render_table(results, options, build_seconds, freshness)
    print()
    print(table)
    if not options.no_write:
        output = Path(options.output)
        # Keep the sections bench/calls.py, bench/reviews.py, bench/soak.py and
        # bench/events.py write between their markers.
        previous = output.read_text(encoding="utf-8") if output.exists() else ""
        for name in ("calls", "reviews", "soak", "events", "practices"):
            start, end = f"<!-- {name}-benchmark -->", f"<!-- /{name}-benchmark -->"
            if start in previous and end in previous:
                kept = start + previous.split(start, 1)[1].split(end, 1)[0] + end
                table = table.rstrip("\n") + "\n\n" + kept + "\n"
        output.write_text(table, encoding="utf-8")
        print(f"written to {options.output}")
    failures = [r for r in results if r[2]["non2xx"] or r[2]["socket_errors"]]
    if failures or not freshness["ok"]:
        raise SystemExit("benchmark found errors: see the table")


def median_figures(runs: list[dict]) -> dict:
    """Return the median of each figure over the rounds, and every error seen."""
    return {
        "rps": statistics.median(r["rps"] for r in runs),
        "p50_ms": statistics.median(r["p50_ms"] for r in runs),
        "p99_ms": statistics.median(r["p99_ms"] for r in runs),
        "non2xx": sum(r["non2xx"] for r in runs),
        "socket_errors": "; ".join(r["socket_errors"] for r in runs if r["socket_errors"]),
        "rps_all": [r["rps"] for r in runs],
    }


def check_freshness(base: str, env: dict, data_dir: Path) -> dict:
    """Import new members while the server runs; the next stats answer must include them."""
    before = json.loads(fetch(f"{base}/api/v1/network/stats"))
    page_before = fetch(f"{base}/")
    csv_path = data_dir / "fresh.csv"
    today = dt.date.today().isoformat()
    csv_path.write_text(
        "city,country,joined,population,latitude,longitude\n"
        f"Benchmark Freshville,IS,{today},1000,64.1,-21.9\n"
        f"Benchmark Newtown,NZ,{today},2000,-41.3,174.8\n",
        encoding="utf-8",
    )
    run([LC, "import-members", str(csv_path)], env)
    after = json.loads(fetch(f"{base}/api/v1/network/stats"))
    page_after = fetch(f"{base}/")
    ok = (
        after["member_cities"] == before["member_cities"] + 2
        and after["population"] == before["population"] + 3000
        and page_before != page_after
    )
    return {"ok": ok, "before": before["member_cities"], "after": after["member_cities"]}


def render_table(results, options, build_seconds: float, freshness: dict) -> str:
    hello = results[0][2]
    lines = [
        "# Benchmarks",
        "",
        "Figures from one run of `make bench` (bench/run.py). Each figure is also given as a",
        "ratio to the hello-world view (`/-/health`) measured on the same server in the same",
        "run, so the ratios carry over between machines; the absolute numbers do not.",
        "",
        f"- date: {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- network: synthetic, {options.cities:,} cities in {options.cohorts} cohorts "
        f"(seed {options.seed}), SQLite; built in {build_seconds:.0f} s",
        f"- server: `learningcities serve` (granian WSGI, {options.workers} workers), loopback",
        f"- load: wrk, {options.threads} threads, {options.connections} connections, "
        f"{options.duration} s per URL in each of {options.rounds} rounds after a 2 s "
        "warm-up; figures are medians over the rounds",
        f"- machine: {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.system()} {platform.machine()} (load generator on the same cores)",
        "",
        "| what | URL | req/s | ratio to hello-world | p50 ms | p99 ms | p99 ratio | errors "
        "| req/s by round |",
        "|---|---|--:|--:|--:|--:|--:|--:|---|",
    ]
    for label, path, f in results:
        errors = f["non2xx"] + (1 if f["socket_errors"] else 0)
        lines.append(
            f"| {label} | `{path}` | {f['rps']:,.0f} | {f['rps'] / hello['rps']:.2f} | "
            f"{f['p50_ms']:.1f} | {f['p99_ms']:.1f} | {f['p99_ms'] / hello['p99_ms']:.2f} | "
            f"{errors} | {' / '.join(f'{x:,.0f}' for x in f['rps_all'])} |"
        )
    worst = min(f["rps"] / hello["rps"] for _l, _p, f in results[1:])
    lines += [
        "",
        f"Lowest ratio: {worst:.2f} (target: every page and endpoint at 0.5 or more).",
        "",
        "Freshness: two members imported with `learningcities import-members` while the "
        f"server ran; the stats API went from {freshness['before']} to {freshness['after']} "
        f"member cities on the next request, and the home page changed: "
        f"{'correct' if freshness['ok'] else 'WRONG'}.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
