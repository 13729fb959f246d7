import createError from '@fastify/error'

// One registry for the service (its server entry and seeding Job); the local Unleash and the admin side
// have theirs in @zdd/unleash-tools.
export const NotHealthyError = createError(
  'ZDD_UNLEASH_NOT_HEALTHY',
  'Unleash at %s did not answer /health with 200 within %s ms. Check that it runs (in Kubernetes: kubectl -n unleash get pods) and that UNLEASH_URL points at it.',
)

export const ServerSecretsError = createError(
  'ZDD_UNLEASH_SERVER_SECRETS',
  'Unleash is not started with %s. Set both from a Secret you create (in Kubernetes: the keys admin-password and session-secret of the Secret unleash-tokens, see k8s/addons/unleash/README.md); `zdd flags up` makes its own.',
)
