# syntax=docker/dockerfile:1

# Build: bundle the sources into dist/ with the full toolchain.
FROM node:20-bookworm-slim AS build
WORKDIR /app
# The launcher is the install-time build step; with no sources copied yet it steps aside.
COPY package.json package-lock.json ./
COPY src/launcher.mjs ./src/
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY db ./db
RUN npm run build

# Runtime: production dependencies and the build only, as the unprivileged node user. The install
# runs the same build step, which finds no compiler here and steps aside.
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production HOST=0.0.0.0 PORT=4000 PORTICO_DATA_DIR=/data
WORKDIR /app
COPY package.json package-lock.json ./
COPY src/launcher.mjs ./src/
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force \
  && mkdir -p /data && chown node:node /data
COPY --from=build /app/dist ./dist
USER node
EXPOSE 4000
VOLUME ["/data"]
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The same Node flags as `npm start` (package.json): a larger young generation, see DESIGN.md.
CMD ["node", "--max-semi-space-size=32", "dist/main.js"]
