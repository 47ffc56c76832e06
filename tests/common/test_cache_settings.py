"""The cache an installation uses: files shared by one machine's processes, or Redis."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

LC = str(Path(sys.executable).parent / "learningcities")


def _shell(env: dict, code: str) -> str:
    done = subprocess.run(
        [LC, "shell", "--no-imports", "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


def _env(tmp_path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LC_")}
    return {**env, "LC_DATA_DIR": str(tmp_path), **extra}


def test_default_cache_is_shared_by_the_processes_of_one_installation(tmp_path):
    env = _env(tmp_path)
    _shell(env, "from django.core.cache import cache; cache.set('lc-probe', 'from one', 60)")

    seen = _shell(env, "from django.core.cache import cache; print(cache.get('lc-probe'))")

    assert seen == "from one"
    assert any((tmp_path / "cache").iterdir())


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(
    not _redis_up() and not os.environ.get("CI"), reason="no Redis on 127.0.0.1:6379"
)
def test_redis_cache_url_is_used_by_every_process(tmp_path):
    env = _env(tmp_path, LC_CACHE_URL="redis://127.0.0.1:6379/14")
    _shell(
        env,
        "from django.core.cache import cache; cache.delete('lc-probe');"
        "cache.set('lc-probe', 'via redis', 60)",
    )

    seen = _shell(
        env,
        "from django.core.cache import cache, caches;"
        "print(cache.get('lc-probe'), type(caches['default']).__name__);"
        "cache.delete('lc-probe')",
    )

    assert seen == "via redis RedisCache"
    assert not (tmp_path / "cache").exists()
