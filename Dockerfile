# syntax=docker/dockerfile:1
# One image for every `syncfleet` command: `docker run IMAGE worker`, `… producer`, `… run --pipeline orders`.
# Syncfleet runs its TypeScript sources as they are: Node 24 strips the types itself (bin/syncfleet.mjs
# falls back to tsx, a production dependency, on older Node), so there is no build step: the first
# stage only resolves production dependencies, the second runs them.
ARG NODE_IMAGE=node:24-slim

FROM ${NODE_IMAGE} AS dependencies
WORKDIR /app
RUN npm install -g pnpm@10.34.8
# `pnpm fetch` needs only the lockfile, so this layer stays cached until dependencies change.
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
RUN pnpm fetch --prod
COPY . .
RUN pnpm install --offline --prod --frozen-lockfile

FROM ${NODE_IMAGE} AS runtime
# tini as PID 1 forwards SIGTERM/SIGINT to Node and reaps zombies; Node itself handles the
# signal (drain, exit 0). No shell sits in between to swallow the signal.
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini \
  && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    SYNCFLEET_CONFIG=/etc/syncfleet/syncfleet.yaml
WORKDIR /app
# Owned by root, run as `node`: the process can read its code but not change it.
COPY --from=dependencies /app /app
USER node
# 9464: /metrics, /healthz, /readyz (metrics.port); 3000: `syncfleet dashboard`.
EXPOSE 9464 3000
ENTRYPOINT ["/usr/bin/tini", "--", "node", "bin/syncfleet.mjs"]
CMD ["--help"]
