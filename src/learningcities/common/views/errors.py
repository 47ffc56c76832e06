"""How a page shows a refused business rule (``common.errors.RuleError``)."""

from django.contrib import messages
from django.forms import BaseForm
from django.http import HttpRequest

from ..errors import RuleError, http_status


def show_error(
    request: HttpRequest,
    error: RuleError,
    form: BaseForm | None = None,
    *,
    field: str | None = None,
) -> int:
    """Show ``error``'s message to the person; return the status that answers it.

    On ``form`` when it is bound (beside ``field``, or at the form's top when
    ``field`` is None), so the person corrects it where they typed; otherwise
    as an error message on the next page drawn. The status is the API's for
    the same refusal (``http_status``): 400, 403 or 409.
    """
    if form is not None and form.is_bound:
        form.add_error(field, error.message)
    else:
        messages.error(request, error.message)
    return http_status(error)
