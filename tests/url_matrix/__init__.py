"""Extensions of the role-by-view matrix (tests/test_url_matrix.py), one module per area.

Each module ``tests/url_matrix/<area>.py`` may define:

- ``ENTRIES``: ``{url name: row(...)}`` expected outcomes per role (see ``ROLES``);
- ``HIDDEN``: ``{url name: row(...)}`` outcomes for an object the role must not see;
- ``build(context) -> (kwargs, hidden_kwargs)``: creates the objects its URLs need,
  inside the matrix's module transaction. ``context`` holds ``people`` (by role),
  ``city_org`` (the coordinator's city organisation), ``other_org`` (another city's)
  and ``stranger`` (a coordinator of the other city).

So several areas can add views without editing one shared file.
"""

import importlib
import pkgutil


def extension_modules():
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        yield importlib.import_module(f"{__name__}.{info.name}")
