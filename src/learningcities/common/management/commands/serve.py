import os
import shutil
import sys

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Serve the platform with granian (WSGI). Static files are served by whitenoise."

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

    def handle(self, *args, host, port, workers, threads, **options):
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
            "learningcities.wsgi:application",
        ]
        self.stdout.write(f"Serving on http://{host}:{port}/ ({workers} workers). Ctrl-C stops.")
        self.stdout.flush()
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learningcities.settings")
        os.execv(granian, argv)  # noqa: S606 - replaces this process with granian, fixed argv
