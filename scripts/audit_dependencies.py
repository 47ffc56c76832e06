"""Audit every version uv.lock pins for known vulnerabilities (``make audit``).

pip-audit asks PyPI's vulnerability data about each pinned version. Some
networks let through a project's own JSON page but not the page of one of its
versions, and pip-audit then skips the package ("not found on PyPI"). The
project's page still lists the vulnerabilities of its latest release, so a pin
on that release is audited from it; an older pin is reported as not audited.

Exit status: 1 when a pinned version has a known vulnerability, or with
``--strict`` when a pin could not be audited; 2 when the audit could not run.
"""

import argparse
import json
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
PROJECT_PAGE = "https://pypi.org/pypi/{name}/json"


def export_lock(uv: str) -> str:
    """Return every pin of uv.lock (all dependency groups) as a requirements file."""
    return subprocess.run(
        [uv, "export", "--frozen", "--no-emit-project", "--all-groups", "--quiet"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def run_pip_audit(requirements: str) -> list[dict]:
    """Return pip-audit's verdict on each pin: vulnerabilities, or why it was skipped."""
    pip_audit = Path(sys.executable).with_name("pip-audit")
    with tempfile.TemporaryDirectory() as tmp:
        pins, report = Path(tmp) / "requirements.txt", Path(tmp) / "audit.json"
        pins.write_text(requirements)
        result = subprocess.run(
            [
                str(pip_audit),
                "--requirement",
                str(pins),
                "--require-hashes",
                "--no-deps",
                "--disable-pip",
                "--vulnerability-service",
                "pypi",
                "--progress-spinner",
                "off",
                "--format",
                "json",
                "--output",
                str(report),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if not report.exists():  # it stopped before auditing (network, bad input)
            sys.stderr.write(result.stderr)
            sys.exit(2)
        return json.loads(report.read_text())["dependencies"]


def latest_release_vulnerabilities(name: str, version: str) -> list[dict] | None:
    """Return the known vulnerabilities of ``version`` if it is the latest release, else None."""
    try:
        # A fixed https address on PyPI, not one taken from input.
        with urllib.request.urlopen(PROJECT_PAGE.format(name=name), timeout=30) as response:  # noqa: S310
            page = json.load(response)
    except urllib.error.HTTPError as error:
        if error.code == 404:  # not a PyPI project (a local or private package)
            return None
        raise
    if Version(page["info"]["version"]) != Version(version):
        return None
    return [
        {"id": vuln["id"], "fix_versions": vuln.get("fixed_in") or []}
        for vuln in page.get("vulnerabilities") or []
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uv", default=str(ROOT / ".tools" / "bin" / "uv"))
    parser.add_argument(
        "--strict", action="store_true", help="fail when a pin could not be audited"
    )
    args = parser.parse_args()

    audited = run_pip_audit(export_lock(args.uv))
    skipped = [
        (
            canonicalize_name(d["name"]),
            d.get("version") or d["skip_reason"].rsplit("(", 1)[-1].rstrip(")"),
        )
        for d in audited
        if "skip_reason" in d
    ]
    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            from_pages = list(pool.map(lambda pin: latest_release_vulnerabilities(*pin), skipped))
    except OSError as error:
        print(f"PyPI could not be reached: {error}", file=sys.stderr)
        return 2

    vulnerable: list[tuple[str, str, dict]] = [
        (canonicalize_name(d["name"]), d["version"], vuln)
        for d in audited
        if "skip_reason" not in d
        for vuln in d["vulns"]
    ]
    by_pip_audit = len(audited) - len(skipped)
    by_latest_page, not_audited = 0, []
    for (name, version), vulns in zip(skipped, from_pages, strict=True):
        if vulns is None:
            not_audited.append(f"{name} {version}")
            continue
        by_latest_page += 1
        vulnerable += [(name, version, vuln) for vuln in vulns]

    for name, version, vuln in vulnerable:
        fixed = ", ".join(vuln["fix_versions"]) or "no fixed release yet"
        print(f"VULNERABLE  {name} {version}: {vuln['id']} (fixed in {fixed})")
    print(
        f"{by_pip_audit + by_latest_page} pinned packages audited "
        f"({by_pip_audit} by pip-audit, {by_latest_page} from their latest release's page); "
        f"{len(vulnerable)} known vulnerabilities."
    )
    if not_audited:
        print(
            f"Not audited ({len(not_audited)}; PyPI did not answer for these versions, "
            f"older than the latest release): {', '.join(not_audited)}"
        )
    if vulnerable:
        print("Upgrade them in uv.lock: uv lock --upgrade-package NAME")
        return 1
    return 1 if args.strict and not_audited else 0


if __name__ == "__main__":
    sys.exit(main())
