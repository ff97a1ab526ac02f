# Stand-in for python:3.11-slim-bookworm: Debian's own Python 3.11 (see build.sh).
FROM jobdating-standin/python:bookworm
ENV LANG=C.UTF-8 PYTHONDONTWRITEBYTECODE=1
CMD ["python3"]
