from django import template

from learningcities.common.markdown import render_markdown

register = template.Library()


@register.filter
def markdown(text) -> str:
    """Render ``text`` (Markdown written by a city) as sanitised HTML."""
    return render_markdown(str(text or ""))
