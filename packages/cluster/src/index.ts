export { binaries, ensureBinaries } from './build.ts'
export { API_SERVER_URL, COMPONENTS, CONTROL_PLANE, type ComponentName } from './components.ts'
export { CRD_SOURCES } from './crds.ts'
export { down, leftovers } from './down.ts'
export * as errors from './errors.ts'
export { type BuiltImage, buildImages, serviceRootfs } from './images/build-images.ts'
export { CLUSTER_SERVICES, IMAGE_RECIPE, imageConfig, imageNames } from './images/recipe.ts'
export { kubectl } from './kubectl.ts'
export { KUBERNETES_VERSION, type Layout, layout, NETWORK, NODES, type NodeSpec } from './layout.ts'
export { DEBIAN_PACKAGES } from './prerequisites.ts'
export { measurePropagation, type PropagationResult } from './propagation.ts'
export { restartComponent } from './restart.ts'
export { Api } from './scenarios/api.ts'
export { blueGreen } from './scenarios/blue-green.ts'
export { canary } from './scenarios/canary.ts'
export type { ClusterContext, ClusterScenario } from './scenarios/context.ts'
export { nodeDrain } from './scenarios/node-drain.ts'
export { type OverlayChoice, overlayDir } from './scenarios/overlay.ts'
export {
  CLUSTER_PROGRESSIVE_DEFAULTS,
  CLUSTER_SHIFTS,
  type ClusterCanaryBuild,
  type ClusterProgressiveOptions,
  type ClusterShift,
  progressive,
} from './scenarios/progressive.ts'
export { rolling } from './scenarios/rolling.ts'
export {
  COMMAND_ANNOTATION,
  readClusterRollout,
  STATE_ANNOTATION,
  sendClusterCommand,
} from './scenarios/rollout-annotations.ts'
export { CLUSTER_RUN_DEFAULTS, type ClusterRunOptions, runOnCluster } from './scenarios/run.ts'
export { upgrade } from './scenarios/upgrade.ts'
export { type ClusterStatus, status } from './status.ts'
export { ensureTraefik, TRAEFIK_VERSION, traefikBinary } from './traefik/build.ts'
export { startTraefik, TRAEFIK_WEB_PORT, type Traefik } from './traefik/start.ts'
export { type Log, nodeCount, up } from './up.ts'
export { ensureGatewayUserSecret, GATEWAY_USER_SECRET } from './user-secret.ts'
