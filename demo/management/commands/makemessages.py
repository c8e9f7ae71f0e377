"""``manage.py makemessages`` that also extracts ``_lazy("...")``.

Several modules import ``gettext_lazy as _lazy`` (beside ``gettext as _``); xgettext
only knows Django's default keywords, so without this those strings would silently
never reach the catalogues.
"""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=_lazy"]
