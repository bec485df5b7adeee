"""nbgrader configuration for a class: run nbgrader from this folder (cd grading) — see README.md here."""

import os
from pathlib import Path

c = get_config()  # noqa: F821  (provided by nbgrader when it loads this file)

COURSE = Path(__file__).resolve().parent.parent  # the course repository
HERE = COURSE / "grading"

c.CourseDirectory.course_id = os.environ.get("NBGRADER_COURSE_ID", "backend-engineering-lab")
c.CourseDirectory.root = str(COURSE)
c.CourseDirectory.source_directory = "solutions"  # authored notebooks, with solutions and hidden tests
c.CourseDirectory.release_directory = "modules"  # generated student notebooks, committed
# per-class state stays in grading/ and is git-ignored
c.CourseDirectory.submitted_directory = "grading/submitted"
c.CourseDirectory.autograded_directory = "grading/autograded"
c.CourseDirectory.feedback_directory = "grading/feedback"
c.CourseDirectory.db_url = f"sqlite:///{HERE / 'gradebook.db'}"

# The exchange is where release/fetch/submit/collect meet: a shared folder on a JupyterHub.
c.Exchange.root = os.environ.get("NBGRADER_EXCHANGE", "/srv/nbgrader/exchange")

# Cells have a 20 s budget; 120 s means stuck. Notebooks start services and short load tests.
c.Execute.timeout = 120
c.Execute.kernel_name = "python3"

# LMS downloads (`nbgrader zip_collect`): files named <student>_<anything>_<notebook>.ipynb,
# e.g. alice_12345_01-welcome.ipynb (Canvas-style); adapt to your LMS's naming.
c.FileNameCollectorPlugin.named_regexp = r".*/(?P<student_id>[A-Za-z0-9.-]+)_(?:.*_)?(?P<file_id>\d\d-[A-Za-z0-9-]+\.ipynb)$"
c.ZipCollectApp.downloaded_directory = "grading/downloaded"  # put LMS zips in grading/downloaded/<module>/archive/
