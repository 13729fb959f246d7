export {
  CommandNotStartedError,
  CommandWithClusterError,
  InvalidVerifyOptionsError,
  KubectlError,
  NoCommandError,
  NoServiceError,
} from './errors.ts'
export { renderHtml } from './html.ts'
export { flagOf, parseVerifyOptions, type VerifyOptions, VerifyOptionsSchema } from './options.ts'
export { type CheckResult, renderText, type Status, type VerifyReport } from './report.ts'
export type { KubectlTarget } from './runs/kubectl.ts'
export { type VerifyContext, verify } from './verify.ts'
