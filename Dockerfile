# syntax=docker/dockerfile:1
# ADL Sentinel: multi-stage build on a maintained Node LTS slim image.

# --- build: install production dependencies, compiling better-sqlite3's native addon ---
FROM node:24-bookworm-slim AS build
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# --omit=dev keeps the image small; tsx (runtime TypeScript loader) is a production dependency.
RUN npm ci --omit=dev --no-audit --no-fund \
 && npm rebuild better-sqlite3 --build-from-source \
 && npm cache clean --force

# --- runtime: no compilers, non-root user, database on a volume ---
FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    DATABASE_PATH=/app/data/runtime/adl-sentinel.db \
    HEALTH_PORT=8080
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY package.json package-lock.json tsconfig.json ./
COPY src ./src
COPY commands ./commands
COPY data ./data
RUN mkdir -p /app/data/runtime && chown -R node:node /app/data/runtime
USER node
VOLUME ["/app/data/runtime"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.HEALTH_PORT||8080)+'/health').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
CMD ["node", "--import", "tsx", "src/main.ts"]
