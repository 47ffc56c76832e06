import os
import shutil
import sys

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Serve the platform with granian (WSGI). Static files are served by whitenoise. "
        "A worker that dies (killed by the kernel when memory runs out, say) is started "
        "again; one that grows past --workers-max-rss is restarted once it is done."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("LC_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("LC_PORT", "8000")))
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("LC_WORKERS", "2")),
            help="Worker processes (default: LC_WORKERS or 2).",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=int(os.environ.get("LC_THREADS", "4")),
            help="Blocking threads per worker (default: LC_THREADS or 4).",
        )
        parser.add_argument(
            "--workers-max-rss",
            type=int,
            default=int(os.environ.get("LC_WORKERS_MAX_RSS_MB", "1024")),
            help=(
                "Restart a worker, gracefully, when its memory (RSS, sampled every 30 s) "
                "passes this many MiB; 0 never does (default: LC_WORKERS_MAX_RSS_MB or 1024)."
            ),
        )

    def handle(self, *args, host, port, workers, threads, workers_max_rss, **options):
        granian = shutil.which("granian") or os.path.join(
            os.path.dirname(sys.executable), "granian"
        )
        if not os.path.exists(granian):
            raise CommandError("granian is not installed in this environment; run `make install`.")
        argv = [
            granian,
            "--interface",
            "wsgi",
            "--host",
            host,
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--blocking-threads",
            str(threads),
            "--no-ws",
            # Without it granian shuts down altogether when one worker exits
            # unexpectedly: one upload that gets a worker killed for its
            # memory would take the whole site down.
            "--respawn-failed-workers",
            # A stop that finds a worker still starting could otherwise wait for
            # ever; after this, the workers left are killed.
            "--workers-kill-timeout",
            "30",
        ]
        if workers_max_rss > 0:
            argv += ["--workers-max-rss", str(workers_max_rss)]
        argv.append("learningcities.wsgi:application")
        self.stdout.write(f"Serving on http://{host}:{port}/ ({workers} workers). Ctrl-C stops.")
        self.stdout.flush()
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learningcities.settings")
        os.execv(granian, argv)  # noqa: S606 - replaces this process with granian, fixed argv
