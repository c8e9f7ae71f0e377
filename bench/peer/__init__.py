"""`bench/run --peer`: django-helpdesk measured side by side with the portal (issue 21).

``runner`` (the portal's venv) makes the peer's own virtual environment, database and
runs; ``peersite`` (the peer's venv only) is its Django project, seeder and measurer;
``report`` turns both sides' figures into the results' peer table.
"""
