"""What runs real servers for the course, each started and stopped the same way (one file per server):
ASGI services on 127.0.0.1, Locust, PostgreSQL. Servers import only the infrastructure, never a lab."""
