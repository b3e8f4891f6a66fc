"""Badges that show RAG and implementation status as text and a symbol (colour is extra)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html, format_html_join, linebreaks

from workprogramme.models import (
    RAG_CSS,
    RAG_SYMBOLS,
    STATUS_CSS,
    STATUS_SYMBOLS,
    ImplementationStatus,
    Rag,
)

register = template.Library()

RAG_LABELS = dict(Rag.choices)
STATUS_LABELS = dict(ImplementationStatus.choices)


@register.filter
def rag_badge(value: str) -> str:
    value = value or "none"
    return format_html(
        '<strong class="portal-rag portal-rag--{}"><span aria-hidden="true">{}</span> {}</strong>',
        RAG_CSS.get(value, "grey"),
        RAG_SYMBOLS.get(value, "–"),
        RAG_LABELS.get(value, value),
    )


@register.filter
def status_badge(value: str) -> str:
    return format_html(
        '<strong class="portal-rag portal-rag--{}"><span aria-hidden="true">{}</span> {}</strong>',
        STATUS_CSS.get(value, "grey"),
        STATUS_SYMBOLS.get(value, "–"),
        STATUS_LABELS.get(value, value),
    )


@register.filter
def paragraphs(text: str) -> str:
    """Plain text to paragraphs; lines starting with '- ' or '• ' become a bulleted list."""
    blocks: list[str] = []
    bullets: list[str] = []
    para: list[str] = []

    def flush_para():
        if para:
            blocks.append(format_html('<p class="govuk-body">{}</p>', " ".join(para)))
            para.clear()

    def flush_bullets():
        if bullets:
            items = format_html_join("", "<li>{}</li>", ((b,) for b in bullets))
            blocks.append(format_html('<ul class="govuk-list govuk-list--bullet">{}</ul>', items))
            bullets.clear()

    for line in (text or "").splitlines():
        stripped = line.strip()
        if stripped.startswith(("- ", "• ")):
            flush_para()
            bullets.append(stripped[2:].strip())
        elif not stripped:
            flush_para()
            flush_bullets()
        else:
            flush_bullets()
            para.append(stripped)
    flush_para()
    flush_bullets()
    return format_html_join("", "{}", ((b,) for b in blocks))


@register.filter
def plain_paragraphs(text: str) -> str:
    return linebreaks(text or "", autoescape=True)
