"""Pushing a built course to Open edX: ``coursekit import``.

Modules: :mod:`config` (settings, URL and file checks), :mod:`redact`
(secrets never reach output), :mod:`client` (HTTP with retries and clear
errors), :mod:`impact` (learner-impact report), :mod:`releases` (release
records in ``course_src/releases/``) and :mod:`importer` (the whole flow).
"""
