"""The sanitising boundary: the one place officer-entered rich text becomes storable HTML.

Every write path of rich text (report sections, minutes and their public summaries, the
amendments and corrections of approved minutes, the demo loaders, any future import) stores
``sanitise(text)``; templates may then render the stored value with ``|safe`` (the guard test
``tests/hardening/test_sanitise_boundary.py`` holds the list of every such place).

The rules, in one place:

- a small set of tags (paragraphs, line breaks, emphasis, lists, links, two heading levels,
  quotations, simple tables); everything else is dropped (``script``/``style`` with their
  content);
- attributes only where listed: ``href``/``title`` on links, ``scope``/``colspan``/``rowspan``
  on table cells; never ``style``, ``class``, ``id``, ``on*`` event handlers or ``data-*``;
- link targets only ``http:``, ``https:`` and ``mailto:``, a path on this site (``/…``) or a
  fragment (``#…``): never ``javascript:``, ``data:``, ``file:``, a protocol-relative ``//host``
  or a relative path such as ``var/db.sqlite3``;
- every link gets ``rel="noopener noreferrer"`` (so never ``rel="attachment"``).

Plain text (no block-level tags) is accepted as well and shown exactly as typed (``<`` and
``&`` stay characters): blank lines separate paragraphs, a line break stays a line break, and a
block of lines that all start with ``-``, ``*`` or ``•`` becomes a bulleted list.

Text changes on stored HTML (minute amendments and corrections) go through ``replace_text``,
which changes only the words (text nodes), never a tag or an attribute, and sanitises the result
again.
"""

from __future__ import annotations

import html
import re

import nh3

ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "strong",
        "em",
        "b",
        "i",
        "u",
        "ul",
        "ol",
        "li",
        "a",
        "h3",
        "h4",
        "blockquote",
        "table",
        "caption",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
    }
)
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer"

# Block-level markup means "this is HTML"; anything else is typed text.
_BLOCK_HTML = re.compile(r"<(p|ul|ol|li|br|h[1-6]|div|blockquote|table)[\s>/]", re.IGNORECASE)
# Inline markup the help text offers (links, bold, italics): typed into otherwise plain text,
# it is kept, and the text around it is laid out in paragraphs as plain text is.
_INLINE_HTML = re.compile(r"<(a|b|strong|em|i|u)[\s>]", re.IGNORECASE)
_BULLET = re.compile(r"^[-*•]\s+")
# A tag in the sanitiser's own output: attribute values are always double-quoted there and a
# double quote inside a value is written ``&quot;``, so this finds every tag exactly.
_TAG = re.compile(r"""(<(?:[^>"']|"[^"]*"|'[^']*')*>)""")


def _href_allowed(value: str) -> bool:
    value = value.strip()
    if value.startswith("#"):
        return True
    if value.startswith("/"):
        return not value.startswith("//") and "\\" not in value
    scheme, sep, _ = value.partition(":")
    return bool(sep) and scheme.lower() in URL_SCHEMES


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "href" and not _href_allowed(value):
        return None
    return value


def _clean(text: str) -> str:
    return nh3.clean(
        text,
        tags=set(ALLOWED_TAGS),
        clean_content_tags={"script", "style"},
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=_attribute_filter,
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    ).strip()


def _plain_to_html(text: str, *, escape=html.escape) -> str:
    out = []
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n")):
        lines = [line.strip() for line in block.strip().split("\n") if line.strip()]
        if not lines:
            continue
        if all(_BULLET.match(line) for line in lines):
            items = "".join(f"<li>{escape(_BULLET.sub('', line))}</li>" for line in lines)
            out.append(f"<ul>{items}</ul>")
        else:
            out.append("<p>" + "<br>".join(escape(line) for line in lines) + "</p>")
    return "".join(out)


def sanitise(text: str | None) -> str:
    """Officer-entered rich text (HTML or plain text) as the HTML the portal stores."""
    text = (text or "").strip()
    if not text:
        return ""
    if not _BLOCK_HTML.search(text):
        if _INLINE_HTML.search(text):
            # Plain text with a link or bold typed in: paragraphs as for plain text, the
            # markup left for the cleaner below to keep (or drop) like any other HTML.
            text = _plain_to_html(text, escape=str)
        else:
            # Plain text is text: what was typed is shown as typed (a "<" stays a character).
            text = _plain_to_html(text)
    cleaned = _clean(text)
    if cleaned and not _BLOCK_HTML.search(cleaned):
        # Only inline markup survived (say, the inside of a dropped <div>): give it its
        # paragraph, so that sanitising stored HTML again never changes it.
        cleaned = _clean(f"<p>{cleaned}</p>")
    return cleaned


def is_clean(value: str) -> bool:
    """True when ``value`` is exactly what the sanitiser stores (a fixed point)."""
    return sanitise(value) == (value or "").strip()


def editable_text(value: str) -> str:
    """Stored HTML back to the plain form officers type (paragraphs and "- " bullets), when
    that round-trips exactly; otherwise the HTML itself."""
    if not value:
        return ""
    blocks = []
    for para, items in re.findall(r"<p>(.*?)</p>|<ul>(.*?)</ul>", value, re.S):
        if items:
            lis = re.findall(r"<li>(.*?)</li>", items, re.S)
            blocks.append("\n".join(f"- {html.unescape(li)}" for li in lis))
        else:
            blocks.append(html.unescape(re.sub(r"<br\s*/?>", "\n", para)))
    plain = "\n\n".join(blocks)
    return plain if sanitise(plain) == value else value


def _segments(value: str) -> list[str]:
    """Split sanitised HTML into tags (odd indexes) and text (even indexes)."""
    return _TAG.split(sanitise(value))


def count_text(value: str, words: str) -> int:
    """How often ``words`` occur in the text of ``value`` (HTML), outside tags and attributes."""
    if not words:
        return 0
    parts = _segments(value)
    return sum(html.unescape(part).count(words) for part in parts[0::2])


def replace_text(value: str, before: str, after: str) -> str:
    """Replace ``before`` by ``after`` in the text of ``value`` (HTML): only words change,
    never a tag or an attribute; ``after`` is text (its ``<``, ``>`` and ``&`` stay
    characters), and the result is sanitised again before it is returned."""
    parts = _segments(value)
    for i in range(0, len(parts), 2):
        plain = html.unescape(parts[i])
        if before in plain:
            parts[i] = html.escape(plain.replace(before, after), quote=False)
    return sanitise("".join(parts))
