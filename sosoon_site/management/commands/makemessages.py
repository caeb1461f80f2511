"""Django's makemessages, also gathering `ngettext_noop` (sosoon_site.languages): a counted
sentence kept as words, whose singular and plural the catalog holds as one entry."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=ngettext_noop:1,2"]
