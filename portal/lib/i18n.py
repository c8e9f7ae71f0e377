"""Catalogue data that partners read is translatable: staff edit each language's name."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

TRANSLATED_LANGUAGES = ("hu", "cs", "ja", "ko")


class TranslatedNameModel(models.Model):
    """Abstract base: an English ``name`` plus one column per translated language."""

    name = models.CharField(_("name (English)"), max_length=200)
    name_hu = models.CharField(_("name (Hungarian)"), max_length=200, blank=True)
    name_cs = models.CharField(_("name (Czech)"), max_length=200, blank=True)
    name_ja = models.CharField(_("name (Japanese)"), max_length=200, blank=True)
    name_ko = models.CharField(_("name (Korean)"), max_length=200, blank=True)

    class Meta:
        abstract = True

    @property
    def label(self) -> str:
        """The name in the active language, falling back to English."""
        lang = (get_language() or "en")[:2]
        if lang in TRANSLATED_LANGUAGES:
            return getattr(self, f"name_{lang}") or self.name
        return self.name

    def __str__(self) -> str:
        return self.label


def local_date(value) -> str:
    """A date in the active language's format, for messages built in Python."""
    from django.utils.formats import date_format

    return date_format(value, "DATE_FORMAT") if value else "—"
