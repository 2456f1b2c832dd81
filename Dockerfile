# The meshwatch runner image: the scheduled Fargate task in the pipeline stack (infra/) runs it
# with meshwatch arguments, e.g. `--config meshwatch.config.yaml --lake /lake collect`.
# infra/runner/entrypoint.ts copies the lake from S3 (MESHWATCH_LAKE_S3) before the command, and
# the changed files (and the built dashboards, MESHWATCH_SITE_S3) back after it.
FROM node:20-bookworm-slim

ENV NODE_ENV=production \
    OBSERVABLE_TELEMETRY_DISABLE=true \
    NPM_CONFIG_UPDATE_NOTIFIER=false

WORKDIR /app
# The runner writes the lake and the dashboards' build cache: the app and /lake belong to "node".
RUN chown node:node /app && mkdir -p /lake && chown node:node /lake
USER node

# Dependencies first, so a code change does not reinstall them.
COPY --chown=node:node package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

COPY --chown=node:node . .

ENTRYPOINT ["node", "--import", "tsx", "infra/runner/entrypoint.ts"]
CMD ["--help"]
