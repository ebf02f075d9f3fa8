"""The course model -> coursekit sources (course.yaml, section folders, Markdown), for ``coursekit adopt``."""
