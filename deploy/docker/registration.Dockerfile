# The registration service. Build from the repository root after deploy/build-wheels.sh:
#   docker build -f deploy/docker/registration.Dockerfile -t jobdating/registration:dev .
# Python packages come only from dist/wheels (no network during the build); the image runs as a user
# without privileges, and its store, NATS and tokens come from JOBDATING_REGISTRATION_* variables.
ARG PYTHON_IMAGE=python:3.11.14-slim-bookworm
FROM ${PYTHON_IMAGE} AS build
# The same build stage in every service's Dockerfile, byte for byte: docker's cache builds it once for the
# six images, which then differ only by their settings and command (built from cold, the six installs
# of nearly the same packages took most of the images' build). Third-party packages first, in a layer
# the cache keeps until the lock changes: every service's (deps/all.txt), then the project's services.
COPY dist/wheels/deps /wheels/deps
RUN python -m venv /opt/jobdating \
 && /opt/jobdating/bin/pip install --no-cache-dir --no-index --find-links=/wheels/deps -r /wheels/deps/all.txt
COPY dist/wheels/own /wheels/own
RUN /opt/jobdating/bin/pip install --no-cache-dir --no-index --no-deps \
    /wheels/own/jobdating_shared-*.whl /wheels/own/jobdating_registration-*.whl \
    /wheels/own/jobdating_sites-*.whl /wheels/own/jobdating_scheduling-*.whl \
    /wheels/own/jobdating_notifications-*.whl /wheels/own/jobdating_identity-*.whl \
    /wheels/own/jobdating_console-*.whl

FROM ${PYTHON_IMAGE}
COPY --from=build /opt/jobdating /opt/jobdating
# Volumes mounted on data/ (and maildir/) start with these owners, so the service can write there.
RUN useradd --system --uid 10001 --user-group --home-dir /var/lib/jobdating --create-home jobdating \
 && mkdir -p /var/lib/jobdating/data /var/lib/jobdating/maildir \
 && chown -R jobdating:jobdating /var/lib/jobdating
ENV PATH=/opt/jobdating/bin:$PATH PYTHONUNBUFFERED=1 \
    JOBDATING_REGISTRATION_HOST=0.0.0.0 JOBDATING_REGISTRATION_PORT=8001
USER jobdating
WORKDIR /var/lib/jobdating
EXPOSE 8001
HEALTHCHECK --interval=5s --timeout=3s --start-period=120s --retries=5 \
  CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8001/health', timeout=2).status != 200)"]
ENTRYPOINT ["jobdating-registration"]
CMD ["serve"]
