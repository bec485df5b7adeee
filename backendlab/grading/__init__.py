"""Class grading: sandboxed, guarded, parallel nbgrader autograding (see grading/README.md); no notebook imports this."""
