#!/bin/sh
# The proxy's start (docker-compose.yml, service `proxy`): nginx.conf.template with the PROXY_* settings of
# .env, then nginx in the foreground. Only these variables are replaced: nginx's own `$host` etc. stay.
set -eu
envsubst '${PROXY_HTTPS_PORT} ${PROXY_API_RATE} ${PROXY_API_BURST} ${PROXY_CONSOLE_RATE} ${PROXY_CONSOLE_BURST} ${PROXY_HSTS_MAX_AGE}' \
  </etc/nginx/jobdating/nginx.conf.template >/tmp/nginx.conf
exec nginx -c /tmp/nginx.conf -g 'daemon off;'
