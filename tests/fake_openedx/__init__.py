"""A fake Open edX (LMS + CMS) on 127.0.0.1 that follows the import API contract.

It implements what ``coursekit import`` talks to, with the status codes and
JSON shapes of the real platform, as read from the openedx-platform source
(cms/djangoapps/contentstore/api, django-user-tasks, oauth_dispatch):

- LMS ``POST /oauth2/access_token`` (client credentials, JWT) and
  ``GET /api/courses/v1/blocks/``;
- CMS ``GET|POST /api/v1/course_runs/``, ``GET|POST /api/courses/v0/import/{id}/``
  and the django-user-tasks API ``/api/tasks/v0/tasks/`` and ``/artifacts/``.

Uploads are parsed as a stream and written to disk; archives are unpacked
with Open edX's safety checks. Faults are switched on with constructor
arguments. ``python -m fake_openedx --help`` runs it standalone.
"""

from fake_openedx.server import FakeOpenEdx, Limits

__all__ = ["FakeOpenEdx", "Limits"]
