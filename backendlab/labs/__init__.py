"""One package per module: the reference services, fixes, clients, attack or load suites and reference answers
that a module's notebooks use. Labs import the infrastructure (backendlab.course, services, checks, progress,
plots) and the servers (backendlab.servers); nothing outside backendlab.labs imports a lab."""
