# Stand-in for nginx:1.28-bookworm: Debian's nginx and envsubst (see build.sh). docker-compose.yml gives
# its own configuration and start (deploy/proxy/), which work on the official image as well.
FROM jobdating-standin/nginx:bookworm
ENV LANG=C.UTF-8
EXPOSE 80 443
STOPSIGNAL SIGQUIT
CMD ["nginx", "-g", "daemon off;"]
