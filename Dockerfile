# One image recipe for every service under services/, the service chosen by a build argument:
#   docker build --build-arg SERVICE=catalog -t zdd/catalog:v1 .
# scripts/images.sh builds all of them (--minikube: inside minikube). test/images/recipe.test.ts runs these
# steps without Docker on every push and starts the result as PID 1 to prove SIGTERM reaches the drain.
#
# No BuildKit-only syntax (cache mounts, heredocs, --link): `minikube image build` may run the legacy builder.
# The version defaults equal .node-version, package.json's packageManager and the turbo entry of
# pnpm-workspace.yaml's catalog; test/images/dockerfile.test.ts fails when one of them moves alone.
ARG NODE_VERSION=24.21.0

# Build tools. pnpm 12 is a native binary shipped in per-platform optional packages: `npm install --global`
# installs the right one; corepack fetches only the wrapper and would download the binary on first use.
FROM node:${NODE_VERSION}-bookworm-slim AS tools
ARG PNPM_VERSION=12.21.0
ARG TURBO_VERSION=2.11.11
RUN npm install --global --no-audit --no-fund pnpm@${PNPM_VERSION} turbo@${TURBO_VERSION}

# The service and the workspace packages it depends on, nothing else. out/json holds only their manifests,
# so the install layer below is reused until a package.json or the lockfile changes.
FROM tools AS prune
ARG SERVICE
WORKDIR /repo
COPY . .
RUN test -n "${SERVICE}" || { echo 'missing --build-arg SERVICE=<folder under services/>' >&2; exit 1; }
RUN turbo prune @zdd/${SERVICE} --docker

FROM tools AS build
ARG SERVICE
WORKDIR /repo
COPY --from=prune /repo/out/json/ ./
COPY --from=prune /repo/out/pnpm-lock.yaml ./
RUN pnpm install --frozen-lockfile
COPY --from=prune /repo/out/full/ ./
# turbo prune copies workspace packages, not the root tsconfig they all extend.
COPY tsconfig.base.json ./
RUN turbo run build --filter=@zdd/${SERVICE}
# A self-contained folder: the service's `files` (dist/) and its production dependencies, workspace
# packages copied in with their own `files` (dist/, never src/*.ts). pnpm >= 12.2 deploys
# from the shared lockfile without injectWorkspacePackages, so the versions are the ones CI tested.
RUN pnpm deploy --prod --filter=@zdd/${SERVICE} /prod/${SERVICE}

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ARG SERVICE
# tini is PID 1: it forwards SIGTERM to node and reaps zombies (a node process as PID 1 would ignore SIGTERM). npm, npx and corepack
# are not needed to run the service; without them nothing can `npm start` it, and their CVEs are gone.
RUN apt-get update \
  && apt-get install --yes --no-install-recommends tini \
  && rm -rf /var/lib/apt/lists/* \
  && rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack \
    /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack
ENV NODE_ENV=production HOST=0.0.0.0
WORKDIR /app
# Owned by root: the service can read its files, not change them.
COPY --from=build /prod/${SERVICE}/ ./
# The `node` user of the official image, numeric so that runAsNonRoot can verify it (k8s/components/hardening).
USER 1000:1000
# PORT and MANAGEMENT_PORT defaults (packages/lifecycle/src/config.ts).
EXPOSE 8080 9090
# Exec form: node gets the signals, not a shell (npm/run-script#237).
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/main.js"]
