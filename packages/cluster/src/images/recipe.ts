/**
 * The image contents the root Dockerfile's runtime stage produces, stated once for the daemonless build:
 * test/images/cluster-image.test.ts parses the Dockerfile and fails when the two disagree.
 */
export const IMAGE_RECIPE = {
  workdir: '/app',
  user: '1000:1000',
  entrypoint: ['/usr/bin/tini', '--'],
  cmd: ['node', 'dist/main.js'],
  env: { NODE_ENV: 'production', HOST: '0.0.0.0' },
  expose: ['8080', '9090'],
} as const

/** The services that run in the local cluster (unleash is the flag server's own image, not a zdd service). */
export const CLUSTER_SERVICES = ['catalog', 'gateway', 'recommendations'] as const

/** One build serves every tag: the version a pod reports comes from its label (k8s/overlays). */
export const IMAGE_TAGS = ['v1', 'v2'] as const

export function imageNames(service: string): string[] {
  return IMAGE_TAGS.map((tag) => `docker.io/zdd/${service}:${tag}`)
}

export function imageConfig(): object {
  return {
    User: IMAGE_RECIPE.user,
    WorkingDir: IMAGE_RECIPE.workdir,
    Entrypoint: IMAGE_RECIPE.entrypoint,
    Cmd: IMAGE_RECIPE.cmd,
    Env: [
      ...Object.entries(IMAGE_RECIPE.env).map(([k, v]) => `${k}=${v}`),
      'PATH=/usr/local/bin:/usr/bin:/bin',
    ],
    ExposedPorts: Object.fromEntries(IMAGE_RECIPE.expose.map((port) => [`${port}/tcp`, {}])),
  }
}
