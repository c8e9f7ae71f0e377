"""A minimal Django project around django-helpdesk, for `bench/run --peer` only.

Runs in the peer's own virtual environment (see ../runner.py), never in the portal's.
"""
