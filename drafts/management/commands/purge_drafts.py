from django.core.management.base import BaseCommand

from drafts.services import purge_expired_drafts


class Command(BaseCommand):
    help = "Delete expired wizard drafts with their files, and orphaned draft files."

    def handle(self, *args, **options):
        result = purge_expired_drafts()
        self.stdout.write(
            "Deleted {drafts} expired draft(s) with {files} file(s), {orphans} orphaned "
            "draft file(s) and {attachment_orphans} orphaned attachment file(s).".format(**result)
        )
