"""coursekit: course-as-code for Open edX (and later Moodle)."""

__version__ = "0.1.0"
