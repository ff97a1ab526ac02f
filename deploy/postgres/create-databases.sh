#!/bin/bash
# Sourced by the postgres image's entrypoint on first start: one database per service instance, named in
# JOBDATING_DATABASES (space-separated), owned by POSTGRES_USER.
set -euo pipefail
for db in ${JOBDATING_DATABASES:-}; do
  echo "creating database $db"
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" -d postgres -q -c "CREATE DATABASE \"$db\""
done
