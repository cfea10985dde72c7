# Local stand-in for the official redis:7-bookworm, used only where no registry is reachable.
# Build context: .ci/images
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends redis-server \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir /data && chown redis:redis /data
COPY redis-server.sh /usr/local/bin/redis-server
# Like the official image: data in /data, run as the redis user.
WORKDIR /data
USER redis
CMD ["redis-server"]
