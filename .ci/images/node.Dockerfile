# Local stand-in for the official node:24-bookworm-slim, used only where no registry is reachable.
# The build context is assembled by .ci/prepare-docker.sh: the host's Node 24 binary, npm's package
# folder and the host's CA bundle (the npm registry is reached through a TLS proxy with an extra CA).
FROM debian:bookworm-slim
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
COPY extra-ca.crt /usr/local/share/ca-certificates/kiln-extra-ca.crt
# The node user (uid 1000) mirrors the official image, so Dockerfiles that say USER node work on both.
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && update-ca-certificates \
 && groupadd --gid 1000 node \
 && useradd --uid 1000 --gid node --shell /bin/bash --create-home node
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
CMD ["node"]
