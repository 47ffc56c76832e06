from django.core.management.base import BaseCommand, CommandError

from learningcities.frameworks.domain.errors import FrameworkError, FrameworkInvalid
from learningcities.frameworks.interfaces.yaml_files import (
    load_framework_file,
    load_shipped_frameworks,
)


class Command(BaseCommand):
    help = (
        "Load a criteria framework from a YAML file. A file with an error is refused with "
        "its location (line, or a path such as sections[0].areas[1].criteria[2].answer_type) "
        "and nothing is loaded; loading the same file twice changes nothing; a loaded "
        "version never changes (give changed content a new version)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="the framework file (YAML)")
        parser.add_argument(
            "--shipped",
            action="store_true",
            help="load the frameworks shipped with the code (Key Features, award criteria)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check the file and say what would change"
        )

    def handle(self, *args, file=None, shipped=False, dry_run=False, **options):
        if bool(file) == shipped:
            raise CommandError("Give either a framework file or --shipped.")
        if shipped:
            try:
                results = load_shipped_frameworks(dry_run=dry_run)
            except FrameworkError as error:
                raise CommandError(f"shipped frameworks refused: {error}") from None
            for result in results:
                self.stdout.write(str(result))
            return
        for path in [file]:
            try:
                result = load_framework_file(path, dry_run=dry_run)
            except FrameworkInvalid as error:
                for problem in error.problems:
                    self.stderr.write(f"{path}: {problem}")
                raise CommandError(
                    f"{path}: refused, {len(error.problems)} problem(s); nothing was loaded."
                ) from None
            except FrameworkError as error:
                raise CommandError(f"{path}: refused: {error}; nothing was loaded.") from None
            self.stdout.write(str(result))
